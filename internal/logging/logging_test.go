package logging_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	sdklog "go.temporal.io/sdk/log"

	"github.com/remiss/remiss/internal/logging"
)

func lines(t *testing.T, b *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// TestProductionLinesAreJSONWithIDs: JSON lines; the Temporal SDK's lines
// (through its slog adapter, as config.ClientOptions makes it) get the
// round's and the assignment's IDs from the workflow's ID; e-mail
// addresses are replaced.
func TestProductionLinesAreJSONWithIDs(t *testing.T) {
	var b bytes.Buffer
	l := logging.New(&b, true, slog.LevelDebug)
	sdk := sdklog.NewStructuredLogger(l)
	sdk.Warn("Activity error.", "WorkflowID", "assignment:ks-2016-171-908.farsta", "ActivityType", "Notify",
		"Error", errors.New("550 5.1.1 <anna.andersson@farsta.stockholm.se>: no such user"))
	sdklog.With(sdk, "WorkflowID", "remiss:ks-2016-171-908").Info("Workflow started")
	sdk.Info("path", "WorkflowID", "path:ks-2016-171-908")
	l.Info("mail: undeliverable", logging.AssignmentAttrs("ks-2016-171-908.bromma")...)
	l.Info("no workflow", "WorkflowID", "someone-elses")
	got := lines(t, &b)
	want := []struct{ remiss, assignment string }{
		{"ks-2016-171-908", "ks-2016-171-908.farsta"}, {"ks-2016-171-908", ""}, {"ks-2016-171-908", ""},
		{"ks-2016-171-908", "ks-2016-171-908.bromma"}, {"", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("%d lines: %s", len(got), b.String())
	}
	for i, w := range want {
		r, _ := got[i]["remiss"].(string)
		a, _ := got[i]["assignment"].(string)
		if r != w.remiss || a != w.assignment {
			t.Errorf("line %d: remiss %q assignment %q, want %q %q: %v", i, r, a, w.remiss, w.assignment, got[i])
		}
	}
	if strings.Contains(b.String(), "@") || !strings.Contains(b.String(), "<e-post>") {
		t.Errorf("an address is logged: %s", b.String())
	}
	if strings.Count(b.String(), `"remiss"`) != 4 {
		t.Errorf("the IDs are repeated on a line: %s", b.String())
	}
}

func TestDevelopmentLinesAreText(t *testing.T) {
	var b bytes.Buffer
	logging.New(&b, false, slog.LevelInfo).Info("Worker: running", "WorkflowID", "remiss:ks-1")
	if s := b.String(); !strings.Contains(s, `msg="Worker: running"`) || !strings.Contains(s, "remiss=ks-1") || strings.HasPrefix(s, "{") {
		t.Errorf("text line: %s", s)
	}
}
