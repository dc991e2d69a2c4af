package textdiff

import (
	"strings"
	"testing"
)

// show writes spans as text with [-removed-] and {+added+}.
func show(spans []Span) string {
	var b strings.Builder
	for _, s := range spans {
		switch s.Kind {
		case Removed:
			b.WriteString("[-" + s.Text + "-]")
		case Added:
			b.WriteString("{+" + s.Text + "+}")
		default:
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

func TestWords(t *testing.T) {
	for _, c := range []struct{ old, new, want string }{
		{"Vi tillstyrker förslaget.", "Vi tillstyrker förslaget.", "Vi tillstyrker förslaget."},
		{"Vi tillstyrker förslaget.", "Vi avstyrker förslaget.", "Vi [-tillstyrker-]{+avstyrker+} förslaget."},
		{"Vi tillstyrker.", "Vi tillstyrker i huvudsak.", "Vi tillstyrker{+ i huvudsak+}."},
		{"Nämnden delar i stort bedömningen.", "Nämnden delar bedömningen.", "Nämnden delar [-i stort -]bedömningen."},
		// Two words replaced by two read as one change, not four.
		{"ett två tre", "ett fyra fem tre", "ett [-två-]{+fyra fem+} tre"},
		{"", "Ny text", "{+Ny text+}"},
		{"Gammal text", "", "[-Gammal text-]"},
		// Letters with diacritics are parts of words.
		{"Förvaltningen ser över åtgärden", "Förvaltningen såg över åtgärderna",
			"Förvaltningen [-ser-]{+såg+} över [-åtgärden-]{+åtgärderna+}"},
	} {
		if got := show(Words(c.old, c.new)); got != c.want {
			t.Errorf("Words(%q, %q) = %q, want %q", c.old, c.new, got, c.want)
		}
	}
}

// TestWordsKeepsBothTexts: whatever the diff, the old text is what is same
// and removed, and the new text what is same and added.
func TestWordsKeepsBothTexts(t *testing.T) {
	pairs := [][2]string{
		{"a b c d e f", "a c d x f g"},
		{"Remissen <b>gäller</b> & mer", "Remissen gäller <script>x</script> & mindre"},
		{"  inledande blanksteg", "inledande  blanksteg  "},
	}
	for _, p := range pairs {
		var old, new strings.Builder
		for _, s := range Words(p[0], p[1]) {
			if s.Kind != Added {
				old.WriteString(s.Text)
			}
			if s.Kind != Removed {
				new.WriteString(s.Text)
			}
		}
		if old.String() != p[0] || new.String() != p[1] {
			t.Errorf("Words(%q, %q) rebuilds %q and %q", p[0], p[1], old.String(), new.String())
		}
	}
}

func TestParagraphs(t *testing.T) {
	old := "Första stycket.\nAndra stycket om budget.\nTredje stycket."
	new := "Första stycket.\n\nAndra stycket om ekonomi.\nTredje stycket.\nEtt nytt stycke."
	got := Paragraphs(old, new)
	want := []struct {
		kind Kind
		text string
	}{{Same, "Första stycket."}, {Changed, "Andra stycket om [-budget-]{+ekonomi+}."}, {Same, "Tredje stycket."}, {Added, "{+Ett nytt stycke.+}"}}
	if len(got) != len(want) {
		t.Fatalf("%d paragraphs, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Kind != w.kind || show(got[i].Spans) != w.text {
			t.Errorf("paragraph %d: %v %q, want %v %q", i, got[i].Kind, show(got[i].Spans), w.kind, w.text)
		}
	}
	if !Changes(got) {
		t.Error("Changes: false for a changed text")
	}
	if ps := Paragraphs(old, old+"\n"); Changes(ps) || len(ps) != 3 {
		t.Errorf("the same text (but a trailing line break) compares as changed: %+v", ps)
	}
	if ps := Paragraphs("Ett.\nTvå.", "Ett."); len(ps) != 2 || ps[1].Kind != Removed || ps[1].Spans[0].Text != "Två." {
		t.Errorf("a removed paragraph: %+v", ps)
	}
}

// TestBounded: a comparison too large for the table is one removal and one
// addition, at once.
func TestBounded(t *testing.T) {
	old := strings.Repeat("a b ", 3000) + "x"
	new := strings.Repeat("b a ", 3000) + "y"
	got := Words(old, new)
	if len(got) != 2 || got[0].Kind != Removed || got[1].Kind != Added || got[0].Text != old || got[1].Text != new {
		t.Errorf("a comparison past MaxCells: %d spans", len(got))
	}
}
