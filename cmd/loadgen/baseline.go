package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The baseline: the bare engine doing the same shape of work as a round,
// with no Remiss code. A parent workflow starts one child per recipient;
// each child runs one activity and then waits for an Update, whose handler
// (behind a validator) runs one local activity; the clients send the
// Updates as the officers send their answers: on as many goroutines, each
// taking the next as soon as the last is accepted. Its figures are what
// Temporal itself costs on this machine in this run; a round's are
// reported against them.

const baselineQueue = "loadgen-baseline"

// baselineAnswer is the Update's argument: identifiers, as a round's
// workflows carry.
type baselineAnswer struct {
	Officer string
	Version int
}

// baselineRound is the parent: it starts a child per recipient and waits
// for each to end (the children are terminated with it).
func baselineRound(ctx workflow.Context, id string, recipients int) error {
	ctx = workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{TaskQueue: baselineQueue})
	children := make([]workflow.ChildWorkflowFuture, recipients)
	for i := range children {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: baselineChildID(id, i), TaskQueue: baselineQueue})
		children[i] = workflow.ExecuteChildWorkflow(cctx, baselineChild)
	}
	for _, c := range children {
		if err := c.Get(ctx, nil); err != nil {
			return err
		}
	}
	return nil
}

// baselineChild runs one activity, then takes one answer by Update.
func baselineChild(ctx workflow.Context) error {
	answered := false
	// With -baseline-assigned each child takes an assignment first, as an
	// assignment is assigned before its answer: an Update whose handler
	// runs one local activity too.
	if err := workflow.SetUpdateHandler(ctx, "assign", func(ctx workflow.Context, a baselineAnswer) (int, error) {
		lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second})
		var version int
		err := workflow.ExecuteLocalActivity(lctx, baselineRecord, a).Get(lctx, &version)
		return version, err
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, "answer", func(ctx workflow.Context, a baselineAnswer) (int, error) {
		lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second})
		var version int
		if err := workflow.ExecuteLocalActivity(lctx, baselineRecord, a).Get(lctx, &version); err != nil {
			return 0, err
		}
		answered = true
		return version, nil
	}, workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, a baselineAnswer) error {
		if answered {
			return errors.New("already answered")
		}
		if a.Officer == "" {
			return errors.New("no officer")
		}
		return nil
	}}); err != nil {
		return err
	}
	started := false
	if err := workflow.SetQueryHandler(ctx, "started", func() (bool, error) { return started, nil }); err != nil {
		return err
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	if err := workflow.ExecuteActivity(actx, baselineStart).Get(ctx, nil); err != nil {
		return err
	}
	started = true
	// Answered, it waits on, as an assignment waits for its approval, so
	// that the parent does no work for it while the others are answered,
	// until it is told the round is over; then it ends, as an assignment
	// does once approved.
	workflow.GetSignalChannel(ctx, baselineDone).Receive(ctx, nil)
	return nil
}

// baselineDone tells a child the round is over.
const baselineDone = "done"

// baselineStart is the child's one activity.
func baselineStart(context.Context) error { return nil }

// baselineRecord is the Update's one local activity.
func baselineRecord(_ context.Context, a baselineAnswer) (int, error) { return a.Version + 1, nil }

// updateChildren sends each child of baseline round id (runs[i] is child
// i's run) the Update name, on as many goroutines as there are officers,
// each taking the next child as soon as its last Update is done, and
// returns how long each took.
func (l *load) updateChildren(ctx context.Context, id string, runs []string, name string, version int) ([]time.Duration, error) {
	var mu sync.Mutex
	var lat []time.Duration
	var first error
	jobs := make(chan int)
	var wg sync.WaitGroup
	for o := range l.o.officers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t0 := time.Now()
				h, err := l.t.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: baselineChildID(id, i), RunID: runs[i], UpdateName: name,
					Args: []any{baselineAnswer{Officer: fmt.Sprintf("officer-%d", o), Version: version}}, WaitForStage: client.WorkflowUpdateStageCompleted})
				if err == nil {
					err = h.Get(ctx, nil)
				}
				d := time.Since(t0)
				mu.Lock()
				if err != nil && first == nil {
					first = fmt.Errorf("baseline %s %d: %w", name, i, err)
				} else if err == nil {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range runs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return lat, first
}

func baselineChildID(id string, i int) string { return fmt.Sprintf("%s.%d", id, i) }

// startBaselineWorker runs the baseline's workflows and activities on their
// own task queue, with the same limits as the Remiss worker.
func startBaselineWorker(c client.Client, wftPollers int) (func(), error) {
	w := worker.New(c, baselineQueue, worker.Options{MaxConcurrentActivityExecutionSize: 200,
		MaxConcurrentWorkflowTaskExecutionSize: 200, MaxConcurrentWorkflowTaskPollers: wftPollers})
	w.RegisterWorkflow(baselineRound)
	w.RegisterWorkflow(baselineChild)
	w.RegisterActivity(baselineStart)
	w.RegisterActivity(baselineRecord)
	if err := w.Start(); err != nil {
		return nil, err
	}
	return w.Stop, nil
}

// baseline runs one round of the bare engine and returns its figures.
func (l *load) baseline(ctx context.Context, round int) (figures, error) {
	var f figures
	id := fmt.Sprintf("baseline-%d-%d", time.Now().UnixNano(), round)
	n := len(l.orgs)
	settle()
	launched, launchCPU := time.Now(), cpuTimes()
	if _, err := l.t.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: baselineQueue}, baselineRound, id, n); err != nil {
		return f, err
	}
	// Each child's Updates name its run, as Remiss's web server names the
	// run an assignment's previous Update reached (the server then reads
	// no current run first).
	runs := make([]string, n)
	for i := range n {
		runs[i] = awaitRunning(ctx, l.t.c, baselineChildID(id, i))
	}
	f.running = time.Since(launched)
	reportRunning(f.running)
	reportLaunchCPU(launchCPU, cpuTimes(), n)
	// Every child has run its activity before the first answer, as every
	// assignment has been assigned before a Remiss round's first answer:
	// the answers do not queue behind the launch's last work.
	for i := range n {
		for {
			v, err := l.t.c.QueryWorkflow(ctx, baselineChildID(id, i), "", "started")
			var started bool
			if err == nil && v.Get(&started) == nil && started {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	if l.o.baselineAssigned {
		// Not measured, as Remiss's registrators' assignments are not.
		if _, err := l.updateChildren(ctx, id, runs, "assign", 0); err != nil {
			return f, err
		}
	}
	// The baseline's answers are profiled beside the round's, to be
	// compared (go tool pprof -diff_base).
	run, err := l.startAnswers(round, l.o.cpuprofile+".baseline")
	if err != nil {
		return f, err
	}
	lat, err := l.updateChildren(ctx, id, runs, "answer", 1)
	if err != nil {
		return f, err
	}
	run.finish(lat, &f)
	// Every child has its answer: the round ends, each child with a
	// workflow task of its own, as a round's assignments end. Terminated,
	// they would stay in the worker's cache (the worker never hears of a
	// termination), their coroutines and state a load on every later
	// phase's garbage collections: 300 more goroutines a round.
	for i := range n {
		if err := l.t.c.SignalWorkflow(ctx, baselineChildID(id, i), "", baselineDone, nil); err != nil {
			return f, err
		}
	}
	return f, l.t.c.GetWorkflow(ctx, id, "").Get(ctx, nil)
}

// awaitRunning waits until workflow id runs, and returns its run.
func awaitRunning(ctx context.Context, c client.Client, id string) string {
	for {
		d, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err == nil && d.WorkflowExecutionInfo.Status == 1 {
			return d.WorkflowExecutionInfo.GetExecution().GetRunId()
		}
		time.Sleep(5 * time.Millisecond)
	}
}
