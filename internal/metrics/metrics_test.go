package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/metrics"
)

func TestOpsEndpoints(t *testing.T) {
	s := dbtest.OpenSeeded(t)
	reg := metrics.New(s.DB())
	sdk := reg.SDK().WithTags(map[string]string{"namespace": "default", "task_queue": "remiss"})
	sdk.Counter("temporal_workflow_completed").Inc(2) // the SDK's names carry the prefix already
	sdk.WithTags(map[string]string{"workflow_type": "RemissWorkflow"}).Counter("temporal_workflow_completed").Inc(1)
	sdk.Timer("activity_execution_latency").Record(30 * time.Millisecond)
	sdk.Gauge("worker_task_slots_available").Update(7)
	reg.DocumentsSigned.Inc()
	reg.SigningSeconds.Observe(0.008)

	var ready error
	h := metrics.Ops(reg, func(context.Context) error { return ready })
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("healthz %d", code)
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("readyz %d", code)
	}
	ready = errors.New("PostgreSQL svarar inte")
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "PostgreSQL") {
		t.Errorf("readyz when not ready: %d %s", code, body)
	}
	code, body := get("/metrics")
	for _, want := range []string{
		`temporal_workflow_completed_total{namespace="default",task_queue="remiss",workflow_type=""} 2`,
		`temporal_workflow_completed_total{namespace="default",task_queue="remiss",workflow_type="RemissWorkflow"} 1`,
		`temporal_activity_execution_latency_seconds_count{namespace="default",task_queue="remiss"} 1`,
		`temporal_worker_task_slots_available{namespace="default",task_queue="remiss"} 7`,
		`remiss_documents_signed_total 1`, `remiss_signing_seconds_count 1`,
		`remiss_seal_failures_total{reason="seal"} 0`, `remiss_outbox_messages{state="pending"} 0`,
		`remiss_outbox_messages{state="failed"} 0`, `remiss_outbox_oldest_pending_seconds 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if code != 200 {
		t.Errorf("metrics %d", code)
	}
}
