package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

const jsonType = "application/json"

// TestServiceAccountTokens: an organisation's admin makes a service
// account and a token with scopes, shown once; the API takes the token
// within its scopes, refuses it outside them (403), and not at all once
// revoked or expired (401).
func TestServiceAccountTokens(t *testing.T) {
	ts := newTestSite(t)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO users (username, org_code, role, display_name) VALUES ('bromma.admin','bromma','admin','Brommas administratör')`,
		`INSERT INTO users (username, org_code, role, display_name) VALUES ('farsta.admin','farsta','admin','Farstas administratör')`,
	} {
		if _, err := ts.store.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	admin := ts.token("bromma.admin")
	call := func(method, path, body, token string) (int, map[string]any, string) {
		t.Helper()
		code, resp, _ := ts.do(request(method, path, jsonType, body, nil, token))
		var out map[string]any
		json.Unmarshal([]byte(resp), &out)
		return code, out, resp
	}

	// Only an admin makes service accounts, and only valid ones.
	if code, _, body := call("POST", "/api/v1/service-accounts", `{"username":"diarium","name":"W3D3","role":"registrar"}`, ts.token("bromma.registrator")); code != 403 {
		t.Errorf("a registrar made a service account: %d %s", code, body)
	}
	if code, _, body := call("POST", "/api/v1/service-accounts", `{"username":"Diarium!","name":"","role":"admin"}`, admin); code != 422 ||
		!strings.Contains(body, `"username"`) || !strings.Contains(body, `"name"`) || !strings.Contains(body, `"role"`) {
		t.Errorf("bad service account: %d %s", code, body)
	}
	if code, _, body := call("POST", "/api/v1/service-accounts", `{"username":"bromma.diarium","name":"Brommas diarium (W3D3)","role":"registrar"}`, admin); code != 201 {
		t.Fatalf("service account: %d %s", code, body)
	}
	if code, _, body := call("POST", "/api/v1/service-accounts/bromma.diarium/tokens", `{"scopes":["ingen:sadan"],"expiryDays":30}`, admin); code != 422 {
		t.Errorf("a token with an unknown scope: %d %s", code, body)
	}
	code, tok, body := call("POST", "/api/v1/service-accounts/bromma.diarium/tokens", `{"label":"W3D3 prod","scopes":["assignments:read"],"expiryDays":30}`, admin)
	secret, _ := tok["token"].(string)
	id, _ := tok["id"].(string)
	if code != 201 || len(secret) < 40 || id == "" {
		t.Fatalf("token: %d %s", code, body)
	}

	// Within its scope: allowed, as the account (a registrar of bromma).
	if code, body, _ := ts.do(request("GET", "/api/v1/assignments", "", "", nil, secret)); code != 200 || !strings.HasPrefix(strings.TrimSpace(body), "[") {
		t.Errorf("within scope: %d %s", code, body)
	}
	// Outside it: 403, also on routes no scope opens.
	for _, r := range [][3]string{
		{"GET", "/api/v1/documents?remiss=ks-2026-1", ""},
		{"POST", "/api/v1/remisses", `{}`},
		{"GET", "/api/v1/tokens", ""},
		{"GET", "/api/v1/service-accounts", ""},
		{"POST", "/api/v1/service-accounts", `{"username":"x","name":"x","role":"registrar"}`},
	} {
		if code, _, body := call(r[0], r[1], r[2], secret); code != 403 || !strings.Contains(body, "scope") {
			t.Errorf("%s %s outside the scope: %d %s", r[0], r[1], code, body)
		}
	}

	// Listed, never with the secret; not for another organisation's admin.
	_, list, _ := ts.do(request("GET", "/api/v1/service-accounts", "", "", nil, admin))
	if !strings.Contains(list, id) || !strings.Contains(list, "assignments:read") || strings.Contains(list, secret) {
		t.Errorf("list: %s", list)
	}
	farsta := ts.token("farsta.admin")
	if _, other, _ := ts.do(request("GET", "/api/v1/service-accounts", "", "", nil, farsta)); strings.Contains(other, "bromma.diarium") {
		t.Errorf("farsta's admin sees bromma's service accounts: %s", other)
	}
	if code, _, _ := call("DELETE", "/api/v1/service-accounts/bromma.diarium/tokens/"+id, "", farsta); code != 404 {
		t.Errorf("farsta's admin revoked bromma's token: %d", code)
	}

	// Expired: 401.
	_, tok2, _ := call("POST", "/api/v1/service-accounts/bromma.diarium/tokens", `{"scopes":["assignments:read"],"expiryDays":1}`, admin)
	expiring, _ := tok2["token"].(string)
	if code, _, _ := ts.do(request("GET", "/api/v1/assignments", "", "", nil, expiring)); code != 200 {
		t.Fatalf("fresh token: %d", code)
	}
	if _, err := ts.store.DB().Exec(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id=$1`, tok2["id"]); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := ts.do(request("GET", "/api/v1/assignments", "", "", nil, expiring)); code != 401 {
		t.Errorf("expired token: %d", code)
	}

	// Revoked: 401.
	if code, _, body := call("DELETE", "/api/v1/service-accounts/bromma.diarium/tokens/"+id, "", admin); code != 204 {
		t.Fatalf("revoke: %d %s", code, body)
	}
	if code, _, _ := ts.do(request("GET", "/api/v1/assignments", "", "", nil, secret)); code != 401 {
		t.Errorf("revoked token: %d", code)
	}

	// The service account cannot sign in by password or on the pages.
	if code, _, _ := call("POST", "/api/v1/tokens", `{"username":"bromma.diarium","password":""}`, ""); code != 401 {
		t.Errorf("a service account got a token by password: %d", code)
	}
	events, err := ts.store.IdentityEvents(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(events) - 1; i >= 0; i-- {
		got = append(got, events[i].Event+" "+events[i].Actor)
	}
	want := "service_account_created bromma.admin|service_token_created bromma.admin|service_token_created bromma.admin|service_token_revoked bromma.admin"
	if strings.Join(got, "|") != want {
		t.Errorf("audit trail %q", got)
	}
}

// TestOpenAPIDescribesTheSecuritySchemes: a person's bearer token and a
// service account's, with the scope each route needs.
func TestOpenAPIDescribesTheSecuritySchemes(t *testing.T) {
	var doc struct {
		Paths      map[string]map[string]map[string]any
		Components struct {
			SecuritySchemes map[string]map[string]any `json:"securitySchemes"`
		}
	}
	if err := json.Unmarshal(openAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Components.SecuritySchemes["bearer"] == nil || doc.Components.SecuritySchemes["serviceToken"] == nil {
		t.Fatalf("security schemes: %v", doc.Components.SecuritySchemes)
	}
	for pattern, scope := range routeScopes {
		method, path, _ := strings.Cut(pattern, " ")
		op := doc.Paths[path][strings.ToLower(method)]
		if op == nil {
			t.Errorf("%s: scoped but not in the API", pattern)
			continue
		}
		b, _ := json.Marshal(op["security"])
		if !strings.Contains(string(b), `"serviceToken":["`+scope+`"]`) {
			t.Errorf("%s: security %s does not name %s", pattern, b, scope)
		}
	}
}
