package pdf

import (
	"testing"
	"time"

	"golang.org/x/image/font/sfnt"
)

func glyphs(t *testing.T, ttf []byte) func(rune) bool {
	t.Helper()
	f, err := sfnt.Parse(ttf)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	return func(r rune) bool {
		i, err := f.GlyphIndex(&buf, r)
		return err == nil && i != 0
	}
}

// TestCutFacesKeepEveryCommonGlyph: the faces cut for common documents
// have every common character the whole faces have, Swedish first.
func TestCutFacesKeepEveryCommonGlyph(t *testing.T) {
	for f, full := range fullFaces {
		inFull, inCut := glyphs(t, full), glyphs(t, commonFaces()[f])
		for _, r := range "åäöÅÄÖéü-–—”’•·§€" {
			if !common[r] || !inCut(r) {
				t.Errorf("%v: %q is not in the cut face", f, r)
			}
		}
		for r := range common {
			if inFull(r) && !inCut(r) {
				t.Errorf("%v: the cut face lacks %q (U+%04X)", f, r, r)
			}
		}
	}
}

// TestUncommonTextGetsTheWholeFaces: a document with a character outside
// the common set (a Greek or Cyrillic name, a combining accent) is set
// with the whole faces, which have it.
func TestUncommonTextGetsTheWholeFaces(t *testing.T) {
	if got, _ := facesFor(StatementData{Title: "Strategi för Östermalm – 2026", Proposals: []string{"”Ja” • 5 €"}}); got.enc == nil || got.ttf != nil {
		t.Error("Swedish text does not get the shared faces")
	}
	for _, text := range []string{"Москва", "Αθήνα", "A\u030angström"} {
		faces, _ := facesFor(StatementData{OfficerName: text})
		got := faces.ttf
		if faces.enc != nil || &got[face{serif, ""}][0] != &serifRegular[0] {
			t.Errorf("%q does not get the whole faces", text)
			continue
		}
		has := glyphs(t, got[face{serif, ""}])
		for _, r := range text {
			if !has(r) {
				t.Errorf("%q: no glyph for %q", text, r)
			}
		}
	}
}

// TestEveryCharacterIsPrintable: a character no face has (Chinese, an
// emoji beyond the plane fpdf can encode, a tab) is printed as a question
// mark or a space, never as .notdef and never as a failure; the data given is
// left as it was.
func TestEveryCharacterIsPrintable(t *testing.T) {
	if !drawable()[replacement] || !drawable()['å'] || drawable()['漢'] {
		t.Fatal("the glyph table is wrong")
	}
	for from, to := range lookalikes {
		if drawable()[from] || !drawable()[to] {
			t.Errorf("lookalike %U for %U", to, from)
		}
	}
	s := StatementData{Title: "Strategi 漢字", OfficerName: "Zhang\tWei 😀", Proposals: []string{"Ja 😀", "Nej"}, Date: time.Now(),
		Subtitle: "E\u2011tjänster"}
	clean := printableCopy(s)
	if clean.Title != "Strategi ??" || clean.OfficerName != "Zhang Wei ?" || clean.Proposals[0] != "Ja ?" || clean.Subtitle != "E-tjänster" ||
		s.Proposals[0] != "Ja 😀" || !clean.Date.Equal(s.Date) {
		t.Errorf("printable copy %+v of %+v", clean, s)
	}
	if _, err := Statement(s); err != nil {
		t.Errorf("a statement with an emoji: %v", err)
	}
	if _, unprintable := facesFor(StatementData{Title: "Östermalm – ”Москва” Αθήνα"}); unprintable {
		t.Error("printable text is taken for unprintable")
	}
}

// TestSharedFacesTakeCommonTextOnly: the shared faces draw a document
// whose characters beyond Latin-1 are common and fit the encoding; one
// with more distinct such characters than free bytes, or an uncommon one,
// gets fpdf's own faces.
func TestSharedFacesTakeCommonTextOnly(t *testing.T) {
	if got, _ := facesFor(StatementData{Title: "Łódź – Šibenik ”a” … € ≤ № ™"}); got.enc == nil {
		t.Error("Polish and Czech names do not get the shared faces")
	}
	var many []rune
	for r := rune(0x100); len(many) <= len(freeBytes); r++ {
		if drawable()[r] {
			many = append(many, r)
		}
	}
	if got, _ := facesFor(StatementData{Title: string(many)}); got.enc != nil || got.ttf == nil {
		t.Errorf("%d letters beyond Latin-1 get the shared faces", len(many))
	}
	if got, _ := facesFor(StatementData{Title: "Москва"}); got.enc != nil {
		t.Error("Cyrillic gets the shared faces")
	}
	e := newEncoding("Łódź – Šibenik")
	for _, r := range "Łódź – Šibenik" {
		if c := e.byteFor(r); e.runeOf[c] != r || e.missed {
			t.Errorf("%q is byte %#x, which is %q", r, c, e.runeOf[c])
		}
	}
	if e.byteFor('Ж'); !e.missed {
		t.Error("a character the encoding lacks is not missed")
	}
}
