package activities_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// TestThanksOnlyToThoseWhoAnswered closes a round in which Bromma
// answered, Farsta declined and Älvsjö and Stokab never answered, and
// records kommunstyrelsen's final decision: every recipient learns the
// decision, and only Bromma is thanked for its answer. The messages
// speak of each recipient's own body: Stokab, a bolag, through its
// styrelse.
func TestThanksOnlyToThoseWhoAnswered(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	a := &activities.Activities{Store: s, BaseURL: "http://localhost:8080", Seals: dbtest.Seals(t)}
	r := store.Remiss{ID: "ks-2016-171-909", Dnr: "KS 2016/171-909", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: "2027-01-15", DeadlineAt: time.Date(2027, 1, 16, 0, 0, 0, 0, remiss.Stockholm),
		Reminders: []string{"14d"}, Grace: "7d", Coordinator: "ks.samordnare", Recipients: []string{"bromma", "farsta", "alvsjo", "stokab"},
		Path: []string{"ks"}}
	if _, err := s.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 10, 10, 0, 0, 0, remiss.Stockholm)
	if _, err := a.AnnounceRound(ctx, activities.RoundInput{EventKey: r.ID + ".sent", RemissID: r.ID, At: at}); err != nil {
		t.Fatal(err)
	}
	bromma, farsta := remiss.AssignmentID(r.ID, "bromma"), remiss.AssignmentID(r.ID, "farsta")
	org, _ := s.Org(ctx, "bromma")
	v, err := s.SaveResponseVersion(ctx, bromma, demo.SampleResponse(org), "bromma.handlaggare")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Record(ctx, activities.RecordInput{EventKey: bromma + ".submitted", At: at, AssignmentID: bromma, VersionID: v.ID, SHA256: v.SHA256,
		Actor:  remiss.Actor{User: "bromma.handlaggare", Org: "bromma", Role: remiss.RoleOfficer},
		Action: activities.ActionSubmitted, State: remiss.StateSubmitted}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.RenderStatement(ctx, activities.StatementInput{EventKey: bromma + ".statement", AssignmentID: bromma, VersionID: v.ID,
		At: at, Route: remiss.RouteDelegation}); err != nil {
		t.Fatal(err)
	}
	note, err := s.AddNote(ctx, farsta, "decline", "Ärendet berör inte nämnden.", "farsta.registrator")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Record(ctx, activities.RecordInput{EventKey: farsta + ".declined", At: at, AssignmentID: farsta, NoteID: note,
		Actor:  remiss.Actor{User: "farsta.registrator", Org: "farsta", Role: remiss.RoleRegistrar},
		Action: activities.ActionDeclined, State: remiss.StateDeclined}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CloseRound(ctx, activities.RoundInput{EventKey: r.ID + ".closed", RemissID: r.ID, At: at, Reason: "closed"}); err != nil {
		t.Fatal(err)
	}
	d := store.Decision{ID: r.ID + ".ks", RemissID: r.ID, Step: "ks", Body: "Kommunstyrelsen", HeldOn: "2027-02-03", Paragraph: "§ 12",
		Verdict: remiss.VerdictBeslut, Wording: "Kommunstyrelsen antar strategin.", Immediate: true, RecordedBy: "ks.registrator", RecordedAt: at}
	if err := s.ProposeDecision(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := a.RenderMinutes(ctx, activities.MinutesInput{EventKey: d.ID + ".recorded", At: at, DecisionID: d.ID, Final: true}); err != nil {
		t.Fatal(err)
	}
	out, err := s.Outbox(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	told, thanked := map[string]bool{}, map[string]bool{}
	for _, m := range out {
		registry, _, _ := strings.Cut(strings.TrimPrefix(m.Recipient, "registrator."), "@")
		if strings.HasPrefix(m.Kind, "outcome") {
			told[registry] = true
			thanked[registry] = strings.Contains(m.Body, "Tack")
		}
		if registry == "stokab" && strings.Contains(m.Body, "nämnden") {
			t.Errorf("%s to a bolag speaks of a nämnd:\n%s", m.Kind, m.Body)
		}
		if m.Kind == "remiss_sent" && registry == "stokab" && !strings.Contains(m.Body, "meddela att bolaget avstår") {
			t.Errorf("remiss to a bolag:\n%s", m.Body)
		}
	}
	for _, code := range r.Recipients {
		if !told[code] {
			t.Errorf("%s is not told of the decision", code)
		}
		if thanked[code] != (code == "bromma") {
			t.Errorf("%s thanked: %v", code, thanked[code])
		}
	}
}
