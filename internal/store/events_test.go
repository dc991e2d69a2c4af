package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/store"
)

// sentRound makes a round with its missiv and returns a function that
// records, under key, that the remiss was sent: one event.
func sentRound(t *testing.T, s *store.Store, dnr string) (store.Remiss, func(key string) (bool, error)) {
	t.Helper()
	ctx := context.Background()
	r := newRound(t, s, dnr, "bromma")
	doc, err := s.PutDocument(ctx, store.Document{ID: "missiv." + r.ID, RemissID: r.ID, Kind: "missiv", Filename: "missiv.pdf", Content: []byte("%PDF-1.7 missiv " + dnr)})
	if err != nil {
		t.Fatal(err)
	}
	return r, func(key string) (bool, error) {
		return s.Apply(ctx, store.Change{EventKey: key, At: time.Now(), Actor: "ks.samordnare", RemissID: r.ID, Action: "remiss_sent",
			Detail: map[string]any{"document": doc.ID, "sha256": doc.SHA256}})
	}
}

func TestAnEventIsWrittenWithItsChangeOnceAndQueuedForEachSubscriber(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	if _, err := s.CreateSubscription(ctx, store.Subscription{ID: "sub1", Org: "ks", URL: "https://diarium.example/in", Secret: "s", CreatedBy: "admin"}); err != nil {
		t.Fatal(err)
	}
	r, send := sentRound(t, s, "KS 2026/11-1")
	for range 2 { // a retried activity: the second adds nothing
		if _, err := send("remiss_sent." + r.ID); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := s.EventsAfter(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := s.Document(ctx, "missiv."+r.ID)
	if len(evs) != 1 {
		t.Fatalf("events: %+v", evs)
	}
	e := evs[0]
	if e.ID != "remiss_sent."+r.ID+"/sent" || e.Type != store.EventRemissSent || e.Dnr != r.Dnr || e.Org != "ks" ||
		e.DocumentID != doc.ID || e.DocumentSHA256 != doc.SHA256 || e.Title != "Remiss: "+r.Title {
		t.Errorf("event %+v", e)
	}
	ds, err := s.Deliveries(ctx, "sub1")
	if err != nil || len(ds) != 1 || ds[0].EventID != e.ID {
		t.Errorf("deliveries %+v %v", ds, err)
	}
	// A change that announces nothing writes no event.
	if _, err := s.Apply(ctx, store.Change{EventKey: "digest.x", At: time.Now(), Actor: "system", RemissID: r.ID, Action: "digest"}); err != nil {
		t.Fatal(err)
	}
	if evs, _ := s.EventsAfter(ctx, 0, 100); len(evs) != 1 {
		t.Errorf("a digest made an event: %+v", evs)
	}
}

// TestFeedWaitsForAnEventCommittedLate holds one event's transaction open
// while another change wants to write one: the second waits for the first
// to commit, so it cannot commit with a lower seq, and a poller that has
// read the second never misses the first.
func TestFeedWaitsForAnEventCommittedLate(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	r1, _ := sentRound(t, s, "KS 2026/12-1")
	_, send2 := sentRound(t, s, "KS 2026/12-2")

	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.AppendEvents(ctx, tx, []store.Event{{ID: "slow/sent", Type: store.EventRemissSent, At: time.Now(),
		RemissID: r1.ID, Org: "ks", Dnr: r1.Dnr, Title: "Remiss: " + r1.Title, Data: map[string]any{}}}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := send2("fast"); done <- err }()
	select {
	case err := <-done:
		t.Fatalf("the second event committed while the first was in flight (%v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	if evs, _ := s.EventsAfter(ctx, 0, 10); len(evs) != 0 {
		t.Fatalf("events in flight are visible: %+v", evs)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	evs, err := s.EventsAfter(ctx, 0, 10)
	if err != nil || len(evs) != 2 || evs[0].ID != "slow/sent" || evs[1].ID != "fast/sent" || evs[0].Seq >= evs[1].Seq {
		t.Fatalf("feed: %+v %v", evs, err)
	}
	// Resumed from the first event's cursor, the feed gives the second.
	if rest, _ := s.EventsAfter(ctx, evs[0].Seq, 10); len(rest) != 1 || rest[0].ID != "fast/sent" {
		t.Errorf("after %d: %+v", evs[0].Seq, rest)
	}
}

// TestPollerNeverSkipsUnderConcurrentWriters writes events from many
// transactions at once while a poller follows the feed with its cursor:
// it must see every event exactly once, in seq order.
func TestPollerNeverSkipsUnderConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	const writers, each = 6, 15
	sends := make([]func(string) (bool, error), writers)
	for w := range writers {
		_, sends[w] = sentRound(t, s, fmt.Sprintf("KS 2026/13-%d", w))
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := sends[w](fmt.Sprintf("w%d.%d", w, i)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	writing := make(chan struct{})
	go func() { wg.Wait(); close(writing) }()
	seen := map[string]int{}
	var cursor int64
	poll := func() {
		evs, err := s.EventsAfter(ctx, cursor, 7)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.Seq <= cursor {
				t.Fatalf("seq %d after cursor %d", e.Seq, cursor)
			}
			cursor = e.Seq
			seen[e.ID]++
		}
	}
	for running := true; running; {
		select {
		case <-writing:
			running = false
		default:
			poll()
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for before := -1; before != len(seen); {
		before = len(seen)
		poll()
	}
	all, err := s.EventsAfter(ctx, 0, 1000)
	if err != nil || len(all) != writers*each {
		t.Fatalf("%d events stored, want %d (%v)", len(all), writers*each, err)
	}
	for _, e := range all {
		if seen[e.ID] != 1 {
			t.Errorf("the poller saw %s %d times", e.ID, seen[e.ID])
		}
	}
}

// TestAnEventReadsItsDocumentsMarking: a sekretessmarkering made after the
// event was written is on the event whenever it is read (feed, round,
// deliveries), and is gone once removed.
func TestAnEventReadsItsDocumentsMarking(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	if _, err := s.CreateSubscription(ctx, store.Subscription{ID: "sub1", Org: "ks", URL: "https://diarium.example/in", Secret: "s", CreatedBy: "admin"}); err != nil {
		t.Fatal(err)
	}
	r, send := sentRound(t, s, "KS 2026/12-1")
	if _, err := send("remiss_sent." + r.ID); err != nil {
		t.Fatal(err)
	}
	mark := func(key string, set *store.Secrecy) {
		t.Helper()
		if _, err := s.Apply(ctx, store.Change{EventKey: key, At: time.Now(), Actor: "ks.registrator", RemissID: r.ID, Action: "secrecy_marked",
			Secrecy: &store.SecrecyPatch{DocumentID: "missiv." + r.ID, Set: set}}); err != nil {
			t.Fatal(err)
		}
	}
	marking := func() []*store.Marking {
		t.Helper()
		feed, err := s.EventsAfter(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		round, err := s.RoundEvents(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(feed) != 1 || len(round) != 1 {
			t.Fatalf("events %+v %+v", feed, round)
		}
		return []*store.Marking{feed[0].Marking, round[0].Marking}
	}
	for _, m := range marking() {
		if m != nil {
			t.Errorf("an unmarked document's event has a marking: %+v", m)
		}
	}
	mark("mark."+r.ID, &store.Secrecy{DocumentID: "missiv." + r.ID, Provision: "OSL 18 kap. 8 §", PublicTitle: "Handling med sekretessmarkering", MarkedAt: time.Now(), MarkedBy: "ks.registrator"})
	for _, m := range marking() {
		if m == nil || m.Provision != "OSL 18 kap. 8 §" || m.PublicTitle != "Handling med sekretessmarkering" {
			t.Errorf("a marked document's event: %+v", m)
		}
	}
	mark("unmark."+r.ID, nil)
	for _, m := range marking() {
		if m != nil {
			t.Errorf("a marking removed is still on the event: %+v", m)
		}
	}
}
