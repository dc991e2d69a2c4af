package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/earchive/archivetest"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

func seededDatabase(t *testing.T) {
	url := dbtest.URL(t)
	s, err := store.Open(context.Background(), url, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := demo.Seed(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", url)
}

func TestExampleFilesAreValid(t *testing.T) {
	seededDatabase(t)
	files, _ := filepath.Glob("../examples/*.yaml")
	for _, f := range files {
		if strings.Contains(f, "svar-") || strings.Contains(f, "katalog") || strings.Contains(f, "render-") {
			continue
		}
		var out bytes.Buffer
		if err := run(context.Background(), []string{"check", "-f", f}, &out); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestBadFileListsEveryProblemByField(t *testing.T) {
	seededDatabase(t)
	path := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(path, []byte(`dnr: "171908"
title: ""
deadline: "2020-01-01"
recipients: [bromma, bromma, atlantis]
reminders: ["två veckor"]
`), 0o600)
	err := run(context.Background(), []string{"check", "-f", path}, &bytes.Buffer{})
	var rej *remiss.Error
	if !errors.As(err, &rej) {
		t.Fatalf("got %v", err)
	}
	var listed bytes.Buffer
	printFields(&listed, rej.Fields)
	for _, want := range []string{"dnr: Ogiltigt diarienummer", "title: Får inte vara tomt", "deadline: Datumet måste ligga i framtiden",
		"recipients[1]: Samma värde", `recipients[2]: Okänd remissinstans "atlantis"`, "reminders[0]: Ange antal dagar"} {
		if !strings.Contains(listed.String(), want) {
			t.Errorf("missing %q in\n%s", want, listed.String())
		}
	}
}

func TestUnknownFieldIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "typo.yaml")
	os.WriteFile(path, []byte("dnr: KS 2016/171-908\ntitel: Fel fältnamn\n"), 0o600)
	err := run(context.Background(), []string{"check", "-f", path}, &bytes.Buffer{})
	var rej *remiss.Error
	if !errors.As(err, &rej) || !strings.Contains(rej.Fields.For("titel"), "Okänt fält") {
		t.Errorf("got %v, want the unknown field named, in Swedish", err)
	}
}

func TestImportDirectory(t *testing.T) {
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import", "-f", "../examples/katalog.yaml"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "2 organisationer och 4 användare") {
		t.Errorf("output %q", out.String())
	}
	st, err := store.Open(context.Background(), url, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if hl, err := st.Org(context.Background(), "hagersten-liljeholmen"); err != nil || !hl.DnrRule.Valid("1.5.1-135-2016") || hl.DnrRule.Valid("KS 2016/171-908") {
		t.Errorf("the katalog's rule for diarienummer was not kept: %q, %v", hl.DnrRule, err)
	}
	badRule := filepath.Join(t.TempDir(), "rule.yaml")
	os.WriteFile(badRule, []byte("orgs:\n  - {code: x, name: X, kind: rad, email: x@example.se, dnrRule: '[0-9]+'}\n"), 0o600)
	var rej *remiss.Error
	if err := run(context.Background(), []string{"import", "-f", badRule}, &out); !errors.As(err, &rej) || !strings.Contains(rej.Fields.For("orgs[0].dnrRule"), "måste börja med ^") {
		t.Errorf("an unanchored rule: got %v", err)
	}
	// A kind the system has no words for is refused, in Swedish, and the
	// file changes nothing: its other organisation is not added either.
	badKind := filepath.Join(t.TempDir(), "kind.yaml")
	os.WriteFile(badKind, []byte("orgs:\n  - {code: stokab2, name: AB Stokab, kind: bolag, email: s@example.se}\n"+
		"  - {code: pensionarer, name: Pensionärsrådet, kind: pensionarsrad, email: p@example.se}\n"), 0o600)
	if err := run(context.Background(), []string{"import", "-f", badKind}, &out); !errors.As(err, &rej) ||
		!strings.Contains(rej.Fields.For("orgs[1].kind"), "Okänd sorts organisation \"pensionarsrad\"") || !strings.Contains(rej.Fields.For("orgs[1].kind"), "rad (råd)") {
		t.Errorf("an unknown kind: got %v", err)
	}
	if _, err := st.Org(context.Background(), "stokab2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a file with an unknown kind added an organisation: %v", err)
	}
	// The new kinds are taken.
	kinds := filepath.Join(t.TempDir(), "kinds.yaml")
	os.WriteFile(kinds, []byte("orgs:\n  - {code: revisionskontoret, name: Revisionskontoret, kind: office, email: r@example.se}\n"+
		"  - {code: lansstyrelsen, name: Länsstyrelsen i Stockholms län, kind: external, email: l@example.se}\n"), 0o600)
	if err := run(context.Background(), []string{"import", "-f", kinds}, &out); err != nil {
		t.Fatal(err)
	}
	if o, err := st.Org(context.Background(), "lansstyrelsen"); err != nil || o.Kind != remiss.KindExternal {
		t.Errorf("an outside body: %+v %v", o, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("users:\n  - {username: x, org: atlantis, role: chef, name: X, email: nope}\n"), 0o600)
	err = run(context.Background(), []string{"import", "-f", bad}, &out)
	if !errors.As(err, &rej) || rej.Fields.For("users[0].role") == "" || rej.Fields.For("users[0].email") == "" {
		t.Errorf("got %v", err)
	}
}

func TestRenderThenVerify(t *testing.T) {
	t.Setenv("REMISS_DATA_DIR", t.TempDir())
	out := filepath.Join(t.TempDir(), "svar.pdf")
	var buf bytes.Buffer
	if err := run(context.Background(), []string{"render", "--response", "../examples/render-hagersten-liljeholmen.yaml", "--out", out}, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "TEST-sigill Hägersten-Liljeholmens stadsdelsnämnd") {
		t.Errorf("render: %s", buf.String())
	}
	buf.Reset()
	if err := run(context.Background(), []string{"verify", out}, &buf); err != nil || !strings.Contains(buf.String(), "GILTIG") {
		t.Fatalf("verify: %v\n%s", err, buf.String())
	}
	b, _ := os.ReadFile(out)
	b[len(b)/3] ^= 1
	os.WriteFile(out, b, 0o600)
	buf.Reset()
	if err := run(context.Background(), []string{"verify", out}, &buf); err == nil || !strings.Contains(buf.String(), "OGILTIG") {
		t.Errorf("a changed file verified: %v\n%s", err, buf.String())
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if !strings.Contains(out.String(), "\n  "+c.name+" ") {
			t.Errorf("help does not list %s", c.name)
		}
	}
	for _, line := range []string{
		"  demo                                        läs in demoorganisationer och demoanvändare (ej i produktion)\n",
		"  assign --assignment ID --officer ANVÄNDARE  fördela till en handläggare (som registrator)\n",
		"  extension --assignment ID --until DATUM --reason TEXT   begär anstånd\n",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("help lacks %q in\n%s", line, out.String())
		}
	}
	if err := run(context.Background(), []string{"nosuch"}, &out); err == nil || !strings.HasPrefix(err.Error(), `okänt kommando "nosuch"`) {
		t.Errorf("an unknown command gave %v", err)
	}
}

// TestExportThenCheck exports a finished round as kommunstyrelsens
// registrator, checks the package as an archive would, checks it with the
// command, and wants a package with one byte changed refused with the
// failure listed, and the export refused to a nämnd's registrator.
func TestExportThenCheck(t *testing.T) {
	seededDatabase(t)
	st, err := store.Open(context.Background(), os.Getenv("DATABASE_URL"), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	archivetest.FinishedRound(t, st)
	file := filepath.Join(t.TempDir(), "paket.zip")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"export", "--remiss", archivetest.Dnr, "--out", file}, &out); err != nil {
		t.Fatalf("export: %v\n%s", err, out.String())
	}
	pkg, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	archivetest.Validate(t, pkg)
	out.Reset()
	if err := run(context.Background(), []string{"export", "--check", file}, &out); err != nil || !strings.Contains(out.String(), "uppfyller") {
		t.Errorf("check: %v\n%s", err, out.String())
	}

	i := bytes.Index(pkg, []byte("%PDF")) + 200 // inside a stored (uncompressed) document
	pkg[i] ^= 1
	bad := filepath.Join(t.TempDir(), "ändrat.zip")
	os.WriteFile(bad, pkg, 0o600)
	out.Reset()
	err = run(context.Background(), []string{"export", "--check", bad}, &out)
	if err == nil || !strings.Contains(out.String(), "FEL: ") {
		t.Errorf("a changed package passed: %v\n%s", err, out.String())
	}

	out.Reset()
	err = run(context.Background(), []string{"export", "--remiss", archivetest.RemissID, "--out", file, "--as", "bromma.registrator"}, &out)
	if rej, ok := remiss.AsError(err); !ok || rej.Kind != remiss.KindForbidden || !strings.Contains(rej.Reason, "e-arkivet") {
		t.Errorf("export by a nämnd's registrator: %v", err)
	}
	if err := run(context.Background(), []string{"export", "--remiss", archivetest.RemissID}, &out); err == nil {
		t.Error("export without --out was accepted")
	}
}
