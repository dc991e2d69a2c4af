package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
)

// Text a request carries must be UTF-8 without NUL: other bytes name
// nothing here, and PostgreSQL refuses them in text (a failure of ours,
// a 500, had they reached it). They are refused with 422 before any
// handler runs: in the path (404) and the query by cleanInput, in a
// form's names, values and file names by readForm, in a JSON body by
// decode.

// errBadText refuses a request holding text that is not UTF-8 or holds NUL.
var errBadText = remiss.Refuse(remiss.KindInvalid, "förfrågan innehåller ogiltiga tecken (text som inte är UTF-8, eller NUL)")

// errBadForm refuses a form body that cannot be read as one.
var errBadForm = remiss.Refuse(remiss.KindInvalid, "formuläret kunde inte läsas")

// readForm parses a posted form, urlencoded (at most maxForm) or
// multipart (a file of at most rounds.MaxUpload and 1 MB more), and
// refuses one that is too large, cannot be read or holds badText; an
// urlencoded one too large is refused with what of it was kept
// (readOversized).
func readForm(w http.ResponseWriter, r *http.Request) error {
	var err error
	multi := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
	if multi {
		r.Body = http.MaxBytesReader(w, r.Body, rounds.MaxUpload+1<<20)
		err = r.ParseMultipartForm(1 << 20)
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxOversized)
		head, rerr := io.ReadAll(io.LimitReader(r.Body, maxForm+1))
		if rerr != nil {
			return errBadForm
		}
		if len(head) > maxForm {
			return readOversized(r, io.MultiReader(bytes.NewReader(head), r.Body))
		}
		r.Body = io.NopCloser(bytes.NewReader(head))
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errTooLarge
	case err != nil:
		return errBadForm
	case badForm(r):
		return errBadText
	}
	return nil
}

// badText says whether v is not UTF-8 or holds a NUL.
func badText(v string) bool { return !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 }

// badValues says whether a name or a value of vs is badText.
func badValues(vs url.Values) bool {
	for k, list := range vs {
		if badText(k) {
			return true
		}
		for _, v := range list {
			if badText(v) {
				return true
			}
		}
	}
	return false
}

// badForm says whether a parsed form holds badText: in the query's or
// the body's names and values (r.Form, r.PostForm), or in a multipart
// form's values, file fields or file names.
func badForm(r *http.Request) bool {
	if badValues(r.Form) || badValues(r.PostForm) {
		return true
	}
	if m := r.MultipartForm; m != nil {
		if badValues(m.Value) {
			return true
		}
		for k, files := range m.File {
			if badText(k) {
				return true
			}
			for _, f := range files {
				if badText(f.Filename) {
					return true
				}
			}
		}
	}
	return false
}

// cleanInput answers 404 for a path, and 422 for a query, that is badText:
// in JSON under /api/, else as a page.
func (s *Server) cleanInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if badText(r.URL.Path) {
			s.notFound(w, r, http.StatusNotFound)
			return
		}
		if badValues(r.URL.Query()) {
			if strings.HasPrefix(r.URL.Path, "/api/") {
				s.fail(w, r, errBadText)
			} else {
				s.failPage(w, r, page{}, errBadText)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}
