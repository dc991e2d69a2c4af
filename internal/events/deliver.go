package events

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/remiss/remiss/internal/logging"
	"github.com/remiss/remiss/internal/store"
)

// Deliverer sends each queued event to its webhook subscribers. Several
// may run at once (one per worker): as with the mail outbox, each claimed
// delivery is leased, a lease that runs out (its deliverer died) makes the
// delivery due again, and failures are retried with backoff until
// MaxAttempts. A receiver may get an event twice only after a deliverer
// died between the receiver's answer and recording it; the event's stable
// ID lets it drop the copy.
type Deliverer struct {
	Store   *store.Store
	BaseURL string // links in the events, as in the feed
	// Client sends the requests (default: a client that follows no
	// redirects, with a timeout within the lease).
	Client *http.Client
	// AllowHTTP permits http:// subscribers (tests, a closed network);
	// otherwise only https:// is delivered to.
	AllowHTTP   bool
	Now         func() time.Time
	Lease       time.Duration             // how long a claimed delivery is ours (default 2 min)
	MaxAttempts int                       // before a delivery is given up (default 12)
	Backoff     func(n int) time.Duration // wait after the n-th failed attempt (default 30 s doubling to 1 h)
	Log         *slog.Logger

	owner string
}

func (d *Deliverer) init() {
	if d.owner != "" {
		return
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Lease == 0 {
		d.Lease = 2 * time.Minute
	}
	if d.MaxAttempts == 0 {
		d.MaxAttempts = 12
	}
	if d.Backoff == nil {
		d.Backoff = Backoff
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Client == nil {
		d.Client = &http.Client{
			Timeout:       min(30*time.Second, d.Lease/4),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	host, _ := os.Hostname()
	var b [6]byte
	rand.Read(b[:])
	d.owner = fmt.Sprintf("%s/%d/%x", host, os.Getpid(), b)
}

// Backoff is the wait after the n-th failed attempt: 30 s doubling to 1 h,
// as for mail.
func Backoff(n int) time.Duration {
	w := 30 * time.Second
	for i := 1; i < n && w < time.Hour; i++ {
		w *= 2
	}
	return min(w, time.Hour)
}

// Run delivers what is due every interval until ctx ends.
func (d *Deliverer) Run(ctx context.Context, interval time.Duration) error {
	d.init()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := d.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			d.Log.Warn("events: deliver", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// DeliverDue delivers every delivery due now and returns how many the
// receivers accepted.
func (d *Deliverer) DeliverDue(ctx context.Context) (int, error) {
	d.init()
	done := 0
	for ctx.Err() == nil {
		batch, err := d.Store.ClaimDeliveries(ctx, d.owner, d.Now(), d.Lease, 20)
		if err != nil || len(batch) == 0 {
			return done, err
		}
		// What a receiver accepted is recorded even when we are told to
		// stop, or it would be sent again.
		mark := context.WithoutCancel(ctx)
		for i, dl := range batch {
			if ctx.Err() != nil {
				// Not sent: due again at once for whoever runs next.
				for _, rest := range batch[i:] {
					d.retry(mark, rest, 0, ctx.Err(), d.Now())
				}
				return done, ctx.Err()
			}
			ok, err := d.deliverOne(ctx, mark, dl)
			if err != nil {
				return done, err
			}
			if ok {
				done++
			}
		}
	}
	return done, ctx.Err()
}

// deliverOne sends one delivery and records the outcome.
func (d *Deliverer) deliverOne(ctx, mark context.Context, dl store.Delivery) (bool, error) {
	sub, ev := dl.Subscription, dl.Event
	mine, err := d.Store.RenewDelivery(ctx, sub.ID, ev.Seq, d.owner, d.Now().Add(d.Lease))
	if err != nil || !mine {
		return false, err
	}
	status, err := d.post(ctx, dl)
	if err == nil {
		_, err := d.Store.MarkDelivered(mark, sub.ID, ev.Seq, d.Now(), status)
		return err == nil, err
	}
	var refused *refusal
	if errors.As(err, &refused) || dl.Attempts >= d.MaxAttempts {
		attrs := []any{"subscription", sub.ID, "event", ev.ID, logging.Remiss(ev.RemissID)}
		if ev.AssignmentID != "" {
			attrs = append(attrs, logging.Assignment(ev.AssignmentID))
		}
		d.Log.Warn("events: undeliverable", append(attrs, "err", err)...)
		return false, d.Store.MarkDeliveryFailed(mark, sub.ID, ev.Seq, d.owner, status, err.Error(), d.Now())
	}
	if ctx.Err() != nil {
		// Stopped mid-request: due again at once for the next deliverer.
		return false, d.retry(mark, dl, status, err, d.Now())
	}
	return false, d.retry(mark, dl, status, err, d.Now().Add(d.Backoff(dl.Attempts)))
}

func (d *Deliverer) retry(ctx context.Context, dl store.Delivery, status int, cause error, next time.Time) error {
	return d.Store.MarkDeliveryRetry(ctx, dl.Subscription.ID, dl.Event.Seq, d.owner, status, cause.Error(), next)
}

// refusal is a delivery that retrying will not make: the subscriber's
// address is not one we send to.
type refusal struct{ reason string }

func (r *refusal) Error() string { return r.reason }

// CheckURL says whether events may be sent to raw: an absolute https URL
// (http only when allowHTTP), with a host and without credentials.
func CheckURL(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return &refusal{"adressen måste vara en fullständig URL utan användaruppgifter, t.ex. https://diarium.example.se/remiss"}
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && allowHTTP:
		return nil
	case u.Scheme == "http":
		return &refusal{"adressen måste börja med https:// (http är avstängt)"}
	}
	return &refusal{"adressen måste börja med https://"}
}

// post sends the event as the subscriber's organisation sees it, signed.
// A 2xx answer is acceptance.
func (d *Deliverer) post(ctx context.Context, dl store.Delivery) (int, error) {
	if err := CheckURL(dl.Subscription.URL, d.AllowHTTP); err != nil {
		return 0, err
	}
	body, err := Marshal(View(dl.Event, dl.Subscription.Org, d.BaseURL))
	if err != nil {
		return 0, &refusal{err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dl.Subscription.URL, bytes.NewReader(body))
	if err != nil {
		return 0, &refusal{err.Error()}
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set("User-Agent", "remiss-events/1")
	req.Header.Set(SignatureHeader, Sign(dl.Subscription.Secret, d.Now(), body))
	req.Header.Set("Remiss-Delivery-Attempt", strconv.Itoa(dl.Attempts))
	resp, err := d.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("events: %s answered %s", dl.Subscription.URL, resp.Status)
	}
	return resp.StatusCode, nil
}
