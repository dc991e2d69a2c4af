package web

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/store"
)

const (
	sessionCookie = "remiss_session"
	tokenTTL      = 24 * time.Hour
	// Five wrong passwords in fifteen minutes lock a username for the rest
	// of that window.
	maxFailures   = 5
	failureWindow = 15 * time.Minute
)

var errThrottled = errors.New("för många misslyckade inloggningar; försök igen om en stund")

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// login checks a password, with throttling per username. The attempt is
// counted before the password is checked, so parallel guesses cannot slip
// past the limit; a successful login takes its attempt back.
func (s *Server) login(ctx context.Context, username, password string) (store.User, error) {
	if !usernamePattern.MatchString(username) || len(password) > 1024 {
		return store.User{}, store.ErrBadLogin
	}
	attempt, err := s.Store.RecordLoginFailure(ctx, username, s.Now())
	if err != nil {
		return store.User{}, err
	}
	n, err := s.Store.LoginFailures(ctx, username, s.Now().Add(-failureWindow))
	if err != nil {
		return store.User{}, err
	}
	if n > maxFailures {
		return store.User{}, errThrottled
	}
	u, err := s.Store.Authenticate(ctx, username, password)
	if err == nil {
		err = s.Store.ForgetLoginAttempt(ctx, attempt)
	}
	return u, err
}

// apiHandler is an API handler for a logged-in user.
type apiHandler func(w http.ResponseWriter, r *http.Request, u store.User) error

// api authenticates a bearer token and runs h, mapping its error to a status.
func (s *Server) api(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			s.fail(w, r, errUnauthorized)
			return
		}
		sess, err := s.Store.Session(r.Context(), token, "api")
		if errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, errUnauthorized)
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !inScope(sess, r.Pattern) {
			s.fail(w, r, errOutOfScope)
			return
		}
		r = withSessionID(r, sess.ID)
		if sess.Scopes != nil {
			r = withService(r)
		}
		if err := h(w, r, sess.User); err != nil {
			s.fail(w, r, err)
		}
	}
}

// createToken is POST /api/v1/tokens.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decode(r, &in, 4<<10); err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.passwords() {
		writeJSON(w, http.StatusForbidden, apiError{Error: "inloggning med lösenord är avstängd; använd ett tjänstekontos token"})
		return
	}
	u, err := s.login(r.Context(), in.Username, in.Password)
	switch {
	case errors.Is(err, errThrottled):
		writeJSON(w, http.StatusTooManyRequests, apiError{Error: err.Error()})
		return
	case errors.Is(err, store.ErrBadLogin):
		writeJSON(w, http.StatusUnauthorized, apiError{Error: err.Error()})
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	token, sess, err := s.Store.CreateSession(r.Context(), u.Username, "api", tokenTTL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": token, "id": sess.ID, "expiresAt": sess.ExpiresAt})
}
