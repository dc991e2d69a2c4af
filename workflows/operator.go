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
	return signalCase{SignalRetry, func(c workflow.ReceiveChannel) {
		if c.ReceiveAsync(nil) {
			r.n++
		}
	}}
}

// signalCase is what a workflow does with one signal as it arrives. on is
// called when the channel holds a signal, and takes it with ReceiveAsync:
// one whose payload does not decode is dropped (the SDK logs it) instead
// of waited past, which would hold the one coroutine every signal needs.
type signalCase struct {
	name string
	on   func(workflow.ReceiveChannel)
}

// listen receives the workflow's signals on one coroutine, each as it
// arrives (several already waiting are taken in the order of cases). One
// coroutine for all of them, rather than one each: every coroutine is a
// goroutine with its own stack for as long as the workflow is cached,
// which the worker's garbage collector scans, and which every workflow
// task wakes. The selector belongs to that coroutine, made with its ctx.
func listen(ctx workflow.Context, cases ...signalCase) {
	workflow.Go(ctx, func(ctx workflow.Context) {
		sel := workflow.NewSelector(ctx)
		for _, c := range cases {
			sel.AddReceive(workflow.GetSignalChannel(ctx, c.name), func(ch workflow.ReceiveChannel, _ bool) { c.on(ch) })
		}
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
