package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
)

const formType = "application/x-www-form-urlencoded"

// multipartBody is a multipart form with the fields and one file field
// "bilaga" whose Content-Disposition names it with param, as written.
func multipartBody(t testing.TB, fields map[string]string, param string) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	h := textproto.MIMEHeader{}
	// Written by hand: the writer would escape what this test needs raw.
	h.Set("Content-Disposition", `form-data; name="bilaga"; `+param)
	h.Set("Content-Type", "application/pdf")
	part, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write([]byte("%PDF-1.7\n%%EOF\n"))
	mw.Close()
	return mw.FormDataContentType(), buf.String()
}

// TestInvalidTextIsRefused posts forms and queries with text that is not
// UTF-8 or holds NUL to the pages and the API: each gets 422 with a
// Swedish message (a page on the pages, JSON on the API), and nothing
// reaches PostgreSQL.
func TestInvalidTextIsRefused(t *testing.T) {
	ts := newTestSite(t)
	cookie, csrf := ts.session("bromma.registrator")
	token := ts.token("bromma.registrator")
	form := func(extra url.Values) string {
		v := url.Values{"csrf": {csrf}, "route": {"delegation"}}
		for k, vs := range extra {
			v[k] = vs
		}
		return v.Encode()
	}
	mpType, mpBadName := multipartBody(t, map[string]string{"csrf": csrf}, `filename="svar`+"\xff"+`.pdf"`)
	mpType2, mpBadValue := multipartBody(t, map[string]string{"csrf": csrf, "name": "a\xffb"}, `filename="svar.pdf"`)
	mpType3, mpNUL := multipartBody(t, map[string]string{"csrf": csrf}, `filename*=UTF-8''svar%00.pdf`)
	cases := []struct {
		name, method, target, ctype, body string
		api                               bool
	}{
		{"urlencoded value", "POST", "/beslutsvag", formType, form(url.Values{"delegationRef": {"3.\xff"}}), false},
		{"urlencoded NUL", "POST", "/beslutsvag", formType, form(url.Values{"delegationRef": {"3.\x00"}}), false},
		{"urlencoded name", "POST", "/beslutsvag", formType, form(url.Values{"x\xfe": {"1"}}), false},
		{"multipart file name", "POST", "/uppdrag/x/bilagor", mpType, mpBadName, false},
		{"multipart value", "POST", "/uppdrag/x/bilagor", mpType2, mpBadValue, false},
		{"multipart file name NUL", "POST", "/uppdrag/x/bilagor", mpType3, mpNUL, false},
		{"page query value", "GET", "/inkorg?ok=%FF", "", "", false},
		{"page query name", "GET", "/inkorg?%C3=1", "", "", false},
		{"form's query", "POST", "/beslutsvag?x=%00", formType, form(nil), false},
		{"login form", "POST", "/logga-in", formType, "username=bromma.registrator&password=%FF", false},
		{"API query value", "GET", "/api/v1/meetings?org=%FF", "", "", true},
		{"API query name", "GET", "/api/v1/meetings?%FF=bromma", "", "", true},
	}
	for _, c := range cases {
		code, body, h := ts.do(request(c.method, c.target, c.ctype, c.body, cookie, token))
		if code != 422 || !strings.Contains(body, "ogiltiga tecken") {
			t.Errorf("%s: %d\n%s", c.name, code, body)
		}
		ct := h.Get("Content-Type")
		if c.api != strings.HasPrefix(ct, "application/json") || !c.api && !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s: answered as %s", c.name, ct)
		}
	}
	if _, ref, err := ts.store.OrgRoute(context.Background(), "bromma"); err != nil || ref != "" {
		t.Errorf("the refused forms reached the database: %q %v", ref, err)
	}
	// A body that is no form at all.
	for _, c := range []struct{ ctype, body string }{{formType, "a=%zz"}, {"multipart/form-data; boundary=x", "--x\r\nnonsense"}} {
		if code, body, _ := ts.do(request("POST", "/beslutsvag", c.ctype, c.body, cookie, "")); code != 422 || !strings.Contains(body, "Formuläret kunde inte läsas.") {
			t.Errorf("%s %q: %d\n%s", c.ctype, c.body, code, body)
		}
	}
	// The same forms in UTF-8 are taken.
	if code, body, _ := ts.do(request("POST", "/beslutsvag", formType, form(url.Values{"delegationRef": {"3.2 ä"}}), cookie, "")); code != 303 {
		t.Errorf("a good form: %d\n%s", code, body)
	}
	if _, ref, _ := ts.store.OrgRoute(context.Background(), "bromma"); ref != "3.2 ä" {
		t.Errorf("delegation reference %q", ref)
	}
}
