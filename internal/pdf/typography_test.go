package pdf_test

import (
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/pdf"
)

// word is one word as pdftotext -bbox places it, in points from the top
// left of its page.
type word struct {
	text       string
	page       int
	xMin, yMin float64
	xMax       float64
}

var (
	pageTag = regexp.MustCompile(`<page `)
	wordTag = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)</word>`)
)

func words(t *testing.T, path string) []word {
	t.Helper()
	out := run(t, "pdftotext", "-bbox", "-enc", "UTF-8", path, "-")
	var ws []word
	for i, page := range pageTag.Split(out, -1)[1:] {
		for _, m := range wordTag.FindAllStringSubmatch(page, -1) {
			x0, _ := strconv.ParseFloat(m[1], 64)
			y0, _ := strconv.ParseFloat(m[2], 64)
			x1, _ := strconv.ParseFloat(m[3], 64)
			ws = append(ws, word{text: html.UnescapeString(m[4]), page: i + 1, xMin: x0, yMin: y0, xMax: x1})
		}
	}
	return ws
}

func find(t *testing.T, ws []word, text string) word {
	t.Helper()
	for _, w := range ws {
		if w.text == text {
			return w
		}
	}
	t.Fatalf("no word %q", text)
	return word{}
}

// nextLine is the first word of the line below w.
func nextLine(t *testing.T, ws []word, w word) word {
	t.Helper()
	best := word{yMin: math.Inf(1)}
	for _, c := range ws {
		if c.page == w.page && c.yMin > w.yMin+4 && (c.yMin < best.yMin-1 || (math.Abs(c.yMin-best.yMin) <= 1 && c.xMin < best.xMin)) {
			best = c
		}
	}
	if math.IsInf(best.yMin, 1) {
		t.Fatalf("no line under %q", w.text)
	}
	return best
}

// TestFontsAreLiberationWithARealHyphen: the faces are Liberation, all
// embedded, and a hyphen is a hyphen: the text keeps U+002D and U+2013
// apart, and the hyphen is drawn narrower than the en dash (the Go fonts
// drew the hyphen-minus wider than their en dash).
func TestFontsAreLiberationWithARealHyphen(t *testing.T) {
	d := sample()
	d.Sections = []pdf.Section{{Heading: "Sammanfattning", Body: "Diarienummer 171-908 och perioden 171–908 är inte samma sak."}}
	b, err := pdf.Statement(d)
	if err != nil {
		t.Fatal(err)
	}
	path := write(t, "hyphen.pdf", b)
	fonts := strings.Split(strings.TrimSpace(run(t, "pdffonts", path)), "\n")[2:]
	names := ""
	for _, line := range fonts {
		f := strings.Fields(line)
		names += f[0] + " "
		if !strings.HasPrefix(f[0], "utf8liberation") || !strings.Contains(line, " yes ") {
			t.Errorf("font not Liberation or not embedded: %s", line)
		}
	}
	for _, want := range []string{"utf8liberationserif ", "utf8liberationsans ", "utf8liberationsansB "} {
		if !strings.Contains(names, want) {
			t.Errorf("pdffonts lacks %s: %s", want, names)
		}
	}
	ws := words(t, path)
	hyphen, dash := find(t, ws, "171-908"), find(t, ws, "171–908")
	if wh, wd := hyphen.xMax-hyphen.xMin, dash.xMax-dash.xMin; wh > wd-1.5 {
		t.Errorf("171-908 is %.1f pt wide and 171–908 %.1f pt: the hyphen is no narrower than the en dash", wh, wd)
	}
	find(t, ws, "Hägersten-Liljeholmens")
}

// TestListsHangTheirLines: the wrapped lines of a list item, bulleted or
// numbered, in the text or in Förslag till beslut, start where the item's
// text starts, not under its bullet or number.
func TestListsHangTheirLines(t *testing.T) {
	long := " med en text som är så lång att den inte ryms på en rad utan bryts till nästa rad, där den ska fortsätta rakt under texten och inte under punkten."
	d := sample()
	d.Proposals = []string{"Förslagsstart" + long, "Beslutet justeras omedelbart."}
	d.Sections = []pdf.Section{{Heading: "Förvaltningens synpunkter och bedömning", Body: "Förvaltningen vill framhålla:\n" +
		"- Punktstart" + long + "\n– Andrapunkt kort.\n\n1. Nummerstart" + long + "\n2) Andranummer kort.\n   fortsätter på en indragen rad"}}
	b, err := pdf.Statement(d)
	if err != nil {
		t.Fatal(err)
	}
	path := write(t, "lists.pdf", b)
	ws := words(t, path)
	for _, c := range []struct{ label, first string }{{"1.", "Förslagsstart"}, {"•", "Punktstart"}, {"1.", "Nummerstart"}} {
		first := find(t, ws, c.first)
		var label word
		for _, w := range ws {
			if w.text == c.label && w.page == first.page && math.Abs(w.yMin-first.yMin) < 2 {
				label = w
			}
		}
		if label.text == "" {
			t.Errorf("no %q before %q", c.label, c.first)
			continue
		}
		second := nextLine(t, ws, first)
		if math.Abs(second.xMin-first.xMin) > 0.5 || first.xMin-label.xMin < 15 {
			t.Errorf("%s %s: label at %.1f pt, text at %.1f pt, its second line (%q) at %.1f pt", c.label, c.first, label.xMin, first.xMin, second.text, second.xMin)
		}
	}
	text := strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", path, "-")), " ")
	for _, want := range []string{"Förvaltningen vill framhålla: • Punktstart", "• Andrapunkt kort.", "2) Andranummer kort. fortsätter på en indragen rad"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%.2000s", want, text)
		}
	}
	if strings.Contains(text, "- Punktstart") || strings.Contains(text, "– Andrapunkt") {
		t.Error("a bullet is printed as typed, not as a list")
	}
}

// TestStatementShowsItsApproval: who approved the statement, their title
// and the date stand under the signatures; a statement not approved (a
// preview) says nothing of an approval.
func TestStatementShowsItsApproval(t *testing.T) {
	d := sample()
	d.Approved = pdf.Approval{Name: "Lars Wennberg", Title: "tf stadsdelsdirektör", Date: time.Date(2016, 8, 30, 14, 0, 0, 0, time.UTC)}
	b, err := pdf.Statement(d)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", write(t, "approved.pdf", b), "-")), " ")
	if !strings.Contains(text, "Lars Wennberg tf stadsdelsdirektör Godkänt av Lars Wennberg, tf stadsdelsdirektör, 2016-08-30.") {
		t.Errorf("no approval under the signatures:\n%.600s", text)
	}
	b, err = pdf.Statement(sample())
	if err != nil {
		t.Fatal(err)
	}
	if text := run(t, "pdftotext", "-enc", "UTF-8", write(t, "preview.pdf", b), "-"); strings.Contains(text, "Godkänt") {
		t.Errorf("an unapproved statement shows an approval:\n%.600s", text)
	}
}

var (
	hexRun        = regexp.MustCompile(`(?i)\b[0-9a-f]{16,}\b`)
	englishLabels = regexp.MustCompile(`(?i)\b(statements?|summary|minutes|missive|cover letter|page|date|approved|approval|signed|signatures?|attachments?|drafts?|decisions?|proposals?|documents?|answered|declined|missed|late)\b`)
)

// TestDocumentsAreForPeople: no document shows a checksum or an English
// word, in its text or in the title, subject and author a reader sees.
func TestDocumentsAreForPeople(t *testing.T) {
	approved := sample()
	approved.Approved = pdf.Approval{Name: "Lars Wennberg", Title: "tf stadsdelsdirektör", Date: approved.Date}
	docs := map[string]func() ([]byte, error){
		"statement": func() ([]byte, error) { return pdf.Statement(approved) },
		"ks-statement": func() ([]byte, error) {
			c, r := ksCase()
			return pdf.Statement(pdf.KSStatementOf(c, r, approved.Date))
		},
		"missiv": func() ([]byte, error) {
			return pdf.Missiv(pdf.MissivData{Dnr: "KS 2016/171-908", Title: "Strategi", Date: approved.Date, Deadline: "2016-09-30",
				Description: "Stadsledningskontoret har tagit fram ett förslag.", Recipients: []string{"Farsta stadsdelsnämnd"},
				Coordinator: pdf.Signatory{Name: "Anna Samordnare", Title: "Remissamordnare"}, Contact: "anna@example.org", Link: "http://localhost:8080/remisser/ks-2016-171-908"})
		},
		"minutes": func() ([]byte, error) {
			return pdf.Minutes(pdf.MinutesData{Body: "Farsta stadsdelsnämnd", MeetingDate: "2016-09-15", Date: approved.Date, Dnr: "KS 2016/171-908",
				Paragraph: "§ 7", Title: "Svar på remiss: Strategi", Proposal: []string{"Nämnden godkänner tjänsteutlåtandet."},
				Decision: []string{"Nämnden beslutar i enlighet med förvaltningens förslag."}, Immediate: true,
				Secretary: pdf.Signatory{Name: "Karin Sekreterare", Title: "Nämndsekreterare"}, Documents: []string{"Förvaltningens tjänsteutlåtande daterat 2016-08-30"}})
		},
	}
	for name, render := range docs {
		b, err := render()
		if err != nil {
			t.Fatal(err)
		}
		path := write(t, name+"-people.pdf", b)
		text := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
		info := ""
		for _, l := range strings.Split(run(t, "pdfinfo", path), "\n") {
			for _, label := range []string{"Title:", "Subject:", "Author:"} {
				if v, ok := strings.CutPrefix(l, label); ok {
					info += strings.TrimSpace(v) + "\n"
				}
			}
		}
		if h := hexRun.FindAllString(text+info, -1); len(h) > 0 {
			t.Errorf("%s shows checksums %q", name, h)
		}
		if w := englishLabels.FindAllString(text+info, -1); len(w) > 0 {
			t.Errorf("%s has English words %q", name, w)
		}
	}
}

// TestALeadInStaysWithItsList: wherever the page breaks, the line that
// leads into a list is on the page of the list's first item, and no
// paragraph leaves its first line alone at a page foot.
func TestALeadInStaysWithItsList(t *testing.T) {
	for k := 20; k < 60; k++ {
		d := sample()
		d.Sections = []pdf.Section{{Heading: "Ärendets beredning", Body: strings.Repeat("Fyllnadsrad.\n", k) +
			"\nFörvaltningen har inhämtat synpunkter från:\n- Förstapunkten, äldreomsorgen\n- förskolan"}}
		b, err := pdf.Statement(d)
		if err != nil {
			t.Fatal(err)
		}
		ws := words(t, write(t, "keep.pdf", b))
		if lead, item := find(t, ws, "inhämtat"), find(t, ws, "Förstapunkten,"); lead.page != item.page {
			t.Errorf("%d filler lines: the lead-in on page %d, its list on page %d", k, lead.page, item.page)
		}
	}
}
