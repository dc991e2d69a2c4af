package pdf

import (
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
)

// StatementData is everything printed on a tjänsteutlåtande.
type StatementData struct {
	Org          string    // "Hägersten-Liljeholmens stadsdelsnämnd"
	Forvaltning  string    // "Hägersten-Liljeholmens stadsdelsförvaltning"
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
	Attachments  []string
	// Approved is who approved the statement and when: printed under the
	// signatures. A statement not yet approved (a preview) has none.
	Approved Approval
	// Draft marks every page UTKAST: the statement as it would look, not
	// sealed and not approved (a preview for the officer or the signatory).
	Draft bool
}

// Case is the ärende a statement answers: kommunstyrelsens remiss, the
// number the body itself has registered it under, and the meeting of the
// nämnd that decides on it.
type Case struct {
	Dnr     string // kommunstyrelsens diarienummer
	Title   string // the remiss title
	OwnDnr  string // the body's own diarienummer ("" when not registered)
	Meeting string // ÅÅÅÅ-MM-DD of the deciding meeting; "" on delegation
}

// StatementOf lays out a body's response to the remiss of c as its
// tjänsteutlåtande, dated date. Whether the answer came late is
// kommunstyrelsen's concern (its compilation says so), not the body's.
func StatementOf(c Case, org remiss.Org, r remiss.Response, date time.Time) StatementData {
	sigs := make([]Signatory, len(r.Signatories))
	for i, s := range r.Signatories {
		sigs[i] = Signatory{Name: s.Name, Title: s.Title, Unit: s.Unit}
	}
	forvaltning := org.Forvaltning
	if forvaltning == "" {
		forvaltning = org.Name
	}
	return StatementData{
		Org: org.Name, Forvaltning: forvaltning, Dnr: c.OwnDnr, Reference: c.Dnr, Meeting: c.Meeting,
		Date:        date.In(remiss.Stockholm),
		OfficerName: r.OfficerName, OfficerPhone: r.OfficerPhone, OfficerEmail: r.OfficerEmail,
		Title: c.Title, Subtitle: "Svar på remiss från kommunstyrelsen",
		Proposals: r.Proposals,
		Sections: []Section{
			{Heading: "Sammanfattning", Body: r.Summary},
			{Heading: "Ärendets beredning", Body: r.Preparation},
			{Heading: "Bakgrund", Body: r.Background},
			{Heading: "Förvaltningens synpunkter och bedömning", Body: r.Opinions},
		},
		Signatories: sigs, Attachments: r.Attachments,
	}
}

// Addressee is the "Till" of the statement: the body, and the date of the
// meeting at which it decides.
func (s StatementData) Addressee() string {
	if s.Meeting != "" {
		return "Till " + s.Org + "\n" + s.Meeting
	}
	return "Till " + s.Org
}

// DocumentDnr is the number the statement is filed under: the body's own,
// or kommunstyrelsens until the body has registered it.
func (s StatementData) DocumentDnr() string {
	if s.Dnr != "" {
		return s.Dnr
	}
	return s.Reference
}

// Statement renders a nämnd's tjänsteutlåtande answering a remiss.
func Statement(s StatementData) ([]byte, error) {
	d := newDoc(s.Title, s.Org, "Tjänsteutlåtande "+s.DocumentDnr(), s.DocumentDnr(), s.Date, s)
	d.head[0] = s.Forvaltning
	d.draft = s.Draft
	d.f.AddPage()
	d.headerBlock(s.Forvaltning, "", "TJÄNSTEUTLÅTANDE", s.Date, s.Dnr, [][2]string{
		{"Handläggare", s.OfficerName}, {"Telefon", s.OfficerPhone}, {"E-post", s.OfficerEmail},
	}, s.Addressee())
	d.title(s.Title, s.Subtitle)
	if s.Reference != "" {
		d.f.Ln(1)
		d.note("Er referens: " + s.Reference)
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
