package pdf_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/pdf"
)

// TestDraftMarksEveryPageUTKAST: a statement rendered as a draft says
// UTKAST on each of its pages, with all its text; the same statement not
// marked as a draft says it nowhere.
func TestDraftMarksEveryPageUTKAST(t *testing.T) {
	d := sample()
	d.Draft = true
	b, err := pdf.Statement(d)
	if err != nil {
		t.Fatal(err)
	}
	path := write(t, "utkast.pdf", b)
	pages := 0
	fmt.Sscanf(strings.SplitN(strings.SplitN(run(t, "pdfinfo", path), "Pages:", 2)[1], "\n", 2)[0], "%d", &pages)
	if pages < 2 {
		t.Fatalf("the sample should run to several pages, has %d", pages)
	}
	for p := 1; p <= pages; p++ {
		n := fmt.Sprint(p)
		text := run(t, "pdftotext", "-enc", "UTF-8", "-f", n, "-l", n, path, "-")
		if !strings.Contains(text, "UTKAST – inte godkänt, inte förseglat") {
			t.Errorf("page %d is not marked UTKAST:\n%s", p, text)
		}
	}
	text := strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", path, "-")), " ")
	for _, want := range []string{"TJÄNSTEUTLÅTANDE", "1. Hägersten-Liljeholmens", "Östermalm, Älvsjö och Skärholmen; é", "Lars Wennberg tf stadsdelsdirektör"} {
		if !strings.Contains(text, want) {
			t.Errorf("the draft lacks %q", want)
		}
	}
	if out := run(t, "qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors found") {
		t.Errorf("qpdf --check:\n%s", out)
	}

	d.Draft = false
	sealed, err := pdf.Statement(d)
	if err != nil {
		t.Fatal(err)
	}
	if text := run(t, "pdftotext", "-enc", "UTF-8", write(t, "inte-utkast.pdf", sealed), "-"); strings.Contains(text, "UTKAST") {
		t.Errorf("a statement that is not a draft says UTKAST:\n%s", text)
	}
}
