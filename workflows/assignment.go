package workflows

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/validate"
)

var a *activities.Activities

// rules checks request fields; it never needs the organisation list.
var rules = validate.New(nil)

// Errors a rejected update returns, in Swedish: they reach the user.
// The error types a rejected update carries, so that a caller can answer
// 403, 409 or 422 without reading the message.
const (
	ErrTypeForbidden = "Forbidden" // wrong organisation or role
	ErrTypeConflict  = "Conflict"  // not possible in the current state
	ErrTypeInvalid   = "Invalid"   // the request itself is malformed
)

func forbidden(msg string) error { return temporal.NewApplicationError(msg, ErrTypeForbidden) }
func conflict(msg string) error  { return temporal.NewApplicationError(msg, ErrTypeConflict) }
func invalid(err error) error {
	if err == nil {
		return nil
	}
	return temporal.NewApplicationError(err.Error(), ErrTypeInvalid)
}

const wrongState = "åtgärden är inte möjlig i uppdragets nuvarande läge"

var (
	errWrongOrg  = forbidden("uppdraget tillhör en annan organisation")
	errWrongRole = forbidden("din roll får inte utföra den åtgärden")
)

// activityOptions retry an activity until it succeeds or fails for good:
// the steps a round cannot skip (notices, documents, closing).
func activityOptions(ctx workflow.Context) workflow.Context { return retrying(ctx, 0) }

// retrying retries an activity with backoff up to a minute apart, for as
// long as within (0: until it succeeds or fails for good).
func retrying(ctx workflow.Context, within time.Duration) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: within,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
		},
	})
}

// updateOptions bound the activity of a user's action: the user waits for
// the answer, and an action that cannot be recorded within minutes is
// refused rather than holding the assignment.
func updateOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    time.Minute,
		ScheduleToCloseTimeout: 5 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    30 * time.Second,
		},
	})
}

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
	seq         int
	changes     int
	closing     bool
	withdrawing bool
	retries     retrySignals
	mu          workflow.Mutex
	timer       dueTimer // with OneTimer: the timer for the next notice
	// Decision routing (rounds started before it have routing=false).
	routing    bool
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
	}
	ctx = activityOptions(ctx)
	if err := w.setup(ctx); err != nil {
		return AssignmentResult{}, err
	}
	if in.Routing {
		w.routing, w.revision = true, 1
		if in.Route == remiss.RouteDelegation {
			// On delegation, as the round says: nothing to plan.
			w.route = remiss.RouteDelegation
		} else if err := w.locked(ctx, func() error {
			// Retried until the database answers; a plan that fails for good
			// must not cost the recipient its assignment: it decides on
			// delegation until its registrator sets the route.
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
	}
	return w.run(ctx)
}

// decisionOptions record a decision and its protokollsutdrag: retried
// for an hour (a database or seal away for a while), then the secretary is
// told, and sending the same decision again picks up where it stopped.
func decisionOptions(ctx workflow.Context) workflow.Context { return retrying(ctx, time.Hour) }

// localOptions are for the short writes a user's action waits for.
func localOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 5 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    200 * time.Millisecond,
			BackoffCoefficient: 2,
			MaximumInterval:    30 * time.Second,
		},
	})
}

// plan sets the route and the meeting through the PlanDecision activity;
// patient retries it for as long as it takes.
func (w *assignment) plan(ctx workflow.Context, in activities.PlanInput, patient bool) error {
	in.At, in.AssignmentID = workflow.Now(ctx), w.id
	lctx := localOptions(ctx)
	if patient {
		// A whole day: the SDK bounds a local activity's retries by its
		// schedule-to-close time (which otherwise defaults to the
		// start-to-close time, 30 s); longer backoffs wait on timers.
		lctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
			StartToCloseTimeout:    30 * time.Second,
			ScheduleToCloseTimeout: 24 * time.Hour,
			RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
		})
	}
	var p activities.DecisionPlan
	if err := workflow.ExecuteLocalActivity(lctx, a.PlanDecision, in).Get(ctx, &p); err != nil {
		return err
	}
	base := w.reminderBase()
	w.route, w.meetingID, w.agendaAt, w.needsExt = p.Route, p.MeetingID, p.AgendaDeadlineAt, p.NeedsExtension
	if !w.reminderBase().Equal(base) {
		w.scheduledAt = workflow.Now(ctx) // reminders already past for the new base help nobody
	}
	return nil
}

// replan plans a nämnd's meeting again after its deadline moved or its
// answer came back: a meeting the registrator named stays if it still comes
// before the deadline. Best effort: the action that moved things stands
// even if the calendar cannot be read now (the old plan stays).
func (w *assignment) replan(ctx workflow.Context, actor remiss.Actor) {
	if !w.routing || w.route != remiss.RouteNamnd || w.state.Done() || w.state == remiss.StateApproved {
		return
	}
	w.seq++
	in := activities.PlanInput{EventKey: fmt.Sprintf("%s.%03d.replan", w.id, w.seq), Actor: actor}
	if w.explicitMeeting || (w.state == remiss.StateOnAgenda && w.meetingID != "") {
		// On the agenda the meeting stays; whether anstånd is needed is
		// worked out again for the new deadline.
		in.MeetingID = w.meetingID
	}
	if err := w.plan(ctx, in, false); err != nil {
		workflow.GetLogger(ctx).Warn("the meeting was not planned again", "error", err)
	}
}

// reminderBase is what reminders count back from: the svarsdatum, or for
// a nämnd the agenda deadline of its meeting when that comes first.
func (w *assignment) reminderBase() time.Time {
	if w.route == remiss.RouteNamnd && !w.agendaAt.IsZero() && w.agendaAt.Before(w.deadlineAt) {
		return w.agendaAt
	}
	return w.deadlineAt
}

// owing reports whether reminders go out: an answer is still owed, or a
// postponed ärende waits for a later meeting.
func (w *assignment) owing() bool {
	return w.state.Open() || (w.state == remiss.StateOnAgenda && w.postponed)
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
		{UpdateDecline, w.decline, func(_ workflow.Context, r NoteRequest) error { return w.checkDecline(r) }},
		{UpdateRequestExtension, w.requestExtension, func(_ workflow.Context, r ExtensionRequest) error { return w.checkRequestExtension(r) }},
		{UpdateDecideExtension, w.decideExtension, func(_ workflow.Context, r ExtensionDecision) error { return w.checkDecideExtension(r) }},
		{UpdateRemindNow, w.remindNow, func(_ workflow.Context, r RemindRequest) error { return w.checkRemindNow(r) }},
		{UpdateRoute, w.setRoute, func(_ workflow.Context, r RouteRequest) error { return w.checkRoute(r) }},
		{UpdateDecide, w.decide, func(_ workflow.Context, r MinutesRequest) error { return w.checkDecide(r) }},
	}
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler, workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return err
		}
	}
	w.retries.listen(ctx)
	calendarCh := workflow.GetSignalChannel(ctx, SignalCalendarChanged)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			calendarCh.Receive(ctx, nil)
			w.calendarChanged = true
			w.changes++
		}
	})
	closeCh := workflow.GetSignalChannel(ctx, SignalClose)
	withdrawCh := workflow.GetSignalChannel(ctx, SignalWithdraw)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			sel := workflow.NewSelector(ctx)
			sel.AddReceive(closeCh, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil); w.closing = true })
			sel.AddReceive(withdrawCh, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil); w.withdrawing = true })
			sel.Select(ctx)
		}
	})
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
			if err := w.locked(ctx, func() error {
				if w.state.Done() || w.state == remiss.StateApproved {
					return nil
				}
				_, err := w.record(ctx, activities.ActionMissed, remiss.StateMissed, activities.RecordInput{Actor: systemActor})
				if err == nil {
					w.state = remiss.StateMissed
				}
				return err
			}); err != nil {
				return AssignmentResult{}, err
			}
			continue
		}
		seen := w.changes
		wake := func() bool { return w.changes != seen || w.closing || w.withdrawing }
		n, ok := w.nextNotice()
		if !ok {
			w.timer.stop()
			if err := workflow.Await(ctx, wake); err != nil {
				return AssignmentResult{}, err
			}
			continue
		}
		if d := n.at.Sub(workflow.Now(ctx)); d > 0 {
			var woken bool
			var err error
			if w.in.OneTimer {
				woken, err = w.timer.await(ctx, n.at, wake)
			} else {
				woken, err = workflow.AwaitWithTimeout(ctx, d, wake)
			}
			if err != nil {
				return AssignmentResult{}, err
			}
			if woken {
				continue
			}
		}
		if err := w.locked(ctx, func() error {
			// An action may have moved the deadline while we waited for the
			// lock: send only a notice that is still the due one.
			if cur, ok := w.nextNotice(); ok && cur.key == n.key && !cur.at.After(workflow.Now(ctx)) {
				return w.sendNotice(ctx, cur)
			}
			return nil
		}); err != nil {
			return AssignmentResult{}, err
		}
	}
	// Let running update handlers return their answers before completing.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return AssignmentResult{}, err
	}
	return AssignmentResult{Org: w.in.Org, State: w.state, Late: w.late, DocumentID: w.documentID, MinutesID: w.minutesID}, nil
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

type notice struct {
	at     time.Time
	kind   activities.NoticeKind
	offset string
	key    string
}

// nextNotice is the earliest notice not yet sent for the current deadline,
// while an answer is still owed.
func (w *assignment) nextNotice() (notice, bool) {
	if !w.owing() {
		return notice{}, false
	}
	date := remiss.DateOf(w.deadlineAt)
	base := w.reminderBase()
	var candidates []notice
	for _, r := range w.in.Reminders {
		d, err := remiss.ParseOffset(r)
		if err != nil {
			continue
		}
		at := base.Add(-d)
		if at.Before(w.scheduledAt) {
			continue // already past when the deadline was set: a stale reminder helps nobody
		}
		candidates = append(candidates, notice{at: at, kind: activities.NoticeReminder, offset: r, key: "reminder-" + r + "-" + remiss.DateOf(base)})
	}
	candidates = append(candidates, notice{at: w.deadlineAt, kind: activities.NoticeOverdue, key: "overdue-" + date})
	if d, err := remiss.ParseOffset(w.in.EscalateAfter); err == nil {
		candidates = append(candidates, notice{at: w.deadlineAt.Add(d), kind: activities.NoticeEscalation, key: "escalation-" + date})
	}
	var best notice
	found := false
	for _, c := range candidates {
		if slices.Contains(w.fired, c.key) {
			continue
		}
		if !found || c.at.Before(best.at) {
			best, found = c, true
		}
	}
	return best, found
}

func (w *assignment) sendNotice(ctx workflow.Context, n notice) error {
	if !w.owing() || slices.Contains(w.fired, n.key) {
		return nil
	}
	err := workflow.ExecuteActivity(ctx, a.Notify, activities.NotifyInput{
		EventKey: w.id + "." + n.key, At: n.at, AssignmentID: w.id, Kind: n.kind, Offset: n.offset,
	}).Get(ctx, nil)
	if err != nil {
		return err
	}
	w.fired = append(w.fired, n.key)
	return nil
}

func (w *assignment) produceStatement(ctx workflow.Context) error {
	return w.locked(ctx, func() error {
		var res activities.DocumentResult
		at := workflow.Now(ctx)
		err := untilFixed(ctx, w.id+".statement", w.in.RemissID, w.id, &w.retries, func() bool { return w.withdrawing }, func() error {
			in := activities.StatementInput{
				EventKey: w.id + ".statement", AssignmentID: w.id, VersionID: w.versionID, At: at, Late: w.late,
			}
			if w.routing {
				in.Route, in.Revision, in.ApprovedBy = w.route, w.revision, w.approvedBy
				if w.revision > 1 {
					in.EventKey = fmt.Sprintf("%s.statement.r%d", w.id, w.revision)
				}
			}
			return workflow.ExecuteActivity(ctx, a.RenderStatement, in).Get(ctx, &res)
		})
		if errors.Is(err, errAborted) {
			w.state = remiss.StateWithdrawn
			return nil
		}
		if err != nil {
			return err
		}
		w.documentID = res.DocumentID
		w.state = remiss.StateAnswered
		if w.routing && w.route == remiss.RouteNamnd {
			// Not done until the nämnd decides at its meeting.
			w.state, w.meetingID, w.postponed = remiss.StateOnAgenda, res.MeetingID, false
			w.agendaAt, w.needsExt = res.AgendaDeadlineAt, res.NeedsExtension
		}
		w.changes++
		return nil
	})
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
		Revision: w.revision, MinutesID: w.minutesID,
	}
}

// --- checks shared by validators and handlers ---

func (w *assignment) checkActor(actor remiss.Actor, roles ...remiss.Role) error {
	if actor.Org != w.in.Org {
		return errWrongOrg
	}
	if !slices.Contains(roles, actor.Role) {
		return errWrongRole
	}
	return nil
}

func (w *assignment) checkOpen() error {
	if w.state.Done() || w.closing || w.withdrawing {
		return conflict(fmt.Sprintf("%s: uppdraget är avslutat (%s)", wrongState, w.state.Label()))
	}
	return nil
}

func (w *assignment) checkIn(states ...remiss.AssignmentState) error {
	if err := w.checkOpen(); err != nil {
		return err
	}
	if !slices.Contains(states, w.state) {
		return conflict(fmt.Sprintf("%s (%s)", wrongState, w.state.Label()))
	}
	return nil
}

// permit says who may take an action and in which states.
type permit struct {
	roles  []remiss.Role
	states []remiss.AssignmentState
}

var permits = map[string]permit{
	UpdateAssign:    {[]remiss.Role{remiss.RoleRegistrar}, []remiss.AssignmentState{remiss.StateSent, remiss.StateAssigned, remiss.StateDrafting}},
	UpdateSaveDraft: {[]remiss.Role{remiss.RoleOfficer}, []remiss.AssignmentState{remiss.StateAssigned, remiss.StateDrafting}},
	// A second submission is a new version only before approval.
	UpdateSubmit:  {[]remiss.Role{remiss.RoleOfficer}, []remiss.AssignmentState{remiss.StateAssigned, remiss.StateDrafting, remiss.StateSubmitted}},
	UpdateReturn:  {[]remiss.Role{remiss.RoleSignatory}, []remiss.AssignmentState{remiss.StateSubmitted}},
	UpdateApprove: {[]remiss.Role{remiss.RoleSignatory}, []remiss.AssignmentState{remiss.StateSubmitted}},
	UpdateDecline: {[]remiss.Role{remiss.RoleOfficer, remiss.RoleRegistrar, remiss.RoleSignatory}, []remiss.AssignmentState{remiss.StateSent, remiss.StateAssigned, remiss.StateDrafting, remiss.StateSubmitted}},
	// Anstånd also while the answer waits for approval or for the nämnd's
	// meeting: a meeting after the svarsdatum needs it.
	UpdateRequestExtension: {[]remiss.Role{remiss.RoleOfficer, remiss.RoleRegistrar}, []remiss.AssignmentState{remiss.StateSent, remiss.StateAssigned, remiss.StateDrafting, remiss.StateSubmitted, remiss.StateOnAgenda}},
	UpdateRoute:            {[]remiss.Role{remiss.RoleRegistrar}, []remiss.AssignmentState{remiss.StateSent, remiss.StateAssigned, remiss.StateDrafting, remiss.StateSubmitted, remiss.StateOnAgenda}},
	UpdateDecide:           {[]remiss.Role{remiss.RoleRegistrar}, []remiss.AssignmentState{remiss.StateOnAgenda}},
}

// Permitted reports whether actor may take action (an update name) on an
// assignment of org, whatever its state: callers check it first, so a
// person without the right is told so even when the assignment has ended.
func Permitted(action string, actor remiss.Actor, org string) error {
	switch action {
	case UpdateDecideExtension, UpdateRemindNow:
		if actor.Org != remiss.KS || actor.Role != remiss.RoleCoordinator {
			return forbidden("endast remissamordnaren kan göra det")
		}
		return nil
	}
	p, ok := permits[action]
	if !ok {
		return forbidden("okänd åtgärd")
	}
	if actor.Org != org {
		return errWrongOrg
	}
	if !slices.Contains(p.roles, actor.Role) {
		return errWrongRole
	}
	return nil
}

// check validates a request's fields, then who sends it and when.
func (w *assignment) check(action string, req any, actor remiss.Actor) error {
	if err := rules.Struct(req); err != nil {
		return invalid(err)
	}
	p := permits[action]
	if err := w.checkActor(actor, p.roles...); err != nil {
		return err
	}
	return w.checkIn(p.states...)
}

func (w *assignment) checkAssign(r AssignRequest) error  { return w.check(UpdateAssign, r, r.Actor) }
func (w *assignment) checkDraft(r VersionRequest) error  { return w.check(UpdateSaveDraft, r, r.Actor) }
func (w *assignment) checkSubmit(r VersionRequest) error { return w.check(UpdateSubmit, r, r.Actor) }
func (w *assignment) checkReturn(r NoteRequest) error    { return w.check(UpdateReturn, r, r.Actor) }
func (w *assignment) checkDecline(r NoteRequest) error   { return w.check(UpdateDecline, r, r.Actor) }

func (w *assignment) checkApprove(r ApproveRequest) error {
	if err := w.check(UpdateApprove, r, r.Actor); err != nil {
		return err
	}
	if r.SHA256 != w.sha256 {
		return conflict("yttrandet har ändrats sedan du läste det; läs den senaste versionen och godkänn igen")
	}
	return nil
}

func (w *assignment) checkRequestExtension(r ExtensionRequest) error {
	if err := w.check(UpdateRequestExtension, r, r.Actor); err != nil {
		return err
	}
	if w.pending != nil {
		return conflict("en begäran om anstånd väntar redan på beslut")
	}
	return w.checkLaterThanDeadline(r.Until)
}

// checkLaterThanDeadline refuses an anstånd date that does not move the
// deadline forward.
func (w *assignment) checkLaterThanDeadline(date string) error {
	until, err := remiss.DeadlineEnd(date)
	if err != nil {
		return invalid(err)
	}
	if !until.After(w.deadlineAt) {
		return invalid(errors.New("anstånd måste gälla till ett datum efter nuvarande svarsdatum " + remiss.DateOf(w.deadlineAt)))
	}
	return nil
}

func (w *assignment) checkDecideExtension(r ExtensionDecision) error {
	if err := rules.Struct(r); err != nil {
		return invalid(err)
	}
	if r.Actor.Org != w.in.CoordinatorOrg || r.Actor.Role != remiss.RoleCoordinator {
		return forbidden("endast remissamordnaren kan besluta om anstånd")
	}
	if err := w.checkOpen(); err != nil {
		return err
	}
	if w.pending == nil && !(r.Approve && r.Until != "") {
		// Without a request the Coordinator can only extend, to a date.
		return conflict("det finns ingen begäran om anstånd att besluta om")
	}
	if r.Approve && r.Until != "" {
		return w.checkLaterThanDeadline(r.Until)
	}
	return nil
}

// idempotentRetries reports whether a repeated action is recognised as
// done; assignments started before routing recorded it again, and replay
// the same.
func (w *assignment) idempotentRetries() bool { return w.routing }

// --- update handlers ---

func (w *assignment) assign(ctx workflow.Context, r AssignRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkAssign(r) }, func() error {
		if r.Officer == w.officer && (w.state == remiss.StateAssigned || w.state == remiss.StateDrafting) && w.idempotentRetries() {
			return nil // the same assignment again, e.g. a retry whose answer was lost: already done
		}
		to := remiss.StateAssigned
		if w.state == remiss.StateDrafting {
			to = remiss.StateDrafting
		}
		if _, err := w.record(ctx, activities.ActionAssigned, to, activities.RecordInput{Actor: r.Actor, Officer: r.Officer}); err != nil {
			return err
		}
		w.state, w.officer = to, r.Officer
		return nil
	})
}

func (w *assignment) saveDraft(ctx workflow.Context, r VersionRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkDraft(r) }, func() error {
		if _, err := w.record(ctx, activities.ActionDraftSaved, remiss.StateDrafting,
			activities.RecordInput{Actor: r.Actor, VersionID: r.VersionID, SHA256: r.SHA256}); err != nil {
			return err
		}
		w.state, w.versionID, w.sha256 = remiss.StateDrafting, r.VersionID, r.SHA256
		return nil
	})
}

func (w *assignment) submit(ctx workflow.Context, r VersionRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkSubmit(r) }, func() error {
		if w.state == remiss.StateSubmitted && r.VersionID == w.versionID && w.idempotentRetries() {
			return nil // the same version again (versions are named by their content): already submitted
		}
		late := workflow.Now(ctx).After(w.deadlineAt)
		if _, err := w.record(ctx, activities.ActionSubmitted, remiss.StateSubmitted,
			activities.RecordInput{Actor: r.Actor, VersionID: r.VersionID, SHA256: r.SHA256, Late: late}); err != nil {
			return err
		}
		w.state, w.versionID, w.sha256, w.late = remiss.StateSubmitted, r.VersionID, r.SHA256, late
		return nil
	})
}

func (w *assignment) returnForRevision(ctx workflow.Context, r NoteRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkReturn(r) }, func() error {
		if _, err := w.record(ctx, activities.ActionReturned, remiss.StateDrafting,
			activities.RecordInput{Actor: r.Actor, NoteID: r.NoteID}); err != nil {
			return err
		}
		w.state = remiss.StateDrafting
		return nil
	})
}

func (w *assignment) approve(ctx workflow.Context, r ApproveRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkApprove(r) }, func() error {
		if _, err := w.record(ctx, activities.ActionApproved, remiss.StateApproved,
			activities.RecordInput{Actor: r.Actor, VersionID: w.versionID, SHA256: w.sha256}); err != nil {
			return err
		}
		w.state, w.approvedBy = remiss.StateApproved, r.Actor.User
		return nil
	})
}

func (w *assignment) decline(ctx workflow.Context, r NoteRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkDecline(r) }, func() error {
		late := workflow.Now(ctx).After(w.deadlineAt)
		if _, err := w.record(ctx, activities.ActionDeclined, remiss.StateDeclined,
			activities.RecordInput{Actor: r.Actor, NoteID: r.NoteID, Late: late}); err != nil {
			return err
		}
		w.state, w.late = remiss.StateDeclined, late
		return nil
	})
}

func (w *assignment) requestExtension(ctx workflow.Context, r ExtensionRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkRequestExtension(r) }, func() error {
		id := fmt.Sprintf("%s.ext-%d", w.id, w.extensions+1)
		if _, err := w.record(ctx, activities.ActionExtensionAsked, w.state,
			activities.RecordInput{Actor: r.Actor, ExtensionID: id, Until: r.Until, NoteID: r.NoteID}); err != nil {
			return err
		}
		w.extensions++
		w.pending = &Extension{ID: id, Until: r.Until, RequestedBy: r.Actor.User}
		return nil
	})
}

func (w *assignment) decideExtension(ctx workflow.Context, r ExtensionDecision) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkDecideExtension(r) }, func() error {
		until := r.Until
		if until == "" {
			until = w.pending.Until
		}
		var id string
		if w.pending != nil {
			id = w.pending.ID
		} else {
			// The Coordinator extends on their own initiative.
			w.extensions++
			id = fmt.Sprintf("%s.ext-%d", w.id, w.extensions)
		}
		in := activities.RecordInput{Actor: r.Actor, ExtensionID: id, Approved: r.Approve}
		var untilAt time.Time
		if r.Approve {
			var err error
			if untilAt, err = remiss.DeadlineEnd(until); err != nil {
				return err
			}
			in.Until, in.UntilAt = until, untilAt
		}
		if _, err := w.record(ctx, activities.ActionExtensionDecided, w.state, in); err != nil {
			return err
		}
		w.pending = nil
		if r.Approve {
			// Anstånd moves this recipient's deadline and its reminders.
			w.deadlineAt, w.scheduledAt = untilAt, workflow.Now(ctx)
			if w.in.RoundWorkflow != "" {
				// The round waits for the latest deadline. The anstånd stands
				// even if the round cannot be told (it has ended).
				if err := workflow.SignalExternalWorkflow(ctx, w.in.RoundWorkflow, "", SignalDeadlineMoved,
					DeadlineMoved{Org: w.in.Org, DeadlineAt: untilAt}).Get(ctx, nil); err != nil {
					workflow.GetLogger(ctx).Warn("the round was not told of the anstånd", "error", err)
				}
			}
			w.replan(ctx, r.Actor)
		}
		return nil
	})
}

func (w *assignment) checkRemindNow(r RemindRequest) error {
	if err := rules.Struct(r); err != nil {
		return invalid(err)
	}
	if err := Permitted(UpdateRemindNow, r.Actor, w.in.Org); err != nil {
		return err
	}
	if err := w.checkOpen(); err != nil {
		return err
	}
	if !w.state.Open() {
		return conflict("remissinstansen har redan svarat")
	}
	return nil
}

// remindNow sends a reminder at once, on the Coordinator's word.
func (w *assignment) remindNow(ctx workflow.Context, r RemindRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkRemindNow(r) }, func() error {
		w.seq++
		key := fmt.Sprintf("reminder-now-%03d", w.seq)
		if err := workflow.ExecuteActivity(ctx, a.Notify, activities.NotifyInput{
			EventKey: w.id + "." + key, At: workflow.Now(ctx), AssignmentID: w.id, Kind: activities.NoticeReminder, Offset: "nu",
		}).Get(ctx, nil); err != nil {
			return err
		}
		w.fired = append(w.fired, key)
		return nil
	})
}
