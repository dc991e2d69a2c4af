package events_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/events"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

func TestViewShowsAMarkedHandlingByItsPublicTitleOutsideItsOrganisation(t *testing.T) {
	e := store.Event{Seq: 7, ID: "k/answer", Type: store.EventAnswerReceived, At: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC),
		RemissID: "ks-2026-1-1", AssignmentID: "ks-2026-1-1.bromma", Org: "bromma", Dnr: "KS 2026/1-1", OwnDnr: "BR 2026/9",
		Title: "Svar på remiss från Bromma: Hemligt", DocumentID: "statement.x", DocumentSHA256: "abc"}
	open := events.View(e, "farsta", "https://remiss.example")
	if open.Data.Title != e.Title || open.Data.Document.Href != "https://remiss.example/api/v1/documents/statement.x" ||
		open.Data.Document.SHA256 != "abc" || open.Data.Secrecy != nil || open.Sequence != "7" || open.Subject != e.Dnr ||
		open.Source != "https://remiss.example/remisser/ks-2026-1-1" || open.SpecVersion != "1.0" {
		t.Errorf("unmarked: %+v", open)
	}
	e.Marking = &store.Marking{Provision: "OSL 18 kap. 8 §", PublicTitle: "Svar på remiss från Bromma"}
	for _, viewer := range []string{"farsta", remiss.KS} {
		v := events.View(e, viewer, "")
		b, _ := events.Marshal(v)
		if v.Data.Title != "Svar på remiss från Bromma" || v.Data.Document.Href != "" || v.Data.Document.SHA256 != "" ||
			v.Data.Secrecy == nil || strings.Contains(string(b), "Hemligt") || strings.Contains(string(b), "/api/v1/documents/") {
			t.Errorf("marked, as %s: %s", viewer, b)
		}
	}
	if v := events.View(e, "bromma", ""); v.Data.Title != e.Title || v.Data.Document.Href != "/api/v1/documents/statement.x" {
		t.Errorf("marked, as its holder: %+v", v.Data)
	}
}

func TestSignatureVerifies(t *testing.T) {
	now := time.Now()
	body := []byte(`{"id":"x"}`)
	h := events.Sign("hemlig", now, body)
	if err := events.Verify("hemlig", h, body, now, time.Minute); err != nil {
		t.Errorf("valid: %v", err)
	}
	for name, bad := range map[string]func() error{
		"other body":   func() error { return events.Verify("hemlig", h, []byte(`{"id":"y"}`), now, time.Minute) },
		"other secret": func() error { return events.Verify("annan", h, body, now, time.Minute) },
		"old":          func() error { return events.Verify("hemlig", h, body, now.Add(10*time.Minute), time.Minute) },
		"no header":    func() error { return events.Verify("hemlig", "", body, now, time.Minute) },
	} {
		if bad() == nil {
			t.Errorf("%s verifies", name)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for raw, allowHTTP := range map[string]bool{"https://d.example/in": false, "http://127.0.0.1:9/x": true} {
		if err := events.CheckURL(raw, allowHTTP); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
	for _, raw := range []string{"http://d.example/in", "ftp://d.example", "/relative", "https://u:p@d.example/", "", "https://"} {
		if events.CheckURL(raw, false) == nil {
			t.Errorf("%q accepted", raw)
		}
	}
}

// receiver is a diarium's webhook endpoint on loopback: it checks each
// signature, keeps each body by event ID, and can be down.
type receiver struct {
	mu     sync.Mutex
	secret string
	down   bool
	got    map[string][]string // event ID → bodies received
	calls  int
	t      *testing.T
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.calls++
	if rc.down {
		http.Error(w, "underhåll", http.StatusServiceUnavailable)
		return
	}
	if err := events.Verify(rc.secret, r.Header.Get(events.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		rc.t.Errorf("delivery with a bad signature: %v", err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/cloudevents+json") {
		rc.t.Errorf("content type %q", ct)
	}
	var ce events.CloudEvent
	if err := json.Unmarshal(body, &ce); err != nil {
		rc.t.Errorf("body: %v", err)
	}
	rc.got[ce.ID] = append(rc.got[ce.ID], string(body))
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) set(down bool) { rc.mu.Lock(); rc.down = down; rc.mu.Unlock() }

func (rc *receiver) count() (int, int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.got), rc.calls
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for limit := time.Now().Add(20 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(limit) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// running starts a deliverer loop, as a worker does, and returns its stop.
func running(d *events.Deliverer) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx, 20*time.Millisecond); close(done) }()
	return func() { cancel(); <-done }
}

// TestWebhookGetsEachEventOnceAcrossAnOutageAndARestart: a receiver that
// is down at first, a deliverer stopped and a new one started against the
// same database, and a deliverer that died holding a lease: every event
// arrives once, signed, with the body the feed gives its organisation.
func TestWebhookGetsEachEventOnceAcrossAnOutageAndARestart(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	rc := &receiver{secret: "diariets-hemlighet", got: map[string][]string{}, t: t, down: true}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	sub, err := s.CreateSubscription(ctx, store.Subscription{ID: "diarium", Org: "ks", URL: srv.URL + "/remiss", Secret: rc.secret, CreatedBy: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	r := store.Remiss{ID: "ks-2026-20-1", Dnr: "KS 2026/20-1", Title: "Webbkrokar", Deadline: "2027-03-31",
		DeadlineAt: time.Date(2027, 4, 1, 0, 0, 0, 0, remiss.Stockholm), Reminders: []string{"3d"}, Grace: "7d",
		Coordinator: "ks.samordnare", Recipients: []string{"bromma"}}
	if _, err := s.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	doc, err := s.PutDocument(ctx, store.Document{ID: "missiv." + r.ID, RemissID: r.ID, Kind: "missiv", Filename: "m.pdf", Content: []byte("%PDF-1.7 m")})
	if err != nil {
		t.Fatal(err)
	}
	announce := func(n int) {
		for i := range n {
			key := fmt.Sprintf("sent.%d.%d", time.Now().UnixNano(), i)
			if _, err := s.Apply(ctx, store.Change{EventKey: key, At: time.Now(), Actor: "ks.samordnare", RemissID: r.ID,
				Action: "remiss_sent", Detail: map[string]any{"document": doc.ID}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	fast := func(n int) time.Duration { return 30 * time.Millisecond }
	announce(4)

	// The receiver is down: the first deliverer tries, backs off, tries again.
	first := &events.Deliverer{Store: s, AllowHTTP: true, Backoff: fast, Lease: 5 * time.Second}
	stop := running(first)
	waitFor(t, "attempts while the receiver is down", func() bool { _, calls := rc.count(); return calls >= 8 })
	rc.set(false)
	waitFor(t, "the first events after the outage", func() bool { n, _ := rc.count(); return n == 4 })
	// The worker restarts: this loop stops, events are written meanwhile,
	// and a new deliverer (a new lease owner) takes over.
	stop()
	announce(3)
	// One more, claimed by a deliverer that dies holding the lease.
	announce(1)
	dead, err := s.ClaimDeliveries(ctx, "dead-worker", time.Now(), 400*time.Millisecond, 1)
	if err != nil || len(dead) != 1 {
		t.Fatalf("claim as the dead worker: %v %v", dead, err)
	}
	second := &events.Deliverer{Store: s, AllowHTTP: true, Backoff: fast, Lease: 5 * time.Second}
	stop = running(second)
	defer stop()
	waitFor(t, "every event", func() bool { n, _ := rc.count(); return n == 8 })
	time.Sleep(300 * time.Millisecond) // anything sent twice would arrive now

	feed, err := s.EventsAfter(ctx, 0, 100)
	if err != nil || len(feed) != 8 {
		t.Fatalf("feed: %d %v", len(feed), err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, e := range feed {
		bodies := rc.got[e.ID]
		if len(bodies) != 1 {
			t.Errorf("%s delivered %d times", e.ID, len(bodies))
			continue
		}
		want, _ := events.Marshal(events.View(e, sub.Org, ""))
		if bodies[0] != string(want) {
			t.Errorf("%s: webhook body %s, feed %s", e.ID, bodies[0], want)
		}
	}
	ds, _ := s.Deliveries(ctx, sub.ID)
	for _, d := range ds {
		if !d.Delivered {
			t.Errorf("delivery %+v not recorded", d)
		}
	}
}

// TestDeliveryGivesUpAndRefusesPlainHTTP: an http:// subscriber is refused
// unless allowed, and a receiver that never accepts is given up after
// MaxAttempts.
func TestDeliveryGivesUpAndRefusesPlainHTTP(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer srv.Close()
	for _, sub := range []store.Subscription{{ID: "plain", Org: "ks", URL: srv.URL, Secret: "x", CreatedBy: "admin"}} {
		if _, err := s.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	r := store.Remiss{ID: "ks-2026-21-1", Dnr: "KS 2026/21-1", Title: "Ger upp", Deadline: "2027-03-31",
		DeadlineAt: time.Date(2027, 4, 1, 0, 0, 0, 0, remiss.Stockholm), Reminders: []string{"3d"}, Grace: "7d",
		Coordinator: "ks.samordnare", Recipients: []string{"bromma"}}
	if _, err := s.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, store.Change{EventKey: "w", At: time.Now(), Actor: "ks.samordnare", RemissID: r.ID, Action: "remiss_withdrawn"}); err != nil {
		t.Fatal(err)
	}
	refusing := &events.Deliverer{Store: s}
	if _, err := refusing.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	ds, _ := s.Deliveries(ctx, "plain")
	if len(ds) != 1 || !ds[0].Failed || !strings.Contains(ds[0].LastError, "https") {
		t.Fatalf("plain http without leave: %+v", ds)
	}
	// Allowed, against a receiver that always fails: three attempts, then given up.
	if _, err := s.CreateSubscription(ctx, store.Subscription{ID: "failing", Org: "ks", URL: srv.URL, Secret: "x", CreatedBy: "admin"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, store.Change{EventKey: "w2", At: time.Now(), Actor: "ks.samordnare", RemissID: r.ID, Action: "remiss_withdrawn"}); err != nil {
		t.Fatal(err)
	}
	d := &events.Deliverer{Store: s, AllowHTTP: true, MaxAttempts: 3, Backoff: func(int) time.Duration { return 10 * time.Millisecond }}
	waitFor(t, "the delivery given up", func() bool {
		d.DeliverDue(ctx)
		ds, _ := s.Deliveries(ctx, "failing")
		return len(ds) == 1 && ds[0].Failed
	})
	if ds, _ := s.Deliveries(ctx, "failing"); ds[0].Attempts != 3 || !strings.Contains(ds[0].LastError, "500") {
		t.Errorf("given up: %+v", ds[0])
	}
}
