package sign_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/pdfupdate"
	"github.com/remiss/remiss/internal/sign"
)

// utf16Spelling is a title whose UTF-16BE bytes are payload: each pair of
// ASCII bytes is one character (U+0A33 is "\n3").
func utf16Spelling(payload string) string {
	if len(payload)%2 == 1 {
		payload += " "
	}
	var r []rune
	for i := 0; i < len(payload); i += 2 {
		r = append(r, rune(payload[i])<<8|rune(payload[i+1]))
	}
	return string(r)
}

// injectionTitles are the issue's: a title that spelled a page with a
// JavaScript action into the sealed revision, and plain-text variants.
var injectionTitles = map[string]string{
	"UTF-16 page": utf16Spelling("\n3 0 obj<</Type/Page/Parent 1 0 R/MediaBox[0 0 595 842]/AA<</O<</S/JavaScript/JS(app.alert(1))>>>>>>endobj\n"),
	"ASCII":       ") /AA <</S/JavaScript>> (",
	"object 5":    "Strategi\n5 0 obj <</S /JavaScript /JS (app.alert(1))>> endobj\n",
}

// TestInjectedTitlesStayText renders a missiv and a statement with each
// title, seals them, and reads the result: it holds exactly the objects
// fpdf, the PDF/A step and the signer wrote, none of them active, the
// title is text in the metadata, and the seal verifies.
func TestInjectedTitlesStayText(t *testing.T) {
	p := newPKI(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	seal := p.seal(t, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
	for name, title := range injectionTitles {
		missiv, err := pdf.Missiv(pdf.MissivData{Dnr: "KS 2016/171-908", Title: title, Date: time.Now(), Deadline: "2027-03-31",
			Recipients: []string{"Bromma stadsdelsnämnd"}, Coordinator: pdf.Signatory{Name: "A", Title: "B"}})
		if err != nil {
			t.Fatal(err)
		}
		statement, err := pdf.Statement(pdf.StatementData{Org: "Bromma stadsdelsnämnd", Dnr: "KS 2016/171-908", Date: time.Now(),
			Title: title, Proposals: []string{"Godkänns."}, Signatories: []pdf.Signatory{{Name: "A", Title: "B"}}})
		if err != nil {
			t.Fatal(err)
		}
		for kind, raw := range map[string][]byte{"missiv": missiv, "statement": statement} {
			t.Run(name+"/"+kind, func(t *testing.T) {
				sealed, err := seal.SignPDF(raw, opts())
				if err != nil {
					t.Fatal(err)
				}
				checkOnlyOurObjects(t, raw, sealed, title)
				res, err := sign.Verify(t.Context(), sealed, p.roots)
				if err != nil || len(res) != 1 || !res[0].Valid {
					t.Errorf("verification: %+v %v", res, err)
				}
				file := filepath.Join(t.TempDir(), "sealed.pdf")
				os.WriteFile(file, sealed, 0o600)
				if out, _ := exec.Command(tool(t, "pdfsig"), file).CombinedOutput(); !strings.Contains(string(out), "Signature is Valid") {
					t.Errorf("pdfsig:\n%s", out)
				}
			})
		}
	}
}

func checkOnlyOurObjects(t *testing.T, rendered, sealed []byte, title string) {
	t.Helper()
	before, err := pdfupdate.Parse(rendered)
	if err != nil {
		t.Fatal(err)
	}
	after, err := pdfupdate.Parse(sealed)
	if err != nil {
		t.Fatal(err)
	}
	// The rendered file has fpdf's objects and the PDF/A step's (the ICC
	// profile, the XMP packet, the structure tree), numbered 1..n; the
	// signer adds three (the signature, its field and the field's element
	// in the structure tree).
	want := before.Numbers()
	for i, n := range want {
		if n != i+1 {
			t.Fatalf("rendered objects %v are not 1..n", want)
		}
	}
	want = append(want, len(want)+1, len(want)+2, len(want)+3)
	if got := after.Numbers(); !slices.Equal(got, want) {
		t.Errorf("sealed objects %v, want %v", got, want)
	}
	if found, err := pdfupdate.ActiveContent(after); err != nil || len(found) != 0 {
		t.Errorf("active content in the sealed file: %v %v", found, err)
	}
	// fpdf is given no text for its Info dictionary: every /Title is ours,
	// in hex.
	if bytes.Contains(sealed, []byte("/Title (")) {
		t.Error("a literal /Title string in the file")
	}
	info, err := after.Dict(after.Info)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := info["Title"].(pdfupdate.String); !strings.HasSuffix(s.Text(), title) {
		t.Errorf("the title in Info is %q", s.Text())
	}
	root, _ := after.Catalog()
	pages, _ := after.Dict(root["Pages"])
	for _, kid := range pages["Kids"].(pdfupdate.Array) {
		page, err := after.Dict(kid)
		if typ, _ := page.Name("Type"); err != nil || typ != "Page" || page["Contents"] == nil {
			t.Errorf("page %v: %v %v", kid, page, err)
		}
	}
}
