package web

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
)

// jsonTarget stands for the API's bodies: fields, a nested object, a list
// of objects and a map.
type jsonTarget struct {
	Dnr         string            `json:"dnr"`
	Deadline    string            `json:"deadline"`
	Digest      bool              `json:"digest"`
	Recipients  []string          `json:"recipients"`
	Signatories []jsonSignatory   `json:"signatories"`
	Meta        map[string]string `json:"meta"`
	Officer     *jsonSignatory    `json:"officer"`
}

type jsonSignatory struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// jsonCases are bodies and the refusal each gets ("" for none).
var jsonCases = []struct{ body, refusal string }{
	{`{"dnr":"KS 2026/1-1","recipients":["bromma","farsta"]}`, ""},
	{` {"dnr":"a"}` + "\n\t ", ""},
	{`{}`, ""},
	{`{"signatories":[{"name":"A","title":"B"},{"name":"A","title":"B"}]}`, ""}, // the same keys in two objects
	{`{"meta":{"a":"1","b":"2"},"officer":{"name":"x"}}`, ""},
	{`{"dnr":"a","dnr":"b"}`, `fältet "dnr" förekommer mer än en gång`},
	{`{"dnr":"a","DNR":"b"}`, `fältet "DNR" förekommer mer än en gång`},
	{`{"dnr":"a","d\u006er":"b"}`, `fältet "dnr" förekommer mer än en gång`},
	{`{"signatories":[{"name":"A","title":"B","name":"C"}]}`, `fältet "name" förekommer mer än en gång`},
	{`{"officer":{"title":"x","title":"y"}}`, `fältet "title" förekommer mer än en gång`},
	{`{"meta":{"a":"1","a":"2"}}`, `fältet "a" förekommer mer än en gång`},
	{`{"dnr":"a"}{"dnr":"b"}`, "efter JSON-värdet följer mer data"},
	{`{"dnr":"a"} x`, "efter JSON-värdet följer mer data"},
	{`{"dnr":"a"}}`, "efter JSON-värdet följer mer data"},
	{`{"dnr":"a"} []`, "efter JSON-värdet följer mer data"},
	{`{"dnr":"a"} "b"`, "efter JSON-värdet följer mer data"},
	{`{"dnr":"a"} 5`, "efter JSON-värdet följer mer data"},
	{`null0`, "efter JSON-värdet följer mer data"}, // the decoder's value ends before the 0
	{`nullx`, "efter JSON-värdet följer mer data"},
	{`null"dnr"`, "efter JSON-värdet följer mer data"},
	{`null ` + "\n", ""},
	{`{"dnr":"a` + "\xff" + `b"}`, "ogiltiga tecken"},
	{`{"dnr":"a\xffb"}`, "ogiltig JSON"}, // not an escape JSON knows
	{"\xff", "ogiltiga tecken"},
	{`{"dnr":5}`, `fältet "dnr" har fel typ`},
	{`{"dnr":"a","nej":1}`, `okänt fält "nej"`},
	{`{"dnr":`, "ogiltig JSON"},
	{``, "ogiltig JSON"},
}

// TestDecodeRefusesDuplicatesAndTrailingData decodes each case into a
// body like the API's.
func TestDecodeRefusesDuplicatesAndTrailingData(t *testing.T) {
	for _, c := range jsonCases {
		var v jsonTarget
		err := decodeJSON([]byte(c.body), &v)
		switch {
		case c.refusal == "" && err != nil:
			t.Errorf("%s: refused: %v", c.body, err)
		case c.refusal != "" && (err == nil || !strings.Contains(err.Error(), c.refusal)):
			t.Errorf("%s: %v, want %q", c.body, err, c.refusal)
		case err != nil:
			if code, _ := status(err); code != 422 {
				t.Errorf("%s: status %d", c.body, code)
			}
		}
	}
}

// TestAPIRefusesDuplicateKeys sends bodies with a key twice or something
// after the value to the API: each is refused with 422 and acts on
// nothing.
func TestAPIRefusesDuplicateKeys(t *testing.T) {
	ts := newTestSite(t)
	token := ts.token("bromma.registrator")
	for _, c := range []struct{ method, path, body, token string }{
		{"POST", "/api/v1/tokens", `{"username":"bromma.registrator","password":"fel","password":"demo"}`, ""},
		{"POST", "/api/v1/tokens", `{"username":"bromma.registrator","password":"demo"} {}`, ""},
		{"PUT", "/api/v1/route", `{"route":"delegation","delegationRef":"3.1","delegationRef":"3.2"}`, token},
		{"PUT", "/api/v1/route", `{"route":"delegation","delegationRef":"3.1"}{"route":"namnd"}`, token},
		{"PUT", "/api/v1/route", `{"route":"delegation","delegationRef":"3.` + "\xff" + `"}`, token},
	} {
		code, body, _ := ts.do(request(c.method, c.path, "application/json", c.body, nil, c.token))
		if code != 422 || !strings.Contains(body, `"error":`) {
			t.Errorf("%s %s %s: %d %s", c.method, c.path, c.body, code, body)
		}
	}
	if _, ref, _ := ts.store.OrgRoute(context.Background(), "bromma"); ref != "" {
		t.Errorf("a refused body set the delegation reference %q", ref)
	}
	if code, body, _ := ts.do(request("PUT", "/api/v1/route", "application/json", `{"route":"delegation","delegationRef":"3.1"}`+"\n", nil, token)); code != 200 {
		t.Errorf("a good body: %d %s", code, body)
	}
}

// BenchmarkDecodeAnswer reads an answer's body as the API's submit does
// (decodeJSON: the reading and the check for keys twice and trailing
// data), with its allocations:
//
//	go test ./internal/web -run '^$' -bench DecodeAnswer -benchmem
func BenchmarkDecodeAnswer(b *testing.B) {
	body, err := json.Marshal(demo.SampleResponse(remiss.Org{Name: "Bromma", Forvaltning: "Bromma stadsdelsförvaltning"}))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var v remiss.Response
		if err := decodeJSON(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecodeRefusesDuplicatesAmongManyKeys: an object of more keys than
// are compared pairwise (manyKeys) is checked through a set, from the key
// past that number on; a key twice is refused on either side of it, in
// another case too.
func TestDecodeRefusesDuplicatesAmongManyKeys(t *testing.T) {
	for _, n := range []int{manyKeys - 1, manyKeys, manyKeys + 1, 3 * manyKeys} {
		var parts []string
		for i := range n {
			parts = append(parts, fmt.Sprintf(`"k%d":"v"`, i))
		}
		var v jsonTarget
		if err := decodeJSON([]byte(`{"meta":{`+strings.Join(parts, ",")+`}}`), &v); err != nil {
			t.Errorf("%d keys: %v", n, err)
		}
		for _, again := range []string{`"K0":"x"`, fmt.Sprintf(`"k%d":"x"`, n-1)} {
			body := `{"meta":{` + strings.Join(parts, ",") + `,` + again + `}}`
			if err := decodeJSON([]byte(body), &v); err == nil || !strings.Contains(err.Error(), "förekommer mer än en gång") {
				t.Errorf("%d keys and %s: %v", n, again, err)
			}
		}
	}
}
