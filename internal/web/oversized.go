package web

import (
	"bufio"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/remiss/remiss/internal/remiss"
)

// A form over its limit (maxForm) is not acted on, but what was typed is
// not thrown away either: the body is read on (up to maxOversized), each
// field's beginning is kept, and the form is shown again with the text
// that fits and, at each field that was cut, its limit.

const (
	maxForm      = 1 << 20  // a form without files
	maxOversized = 16 << 20 // read of an oversized form to keep its fields
	maxKeptField = 12 * defaultTextLimit
	maxKeptForm  = 2 << 20 // kept of all fields together
	maxKeptPairs = 200
	// defaultTextLimit is the longest text any form field takes (the
	// answer's synpunkter); a field whose own limit is not known is cut
	// there.
	defaultTextLimit = 50000
)

// oversizedForm refuses a form over maxForm; the request's PostForm holds
// the beginning of each field, and cut names the fields cut short.
type oversizedForm struct{ cut []string }

func (e *oversizedForm) Error() string { return errFormTooLarge.Error() }

// Unwrap makes it a refusal (413) wherever it is not shown again.
func (e *oversizedForm) Unwrap() error { return errFormTooLarge }

// errFormTooLarge refuses a form body (without files) over maxForm.
var errFormTooLarge = remiss.Refuse(remiss.KindTooLarge, "formuläret är för stort")

// refusal is the form's problem at each field cut short, with its limit.
func (e *oversizedForm) refusal() *remiss.Error {
	rej := &remiss.Error{Kind: remiss.KindTooLarge, Reason: "Inget har sparats: texten är för lång. Det som ryms visas i formuläret; kontrollera det och spara igen."}
	for _, name := range e.cut {
		msg := "Texten är för lång: formuläret tar emot högst " + remiss.Size(maxForm) + ". Början av texten visas här; resten har inte sparats."
		if n, ok := textLimit(name); ok {
			msg = "Texten är för lång: högst " + remiss.Number(n) + " tecken. De första " + remiss.Number(n) + " tecknen visas här; resten har inte sparats."
		}
		rej.Fields = append(rej.Fields, remiss.FieldError{Field: name, Message: msg})
	}
	return rej
}

// readOversized keeps the beginning of each field of an urlencoded body
// whose first maxForm+1 bytes are head and the rest is in body.
func readOversized(r *http.Request, body io.Reader) error {
	vals, cut := url.Values{}, []string{}
	br := bufio.NewReaderSize(body, 64<<10)
	budget := maxKeptForm
	for range maxKeptPairs {
		pair, over, err := readPair(br, min(budget, maxKeptField))
		budget -= len(pair)
		if k, v, ok := decodePair(pair, over); ok {
			vals.Add(k, v)
			if n, _ := textLimit(k); over || utf8.RuneCountInString(v) > n {
				vals[k][len(vals[k])-1] = firstRunes(v, n)
				cut = append(cut, k)
			}
		}
		if err != nil {
			break // the end of the body, or maxOversized
		}
	}
	r.PostForm = vals
	if badValues(vals) {
		return errBadText
	}
	return &oversizedForm{cut: cut}
}

// readPair reads up to the next '&', keeping at most keep bytes; over
// says more was left out.
func readPair(br *bufio.Reader, keep int) (pair []byte, over bool, err error) {
	for {
		chunk, err := br.ReadSlice('&')
		if err == nil {
			chunk = chunk[:len(chunk)-1]
		}
		if room := max(keep-len(pair), 0); len(chunk) > room {
			chunk, over = chunk[:room], true
		}
		pair = append(pair, chunk...)
		if err != bufio.ErrBufferFull {
			return pair, over, err
		}
	}
}

// decodePair decodes name=value; a value cut short loses its last,
// incomplete escape and character.
func decodePair(pair []byte, over bool) (k, v string, ok bool) {
	rawK, rawV, _ := strings.Cut(string(pair), "=")
	if over {
		if i := strings.LastIndexByte(rawV, '%'); i >= 0 && i >= len(rawV)-2 {
			rawV = rawV[:i]
		}
	}
	k, errK := url.QueryUnescape(rawK)
	v, errV := url.QueryUnescape(rawV)
	if errK != nil || errV != nil || k == "" {
		return "", "", false
	}
	if over {
		for i := len(v) - 1; i >= 0 && i >= len(v)-utf8.UTFMax; i-- {
			if utf8.RuneStart(v[i]) {
				if !utf8.FullRuneInString(v[i:]) {
					v = v[:i]
				}
				break
			}
		}
	}
	return k, v, true
}

// firstRunes is s's first n characters.
func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// textLimit is the most characters form field name takes, from the
// validation of the answer and of a new round (their text fields), or
// defaultTextLimit and false when the field is not one of theirs.
func textLimit(name string) (int, bool) {
	for _, t := range []reflect.Type{reflect.TypeFor[remiss.Response](), reflect.TypeFor[remiss.Launch]()} {
		for f := range t.Fields() {
			json, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if json != name || f.Type.Kind() != reflect.String {
				continue
			}
			for rule := range strings.SplitSeq(f.Tag.Get("validate"), ",") {
				if n, err := strconv.Atoi(strings.TrimPrefix(rule, "max=")); err == nil && strings.HasPrefix(rule, "max=") {
					return n, true
				}
			}
		}
	}
	return defaultTextLimit, false
}

// refusedBody answers a form that could not be taken: one too large is
// shown again with what was kept (on an assignment's page, when its CSRF
// token is the session's) or, elsewhere, explained on a page that links
// back; any other refusal is an error page.
func (s *Server) refusedBody(w http.ResponseWriter, r *http.Request, p page, err error) {
	var big *oversizedForm
	if !errors.As(err, &big) {
		s.failPage(w, r, p, err)
		return
	}
	own := subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(p.CSRF)) == 1
	if own && strings.HasPrefix(r.Pattern, "POST /uppdrag/{id}/") {
		if err := s.formError(w, r, p, big.refusal()); err != nil {
			s.failPage(w, r, p, err)
		}
		return
	}
	back := map[string]string{}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && strings.HasPrefix(ref.Path, "/") && !strings.HasPrefix(ref.Path, "//") {
		back["back"] = ref.RequestURI()
	}
	s.render(w, http.StatusRequestEntityTooLarge, "error", page{Title: "Texten är för lång", User: p.User, CSRF: p.CSRF, Form: back,
		Error: "Formuläret tar emot högst " + remiss.Size(maxForm) + " text. Inget har sparats. Gå tillbaka, korta texten och skicka igen."})
}
