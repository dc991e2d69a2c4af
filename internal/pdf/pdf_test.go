package pdf_test

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
)

func sample() pdf.StatementData {
	return pdf.StatementData{
		Org: "Hägersten-Liljeholmens stadsdelsnämnd", Forvaltning: "Hägersten-Liljeholmens stadsdelsförvaltning",
		Dnr: "1.5.1-412-2016", Reference: "KS 2016/171-908", Date: time.Date(2016, 8, 30, 10, 0, 0, 0, time.UTC),
		OfficerName: "Monica Slama", OfficerPhone: "08-508 23 092",
		Title: "Strategi för Stockholm som smart och uppkopplad stad", Subtitle: "Svar på remiss från kommunstyrelsen",
		Proposals: []string{"Hägersten-Liljeholmens stadsdelsnämnd godkänner och överlämnar tjänsteutlåtandet som svar på remissen till kommunstyrelsen.", "Beslutet justeras omedelbart."},
		Sections: []pdf.Section{
			{Heading: "Sammanfattning", Body: "Ytterst syftar strategin till att göra livet enklare – och bättre – för invånare, företagare och besökare."},
			{Heading: "Förvaltningens synpunkter och bedömning", Body: strings.Repeat("Vision 2040, ”Stockholm – en stad för alla”, är viktig för Östermalm, Älvsjö och Skärholmen; é. ", 120)},
		},
		Signatories: []pdf.Signatory{{Name: "Lars Wennberg", Title: "tf stadsdelsdirektör"}},
		Attachments: []string{"Remissunderlaget"},
	}
}

func TestStatementOfLaysOutAResponse(t *testing.T) {
	c := remiss.Response{Proposals: []string{"Nämnden godkänner svaret."}, Summary: "Kort.", Opinions: "Bra.", Preparation: "Beredd.",
		Background: "Förr.", Signatories: []remiss.Signatory{{Name: "Lars Wennberg", Title: "tf stadsdelsdirektör"}}, OfficerName: "Monica Slama"}
	at := time.Date(2016, 8, 30, 8, 0, 0, 0, time.UTC)
	d := pdf.StatementOf(pdf.Case{Dnr: "KS 2016/171-908", Title: "Strategi", OwnDnr: "1.5.1-135-2016", Meeting: "2016-09-22"},
		remiss.Org{Name: "Bromma stadsdelsnämnd"}, c, at)
	if d.Forvaltning != "Bromma stadsdelsnämnd" || d.Dnr != "1.5.1-135-2016" || d.Reference != "KS 2016/171-908" || d.Title != "Strategi" ||
		d.Date.Location() != remiss.Stockholm || d.OfficerName != "Monica Slama" || d.Addressee() != "Till Bromma stadsdelsnämnd\n2016-09-22" {
		t.Errorf("statement %+v", d)
	}
	// As in the seeds: Ärendets beredning before Bakgrund.
	var headings []string
	for _, sec := range d.Sections {
		headings = append(headings, sec.Heading)
	}
	if strings.Join(headings, "|") != "Sammanfattning|Ärendets beredning|Bakgrund|Förvaltningens synpunkter och bedömning" ||
		d.Sections[1].Body != "Beredd." || d.Sections[3].Body != "Bra." {
		t.Errorf("sections %+v", d.Sections)
	}
	if len(d.Signatories) != 1 || d.Signatories[0].Title != "tf stadsdelsdirektör" {
		t.Errorf("signatories %+v", d.Signatories)
	}
	d = pdf.StatementOf(pdf.Case{Dnr: "KS 2016/171-908"}, remiss.Org{Name: "Bromma stadsdelsnämnd", Forvaltning: "Bromma stadsdelsförvaltning"}, c, at)
	if d.Forvaltning != "Bromma stadsdelsförvaltning" || d.Dnr != "" || d.DocumentDnr() != "KS 2016/171-908" || d.Addressee() != "Till Bromma stadsdelsnämnd" {
		t.Errorf("not registered, on delegation: %+v", d)
	}
}

// TestStatementPrintsTheBodysOwnCase: the body's own Dnr is the
// statement's, kommunstyrelsens is the reference, the meeting's date
// follows the addressee, and lateness is left to kommunstyrelsen.
func TestStatementPrintsTheBodysOwnCase(t *testing.T) {
	s := sample()
	s.Dnr, s.Reference, s.Meeting = "1.5.1-135-2016", "KS/2026:77", "2016-09-22"
	b, err := pdf.Statement(s)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", write(t, "own-dnr.pdf", b), "-")), " ")
	for _, want := range []string{"Diarienummer", "Dnr 1.5.1-135-2016", "Er referens: KS/2026:77", "Till Hägersten-Liljeholmens stadsdelsnämnd 2016-09-22"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if strings.Count(text, "KS/2026:77") != 1 {
		t.Error("kommunstyrelsens Dnr is printed as the statement's own")
	}
	if strings.Contains(text, "svarsdatum") {
		t.Error("the body's own statement says it came late")
	}
}

func run(t *testing.T, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		dbtest.Unavailable(t, tool, err)
	}
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
	return string(out)
}

func write(t *testing.T, name string, b []byte) string {
	dir := os.Getenv("REMISS_PDF_OUT") // keep the files to look at them
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStatementKeepsSwedishTextAndEmbedsFonts(t *testing.T) {
	b, err := pdf.Statement(sample())
	if err != nil {
		t.Fatal(err)
	}
	path := write(t, "statement.pdf", b)
	text := strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", path, "-")), " ")
	for _, want := range []string{"TJÄNSTEUTLÅTANDE", "Diarienummer", "KS 2016/171-908", "Er referens: KS 2016/171-908", "Till Hägersten-Liljeholmens stadsdelsnämnd",
		"Förslag till beslut", "1. Hägersten-Liljeholmens", "2. Beslutet justeras omedelbart.", "”Stockholm – en stad för alla”",
		"Östermalm, Älvsjö och Skärholmen; é", "Lars Wennberg tf stadsdelsdirektör", "Bilagor", "Sida 1 (", "Sida 2 ("} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	fonts := run(t, "pdffonts", path)
	for _, line := range strings.Split(fonts, "\n")[2:] {
		if line != "" && !strings.Contains(line, " yes ") {
			t.Errorf("font not embedded: %s", line)
		}
	}
	again, _ := pdf.Statement(sample())
	if string(again) != string(b) {
		t.Error("rendering the same statement twice gives different bytes")
	}
}

// ksCase is a round of four recipients, one of each outcome, as
// kommunstyrelsen's own tjänsteutlåtande sees it.
func ksCase() (pdf.KSCase, remiss.Response) {
	c := pdf.KSCase{Dnr: "KS 2016/171-908", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Org: remiss.Org{Code: remiss.KS, Name: "Kommunstyrelsen", Kind: remiss.KindKS, Forvaltning: "Stadsledningskontoret"},
		Answers: []pdf.AnswerRow{
			{Org: "Farsta stadsdelsnämnd", Position: "Tillstyrker", Date: "2016-09-20"},
			{Org: "Skärholmens stadsdelsnämnd", Position: "Avstyrker", Date: "2016-10-02", Note: "Anstånd till 2016-10-10. Inkom efter svarsdatum"},
			{Org: "Spånga-Tensta stadsdelsnämnd", Position: "Avstår"},
			{Org: "Älvsjö stadsdelsnämnd", Position: "Har inte svarat"},
		},
		Received: []string{"Farsta stadsdelsnämnd, tjänsteutlåtande, Dnr 1.5.1-135-2016. Beslut på delegation (D 4.2).",
			"Skärholmens stadsdelsnämnd, tjänsteutlåtande. Beslut av Skärholmens stadsdelsnämnd 2016-09-29, § 7: bifall."},
	}
	r := remiss.Response{Proposals: []string{"Kommunstyrelsen antar strategin.", "Stadsdirektören ges i uppdrag att genomföra den."},
		Summary: "Två av fyra remissinstanser har svarat.", Background: "Stadsledningskontoret har tagit fram en strategi.",
		Preparation: "Farsta stadsdelsnämnd: tillstyrker.\n\nSkärholmens stadsdelsnämnd: avstyrker.",
		Opinions:    "Stadsledningskontoret delar Farstas bedömning.",
		Signatories: []remiss.Signatory{{Name: "Anna Stadsdirektör", Title: "Stadsdirektör"}}, OfficerName: "Per Handläggare"}
	return c, r
}

func TestKSStatementHasTheShapeOfSeed001(t *testing.T) {
	c, r := ksCase()
	b, err := pdf.Statement(pdf.KSStatementOf(c, r, time.Date(2016, 10, 20, 9, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", write(t, "ks.pdf", b), "-")), " ")
	order := []string{"TJÄNSTEUTLÅTANDE", "Stadsledningskontoret", "Diarienummer", "KS 2016/171-908", "Till Kommunstyrelsen",
		"Förslag till beslut", "1. Kommunstyrelsen antar strategin.", "Anna Stadsdirektör", "Sammanfattning", "Ärendet", "Beredning",
		"Remissinstanserna Ställningstagande Inkom", "Farsta stadsdelsnämnd Tillstyrker 2016-09-20",
		"Skärholmens stadsdelsnämnd Avstyrker Anstånd till 2016-10-10. Inkom efter svarsdatum 2016-10-02",
		"Spånga-Tensta stadsdelsnämnd Avstår", "Älvsjö stadsdelsnämnd Har inte svarat",
		"Stadsledningskontorets synpunkter", "Stadsledningskontoret delar", "Bilagor",
		"1. Farsta stadsdelsnämnd, tjänsteutlåtande, Dnr 1.5.1-135-2016. Beslut på delegation (D 4.2).",
		"2. Skärholmens stadsdelsnämnd, tjänsteutlåtande. Beslut av Skärholmens stadsdelsnämnd 2016-09-29, § 7: bifall."}
	at := 0
	for _, want := range order {
		i := strings.Index(text[at:], want)
		if i < 0 {
			t.Fatalf("KS statement lacks %q after position %d\n%s", want, at, text)
		}
		at += i + len(want)
	}
	if strings.Contains(text, "Er referens") || strings.Contains(text, "Förvaltningens synpunkter") {
		t.Errorf("KS statement refers to itself or speaks as a nämnd's förvaltning:\n%s", text)
	}
}

func TestStatementIsPDFA2aWithAgreeingMetadata(t *testing.T) {
	d := sample()
	d.Date = time.Date(2016, 8, 30, 14, 5, 0, 0, time.FixedZone("CEST", 2*3600))
	b, err := pdf.Statement(d)
	if err != nil {
		t.Fatal(err)
	}
	path := write(t, "pdfa.pdf", b)
	if out := run(t, "qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors found") {
		t.Errorf("qpdf --check:\n%s", out)
	}
	info := run(t, "pdfinfo", "-isodates", path)
	for _, want := range []string{"Title:           Strategi för Stockholm som smart och uppkopplad stad",
		"Author:          Hägersten-Liljeholmens stadsdelsnämnd", "CreationDate:    2016-08-30T14:05:00+02",
		"Metadata Stream: yes", "PDF version:     1.7"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	xmp := run(t, "pdfinfo", "-meta", path)
	for _, want := range []string{"<pdfaid:part>2</pdfaid:part>", "<pdfaid:conformance>A</pdfaid:conformance>", "<pdfuaid:part>1</pdfuaid:part>",
		">Strategi för Stockholm som smart och uppkopplad stad</rdf:li>", "<rdf:li>Hägersten-Liljeholmens stadsdelsnämnd</rdf:li>",
		"<xmp:CreateDate>2016-08-30T14:05:00+02:00</xmp:CreateDate>", "<pdf:Producer>Remiss (codeberg.org/go-pdf/fpdf)</pdf:Producer>"} {
		if !strings.Contains(xmp, want) {
			t.Errorf("XMP lacks %q", want)
		}
	}
	raw := string(b)
	for _, want := range []string{"/Lang (sv-SE)", "/S /GTS_PDFA1", "/DestOutputProfile", "/ID [<"} {
		if !strings.Contains(raw, want) {
			t.Errorf("file lacks %s", want)
		}
	}
}

// TestLongTextsStayInsideTheMargins renders the longest seed text (a copy
// in testdata) and a thirty-page answer, rasterises every page and checks
// that no ink falls outside the type area (the running header and the
// footer aside).
func TestLongTextsStayInsideTheMargins(t *testing.T) {
	seed, err := os.ReadFile(filepath.Join("testdata", "003_2d0d60f02e7e50f4.txt"))
	if err != nil {
		t.Fatal(err)
	}
	long := sample()
	long.Sections = []pdf.Section{
		{Heading: "Ärendet", Body: string(seed)},
		{Heading: "Förvaltningens synpunkter och bedömning", Body: strings.Repeat(strings.Repeat("Hägersten-Liljeholmen delar stadsledningskontorets bedömning att det är viktigt att formulera en strategi som är genomtänkt. ", 8)+"\n\n", 110)},
		{Heading: "Ett mycket långt ord", Body: strings.Repeat("Stadsdelsnämndsförvaltningsorganisationsutvecklingsprojektledningsgrupp", 6)},
	}
	b, err := pdf.Statement(long)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := write(t, "long.pdf", b)
	run(t, "pdftoppm", "-r", "36", "-gray", "-png", path, filepath.Join(dir, "p"))
	pages, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	if len(pages) < 30 {
		t.Fatalf("%d pages, want a document of at least 30", len(pages))
	}
	const mmPerPx = 25.4 / 36
	for _, file := range pages {
		f, _ := os.Open(file)
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		bounds := img.Bounds()
		for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
			for x := bounds.Min.X; x < bounds.Max.X; x++ {
				if g, _, _, _ := img.At(x, y).RGBA(); g > 0xC000 {
					continue
				}
				xmm, ymm := float64(x)*mmPerPx, float64(y)*mmPerPx
				inText := xmm >= 24 && xmm <= 210-19 && ymm >= 19 && ymm <= 297-21
				inFooter := ymm >= 297-17 && ymm <= 297-9 && xmm <= 210-19
				inHeader := ymm >= 9 && ymm <= 16 && xmm >= 24 && xmm <= 210-19
				if !inText && !inFooter && !inHeader {
					t.Errorf("%s: ink at %.0f mm, %.0f mm, outside the margins", filepath.Base(file), xmm, ymm)
					return
				}
			}
		}
	}
}

func TestMinutesCarryTheParagraphDecisionAndJustering(t *testing.T) {
	base := pdf.MinutesData{
		Body: "Hägersten-Liljeholmens stadsdelsnämnd", MeetingDate: "2027-01-12", Date: time.Date(2027, 1, 15, 18, 0, 0, 0, time.UTC),
		Dnr: "KS 2016/171-908", Paragraph: "§ 12", Title: "Svar på remiss: Strategi för Stockholm som smart och uppkopplad stad",
		Proposal:     []string{"Hägersten-Liljeholmens stadsdelsnämnd godkänner och överlämnar tjänsteutlåtandet som svar på remissen."},
		Decision:     []string{"Nämnden beslutar i enlighet med förvaltningens förslag till beslut."},
		Reservations: "Ledamoten Åsa Öberg (V) reserverar sig mot beslutet.",
		AdjustOn:     "2027-01-15", Adjusters: []string{"Anna Andersson", "Bo Berg"},
		Secretary: pdf.Signatory{Name: "Karin Nämndsekreterare", Title: "Nämndsekreterare"},
		Documents: []string{"Förvaltningens tjänsteutlåtande daterat 2027-01-02"},
	}
	// Certified only once justerat; the justerare named in every case.
	cases := []struct {
		name      string
		edit      func(*pdf.MinutesData)
		want, not []string
	}{
		{"justerat", func(*pdf.MinutesData) {}, []string{"PROTOKOLLSUTDRAG", "§ 12 Svar på remiss", "Förslag till beslut", "Beslut",
			"Reservationer", "Åsa Öberg", "Protokollet justerades 2027-01-15 av Anna Andersson och Bo Berg.", "Rätt utdraget intygar", "Karin Nämndsekreterare"},
			[]string{"OJUSTERAT", "Ojusterat"}},
		{"justeras later", func(m *pdf.MinutesData) { m.Date = time.Date(2027, 1, 12, 18, 0, 0, 0, time.UTC) },
			[]string{"PROTOKOLLSUTDRAG – OJUSTERAT", "Protokollet justeras 2027-01-15 av Anna Andersson och Bo Berg.", "Ojusterat utdrag"},
			[]string{"Rätt utdraget intygar", "Karin Nämndsekreterare"}},
		{"justeras omedelbart", func(m *pdf.MinutesData) {
			m.Immediate, m.AdjustOn, m.Date = true, "", time.Date(2027, 1, 12, 18, 0, 0, 0, time.UTC)
		},
			[]string{"Paragrafen justeras omedelbart. Justerare: Anna Andersson och Bo Berg.", "Rätt utdraget intygar", "Karin Nämndsekreterare"},
			[]string{"OJUSTERAT", "Ojusterat"}},
	}
	for _, c := range cases {
		m := base
		c.edit(&m)
		b, err := pdf.Minutes(m)
		if err != nil {
			t.Fatal(err)
		}
		path := write(t, "minutes.pdf", b)
		text := strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", path, "-")), " ")
		for _, want := range c.want {
			if !strings.Contains(text, want) {
				t.Errorf("%s: minutes lack %q:\n%s", c.name, want, text)
			}
		}
		for _, not := range c.not {
			if strings.Contains(text, not) {
				t.Errorf("%s: minutes say %q:\n%s", c.name, not, text)
			}
		}
	}
}

// TestAStatementSpeaksInItsKindsWords: a bolag answers with a yttrande to
// its styrelse (or, on delegation, its VD) and gives the bolag's views; a
// råd's is to the råd; an outside body's letter is headed by its own name,
// not the city's. None of them speaks of the förvaltning or a nämnd.
func TestAStatementSpeaksInItsKindsWords(t *testing.T) {
	c := remiss.Response{Proposals: []string{"Styrelsen överlämnar yttrandet som svar på remissen."}, Summary: "Kort.",
		Opinions: "Bolaget tillstyrker.", Signatories: []remiss.Signatory{{Name: "Anna Berg", Title: "Verkställande direktör"}}, OfficerName: "Per Ek"}
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		org     remiss.Org
		meeting string
		want    []string
	}{
		{remiss.Org{Name: "AB Stokab", Kind: remiss.KindBolag, Forvaltning: "AB Stokab"}, "2026-12-10",
			[]string{"STOCKHOLMS STAD", "YTTRANDE", "Till styrelsen för AB Stokab 2026-12-10", "Bolagets synpunkter", "Er referens: KS/2026:77"}},
		{remiss.Org{Name: "AB Stokab", Kind: remiss.KindBolag}, "",
			[]string{"YTTRANDE", "Till verkställande direktören för AB Stokab", "Bolagets synpunkter"}},
		{remiss.Org{Name: "Kommunstyrelsens pensionärsråd", Kind: remiss.KindRad}, "2026-12-10",
			[]string{"YTTRANDE", "Till Kommunstyrelsens pensionärsråd 2026-12-10", "Rådets synpunkter"}},
		{remiss.Org{Name: "Revisionskontoret", Kind: remiss.KindOffice}, "",
			[]string{"STOCKHOLMS STAD", "TJÄNSTEUTLÅTANDE", "Till kommunstyrelsen", "Kontorets synpunkter och bedömning"}},
		{remiss.Org{Name: "Länsstyrelsen i Stockholms län", Kind: remiss.KindExternal}, "",
			[]string{"Länsstyrelsen i Stockholms län", "YTTRANDE", "Till Stockholms stad, kommunstyrelsen", "Synpunkter"}},
	} {
		d := pdf.StatementOf(pdf.Case{Dnr: "KS/2026:77", Title: "Strategi", Meeting: tc.meeting}, tc.org, c, at)
		b, err := pdf.Statement(d)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", write(t, string(tc.org.Kind)+tc.meeting+".pdf", b), "-")), " ")
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s %s: text lacks %q:\n%s", tc.org.Kind, tc.meeting, w, text)
			}
		}
		for _, not := range []string{"Förvaltningens synpunkter", "förvaltning", "nämnd"} {
			if strings.Contains(strings.ToLower(text), strings.ToLower(not)) {
				t.Errorf("%s: the statement says %q:\n%s", tc.org.Kind, not, text)
			}
		}
		if tc.org.Kind != remiss.KindOffice && strings.Contains(text, "TJÄNSTEUTLÅTANDE") {
			t.Errorf("%s answers with a tjänsteutlåtande", tc.org.Kind)
		}
		if tc.org.Kind == remiss.KindExternal && strings.Contains(strings.ToLower(text), "stockholms stad ") {
			t.Errorf("an outside body's letter is headed by the city:\n%s", text)
		}
	}
}

// An optional Källmaterial (seed 004) is numbered after the synpunkter and
// before the bilagor; without sources there is no heading.
func TestStatementListsItsSources(t *testing.T) {
	s := sample()
	s.Sources = []string{"E-strategi för utbildningsförvaltningen. Dnr 03-051/1015:1. Else-Marie Karlsson, 2003-05-05.",
		"Förslag till E-strategi för Stockholms stad. Dnr 00-051/1503:2. Ylva Larsson, 2000-09-21."}
	s.Attachments = []string{"Protokollsutdrag"}
	b, err := pdf.Statement(s)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", write(t, "sources.pdf", b), "-")), " ")
	i, j, k := strings.LastIndex(text, s.Sections[len(s.Sections)-1].Heading), strings.Index(text, "Källmaterial 1. E-strategi för utbildningsförvaltningen"), strings.Index(text, "Bilagor")
	if i < 0 || j < i || k < j || !strings.Contains(text, "2. Förslag till E-strategi för Stockholms stad. Dnr 00-051/1503:2.") {
		t.Errorf("Källmaterial not between the synpunkter (%d), it (%d) and the bilagor (%d):\n%s", i, j, k, text)
	}
	plain, err := pdf.Statement(sample())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(run(t, "pdftotext", "-enc", "UTF-8", write(t, "plain.pdf", plain), "-"), "Källmaterial") {
		t.Error("a statement without sources has a Källmaterial heading")
	}
}

// TestEveryFaceSetKeepsItsText: a document is drawn with the shared faces
// when its characters beyond Latin-1 are common and few (Polish, Czech
// names, quotes, dashes), and with fpdf's own faces otherwise (Cyrillic
// and Greek; more distinct letters than the shared faces' encoding has
// room for): either way every character is in the text, the fonts are
// embedded, and the footers count the pages.
func TestEveryFaceSetKeepsItsText(t *testing.T) {
	for name, text := range map[string]string{
		"shared": "Łódź, Ærøskøbing och Šibenik – ”citat” … 5 € ≤ 7 ≈ 8 – ‘a’ „b” • № ™",
		"whole":  "Москва och Αθήνα",
		"many": "ĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĹĺĻļĽľŁłŃńŅņŇňŊŋŌōŎŏŐőŒœ" +
			"ŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž",
	} {
		t.Run(name, func(t *testing.T) {
			d := sample()
			d.OfficerName = text
			d.Sections = append(d.Sections, pdf.Section{Heading: "Namn", Body: text})
			b, err := pdf.Statement(d)
			if err != nil {
				t.Fatal(err)
			}
			path := write(t, name+".pdf", b)
			run(t, "qpdf", "--check", path)
			got := strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", path, "-")), "")
			if want := strings.Join(strings.Fields(text), ""); strings.Count(got, want) != 2 {
				t.Errorf("the text has %q %d times, not twice", text, strings.Count(got, want))
			}
			var pages string
			for _, line := range strings.Split(run(t, "pdfinfo", path), "\n") {
				if f := strings.Fields(line); len(f) == 2 && f[0] == "Pages:" {
					pages = f[1]
				}
			}
			if !strings.Contains(got, "Sida1("+pages+")") || !strings.Contains(got, "Sida"+pages+"("+pages+")") {
				t.Errorf("the footers do not count %s pages", pages)
			}
			for _, line := range strings.Split(run(t, "pdffonts", path), "\n")[2:] {
				if line != "" && (!strings.Contains(line, " yes ") || !strings.HasPrefix(line, "utf8liberation")) {
					t.Errorf("font not Liberation or not embedded: %s", line)
				}
			}
		})
	}
}
