package web

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/remiss/remiss/internal/remiss"
)

// FuzzDecode reads any body as the API does. A body is refused as the
// caller's fault (422 or 413), never as ours; one it takes is UTF-8, one
// JSON value with nothing after it, with no key twice in an object (in
// any case), and reads as encoding/json alone reads it. (A NUL, escaped,
// is left to the validation, which names the field.)
func FuzzDecode(f *testing.F) {
	for _, c := range jsonCases {
		f.Add([]byte(c.body))
	}
	for _, seed := range []string{
		`{"dnr":"a","dnr":"a"}`, `{"signatories":[{"name":"a"},{"name":"b","NAME":"c"}]}`,
		`{"meta":{"k":"1","\u212a":"2"}}`, `{"meta":{"ſ":"1","s":"2"}}`, `{"meta":{"a":{"a":{"a":"1"}}}}`,
		`[` + strings.Repeat(`[`, 200) + strings.Repeat(`]`, 200) + `]`, `{"dnr":"a"}` + "\x00", `"x"`, `null`, `{"dnr":"\ud800"}`, `{"dnr":"\u0000"}`, `{"a\u0000":1}`,
		"{\"dnr\":\"a\"}\n{\"dnr\":\"b\"}\n", "\xef\xbb\xbf{}", `{"dnr":"a","recipients":["x","x"]}`, "{\"dnr\":\"\xc3\x28\"}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v jsonTarget
		err := decodeJSON(body, &v)
		if err != nil {
			if code, _ := status(err); code != 422 && code != 413 {
				t.Fatalf("%q: %d %v", body, code, err)
			}
			return
		}
		if !utf8.Valid(body) || !json.Valid(body) {
			t.Fatalf("took %q", body)
		}
		if keys := colonsOutsideStrings(body); keys != countKeys(body) {
			t.Fatalf("took %q with a key twice (%d keys, %d distinct)", body, keys, countKeys(body))
		}
		var plain jsonTarget
		if err := json.Unmarshal(body, &plain); err != nil || !reflect.DeepEqual(plain, v) {
			t.Fatalf("%q reads otherwise alone: %+v %v", body, plain, err)
		}
	})
}

// colonsOutsideStrings counts a JSON text's keys: its colons outside
// strings.
func colonsOutsideStrings(body []byte) int {
	n, inString, escaped := 0, false, false
	for _, b := range body {
		switch {
		case escaped:
			escaped = false
		case inString && b == '\\':
			escaped = true
		case b == '"':
			inString = !inString
		case !inString && b == ':':
			n++
		}
	}
	return n
}

// countKeys counts the keys of a JSON text as encoding/json reads it into
// maps, where a key twice is one, and keys that are equal but for case
// count once too.
func countKeys(body []byte) int {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return -1
	}
	var count func(any) int
	count = func(v any) int {
		n := 0
		switch v := v.(type) {
		case map[string]any:
			// Keys equal but for case share a bucket (and rarely others).
			buckets := map[string][]string{}
			for k, e := range v {
				n += count(e)
				b := strings.ToLower(strings.ToUpper(k))
				if !slices.ContainsFunc(buckets[b], func(s string) bool { return strings.EqualFold(s, k) }) {
					n++
				}
				buckets[b] = append(buckets[b], k)
			}
		case []any:
			for _, e := range v {
				n += count(e)
			}
		}
		return n
	}
	return count(v)
}

// FuzzReadForm reads any form body, urlencoded or multipart (multi), with
// any query, as the page middleware does. A form is refused as the
// caller's fault, never as ours; in one it takes, every name, value and
// file name, and so every field of the answer form, is UTF-8 without NUL.
func FuzzReadForm(f *testing.F) {
	mpType, mpBody := multipartBody(f, map[string]string{"csrf": "x", "summary": "Vi tillstyrker."}, `filename="svar.pdf"`)
	_, mpBad := multipartBody(f, map[string]string{"csrf": "x", "opinions": "a\xffb"}, `filename*=UTF-8''svar%00%FF.pdf`)
	boundary := strings.TrimPrefix(mpType, "multipart/form-data; boundary=")
	for _, seed := range []struct {
		query, body string
		multi       bool
	}{
		{"", "csrf=x&summary=Vi+tillstyrker.&signatories=Lars+Wennberg%2C+direkt%C3%B6r", false},
		{"ok=sparad", "summary=%FF&opinions=%00", false},
		{"%FF=1", "a=1", false},
		{"", "a=%zz&b=1;c=2", false},
		{"", "sign%C3atories=x&proposals=a%0Ab%0A%C3%A5", false},
		{"", mpBody, true},
		{"", mpBad, true},
		{"", "--" + boundary + "\r\nContent-Disposition: form-data; name=\"a\xfe\"\r\n\r\nx\r\n--" + boundary + "--\r\n", true},
	} {
		f.Add(seed.query, []byte(seed.body), seed.multi)
	}
	f.Fuzz(func(t *testing.T, query string, body []byte, multi bool) {
		r := httptest.NewRequest("POST", "/uppdrag/x/svar", strings.NewReader(string(body)))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", formType)
		if multi {
			r.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		}
		err := readForm(httptest.NewRecorder(), r)
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
		if err != nil {
			if code, _ := status(err); code != 422 && code != 413 {
				t.Fatalf("%d %v", code, err)
			}
			return
		}
		var texts []string
		for _, vs := range []map[string][]string{r.Form, r.PostForm} {
			for k, list := range vs {
				texts = append(append(texts, k), list...)
			}
		}
		if m := r.MultipartForm; m != nil {
			for k, files := range m.File {
				texts = append(texts, k)
				for _, fh := range files {
					texts = append(texts, fh.Filename)
				}
			}
		}
		texts = append(texts, strings.Join(responseTexts(formResponse(r)), ""))
		for _, s := range texts {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("took %q", s)
			}
		}
	})
}

// responseTexts are the texts of an answer.
func responseTexts(c remiss.Response) []string {
	out := append([]string{c.Summary, c.Background, c.Preparation, c.Opinions, c.OfficerName, c.OfficerPhone, c.OfficerEmail}, c.Proposals...)
	out = append(out, c.Attachments...)
	for _, s := range c.Signatories {
		out = append(out, s.Name, s.Title, s.Unit)
	}
	return out
}
