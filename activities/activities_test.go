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

// Every activity may run again after a crash or a timeout; running it twice
// must leave the same rows as running it once.
func TestActivitiesAreIdempotent(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	a := &activities.Activities{Store: s, BaseURL: "http://localhost:8080", Seals: dbtest.Seals(t)}
	r := store.Remiss{ID: "ks-2016-171-908", Dnr: "KS 2016/171-908", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: "2027-01-15", DeadlineAt: time.Date(2027, 1, 16, 0, 0, 0, 0, remiss.Stockholm),
		Reminders: []string{"14d"}, Grace: "7d", Coordinator: "ks.samordnare", Recipients: []string{"bromma", "farsta"}}
	if _, err := s.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	asg := remiss.AssignmentID(r.ID, "bromma")
	org, _ := s.Org(ctx, "bromma")
	v, err := s.SaveResponseVersion(ctx, asg, demo.SampleResponse(org), "bromma.handlaggare")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 10, 10, 0, 0, 0, remiss.Stockholm)
	officer := remiss.Actor{User: "bromma.handlaggare", Org: "bromma", Role: remiss.RoleOfficer}
	statement := remiss.StatementAssignmentID(r.ID)
	steps := []func() error{
		func() error {
			_, err := a.AnnounceRound(ctx, activities.RoundInput{EventKey: r.ID + ".sent", RemissID: r.ID, At: at})
			return err
		},
		func() error {
			_, err := a.Record(ctx, activities.RecordInput{EventKey: asg + ".001.submitted", At: at, Actor: officer,
				AssignmentID: asg, Action: activities.ActionSubmitted, State: remiss.StateSubmitted, VersionID: v.ID, SHA256: v.SHA256})
			return err
		},
		func() error {
			_, err := a.Notify(ctx, activities.NotifyInput{EventKey: asg + ".reminder-14d", At: at, AssignmentID: asg, Kind: activities.NoticeReminder, Offset: "14d"})
			return err
		},
		func() error {
			_, err := a.RenderStatement(ctx, activities.StatementInput{EventKey: asg + ".statement", AssignmentID: asg, VersionID: v.ID, At: at, Route: remiss.RouteDelegation})
			return err
		},
		func() error {
			_, err := a.CloseRound(ctx, activities.RoundInput{EventKey: r.ID + ".closed", RemissID: r.ID, At: at, Reason: "closed"})
			return err
		},
		func() error {
			// KS's own statement, written on the draft the close made.
			ks, _ := s.Org(ctx, remiss.KS)
			content := demo.SampleResponse(ks)
			content.Position = ""
			kv, err := s.SaveResponseVersion(ctx, statement, content, "ks.handlaggare")
			if err != nil {
				return err
			}
			_, err = a.RenderStatement(ctx, activities.StatementInput{EventKey: statement + ".statement", AssignmentID: statement, VersionID: kv.ID,
				At: at.Add(time.Hour), Route: remiss.RouteDelegation, ApprovedBy: "ks.chef"})
			return err
		},
	}
	count := func() (int, int, int, string) {
		audit, _ := s.Audit(ctx, r.ID)
		out, _ := s.Outbox(ctx, r.ID)
		docs, _ := s.Documents(ctx, r.ID)
		sums := ""
		for _, d := range docs {
			sums += d.SHA256
		}
		return len(audit), len(out), len(docs), sums
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		a1, o1, d1, h1 := count()
		if err := step(); err != nil {
			t.Fatalf("step %d again: %v", i, err)
		}
		if a2, o2, d2, h2 := count(); a1 != a2 || o1 != o2 || d1 != d2 || h1 != h2 {
			t.Errorf("step %d twice: audit %d→%d, outbox %d→%d, documents %d→%d", i, a1, a2, o1, o2, d1, d2)
		}
	}
	b, _ := s.Assignment(ctx, asg)
	f, _ := s.Assignment(ctx, remiss.AssignmentID(r.ID, "farsta"))
	if b.State != remiss.StateAnswered || f.State != remiss.StateMissed {
		t.Errorf("bromma %s, farsta %s", b.State, f.State)
	}
	rr, _ := s.Remiss(ctx, r.ID)
	if rr.State != remiss.RemissClosed || rr.SummaryID != activities.StatementDocumentID(statement) || len(rr.Recipients) != 2 {
		t.Errorf("remiss %+v", rr)
	}
	// The close drafted KS's statement from the answers: Bromma's förslag
	// and sammanfattning under Beredning, Farsta's silence, and nothing
	// yet in the förslag till beslut or the office's synpunkter.
	ks, err := s.Statement(ctx, r.ID)
	if err != nil || ks.Kind != remiss.KindStatement || ks.Org != remiss.KS || ks.State != remiss.StateAnswered {
		t.Fatalf("KS statement %+v, %v", ks, err)
	}
	first, err := s.ResponseVersion(ctx, ks.ResponseVersionID) // the draft: this test records no submission
	if err != nil || first.Version != 1 || first.CreatedBy != "ks.samordnare" {
		t.Fatalf("KS statement's draft %+v, %v", first, err)
	}
	draft := first.Content
	bromma := demo.SampleResponse(org)
	for _, want := range []string{"Ärendet har remitterats till 2 remissinstanser", "Bromma stadsdelsnämnd: lämnar synpunkter.",
		bromma.Proposals[0], bromma.Summary, "Farsta stadsdelsnämnd: har inte svarat."} {
		if !strings.Contains(draft.Preparation, want) {
			t.Errorf("drafted Beredning lacks %q:\n%s", want, draft.Preparation)
		}
	}
	if len(draft.Proposals) != 0 || draft.Opinions != "" || !strings.Contains(draft.Summary, "1 har svarat, 0 avstår från att yttra sig och 1 har inte svarat") {
		t.Errorf("drafted statement %+v", draft)
	}
}
