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

func (r *retrySignals) listen(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, SignalRetry)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			ch.Receive(ctx, nil)
			r.n++
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
