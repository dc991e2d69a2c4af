package web

import (
	"context"
	"net/http"
	"time"

	"github.com/remiss/remiss/internal/store"
)

// An owner's API tokens: listed without their secrets, and revoked one by
// one (a client's logout is revoking its own).

// sessionIDKey carries the public ID of the request's token in its context.
type sessionIDKey struct{}

// tokenJSON is a token as its owner sees it.
type tokenJSON struct {
	ID         string     `json:"id"`
	CreatedAt  time.Time  `json:"createdAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
	ExpiresAt  time.Time  `json:"expiresAt"`
	Current    bool       `json:"current"` // the token of this request
}

// listTokens is GET /api/v1/tokens: the caller's live tokens.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request, u store.User) error {
	tokens, err := s.Store.Tokens(r.Context(), u.Username)
	if err != nil {
		return err
	}
	current, _ := r.Context().Value(sessionIDKey{}).(string)
	out := make([]tokenJSON, len(tokens))
	for i, t := range tokens {
		out[i] = tokenJSON{ID: t.ID, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, ExpiresAt: t.ExpiresAt, Current: t.ID == current}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// revokeToken is DELETE /api/v1/tokens/{id}: another's token is not found.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := s.Store.RevokeToken(r.Context(), u.Username, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// withSessionID is r carrying the public ID of its token.
func withSessionID(r *http.Request, id string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), sessionIDKey{}, id))
}

// serviceKey marks a request made with a service account's token (whose
// scopes the API has checked for the route).
type serviceKey struct{}

// withService is r marked as made with a service account's token.
func withService(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), serviceKey{}, true))
}

// byService reports whether r was made with a service account's token.
func byService(r *http.Request) bool {
	v, _ := r.Context().Value(serviceKey{}).(bool)
	return v
}
