package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/validate"
)

// aliasBomb is the "billion laughs": nine aliases to nine aliases to …,
// a few hundred bytes that would expand to 9⁹ strings.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 8; i++ {
		p := "*a" + string(rune('0'+i-1))
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [" + strings.Repeat(p+", ", 8) + p + "]\n")
	}
	b.WriteString("recipients: *a8\n")
	return b.String()
}

// hostileYAML are the seeds beside the example files: alias bombs, merge
// keys, huge numbers, deep nesting, invalid UTF-8, unknown fields, several
// documents, tags, and files at and past the size bound.
func hostileYAML() []string {
	return []string{
		"",
		"---\n",
		"dnr: KS 2026/1-1\ntitle: Smart stad\ndeadline: 2027-01-15\nrecipients: [bromma]\n",
		aliasBomb(),
		"base: &b {dnr: KS 2026/1-1}\n<<: *b\n",
		"recipients: &r [bromma, *r]\n",
		"dnr: &x KS 2026/1-1\ntitle: *x\n",
		"digest: 1e99999999999\n",
		"reminders: [99999999999999999999999999999d, -1d, 0d, 365d, 366d]\ngrace: 18446744073709551616d\n",
		"deadline: 99999-12-31\n",
		"deadline: 2027-02-30\n",
		"recipients: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n",
		"title: " + strings.Repeat("{a: ", 200) + "b" + strings.Repeat("}", 200) + "\n",
		"title: \"\xff\xfe\"\n",
		"\xef\xbb\xbftitle: bom\n",
		"title: \"\\u202e\\u0000\\x1b[31m\"\n",
		"titel: felstavat\nokänt: 1\n",
		"dnr: KS 2026/1-1\n---\ndnr: KS 2026/2-2\n",
		"title: !!binary aGVq\ndigest: !!str true\n",
		"title: !custom x\n",
		"dnr: KS 2026/1-1\ntitle: !!binary U21hcnQgc3RhZA==\ndeadline: 2099-01-15\nrecipients: [bromma]\n",
		"dnr: KS 2026/1-1\ntitle: !<tag:yaml.org,2002:binary> //5hYg==\ndeadline: 2099-01-15\nrecipients: [bromma]\n",
		"recipients: !!map {a: b}\n",
		"? [a, b]\n: c\n",
		"orgs:\n  - code: ks\n    kind: 1.0e+999\nusers: [{username: x, org: ks, role: admin, name: X, email: x@example.se}]\n",
		"orgs: [{code: \"ks\", code: \"ks2\"}]\n",
		"proposals: [" + strings.Repeat("x, ", 5000) + "x]\n",
		"title: " + strings.Repeat("å", (maxYAML-16)/2) + "\n",
		"title: " + strings.Repeat("x", maxYAML) + "\n",
	}
}

// FuzzReadYAML feeds the starter's YAML reader a launch, an answer and an
// installation's directory, and validates what it accepts the way the
// commands do: nothing may panic or take long, an accepted file is within
// the bound, and every message is readable text.
func FuzzReadYAML(f *testing.F) {
	examples, _ := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	for _, path := range examples {
		if b, err := os.ReadFile(path); err == nil {
			f.Add(b)
		}
	}
	for _, s := range hostileYAML() {
		f.Add([]byte(s))
	}
	known := validate.New(func(c string) bool { return c == "bromma" || c == "farsta" })
	plain := validate.New(nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		began := time.Now()
		targets := []struct {
			v     any
			check func(any) error
		}{
			{new(remiss.Launch), func(v any) error { return known.Struct(*v.(*remiss.Launch)) }},
			{new(remiss.Response), func(v any) error { return plain.Struct(*v.(*remiss.Response)) }},
			{new(rounds.Directory), func(v any) error { return plain.Struct(*v.(*rounds.Directory)) }},
		}
		for _, x := range targets {
			err := decodeYAML("fil.yaml", body, x.v)
			if err == nil {
				if len(body) > maxYAML {
					t.Fatalf("accepted a file of %d bytes", len(body))
				}
				err = reject(x.check(x.v))
				if err == nil && !allUTF8(reflect.ValueOf(x.v)) {
					t.Fatalf("accepted text that is not UTF-8: %q", body)
				}
			}
			readable(t, err)
		}
		// Milliseconds at most; the bound is wide for a loaded machine.
		if d := time.Since(began); d > 10*time.Second {
			t.Fatalf("%d bytes took %v", len(body), d)
		}
	})
}

// allUTF8 reports whether every string in v is valid UTF-8 (what
// PostgreSQL stores).
func allUTF8(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return utf8.ValidString(v.String())
	case reflect.Pointer, reflect.Interface:
		return v.IsNil() || allUTF8(v.Elem())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if !allUTF8(v.Index(i)) {
				return false
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if !allUTF8(v.Field(i)) {
				return false
			}
		}
	}
	return true
}

// readable fails on an error message that is not valid UTF-8, carries
// control characters (it is printed to a terminal) or is the YAML
// library's English.
func readable(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msgs := []string{err.Error()}
	if e, ok := remiss.AsError(err); ok {
		for _, f := range e.Fields {
			msgs = append(msgs, f.Field, f.Message)
		}
	}
	for _, m := range msgs {
		if !utf8.ValidString(m) || strings.ContainsFunc(m, func(r rune) bool { return r < ' ' && r != '\n' || r == 0x7f }) {
			t.Fatalf("unreadable message %q", m)
		}
		if strings.Contains(m, "not found in type") || strings.Contains(m, "cannot unmarshal") {
			t.Fatalf("the YAML library's English reached the user: %q", m)
		}
	}
}

// TestYAMLReaderRefusesHostileFiles: the bound, aliases, a second
// document and deep nesting are refused, each with a Swedish message.
func TestYAMLReaderRefusesHostileFiles(t *testing.T) {
	for _, c := range []struct{ body, says string }{
		{aliasBomb(), "alias"},
		{"base: &b {dnr: KS 2026/1-1}\n<<: *b\n", "alias"},
		{"dnr: KS 2026/1-1\n---\ndnr: KS 2026/2-2\n", "mer än ett YAML-dokument"},
		{"title: " + strings.Repeat("[", 60) + strings.Repeat("]", 60) + "\n", "nästlade"},
		{"title: " + strings.Repeat("x", maxYAML) + "\n", "för stor"},
		{"titel: felstavat\n", "Okänt fält"},
		{"svars datum: 2027-01-15\n", "svars datum: Okänt fält (rad 1)"},
		{"title: !!binary //5hYg==\n", "binärdata"},
		{"title: !<tag:yaml.org,2002:binary> //5hYg==\n", "binärdata"},
		{"title: \"\xff\"\n", "inte giltig YAML"},
	} {
		var l remiss.Launch
		err := decodeYAML("fil.yaml", []byte(c.body), &l)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%.40q: %v, want it to say %q", c.body, err, c.says)
		}
	}
	path := filepath.Join(t.TempDir(), "stor.yaml")
	if err := os.WriteFile(path, []byte("title: "+strings.Repeat("x", 2*maxYAML)), 0o600); err != nil {
		t.Fatal(err)
	}
	var l remiss.Launch
	if err := readYAML(path, &l); err == nil || !strings.Contains(err.Error(), "för stor") {
		t.Errorf("a 2 MB file: %v", err)
	}
}
