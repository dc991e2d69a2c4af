package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// TestDiscardKeepsWhatIsReferred: a version or note of a refused action
// goes, one an accepted action holds or names stays.
func TestDiscardKeepsWhatIsReferred(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	r := newRound(t, s, "KS 2026/404-1", "bromma")
	asg := remiss.AssignmentID(r.ID, "bromma")
	o, err := s.Org(ctx, "bromma")
	if err != nil {
		t.Fatal(err)
	}
	content := demo.SampleResponse(o)
	refused, err := s.SaveResponseVersion(ctx, asg, content, "bromma.handlaggare")
	if err != nil {
		t.Fatal(err)
	}
	content.Summary += " Ändrad."
	held, err := s.SaveResponseVersion(ctx, asg, content, "bromma.handlaggare")
	if err != nil {
		t.Fatal(err)
	}
	refusedNote, _ := s.AddNote(ctx, asg, "decline", "Avstår.", "bromma.registrator")
	declineNote, _ := s.AddNote(ctx, asg, "decline", "Berör inte nämnden.", "bromma.registrator")
	returnNote, _ := s.AddNote(ctx, asg, "return", "Komplettera.", "bromma.chef")
	reasonNote, _ := s.AddNote(ctx, asg, "extension", "Sammanträde i april.", "bromma.registrator")
	at := time.Now()
	for _, c := range []store.Change{
		{EventKey: "t.1", Action: "submitted", Detail: map[string]any{"version": held.ID}, Assignment: &store.AssignmentPatch{ResponseVersionID: &held.ID}},
		{EventKey: "t.2", Action: "returned", Detail: map[string]any{"note": returnNote}},
		{EventKey: "t.3", Action: "extension-requested", Request: &store.ExtensionRequest{ID: asg + ".ext-1", Until: "2027-04-30", ReasonNoteID: reasonNote}},
		{EventKey: "t.4", Action: "declined", Detail: map[string]any{"note": declineNote}, Assignment: &store.AssignmentPatch{DeclineNoteID: &declineNote}},
	} {
		c.At, c.Actor, c.RemissID, c.AssignmentID = at, "test", r.ID, asg
		if _, err := s.Apply(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{refused.ID, held.ID, "no-such-version"} {
		if err := s.DiscardResponseVersion(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{refusedNote, declineNote, returnNote, reasonNote, "no-such-note"} {
		if err := s.DiscardNote(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.VersionHead(ctx, refused.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refused version is still there: %v", err)
	}
	if _, err := s.VersionHead(ctx, held.ID); err != nil {
		t.Errorf("the submitted version is gone: %v", err)
	}
	if _, err := s.Note(ctx, refusedNote); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refused note is still there: %v", err)
	}
	for _, id := range []string{declineNote, returnNote, reasonNote} {
		if _, err := s.Note(ctx, id); err != nil {
			t.Errorf("note %s, referred to, is gone: %v", id, err)
		}
	}
}
