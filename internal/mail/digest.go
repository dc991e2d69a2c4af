package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/templates"
)

// DigestHour is when, Stockholm time, the daily digest is due.
const DigestHour = 7

// QueueDigests queues, once per day from DigestHour, the digest of every open
// round whose Coordinator asked for one: who has not answered, and the held
// escalations and declines since the last digest. It is idempotent per round
// and day, so every sender may call it.
func QueueDigests(ctx context.Context, st *store.Store, baseURL string, now time.Time) (int, error) {
	local := now.In(remiss.Stockholm)
	if local.Hour() < DigestHour {
		return 0, nil
	}
	day := local.Format(remiss.DateLayout)
	rounds, err := st.OpenDigestRounds(ctx)
	if err != nil {
		return 0, err
	}
	queued := 0
	for _, r := range rounds {
		ok, err := queueDigest(ctx, st, baseURL, r, day, now)
		if err != nil {
			return queued, fmt.Errorf("mail: digest %s: %w", r.ID, err)
		}
		if ok {
			queued++
		}
	}
	return queued, nil
}

func queueDigest(ctx context.Context, st *store.Store, baseURL string, r store.Remiss, day string, now time.Time) (bool, error) {
	coord, err := st.User(ctx, r.Coordinator)
	if err != nil {
		return false, err
	}
	asgs, err := st.Assignments(ctx, r.ID)
	if err != nil {
		return false, err
	}
	d := templates.MailData{Dnr: r.Dnr, Title: r.Title, Deadline: r.Deadline, Link: baseURL + "/remisser/" + r.ID}
	for _, a := range asgs {
		if a.State.Done() || a.State == remiss.StateApproved {
			continue
		}
		org, err := st.Org(ctx, a.Org)
		if err != nil {
			return false, err
		}
		d.Items = append(d.Items, fmt.Sprintf("%s: %s, svarsdatum %s", org.Name, a.State.Label(), a.Deadline))
	}
	held, err := st.Digested(ctx, r.ID)
	if err != nil {
		return false, err
	}
	var ids []string
	for _, m := range held {
		if m.EventAt.After(now) {
			continue
		}
		d.Events = append(d.Events, m.EventAt.In(remiss.Stockholm).Format("2006-01-02")+": "+m.Subject)
		ids = append(ids, m.ID)
	}
	subject, body, err := templates.Mail("digest", d)
	if err != nil {
		return false, err
	}
	key := "digest." + r.ID + "." + day
	return st.Apply(ctx, store.Change{
		EventKey: key, At: now, Actor: "system", RemissID: r.ID, Action: "digest",
		Detail:   map[string]any{"open": len(d.Items), "events": len(ids)},
		Messages: []store.Message{{ID: key, Kind: "digest", Recipient: coord.Email, Subject: subject, Body: body, EventAt: now}},
		Digested: ids,
	})
}
