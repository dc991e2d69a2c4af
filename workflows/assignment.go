package workflows

import (
	"fmt"
	"slices"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/validate"
	"go.temporal.io/sdk/workflow"
)

var a *activities.Activities

// rules checks request fields; it never needs the organisation list.
var rules = validate.New(nil)

type assignment struct {
	in          AssignmentInput
	id          string
	state       remiss.AssignmentState
	deadlineAt  time.Time
	scheduledAt time.Time // when the current deadline was set; earlier reminders are skipped
	officer     string
	versionID   string
	sha256      string
	late        bool
	documentID  string
	pending     *Extension
	extensions  int
	fired       []string
	remindedAt  time.Time // when the last reminder on demand went out
	seq         int
	changes     int
	closing     bool
	withdrawing bool
	retries     retrySignals
	mu          workflow.Mutex
	timer       dueTimer // the timer for the next notice
	// Decision routing.
	route      remiss.Route
	meetingID  string
	agendaAt   time.Time // end of the planned meeting's agenda deadline
	needsExt   bool
	revision   int
	approvedBy string
	postponed  bool // bordlagd: reminders run while it waits for the meeting
	minutesID  string
	// explicitMeeting: the registrator named the meeting; a re-plan keeps it.
	explicitMeeting bool
	calendarChanged bool
	// declineNote: the body's answer is that it declines, for this reason
	// (proposed, approved or decided).
	declineNote string
}

// AssignmentWorkflow carries one recipient's duty to answer from sent to an
// answer, a decline, a miss or a withdrawal.
func AssignmentWorkflow(ctx workflow.Context, in AssignmentInput) (AssignmentResult, error) {
	w := &assignment{
		in:          in,
		id:          remiss.AssignmentID(in.RemissID, in.Org),
		state:       remiss.StateSent,
		deadlineAt:  in.DeadlineAt,
		scheduledAt: workflow.Now(ctx),
		mu:          workflow.NewMutex(ctx),
		revision:    1,
	}
	ctx = activityOptions(ctx)
	if err := w.setup(ctx); err != nil {
		return AssignmentResult{}, err
	}
	if in.Route == remiss.RouteDelegation || in.Statement || in.ByLink {
		// On delegation, as the round says, KS's own statement, which its
		// signatory approves, or an outside body's answer by link, which
		// is its own: nothing to plan.
		w.route = remiss.RouteDelegation
	} else if err := w.locked(ctx, func() error {
		// Retried until the database answers; a plan that fails for good
		// must not cost the recipient its assignment.
		if err := w.plan(ctx, activities.PlanInput{EventKey: w.id + ".plan", Actor: systemActor}, true); err != nil {
			// A day without the database: go on with the route the
			// round gave (the stored one), flagged until a plan is made.
			workflow.GetLogger(ctx).Error("no decision plan", "error", err)
			w.route = in.Route
			if w.route == "" {
				w.route = remiss.RouteDelegation
			}
			w.needsExt = w.route == remiss.RouteNamnd
		}
		return nil
	}); err != nil {
		return AssignmentResult{}, err
	}
	return w.run(ctx)
}

func (w *assignment) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (AssignmentStatus, error) { return w.status(), nil }); err != nil {
		return err
	}
	updates := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateAssign, w.assign, func(_ workflow.Context, r AssignRequest) error { return w.checkAssign(r) }},
		{UpdateSaveDraft, w.saveDraft, func(_ workflow.Context, r VersionRequest) error { return w.checkDraft(r) }},
		{UpdateSubmit, w.submit, func(_ workflow.Context, r VersionRequest) error { return w.checkSubmit(r) }},
		{UpdateReturn, w.returnForRevision, func(_ workflow.Context, r NoteRequest) error { return w.checkReturn(r) }},
		{UpdateApprove, w.approve, func(_ workflow.Context, r ApproveRequest) error { return w.checkApprove(r) }},
		{UpdateProposeDecline, w.proposeDecline, func(_ workflow.Context, r NoteRequest) error { return w.checkProposeDecline(r) }},
		{UpdateDecline, w.decline, func(_ workflow.Context, r NoteRequest) error { return w.checkDecline(r) }},
		{UpdateRequestExtension, w.requestExtension, func(_ workflow.Context, r ExtensionRequest) error {
			return w.checkRequestExtension(r, w.extensionLimit())
		}},
		{UpdateDecideExtension, w.decideExtension, func(_ workflow.Context, r ExtensionDecision) error {
			return w.checkDecideExtension(r, w.extensionLimit())
		}},
		{UpdateRemindNow, w.remindNow, func(ctx workflow.Context, r RemindRequest) error { return w.checkRemindNow(ctx, r) }},
		{UpdateRoute, w.setRoute, func(_ workflow.Context, r RouteRequest) error { return w.checkRoute(r) }},
		{UpdateDecide, w.decide, func(_ workflow.Context, r MinutesRequest) error { return w.checkDecide(r) }},
		{UpdateReceive, w.receive, func(_ workflow.Context, r VersionRequest) error { return w.checkReceive(r) }},
	}
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler, workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return err
		}
	}
	listen(ctx, w.retries.signal(),
		signalCase{SignalCalendarChanged, func(c workflow.ReceiveChannel) {
			if c.ReceiveAsync(nil) {
				w.calendarChanged = true
				w.changes++
			}
		}},
		signalCase{SignalClose, func(c workflow.ReceiveChannel) {
			if c.ReceiveAsync(nil) {
				w.closing = true
			}
		}},
		signalCase{SignalWithdraw, func(c workflow.ReceiveChannel) {
			if c.ReceiveAsync(nil) {
				w.withdrawing = true
			}
		}})
	return nil
}

func (w *assignment) run(ctx workflow.Context) (AssignmentResult, error) {
	for {
		if w.withdrawing && !w.state.Done() {
			// Under the lock, so an action being recorded finishes first; the
			// round records the withdrawal of every assignment at once.
			if err := w.locked(ctx, func() error {
				if !w.state.Done() {
					w.state = remiss.StateWithdrawn
				}
				return nil
			}); err != nil {
				return AssignmentResult{}, err
			}
			continue
		}
		if w.state == remiss.StateApproved {
			if err := w.produceStatement(ctx); err != nil {
				return AssignmentResult{}, err
			}
			continue
		}
		if w.state.Done() {
			break
		}
		if w.calendarChanged {
			w.calendarChanged = false
			if err := w.locked(ctx, func() error { w.replan(ctx, systemActor); return nil }); err != nil {
				return AssignmentResult{}, err
			}
			continue
		}
		if w.closing {
			if err := w.locked(ctx, func() error { return w.miss(ctx) }); err != nil {
				return AssignmentResult{}, err
			}
			continue
		}
		if err := w.awaitNotice(ctx); err != nil {
			return AssignmentResult{}, err
		}
	}
	// Let running update handlers return their answers before completing.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return AssignmentResult{}, err
	}
	return AssignmentResult{Org: w.in.Org, State: w.state, Late: w.late, DocumentID: w.documentID, MinutesID: w.minutesID}, nil
}

// miss records that the round closed without an answer.
func (w *assignment) miss(ctx workflow.Context) error {
	if w.state.Done() || w.state == remiss.StateApproved {
		return nil
	}
	_, err := w.record(ctx, activities.ActionMissed, remiss.StateMissed, activities.RecordInput{Actor: systemActor})
	if err == nil {
		w.state = remiss.StateMissed
	}
	return err
}

var systemActor = remiss.Actor{User: "system", Org: remiss.KS, Role: remiss.RoleAdmin}

// locked runs fn under the workflow's mutex, so a timer and an update never
// interleave their activities.
func (w *assignment) locked(ctx workflow.Context, fn func() error) error {
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	defer w.mu.Unlock()
	return fn()
}

// record writes one accepted action through the Record activity, run as a
// local activity: a user waits for the answer, and a local activity saves
// the round trips of a task through the server (the write is idempotent by
// its event key, so a retry after a worker crash changes nothing).
func (w *assignment) record(ctx workflow.Context, action activities.Action, to remiss.AssignmentState, in activities.RecordInput) (activities.RecordResult, error) {
	w.seq++
	in.EventKey = fmt.Sprintf("%s.%03d.%s", w.id, w.seq, action)
	in.At = workflow.Now(ctx)
	in.AssignmentID = w.id
	in.Action = action
	in.State = to
	var res activities.RecordResult
	err := workflow.ExecuteLocalActivity(localOptions(ctx), a.Record, in).Get(ctx, &res)
	return res, err
}

// handle is the shape of every update handler: re-check under the lock (an
// update validated earlier may have raced another), record, then change state.
func (w *assignment) handle(ctx workflow.Context, check func() error, act func() error) (AssignmentStatus, error) {
	err := w.locked(ctx, func() error {
		if err := check(); err != nil {
			return err
		}
		if err := act(); err != nil {
			return err
		}
		w.changes++
		return nil
	})
	return w.status(), err
}

// kind is what the assignment produces.
func (w *assignment) kind() remiss.AssignmentKind {
	if w.in.Statement {
		return remiss.KindStatement
	}
	return remiss.KindAnswer
}

func (w *assignment) status() AssignmentStatus {
	var pending *Extension
	if w.pending != nil {
		p := *w.pending
		pending = &p
	}
	return AssignmentStatus{
		AssignmentID: w.id, Org: w.in.Org, State: w.state, DeadlineAt: w.deadlineAt, Officer: w.officer,
		VersionID: w.versionID, SHA256: w.sha256, Late: w.late, DocumentID: w.documentID, Pending: pending,
		NoticesSent: slices.Clone(w.fired), RoundClosing: w.closing || w.withdrawing, ExtensionsSeq: w.extensions,
		Route: w.route, MeetingID: w.meetingID, AgendaDeadlineAt: w.agendaAt, NeedsExtension: w.needsExt,
		Revision: w.revision, MinutesID: w.minutesID, DeclineNoteID: w.declineNote,
	}
}
