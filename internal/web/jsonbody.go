package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// decode reads a JSON body of at most limit bytes into v: one value, in
// UTF-8, with no field v does not have, no key twice in an object and
// nothing after it.
func decode(r *http.Request, v any, limit int64) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return badBody("kunde inte läsa förfrågan")
	}
	if int64(len(body)) > limit {
		return errTooLarge
	}
	return decodeJSON(body, v)
}

// decodeJSON is decode's check and reading of a body already read.
func decodeJSON(body []byte, v any) error {
	if !utf8.Valid(body) {
		return errBadText
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return badBody(fmt.Sprintf("fältet %q har fel typ", typeErr.Field))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return badBody("okänt fält " + strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return badBody("ogiltig JSON")
	}
	// The decoder stops where the value ends: a scalar's end is not
	// where a scan to the next delimiter would put it ("null0").
	end := int(dec.InputOffset())
	if err := checkKeys(body[:end]); err != nil {
		return err
	}
	if len(bytes.TrimLeft(body[end:], " \t\r\n")) > 0 {
		return badBody("efter JSON-värdet följer mer data")
	}
	return nil
}

// checkKeys refuses what encoding/json lets through in a value: a key
// twice in one object, at any depth (also in another case: the decoder
// takes "Dnr" for "dnr", and the last of them would win). value is the
// one the decoder has read, so it is valid JSON; the check reads it once,
// byte by byte, and copies only a key that holds an escape (an answer's
// body: no allocation, where reading it as tokens made two hundred).
func checkKeys(value []byte) error {
	s := keyScan{b: value}
	if err := s.value(); err != nil {
		return err
	}
	if s.space(); s.i != len(s.b) {
		return errJSON
	}
	return nil
}

// keyScan walks a JSON value, keeping the keys of the objects open.
type keyScan struct {
	b    []byte
	i    int
	keys [][]byte // the keys of the objects open so far, the innermost's last
}

// manyKeys is how many keys of one object are compared pairwise (with
// bytes.EqualFold, which matches foldKey: no copy); an object with more is
// checked through a set of folded keys, so that a body of thousands of
// keys costs no more than their number.
const manyKeys = 16

var errJSON = badBody("ogiltig JSON")

func (s *keyScan) space() {
	for s.i < len(s.b) && isSpace(s.b[s.i]) {
		s.i++
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// delimits: c ends a number or a literal.
func delimits(c byte) bool { return c == ',' || c == ']' || c == '}' || isSpace(c) }

// value reads one value from s.i on.
func (s *keyScan) value() error {
	s.space()
	if s.i >= len(s.b) {
		return errJSON
	}
	switch s.b[s.i] {
	case '{':
		return s.object()
	case '[':
		s.i++
		s.space()
		if s.i < len(s.b) && s.b[s.i] == ']' {
			s.i++
			return nil
		}
		for {
			if err := s.value(); err != nil {
				return err
			}
			if end, err := s.next(']'); err != nil || end {
				return err
			}
		}
	case '"':
		_, err := s.str()
		return err
	default:
		// A number, true, false or null: up to the next delimiter.
		start := s.i
		for s.i < len(s.b) && !delimits(s.b[s.i]) {
			s.i++
		}
		if s.i == start {
			return errJSON
		}
		return nil
	}
}

// next reads the comma after a member or element, or the close that ends
// its object or array (end).
func (s *keyScan) next(close byte) (end bool, err error) {
	s.space()
	switch {
	case s.i < len(s.b) && s.b[s.i] == ',':
		s.i++
		return false, nil
	case s.i < len(s.b) && s.b[s.i] == close:
		s.i++
		return true, nil
	}
	return false, errJSON
}

// object reads an object and refuses a key it holds twice.
func (s *keyScan) object() error {
	s.i++
	first := len(s.keys)
	defer func() { s.keys = s.keys[:first] }()
	var set map[string]bool
	s.space()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		s.space()
		raw, err := s.str()
		if err != nil {
			return err
		}
		key, err := unquoteKey(raw)
		if err != nil {
			return err
		}
		seen := s.keys[first:]
		if set == nil && len(seen) == manyKeys {
			set = make(map[string]bool, 2*manyKeys)
			for _, k := range seen {
				set[foldKey(string(k))] = true
			}
		}
		if set != nil {
			folded := foldKey(string(key))
			if set[folded] {
				return duplicateKey(key)
			}
			set[folded] = true
		} else {
			for _, k := range seen {
				if bytes.EqualFold(k, key) {
					return duplicateKey(key)
				}
			}
		}
		s.keys = append(s.keys, key)
		s.space()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return errJSON
		}
		s.i++
		if err := s.value(); err != nil {
			return err
		}
		if end, err := s.next('}'); err != nil || end {
			return err
		}
	}
}

func duplicateKey(key []byte) error {
	return badBody(fmt.Sprintf("fältet %q förekommer mer än en gång", key))
}

// str reads a string from its opening quote and returns it as written,
// quotes and escapes included.
func (s *keyScan) str() ([]byte, error) {
	start := s.i
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, errJSON
	}
	for s.i++; s.i < len(s.b); s.i++ {
		switch s.b[s.i] {
		case '\\':
			if s.i++; s.i == len(s.b) {
				return nil, errJSON
			}
		case '"':
			s.i++
			return s.b[start:s.i], nil
		}
	}
	return nil, errJSON
}

// unquoteKey is a key as the decoder reads it: as written between its
// quotes, or, when it holds an escape, decoded.
func unquoteKey(raw []byte) ([]byte, error) {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner, nil
	}
	var k string
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, errJSON
	}
	return []byte(k), nil
}

// foldKey is k as encoding/json matches it to a field: in the smallest
// rune of each rune's case-folding orbit, so that foldKey(a) == foldKey(b)
// exactly when strings.EqualFold(a, b).
func foldKey(k string) string {
	var b strings.Builder
	for _, r := range k {
		for {
			next := unicode.SimpleFold(r)
			if next <= r {
				r = next
				break
			}
			r = next
		}
		b.WriteRune(r)
	}
	return b.String()
}
