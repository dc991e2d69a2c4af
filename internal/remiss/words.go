package remiss

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The words the pages, the messages and the documents share: who decides
// for an organisation of a kind, and how numbers, dates and times are
// written.

// Body is, in running text, what decides an organisation's answer: a
// nämnd through the nämnd, a bolag through its styrelse, a råd through
// the råd. Capital gives the word that begins a sentence, and the
// genitive adds an s ("styrelsens").
func (k OrgKind) Body() string {
	switch k {
	case KindBolag:
		return "styrelsen"
	case KindRad:
		return "rådet"
	case KindKS:
		return "kommunstyrelsen"
	}
	return "nämnden"
}

// Capital begins s with a capital letter, as a sentence or a message
// begins.
func Capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// Sentence is s as a sentence: a capital first and a full stop last, unless
// it already ends with one (or with ?, !, : or …).
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if !strings.ContainsAny(s[len(s)-1:], ".?!:") && !strings.HasSuffix(s, "…") {
		s += "."
	}
	return Capital(s)
}

// ThousandsSeparator is written between every three digits of a number: a
// no-break space, so that "10 000" never breaks over two lines.
const ThousandsSeparator = "\u00a0"

// Number writes n with a space between thousands, four-digit numbers
// too, so that a column of counts lines up: "1 000", "10 000".
func Number(n int) string {
	digits := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(ThousandsSeparator)
		}
		b.WriteRune(d)
	}
	return sign + b.String()
}

// Size writes a file size in bytes as people read it: "820 byte",
// "14 kB", "1,4 MB", "12 MB".
func Size(n int64) string {
	const k, m = 1000, 1000 * 1000
	switch {
	case n < k:
		return Number(int(n)) + " byte"
	case n < m-k/2:
		return Number(int((n+k/2)/k)) + " kB"
	case n < 10*m-m/20:
		tenths := (n + m/20) / (m / 10)
		return strconv.FormatInt(tenths/10, 10) + "," + strconv.FormatInt(tenths%10, 10) + " MB"
	}
	return Number(int((n+m/2)/m)) + " MB"
}

// TimeLayout is how a moment is written: the date as everywhere, then
// the time of day in Stockholm with a full stop ("2027-01-15 kl. 14.05").
const TimeLayout = DateLayout + " kl. 15.04"

// FormatTime writes t in Stockholm time as TimeLayout; the zero time is
// empty.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Stockholm).Format(TimeLayout)
}

// FormatDate writes t's Stockholm date as DateLayout; the zero time is
// empty.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Stockholm).Format(DateLayout)
}
