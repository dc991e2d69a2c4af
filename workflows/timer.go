package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// dueTimer is the one timer a workflow keeps for the next moment it must
// act at. Waiting for that moment or for a change, a workflow would
// otherwise start a new timer on every change and leave the old one
// running (the SDK's AwaitWithTimeout does not cancel it): one more timer
// persisted per user action, all firing together later. A dueTimer
// outlives a change that leaves the moment where it was, and is cancelled
// when the moment moves.
type dueTimer struct {
	at     time.Time
	fired  workflow.Future
	cancel workflow.CancelFunc
}

// await waits until at or until wake is true; woken says which.
func (t *dueTimer) await(ctx workflow.Context, at time.Time, wake func() bool) (woken bool, err error) {
	if t.fired != nil && !t.at.Equal(at) {
		t.stop()
	}
	if t.fired == nil {
		tctx, cancel := workflow.WithCancel(ctx)
		t.at, t.fired, t.cancel = at, workflow.NewTimer(tctx, at.Sub(workflow.Now(ctx))), cancel
	}
	fired := t.fired
	if err := workflow.Await(ctx, func() bool { return wake() || fired.IsReady() }); err != nil {
		return false, err
	}
	if !fired.IsReady() {
		return true, nil
	}
	t.fired, t.cancel = nil, nil
	return false, fired.Get(ctx, nil)
}

// idle waits until wake is true, letting a running timer run out: one
// that fires meanwhile is dropped, so the next await starts a new one.
func (t *dueTimer) idle(ctx workflow.Context, wake func() bool) error {
	fired := t.fired
	if fired == nil {
		return workflow.Await(ctx, wake)
	}
	if err := workflow.Await(ctx, func() bool { return wake() || fired.IsReady() }); err != nil {
		return err
	}
	if fired.IsReady() && t.fired == fired {
		t.fired, t.cancel = nil, nil
	}
	return nil
}

// stop cancels the timer, if one runs.
func (t *dueTimer) stop() {
	if t.fired != nil {
		t.cancel()
		t.fired, t.cancel = nil, nil
	}
}
