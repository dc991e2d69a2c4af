package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

func newRound(t testing.TB, s *store.Store, dnr string, orgs ...string) store.Remiss {
	t.Helper()
	r := store.Remiss{
		ID: remiss.RemissID(dnr), Dnr: dnr, Title: "Uppdatering av Stockholms stads e-strategi",
		Deadline: "2027-03-31", DeadlineAt: time.Date(2027, 4, 1, 0, 0, 0, 0, remiss.Stockholm),
		Reminders: []string{"14d", "3d"}, Grace: "7d", Coordinator: "ks.samordnare", Recipients: orgs,
	}
	created, err := s.CreateRound(context.Background(), r)
	if err != nil || !created {
		t.Fatalf("create round: created=%v err=%v", created, err)
	}
	return r
}

func TestMigrationsAreIdempotent(t *testing.T) {
	s := dbtest.Open(t)
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("second migration run: %v", err)
	}
}

func TestCreateRoundIsIdempotentAndRejectsAnotherUnderTheSameDnr(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	r := newRound(t, s, "KS 2008/325-051", "utbildningsnamnden", "stokab")
	created, err := s.CreateRound(ctx, r)
	if err != nil || created {
		t.Errorf("same round again: created=%v err=%v", created, err)
	}
	other := r
	other.Title = "Något annat"
	if _, err := s.CreateRound(ctx, other); !errors.Is(err, store.ErrConflict) {
		t.Errorf("other round under the same Dnr: %v", err)
	}
	got, err := s.Remiss(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != r.Title || got.Deadline != "2027-03-31" || strings.Join(got.Recipients, ",") != "utbildningsnamnden,stokab" {
		t.Errorf("stored %+v", got)
	}
	asgs, err := s.Assignments(ctx, r.ID)
	if err != nil || len(asgs) != 2 || asgs[0].State != remiss.StateSent || asgs[1].Org != "stokab" {
		t.Errorf("assignments %+v %v", asgs, err)
	}
}

func TestApplyIsIdempotentAndAtomic(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	r := newRound(t, s, "KS 2016/171-908", "bromma")
	asgID := remiss.AssignmentID(r.ID, "bromma")
	state, officer := string(remiss.StateAssigned), "bromma.handlaggare"
	change := store.Change{
		EventKey: asgID + ".001.assigned", At: time.Now(), Actor: "bromma.registrator", RemissID: r.ID,
		AssignmentID: asgID, Action: "assigned",
		Assignment: &store.AssignmentPatch{State: &state, Officer: &officer},
		Messages: []store.Message{{ID: asgID + ".001.assigned.0", Kind: "assigned", AssignmentID: asgID,
			Recipient: "bromma.handlaggare@example.stockholm.se", Subject: "Tilldelad", Body: "x", EventAt: time.Now()}},
	}
	for i, want := range []bool{true, false} {
		applied, err := s.Apply(ctx, change)
		if err != nil || applied != want {
			t.Fatalf("apply #%d: applied=%v err=%v", i+1, applied, err)
		}
	}
	audit, _ := s.Audit(ctx, r.ID)
	out, _ := s.Outbox(ctx, r.ID)
	if len(audit) != 1 || len(out) != 1 {
		t.Errorf("after a repeated change: %d audit rows, %d messages; want 1 and 1", len(audit), len(out))
	}
	a, _ := s.Assignment(ctx, asgID)
	if a.State != remiss.StateAssigned || a.Officer != officer {
		t.Errorf("assignment %+v", a)
	}

	// A change that fails half-way leaves nothing behind.
	bad := "no-such-state-but-long-enough"
	badOfficer := "nobody"
	_, err := s.Apply(ctx, store.Change{
		EventKey: asgID + ".002.assigned", At: time.Now(), Actor: "x", RemissID: r.ID, AssignmentID: asgID,
		Action: "assigned", Assignment: &store.AssignmentPatch{State: &bad, Officer: &badOfficer},
	})
	if err == nil {
		t.Fatal("assigning an unknown user succeeded")
	}
	if audit, _ := s.Audit(ctx, r.ID); len(audit) != 1 {
		t.Errorf("a failed change left an audit row")
	}
}

func TestAuditIsAppendOnly(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	r := newRound(t, s, "KS 2016/171-909", "bromma")
	if _, err := s.Apply(ctx, store.Change{EventKey: "k1", At: time.Now(), Actor: "a", RemissID: r.ID, Action: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE audit SET actor='mallory'`); err == nil {
		t.Error("audit rows can be updated")
	}
	if _, err := s.DB().ExecContext(ctx, `DELETE FROM audit`); err == nil {
		t.Error("audit rows can be deleted")
	}
}

func TestResponseVersionsAndDocuments(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	r := newRound(t, s, "KS 2016/171-910", "hagersten-liljeholmen")
	asgID := remiss.AssignmentID(r.ID, "hagersten-liljeholmen")
	org, _ := s.Org(ctx, "hagersten-liljeholmen")
	content := demo.SampleResponse(org)
	v1, err := s.SaveResponseVersion(ctx, asgID, content, "hagersten-liljeholmen.handlaggare")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.SaveResponseVersion(ctx, asgID, content, "hagersten-liljeholmen.handlaggare")
	content.Summary += " Ändrad."
	v2, _ := s.SaveResponseVersion(ctx, asgID, content, "hagersten-liljeholmen.handlaggare")
	if v1.Version != 1 || again.ID != v1.ID || v2.Version != 2 || v2.SHA256 == v1.SHA256 {
		t.Errorf("versions %d/%s, again %s, v2 %d", v1.Version, v1.ID, again.ID, v2.Version)
	}
	if v1.SHA256 != demo.SampleResponse(org).Hash() || v2.Content.Summary != content.Summary {
		t.Error("stored content or hash differs")
	}
	doc := store.Document{ID: "statement.x", RemissID: r.ID, AssignmentID: asgID, Kind: "statement",
		Filename: "a.pdf", Content: []byte("%PDF-1.7 first")}
	d1, err := s.PutDocument(ctx, doc)
	if err != nil {
		t.Fatal(err)
	}
	doc.Content = []byte("%PDF-1.7 second")
	d2, _ := s.PutDocument(ctx, doc)
	if string(d2.Content) != "%PDF-1.7 first" || d1.SHA256 != d2.SHA256 || len(d1.SHA256) != 64 {
		t.Error("a second render replaced the stored document")
	}
	if _, err := s.Document(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing document: %v", err)
	}
}
