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
