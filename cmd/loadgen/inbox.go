package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// fillAssignments adds rounds until the database holds total assignments.
func fillAssignments(ctx context.Context, st *store.Store, orgs []string, total int) error {
	have := len(orgs)
	for r := 0; have < total; r++ {
		size := min(len(orgs), total-have)
		dnr := fmt.Sprintf("KS 2025/%d-1", r+1)
		if _, err := st.CreateRound(ctx, store.Remiss{ID: remiss.RemissID(dnr), Dnr: dnr, Title: "Fyllnad", Deadline: "2027-06-30",
			DeadlineAt: time.Date(2027, 7, 1, 0, 0, 0, 0, remiss.Stockholm), Reminders: []string{"14d"}, Grace: "7d",
			Coordinator: "ks.samordnare", Recipients: orgs[:size]}); err != nil {
			return err
		}
		have += size
	}
	return nil
}

// inbox measures the API's inbox (GET /api/v1/assignments), asked 400
// times by the officers in turn.
func (l *load) inbox() error {
	var lat []time.Duration
	for i := range 400 {
		org := l.orgs[i%len(l.orgs)]
		t0 := time.Now()
		code, body := l.api.do(l.tokens[org+".handlaggare"], "GET", "/api/v1/assignments", nil)
		if code != 200 {
			return fmt.Errorf("inbox: %d %s", code, body)
		}
		lat = append(lat, time.Since(t0))
	}
	reportInbox(l.o.inbox, lat)
	return nil
}

// inboxPage measures the inbox page (GET /inkorg), as a registrator's
// browser asks for it, 400 times by the registrators in turn. By then the
// rounds are done, so it lists the finished assignments (visa=avslutade):
// the open ones would be an empty page.
func (l *load) inboxPage(ctx context.Context) error {
	var lat []time.Duration
	for i := range 400 {
		org := l.orgs[i%len(l.orgs)]
		cookie, err := webSession(ctx, l.t.st, org+".registrator")
		if err != nil {
			return err
		}
		req, _ := http.NewRequest("GET", l.t.base+"/inkorg?visa=avslutade", nil)
		req.AddCookie(&http.Cookie{Name: "remiss_session", Value: cookie})
		t0 := time.Now()
		resp, err := l.api.http.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "<table") {
			return fmt.Errorf("inbox page: %d", resp.StatusCode)
		}
		lat = append(lat, time.Since(t0))
	}
	reportInboxPage(l.o.inbox, lat)
	return nil
}
