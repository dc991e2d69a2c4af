package rounds

import (
	"context"
	"errors"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// runsTemporal answers Updates from run current of every workflow, and
// says any other run named is not found, as the server says of an ended
// run; it records the run each Update named.
type runsTemporal struct {
	client.Client
	current string
	named   []string
}

func (f *runsTemporal) UpdateWorkflow(_ context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.named = append(f.named, o.RunID)
	if f.current == "" || o.RunID != "" && o.RunID != f.current {
		return nil, serviceerror.NewNotFound("workflow execution already completed")
	}
	return runHandle{f.current}, nil
}

type runHandle struct{ run string }

func (runHandle) WorkflowID() string                 { return "" }
func (h runHandle) RunID() string                    { return h.run }
func (runHandle) UpdateID() string                   { return "" }
func (runHandle) Get(_ context.Context, _ any) error { return nil }

// TestUpdatesNameTheRunTheyReached: the second Update of a workflow names
// the run the first reached (the server reads no current run for it); when
// that run has been replaced the Update goes to the current one, and when
// the workflow has ended the caller hears it is not running.
func TestUpdatesNameTheRunTheyReached(t *testing.T) {
	ctx := context.Background()
	tc := &runsTemporal{current: "run-1"}
	s := &Service{Temporal: tc}
	for range 2 {
		if err := s.update(ctx, "wf", "assign", nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	tc.current = "run-2" // reset by an operator: a new run of the same ID
	if err := s.update(ctx, "wf", "submit", nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.update(ctx, "wf", "approve", nil, nil); err != nil {
		t.Fatal(err)
	}
	tc.current = "" // ended
	if err := s.update(ctx, "wf", "approve", nil, nil); !errors.Is(err, errNotRunning) {
		t.Fatalf("an Update of an ended workflow: %v, want errNotRunning", err)
	}
	want := []string{"", "run-1", "run-1", "", "run-2", "run-2", ""}
	if len(tc.named) != len(want) {
		t.Fatalf("runs named %q, want %q", tc.named, want)
	}
	for i := range want {
		if tc.named[i] != want[i] {
			t.Fatalf("runs named %q, want %q", tc.named, want)
		}
	}
	if got := s.runs.get("wf"); got != "" {
		t.Errorf("an ended workflow's run is still remembered: %q", got)
	}
}

func TestRunIDsAreBounded(t *testing.T) {
	var r runIDs
	for i := range maxRunIDs + 10 {
		r.put(string(rune('a'+i%26))+string(rune(i)), "run")
	}
	if n := len(r.m); n > maxRunIDs {
		t.Fatalf("%d runs remembered, at most %d", n, maxRunIDs)
	}
	r.put("x", "")
	if r.get("x") != "" {
		t.Error("an empty run was remembered")
	}
}
