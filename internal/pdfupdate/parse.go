package pdfupdate

import "reflect"

// object reads one direct object, with its references left unresolved.
func (l *lexer) object(depth int) (Object, error) {
	t, err := l.next()
	if err != nil {
		return nil, err
	}
	return l.objectFrom(t, depth)
}

func (l *lexer) objectFrom(t token, depth int) (Object, error) {
	switch t.kind {
	case tokInt:
		if r, ok := l.refAfter(t.i); ok {
			return r, nil
		}
		return t.i, nil
	case tokReal:
		return t.f, nil
	case tokName:
		return Name(t.b), nil
	case tokString:
		return String(t.b), nil
	case tokArrayOpen:
		return l.array(depth + 1)
	case tokDictOpen:
		return l.dict(depth + 1)
	case tokKeyword:
		switch string(t.b) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return nil, malformed("oväntat ord %.20q vid position %d", t.b, l.pos-len(t.b))
	case tokEOF:
		return nil, malformed("filen tar slut mitt i ett objekt")
	}
	return nil, malformed("oväntad avslutning vid position %d", l.pos)
}

// refAfter reads "G R" after the integer n, if they follow; else it leaves
// the position where it was.
func (l *lexer) refAfter(n int64) (Ref, bool) {
	save := l.pos
	g, err := l.next()
	if err == nil && g.kind == tokInt {
		r, err := l.next()
		if err == nil && r.kind == tokKeyword && string(r.b) == "R" &&
			n >= 0 && n <= maxObjectNumber && g.i >= 0 && g.i <= 65535 {
			return Ref{Num: int(n), Gen: int(g.i)}, true
		}
	}
	l.pos = save
	return Ref{}, false
}

// maxObjectNumber bounds object numbers whatever the limits (PDF's own
// implementation limit is 8,388,607).
const maxObjectNumber = 1<<31 - 1

func (l *lexer) array(depth int) (Object, error) {
	if depth > l.maxDepth {
		return nil, overBudget("den är för djupt nästlad")
	}
	a := Array{}
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		if t.kind == tokArrayClose {
			return a, nil
		}
		o, err := l.objectFrom(t, depth)
		if err != nil {
			return nil, err
		}
		a = append(a, o)
	}
}

func (l *lexer) dict(depth int) (Object, error) {
	if depth > l.maxDepth {
		return nil, overBudget("den är för djupt nästlad")
	}
	d := Dict{}
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		if t.kind == tokDictClose {
			return d, nil
		}
		if t.kind != tokName {
			return nil, malformed("en ordlista har en nyckel som inte är ett namn vid position %d", l.pos)
		}
		key := Name(t.b)
		v, err := l.object(depth)
		if err != nil {
			return nil, err
		}
		// A key twice with the same value is a writer's slip (fpdf makes
		// it); with two values, readers would disagree on which holds.
		if old, dup := d[key]; dup && !reflect.DeepEqual(old, v) {
			return nil, malformed("en ordlista har nyckeln /%s två gånger med olika värden", printable(key))
		}
		d[key] = v
	}
}

// printable shows at most 40 bytes of a name, its odd bytes escaped, in
// a message.
func printable(n Name) string {
	var out []byte
	for i := 0; i < len(n) && i < 40; i++ {
		c := n[i]
		if c > 0x20 && c < 0x7f && c != '#' {
			out = append(out, c)
		} else {
			out = append(out, '#', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		}
	}
	return string(out)
}

// keyword reads a token and checks it is the keyword want.
func (l *lexer) keyword(want string) error {
	at := l.pos
	t, err := l.next()
	if err != nil {
		return err
	}
	if t.kind != tokKeyword || string(t.b) != want {
		return malformed("%q saknas vid position %d", want, at)
	}
	return nil
}

// integer reads a token and checks it is a non-negative integer.
func (l *lexer) integer() (int64, error) {
	at := l.pos
	t, err := l.next()
	if err != nil {
		return 0, err
	}
	if t.kind != tokInt || t.i < 0 {
		return 0, malformed("ett heltal saknas vid position %d", at)
	}
	return t.i, nil
}
