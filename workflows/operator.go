package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/remiss/remiss/activities"
)

// errAborted ends a step an operator was awaited for, because the round was
// withdrawn meanwhile.
var errAborted = errors.New("steget avbröts")

// retrySignals counts the operator's retry signals.
type retrySignals struct{ n int }

// signal is the retry signal's case for listen.
func (r *retrySignals) signal() signalCase {
	return signalCase{SignalRetry, func(ctx workflow.Context, c workflow.ReceiveChannel) {
		c.Receive(ctx, nil)
		r.n++
	}}
}

// signalCase is what a workflow does with one signal as it arrives.
type signalCase struct {
	name string
	on   func(workflow.Context, workflow.ReceiveChannel)
}

// listen receives the workflow's signals on one coroutine, each as it
// arrives, in the order of the history. One coroutine for all of them,
// rather than one each: every coroutine is a goroutine with its own stack
// for as long as the workflow is cached, which the worker's garbage
// collector scans, and which every workflow task wakes.
func listen(ctx workflow.Context, cases ...signalCase) {
	sel := workflow.NewSelector(ctx)
	for _, c := range cases {
		sel.AddReceive(workflow.GetSignalChannel(ctx, c.name), func(ch workflow.ReceiveChannel, _ bool) { c.on(ctx, ch) })
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			sel.Select(ctx)
		}
	})
}

// untilFixed runs step. When it fails for a reason retrying cannot fix (a
// seal that is missing, expired or does not match its key), it records the
// problem, tells the Coordinator, and waits for an operator's retry signal
// (`starter retry`) before running it again; abort ends the wait.
func untilFixed(ctx workflow.Context, scope, remissID, assignmentID string, r *retrySignals, abort func() bool, step func() error) error {
	for attempt := 1; ; attempt++ {
		err := step()
		var appErr *temporal.ApplicationError
		if err == nil || !errors.As(err, &appErr) || appErr.Type() != activities.ErrSeal {
			return err
		}
		workflow.GetLogger(ctx).Error("step waits for an operator", "scope", scope, "error", appErr.Message())
		if err := workflow.ExecuteActivity(activityOptions(ctx), a.ReportProblem, activities.ProblemInput{
			EventKey: fmt.Sprintf("%s.problem-%d", scope, attempt), At: workflow.Now(ctx),
			RemissID: remissID, AssignmentID: assignmentID, Reason: appErr.Message(),
		}).Get(ctx, nil); err != nil {
			return err
		}
		seen := r.n
		if err := workflow.Await(ctx, func() bool { return r.n != seen || abort() }); err != nil {
			return err
		}
		if abort() {
			return errAborted
		}
	}
}
