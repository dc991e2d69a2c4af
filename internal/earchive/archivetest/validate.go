package archivetest

import (
	"archive/zip"
	"bytes"
	_ "embed"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/earchive"
)

// csip-sip.xsd and catalog.xml are ../shared/schemas's entry point and
// catalog for validating with xmllint, unchanged: the entry point takes
// METS with the csip and sip attributes, the catalog maps the schemas'
// addresses to files beside it.
var (
	//go:embed csip-sip.xsd
	entryPoint []byte
	//go:embed catalog.xml
	catalog []byte
)

// Checked is a package that passed Validate, unpacked.
type Checked struct {
	Dir string // the package's root folder
	// Data are the representation's documents, by file name.
	Data map[string][]byte
}

// Validate checks a package as an archive would: the project's checker
// finds no problem, xmllint validates the root and the representation
// METS against csip-sip.xsd and the ERMS file against ERMS_v3.xsd,
// offline, with the schemas the package itself carries, and pdfsig calls
// every signature of every document valid. It fails (under CI, also when
// xmllint or pdfsig is missing) and returns the unpacked package.
func Validate(t testing.TB, pkg []byte) Checked {
	t.Helper()
	for _, p := range earchive.Check(pkg) {
		t.Errorf("checker: %s", p)
	}
	dir := unpack(t, pkg)
	c := Checked{Dir: dir, Data: map[string][]byte{}}

	xmllint := tool(t, "xmllint", "libxml2-utils")
	schemas := filepath.Join(t.TempDir(), "schemas")
	if err := os.CopyFS(schemas, os.DirFS(filepath.Join(dir, "schemas"))); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"csip-sip.xsd": entryPoint, "catalog.xml": catalog} {
		if err := os.WriteFile(filepath.Join(schemas, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for file, schema := range map[string]string{
		"METS.xml": "csip-sip.xsd", "representations/" + earchive.RepName + "/METS.xml": "csip-sip.xsd",
		"metadata/descriptive/erms.xml": "ERMS_v3.xsd",
	} {
		cmd := exec.Command(xmllint, "--nonet", "--noout", "--schema", filepath.Join(schemas, schema), filepath.Join(dir, file))
		cmd.Env = append(os.Environ(), "XML_CATALOG_FILES="+filepath.Join(schemas, "catalog.xml"))
		if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), " validates") {
			t.Errorf("xmllint: %s does not validate against %s: %v\n%s", file, schema, err, out)
		}
	}

	pdfsig := tool(t, "pdfsig", "poppler-utils")
	data := filepath.Join(dir, "representations", earchive.RepName, "data")
	entries, err := os.ReadDir(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		p := filepath.Join(data, e.Name())
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c.Data[e.Name()] = b
		// pdfsig exits 0 even on a bad digest, and non-zero on a seal it
		// cannot trust (the TEST seals): its words decide.
		out, _ := exec.Command(pdfsig, p).CombinedOutput()
		signatures := len(signatureHead.FindAll(out, -1))
		valid := strings.Count(string(out), "Signature Validation: Signature is Valid.")
		if signatures == 0 || valid != signatures {
			t.Errorf("pdfsig: %s has %d signatures, %d valid:\n%s", e.Name(), signatures, valid, out)
		}
	}
	return c
}

var signatureHead = regexp.MustCompile(`(?m)^Signature #\d+:`)

func tool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		dbtest.Unavailable(t, name+" ("+pkg+")", err)
	}
	return p
}

// unpack writes a package's files under a temporary directory and returns
// its root folder.
func unpack(t testing.TB, pkg []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	root := ""
	for _, f := range zr.File {
		r, _, _ := strings.Cut(f.Name, "/")
		root = r
		if !filepath.IsLocal(f.Name) {
			t.Fatalf("the package has the path %q", f.Name)
		}
		p := filepath.Join(base, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(base, root)
}
