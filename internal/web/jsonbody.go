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
	return checkJSON(body)
}

// checkJSON refuses what encoding/json lets through: a key twice in one
// object, at any depth (also in another case: the decoder takes "Dnr"
// for "dnr", and the last of them would win), and anything after the
// value.
func checkJSON(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	// One entry per open object or array: an object's keys so far, nil
	// for an array. atKey is whether the innermost object's next token
	// is a key.
	var open []map[string]bool
	atKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return badBody("ogiltig JSON")
		}
		inObject := len(open) > 0 && open[len(open)-1] != nil
		switch {
		case tok == json.Delim('{'):
			open, atKey = append(open, map[string]bool{}), true
			continue
		case tok == json.Delim('['):
			open, atKey = append(open, nil), false
			continue
		case tok == json.Delim('}') || tok == json.Delim(']'):
			open = open[:len(open)-1]
		case inObject && atKey:
			key := foldKey(tok.(string))
			if open[len(open)-1][key] {
				return badBody(fmt.Sprintf("fältet %q förekommer mer än en gång", tok))
			}
			open[len(open)-1][key], atKey = true, false
			continue
		}
		// A value has ended: in an object, a key comes next.
		if len(open) == 0 {
			break
		}
		atKey = open[len(open)-1] != nil
	}
	if _, err := dec.Token(); err != io.EOF {
		return badBody("efter JSON-värdet följer mer data")
	}
	return nil
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
