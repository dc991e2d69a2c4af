package workflows

import (
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
)

type round struct {
	in         RemissInput
	state      remiss.RemissState
	deadlines  []time.Time // per recipient, in launch order
	results    []*AssignmentResult
	done       int
	closing    string // reason, once decided
	closedBy   remiss.Actor
	withdrawBy *remiss.Actor
	grace      time.Duration
	summaryID  string // kommunstyrelsen's statement, once sealed
	// statementID is the assignment of kommunstyrelsen's own statement,
	// from the close of the round.
	statementID string
	changes     int
	retries     retrySignals
}

// RemissWorkflow runs one round: it sends the remiss, starts one
// AssignmentWorkflow per recipient, and compiles the sammanställning when
// every assignment is done, at the last deadline plus grace, or when the
// Coordinator closes the round. A withdrawal ends every assignment instead.
func RemissWorkflow(ctx workflow.Context, in RemissInput) (RemissStatus, error) {
	grace, err := remiss.ParseOffset(in.Grace)
	if err != nil {
		return RemissStatus{}, err
	}
	r := &round{in: in, state: remiss.RemissOpen, grace: grace}
	for range in.Recipients {
		r.deadlines = append(r.deadlines, in.DeadlineAt)
		r.results = append(r.results, nil)
	}
	ctx = activityOptions(ctx)
	if err := r.setup(ctx); err != nil {
		return RemissStatus{}, err
	}
	return r.run(ctx)
}

func (r *round) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (RemissStatus, error) { return r.status(), nil }); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateClose,
		func(ctx workflow.Context, req RoundRequest) (RemissStatus, error) {
			if err := r.checkRound(req); err != nil {
				return r.status(), err
			}
			r.closing, r.closedBy = "closed", req.Actor
			r.changes++
			return r.status(), nil
		},
		workflow.UpdateHandlerOptions{Validator: func(_ workflow.Context, req RoundRequest) error { return r.checkRound(req) }},
	); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateWithdraw,
		func(ctx workflow.Context, req RoundRequest) (RemissStatus, error) {
			if err := r.checkRound(req); err != nil {
				return r.status(), err
			}
			actor := req.Actor
			r.withdrawBy = &actor
			r.changes++
			return r.status(), nil
		},
		workflow.UpdateHandlerOptions{Validator: func(_ workflow.Context, req RoundRequest) error { return r.checkRound(req) }},
	); err != nil {
		return err
	}
	listen(ctx, r.retries.signal(), signalCase{SignalDeadlineMoved, func(c workflow.ReceiveChannel) {
		var m DeadlineMoved
		if !c.ReceiveAsync(&m) {
			return
		}
		if i := slices.Index(r.in.Recipients, m.Org); i >= 0 {
			r.deadlines[i] = m.DeadlineAt
			r.changes++
		}
	}})
	return nil
}

func (r *round) checkRound(req RoundRequest) error {
	if err := rules.Struct(req); err != nil {
		return invalid(err)
	}
	if err := remiss.MayAct(remiss.ActClose, req.Actor, ""); err != nil {
		return refusal(err)
	}
	if r.state != remiss.RemissOpen || r.closing != "" || r.withdrawBy != nil {
		return conflict("remissomgången är redan avslutad eller håller på att avslutas")
	}
	return nil
}

func (r *round) closeAt() time.Time {
	last := r.in.DeadlineAt
	for _, d := range r.deadlines {
		if d.After(last) {
			last = d
		}
	}
	return last.Add(r.grace)
}

func (r *round) run(ctx workflow.Context) (RemissStatus, error) {
	id := r.in.RemissID
	sentAt := workflow.Now(ctx)
	var sent activities.RecordResult
	if err := untilFixed(ctx, id+".sent", id, "", &r.retries, func() bool { return false }, func() error {
		return workflow.ExecuteActivity(ctx, a.AnnounceRound, activities.RoundInput{
			EventKey: id + ".sent", RemissID: id, At: sentAt, Actor: r.in.Coordinator,
		}).Get(ctx, &sent)
	}); err != nil {
		return RemissStatus{}, err
	}
	children := r.startAssignments(ctx, sent.Routes)
	if err := r.awaitEnd(ctx, len(children)); err != nil {
		return RemissStatus{}, err
	}
	if r.withdrawBy != nil {
		return r.withdraw(ctx, children)
	}
	if r.closing == "" {
		r.closing = "all-done"
	}
	// Tell every assignment still open that the round is closing, and wait
	// for each to record its outcome.
	for i, f := range children {
		if r.results[i] == nil {
			f.SignalChildWorkflow(ctx, SignalClose, nil).Get(ctx, nil)
		}
	}
	if err := workflow.Await(ctx, func() bool { return r.done == len(children) }); err != nil {
		return RemissStatus{}, err
	}
	if err := r.compile(ctx); err != nil {
		return RemissStatus{}, err
	}
	return r.finish(ctx)
}

// startAssignments starts one AssignmentWorkflow per recipient, and
// collects each result as it ends.
func (r *round) startAssignments(ctx workflow.Context, routes map[string]remiss.Route) []workflow.ChildWorkflowFuture {
	id, self := r.in.RemissID, workflow.GetInfo(ctx).WorkflowExecution.ID
	children := make([]workflow.ChildWorkflowFuture, len(r.in.Recipients))
	for i, org := range r.in.Recipients {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
			WorkflowID:            AssignmentWorkflowID(id, org),
			WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
			ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_TERMINATE,
		})
		children[i] = workflow.ExecuteChildWorkflow(cctx, AssignmentWorkflow, AssignmentInput{
			RemissID: id, Org: org, DeadlineAt: r.in.DeadlineAt, Reminders: r.in.Reminders,
			EscalateAfter: r.in.EscalateAfter, RoundWorkflow: self,
			Route: routes[org], ExtensionLimit: r.in.ExtensionLimit, ByLink: slices.Contains(r.in.ByLink, org),
		})
	}
	// One coroutine collects them all, as each ends: a coroutine per
	// assignment would be a goroutine with its stack per recipient for as
	// long as the round is cached.
	workflow.Go(ctx, func(ctx workflow.Context) {
		s := workflow.NewSelector(ctx)
		for i, f := range children {
			s.AddFuture(f, func(f workflow.Future) {
				var res AssignmentResult
				if err := f.Get(ctx, &res); err != nil {
					// One failed assignment must not sink the round: it counts as
					// unanswered, and closing the round marks it so.
					workflow.GetLogger(ctx).Error("assignment failed", "org", r.in.Recipients[i], "error", err)
					res = AssignmentResult{Org: r.in.Recipients[i], State: remiss.StateMissed}
				}
				r.results[i] = &res
				r.done++
				r.changes++
			})
		}
		for range children {
			s.Select(ctx)
		}
	})
	return children
}

// awaitEnd waits until every assignment is done, the Coordinator closes
// or withdraws the round, or the last deadline plus grace has passed.
func (r *round) awaitEnd(ctx workflow.Context, n int) error {
	var closeTimer dueTimer
	for r.closing == "" && r.withdrawBy == nil && r.done < n {
		seen := r.changes
		if !r.closeAt().After(workflow.Now(ctx)) {
			r.closing = "deadline"
			break
		}
		if _, err := closeTimer.await(ctx, r.closeAt(), func() bool { return r.changes != seen }); err != nil {
			return err
		}
	}
	return nil
}

// compile closes the round: the answers are in, and kommunstyrelsen's own
// tjänsteutlåtande on them is drafted. It is written, returned and approved
// like an answer, by KS's staff, in an assignment of its own; once it is
// sealed, its decision path starts.
func (r *round) compile(ctx workflow.Context) error {
	id := r.in.RemissID
	var closed activities.CloseResult
	closedAt := workflow.Now(ctx)
	if err := untilFixed(ctx, id+".closed", id, "", &r.retries, func() bool { return false }, func() error {
		return workflow.ExecuteActivity(ctx, a.CloseRound, activities.RoundInput{
			EventKey: id + ".closed", RemissID: id, At: closedAt, Actor: r.closedBy, Reason: r.closing,
		}).Get(ctx, &closed)
	}); err != nil {
		return err
	}
	r.state, r.statementID = remiss.RemissClosed, closed.AssignmentID
	r.changes++
	sctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            AssignmentWorkflowID(id, remiss.KS),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_TERMINATE,
	})
	var res AssignmentResult
	if err := workflow.ExecuteChildWorkflow(sctx, AssignmentWorkflow, AssignmentInput{
		RemissID: id, Org: remiss.KS, DeadlineAt: closed.DeadlineAt, RoundWorkflow: workflow.GetInfo(ctx).WorkflowExecution.ID,
		Route: remiss.RouteDelegation, Statement: true,
	}).Get(ctx, &res); err != nil {
		return err
	}
	r.summaryID = res.DocumentID
	r.changes++
	// The statement travels its own decision path, for weeks: a workflow
	// of its own that outlives the round's.
	path := r.in.Path
	if len(path) == 0 {
		path = remiss.DefaultPath
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            DecisionWorkflowID(id),
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		ParentClosePolicy:     enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
	f := workflow.ExecuteChildWorkflow(cctx, DecisionWorkflow, PathInput{
		RemissID: id, SummaryID: res.DocumentID, Path: path, Coordinator: r.in.Coordinator,
	})
	return f.GetChildWorkflowExecution().Get(ctx, nil)
}

func (r *round) withdraw(ctx workflow.Context, children []workflow.ChildWorkflowFuture) (RemissStatus, error) {
	for i, f := range children {
		if r.results[i] == nil {
			f.SignalChildWorkflow(ctx, SignalWithdraw, nil).Get(ctx, nil)
		}
	}
	if err := workflow.Await(ctx, func() bool { return r.done == len(children) }); err != nil {
		return RemissStatus{}, err
	}
	if err := workflow.ExecuteActivity(ctx, a.WithdrawRound, activities.RoundInput{
		EventKey: r.in.RemissID + ".withdrawn", RemissID: r.in.RemissID, At: workflow.Now(ctx), Actor: *r.withdrawBy,
	}).Get(ctx, nil); err != nil {
		return RemissStatus{}, err
	}
	r.state = remiss.RemissWithdrawn
	return r.finish(ctx)
}

func (r *round) finish(ctx workflow.Context) (RemissStatus, error) {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return RemissStatus{}, err
	}
	return r.status(), nil
}

func (r *round) status() RemissStatus {
	s := RemissStatus{
		RemissID: r.in.RemissID, State: r.state, Closing: r.closing, CloseAt: r.closeAt(),
		Done: r.done, SummaryID: r.summaryID, StatementID: r.statementID,
	}
	if r.withdrawBy != nil {
		s.Closing = "withdrawn"
	}
	for _, res := range r.results {
		if res != nil {
			s.Results = append(s.Results, *res)
		}
	}
	s.LastDeadline = s.CloseAt.Add(-r.grace)
	return s
}
