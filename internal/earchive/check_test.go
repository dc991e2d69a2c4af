package earchive

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRequirementsAreTheProfiles compares the checker's list with the
// profiles as published: every MUST requirement of the CSIP and SIP
// profiles is checked, with the XPath the profile gives, and nothing else
// claims to be one.
func TestRequirementsAreTheProfiles(t *testing.T) {
	must := map[string]string{} // ID: XPath
	for _, name := range []string{"testdata/E-ARK-CSIP-v2-2-0.profile.xml", "testdata/E-ARK-SIP-v2-2-0.profile.xml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		// The requirements sit in several sections; read them all.
		d := xml.NewDecoder(bytes.NewReader(b))
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			se, ok := tok.(xml.StartElement)
			if !ok || se.Name.Local != "requirement" {
				continue
			}
			var r struct {
				ID    string `xml:"ID,attr"`
				Level string `xml:"REQLEVEL,attr"`
				Inner string `xml:",innerxml"`
			}
			if err := d.DecodeElement(&r, &se); err != nil {
				t.Fatal(err)
			}
			if r.Level != "MUST" {
				continue
			}
			m := xpathIn.FindStringSubmatch(r.Inner)
			if m == nil {
				t.Fatalf("%s: no XPath in the profile's description", r.ID)
			}
			must[r.ID] = strings.TrimSpace(m[1])
		}
	}
	if len(must) < 100 {
		t.Fatalf("read only %d MUST requirements from the profiles", len(must))
	}
	covered := map[string]bool{}
	for _, r := range requirements {
		want, ok := must[r.id]
		if !ok {
			t.Errorf("%s is not a MUST requirement of the profiles", r.id)
		} else if r.xpath != want {
			t.Errorf("%s: the checker says XPath %q, the profile %q", r.id, r.xpath, want)
		}
		if covered[r.id] {
			t.Errorf("%s is listed twice", r.id)
		}
		covered[r.id] = true
		for _, a := range r.also {
			if _, ok := must[a]; !ok {
				t.Errorf("%s (with %s) is not a MUST requirement of the profiles", a, r.id)
			}
			covered[a] = true
		}
	}
	for id := range must {
		if !covered[id] {
			t.Errorf("the profiles' MUST requirement %s (%s) is not checked", id, must[id])
		}
	}
}

var xpathIn = regexp.MustCompile(`(?s)<dt>\s*METS XPath\s*</dt>\s*<dd>(.*?)</dd>`)

// sample is a package of a small case, with documents that are not PDFs
// (the checker does not read them).
func sample(t *testing.T) []byte {
	t.Helper()
	at := time.Date(2027, 3, 1, 9, 30, 0, 0, stockholm)
	c := Case{RemissID: "ks-2026-1-1", Dnr: "KS 2026/1-1", Title: "Prov", CreatedAt: at, Deadline: at, ExportedAt: at,
		Owner: Agent{Name: "Kommunstyrelsen"}, ExportedBy: Agent{Name: "Registrator"}, Partial: true,
		Records: []Record{
			{DocumentID: "missiv.ks-2026-1-1", Kind: "missiv", Title: "Missiv", Direction: Outgoing, Filename: "missiv.pdf", Content: []byte("ett"), CreatedAt: at},
			{DocumentID: "statement.ks-2026-1-1.bromma", Kind: "statement", Title: "Yttrande", Direction: Incoming, Filename: "statement.pdf",
				Content: []byte("två"), CreatedAt: at, Restrictions: []Restriction{{Provision: "OSL 18 kap. 8 §"}}},
		}}
	var buf bytes.Buffer
	if err := Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rewrite is pkg with edit applied to each file (by its path under the
// root folder; nil content drops it) and extra files added.
func rewrite(t *testing.T, pkg []byte, edit func(path string, b []byte) []byte, extra map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	put := func(name string, b []byte) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		_, rest, _ := strings.Cut(f.Name, "/")
		if b = edit(rest, b); b != nil {
			put(f.Name, b)
		}
	}
	for name, body := range extra {
		put(name, []byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestCheckerFindsEachFault breaks a good package one way at a time and
// wants the checker to name the requirement broken.
func TestCheckerFindsEachFault(t *testing.T) {
	pkg := sample(t)
	if p := Check(pkg); len(p) > 0 {
		t.Fatalf("the sample fails: %v", p)
	}
	inRoot := func(old, new string) func(string, []byte) []byte {
		return func(p string, b []byte) []byte {
			if p == "METS.xml" {
				if !bytes.Contains(b, []byte(old)) {
					t.Fatalf("the root METS has no %q", old)
				}
				return bytes.Replace(b, []byte(old), []byte(new), 1)
			}
			return b
		}
	}
	keep := func(_ string, b []byte) []byte { return b }
	cases := []struct {
		name  string
		edit  func(string, []byte) []byte
		extra map[string]string
		want  string
	}{
		{"no software agent", inRoot(` OTHERTYPE="SOFTWARE"`, ""), nil, "CSIP11"},
		{"its version untyped", inRoot(`csip:NOTETYPE="SOFTWARE VERSION"`, ""), nil, "CSIP16"},
		{"not a SIP", inRoot(`csip:OAISPACKAGETYPE="SIP"`, `csip:OAISPACKAGETYPE="AIP"`), nil, "SIP4"},
		{"another profile", inRoot(`PROFILE="`+ProfileSIP, `PROFILE="https://example.org/p`), nil, "SIP2"},
		{"no OTHERTYPE", inRoot(`csip:OTHERTYPE="Ärendeakt" `, ""), nil, "CSIP2"},
		{"an unnamed submitter", inRoot(`<name>Registrator</name>`, ""), nil, "SIP15"},
		{"metadata without a size", inRoot(`MIMETYPE="application/xml" SIZE=`, `MIMETYPE="application/xml" X=`), nil, "CSIP27"},
		{"an unknown checksum type", inRoot(`CHECKSUMTYPE="SHA-256"`, `CHECKSUMTYPE="SHA-3"`), nil, "CSIP29"},
		{"no creation date", inRoot(`CREATEDATE="2027-03-01T09:30:00+01:00"`, `CREATEDATE="1 mars"`), nil, "CSIP7"},
		{"no documentation group", inRoot(`USE="Documentation"`, `USE="Dokumentation"`), nil, "CSIP60"},
		{"no schemas division", inRoot(`LABEL="Schemas"`, `LABEL="Scheman"`), nil, "CSIP99"},
		{"a representation's group misnamed", inRoot(`xlink:title="grp-rep1"`, `xlink:title="grp-schemas"`), nil, "CSIP108"},
		{"a file outside the package", inRoot(`xlink:href="documentation/leveransbeskrivning.txt"`, `xlink:href="../../etc/passwd"`), nil, "CSIP79"},
		{"an ID twice", inRoot(`ID="file-schema-2"`, `ID="file-schema-1"`), nil, "CSIP67"},
		{"no CSIP structural map", inRoot(`LABEL="CSIP"`, `LABEL="Paket"`), nil, "CSIP82"},
		{"a file group without files", inRoot(`<fileGrp ID="grp-documentation" USE="Documentation">`, `<fileGrp ID="grp-documentation" USE="Documentation"></fileGrp><fileGrp ID="x" USE="Documentation">`), nil, "CSIP66"},
		{"a changed document", func(p string, b []byte) []byte {
			if p == "representations/rep1/data/statement.pdf" {
				return []byte("tvä")
			}
			return b
		}, nil, "CSIP71"},
		{"a missing document", func(p string, b []byte) []byte {
			if p == "representations/rep1/data/missiv.pdf" {
				return nil
			}
			return b
		}, nil, "CSIP71"},
		{"a missing representation", func(p string, b []byte) []byte {
			if p == "representations/rep1/METS.xml" {
				return nil
			}
			return b
		}, nil, "CSIP110"},
		{"a file not listed", keep, map[string]string{"remiss-ks-2026-1-1-20270301T083000Z/documentation/extra.txt": "x"}, "CSIPSTR"},
		{"two root folders", keep, map[string]string{"annan/METS.xml": "<mets/>"}, "CSIPSTR1"},
		{"no root METS", func(p string, b []byte) []byte {
			if p == "METS.xml" {
				return nil
			}
			return b
		}, nil, "CSIPSTR4"},
		{"a DOCTYPE", inRoot(`<mets `, `<!DOCTYPE mets [<!ENTITY x "y">]><mets `), nil, "CSIPSTR4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			problems := Check(rewrite(t, pkg, c.edit, c.extra))
			if !slices.ContainsFunc(problems, func(p Problem) bool { return p.Requirement == c.want }) {
				t.Errorf("want a problem with %s, got %v", c.want, problems)
			}
			for _, p := range problems {
				if p.Message == "" {
					t.Errorf("a problem without words: %#v", p)
				}
			}
		})
	}
	if p := Check([]byte("inte en zip")); len(p) != 1 || p[0].Requirement != "CSIPSTR1" {
		t.Errorf("not a ZIP: %v", p)
	}
}
