package pdfupdate

import "strconv"

// tokKind is the kind of a token.
type tokKind int

const (
	tokEOF tokKind = iota
	tokInt
	tokReal
	tokName
	tokString
	tokArrayOpen
	tokArrayClose
	tokDictOpen
	tokDictClose
	tokKeyword
)

type token struct {
	kind tokKind
	i    int64
	f    float64
	b    []byte // a name, a string, or a keyword
}

// lexer reads tokens and objects from b: the file, or the decoded data of
// an object stream. It never searches: every byte is read once, in order,
// and a string, a name or a comment is never taken for structure.
type lexer struct {
	b        []byte
	pos      int
	bud      *budget
	maxDepth int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isSpace(c) && !isDelim(c) }

// skipSpace passes white space and comments.
func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// next reads one token.
func (l *lexer) next() (token, error) {
	if err := l.bud.spend(1); err != nil {
		return token{}, err
	}
	l.skipSpace()
	if l.pos >= len(l.b) {
		return token{kind: tokEOF}, nil
	}
	c := l.b[l.pos]
	switch {
	case c == '[':
		l.pos++
		return token{kind: tokArrayOpen}, nil
	case c == ']':
		l.pos++
		return token{kind: tokArrayClose}, nil
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		l.pos += 2
		return token{kind: tokDictOpen}, nil
	case c == '>' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '>':
		l.pos += 2
		return token{kind: tokDictClose}, nil
	case c == '<':
		return l.hexString()
	case c == '(':
		return l.literalString()
	case c == '/':
		return l.name()
	case c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9':
		return l.number()
	case isRegular(c):
		start := l.pos
		for l.pos < len(l.b) && isRegular(l.b[l.pos]) {
			l.pos++
		}
		return token{kind: tokKeyword, b: l.b[start:l.pos]}, nil
	}
	return token{}, malformed("oväntat tecken %q vid position %d", c, l.pos)
}

func (l *lexer) number() (token, error) {
	start := l.pos
	for l.pos < len(l.b) && isRegular(l.b[l.pos]) {
		l.pos++
	}
	if i, ok := digits(l.b[start:l.pos]); ok {
		return token{kind: tokInt, i: i}, nil
	}
	s := string(l.b[start:l.pos])
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return token{kind: tokInt, i: i}, nil
	}
	// A real, or an integer too large for 64 bits, which is a real too.
	if f, err := strconv.ParseFloat(s, 64); err == nil && isReal(s) {
		return token{kind: tokReal, f: f}, nil
	}
	return token{}, malformed("ogiltigt tal %.20q vid position %d", s, start)
}

// digits reads up to 18 plain decimal digits, the common case, without
// allocating.
func digits(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	return v, true
}

// isReal reports whether s is written as PDF writes a number: a sign,
// digits and at most one point (no exponent, no "Inf", no hex).
func isReal(s string) bool {
	digits, dots := 0, 0
	for k := 0; k < len(s); k++ {
		switch c := s[k]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		case (c == '+' || c == '-') && k == 0:
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

func (l *lexer) name() (token, error) {
	l.pos++ // the slash
	var out []byte
	for l.pos < len(l.b) && isRegular(l.b[l.pos]) {
		c := l.b[l.pos]
		if c == '#' {
			if l.pos+2 >= len(l.b) {
				return token{}, malformed("ogiltigt namn vid position %d", l.pos)
			}
			hi, ok1 := unhex(l.b[l.pos+1])
			lo, ok2 := unhex(l.b[l.pos+2])
			if !ok1 || !ok2 {
				return token{}, malformed("ogiltigt namn vid position %d", l.pos)
			}
			out = append(out, hi<<4|lo)
			l.pos += 3
			continue
		}
		out = append(out, c)
		l.pos++
	}
	return token{kind: tokName, b: out}, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (l *lexer) hexString() (token, error) {
	start := l.pos
	l.pos++
	out := []byte{}
	var half byte
	odd := false
	for {
		if l.pos >= len(l.b) {
			return token{}, malformed("en sträng vid position %d tar aldrig slut", start)
		}
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		if isSpace(c) {
			continue
		}
		v, ok := unhex(c)
		if !ok {
			return token{}, malformed("ogiltig hexsträng vid position %d", start)
		}
		if odd {
			out = append(out, half<<4|v)
		} else {
			half = v
		}
		odd = !odd
	}
	if odd {
		out = append(out, half<<4)
	}
	return token{kind: tokString, b: out}, nil
}

func (l *lexer) literalString() (token, error) {
	start := l.pos
	l.pos++
	out := []byte{}
	depth := 1
	for {
		if l.pos >= len(l.b) {
			return token{}, malformed("en sträng vid position %d tar aldrig slut", start)
		}
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return token{kind: tokString, b: out}, nil
			}
		case '\r': // an end of line in a string is a line feed
			if l.pos < len(l.b) && l.b[l.pos] == '\n' {
				l.pos++
			}
			c = '\n'
		case '\\':
			var keep bool
			c, keep = l.escape()
			if !keep {
				continue
			}
		}
		out = append(out, c)
	}
}

// escape reads what follows a backslash in a literal string; keep is
// false for a line continuation, and for a backslash at the very end.
func (l *lexer) escape() (byte, bool) {
	if l.pos >= len(l.b) {
		return 0, false
	}
	c := l.b[l.pos]
	l.pos++
	switch c {
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case '\r':
		if l.pos < len(l.b) && l.b[l.pos] == '\n' {
			l.pos++
		}
		return 0, false
	case '\n':
		return 0, false
	}
	if c >= '0' && c <= '7' {
		v := c - '0'
		for k := 0; k < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; k++ {
			v = v<<3 | (l.b[l.pos] - '0')
			l.pos++
		}
		return v, true
	}
	return c, true // \( \) \\ and any other character itself
}
