package pdf

import (
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
)

// StatementData is everything printed on a tjänsteutlåtande, or on the
// yttrande of a bolag, a råd or an outside body.
type StatementData struct {
	Org         string // "Hägersten-Liljeholmens stadsdelsnämnd"
	Forvaltning string // "Hägersten-Liljeholmens stadsdelsförvaltning"; the unit that wrote it
	// Kind is what the document is called ("Yttrande"); "" is a
	// tjänsteutlåtande.
	Kind string
	// To is the addressee ("Till styrelsen för AB Stokab"); "" is "Till
	// <Org>". The meeting's date follows it.
	To string
	// Issuer heads the document in the city's place: an outside body's
	// letter is its own. "" is STOCKHOLMS STAD.
	Issuer       string
	Dnr          string    // the body's own diarienummer; "" when not yet registered
	Reference    string    // kommunstyrelsens diarienummer: "Er referens"
	Meeting      string    // ÅÅÅÅ-MM-DD of the nämnd's meeting that decides; "" on delegation
	Date         time.Time // the date of the statement (approval)
	OfficerName  string
	OfficerPhone string
	OfficerEmail string
	Title        string // the remiss title
	Subtitle     string // "Svar på remiss från kommunstyrelsen"
	Proposals    []string
	Sections     []Section
	Signatories  []Signatory
	Sources      []string // Källmaterial, numbered
	Attachments  []string
	// Approved is who approved the statement and when: printed under the
	// signatures. A statement not yet approved (a preview) has none.
	Approved Approval
	// Draft marks every page UTKAST: the statement as it would look, not
	// sealed and not approved (a preview for the officer or the signatory).
	Draft bool
	// Answers is, in kommunstyrelsen's own tjänsteutlåtande on a round,
	// the table of every recipient and where its answer stands, printed
	// under the heading AnswersHeading; a recipient's statement has none.
	Answers        []AnswerRow
	AnswersHeading string
}

// AnswerRow is one recipient in kommunstyrelsen's table of the answers.
type AnswerRow struct {
	Org      string // "Hägersten-Liljeholmens stadsdelsnämnd"
	Position string // "Tillstyrker", "Avstyrker", "Lämnar synpunkter", "Avstår", "Har inte svarat"
	Date     string // when the answer came in, ÅÅÅÅ-MM-DD; "" when none came
	Note     string // "Inkom efter svarsdatum", "Anstånd till 2026-05-31", …
}

// KSCase is a round as kommunstyrelsen's own tjänsteutlåtande sees it.
type KSCase struct {
	Dnr      string
	Title    string
	Org      remiss.Org  // kommunstyrelsen, with stadsledningskontoret as its förvaltning
	Answers  []AnswerRow // every recipient
	Received []string    // the bilagor: each received remissvar, by name, Dnr and decision
}

// KSStatementOf lays out kommunstyrelsen's own tjänsteutlåtande on the
// answers to its remiss, in the shape of seed 001: förslag till beslut,
// Ärendet, Beredning with the table of the answers, the office's own
// synpunkter, and the received remissvar as its bilagor.
func KSStatementOf(c KSCase, r remiss.Response, date time.Time) StatementData {
	office := c.Org.Forvaltning
	if office == "" {
		office = "Stadsledningskontoret"
	}
	s := StatementOf(Case{Dnr: c.Dnr, Title: c.Title, OwnDnr: c.Dnr}, c.Org, r, date)
	s.Reference, s.Subtitle = "", "Remissvaren och förslag till beslut"
	s.Sections = []Section{
		{Heading: "Sammanfattning", Body: r.Summary},
		{Heading: "Ärendet", Body: r.Background},
		{Heading: "Beredning", Body: r.Preparation},
		{Heading: office + "s synpunkter", Body: r.Opinions},
	}
	s.Answers, s.AnswersHeading = c.Answers, "Remissinstanserna"
	s.Attachments = append(append([]string(nil), c.Received...), r.Attachments...)
	return s
}

// Case is the ärende a statement answers: kommunstyrelsens remiss, the
// number the body itself has registered it under, and the meeting of the
// nämnd that decides on it.
type Case struct {
	Dnr     string // kommunstyrelsens diarienummer
	Title   string // the remiss title
	OwnDnr  string // the body's own diarienummer ("" when not registered)
	Meeting string // ÅÅÅÅ-MM-DD of the deciding meeting; "" on delegation
	// Route is how the body decides, when known: at a meeting the
	// statement is addressed to the body that meets (a bolag's styrelse)
	// even before a meeting is planned. "" goes by Meeting.
	Route remiss.Route
}

// StatementOf lays out a body's response to the remiss of c in the words
// of its kind (remiss.KindWords): a nämnd's tjänsteutlåtande to the nämnd,
// a bolag's yttrande to its styrelse or VD, a råd's to the råd, an
// office's tjänsteutlåtande and an outside body's yttrande to
// kommunstyrelsen; dated date. Whether the answer came late is
// kommunstyrelsen's concern (its compilation says so), not the body's.
func StatementOf(c Case, org remiss.Org, r remiss.Response, date time.Time) StatementData {
	sigs := make([]Signatory, len(r.Signatories))
	for i, s := range r.Signatories {
		sigs[i] = Signatory{Name: s.Name, Title: s.Title, Unit: s.Unit}
	}
	w := org.Kind.Words()
	unit, issuer := org.Name, ""
	if w.Unit && org.Forvaltning != "" {
		unit = org.Forvaltning
	}
	if !w.City {
		unit, issuer = "", org.Name
	}
	return StatementData{
		Org: org.Name, Forvaltning: unit, Kind: w.Document, To: org.Kind.Addressee(org.Name, c.Meeting != "" || c.Route == remiss.RouteNamnd), Issuer: issuer,
		Dnr: c.OwnDnr, Reference: c.Dnr, Meeting: c.Meeting,
		Date:        date.In(remiss.Stockholm),
		OfficerName: r.OfficerName, OfficerPhone: r.OfficerPhone, OfficerEmail: r.OfficerEmail,
		Title: c.Title, Subtitle: w.Subtitle,
		Proposals: r.Proposals,
		Sections: []Section{
			{Heading: "Sammanfattning", Body: r.Summary},
			{Heading: "Ärendets beredning", Body: r.Preparation},
			{Heading: "Bakgrund", Body: r.Background},
			{Heading: w.Opinions, Body: r.Opinions},
		},
		Signatories: sigs, Attachments: r.Attachments, Sources: r.Sources,
	}
}

// Addressee is the "Till" of the statement: the body, and the date of the
// meeting at which it decides.
func (s StatementData) Addressee() string {
	to := s.ToLine()
	if s.Meeting != "" {
		return to + "\n" + s.Meeting
	}
	return to
}

// ToLine is the addressee without the meeting's date.
func (s StatementData) ToLine() string {
	if s.To != "" {
		return s.To
	}
	return "Till " + s.Org
}

// IssuerLine heads the document: STOCKHOLMS STAD, or an outside body's
// own name.
func (s StatementData) IssuerLine() string {
	if s.Issuer != "" {
		return s.Issuer
	}
	return City
}

// DocumentKind is what the document is called: "Tjänsteutlåtande" unless
// Kind says otherwise.
func (s StatementData) DocumentKind() string {
	if s.Kind != "" {
		return s.Kind
	}
	return "Tjänsteutlåtande"
}

// DocumentDnr is the number the statement is filed under: the body's own,
// or kommunstyrelsens until the body has registered it.
func (s StatementData) DocumentDnr() string {
	if s.Dnr != "" {
		return s.Dnr
	}
	return s.Reference
}

// Statement renders a body's answer to a remiss: a nämnd's
// tjänsteutlåtande, or the document its kind answers with.
func Statement(s StatementData) ([]byte, error) {
	orig := s
	s, faces := prepare(s)
	return render(faces, func(faces faceSet) *doc {
		d := newDoc(s.Title, s.Org, s.DocumentKind()+" "+s.DocumentDnr(), s.DocumentDnr(), s.Date, faces)
		d.metadata(orig.Title, orig.Org, orig.DocumentKind()+" "+orig.DocumentDnr())
		d.head[0] = s.Forvaltning
		if d.head[0] == "" {
			d.head[0] = s.Org
		}
		d.issuer = s.Issuer
		d.draft = s.Draft
		d.f.AddPage()
		d.headerBlock(s.Forvaltning, "", strings.ToUpper(s.DocumentKind()), s.Date, s.Dnr, [][2]string{
			{"Handläggare", s.OfficerName}, {"Telefon", s.OfficerPhone}, {"E-post", s.OfficerEmail},
		}, s.Addressee())
		d.title(s.Title, s.Subtitle)
		if s.Reference != "" {
			d.f.Ln(1)
			d.note("Er referens: " + s.Reference)
		}
		// An outside body's own letter (an answer sent through its link) has
		// no förslag till beslut: its text, then who signs it.
		letter := len(s.Proposals) == 0
		if !letter {
			d.heading("Förslag till beslut")
			d.numbered(s.Proposals)
			d.signatories(s.Signatories)
			d.approval(s.Approved)
		}
		for _, sec := range s.Sections {
			table := sec.Heading == "Beredning" && len(s.Answers) > 0
			if strings.TrimSpace(sec.Body) == "" && !table {
				continue
			}
			d.heading(sec.Heading)
			if table {
				d.answers(s.AnswersHeading, s.Answers)
			}
			d.paragraphs(sec.Body)
		}
		if letter {
			d.signatories(s.Signatories)
			d.approval(s.Approved)
		}
		d.numberedSection("Källmaterial", s.Sources)
		d.numberedSection("Bilagor", s.Attachments)
		return d
	})
}

// answers prints kommunstyrelsen's table of the answers: each recipient,
// where its answer stands, and when it came in, with a note (late, anstånd)
// under the stand.
func (d *doc) answers(caption string, rows []AnswerRow) {
	w := d.width()
	cols := [3]float64{w * 0.50, w * 0.32, w * 0.18}
	head := [3]string{caption, "Ställningstagande", "Inkom"}
	row := func(cells [3]string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		d.sansFont(style, factsSize)
		lines := 1
		for i, c := range cells {
			lines = max(lines, d.lineCount(c, cols[i]-2, -1))
		}
		h := float64(lines) * 4.8
		d.ensure(h + 1.5)
		y, x := d.f.GetY(), marginLeft
		d.begin("TR")
		for i, c := range cells {
			d.f.SetXY(x, y)
			if bold {
				d.mark("TH").scope = "Column"
			} else {
				d.mark("TD")
			}
			d.multiCell(cols[i]-2, 4.8, c, false)
			d.end()
			x += cols[i]
		}
		d.end()
		d.f.SetXY(marginLeft, y+h+0.6)
		d.asArtifact(layoutArtifact, func() {
			d.f.SetDrawColor(190, 190, 190)
			d.f.Line(marginLeft, d.f.GetY(), marginLeft+w, d.f.GetY())
			d.f.SetDrawColor(0, 0, 0)
		})
		d.f.Ln(1)
	}
	d.begin("Table")
	defer d.end()
	row(head, true)
	for _, r := range rows {
		stand := r.Position
		if r.Note != "" {
			stand += "\n" + r.Note
		}
		row([3]string{r.Org, stand, r.Date}, false)
	}
	d.f.Ln(3)
}

// numberedSection prints a heading and its numbered items, if there are
// any.
func (d *doc) numberedSection(heading string, items []string) {
	if len(items) > 0 {
		d.heading(heading)
		d.numbered(items)
	}
}
