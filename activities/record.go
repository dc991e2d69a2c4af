package activities

import (
	"context"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"go.temporal.io/sdk/temporal"
)

// Recording an accepted action on an assignment: its state, audit row and
// the messages it causes.

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
	// ActionReceived: an outside body's answer came through its link.
	ActionReceived Action = "received"
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
// messages it causes, in one transaction. What it reads first (the
// assignment, the version or note it names, the users it tells) is one
// statement: an answer costs a read and a write.
func (a *Activities) Record(ctx context.Context, in RecordInput) (RecordResult, error) {
	rc, err := a.Store.RecordContext(ctx, recordQuery(in))
	if err != nil {
		return RecordResult{}, nonRetryableIfNotFound(err)
	}
	asg, r, org := rc.Assignment, rc.Remiss, rc.Org
	if err := ownedIn(rc, in.VersionID, in.SHA256, in.NoteID); err != nil {
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
	m := a.newMessages(r, org, asg, in.EventKey, in.At)
	if m.byLink {
		m.link(a.BaseURL, rc.Link)
	}
	if err := a.recordAction(ctx, in, rc, &c, m); err != nil {
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

// recordQuery is what Record reads for an action: beside the assignment,
// the version and note it names (checked to be the assignment's) and the
// users recordAction tells.
func recordQuery(in RecordInput) store.RecordQuery {
	q := store.RecordQuery{AssignmentID: in.AssignmentID, VersionID: in.VersionID, NoteID: in.NoteID}
	switch in.Action {
	case ActionAssigned:
		q.User = in.Officer
	case ActionSubmitted:
		q.Role, q.User = remiss.RoleSignatory, in.Actor.User
	case ActionReturned:
		q.Officer = true
	case ActionDeclineProposed:
		q.Role = remiss.RoleSignatory
	case ActionDeclined, ActionExtensionAsked:
		q.Coordinator = true
	}
	return q
}

// ownedIn refuses, for good, a version or note that is not the read
// assignment's, or a version whose hash is not the one given (see owned).
func ownedIn(rc store.RecordContext, versionID, sha, noteID string) error {
	id := rc.Assignment.ID
	if versionID != "" && (rc.Version == nil || rc.Version.AssignmentID != id || (sha != "" && rc.Version.SHA256 != sha)) {
		return notOwned("versionen "+versionID, id)
	}
	if noteID != "" && (rc.Note == nil || rc.Note.AssignmentID != id) {
		return notOwned("anteckningen "+noteID, id)
	}
	return nil
}

// recordAction adds to c and m what an action changes and whom it tells,
// from what Record read (rc: recordQuery names the users each action
// tells; one not found, removed since, is told nothing).
func (a *Activities) recordAction(ctx context.Context, in RecordInput, rc store.RecordContext, c *store.Change, m *messageSet) error {
	asg, r, org := rc.Assignment, rc.Remiss, rc.Org
	switch in.Action {
	case ActionAssigned:
		c.Assignment.Officer = &in.Officer
		c.Detail["officer"] = in.Officer
		m.add("assigned", rc.Users[in.Officer].Email)
	case ActionDraftSaved:
		c.Assignment.ResponseVersionID = &in.VersionID
		c.Detail["version"], c.Detail["sha256"] = in.VersionID, in.SHA256
	case ActionSubmitted:
		recordSubmitted(in, rc, c, m)
	case ActionReceived:
		// The receipt goes out with the sealed document (RenderStatement).
		at := in.At
		c.Assignment.ResponseVersionID, c.Assignment.SubmittedAt, c.Assignment.Late = &in.VersionID, &at, &in.Late
		c.Detail["version"], c.Detail["sha256"], c.Detail["late"] = in.VersionID, in.SHA256, in.Late
	case ActionReturned:
		recordReturned(in, rc, c, m)
	case ActionApproved:
		c.Detail["version"] = asg.ResponseVersionID
	case ActionDeclineProposed:
		c.Assignment.DeclineNoteID = &in.NoteID
		c.Detail["note"] = in.NoteID
		toSignatories(rc, "decline_proposed", m)
	case ActionDeclineApproved:
		return a.recordDeclineApproved(ctx, in, asg, org, c, m)
	case ActionDeclined:
		recordDeclined(in, rc.Users[r.Coordinator], c, m)
	case ActionExtensionAsked:
		recordExtensionAsked(in, rc.Users[r.Coordinator], c, m)
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
func recordSubmitted(in RecordInput, rc store.RecordContext, c *store.Change, m *messageSet) {
	at := in.At
	c.Assignment.ResponseVersionID = &in.VersionID
	c.Assignment.SubmittedAt = &at
	c.Assignment.Late = &in.Late
	c.Detail["version"], c.Detail["sha256"], c.Detail["late"] = in.VersionID, in.SHA256, in.Late
	toSignatories(rc, "submitted", m)
	m.add("receipt", rc.Users[in.Actor.User].Email)
}

// toSignatories tells the organisation's signatories that something waits
// for their approval.
func toSignatories(rc store.RecordContext, kind string, m *messageSet) {
	for _, s := range rc.WithRole {
		m.add(kind, s.Email)
	}
}

// recordReturned sends an answer, or a proposed decline, back to whoever
// prepares it with the signatory's comment: the officer, or the
// registrator's mailbox when nobody has the assignment yet.
func recordReturned(in RecordInput, rc store.RecordContext, c *store.Change, m *messageSet) {
	asg := rc.Assignment
	c.Detail["note"] = in.NoteID
	if asg.State == remiss.StateDeclineProposed {
		none := "" // no longer the body's answer
		c.Assignment.DeclineNoteID = &none
		m.data.Decline = true
	}
	to := rc.Org.Email
	if asg.Officer != "" {
		to = rc.Users[asg.Officer].Email
	}
	m.add("returned", to)
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
func recordDeclined(in RecordInput, coord store.User, c *store.Change, m *messageSet) {
	none := "" // no decision to make: the meeting is free
	c.Assignment.MeetingID = &none
	c.Assignment.DeclineNoteID = &in.NoteID
	c.Detail["note"] = in.NoteID
	at := in.At
	c.Assignment.SubmittedAt = &at
	c.Assignment.Late = &in.Late
	m.add("declined", coord.Email)
}

// recordExtensionAsked records an anstånd request and tells the
// Coordinator.
func recordExtensionAsked(in RecordInput, coord store.User, c *store.Change, m *messageSet) {
	c.Request = &store.ExtensionRequest{ID: in.ExtensionID, Until: in.Until, ReasonNoteID: in.NoteID}
	m.data.Until = in.Until
	c.Detail["extension"], c.Detail["until"] = in.ExtensionID, in.Until
	m.add("extension_requested", coord.Email)
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
