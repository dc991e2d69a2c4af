package pdf

import (
	"fmt"
	"time"
)

// SummaryEntry is one recipient's outcome in the sammanställning.
type SummaryEntry struct {
	Org      string
	Outcome  string // "Besvarad", "Avstår från att yttra sig", "Ej besvarad"
	Late     bool
	Date     string // when the answer came in
	Summary  string // the answer's Sammanfattning, or the reason for declining
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

// Summary renders KS's sammanställning of every answer in a round.
func Summary(s SummaryData) ([]byte, error) {
	dept := s.Department
	if dept == "" {
		dept = "Stadsledningskontoret"
	}
	d := newDoc("Sammanställning av remissvar: "+s.Title, "Kommunstyrelsen", "Sammanställning "+s.Dnr, s.Dnr, s.Date, s)
	d.head[0] = "Kommunstyrelsen · " + dept
	d.f.AddPage()
	d.headerBlock(dept, "", "TJÄNSTEUTLÅTANDE", s.Date, s.Dnr, [][2]string{{"Svarsdatum", s.Deadline}}, "Till Kommunstyrelsen")
	d.title(s.Title, "Sammanställning av remissvar")
	d.heading("Sammanfattning")
	d.paragraphs(fmt.Sprintf(
		"Remissen har skickats till %d remissinstanser. %d har besvarat remissen, %d avstår från att yttra sig och %d har inte svarat. %d svar inkom efter svarsdatum.\n\n%s",
		len(s.Entries), s.Answered, s.Declined, s.Missed, s.LateCount, s.Closed))
	d.heading("Inkomna remissvar")
	for _, e := range s.Entries {
		d.entry(e)
	}
	d.signatories([]Signatory{s.Signatory})
	return d.bytes()
}

// entry prints one recipient: its name, how and when it answered and who
// decided the answer, then the answer's sammanfattning.
func (d *doc) entry(e SummaryEntry) {
	d.ensure(4 * lineHeight)
	d.sansFont("B", 11)
	d.f.MultiCell(0, lineHeight, e.Org, "", "L", false)
	status := e.Outcome
	if e.Date != "" {
		status += ", " + e.Date
	}
	if e.Late {
		status += ". Inkom efter svarsdatum"
	}
	d.note(status)
	if e.Decision != "" {
		d.note(e.Decision)
	}
	if e.Summary != "" {
		d.f.Ln(1)
		d.paragraphs(e.Summary)
	}
	d.f.Ln(2)
}
