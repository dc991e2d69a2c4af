package pdf

import (
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
)

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
	// Approved is who approved the statement and when: printed under the
	// signatures. A statement not yet approved (a preview) has none.
	Approved Approval
	// Draft marks every page UTKAST: the statement as it would look, not
	// sealed and not approved (a preview for the officer or the signatory).
	Draft bool
}

// StatementOf lays out a nämnd's response to the remiss dnr, title as its
// tjänsteutlåtande, dated date.
func StatementOf(dnr, title string, org remiss.Org, c remiss.Response, date time.Time, late bool) StatementData {
	sigs := make([]Signatory, len(c.Signatories))
	for i, s := range c.Signatories {
		sigs[i] = Signatory{Name: s.Name, Title: s.Title, Unit: s.Unit}
	}
	forvaltning := org.Forvaltning
	if forvaltning == "" {
		forvaltning = org.Name
	}
	return StatementData{
		Org: org.Name, Forvaltning: forvaltning, Dnr: dnr, Date: date.In(remiss.Stockholm),
		OfficerName: c.OfficerName, OfficerPhone: c.OfficerPhone, OfficerEmail: c.OfficerEmail,
		Title: title, Subtitle: "Svar på remiss från kommunstyrelsen",
		Proposals: c.Proposals,
		Sections: []Section{
			{Heading: "Sammanfattning", Body: c.Summary},
			{Heading: "Bakgrund", Body: c.Background},
			{Heading: "Ärendets beredning", Body: c.Preparation},
			{Heading: "Förvaltningens synpunkter och bedömning", Body: c.Opinions},
		},
		Signatories: sigs, Attachments: c.Attachments, Late: late,
	}
}

// Statement renders a nämnd's tjänsteutlåtande answering a remiss.
func Statement(s StatementData) ([]byte, error) {
	d := newDoc(s.Title, s.Org, "Tjänsteutlåtande "+s.Dnr, s.Dnr, s.Date, s)
	d.head[0] = s.Forvaltning
	d.draft = s.Draft
	d.f.AddPage()
	d.headerBlock(s.Forvaltning, "", "TJÄNSTEUTLÅTANDE", s.Date, s.Dnr, [][2]string{
		{"Handläggare", s.OfficerName}, {"Telefon", s.OfficerPhone}, {"E-post", s.OfficerEmail},
	}, "Till "+s.Org)
	d.title(s.Title, s.Subtitle)
	if s.Late {
		d.f.Ln(1)
		d.note("Inkom efter svarsdatum.")
	}
	d.heading("Förslag till beslut")
	d.numbered(s.Proposals)
	d.signatories(s.Signatories)
	d.approval(s.Approved)
	for _, sec := range s.Sections {
		if strings.TrimSpace(sec.Body) == "" {
			continue
		}
		d.heading(sec.Heading)
		d.paragraphs(sec.Body)
	}
	if len(s.Attachments) > 0 {
		d.heading("Bilagor")
		d.numbered(s.Attachments)
	}
	return d.bytes()
}
