// Package web serves the JSON API under /api/v1 and the pages staff use in
// a browser, with login, per-organisation access and the same rules as the
// starter: every action goes through package rounds.
package web

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/validate"
)

// Server holds what the handlers need.
type Server struct {
	Store  *store.Store
	Rounds *rounds.Service
	Roots  *x509.CertPool // trust anchors for verification
	Log    *slog.Logger
	// SecureCookies marks cookies Secure (behind TLS in production).
	SecureCookies bool
	// Now is the clock (tests).
	Now func() time.Time
	// Extra routes (dev: the mail catcher's pages).
	Extra map[string]http.Handler
}

// MaxUpload bounds an uploaded PDF.
const MaxUpload = 20 << 20

// Handler returns every route with the security headers.
func (s *Server) Handler() http.Handler {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	mux := http.NewServeMux()
	s.apiRoutes(mux)
	s.pageRoutes(mux)
	for pattern, h := range s.Extra {
		mux.Handle(pattern, h)
	}
	return s.securityHeaders(cleanInput(mux))
}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		// Drafts, statements and inboxes stay out of browser and proxy caches.
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		if s.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// cleanInput answers 404 for a path, and 422 for a query, that is not valid
// UTF-8 or holds a NUL: such bytes name nothing here, and must not reach
// the database as an error.
func cleanInput(next http.Handler) http.Handler {
	bad := func(v string) bool { return !utf8.ValidString(v) || strings.ContainsRune(v, 0) }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bad(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		for _, vs := range r.URL.Query() {
			for _, v := range vs {
				if bad(v) {
					writeJSON(w, http.StatusUnprocessableEntity, apiError{Error: "ogiltiga tecken i förfrågan"})
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// apiError is the JSON body of every error.
type apiError struct {
	Error  string          `json:"error"`
	Fields validate.Errors `json:"fields,omitempty"`
}

// status maps an error to the answer a caller should get.
func status(err error) (int, apiError) {
	var rej *rounds.Rejection
	var fields validate.Errors
	switch {
	case errors.As(err, &rej):
		code := map[rounds.Kind]int{rounds.Invalid: http.StatusUnprocessableEntity, rounds.Forbidden: http.StatusForbidden,
			rounds.Conflict: http.StatusConflict, rounds.NotFound: http.StatusNotFound}[rej.Kind]
		return code, apiError{Error: rej.Reason, Fields: rej.Fields}
	case errors.As(err, &fields):
		return http.StatusUnprocessableEntity, apiError{Error: "ogiltiga uppgifter", Fields: fields}
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, apiError{Error: "finns inte"}
	case errors.Is(err, errForbidden):
		return http.StatusForbidden, apiError{Error: "du har inte behörighet till det här"}
	case errors.Is(err, errUnauthorized):
		return http.StatusUnauthorized, apiError{Error: "logga in först"}
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge, apiError{Error: "filen är för stor"}
	case errors.Is(err, errBadBody):
		return http.StatusUnprocessableEntity, apiError{Error: strings.TrimPrefix(err.Error(), errBadBody.Error()+": ")}
	}
	return http.StatusInternalServerError, apiError{Error: "ett internt fel inträffade"}
}

var (
	errForbidden    = errors.New("forbidden")
	errUnauthorized = errors.New("unauthorized")
	errTooLarge     = errors.New("too large")
	errBadBody      = errors.New("bad body")
)

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, body := status(err)
	if code == http.StatusInternalServerError {
		s.Log.Error("web", "path", r.URL.Path, "err", err)
	}
	writeJSON(w, code, body)
}

func rejectField(field, msg string) error {
	return &rounds.Rejection{Kind: rounds.Invalid, Reason: msg, Fields: validate.Errors{{Field: field, Message: msg}}}
}
