package pdf

import (
	"fmt"
	"strings"
	"time"
)

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
	orig := m
	m, faces := prepare(m)
	return render(faces, func(faces faceSet) *doc {
		d := newDoc("Remiss: "+m.Title, "Kommunstyrelsen", "Missiv "+m.Dnr, m.Dnr, m.Date, faces)
		d.metadata("Remiss: "+orig.Title, "Kommunstyrelsen", "Missiv "+orig.Dnr)
		d.head[0] = "Kommunstyrelsen · Stadsledningskontoret"
		d.f.AddPage()
		d.headerBlock("Kommunstyrelsen", "Stadsledningskontoret", "MISSIV", m.Date, m.Dnr, [][2]string{{"Svarsdatum", m.Deadline}}, "Till remissinstanserna")
		d.title("Remiss: "+m.Title, "")
		d.heading("Till remissinstanserna")
		d.numbered(m.Recipients)
		if strings.TrimSpace(m.Description) != "" {
			d.heading("Ärendet")
			d.paragraphs(m.Description)
		}
		d.heading("Så svarar ni")
		d.paragraphs(fmt.Sprintf("Kommunstyrelsen önskar ert yttrande senast %s. Svara i Remiss, där registratorn fördelar ärendet till en handläggare: %s\n\n"+
			"Ange diarienummer %s i all kommunikation. Om nämnden inte avser att yttra sig, meddela det i Remiss. "+
			"Behöver ni mer tid, begär anstånd i Remiss med en motivering före svarsdatum.\n\nFrågor besvaras av %s, %s.",
			m.Deadline, m.Link, m.Dnr, m.Coordinator.Name, m.Contact))
		d.signatories([]Signatory{m.Coordinator})
		return d
	})
}
