package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/remiss/remiss/internal/events"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Events for diarium systems (issue 18): a pull feed, and webhooks an
// administrator configures. Both give an event as events.View shows it to
// the reader's organisation.

// listEvents is GET /api/v1/events?after=<cursor>&limit=<n>: the events
// after the cursor, oldest first, and the cursor to ask with next. The
// cursor is an event's seq, handed out in commit order, so asking again
// with next never passes over an event.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := remiss.MayReadEvents(u.Actor(), byService(r)); err != nil {
		return err
	}
	q := r.URL.Query()
	var fields remiss.FieldErrors
	after, limit := int64(0), 100
	if a := q.Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 || strings.TrimLeft(a, "0123456789") != "" {
			fields = append(fields, remiss.FieldError{Field: "after", Message: "en markör (next) från ett tidigare svar, eller ingen för att börja från början"})
		}
		after = n
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			fields = append(fields, remiss.FieldError{Field: "limit", Message: "ett antal från 1 till 500"})
		}
		limit = n
	}
	if len(fields) > 0 {
		return fields
	}
	evs, err := s.Store.EventsAfter(r.Context(), after, limit)
	if err != nil {
		return err
	}
	out := make([]events.CloudEvent, len(evs))
	next := after
	for i, e := range evs {
		out[i] = events.View(e, u.Org, s.BaseURL)
		next = e.Seq
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out, "next": strconv.FormatInt(next, 10)})
	return nil
}

// webhookView is a subscription as listed: never its secret.
func webhookView(sub store.Subscription) map[string]any {
	return map[string]any{"id": sub.ID, "org": sub.Org, "url": sub.URL, "createdBy": sub.CreatedBy, "createdAt": sub.CreatedAt}
}

// listWebhooks is GET /api/v1/webhooks: the organisation's subscriptions
// (kommunstyrelsen's administrator: every organisation's).
func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := remiss.MayManageWebhooks(u.Actor(), u.Org); err != nil {
		return err
	}
	org := u.Org
	if org == remiss.KS {
		org = ""
	}
	subs, err := s.Store.Subscriptions(r.Context(), org)
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(subs))
	for i, sub := range subs {
		out[i] = webhookView(sub)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// createWebhook is POST /api/v1/webhooks: a subscription for the events,
// signed with its secret (given, or made here), which this answer shows
// and no other.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, u store.User) error {
	if u.Role != remiss.RoleAdmin {
		return remiss.MayManageWebhooks(u.Actor(), u.Org)
	}
	var in struct {
		URL    string `json:"url"`
		Org    string `json:"org"`
		Secret string `json:"secret"`
	}
	if err := decode(r, &in, 8<<10); err != nil {
		return err
	}
	in.URL = strings.TrimSpace(in.URL)
	if in.Org == "" {
		in.Org = u.Org
	}
	var fields remiss.FieldErrors
	if len(in.URL) > 2000 {
		fields = append(fields, remiss.FieldError{Field: "url", Message: "högst 2000 tecken"})
	} else if err := events.CheckURL(in.URL, s.AllowHTTPWebhooks); err != nil {
		fields = append(fields, remiss.FieldError{Field: "url", Message: err.Error()})
	}
	if _, err := s.Store.Org(r.Context(), in.Org); errors.Is(err, store.ErrNotFound) || len(in.Org) > 64 {
		fields = append(fields, remiss.FieldError{Field: "org", Message: "en organisation som finns (dess kod)"})
	} else if err != nil {
		return err
	}
	if in.Secret != "" && (utf8.RuneCountInString(in.Secret) < 16 || len(in.Secret) > 200 || !printable(in.Secret)) {
		fields = append(fields, remiss.FieldError{Field: "secret", Message: "minst 16 och högst 200 synliga tecken, eller inget för att få en hemlighet gjord"})
	}
	if len(fields) > 0 {
		return fields
	}
	if err := remiss.MayManageWebhooks(u.Actor(), in.Org); err != nil {
		return err
	}
	if in.Secret == "" {
		in.Secret = randomHex(32)
	}
	sub, err := s.Store.CreateSubscription(r.Context(), store.Subscription{ID: "wh-" + randomHex(8), Org: in.Org, URL: in.URL,
		Secret: in.Secret, CreatedBy: u.Username})
	if err != nil {
		return err
	}
	out := webhookView(sub)
	out["secret"] = sub.Secret
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// deleteWebhook is DELETE /api/v1/webhooks/{id}: another organisation's
// subscription is not found.
func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := remiss.MayManageWebhooks(u.Actor(), u.Org); err != nil {
		return err
	}
	org := u.Org
	if org == remiss.KS {
		org = ""
	}
	if err := s.Store.DeleteSubscription(r.Context(), u.Username, org, r.PathValue("id"), s.Now()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// printable: no control characters or spaces, which a receiver's
// configuration would mangle.
func printable(s string) bool {
	for _, c := range s {
		if c <= ' ' || c == 0x7f || !utf8.ValidRune(c) || c == utf8.RuneError {
			return false
		}
	}
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
