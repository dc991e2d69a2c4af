// Package metrics exposes Prometheus metrics at /metrics: the Temporal SDK's
// worker and client metrics (through an adapter, as sdk/contrib/tally is not
// to be had here) and the application's own: rounds and assignments by state
// (read from PostgreSQL at each scrape), messages sent, documents signed and
// the time signing takes.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	sdkmetrics "go.temporal.io/sdk/client"
)

// Registry holds every metric of one process.
type Registry struct {
	reg *prometheus.Registry
	sdk *sdkCollector

	DocumentsSigned prometheus.Counter
	SigningSeconds  prometheus.Histogram
	MessagesSent    prometheus.Counter
	// SealFailures counts documents that could not be sealed, by reason:
	// "seal" (no seal, an expired certificate, a key that does not match:
	// an operator must act) or "timestamp" (the TSA did not answer; retried).
	SealFailures *prometheus.CounterVec
}

// New makes a registry; db, when given, is read for rounds and assignments.
func New(db *sql.DB) *Registry {
	r := &Registry{reg: prometheus.NewRegistry(), sdk: &sdkCollector{values: map[string]*series{}}}
	r.DocumentsSigned = prometheus.NewCounter(prometheus.CounterOpts{Name: "remiss_documents_signed_total", Help: "Documents sealed."})
	r.SigningSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "remiss_signing_seconds", Help: "Time to render and seal a document.",
		Buckets: []float64{.002, .005, .01, .02, .05, .1, .25, 1}})
	r.MessagesSent = prometheus.NewCounter(prometheus.CounterOpts{Name: "remiss_messages_sent_total", Help: "E-mails the SMTP server accepted."})
	r.SealFailures = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "remiss_seal_failures_total", Help: "Documents that could not be sealed, by reason (seal, timestamp)."}, []string{"reason"})
	for _, reason := range []string{"seal", "timestamp"} {
		r.SealFailures.WithLabelValues(reason) // present at zero, for rate() and alerts
	}
	r.reg.MustRegister(r.DocumentsSigned, r.SigningSeconds, r.MessagesSent, r.SealFailures, r.sdk,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		r.reg.MustRegister(&stateCollector{db: db})
	}
	return r
}

// Handler serves /metrics.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
}

// SDK is the Temporal client's metrics handler (client.Options.MetricsHandler).
func (r *Registry) SDK() sdkmetrics.MetricsHandler { return &sdkHandler{c: r.sdk} }

// --- rounds, assignments and the outbox, read at each scrape ---
//
// These are the database's figures, the same from every process that
// reads it: a dashboard takes max() over the processes, not sum().

type stateCollector struct{ db *sql.DB }

var (
	roundsDesc      = prometheus.NewDesc("remiss_rounds", "Rounds by state.", []string{"state"}, nil)
	assignmentsDesc = prometheus.NewDesc("remiss_assignments", "Assignments by state.", []string{"state"}, nil)
	outboxDesc      = prometheus.NewDesc("remiss_outbox_messages", "E-mails in the outbox by state: pending (not yet sent, not given up; retrying included), retrying (pending after a failed attempt), failed (given up: permanently failing).", []string{"state"}, nil)
	outboxAgeDesc   = prometheus.NewDesc("remiss_outbox_oldest_pending_seconds", "Age of the oldest pending e-mail in the outbox (0 when none).", nil, nil)
)

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- roundsDesc
	ch <- assignmentsDesc
	ch <- outboxDesc
	ch <- outboxAgeDesc
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, q := range []struct {
		desc *prometheus.Desc
		sql  string
	}{{roundsDesc, `SELECT state, count(*) FROM remisses GROUP BY state`}, {assignmentsDesc, `SELECT state, count(*) FROM assignments GROUP BY state`}} {
		rows, err := c.db.QueryContext(ctx, q.sql)
		if err != nil {
			continue
		}
		for rows.Next() {
			var state string
			var n float64
			if rows.Scan(&state, &n) == nil {
				ch <- prometheus.MustNewConstMetric(q.desc, prometheus.GaugeValue, n, state)
			}
		}
		rows.Close()
	}
	// The Coordinator's digest rows wait for the daily digest by design:
	// they are not pending mail.
	var pending, retrying, failed, age float64
	err := c.db.QueryRowContext(ctx, `SELECT
		count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL AND NOT digest),
		count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL AND NOT digest AND attempts > 0),
		count(*) FILTER (WHERE failed_at IS NOT NULL),
		COALESCE(EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL AND NOT digest)), 0)
		FROM outbox`).Scan(&pending, &retrying, &failed, &age)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, pending, "pending")
	ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, retrying, "retrying")
	ch <- prometheus.MustNewConstMetric(outboxDesc, prometheus.GaugeValue, failed, "failed")
	ch <- prometheus.MustNewConstMetric(outboxAgeDesc, prometheus.GaugeValue, age)
}

// --- the SDK's metrics ---

type kind int

const (
	counter kind = iota
	gauge
	timer
)

type series struct {
	name   string
	kind   kind
	labels map[string]string
	value  float64 // counter total, gauge value, or timer sum in seconds
	count  uint64  // timer observations
}

// sdkCollector keeps the SDK's metrics and emits them with, per name, the
// union of the label names seen (Prometheus needs one label set per name).
type sdkCollector struct {
	mu     sync.Mutex
	values map[string]*series
}

func key(name string, labels map[string]string) string {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(name)
	for _, k := range keys {
		b.WriteString("\x00" + k + "=" + labels[k])
	}
	return b.String()
}

func (c *sdkCollector) get(name string, k kind, labels map[string]string) *series {
	id := key(name, labels)
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.values[id]
	if !ok {
		n := sanitize(name)
		if !strings.HasPrefix(n, "temporal_") {
			n = "temporal_" + n
		}
		s = &series{name: n, kind: k, labels: labels}
		c.values[id] = s
	}
	return s
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

func (c *sdkCollector) Describe(chan<- *prometheus.Desc) {} // unchecked: names appear as the SDK uses them

func (c *sdkCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := map[string]map[string]bool{}
	for _, s := range c.values {
		if names[s.name] == nil {
			names[s.name] = map[string]bool{}
		}
		for k := range s.labels {
			names[s.name][sanitize(k)] = true
		}
	}
	for _, s := range c.values {
		var labelNames, values []string
		for k := range names[s.name] {
			labelNames = append(labelNames, k)
		}
		sort.Strings(labelNames)
		byName := map[string]string{}
		for k, v := range s.labels {
			byName[sanitize(k)] = v
		}
		for _, k := range labelNames {
			values = append(values, byName[k])
		}
		switch s.kind {
		case counter:
			ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(s.name+"_total", "Temporal SDK counter.", labelNames, nil), prometheus.CounterValue, s.value, values...)
		case gauge:
			ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(s.name, "Temporal SDK gauge.", labelNames, nil), prometheus.GaugeValue, s.value, values...)
		case timer:
			ch <- prometheus.MustNewConstSummary(prometheus.NewDesc(s.name+"_seconds", "Temporal SDK timer.", labelNames, nil), s.count, s.value, nil, values...)
		}
	}
}

type sdkHandler struct {
	c    *sdkCollector
	tags map[string]string
}

func (h *sdkHandler) WithTags(tags map[string]string) sdkmetrics.MetricsHandler {
	merged := map[string]string{}
	for k, v := range h.tags {
		merged[k] = v
	}
	for k, v := range tags {
		merged[k] = v
	}
	return &sdkHandler{c: h.c, tags: merged}
}

func (h *sdkHandler) Counter(name string) sdkmetrics.MetricsCounter {
	return counterFunc(func(d int64) {
		s := h.c.get(name, counter, h.tags)
		h.c.mu.Lock()
		s.value += float64(d)
		h.c.mu.Unlock()
	})
}

func (h *sdkHandler) Gauge(name string) sdkmetrics.MetricsGauge {
	return gaugeFunc(func(v float64) { s := h.c.get(name, gauge, h.tags); h.c.mu.Lock(); s.value = v; h.c.mu.Unlock() })
}

func (h *sdkHandler) Timer(name string) sdkmetrics.MetricsTimer {
	return timerFunc(func(d time.Duration) {
		s := h.c.get(name, timer, h.tags)
		h.c.mu.Lock()
		s.value += d.Seconds()
		s.count++
		h.c.mu.Unlock()
	})
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }
