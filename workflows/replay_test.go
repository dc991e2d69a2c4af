package workflows

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"
)

// TestReplayRecordedHistories replays histories recorded by the end-to-end
// test on a real server (REMISS_RECORD_HISTORY=1 go test ./tests/e2e), so a
// change to the workflows that would break running rounds fails here.
// Re-record them when a history's shape changes on purpose.
func TestReplayRecordedHistories(t *testing.T) {
	for _, file := range []string{"remiss.json", "assignment.json"} {
		t.Run(file, func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(RemissWorkflow)
			r.RegisterWorkflow(AssignmentWorkflow)
			r.RegisterWorkflow(DecisionWorkflow)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, filepath.Join("testdata", file)); err != nil {
				t.Fatal(err)
			}
		})
	}
}
