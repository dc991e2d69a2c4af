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
	orig := m
	m, faces := prepare(m)
	return render(faces, func(faces faceSet) *doc {
		d := newDoc("Protokollsutdrag "+m.Paragraph+": "+m.Title, m.Body, "Protokollsutdrag "+m.Dnr, m.Dnr, m.Date, faces)
		d.metadata("Protokollsutdrag "+orig.Paragraph+": "+orig.Title, orig.Body, "Protokollsutdrag "+orig.Dnr)
		d.f.AddPage()
		kind := "PROTOKOLLSUTDRAG"
		if !m.Adjusted() {
			kind += " – OJUSTERAT"
		}
		d.headerBlock(m.Body, "", kind, m.Date, m.Dnr, [][2]string{{"Sammanträde", m.MeetingDate}}, "")
		d.title(m.Paragraph+" "+m.Title, "")
		d.numberedSection("Handlingar", m.Documents)
		d.numberedSection("Förslag till beslut", m.Proposal)
		d.heading("Beslut")
		d.paragraphs(strings.Join(m.Decision, "\n\n"))
		if strings.TrimSpace(m.Reservations) != "" {
			d.heading("Reservationer")
			d.paragraphs(m.Reservations)
		}
		d.heading("Justering")
		d.paragraphs(m.justering())
		if !m.Adjusted() {
			// Nobody may certify an extract of minutes not yet justerade.
			d.paragraphs("Ojusterat utdrag: protokollet är inte justerat, och utdraget bestyrks först när det är justerat.")
			return d
		}
		d.paragraphs("Rätt utdraget intygar:")
		d.signatories([]Signatory{m.Secretary})
		return d
	})
}

// Adjusted reports whether the minutes are justerade by the extract's
// date: at once, or on a day not after it.
func (m MinutesData) Adjusted() bool {
	return m.Immediate || (m.AdjustOn != "" && m.AdjustOn <= m.Date.Format("2006-01-02"))
}

// justering says when and by whom the minutes are justerade, the
// justerare named also when the paragraph is justerad at once.
func (m MinutesData) justering() string {
	by := joinNames(m.Adjusters)
	switch {
	case m.Immediate && by != "":
		return "Paragrafen justeras omedelbart. Justerare: " + by + "."
	case m.Immediate:
		return "Paragrafen justeras omedelbart."
	case m.Adjusted():
		return fmt.Sprintf("Protokollet justerades %s av %s.", m.AdjustOn, by)
	}
	return fmt.Sprintf("Protokollet justeras %s av %s.", m.AdjustOn, by)
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
