package web

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestOpenAPIDescribesEveryRoute: every route says what it answers on
// success (answers), every response but a 204 names its body, every
// operation has its own operationId, and answers names no route that is
// not one. tests/e2e checks the real answers against the document.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Responses   map[string]struct {
				Content map[string]any `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	known, ids := map[string]bool{}, map[string]bool{}
	for _, rt := range routes {
		key := rt.method + " " + rt.path
		known[key] = true
		a, ok := answers[key]
		if !ok {
			t.Errorf("%s: no entry in answers (what it answers on success)", key)
			continue
		}
		if a.body != "" && a.body != "PDF" && a.body != "ZIP" && doc.Components.Schemas[a.body] == nil {
			t.Errorf("%s: schema %s is not defined", key, a.body)
		}
		op := doc.Paths[rt.path][strings.ToLower(rt.method)]
		if op.OperationID == "" || ids[op.OperationID] {
			t.Errorf("%s: operationId %q missing or used twice", key, op.OperationID)
		}
		ids[op.OperationID] = true
		for code, resp := range op.Responses {
			if code != "204" && len(resp.Content) == 0 {
				t.Errorf("%s %s: no body described", key, code)
			}
		}
		for _, code := range []string{"404", "422", "500"} {
			if _, ok := op.Responses[code]; !ok {
				t.Errorf("%s: no %s", key, code)
			}
		}
	}
	for key := range answers {
		if !known[key] {
			t.Errorf("answers names %s, which is not a route", key)
		}
	}
	// Every $ref names a schema that is there.
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if r, ok := v["$ref"].(string); ok && doc.Components.Schemas[strings.TrimPrefix(r, "#/components/schemas/")] == nil {
				t.Errorf("$ref to undefined %s", r)
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var all any
	json.Unmarshal(openAPI(), &all)
	walk(all)
}
