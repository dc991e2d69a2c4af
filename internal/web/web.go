// Package web serves the JSON API under /api/v1 and the pages staff use in
// a browser, with login, per-organisation access and the same rules as the
// starter: every action goes through package rounds.
package web

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/logging"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
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
	// DevMail serves the dev mail catcher's pages under /dev/ (make dev
	// only; nil elsewhere).
	DevMail http.Handler
	// SSO is single sign-on (nil: passwords only).
	SSO *SSO
	// SessionIdle and SessionMax end a web session not used for that
	// long, and that long after it began (0: an hour, and ten hours).
	SessionIdle, SessionMax time.Duration
	// BaseURL is the site's public address, for the links in events and
	// in the Atom feed (REMISS_BASE_URL; events give relative links without
	// it, the feed http://localhost:8080).
	BaseURL string
	// AllowHTTPWebhooks lets an administrator subscribe an http:// address
	// (REMISS_WEBHOOK_ALLOW_HTTP; tests, a closed network): otherwise https only.
	AllowHTTPWebhooks bool
	// accessibility is the tillgänglighetsredogörelse as HTML: the
	// municipality's (LoadAccessibilityStatement) or the default.
	accessibility template.HTML
	// verifyThrottle counts public verifications per client address.
	verifyThrottle throttle
	// linkMisses counts, per client address, personal links tried that
	// do not open (link_pages.go).
	linkMisses throttle
}

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
	// Alive, for a load balancer in front of the public address; the
	// readiness with its reasons and the metrics are on the ops address
	// only (Servers).
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	if s.DevMail != nil {
		mux.Handle("/dev/", s.DevMail)
	}
	return s.securityHeaders(s.cleanInput(s.routed(mux)))
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

// apiError is the JSON body of every error.
type apiError struct {
	Error  string             `json:"error"`
	Fields remiss.FieldErrors `json:"fields,omitempty"`
}

// status is the one map from an error to what a caller is told: the
// HTTP status of its kind and its Swedish message (and fields). A refusal
// (*remiss.Error, from internal/rounds, a workflow or this package) says
// why in its own words; a store sentinel means what it says; anything
// else is a failure of ours: a 500 with a generic message, whose cause
// the caller logs and never shows.
func status(err error) (int, apiError) {
	e, ok := remiss.AsError(err)
	var fields remiss.FieldErrors
	switch {
	case ok:
	case errors.As(err, &fields):
		e = &remiss.Error{Kind: remiss.KindInvalid, Reason: "ogiltiga uppgifter", Fields: fields}
	case errors.Is(err, store.ErrNotFound):
		e = &remiss.Error{Kind: remiss.KindNotFound, Reason: "finns inte"}
	case errors.Is(err, store.ErrConflict):
		e = &remiss.Error{Kind: remiss.KindConflict, Reason: "finns redan"}
	default:
		e = &remiss.Error{Kind: remiss.KindInternal, Reason: "ett internt fel inträffade"}
	}
	return kindStatus[e.Kind], apiError{Error: e.Reason, Fields: e.Fields}
}

var kindStatus = map[remiss.Kind]int{
	remiss.KindInternal:     http.StatusInternalServerError,
	remiss.KindInvalid:      http.StatusUnprocessableEntity,
	remiss.KindForbidden:    http.StatusForbidden,
	remiss.KindConflict:     http.StatusConflict,
	remiss.KindNotFound:     http.StatusNotFound,
	remiss.KindUnauthorized: http.StatusUnauthorized,
	remiss.KindTooLarge:     http.StatusRequestEntityTooLarge,
}

// The refusals of this package's own checks.
var (
	errForbidden    = remiss.Refuse(remiss.KindForbidden, "du har inte behörighet till det här")
	errUnauthorized = remiss.Refuse(remiss.KindUnauthorized, "logga in först")
	errTooLarge     = remiss.Refuse(remiss.KindTooLarge, "filen är för stor")
)

// badBody refuses a request body that cannot be read as it should.
func badBody(reason string) error { return remiss.Refuse(remiss.KindInvalid, "%s", reason) }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// logIDs are the log attributes of the round or assignment a request is
// about, from its path.
func logIDs(r *http.Request) []any {
	id := r.PathValue("id")
	if id == "" {
		return nil
	}
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/api/v1/remisses/"), strings.HasPrefix(p, "/remisser/"):
		return []any{logging.Remiss(id)}
	case strings.HasPrefix(p, "/api/v1/assignments/"), strings.HasPrefix(p, "/uppdrag/"):
		return logging.AssignmentAttrs(id)
	}
	return nil
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, body := status(err)
	if code == http.StatusInternalServerError {
		s.Log.Error("web", append(logIDs(r), "path", r.URL.Path, "err", err)...)
	}
	writeJSON(w, code, body)
}
