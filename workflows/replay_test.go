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
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) < 5 {
		t.Fatalf("histories %v: %v", files, err)
	}
	for _, path := range files {
		file := filepath.Base(path)
		t.Run(file, func(t *testing.T) {
			r := worker.NewWorkflowReplayer()
			r.RegisterWorkflow(RemissWorkflow)
			r.RegisterWorkflow(AssignmentWorkflow)
			r.RegisterWorkflow(DecisionWorkflow)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, path); err != nil {
				t.Fatal(err)
			}
		})
	}
}
