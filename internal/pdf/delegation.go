package pdf

import (
	"fmt"
	"time"
)

// DelegatedDecision is one decision taken on delegation, as the list
// reports it to the nämnd.
type DelegatedDecision struct {
	Dnr        string
	Title      string // the ärende
	Date       string // YYYY-MM-DD, when it was decided
	DecidedBy  Signatory
	Delegation string // the point of the delegationsordning, if any
}

// DelegationListData is an organisation's anmälan av delegationsbeslut to
// its nämnd (kommunallagen 6 kap. 40 §), reported at a meeting.
type DelegationListData struct {
	Body        string // the nämnd
	Date        time.Time
	MeetingDate string // YYYY-MM-DD
	Paragraph   string // "§ 14"
	Decisions   []DelegatedDecision
	Registrar   Signatory
}

// DelegationList renders the list of delegation decisions reported at a
// meeting: each decision's Dnr, ärende, date and who decided it, and where
// the list was reported.
func DelegationList(l DelegationListData) ([]byte, error) {
	orig := l
	l, faces := prepare(l)
	return render(faces, func(faces faceSet) *doc {
		d := newDoc("Anmälan av delegationsbeslut "+l.Paragraph, l.Body, "Anmälan av delegationsbeslut", "", l.Date, faces)
		d.metadata("Anmälan av delegationsbeslut "+orig.Paragraph, orig.Body, "Anmälan av delegationsbeslut")
		d.head[1] = "Anmälan av delegationsbeslut · " + l.MeetingDate + " " + l.Paragraph
		d.f.AddPage()
		d.headerBlock(l.Body, "", "DELEGATIONSBESLUT", l.Date, "", [][2]string{{"Sammanträde", l.MeetingDate}, {"Paragraf", l.Paragraph}}, "Till "+l.Body)
		d.title("Anmälan av delegationsbeslut", "Enligt kommunallagen 6 kap. 40 §")
		d.paragraphs(fmt.Sprintf("Följande %d beslut som fattats med stöd av delegation anmäls till nämnden vid sammanträdet %s, %s.",
			len(l.Decisions), l.MeetingDate, l.Paragraph))
		d.heading("Beslut")
		for _, dd := range l.Decisions {
			d.delegated(dd, l.MeetingDate, l.Paragraph)
		}
		d.heading("Anmält av")
		d.signatories([]Signatory{l.Registrar})
		return d
	})
}

// delegated prints one decision: Dnr and ärende, then when and by whom it
// was decided, and where it was reported.
func (d *doc) delegated(dd DelegatedDecision, meeting, paragraph string) {
	d.ensure(4 * lineHeight)
	d.tagged("H3", func() {
		d.sansFont("B", 11)
		d.multiCell(0, lineHeight, "Dnr "+dd.Dnr+" · "+dd.Title, false)
	})
	by := dd.DecidedBy.Name
	if dd.DecidedBy.Title != "" {
		by += ", " + dd.DecidedBy.Title
	}
	line := "Beslutat " + dd.Date + " av " + by
	if dd.Delegation != "" {
		line += " (" + dd.Delegation + ")"
	}
	d.note(line)
	d.note("Anmält vid sammanträdet " + meeting + ", " + paragraph)
	d.f.Ln(2)
}
