package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

type apiClient struct {
	t    *testing.T
	base string
}

type reply struct {
	code int
	body []byte
}

// fields are the names of the fields an error reply finds fault with.
func (r reply) fields() map[string]bool {
	var body struct {
		Fields []struct{ Field, Message string }
	}
	json.Unmarshal(r.body, &body)
	got := map[string]bool{}
	for _, f := range body.Fields {
		got[f.Field] = true
	}
	return got
}

func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
}

func (c apiClient) do(token, method, path string, body any) reply {
	c.t.Helper()
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/pdf"
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	// Every answer is checked against the OpenAPI document
	// (openapi_conformance_test.go).
	checkOpenAPI(c.t, c.base, method, path, resp.StatusCode, resp.Header.Get("Content-Type"), b)
	return reply{resp.StatusCode, b}
}

func (c apiClient) token(user string) string {
	c.t.Helper()
	r := c.do("", "POST", "/api/v1/tokens", map[string]string{"username": user, "password": "demo"})
	if r.code != 201 {
		c.t.Fatalf("login %s: %d %s", user, r.code, r.body)
	}
	var out struct{ Token string }
	r.json(c.t, &out)
	return out.Token
}
