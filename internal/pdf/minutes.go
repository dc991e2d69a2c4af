package pdf

import (
	"fmt"
	"strings"
	"time"
)

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
	d := newDoc("Protokollsutdrag "+m.Paragraph+": "+m.Title, m.Body, "Protokollsutdrag "+m.Dnr, m.Dnr, m.Date, m)
	d.f.AddPage()
	d.headerBlock(m.Body, "", "PROTOKOLLSUTDRAG", m.Date, m.Dnr, [][2]string{{"Sammanträde", m.MeetingDate}}, "")
	d.title(m.Paragraph+" "+m.Title, "")
	if len(m.Documents) > 0 {
		d.heading("Handlingar")
		d.numbered(m.Documents)
	}
	if len(m.Proposal) > 0 {
		d.heading("Förslag till beslut")
		d.numbered(m.Proposal)
	}
	d.heading("Beslut")
	d.paragraphs(strings.Join(m.Decision, "\n\n"))
	if strings.TrimSpace(m.Reservations) != "" {
		d.heading("Reservationer")
		d.paragraphs(m.Reservations)
	}
	d.heading("Justering")
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
