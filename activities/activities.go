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
			return nil, err // the TSA may answer later: retry
		}
	}
	return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("dokumentet kunde inte förseglas för %s: %v", org, err), ErrSeal, err)
}

// Action names an assignment event; it is the audit row's action.
type Action string

const (
	ActionAssigned          Action = "assigned"
	ActionDraftSaved        Action = "draft_saved"
	ActionSubmitted         Action = "submitted"
	ActionReturned          Action = "returned"
	ActionApproved          Action = "approved"
	ActionDeclineProposed   Action = "decline_proposed" // for the signatory's approval
	ActionDeclineApproved   Action = "decline_approved" // by the signatory; on the nämnd's agenda
	ActionDeclined          Action = "declined"
	ActionExtensionAsked    Action = "extension_requested"
	ActionExtensionDecided  Action = "extension_decided"
	ActionMissed            Action = "missed"
	ActionAssignmentRevoked Action = "withdrawn"
)

// RecordInput is one user action on an assignment, already accepted by the
// workflow. Only IDs, states and dates: no free text.
type RecordInput struct {
	EventKey     string
	At           time.Time
	Actor        remiss.Actor
	AssignmentID string
	Action       Action
	State        remiss.AssignmentState
	Officer      string    `json:",omitempty"`
	VersionID    string    `json:",omitempty"`
	SHA256       string    `json:",omitempty"`
	Late         bool      `json:",omitempty"`
	NoteID       string    `json:",omitempty"`
	ExtensionID  string    `json:",omitempty"`
	Until        string    `json:",omitempty"` // anstånd date
	UntilAt      time.Time `json:",omitempty"` // its end instant
	Approved     bool      `json:",omitempty"`
}

// RecordResult says whether the change was new.
type RecordResult struct {
	Applied bool
	// Routes: AnnounceRound tells the round each recipient's decision
	// route, so that an assignment on delegation need not look it up.
	Routes map[string]remiss.Route `json:",omitempty"`
	// Plan: where a decline approved for the nämnd is on the agenda.
	Plan DecisionPlan `json:",omitzero"`
}

// DocumentResult names a stored document by ID and hash.
type DocumentResult struct {
	DocumentID string
	SHA256     string
	// For a statement going to the nämnd: the meeting it is on the agenda
	// of, that meeting's agenda deadline, and whether it falls after the
	// svarsdatum (or there is none), so that anstånd is needed.
	MeetingID        string    `json:",omitempty"`
	AgendaDeadlineAt time.Time `json:",omitempty"`
	NeedsExtension   bool      `json:",omitempty"`
}

// Record writes an assignment event: the new state, the audit row and the
// messages it causes, in one transaction.
func (a *Activities) Record(ctx context.Context, in RecordInput) (RecordResult, error) {
	asg, r, org, err := a.load(ctx, in.AssignmentID)
	if err != nil {
		return RecordResult{}, err
	}
	if err := a.owned(ctx, asg.ID, in.VersionID, in.SHA256, in.NoteID); err != nil {
		return RecordResult{}, err
	}
	state := string(in.State)
	c := store.Change{
		EventKey:     in.EventKey,
		At:           in.At,
		Actor:        in.Actor.User,
		RemissID:     asg.RemissID,
		AssignmentID: asg.ID,
		Action:       string(in.Action),
		Detail:       map[string]any{"state": state, "role": in.Actor.Role, "org": in.Actor.Org},
		Assignment:   &store.AssignmentPatch{State: &state},
	}
	m := a.messages(r, org, asg, in.EventKey, in.At)
	if err := a.recordAction(ctx, in, asg, r, org, &c, m); err != nil {
		return RecordResult{}, err
	}
	if m.err != nil {
		return RecordResult{}, m.err
	}
	c.Messages = m.list
	applied, err := a.Store.Apply(ctx, c)
	if err != nil {
		return RecordResult{}, permanent(err)
	}
	res := RecordResult{Applied: applied}
	if in.Action == ActionDeclineApproved {
		// The meeting it is on the agenda of, as stored (a retry plans nothing new).
		res.Plan, err = a.storedPlan(ctx, asg.ID, remiss.RouteNamnd)
	}
	return res, err
}

// recordAction adds to c and m what an action changes and whom it tells.
func (a *Activities) recordAction(ctx context.Context, in RecordInput, asg store.Assignment, r store.Remiss, org remiss.Org, c *store.Change, m *messageSet) error {
	switch in.Action {
	case ActionAssigned:
		c.Assignment.Officer = &in.Officer
		c.Detail["officer"] = in.Officer
		u, err := a.user(ctx, in.Officer)
		if err != nil {
			return err
		}
		m.add("assigned", u.Email)
	case ActionDraftSaved:
		c.Assignment.ResponseVersionID = &in.VersionID
		c.Detail["version"], c.Detail["sha256"] = in.VersionID, in.SHA256
	case ActionSubmitted:
		return a.recordSubmitted(ctx, in, org, c, m)
	case ActionReturned:
		return a.recordReturned(ctx, in, asg, org, c, m)
	case ActionApproved:
		c.Detail["version"] = asg.ResponseVersionID
	case ActionDeclineProposed:
		c.Assignment.DeclineNoteID = &in.NoteID
		c.Detail["note"] = in.NoteID
		return a.toSignatories(ctx, org, "decline_proposed", m)
	case ActionDeclineApproved:
		return a.recordDeclineApproved(ctx, in, asg, org, c, m)
	case ActionDeclined:
		return a.recordDeclined(ctx, in, r, c, m)
	case ActionExtensionAsked:
		return a.recordExtensionAsked(ctx, in, r, c, m)
	case ActionExtensionDecided:
		recordExtensionDecided(in, org, c, m)
	case ActionMissed, ActionAssignmentRevoked:
		// An answer that will not come frees its meeting in the calendar.
		none := ""
		c.Assignment.MeetingID = &none
	default:
		return temporal.NewNonRetryableApplicationError("unknown action "+string(in.Action), "BadInput", nil)
	}
	return nil
}

// recordSubmitted records the submitted version and tells the
// organisation's signatories, with a receipt to the officer.
func (a *Activities) recordSubmitted(ctx context.Context, in RecordInput, org remiss.Org, c *store.Change, m *messageSet) error {
	at := in.At
	c.Assignment.ResponseVersionID = &in.VersionID
	c.Assignment.SubmittedAt = &at
	c.Assignment.Late = &in.Late
	c.Detail["version"], c.Detail["sha256"], c.Detail["late"] = in.VersionID, in.SHA256, in.Late
	if err := a.toSignatories(ctx, org, "submitted", m); err != nil {
		return err
	}
	u, err := a.user(ctx, in.Actor.User)
	if err != nil {
		return err
	}
	m.add("receipt", u.Email)
	return nil
}

// toSignatories tells the organisation's signatories that something waits
// for their approval.
func (a *Activities) toSignatories(ctx context.Context, org remiss.Org, kind string, m *messageSet) error {
	signatories, err := a.Store.UsersWithRole(ctx, org.Code, remiss.RoleSignatory)
	if err != nil {
		return err
	}
	for _, s := range signatories {
		m.add(kind, s.Email)
	}
	return nil
}

// recordReturned sends an answer, or a proposed decline, back to whoever
// prepares it with the signatory's comment: the officer, or the
// registrator's mailbox when nobody has the assignment yet.
func (a *Activities) recordReturned(ctx context.Context, in RecordInput, asg store.Assignment, org remiss.Org, c *store.Change, m *messageSet) error {
	c.Detail["note"] = in.NoteID
	if asg.State == remiss.StateDeclineProposed {
		none := "" // no longer the body's answer
		c.Assignment.DeclineNoteID = &none
		m.data.Decline = true
	}
	to := org.Email
	if asg.Officer != "" {
		u, err := a.user(ctx, asg.Officer)
		if err != nil {
			return err
		}
		to = u.Email
	}
	m.add("returned", to)
	return nil
}

// recordDeclineApproved records the signatory's approval of a decline the
// nämnd decides: it goes on the agenda of its meeting like a statement,
// and its registrator is told; kommunstyrelsen hears once the nämnd has
// decided.
func (a *Activities) recordDeclineApproved(ctx context.Context, in RecordInput, asg store.Assignment, org remiss.Org, c *store.Change, m *messageSet) error {
	c.Assignment.DeclineNoteID = &in.NoteID
	c.Detail["note"] = in.NoteID
	at := in.At
	c.Assignment.SubmittedAt, c.Assignment.Late = &at, &in.Late
	meeting, _, err := a.onAgenda(ctx, c, asg, org, StatementInput{At: in.At, Route: remiss.RouteNamnd})
	if err != nil {
		return err
	}
	m.data.Meeting, m.data.Decline = meeting.Date, true
	m.add("on_agenda", org.Email)
	return nil
}

// recordDeclined records the decline note, frees the meeting and tells the
// Coordinator.
func (a *Activities) recordDeclined(ctx context.Context, in RecordInput, r store.Remiss, c *store.Change, m *messageSet) error {
	none := "" // no decision to make: the meeting is free
	c.Assignment.MeetingID = &none
	c.Assignment.DeclineNoteID = &in.NoteID
	c.Detail["note"] = in.NoteID
	at := in.At
	c.Assignment.SubmittedAt = &at
	c.Assignment.Late = &in.Late
	coord, err := a.user(ctx, r.Coordinator)
	if err != nil {
		return err
	}
	m.add("declined", coord.Email)
	return nil
}

// recordExtensionAsked records an anstånd request and tells the
// Coordinator.
func (a *Activities) recordExtensionAsked(ctx context.Context, in RecordInput, r store.Remiss, c *store.Change, m *messageSet) error {
	c.Request = &store.ExtensionRequest{ID: in.ExtensionID, Until: in.Until, ReasonNoteID: in.NoteID}
	m.data.Until = in.Until
	c.Detail["extension"], c.Detail["until"] = in.ExtensionID, in.Until
	coord, err := a.user(ctx, r.Coordinator)
	if err != nil {
		return err
	}
	m.add("extension_requested", coord.Email)
	return nil
}

// recordExtensionDecided records the Coordinator's decision on an anstånd,
// moves the deadline when granted, and tells the organisation.
func recordExtensionDecided(in RecordInput, org remiss.Org, c *store.Change, m *messageSet) {
	c.Decision = &store.ExtensionDecision{ID: in.ExtensionID, Approved: in.Approved}
	c.Detail["extension"], c.Detail["approved"] = in.ExtensionID, in.Approved
	m.data.Approved, m.data.Until = in.Approved, in.Until
	if in.Approved {
		c.Decision.Until = in.Until
		c.Assignment.Deadline, c.Assignment.DeadlineAt = &in.Until, &in.UntilAt
		c.Detail["until"] = in.Until
	}
	m.add("extension_decided", org.Email)
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
	m := a.messages(r, org, asg, in.EventKey, in.At)
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
	bad := func(what string) error {
		return temporal.NewNonRetryableApplicationError(what+" hör inte till uppdraget "+assignmentID, "BadInput", nil)
	}
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
