package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Service accounts (issue 17): a diarium or another system signs in with a
// token of a service account of its organisation, not with a person's
// password. The token carries scopes; the API takes it like a person's
// token, but only on routes within its scopes (403 elsewhere), and not
// once revoked or expired (401). A route outside every scope (tokens,
// service accounts) is never open to a service token.

// scopes are the scopes a service token may carry, with what each opens.
var scopes = map[string]string{
	"documents:read":     "läsa remisser, beslut och dokument",
	"assignments:read":   "läsa organisationens uppdrag, sammanträden och dagordning",
	"registration:write": "registrera diarienummer i organisationens diarium",
	"rounds:launch":      "skicka ut remisser och ladda upp remissunderlag",
	"meetings:write":     "ändra sammanträdeskalendern och beslutsvägen",
	"events:read":        "läsa händelser för diariet (GET /api/v1/events)",
}

// routeScopes is the scope that opens each API route to a service token.
var routeScopes = map[string]string{
	"GET /api/v1/remisses/{id}":                  "documents:read",
	"GET /api/v1/remisses/{id}/decisions":        "documents:read",
	"GET /api/v1/documents":                      "documents:read",
	"GET /api/v1/documents/{id}":                 "documents:read",
	"GET /api/v1/documents/{id}/verification":    "documents:read",
	"GET /api/v1/assignments":                    "assignments:read",
	"GET /api/v1/meetings":                       "assignments:read",
	"GET /api/v1/agenda":                         "assignments:read",
	"POST /api/v1/assignments/{id}/registration": "registration:write",
	"POST /api/v1/remisses":                      "rounds:launch",
	"POST /api/v1/remisses/{id}/documents":       "rounds:launch",
	"POST /api/v1/meetings":                      "meetings:write",
	"DELETE /api/v1/meetings/{id}":               "meetings:write",
	"PUT /api/v1/route":                          "meetings:write",
	"GET /api/v1/events":                         "events:read",
}

var errOutOfScope = remiss.Refuse(remiss.KindForbidden, "tjänstekontots token har inte behörighet (scope) för det här")

// inScope says whether a session may use the route of pattern: a person's
// always (the policy decides), a service token only within its scopes.
func inScope(sess store.Session, pattern string) bool {
	if sess.Scopes == nil {
		return true
	}
	scope, ok := routeScopes[pattern]
	return ok && slices.Contains(sess.Scopes, scope)
}

// The roles a service account may have: never admin.
var serviceRoles = []remiss.Role{remiss.RoleCoordinator, remiss.RoleRegistrar, remiss.RoleOfficer, remiss.RoleSignatory}

// mayManage refuses a caller who may not manage their organisation's
// service accounts.
func mayManage(u store.User) error {
	return remiss.MayAct(remiss.ActManageServiceAccounts, u.Actor(), u.Org)
}

// createServiceAccount is POST /api/v1/service-accounts.
func (s *Server) createServiceAccount(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := mayManage(u); err != nil {
		return err
	}
	var in struct {
		Username string      `json:"username"`
		Name     string      `json:"name"`
		Role     remiss.Role `json:"role"`
	}
	if err := decode(r, &in, 4<<10); err != nil {
		return err
	}
	var fields remiss.FieldErrors
	if !usernamePattern.MatchString(in.Username) {
		fields = append(fields, remiss.FieldError{Field: "username", Message: "ett användarnamn med små bokstäver, siffror, punkt, bindestreck eller understreck (högst 64 tecken)"})
	}
	if name := strings.TrimSpace(in.Name); name == "" || len(name) > 200 {
		fields = append(fields, remiss.FieldError{Field: "name", Message: "ett namn på högst 200 tecken, t.ex. systemets namn"})
	}
	if !slices.Contains(serviceRoles, in.Role) || in.Role == remiss.RoleCoordinator && u.Org != remiss.KS {
		fields = append(fields, remiss.FieldError{Field: "role", Message: "en roll: registrar, officer, signatory (coordinator bara vid kommunstyrelsen)"})
	}
	if len(fields) > 0 {
		return fields
	}
	acct := store.User{Username: in.Username, Org: u.Org, Role: in.Role, DisplayName: strings.TrimSpace(in.Name)}
	if err := s.Store.CreateServiceAccount(r.Context(), u.Username, acct); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"username": acct.Username, "org": acct.Org, "role": acct.Role, "name": acct.DisplayName})
	return nil
}

// createServiceToken is POST /api/v1/service-accounts/{username}/tokens:
// the token is in this answer and never again.
func (s *Server) createServiceToken(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := mayManage(u); err != nil {
		return err
	}
	var in struct {
		Label      string   `json:"label"`
		Scopes     []string `json:"scopes"`
		ExpiryDays int      `json:"expiryDays"`
	}
	if err := decode(r, &in, 4<<10); err != nil {
		return err
	}
	var fields remiss.FieldErrors
	if len(in.Scopes) == 0 {
		fields = append(fields, remiss.FieldError{Field: "scopes", Message: "minst en behörighet (scope)"})
	}
	for _, sc := range in.Scopes {
		if _, ok := scopes[sc]; !ok {
			fields = append(fields, remiss.FieldError{Field: "scopes", Message: "okänd behörighet (scope): " + strings.ToValidUTF8(sc[:min(len(sc), 40)], "")})
			break
		}
	}
	if in.ExpiryDays < 1 || in.ExpiryDays > 365 {
		fields = append(fields, remiss.FieldError{Field: "expiryDays", Message: "giltighet i dagar, från 1 till 365"})
	}
	if len(in.Label) > 200 {
		fields = append(fields, remiss.FieldError{Field: "label", Message: "högst 200 tecken"})
	}
	if len(fields) > 0 {
		return fields
	}
	slices.Sort(in.Scopes)
	in.Scopes = slices.Compact(in.Scopes)
	secret, t, err := s.Store.CreateServiceToken(r.Context(), u.Username, u.Org, r.PathValue("username"), strings.TrimSpace(in.Label), in.Scopes,
		time.Duration(in.ExpiryDays)*24*time.Hour)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "id": t.ID, "scopes": t.Scopes, "label": t.Label, "expiresAt": t.ExpiresAt})
	return nil
}

// listServiceAccounts is GET /api/v1/service-accounts: the organisation's
// service accounts and their live tokens, without secrets.
func (s *Server) listServiceAccounts(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := mayManage(u); err != nil {
		return err
	}
	accts, err := s.Store.ServiceAccounts(r.Context(), u.Org)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(accts))
	for i, a := range accts {
		tokens := make([]map[string]any, len(a.Tokens))
		for j, t := range a.Tokens {
			tokens[j] = map[string]any{"id": t.ID, "label": t.Label, "scopes": t.Scopes, "createdAt": t.CreatedAt, "lastUsedAt": t.LastUsedAt, "expiresAt": t.ExpiresAt}
		}
		out[i] = map[string]any{"username": a.Username, "name": a.DisplayName, "role": a.Role, "tokens": tokens}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// revokeServiceToken is DELETE /api/v1/service-accounts/{username}/tokens/{id}.
func (s *Server) revokeServiceToken(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := mayManage(u); err != nil {
		return err
	}
	if err := s.Store.RevokeServiceToken(r.Context(), u.Username, u.Org, r.PathValue("username"), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
