package rounds

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/pdfupdate/hostile"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

func missiv(t *testing.T) []byte {
	b, err := pdf.Missiv(pdf.MissivData{Dnr: "KS 2016/171-908", Title: "Strategi", Date: time.Now(), Deadline: "2027-03-31",
		Recipients: []string{"Bromma stadsdelsnämnd"}, Coordinator: pdf.Signatory{Name: "A", Title: "B"}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUploadsWithActiveContentAreRefused(t *testing.T) {
	if err := CheckPDF(t.Context(), "bilaga", missiv(t)); err != nil {
		t.Errorf("a PDF we render: %v", err)
	}
	page := func(extra string) []byte {
		return hostile.Build("<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [3 0 R] /Count 1>>",
			"<</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"+extra+">>")
	}
	for want, body := range map[string][]byte{
		"JavaScript": page(" /AA <</O <</S /JavaScript /JS (app.alert(1))>>>>"),
		"/Launch":    page(" /Annots [<</Subtype /Link /A <</S /Launch /F (calc.exe)>>>>]"),
		"/OpenAction": hostile.Build("<</Type /Catalog /Pages 2 0 R /OpenAction <</S /URI /URI (https://example.com)>>>>",
			"<</Type /Pages /Kids [] /Count 0>>"),
		"/AA": page(" /AA <</C <</S /Named /N /Print>>>>"),
		"inbäddade filer": hostile.Build("<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [] /Count 0>>",
			"<</Type /Filespec /F (a.exe) /EF <</F 4 0 R>>>>", "<</Length 0>>\nstream\n\nendstream"),
		"/RichMedia": page(" /Annots [<</Subtype /RichMedia>>]"),
		"XFA": hostile.Build("<</Type /Catalog /Pages 2 0 R /AcroForm <</Fields [] /XFA [(template) 3 0 R]>>>>",
			"<</Type /Pages /Kids [] /Count 0>>", "<</Length 0>>\nstream\n\nendstream"),
		"kunde inte läsas": []byte("%PDF-1.7\n%%EOF\n"),
		"krypterad":        encrypted(),
	} {
		err := CheckPDF(t.Context(), "bilaga", body)
		var e *remiss.Error
		if !errors.As(err, &e) || e.Kind != remiss.KindInvalid || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", want, err)
		}
	}
}

// encrypted is a file whose trailer names an /Encrypt dictionary.
func encrypted() []byte {
	b := hostile.Build("<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [] /Count 0>>")
	return []byte(strings.Replace(string(b), "/Root 1 0 R", "/Root 1 0 R /Encrypt <</Filter /Standard>>", 1))
}

func TestTheRemissunderlagNeedsAnOpenRound(t *testing.T) {
	ctx := context.Background()
	st := dbtest.OpenSeeded(t)
	s := &Service{Store: st}
	coordinator := remiss.Actor{User: "ks.samordnare", Org: remiss.KS, Role: remiss.RoleCoordinator}
	body := missiv(t)
	for i, state := range []remiss.RemissState{remiss.RemissOpen, remiss.RemissClosed, remiss.RemissWithdrawn} {
		dnr := "KS 2016/171-90" + string(rune('1'+i))
		r := store.Remiss{ID: remiss.RemissID(dnr), Dnr: dnr, Title: "Strategi", Deadline: "2027-03-31",
			DeadlineAt: time.Date(2027, 4, 1, 0, 0, 0, 0, remiss.Stockholm), Reminders: []string{"3d"}, Grace: "7d", Coordinator: "ks.samordnare",
			Recipients: []string{"bromma"}}
		if _, err := st.CreateRound(ctx, r); err != nil {
			t.Fatal(err)
		}
		if state != remiss.RemissOpen {
			to := string(state)
			if _, err := st.Apply(ctx, store.Change{EventKey: "test-" + dnr, At: time.Now(), Actor: "ks.samordnare", RemissID: r.ID,
				Action: "test", Remiss: &store.RemissPatch{State: &to}}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := s.UploadUnderlag(ctx, coordinator, r.ID, body)
		var e *remiss.Error
		switch {
		case state == remiss.RemissOpen && err != nil:
			t.Errorf("open round: %v", err)
		case state != remiss.RemissOpen && (!errors.As(err, &e) || e.Kind != remiss.KindConflict):
			t.Errorf("%s round: %v, want a conflict", state, err)
		}
		docs, _ := st.Documents(ctx, r.ID)
		if want := map[bool]int{true: 1, false: 0}[state == remiss.RemissOpen]; len(docs) != want {
			t.Errorf("%s round: %d documents stored, want %d", state, len(docs), want)
		}
	}
}
