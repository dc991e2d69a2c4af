// Package pdf renders the documents of a round: the tjänsteutlåtande a nämnd
// answers with and the sammanställning KS compiles. Fonts are the Go fonts,
// embedded in the binary, so every machine renders the same bytes and every
// Swedish character (å ä ö é ” –) is covered.
package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// Signatory is printed under the proposals.
type Signatory struct {
	Name, Title, Unit string
}

// Section is a heading and its text; blank lines separate paragraphs.
type Section struct {
	Heading string
	Body    string
}

// StatementData is everything printed on a tjänsteutlåtande.
type StatementData struct {
	Org          string // "Hägersten-Liljeholmens stadsdelsnämnd"
	Forvaltning  string // "Hägersten-Liljeholmens stadsdelsförvaltning"
	Dnr          string
	Date         time.Time // the date of the statement (approval)
	OfficerName  string
	OfficerPhone string
	OfficerEmail string
	Title        string // the remiss title
	Subtitle     string // "Svar på remiss från kommunstyrelsen"
	Proposals    []string
	Sections     []Section
	Signatories  []Signatory
	Attachments  []string
	Late         bool
}

// SummaryEntry is one recipient's outcome in the sammanställning.
type SummaryEntry struct {
	Org      string
	Outcome  string // "Besvarad", "Avstår från att yttra sig", "Ej besvarad"
	Late     bool
	Date     string // when the answer came in
	Summary  string // the answer's Sammanfattning, or the reason for declining
	Document string // file name of the statement
	SHA256   string
	Decision string // who decided the answer: on delegation, or the nämnd at a meeting
}

// SummaryData is the KS tjänsteutlåtande compiling a round.
type SummaryData struct {
	Dnr        string
	Title      string
	Date       time.Time
	Deadline   string
	Closed     string // why the round closed
	Entries    []SummaryEntry
	Answered   int
	Declined   int
	Missed     int
	LateCount  int
	Signatory  Signatory
	Department string // "Stadsledningskontoret"
}

const (
	marginLeft   = 25.0
	marginRight  = 20.0
	marginTop    = 20.0
	marginBottom = 22.0
	bodySize     = 11.0
	lineHeight   = 5.4
)

type doc struct {
	f    *fpdf.Fpdf
	meta meta
}

func newDoc(title, author, subject string, date time.Time) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(marginLeft, marginTop, marginRight)
	f.SetAutoPageBreak(true, marginBottom)
	f.AddUTF8FontFromBytes("go", "", goregular.TTF)
	f.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	f.AddUTF8FontFromBytes("go", "I", goitalic.TTF)
	f.SetTitle(title, true)
	f.SetAuthor(author, true)
	f.SetSubject(subject, true)
	f.SetCreator("Remiss", true)
	f.SetCreationDate(date)
	f.SetModificationDate(date)
	f.SetCatalogSort(true)
	f.SetCompression(true)
	f.SetLang("sv-SE")
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		pageW, pageH := f.GetPageSize()
		f.SetDrawColor(160, 160, 160)
		f.SetLineWidth(0.2)
		f.Line(marginLeft, pageH-15, pageW-marginRight, pageH-15)
		f.SetY(-14)
		f.SetFont("go", "", 8)
		f.SetTextColor(90, 90, 90)
		f.CellFormat(120, 5, author+" · Stockholms stad", "", 0, "L", false, 0, "")
		f.SetTextColor(0, 0, 0)
		f.SetFont("go", "", 9)
		f.CellFormat(0, 5, fmt.Sprintf("Sida %d ({nb})", f.PageNo()), "", 0, "R", false, 0, "")
	})
	return &doc{f: f, meta: meta{Title: title, Author: author, Subject: subject, Date: date}}
}

func (d *doc) font(style string, size float64) { d.f.SetFont("go", style, size) }

// ensure starts a new page unless h millimetres remain above the footer.
func (d *doc) ensure(h float64) {
	_, pageH := d.f.GetPageSize()
	if d.f.GetY()+h > pageH-marginBottom {
		d.f.AddPage()
	}
}

func (d *doc) heading(text string, size float64) {
	// A heading never stands alone at a page foot: keep room for two lines.
	d.ensure(size*0.5 + 3*lineHeight)
	d.f.Ln(3)
	d.font("B", size)
	d.f.MultiCell(0, size*0.5, text, "", "L", false)
	d.f.Ln(1.5)
}

func (d *doc) paragraphs(text string) {
	d.font("", bodySize)
	for _, p := range splitParagraphs(text) {
		d.f.MultiCell(0, lineHeight, p, "", "L", false)
		d.f.Ln(2)
	}
}

// numbered prints items as "1." with a hanging indent.
func (d *doc) numbered(items []string) {
	d.font("", bodySize)
	left, _, _, _ := d.f.GetMargins()
	for i, item := range items {
		d.ensure(lineHeight * 2)
		y := d.f.GetY()
		d.f.SetXY(left, y)
		d.f.CellFormat(8, lineHeight, fmt.Sprintf("%d.", i+1), "", 0, "L", false, 0, "")
		d.f.SetXY(left+8, y)
		pageW, _ := d.f.GetPageSize()
		d.f.MultiCell(pageW-left-marginRight-8, lineHeight, item, "", "L", false)
		d.f.Ln(1.5)
	}
}

func (d *doc) signatories(list []Signatory) {
	for _, s := range list {
		d.ensure(lineHeight * 4)
		d.f.Ln(4)
		d.font("", bodySize)
		d.f.MultiCell(0, lineHeight, s.Name, "", "L", false)
		d.f.MultiCell(0, lineHeight, s.Title, "", "L", false)
		if s.Unit != "" {
			d.f.MultiCell(0, lineHeight, s.Unit, "", "L", false)
		}
	}
}

// City is printed above every organisation block.
const City = "STOCKHOLMS STAD"

// headerBlock prints, as in ../shared/reference: the city and the
// organisation at the left; at the right the document's kind with its
// labelled facts (Datum, Diarienummer, then rows), and the addressee.
func (d *doc) headerBlock(org, unit, kind string, date time.Time, dnr string, rows [][2]string, to string) {
	pageW, _ := d.f.GetPageSize()
	left := marginLeft
	colX := pageW - marginRight - 75
	top := d.f.GetY()
	d.f.SetXY(left, top)
	d.font("B", 14)
	d.f.CellFormat(80, 7, City, "", 2, "L", false, 0, "")
	d.font("", 10)
	for _, line := range []string{org, unit} {
		if line != "" {
			d.f.SetX(left)
			d.f.MultiCell(80, 4.8, line, "", "L", false)
		}
	}
	leftBottom := d.f.GetY()

	d.f.SetXY(colX, top)
	d.font("B", 12)
	d.f.CellFormat(75, 7, kind, "", 2, "L", false, 0, "")
	all := append([][2]string{{"Datum", date.Format("2006-01-02")}, {"Diarienummer", dnr}}, rows...)
	for _, r := range all {
		if r[1] == "" {
			continue
		}
		y := d.f.GetY()
		d.f.SetXY(colX, y)
		d.font("", 8)
		d.f.SetTextColor(90, 90, 90)
		d.f.CellFormat(24, 4.8, r[0], "", 0, "L", false, 0, "")
		d.f.SetTextColor(0, 0, 0)
		d.font("", 10)
		d.f.SetXY(colX+24, y)
		d.f.MultiCell(51, 4.8, r[1], "", "L", false)
	}
	if to != "" {
		d.f.SetXY(colX, d.f.GetY()+4)
		d.font("B", 10)
		d.f.MultiCell(75, 4.8, to, "", "L", false)
	}
	d.f.SetY(max(leftBottom, d.f.GetY()) + 10)
}

// bytes writes the document as PDF/A-2b.
func (d *doc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return archival(buf.Bytes(), d.meta)
}

func splitParagraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Statement renders a nämnd's tjänsteutlåtande answering a remiss.
func Statement(s StatementData) ([]byte, error) {
	d := newDoc(s.Title, s.Org, "Tjänsteutlåtande "+s.Dnr, s.Date)
	d.f.AddPage()
	d.headerBlock(s.Forvaltning, "", "TJÄNSTEUTLÅTANDE", s.Date, s.Dnr, [][2]string{
		{"Handläggare", s.OfficerName}, {"Telefon", s.OfficerPhone}, {"E-post", s.OfficerEmail},
	}, "Till "+s.Org)
	d.font("B", 16)
	d.f.MultiCell(0, 7.5, s.Title, "", "L", false)
	if s.Subtitle != "" {
		d.font("", 12)
		d.f.MultiCell(0, 6, s.Subtitle, "", "L", false)
	}
	if s.Late {
		d.font("I", 10)
		d.f.MultiCell(0, 5, "Inkom efter svarsdatum.", "", "L", false)
	}
	d.heading("Förslag till beslut", 13)
	d.numbered(s.Proposals)
	d.signatories(s.Signatories)
	for _, sec := range s.Sections {
		if strings.TrimSpace(sec.Body) == "" {
			continue
		}
		d.heading(sec.Heading, 13)
		d.paragraphs(sec.Body)
	}
	if len(s.Attachments) > 0 {
		d.heading("Bilagor", 13)
		d.numbered(s.Attachments)
	}
	return d.bytes()
}

// Summary renders KS's sammanställning of every answer in a round.
func Summary(s SummaryData) ([]byte, error) {
	dept := s.Department
	if dept == "" {
		dept = "Stadsledningskontoret"
	}
	d := newDoc("Sammanställning av remissvar: "+s.Title, "Kommunstyrelsen", "Sammanställning "+s.Dnr, s.Date)
	d.f.AddPage()
	d.headerBlock(dept, "", "TJÄNSTEUTLÅTANDE", s.Date, s.Dnr, [][2]string{{"Svarsdatum", s.Deadline}}, "Till Kommunstyrelsen")
	d.font("B", 16)
	d.f.MultiCell(0, 7.5, s.Title, "", "L", false)
	d.font("", 12)
	d.f.MultiCell(0, 6, "Sammanställning av remissvar", "", "L", false)
	d.heading("Sammanfattning", 13)
	d.paragraphs(fmt.Sprintf(
		"Remissen har skickats till %d remissinstanser. %d har besvarat remissen, %d avstår från att yttra sig och %d har inte svarat. %d svar inkom efter svarsdatum.\n\n%s",
		len(s.Entries), s.Answered, s.Declined, s.Missed, s.LateCount, s.Closed))
	d.heading("Inkomna remissvar", 13)
	for _, e := range s.Entries {
		d.ensure(4 * lineHeight)
		d.font("B", bodySize)
		d.f.MultiCell(0, lineHeight, e.Org, "", "L", false)
		d.font("I", 10)
		status := e.Outcome
		if e.Date != "" {
			status += ", " + e.Date
		}
		if e.Late {
			status += ". Inkom efter svarsdatum"
		}
		d.f.MultiCell(0, 5, status, "", "L", false)
		if e.Summary != "" {
			d.paragraphs(e.Summary)
		}
		if e.Decision != "" {
			d.font("I", 10)
			d.f.MultiCell(0, 5, e.Decision, "", "L", false)
		}
		if e.SHA256 != "" {
			d.font("", 8)
			d.f.MultiCell(0, 4, "Dokument: "+e.Document+", SHA-256 "+e.SHA256, "", "L", false)
		}
		d.f.Ln(3)
	}
	d.signatories([]Signatory{s.Signatory})
	return d.bytes()
}

// MissivData is the cover letter that goes out with a remiss.
type MissivData struct {
	Dnr         string
	Title       string
	Date        time.Time
	Deadline    string
	Description string
	Recipients  []string // organisation names
	Coordinator Signatory
	Contact     string // the Coordinator's e-mail
	Link        string // where recipients answer
}

// Missiv renders the cover letter: what is sent, to whom, by when, and how
// to answer.
func Missiv(m MissivData) ([]byte, error) {
	d := newDoc("Remiss: "+m.Title, "Kommunstyrelsen", "Missiv "+m.Dnr, m.Date)
	d.f.AddPage()
	d.headerBlock("Kommunstyrelsen", "Stadsledningskontoret", "MISSIV", m.Date, m.Dnr, [][2]string{{"Svarsdatum", m.Deadline}}, "Till remissinstanserna")
	d.font("B", 16)
	d.f.MultiCell(0, 7.5, "Remiss: "+m.Title, "", "L", false)
	d.heading("Till remissinstanserna", 13)
	d.numbered(m.Recipients)
	if strings.TrimSpace(m.Description) != "" {
		d.heading("Ärendet", 13)
		d.paragraphs(m.Description)
	}
	d.heading("Så svarar ni", 13)
	d.paragraphs(fmt.Sprintf("Kommunstyrelsen önskar ert yttrande senast %s. Svara i Remiss, där registratorn fördelar ärendet till en handläggare: %s\n\n"+
		"Ange diarienummer %s i all kommunikation. Om nämnden inte avser att yttra sig, meddela det i Remiss. "+
		"Behöver ni mer tid, begär anstånd i Remiss med en motivering före svarsdatum.\n\nFrågor besvaras av %s, %s.",
		m.Deadline, m.Link, m.Dnr, m.Coordinator.Name, m.Contact))
	d.signatories([]Signatory{m.Coordinator})
	return d.bytes()
}

// MinutesData is one paragraph of a body's minutes: the decision on one
// ärende, as an extract (protokollsutdrag).
type MinutesData struct {
	Body         string // "Hägersten-Liljeholmens stadsdelsnämnd"
	MeetingDate  string // YYYY-MM-DD
	Date         time.Time
	Dnr          string
	Paragraph    string // "§ 12"
	Title        string // the ärende
	Proposal     []string
	Decision     []string // what was decided, one paragraph each
	Reservations string
	Immediate    bool
	AdjustOn     string
	Adjusters    []string
	Secretary    Signatory
	Documents    []string // the documents the decision is based on
}

// Minutes renders a protokollsutdrag: the heading of the minutes, the
// paragraph with the ärende, the proposal, the decision, reservations and
// the justering, then the secretary's attestation.
func Minutes(m MinutesData) ([]byte, error) {
	d := newDoc("Protokollsutdrag "+m.Paragraph+": "+m.Title, m.Body, "Protokollsutdrag "+m.Dnr, m.Date)
	d.f.AddPage()
	d.headerBlock(m.Body, "", "PROTOKOLLSUTDRAG", m.Date, m.Dnr, [][2]string{{"Sammanträde", m.MeetingDate}}, "")
	d.font("B", 16)
	d.f.MultiCell(0, 7.5, m.Paragraph+" "+m.Title, "", "L", false)
	if len(m.Documents) > 0 {
		d.heading("Handlingar", 13)
		d.numbered(m.Documents)
	}
	if len(m.Proposal) > 0 {
		d.heading("Förslag till beslut", 13)
		d.numbered(m.Proposal)
	}
	d.heading("Beslut", 13)
	d.paragraphs(strings.Join(m.Decision, "\n\n"))
	if strings.TrimSpace(m.Reservations) != "" {
		d.heading("Reservationer", 13)
		d.paragraphs(m.Reservations)
	}
	d.heading("Justering", 13)
	if m.Immediate {
		d.paragraphs("Beslutet justeras omedelbart.")
	} else {
		d.paragraphs(fmt.Sprintf("Protokollet justeras %s av %s.", m.AdjustOn, joinNames(m.Adjusters)))
	}
	d.paragraphs("Rätt utdraget intygar:")
	d.signatories([]Signatory{m.Secretary})
	return d.bytes()
}

// joinNames writes "A, B och C".
func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " och " + names[len(names)-1]
}
