package e2e

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/remiss"
)

// TestABolagAnswersInItsOwnWords: a round to a bolag and an office. The
// bolag's VD approves its answer on delegation: the sealed document is the
// bolag's YTTRANDE to its VD with "Bolagets synpunkter", and no message to
// the bolag speaks of a nämnd. The office cannot be routed to a meeting;
// its chef's approval seals its tjänsteutlåtande to kommunstyrelsen.
func TestABolagAnswersInItsOwnWords(t *testing.T) {
	e, ctx, _ := served(t)
	orgs := []string{"stokab", "revisionskontoret"}
	id, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{Dnr: "KS/2026:77", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: time.Now().AddDate(0, 2, 0).Format(remiss.DateLayout), Recipients: orgs})
	if err != nil {
		t.Fatal(err)
	}
	waitStarted(t, ctx, e.c, orgs, id)

	office := remiss.AssignmentID(id, "revisionskontoret")
	_, err = e.svc.SetRoute(ctx, e.user("revisionskontoret.registrator"), office, remiss.RouteNamnd, "")
	var rej *remiss.Error
	if !errors.As(err, &rej) || !strings.Contains(rej.Fields.For("route"), "Kontoret håller inga sammanträden") {
		t.Errorf("an office routed to a meeting: %v", err)
	}

	for _, code := range orgs {
		asg := remiss.AssignmentID(id, code)
		if err := e.answer(ctx, asg, code); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		doc := sealedStatement(t, ctx, e.store, asg)
		keepPDF(t, code+".pdf", doc.Content)
		text := strings.Join(strings.Fields(pdftotext(t, doc.Content)), " ")
		want := []string{"YTTRANDE", "Till verkställande direktören för AB Stokab", "Bolagets synpunkter", "Lars Wennberg Verkställande direktör"}
		if code == "revisionskontoret" {
			want = []string{"TJÄNSTEUTLÅTANDE", "Till kommunstyrelsen", "Kontorets synpunkter och bedömning"}
		}
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s's statement lacks %q:\n%s", code, w, text)
			}
		}
		if strings.Contains(text, "Förvaltningens synpunkter") || code == "stokab" && strings.Contains(text, "TJÄNSTEUTLÅTANDE") {
			t.Errorf("%s's statement speaks as a nämnd's förvaltning:\n%s", code, text)
		}
	}

	out, err := e.store.Outbox(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	told := 0
	for _, m := range out {
		if !strings.HasPrefix(m.Recipient, "registrator.stokab@") {
			continue
		}
		told++
		// Kommunstyrelsen's own tjänsteutlåtande is named as it is.
		if strings.Contains(strings.ToLower(m.Subject+m.Body), "nämnd") || strings.Contains(strings.ReplaceAll(m.Body, "kommunstyrelsens tjänsteutlåtande", ""), "tjänsteutlåtande") {
			t.Errorf("%s to the bolag speaks of a nämnd:\n%s\n%s", m.Kind, m.Subject, m.Body)
		}
		if m.Kind == "remiss_sent" && !strings.Contains(m.Body, "meddela att bolaget avstår") {
			t.Errorf("the remiss to the bolag:\n%s", m.Body)
		}
	}
	if told == 0 {
		t.Error("no message to the bolag")
	}
}
