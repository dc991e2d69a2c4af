// Package workflows runs a remiss round on Temporal: RemissWorkflow per round
// and an AssignmentWorkflow child per recipient. Workflows hold state and
// timers and carry IDs, hashes, states and dates only; every read and write
// is an activity. Each user action is an Update with a validator, so a bad or
// out-of-order action is rejected before it enters history.
package workflows

import (
	"time"

	"github.com/remiss/remiss/internal/remiss"
)

// TaskQueue is where the worker listens.
const TaskQueue = "remiss"

// Update, query and signal names. An update carries the user's action of
// the same name (see remiss.Action and its policy).
const (
	QueryStatus = "status"

	UpdateAssign           = string(remiss.ActAssign)
	UpdateSaveDraft        = string(remiss.ActSaveDraft)
	UpdateSubmit           = string(remiss.ActSubmit)
	UpdateReturn           = string(remiss.ActReturn)
	UpdateApprove          = string(remiss.ActApprove)
	UpdateProposeDecline   = string(remiss.ActProposeDecline)
	UpdateDecline          = string(remiss.ActDecline)
	UpdateRequestExtension = string(remiss.ActRequestExtension)
	UpdateDecideExtension  = string(remiss.ActDecideExtension)
	UpdateRemindNow        = string(remiss.ActRemindNow)
	UpdateRoute            = string(remiss.ActRoute)
	UpdateDecide           = string(remiss.ActDecide)
	UpdateDecideStep       = string(remiss.ActDecideStep)
	UpdateReceive          = string(remiss.ActReceive)

	UpdateClose    = string(remiss.ActClose)
	UpdateWithdraw = string(remiss.ActWithdraw)

	// Signals from the round to an assignment, and back.
	SignalClose         = "close"
	SignalWithdraw      = "withdraw"
	SignalDeadlineMoved = "deadline-moved"
	// SignalRetry asks a step that waits for an operator to run again.
	SignalRetry = "retry"
	// SignalCalendarChanged: the nämnd's meeting calendar changed; plan the
	// meeting again.
	SignalCalendarChanged = "calendar-changed"
)

// RemissWorkflowID names the workflow of a round; starting a second one for
// the same Dnr is rejected.
func RemissWorkflowID(remissID string) string { return "remiss:" + remissID }

// DecisionWorkflowID names the workflow of KS's statement's decision
// path.
func DecisionWorkflowID(remissID string) string { return "path:" + remissID }

// AssignmentWorkflowID names one recipient's workflow.
func AssignmentWorkflowID(remissID, org string) string {
	return "assignment:" + remiss.AssignmentID(remissID, org)
}

// RemissInput starts a round. The round's texts are in PostgreSQL.
type RemissInput struct {
	RemissID      string
	DeadlineAt    time.Time
	Recipients    []string
	Reminders     []string // offsets before the deadline, e.g. "14d"
	EscalateAfter string   // after the deadline, e.g. "3d"
	Grace         string   // after the last deadline, the round closes
	Coordinator   remiss.Actor
	Path          []string `json:",omitempty"` // KS's statement's decision path; empty: remiss.DefaultPath
	// ExtensionLimit is the end of the last day anstånd may reach
	// (remiss.ExtensionLimit of the svarsdatum); zero in a round launched
	// before it was set: a year past the svarsdatum.
	ExtensionLimit time.Time `json:",omitzero"`
	// ByLink are the recipients outside the city that answer through a
	// personal link (remiss.Org.ByLink).
	ByLink []string `json:",omitempty"`
}

// AssignmentInput starts one recipient's assignment.
type AssignmentInput struct {
	RemissID      string
	Org           string
	DeadlineAt    time.Time
	Reminders     []string
	EscalateAfter string
	RoundWorkflow string // to tell the round when anstånd moves the deadline
	// Route is the recipient's route at launch, when the round knows it:
	// one on delegation starts without looking its plan up.
	Route remiss.Route `json:",omitempty"`
	// ExtensionLimit is the round's: the end of the last day anstånd may
	// reach (zero: a year past DeadlineAt).
	ExtensionLimit time.Time `json:",omitzero"`
	// Statement: this is kommunstyrelsen's own tjänsteutlåtande on the
	// round's answers, drafted when the round closed. It is written,
	// returned and approved like an answer, on no timers.
	Statement bool `json:",omitempty"`
	// ByLink: an outside body answering through its personal link. Its
	// answer is received as it comes (UpdateReceive), with nobody to
	// approve it in Remiss, and sealed by kommunstyrelsen; it keeps the
	// reminders, anstånd and lateness of every recipient.
	ByLink bool `json:",omitempty"`
}

// AssignmentResult is what the round learns when an assignment ends.
type AssignmentResult struct {
	Org        string
	State      remiss.AssignmentState
	Late       bool
	DocumentID string
	MinutesID  string `json:",omitempty"` // the nämnd's protokollsutdrag
}

// Extension is an anstånd request waiting for a decision.
type Extension struct {
	ID          string
	Until       string
	RequestedBy string
}

// AssignmentStatus is the answer to the status query and to every update
// of an assignment. It is the workflow's wire format only (the API writes
// its own fields): a zero field is left out, for it travels in every
// answer's update result, is kept in the history, and is sent again with
// the workflow's next task.
type AssignmentStatus struct {
	AssignmentID  string                 `json:",omitzero"`
	Org           string                 `json:",omitzero"`
	State         remiss.AssignmentState `json:",omitzero"`
	DeadlineAt    time.Time              `json:",omitzero"`
	Officer       string                 `json:",omitzero"`
	VersionID     string                 `json:",omitzero"`
	SHA256        string                 `json:",omitzero"`
	Late          bool                   `json:",omitzero"`
	DocumentID    string                 `json:",omitzero"`
	Pending       *Extension             `json:",omitzero"`
	NoticesSent   []string               `json:",omitzero"` // keys of reminders, overdue and escalation notices
	RoundClosing  bool                   `json:",omitzero"`
	ExtensionsSeq int                    `json:",omitzero"`
	// Decision routing.
	Route            remiss.Route `json:",omitzero"`
	MeetingID        string       `json:",omitzero"`
	AgendaDeadlineAt time.Time    `json:",omitzero"`
	NeedsExtension   bool         `json:",omitzero"`
	Revision         int          `json:",omitzero"`
	MinutesID        string       `json:",omitzero"`
	// DeclineNoteID is the reason of a decline proposed, approved or
	// made: while it is set the body's answer is that it declines.
	DeclineNoteID string `json:",omitzero"`
}

// RouteRequest sets how a recipient decides: on delegation, or by the
// nämnd at a meeting (the planned one when none is named).
type RouteRequest struct {
	Actor     remiss.Actor `validate:"required"`
	Route     remiss.Route `validate:"required,oneof=delegation namnd"`
	MeetingID string       `validate:"omitempty,max=200,id"`
}

// MinutesRequest records the nämnd's decision, stored as DecisionID.
type MinutesRequest struct {
	Actor       remiss.Actor   `validate:"required"`
	DecisionID  string         `validate:"required,max=200,id"`
	MeetingID   string         `validate:"required,max=200,id"`
	Verdict     remiss.Verdict `validate:"required,oneof=bifall andrat aterremiss bordlagd"`
	NextMeeting string         `validate:"omitempty,max=200,id"`
}

// StepRequest records a decision at a step of KS's statement's path.
type StepRequest struct {
	Actor      remiss.Actor   `validate:"required"`
	DecisionID string         `validate:"required,max=200,id"`
	Step       string         `validate:"required,max=40,orgcode"`
	Verdict    remiss.Verdict `validate:"required,oneof=godkanner tillstyrker avstyrker aterremiss beslut"`
}

// PathInput starts KS's statement's decision path.
type PathInput struct {
	RemissID    string
	SummaryID   string
	Path        []string
	Coordinator remiss.Actor
}

// PathStatus is where the decision path stands.
type PathStatus struct {
	RemissID  string
	Path      []string
	Step      int // index in Path of the body deciding next
	Done      bool
	Decisions []string // decision IDs, in order
	OutcomeID string   // the final body's protokollsutdrag
}

// AssignRequest gives the assignment to an officer.
type AssignRequest struct {
	Actor   remiss.Actor `validate:"required"`
	Officer string       `validate:"required,max=64,username"`
}

// VersionRequest saves or submits a stored response version.
type VersionRequest struct {
	Actor     remiss.Actor `validate:"required"`
	VersionID string       `validate:"required,max=200,id"`
	SHA256    string       `validate:"required,sha256"`
}

// NoteRequest is an action with a stored note: return, a decline proposed,
// or a decline (the signatory approving a proposal names its note).
type NoteRequest struct {
	Actor  remiss.Actor `validate:"required"`
	NoteID string       `validate:"required,max=200,id"`
}

// ApproveRequest approves the submitted version.
type ApproveRequest struct {
	Actor remiss.Actor `validate:"required"`
	// SHA256 is the version the signatory read; approval fails if it changed.
	SHA256 string `validate:"required,sha256"`
}

// ExtensionRequest asks for anstånd until a date, with a stored reason.
type ExtensionRequest struct {
	Actor  remiss.Actor `validate:"required"`
	Until  string       `validate:"required,date"`
	NoteID string       `validate:"required,max=200,id"`
}

// ExtensionDecision grants or refuses the pending request. When granted,
// Until (default: the requested date) becomes the deadline.
type ExtensionDecision struct {
	Actor   remiss.Actor `validate:"required"`
	Approve bool
	Until   string `validate:"omitempty,date"`
}

// RemindRequest asks for a reminder to go out now.
type RemindRequest struct {
	Actor remiss.Actor `validate:"required"`
}

// RoundRequest closes or withdraws a round.
type RoundRequest struct {
	Actor remiss.Actor `validate:"required"`
}

// DeadlineMoved tells the round an assignment's new deadline.
type DeadlineMoved struct {
	Org        string
	DeadlineAt time.Time
}

// RemissStatus is the answer to the round's status query.
type RemissStatus struct {
	RemissID     string
	State        remiss.RemissState
	Closing      string // reason, once closing has begun
	LastDeadline time.Time
	CloseAt      time.Time
	Done         int
	Results      []AssignmentResult // finished assignments, in launch order
	// StatementID is the assignment of kommunstyrelsen's own
	// tjänsteutlåtande, drafted when the round closed; SummaryID its
	// sealed document once approved.
	StatementID string `json:",omitempty"`
	SummaryID   string
}
