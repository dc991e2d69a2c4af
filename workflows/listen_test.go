package workflows

import (
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"
)

// listenProbe counts, on listen's one coroutine, the retry signals and the
// deadline moves that decoded.
func listenProbe(ctx workflow.Context) (int, error) {
	var r retrySignals
	var moved []DeadlineMoved
	listen(ctx, r.signal(), signalCase{SignalDeadlineMoved, func(c workflow.ReceiveChannel) {
		var m DeadlineMoved
		if c.ReceiveAsync(&m) {
			moved = append(moved, m)
		}
	}})
	err := workflow.Await(ctx, func() bool { return r.n >= 2 })
	return 10*r.n + len(moved), err
}

// A signal whose payload does not decode is dropped: the coroutine that
// receives every signal goes on to the next (an operator's retry, a
// deadline moved), and the workflow does not fail.
func TestListenDropsASignalThatDoesNotDecode(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(listenProbe)
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalDeadlineMoved, "inte ett flyttat svarsdatum") }, time.Minute)
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalRetry, nil) }, 2*time.Minute)
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalDeadlineMoved, DeadlineMoved{Org: "bromma"}) }, 3*time.Minute)
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalRetry, nil) }, 4*time.Minute)
	env.ExecuteWorkflow(listenProbe)
	if !env.IsWorkflowCompleted() {
		t.Fatal("the workflow did not complete")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow failed: %v", err)
	}
	var got int
	if err := env.GetWorkflowResult(&got); err != nil || got != 21 {
		t.Errorf("retries and moves %d (%v), want 2 retries and 1 move (21)", got, err)
	}
}
