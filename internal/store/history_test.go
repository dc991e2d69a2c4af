package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// TestHistory: an assignment's history holds its own events and the
// round's, not another recipient's, in the order they happened, with the
// actor's name and organisation and the note of the action; the submitted
// versions are those the submissions name, in order, a draft left out.
func TestHistory(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	r := newRound(t, s, "KS 2016/172-908", "bromma", "farsta")
	bromma, farsta := remiss.AssignmentID(r.ID, "bromma"), remiss.AssignmentID(r.ID, "farsta")
	at := time.Date(2027, 1, 15, 9, 0, 0, 0, remiss.Stockholm)
	content := func(summary string) remiss.Response {
		return remiss.Response{Proposals: []string{"Nämnden godkänner."}, Summary: summary, Opinions: "Inga.",
			Signatories: []remiss.Signatory{{Name: "Lars Wennberg", Title: "stadsdelsdirektör"}}, OfficerName: "Anna"}
	}
	draft, _ := s.SaveResponseVersion(ctx, bromma, content("Utkast."), "bromma.handlaggare")
	v1, _ := s.SaveResponseVersion(ctx, bromma, content("Första."), "bromma.handlaggare")
	v2, err := s.SaveResponseVersion(ctx, bromma, content("Andra."), "bromma.handlaggare")
	if err != nil {
		t.Fatal(err)
	}
	note, err := s.AddNote(ctx, bromma, "return", "Komplettera, tack.", "bromma.chef")
	if err != nil {
		t.Fatal(err)
	}
	changes := []store.Change{
		{EventKey: "1", At: at, Actor: "ks.samordnare", RemissID: r.ID, Action: "remiss_sent"},
		{EventKey: "2", At: at.Add(time.Minute), Actor: "bromma.handlaggare", RemissID: r.ID, AssignmentID: bromma, Action: "draft_saved",
			Detail: map[string]any{"version": draft.ID}},
		{EventKey: "3", At: at.Add(2 * time.Minute), Actor: "bromma.handlaggare", RemissID: r.ID, AssignmentID: bromma, Action: "submitted",
			Detail: map[string]any{"version": v1.ID}},
		{EventKey: "4", At: at.Add(3 * time.Minute), Actor: "farsta.handlaggare", RemissID: r.ID, AssignmentID: farsta, Action: "draft_saved"},
		{EventKey: "5", At: at.Add(4 * time.Minute), Actor: "bromma.chef", RemissID: r.ID, AssignmentID: bromma, Action: "returned",
			Detail: map[string]any{"note": note}},
		{EventKey: "6", At: at.Add(5 * time.Minute), Actor: "system", RemissID: r.ID, Action: "digest"},
		{EventKey: "7", At: at.Add(6 * time.Minute), Actor: "bromma.handlaggare", RemissID: r.ID, AssignmentID: bromma, Action: "submitted",
			Detail: map[string]any{"version": v2.ID}},
	}
	for _, c := range changes {
		if _, err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	h, err := s.History(ctx, r.ID, bromma)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range h {
		actions = append(actions, e.Action)
	}
	if want := "remiss_sent draft_saved submitted returned submitted"; strings.Join(actions, " ") != want {
		t.Fatalf("bromma's history: %s, want %s", strings.Join(actions, " "), want)
	}
	if h[3].ActorName == "" || h[3].ActorName == "bromma.chef" || h[3].ActorOrg != "Bromma stadsdelsnämnd" ||
		h[3].NoteKind != "return" || h[3].NoteBody != "Komplettera, tack." {
		t.Errorf("the return: %+v", h[3])
	}
	if all, _ := s.History(ctx, r.ID, ""); len(all) != 6 {
		t.Errorf("the round's history has %d events, want 6 (all but the digest)", len(all))
	}
	vs, err := s.SubmittedVersions(ctx, bromma)
	if err != nil || len(vs) != 2 || vs[0].ID != v1.ID || vs[1].ID != v2.ID || vs[1].Content.Summary != "Andra." ||
		!vs[1].SubmittedAt.Equal(at.Add(6*time.Minute)) || vs[0].SubmitterName == "bromma.handlaggare" {
		t.Errorf("submitted versions: %+v %v", vs, err)
	}
}
