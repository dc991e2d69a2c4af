package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
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
