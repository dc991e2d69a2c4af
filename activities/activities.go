// Package activities does all the I/O of a remiss round for the workflows:
// it records state changes with their audit rows and messages in PostgreSQL,
// renders and stores PDFs. Every activity is idempotent: its writes are keyed
// by IDs the workflow derives deterministically, so a retry changes nothing.
package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
	"go.temporal.io/sdk/temporal"

	"github.com/remiss/remiss/internal/keeper"
	"github.com/remiss/remiss/internal/metrics"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
)

// Activities holds the dependencies of every activity; workflows call them
// through a nil *Activities.
type Activities struct {
	Store *store.Store
	// BaseURL is where users open an assignment, e.g. http://localhost:8080.
	BaseURL string
	// Seals sign every document; each organisation signs with its own.
	Seals *sign.Keyring
	// TSA, when set, time-stamps every signature (PAdES B-T).
	TSA *sign.TSA
	// Metrics, when set, counts sealed documents and times the sealing.
	Metrics *metrics.Registry
}

// ErrSeal is the error type of a document that cannot be sealed: no seal, an
// expired or not yet valid certificate, a key that does not match. Retrying
// does not help; the workflow reports it and waits for an operator.
const ErrSeal = "SealError"

// seal signs a rendered PDF as org, now, or fails for good. (The document's
// own date is the event's; the seal's time is when it is applied.)
func (a *Activities) seal(org string, pdf []byte, name, reason string) ([]byte, error) {
	start := time.Now()
	s, err := a.Seals.For(org)
	if err == nil {
		var signed []byte
		if signed, err = s.SignPDF(pdf, sign.Options{At: time.Now().In(remiss.Stockholm), Name: name, Reason: reason, Location: "Stockholm", TSA: a.TSA}); err == nil {
			if a.Metrics != nil {
				a.Metrics.DocumentsSigned.Inc()
				a.Metrics.SigningSeconds.Observe(time.Since(start).Seconds())
			}
			return signed, nil
		}
		if errors.Is(err, sign.ErrTimestamp) {
			if a.Metrics != nil {
				a.Metrics.SealFailures.WithLabelValues("timestamp").Inc()
			}
			return nil, err // the TSA may answer later: retry
		}
	}
	if a.Metrics != nil {
		a.Metrics.SealFailures.WithLabelValues("seal").Inc()
	}
	return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("dokumentet kunde inte förseglas för %s: %v", org, err), ErrSeal, err)
}

// NoticeKind names a timed message.
type NoticeKind string

const (
	NoticeReminder   NoticeKind = "reminder"
	NoticeOverdue    NoticeKind = "overdue"
	NoticeEscalation NoticeKind = "escalation"
)

// NotifyInput is a timer that fired for one assignment.
type NotifyInput struct {
	EventKey     string
	At           time.Time // the scheduled time of the notice
	AssignmentID string
	Kind         NoticeKind
	Offset       string `json:",omitempty"` // "14d" for a reminder
}

// Notify queues a reminder, an overdue notice or an escalation.
func (a *Activities) Notify(ctx context.Context, in NotifyInput) (RecordResult, error) {
	asg, r, org, err := a.load(ctx, in.AssignmentID)
	if err != nil {
		return RecordResult{}, err
	}
	to := org.Email
	if asg.Officer != "" {
		u, err := a.user(ctx, asg.Officer)
		if err != nil {
			return RecordResult{}, err
		}
		if u.Email != "" {
			to = u.Email
		}
	}
	m := a.messages(ctx, r, org, asg, in.EventKey, in.At)
	if asg.Route == remiss.RouteNamnd && asg.MeetingID != "" {
		// The nämnd decides at its meeting: say which, and by when the
		// ärende must be on its agenda.
		if mt, err := a.Store.Meeting(ctx, org.Code, asg.MeetingID); err == nil {
			m.data.Meeting, m.data.AgendaDeadline = mt.Date, mt.AgendaDeadline
		}
	}
	switch in.Kind {
	case NoticeReminder, NoticeOverdue:
		m.add(string(in.Kind), to)
	case NoticeEscalation:
		coord, err := a.user(ctx, r.Coordinator)
		if err != nil {
			return RecordResult{}, err
		}
		m.add(string(in.Kind), coord.Email)
	default:
		return RecordResult{}, temporal.NewNonRetryableApplicationError("unknown notice "+string(in.Kind), "BadInput", nil)
	}
	if m.err != nil {
		return RecordResult{}, m.err
	}
	applied, err := a.Store.Apply(ctx, store.Change{
		EventKey: in.EventKey, At: in.At, Actor: "system", RemissID: r.ID, AssignmentID: asg.ID,
		Action: string(in.Kind), Detail: map[string]any{"offset": in.Offset, "deadline": asg.Deadline},
		Messages: m.list,
	})
	return RecordResult{Applied: applied}, err
}

// owned refuses, for good, a version or note that is not this
// assignment's, or a version whose hash is not the one given.
func (a *Activities) owned(ctx context.Context, assignmentID, versionID, sha, noteID string) error {
	bad := func(what string) error { return notOwned(what, assignmentID) }
	if versionID != "" {
		v, err := a.Store.VersionHead(ctx, versionID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (v.AssignmentID != assignmentID || (sha != "" && v.SHA256 != sha))) {
			return bad("versionen " + versionID)
		}
		if err != nil {
			return err
		}
	}
	if noteID != "" {
		note, err := a.Store.Note(ctx, noteID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && note.AssignmentID != assignmentID) {
			return bad("anteckningen " + noteID)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// notOwned is the refusal of a version or note (what) that is not the
// assignment's.
func notOwned(what, assignmentID string) error {
	return temporal.NewNonRetryableApplicationError(what+" hör inte till uppdraget "+assignmentID, "BadInput", nil)
}

// user loads a user; a user that does not exist (removed since) is the
// zero User, any other error is returned so the activity retries.
func (a *Activities) user(ctx context.Context, username string) (store.User, error) {
	u, err := a.Store.User(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, nil
	}
	return u, err
}

// permanent marks errors retrying cannot cure: rows that are missing, and
// data the database refuses (SQLSTATE classes 22 and 23).
func permanent(err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && (pqErr.Code.Class() == "22" || pqErr.Code.Class() == "23") {
		return temporal.NewNonRetryableApplicationError(err.Error(), "BadData", err)
	}
	return nonRetryableIfNotFound(err)
}

// load reads an assignment with its round and organisation.
func (a *Activities) load(ctx context.Context, assignmentID string) (store.Assignment, store.Remiss, remiss.Org, error) {
	asg, r, org, err := a.Store.AssignmentInRound(ctx, assignmentID)
	return asg, r, org, nonRetryableIfNotFound(err)
}

func nonRetryableIfNotFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return temporal.NewNonRetryableApplicationError(err.Error(), "NotFound", err)
	}
	return err
}

// keep stores a document with its verification (see internal/keeper).
func (a *Activities) keep(ctx context.Context, d store.Document) (store.Document, error) {
	k := keeper.Keeper{Store: a.Store}
	if a.Seals != nil {
		k.Roots = a.Seals.Roots
	}
	return k.Put(ctx, d)
}
