package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The OpenAPI conformance check: every answer the API client (apiClient.do)
// receives from the real handlers is checked against the OpenAPI document
// the server serves: its route and status must be described, its media type
// the one described, and a JSON body must validate (JSON Schema 2020-12)
// against the schema the document gives for that route and status.

// openAPIDoc is one server's document, compiled.
type openAPIDoc struct {
	paths    map[string]map[string]map[string]any // path -> method -> operation
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema // by JSON pointer
}

var (
	openAPIDocsMu sync.Mutex
	openAPIDocs   = map[string]*openAPIDoc{} // by base URL
)

const openAPIURL = "mem://remiss/openapi.json"

// loadOpenAPI fetches and compiles base's document, once.
func loadOpenAPI(t *testing.T, base string) *openAPIDoc {
	t.Helper()
	openAPIDocsMu.Lock()
	defer openAPIDocsMu.Unlock()
	if d := openAPIDocs[base]; d != nil {
		return d
	}
	resp, err := http.Get(base + "/api/openapi.json")
	if err != nil {
		t.Fatalf("openapi: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q: %v", doc.OpenAPI, err)
	}
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat() // date, date-time
	if err := c.AddResource(openAPIURL, raw); err != nil {
		t.Fatal(err)
	}
	d := &openAPIDoc{paths: doc.Paths, compiler: c, schemas: map[string]*jsonschema.Schema{}}
	openAPIDocs[base] = d
	return d
}

// template finds the documented path that concrete (without its query)
// matches, segment by segment, a literal segment before a parameter.
func (d *openAPIDoc) template(concrete string) string {
	segs := strings.Split(concrete, "/")
	best, bestLiterals := "", -1
	for p := range d.paths {
		ps := strings.Split(p, "/")
		if len(ps) != len(segs) {
			continue
		}
		literals, ok := 0, true
		for i := range ps {
			switch {
			case strings.HasPrefix(ps[i], "{"):
				ok = ok && segs[i] != ""
			case ps[i] == segs[i]:
				literals++
			default:
				ok = false
			}
		}
		if ok && literals > bestLiterals {
			best, bestLiterals = p, literals
		}
	}
	return best
}

// pointer escapes a JSON pointer token.
func pointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func (d *openAPIDoc) schema(ptr string) (*jsonschema.Schema, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s := d.schemas[ptr]; s != nil {
		return s, nil
	}
	s, err := d.compiler.Compile(openAPIURL + "#" + ptr)
	if err != nil {
		return nil, err
	}
	d.schemas[ptr] = s
	return s, nil
}

// conforms reports how an answer departs from the document ("" if not).
func (d *openAPIDoc) conforms(method, target string, code int, ctype string, body []byte) string {
	path, _, _ := strings.Cut(target, "?")
	tmpl := d.template(path)
	if tmpl == "" {
		return fmt.Sprintf("%s %s: the route is not in the OpenAPI document", method, path)
	}
	m := strings.ToLower(method)
	op, ok := d.paths[tmpl][m]
	if !ok {
		return fmt.Sprintf("%s %s: the operation is not in the OpenAPI document", method, tmpl)
	}
	responses, _ := op["responses"].(map[string]any)
	resp, ok := responses[strconv.Itoa(code)].(map[string]any)
	if !ok {
		var have []string
		for k := range responses {
			have = append(have, k)
		}
		sort.Strings(have)
		return fmt.Sprintf("%s %s answered %d, which the document does not describe (it has %v): %.300s", method, tmpl, code, have, body)
	}
	content, _ := resp["content"].(map[string]any)
	if len(content) == 0 {
		if len(body) != 0 {
			return fmt.Sprintf("%s %s %d: a body (%.100q) where the document describes none", method, tmpl, code, body)
		}
		return ""
	}
	media, _, _ := strings.Cut(ctype, ";")
	media = strings.TrimSpace(media)
	if _, ok := content[media]; !ok {
		return fmt.Sprintf("%s %s %d: Content-Type %q, the document describes %v", method, tmpl, code, ctype, keys(content))
	}
	if media != "application/json" {
		return ""
	}
	sch, err := d.schema("/paths/" + pointer(tmpl) + "/" + m + "/responses/" + strconv.Itoa(code) + "/content/" + pointer(media) + "/schema")
	if err != nil {
		return fmt.Sprintf("%s %s %d: the schema does not compile: %v", method, tmpl, code, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Sprintf("%s %s %d: not JSON: %v: %.300s", method, tmpl, code, err, body)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Sprintf("%s %s %d: the body does not match the document's schema:\n%v\nbody: %.1000s", method, tmpl, code, err, body)
	}
	return ""
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkOpenAPI fails t when an answer does not conform. The document
// itself is not checked against itself.
func checkOpenAPI(t *testing.T, base, method, target string, code int, ctype string, body []byte) {
	t.Helper()
	if !strings.HasPrefix(target, "/api/v1/") {
		return
	}
	if problem := loadOpenAPI(t, base).conforms(method, target, code, ctype, body); problem != "" {
		t.Errorf("OpenAPI conformance: %s", problem)
	}
	checkedMu.Lock()
	defer checkedMu.Unlock()
	if checked[t] == 0 {
		t.Cleanup(func() {
			checkedMu.Lock()
			defer checkedMu.Unlock()
			t.Logf("OpenAPI conformance: %d answers checked against the document", checked[t])
			delete(checked, t)
		})
	}
	checked[t]++
}

var (
	checkedMu sync.Mutex
	checked   = map[*testing.T]int{} // answers checked, by test
)

// TestOpenAPIConformanceCheckFails shows the check is not vacuous: against
// the real server's document, an undocumented status, a route missing from
// the document and a body that breaks its schema each fail, and a real
// error body passes.
func TestOpenAPIConformanceCheckFails(t *testing.T) {
	_, _, base := served(t)
	d := loadOpenAPI(t, base)
	for _, c := range []struct {
		method, target string
		code           int
		body           string
		ok             bool
	}{
		{"GET", "/api/v1/remisses/ks-1", 404, `{"error":"finns inte"}`, true},
		{"GET", "/api/v1/remisses/ks-1", 418, `{"error":"jag är en tekanna"}`, false},
		{"GET", "/api/v1/no-such-route", 200, `{}`, false},
		{"GET", "/api/v1/remisses/ks-1", 200, `{"id":"ks-1"}`, false},
		{"GET", "/api/v1/remisses/ks-1", 404, `{"error":"finns inte","extra":1}`, false},
		{"POST", "/api/v1/remisses", 422, `{"error":"ogiltiga uppgifter","fields":[{"field":"dnr","message":"Ange diarienummer"}]}`, true},
		{"POST", "/api/v1/remisses", 422, `{"error":"ogiltiga uppgifter","fields":[{"field":"dnr"}]}`, false},
	} {
		problem := d.conforms(c.method, c.target, c.code, "application/json; charset=utf-8", []byte(c.body))
		if (problem == "") != c.ok {
			t.Errorf("%s %s %d %s: conforms %v, want %v (%s)", c.method, c.target, c.code, c.body, problem == "", c.ok, problem)
		}
	}
}
