package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/events"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// diarium is a diarium system's webhook endpoint on loopback: it refuses
// a bad signature, keeps each event's bodies by ID, and can be down.
type diarium struct {
	t      *testing.T
	mu     sync.Mutex
	secret string
	down   bool
	calls  int
	got    map[string][]json.RawMessage
	order  []string
}

func (d *diarium) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	if d.down {
		http.Error(w, "nere", http.StatusBadGateway)
		return
	}
	if err := events.Verify(d.secret, r.Header.Get(events.SignatureHeader), body, time.Now(), 5*time.Minute); err != nil {
		d.t.Errorf("webhook with a bad signature: %v", err)
		http.Error(w, "fel signatur", http.StatusUnauthorized)
		return
	}
	var ce events.CloudEvent
	if err := json.Unmarshal(body, &ce); err != nil || ce.ID == "" {
		d.t.Errorf("webhook body %s: %v", body, err)
	}
	if len(d.got[ce.ID]) == 0 {
		d.order = append(d.order, ce.ID)
	}
	d.got[ce.ID] = append(d.got[ce.ID], body)
	w.WriteHeader(http.StatusOK)
}

func (d *diarium) received() int { d.mu.Lock(); defer d.mu.Unlock(); return len(d.got) }

// TestEventsReachTheDiarium runs a round from the launch to kommunstyrelsen's
// final decision while a diarium follows it twice: by the pull feed, page by
// page from a cursor, and by a signed webhook that is down at first and
// whose deliverer restarts half-way. Each handling arrives once by each
// way, the same event both ways, in the order of the round, with its Dnr,
// organisation and a document whose checksum matches the bytes the link
// gives.
func TestEventsReachTheDiarium(t *testing.T) {
	e, ctx, base := served(t)
	c := apiClient{t: t, base: base}
	admin, coord, ksReg := c.token("admin"), c.token("ks.samordnare"), c.token("ks.registrator")

	// The admin subscribes the diarium; a bad address is refused, and a
	// subscription made without a secret gets one, shown once.
	rcv := &diarium{t: t, secret: "diariets-delade-hemlighet", got: map[string][]json.RawMessage{}, down: true}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	if r := c.do(admin, "POST", "/api/v1/webhooks", map[string]any{"url": "ftp://diarium.example", "secret": "kort"}); r.code != 422 || !r.fields()["url"] || !r.fields()["secret"] {
		t.Errorf("bad subscription: %d %s", r.code, r.body)
	}
	var sub struct{ ID, Org, URL, Secret string }
	if r := c.do(admin, "POST", "/api/v1/webhooks", map[string]any{"url": srv.URL + "/remiss", "secret": rcv.secret}); r.code != 201 {
		t.Fatalf("subscribe: %d %s", r.code, r.body)
	} else {
		r.json(t, &sub)
	}
	var spare struct{ ID, Secret string }
	c.do(admin, "POST", "/api/v1/webhooks", map[string]any{"url": "https://annat.example/in", "org": "bromma"}).json(t, &spare)
	if len(spare.Secret) != 64 || sub.Org != "ks" || sub.Secret != rcv.secret {
		t.Errorf("subscriptions: %+v %+v", sub, spare)
	}
	if r := c.do(admin, "DELETE", "/api/v1/webhooks/"+spare.ID, nil); r.code != 204 {
		t.Errorf("delete: %d %s", r.code, r.body)
	}
	var subs []map[string]any
	c.do(admin, "GET", "/api/v1/webhooks", nil).json(t, &subs)
	if len(subs) != 1 || subs[0]["id"] != sub.ID || subs[0]["secret"] != nil {
		t.Errorf("listed: %+v", subs)
	}

	// A worker's deliverer, while the diarium is down.
	fast := func(int) time.Duration { return 100 * time.Millisecond }
	deliver := func() (stop func()) {
		d := &events.Deliverer{Store: e.store, AllowHTTP: true, Backoff: fast, Lease: 30 * time.Second}
		dctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { d.Run(dctx, 50*time.Millisecond); close(done) }()
		return func() { cancel(); <-done }
	}
	stop := deliver()

	// The round: Bromma answers on delegation under its own Dnr, Farsta
	// declines; the round closes, KS writes its statement, and its path
	// ends in kommunstyrelsen's decision.
	for _, org := range []string{"bromma", "farsta"} {
		if r := c.do(c.token(org+".registrator"), "PUT", "/api/v1/route", map[string]string{"route": "delegation", "delegationRef": "4.1"}); r.code != 200 {
			t.Fatalf("route %s: %d %s", org, r.code, r.body)
		}
	}
	r := c.do(coord, "POST", "/api/v1/remisses", map[string]any{"dnr": "KS 2026/990-1", "title": "Händelser till diariet",
		"deadline": time.Now().AddDate(0, 2, 0).Format("2006-01-02"), "recipients": []string{"bromma", "farsta"}})
	if r.code != 201 {
		t.Fatalf("launch: %d %s", r.code, r.body)
	}
	id := "ks-2026-990-1"
	waitStarted(t, ctx, e.c, []string{"bromma", "farsta"}, id)
	bromma, farsta := remiss.AssignmentID(id, "bromma"), remiss.AssignmentID(id, "farsta")
	if r := c.do(c.token("bromma.registrator"), "POST", "/api/v1/assignments/"+bromma+"/registration", map[string]string{"dnr": "BR 2026/55"}); r.code != 200 {
		t.Fatalf("register: %d %s", r.code, r.body)
	}
	waitUntil(t, "attempts while the diarium is down", func() bool { rcv.mu.Lock(); defer rcv.mu.Unlock(); return rcv.calls >= 2 })
	rcv.mu.Lock()
	rcv.down = false
	rcv.mu.Unlock()
	if err := e.answer(ctx, bromma, "bromma"); err != nil {
		t.Fatal(err)
	}
	// Bromma's answer is sealed and announced after its approval: Farsta
	// declines once it has been, so the feed's order is known.
	waitUntil(t, "Bromma's answer delivered", func() bool { return rcv.received() >= 3 })
	if _, err := e.svc.Decline(ctx, e.user("farsta.chef"), farsta, "Nämnden avstår från att yttra sig.", ""); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the answers delivered", func() bool { return rcv.received() >= 4 })
	// The worker restarts: its deliverer stops, a new one starts later.
	stop()
	e.writeKSStatement(ctx, id, false)
	stop = deliver()
	defer stop()
	reg := e.user("ks.registrator")
	today := time.Now().In(remiss.Stockholm).Format(remiss.DateLayout)
	for _, s := range []struct {
		code string
		sd   remiss.StepDecision
	}{
		{"slk", remiss.StepDecision{Verdict: remiss.VerdictGodkanner}},
		{"borgarradsberedningen", remiss.StepDecision{Paragraph: "§ 3", Verdict: remiss.VerdictTillstyrker, Immediate: true, Adjusters: []string{"Cecilia Ek"}}},
		{"ks", remiss.StepDecision{Paragraph: "§ 4", Verdict: remiss.VerdictBeslut, Wording: "Kommunstyrelsen beslutar att anta strategin.",
			AdjustOn: today, Adjusters: []string{"Anna Andersson"}}},
	} {
		// The path's workflow starts once the statement is sealed.
		for limit := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
			_, err := e.svc.RecordStepDecision(ctx, reg, id, s.code, s.sd)
			if err == nil {
				break
			}
			if time.Now().After(limit) {
				t.Fatalf("%s: %v", s.code, err)
			}
		}
	}

	// The feed, read three at a time from the start.
	want := []string{store.EventRemissSent, store.EventAnswerReceived, store.EventDecisionRecorded, store.EventAnswerReceived,
		store.EventStatementApproved, store.EventDecisionRecorded, store.EventDecisionRecorded, store.EventDecisionRecorded, store.EventOutcomeDecided}
	type page struct {
		Events []json.RawMessage
		Next   string
	}
	var feed []json.RawMessage
	var cursors []string
	waitUntil(t, "the whole round in the feed", func() bool {
		feed, cursors = nil, nil
		for after := ""; ; {
			var p page
			r := c.do(ksReg, "GET", "/api/v1/events?limit=3&after="+after, nil)
			if r.code != 200 {
				t.Fatalf("feed: %d %s", r.code, r.body)
			}
			r.json(t, &p)
			feed = append(feed, p.Events...)
			for range p.Events {
				cursors = append(cursors, p.Next)
			}
			if len(p.Events) == 0 {
				return len(feed) >= len(want)
			}
			after = p.Next
		}
	})
	var evs []events.CloudEvent
	for _, raw := range feed {
		var ce events.CloudEvent
		json.Unmarshal(raw, &ce)
		evs = append(evs, ce)
	}
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d: %s", len(evs), len(want), feed)
	}
	for i, ce := range evs {
		if ce.Type != want[i] || ce.SpecVersion != "1.0" || ce.Subject != "KS 2026/990-1" || ce.Data.Dnr != "KS 2026/990-1" || ce.Data.RemissID != id {
			t.Errorf("event %d: %s", i, feed[i])
		}
	}
	if a := evs[1].Data; a.Organisation != "bromma" || a.OwnDnr != "BR 2026/55" || a.AssignmentID != bromma || a.Document == nil {
		t.Errorf("Bromma's answer: %s", feed[1])
	}
	if d := evs[3].Data; d.Organisation != "farsta" || d.Details["declined"] != true {
		t.Errorf("Farsta's decline: %s", feed[3])
	}
	if d := evs[7].Data; d.Details["step"] != "ks" || d.Details["verdict"] != "beslut" || d.Document == nil || evs[8].Data.Document.ID != d.Document.ID {
		t.Errorf("kommunstyrelsen's decision and the outcome: %s %s", feed[7], feed[8])
	}
	// Every document the events name is the one the link gives.
	for i, ce := range evs {
		if ce.Data.Document == nil {
			continue
		}
		r := c.do(ksReg, "GET", ce.Data.Document.Href, nil)
		sum := sha256.Sum256(r.body)
		if r.code != 200 || hex.EncodeToString(sum[:]) != ce.Data.Document.SHA256 {
			t.Errorf("event %d: document %s: %d, checksum %s", i, ce.Data.Document.Href, r.code, ce.Data.Document.SHA256)
		}
	}
	// Each page's next is the sequence of its last event; resumed from an
	// event's sequence, the feed goes on after it.
	for i := 2; i < len(evs); i += 3 {
		if cursors[i] != evs[i].Sequence {
			t.Errorf("page ending at event %d: next %s, its sequence %s", i, cursors[i], evs[i].Sequence)
		}
	}
	var rest page
	c.do(ksReg, "GET", "/api/v1/events?after="+evs[3].Sequence, nil).json(t, &rest)
	if len(rest.Events) != len(want)-4 || !sameJSON(rest.Events[0], feed[4]) || rest.Next != evs[len(evs)-1].Sequence {
		t.Errorf("after %s: %d events, next %s", evs[3].Sequence, len(rest.Events), rest.Next)
	}
	var none page
	c.do(ksReg, "GET", "/api/v1/events?after="+rest.Next, nil).json(t, &none)
	if len(none.Events) != 0 || none.Next != rest.Next {
		t.Errorf("after the last: %+v", none)
	}

	// The webhook got every event once, the same as the feed gives.
	waitUntil(t, "every event delivered", func() bool { return rcv.received() == len(want) })
	time.Sleep(500 * time.Millisecond) // a copy would arrive now
	rcv.mu.Lock()
	for i, ce := range evs {
		got := rcv.got[ce.ID]
		if len(got) != 1 || !sameJSON(got[0], feed[i]) {
			t.Errorf("event %s delivered %d times: %s, feed %s", ce.ID, len(got), got, feed[i])
		}
	}
	rcv.mu.Unlock()

	// Who reads the feed: not a nämnd's registrator; a service account
	// with events:read, not one without it; and a cursor that is not one.
	if r := c.do(c.token("bromma.registrator"), "GET", "/api/v1/events", nil); r.code != 403 {
		t.Errorf("feed as Bromma's registrator: %d", r.code)
	}
	if r := c.do(ksReg, "GET", "/api/v1/events?after=x1&limit=9999", nil); r.code != 422 || !r.fields()["after"] || !r.fields()["limit"] {
		t.Errorf("bad cursor: %d %s", r.code, r.body)
	}
	if r := c.do(admin, "POST", "/api/v1/service-accounts", map[string]any{"username": "diarium", "name": "Diariet", "role": "registrar"}); r.code != 201 {
		t.Fatalf("service account: %d %s", r.code, r.body)
	}
	for scope, code := range map[string]int{"events:read": 200, "documents:read": 403} {
		var tok struct{ Token string }
		c.do(admin, "POST", "/api/v1/service-accounts/diarium/tokens", map[string]any{"scopes": []string{scope}, "expiryDays": 1}).json(t, &tok)
		if r := c.do(tok.Token, "GET", "/api/v1/events?limit=1", nil); r.code != code {
			t.Errorf("feed with a token of %s: %d, want %d", scope, r.code, code)
		}
	}
}

// sameJSON reports whether two JSON texts say the same.
func sameJSON(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}
