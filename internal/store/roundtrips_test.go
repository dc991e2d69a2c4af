package store_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Saves racing on one assignment, each its own statement: every text gets
// one version, numbered 1..n without a gap or a double, and the same text
// saved at once by many is one version.
func TestConcurrentSavesNumberVersionsOnce(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	r := newRound(t, s, "KS 2016/172-908", "bromma")
	asg := remiss.AssignmentID(r.ID, "bromma")
	const texts, copies = 12, 4
	var mu sync.Mutex
	saved := map[int][]store.ResponseVersion{}
	var wg sync.WaitGroup
	for i := range texts {
		content := demo.SampleResponse(remiss.Org{Name: "Bromma"})
		content.Summary = fmt.Sprintf("Sammanfattning nummer %d", i)
		for range copies {
			wg.Go(func() {
				v, err := s.SaveResponseVersion(ctx, asg, content, "bromma.handlaggare")
				if err != nil {
					t.Errorf("save text %d: %v", i, err)
					return
				}
				mu.Lock()
				saved[i] = append(saved[i], v)
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	var numbers []int
	for i := range texts {
		vs := saved[i]
		if len(vs) != copies {
			t.Fatalf("text %d saved %d times, want %d", i, len(vs), copies)
		}
		for _, v := range vs[1:] {
			if v.ID != vs[0].ID || v.Version != vs[0].Version {
				t.Errorf("text %d: %s v%d and %s v%d", i, vs[0].ID, vs[0].Version, v.ID, v.Version)
			}
		}
		numbers = append(numbers, vs[0].Version)
		stored, err := s.ResponseVersion(ctx, vs[0].ID)
		if err != nil || stored.Version != vs[0].Version || stored.Content.Summary != fmt.Sprintf("Sammanfattning nummer %d", i) {
			t.Errorf("text %d stored as v%d %q (%v), returned v%d", i, stored.Version, stored.Content.Summary, err, vs[0].Version)
		}
	}
	sort.Ints(numbers)
	for i, n := range numbers {
		if n != i+1 {
			t.Fatalf("version numbers %v, want 1..%d", numbers, texts)
		}
	}
	// A save to an assignment that does not exist stores nothing.
	if _, err := s.SaveResponseVersion(ctx, asg+"-saknas", demo.SampleResponse(remiss.Org{Name: "Bromma"}), "bromma.handlaggare"); err == nil {
		t.Error("a save to a missing assignment was accepted")
	}
}

// A change of one assignment is written in one statement, any other in a
// transaction of several: both store the same rows.
func TestApplyInOneStatementStoresWhatATransactionDoes(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	r := newRound(t, s, "KS 2016/173-908", "bromma")
	asg := remiss.AssignmentID(r.ID, "bromma")
	at := time.Date(2026, 11, 30, 14, 3, 4, 123456000, time.UTC)
	change := func(key string, round *store.RemissPatch) store.Change {
		state, late, version := string(remiss.StateSubmitted), true, "v-"+key
		return store.Change{
			EventKey: key, At: at, Actor: "bromma.handlaggare", RemissID: r.ID, AssignmentID: asg, Action: "submitted",
			Detail:     map[string]any{"state": state},
			Assignment: &store.AssignmentPatch{State: &state, Late: &late, SubmittedAt: &at, ResponseVersionID: &version},
			Remiss:     round,
			Messages: []store.Message{
				{ID: key + ".a", Kind: "submitted", AssignmentID: asg, Recipient: "chef@example.se", Subject: "Ämne 'ett'", Body: "Brödtext\n{x,y}", EventAt: at, Deadline: "2027-03-31", DocumentID: "doc-1"},
				{ID: key + ".b", Kind: "receipt", Recipient: "handlaggare@example.se", Subject: "Kvitto", Body: `"citat" \ och NULL`, EventAt: at.Add(time.Second), Digest: true},
			},
		}
	}
	for _, c := range []store.Change{change("one-statement", nil), change("transaction", &store.RemissPatch{})} {
		applied, err := s.Apply(ctx, c)
		if err != nil || !applied {
			t.Fatalf("%s: applied=%v err=%v", c.EventKey, applied, err)
		}
		a, err := s.Assignment(ctx, asg)
		if err != nil || a.State != remiss.StateSubmitted || !a.Late || a.ResponseVersionID != "v-"+c.EventKey {
			t.Errorf("%s: assignment %+v %v", c.EventKey, a, err)
		}
	}
	out, err := s.Outbox(ctx, r.ID)
	if err != nil || len(out) != 4 {
		t.Fatalf("outbox %d messages, %v", len(out), err)
	}
	byID := map[string]store.OutboxMessage{}
	for _, m := range out {
		byID[m.ID] = m
	}
	for _, suffix := range []string{".a", ".b"} {
		one, tx := byID["one-statement"+suffix], byID["transaction"+suffix]
		one.ID, tx.ID, one.CreatedAt, tx.CreatedAt = "", "", time.Time{}, time.Time{}
		if !one.EventAt.Equal(tx.EventAt) {
			t.Errorf("%s: event at %v and %v", suffix, one.EventAt, tx.EventAt)
		}
		one.EventAt, tx.EventAt = time.Time{}, time.Time{}
		if fmt.Sprintf("%+v", one) != fmt.Sprintf("%+v", tx) {
			t.Errorf("%s:\none statement %+v\ntransaction   %+v", suffix, one, tx)
		}
	}
	if m := byID["one-statement.a"]; m.Deadline != "2027-03-31" || m.DocumentID != "doc-1" || m.AssignmentID != asg || m.Digest {
		t.Errorf("first message %+v", m)
	}
	if m := byID["one-statement.b"]; m.AssignmentID != "" || m.Deadline != "" || !m.Digest || m.Body != `"citat" \ och NULL` {
		t.Errorf("second message %+v", m)
	}
	// Again: nothing new.
	if applied, err := s.Apply(ctx, change("one-statement", nil)); err != nil || applied {
		t.Errorf("repeated: applied=%v err=%v", applied, err)
	}
	if out, _ := s.Outbox(ctx, r.ID); len(out) != 4 {
		t.Errorf("repeated change queued again: %d messages", len(out))
	}
}

// The answer's usual save reads the assignment and saves the version in
// one statement, only where the guard allows; elsewhere it writes nothing
// and says so, and the long way decides.
func TestSaveResponseVersionIfSavesOnlyWhereAllowed(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	r := newRound(t, s, "KS 2016/174-908", "bromma")
	asg := remiss.AssignmentID(r.ID, "bromma")
	answer := []remiss.AssignmentKind{remiss.KindAnswer}
	sent := []remiss.AssignmentState{remiss.StateSent}
	content := demo.SampleResponse(remiss.Org{Name: "Bromma"})
	versions := func() int {
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM response_versions WHERE assignment_id=$1`, asg).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for name, try := range map[string]func() (bool, error){
		"another organisation's": func() (bool, error) {
			_, _, ok, err := s.SaveResponseVersionIf(ctx, asg, "skarholmen", answer, sent, content, "bromma.handlaggare")
			return ok, err
		},
		"in a state the action is not possible in": func() (bool, error) {
			_, _, ok, err := s.SaveResponseVersionIf(ctx, asg, "bromma", answer, []remiss.AssignmentState{remiss.StateSubmitted}, content, "bromma.handlaggare")
			return ok, err
		},
		"of a kind the action is not possible for": func() (bool, error) {
			_, _, ok, err := s.SaveResponseVersionIf(ctx, asg, "bromma", []remiss.AssignmentKind{remiss.KindStatement}, sent, content, "bromma.handlaggare")
			return ok, err
		},
		"missing": func() (bool, error) {
			_, _, ok, err := s.SaveResponseVersionIf(ctx, asg+"-saknas", "bromma", answer, sent, content, "bromma.handlaggare")
			return ok, err
		},
	} {
		if ok, err := try(); ok || err != nil {
			t.Errorf("an assignment %s: saved %v, %v", name, ok, err)
		}
		if n := versions(); n != 0 {
			t.Fatalf("an assignment %s: %d versions stored", name, n)
		}
	}

	runs := s.PreparedRuns()
	got, v, ok, err := s.SaveResponseVersionIf(ctx, asg, "bromma", answer, sent, content, "bromma.handlaggare")
	if err != nil || !ok {
		t.Fatalf("allowed save: %v, %v", ok, err)
	}
	if n := s.PreparedRuns() - runs; n != 1 {
		t.Errorf("allowed save: %d statements, want 1", n)
	}
	if got.ID != asg || got.Org != "bromma" || got.State != remiss.StateSent || v.Version != 1 || v.ID != store.VersionID(asg, content.Hash()) || v.CreatedBy != "bromma.handlaggare" {
		t.Errorf("allowed save: assignment %s %s %s, version %s v%d by %s", got.ID, got.Org, got.State, v.ID, v.Version, v.CreatedBy)
	}
	// The same text again is the same version; another is the next.
	if _, again, ok, err := s.SaveResponseVersionIf(ctx, asg, "bromma", answer, sent, content, "bromma.handlaggare"); err != nil || !ok || again.ID != v.ID || again.Version != 1 {
		t.Errorf("the same text again: %s v%d, %v, %v", again.ID, again.Version, ok, err)
	}
	content.Summary = "En annan sammanfattning"
	if _, next, ok, err := s.SaveResponseVersionIf(ctx, asg, "bromma", answer, sent, content, "bromma.handlaggare"); err != nil || !ok || next.Version != 2 {
		t.Errorf("another text: v%d, %v, %v", next.Version, ok, err)
	}
	stored, err := s.ResponseVersion(ctx, v.ID)
	if err != nil || stored.Version != 1 || stored.SHA256 != v.SHA256 {
		t.Errorf("stored: v%d %s, %v", stored.Version, stored.SHA256, err)
	}
	if n := versions(); n != 2 {
		t.Errorf("%d versions stored, want 2", n)
	}
}
