package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/store"
)

// login gets an API token for user (whose password is "demo").
func (ts *testSite) login(user string) (secret, id string) {
	ts.t.Helper()
	code, body, _ := ts.do(request("POST", "/api/v1/tokens", "application/json", `{"username":"`+user+`","password":"demo"}`, nil, ""))
	var out struct{ Token, ID string }
	if code != 201 || json.Unmarshal([]byte(body), &out) != nil || out.Token == "" || out.ID == "" {
		ts.t.Fatalf("login %s: %d %s", user, code, body)
	}
	return out.Token, out.ID
}

// TestTokensAreListedAndRevoked lists a user's tokens without their
// secrets and revokes them, the one in use too; a revoked token gets 401,
// and nobody may see or revoke another's.
func TestTokensAreListedAndRevoked(t *testing.T) {
	ts := newTestSite(t)
	ctx := context.Background()
	if err := ts.store.SetPasswords(ctx, "demo", []string{"bromma.registrator", "farsta.registrator"}); err != nil {
		t.Fatal(err)
	}
	first, firstID := ts.login("bromma.registrator")
	second, secondID := ts.login("bromma.registrator")
	farsta, farstaID := ts.login("farsta.registrator")

	code, body, _ := ts.do(request("GET", "/api/v1/tokens", "", "", nil, first))
	var list []tokenJSON
	if code != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list) != 2 {
		t.Fatalf("list: %d %s", code, body)
	}
	if list[0].ID != firstID || !list[0].Current || list[0].LastUsedAt == nil || list[1].ID != secondID || list[1].Current {
		t.Errorf("list: %+v", list)
	}
	for _, secret := range []string{first, second, farsta} {
		if strings.Contains(body, secret) {
			t.Errorf("the list shows a secret: %s", body)
		}
	}
	if strings.Contains(body, farstaID) {
		t.Errorf("the list shows another's token: %s", body)
	}

	for _, id := range []string{farstaID, "nonsense", "00000000-0000-0000-0000-000000000000"} {
		if code, body, _ := ts.do(request("DELETE", "/api/v1/tokens/"+id, "", "", nil, first)); code != 404 {
			t.Errorf("revoke %s: %d %s", id, code, body)
		}
	}
	if code, _, _ := ts.do(request("GET", "/api/v1/tokens", "", "", nil, farsta)); code != 200 {
		t.Errorf("another's token after a try to revoke it: %d", code)
	}
	if code, body, _ := ts.do(request("DELETE", "/api/v1/tokens/"+secondID, "", "", nil, first)); code != 204 {
		t.Fatalf("revoke: %d %s", code, body)
	}
	if code, _, _ := ts.do(request("GET", "/api/v1/tokens", "", "", nil, second)); code != 401 {
		t.Errorf("a revoked token: %d", code)
	}
	// A client logs out by revoking its own token.
	if code, body, _ := ts.do(request("DELETE", "/api/v1/tokens/"+firstID, "", "", nil, first)); code != 204 {
		t.Fatalf("revoke the token in use: %d %s", code, body)
	}
	if code, _, _ := ts.do(request("GET", "/api/v1/assignments", "", "", nil, first)); code != 401 {
		t.Errorf("a revoked token: %d", code)
	}
	if code, _, _ := ts.do(request("GET", "/api/v1/tokens", "", "", nil, "")); code != 401 {
		t.Errorf("without a token: %d", code)
	}
}

// TestLogoutEndsTheSession logs out on the pages: the session is gone
// from the database and its cookie lets nobody in.
func TestLogoutEndsTheSession(t *testing.T) {
	ts := newTestSite(t)
	cookie, csrf := ts.session("bromma.registrator")
	if code, _, h := ts.do(request("POST", "/logga-ut", formType, url.Values{"csrf": {csrf}}.Encode(), cookie, "")); code != 303 || h.Get("Location") != "/logga-in" {
		t.Fatalf("logout: %d %s", code, h.Get("Location"))
	}
	if _, err := ts.store.Session(context.Background(), cookie.Value, "web"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the session after logout: %v", err)
	}
	if code, _, h := ts.do(request("GET", "/inkorg", "", "", cookie, "")); code != 303 || h.Get("Location") != "/logga-in" {
		t.Errorf("the old cookie: %d %s", code, h.Get("Location"))
	}
}

// TestOpenAPIDocumentsTokens checks the token routes are in the API's
// document, only the login without a bearer token.
func TestOpenAPIDocumentsTokens(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Security  []map[string]any `json:"security"`
			Responses map[string]any   `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	tokens, one := doc.Paths["/api/v1/tokens"], doc.Paths["/api/v1/tokens/{id}"]
	if _, ok := tokens["post"]; !ok || tokens["post"].Security != nil {
		t.Errorf("login: %+v", tokens["post"])
	}
	if _, ok := tokens["get"]; !ok || tokens["get"].Security == nil {
		t.Errorf("list: %+v", tokens["get"])
	}
	if op, ok := one["delete"]; !ok || op.Security == nil || op.Responses["204"] == nil {
		t.Errorf("revoke: %+v", one["delete"])
	}
}
