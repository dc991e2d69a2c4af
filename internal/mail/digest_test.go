package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	imail "github.com/remiss/remiss/internal/mail"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

func TestDailyDigestReplacesEventMessages(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "unused")
	r := f.remiss
	r.ID, r.Dnr, r.Title, r.Digest = "ks-2016-300-1", "KS 2016/300-1", "Uppdatering av e-strategin", true
	if _, err := f.store.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	declined := string(remiss.StateDeclined)
	farsta := remiss.AssignmentID(r.ID, "farsta")
	if _, err := f.store.Apply(ctx, store.Change{EventKey: "e1", At: f.now, Actor: "farsta.registrator", RemissID: r.ID,
		AssignmentID: farsta, Action: "declined", Assignment: &store.AssignmentPatch{State: &declined},
		Messages: []store.Message{{ID: "held", Kind: "declined", AssignmentID: farsta, Recipient: "ks.samordnare@example.stockholm.se",
			Subject: "Farsta stadsdelsnämnd avstår från att yttra sig – KS 2016/300-1", Body: "x", EventAt: f.now, Digest: true}},
	}); err != nil {
		t.Fatal(err)
	}
	early := time.Date(2026, 12, 2, 6, 30, 0, 0, remiss.Stockholm)
	if n, err := imail.QueueDigests(ctx, f.store, "http://localhost:8080", early); err != nil || n != 0 {
		t.Fatalf("before 07:00: %d %v", n, err)
	}
	morning := early.Add(time.Hour)
	for i, want := range []int{1, 0} {
		if n, err := imail.QueueDigests(ctx, f.store, "http://localhost:8080", morning.Add(time.Duration(i)*time.Hour)); err != nil || n != want {
			t.Fatalf("call %d: queued %d (%v), want %d", i, n, err, want)
		}
	}
	f.now = morning.Add(2 * time.Hour)
	if _, err := f.sender().SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	got := f.catcher.Messages()
	if len(got) != 1 || got[0].To[0] != "ks.samordnare@example.stockholm.se" {
		t.Fatalf("delivered %+v; want only the digest, to the Coordinator", got)
	}
	_, parts := parse(t, got[0].Raw)
	text := string(find(parts, "text/plain").Body)
	for _, want := range []string{"Bromma stadsdelsnämnd: Inkommen, ej fördelad", "Farsta stadsdelsnämnd avstår"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Farsta stadsdelsnämnd: ") {
		t.Error("the digest lists Farsta, which has answered (declined), as open")
	}
	held, _ := f.store.OutboxMessage(ctx, "held")
	if held.SentAt == nil || !strings.Contains(held.SMTPResponse, "sammandrag") {
		t.Errorf("held message %+v", held)
	}

	// Held news at the end of the round goes out on its own: there will be
	// no later digest.
	if _, err := f.store.Apply(ctx, store.Change{EventKey: "e2", At: f.now, Actor: "system", RemissID: r.ID, Action: "escalation",
		Messages: []store.Message{{ID: "held-2", Kind: "escalation", Recipient: "ks.samordnare@example.stockholm.se",
			Subject: "Bromma har inte svarat", Body: "x", EventAt: f.now, Digest: true}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Apply(ctx, store.Change{EventKey: "closed", At: f.now, Actor: "system", RemissID: r.ID,
		Action: "round_closed", ReleaseHeld: true}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.sender().SendDue(ctx); err != nil || n != 1 {
		t.Errorf("after the round closed, sent %d held messages (%v), want 1", n, err)
	}
}
