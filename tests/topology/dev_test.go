package topology

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"gopkg.in/yaml.v3"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/devmail"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// freeAddr is a loopback address nothing listens on just now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestDevServesTemporalUIAndMetrics runs `make dev`'s command
// (cmd/remiss-dev) as a process, launches a round and has one recipient
// answer, then asks the Temporal Web UI it serves (Temporal's own UI server,
// through its HTTP API) for the namespace's workflows, and scrapes its
// /metrics for every metric the Grafana dashboard and the Prometheus rules
// in deploy/ name. Interrupted, it stops the UI with the rest.
func TestDevServesTemporalUIAndMetrics(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		dbtest.Unavailable(t, "the go command", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "./cmd/remiss-dev")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	appURL := dbtest.URL(t)
	catcher, err := devmail.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer catcher.Close()

	temporalAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(freeBase(t)))
	uiAddr, opsAddr := freeAddr(t), freeAddr(t)
	logs := t.TempDir()
	logFile := filepath.Join(logs, "dev.log")
	dev := start(t, filepath.Join(bin, "remiss-dev"), []string{
		"DATABASE_URL=" + appURL, "REMISS_DATA_DIR=" + t.TempDir(), "TEMPORAL_ADDRESS=" + temporalAddr,
		"REMISS_HTTP_ADDR=" + freeAddr(t), "REMISS_OPS_ADDR=" + opsAddr, "REMISS_TEMPORAL_UI_ADDR=" + uiAddr,
		"SMTP_ADDR=" + catcher.Addr(), "SMTP_SECURITY=none", "REMISS_ENV=development",
	}, logFile)
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(300 * time.Millisecond) {
		log, _ := os.ReadFile(logFile)
		if strings.Contains(string(log), "Worker: running") {
			if !strings.Contains(string(log), "Temporal UI: http://"+uiAddr+"/namespaces/default/workflows") {
				t.Errorf("the log does not say where the UI is:\n%s", tail(log))
			}
			break
		}
		if time.Now().After(deadline) || dev.exited() {
			t.Fatalf("make dev did not start:\n%s", tail(log))
		}
	}

	st, err := store.Open(ctx, appURL, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := client.Dial(client.Options{HostPort: temporalAddr, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	svc := rounds.New(st, c)
	coord, err := svc.Actor(ctx, "ks.samordnare")
	if err != nil {
		t.Fatal(err)
	}
	orgs := []string{"farsta", "bromma"}
	id, err := svc.Launch(ctx, coord, remiss.Launch{Dnr: "KS 2026/991-1", Title: "Riktlinjer för gröna tak",
		Deadline: time.Now().AddDate(0, 1, 0).Format("2006-01-02"), Recipients: orgs})
	if err != nil {
		t.Fatal(err)
	}
	// One answer: its statement is sealed (the signing metrics).
	if err := answer(ctx, svc, st, id, "farsta"); err != nil {
		t.Fatal(err)
	}

	// The UI's own page, from the assets embedded in the UI server.
	ui := "http://" + uiAddr
	if code, body := httpGet(t, ui+"/"); code != 200 || !strings.Contains(body, "<html") {
		t.Errorf("GET %s/: %d %.200s", ui, code, body)
	}
	// The UI server's API lists the round's workflows, through the real
	// server's visibility.
	want := append([]string{workflows.RemissWorkflowID(id)}, assignmentIDs(id, orgs)...)
	var seen map[string]bool
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(500 * time.Millisecond) {
		code, body := httpGet(t, ui+"/api/v1/namespaces/default/workflows")
		var list struct {
			Executions []struct {
				Execution struct {
					WorkflowID string `json:"workflowId"`
				} `json:"execution"`
				Type struct {
					Name string `json:"name"`
				} `json:"type"`
			} `json:"executions"`
		}
		seen = map[string]bool{}
		if code == 200 && json.Unmarshal([]byte(body), &list) == nil {
			for _, e := range list.Executions {
				seen[e.Execution.WorkflowID] = true
			}
		}
		missing := 0
		for _, w := range want {
			if !seen[w] {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the UI lists %v, want %v (last answer %d: %.500s)", seen, want, code, body)
		}
	}

	checkDashboardMetrics(t, "http://"+opsAddr+"/metrics")

	// Interrupted, make dev stops the UI with everything else.
	dev.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-dev.done:
	case <-time.After(time.Minute):
		t.Fatal("make dev did not stop on SIGINT")
	}
	if conn, err := net.DialTimeout("tcp", uiAddr, time.Second); err == nil {
		conn.Close()
		t.Errorf("the UI still answers on %s after make dev stopped", uiAddr)
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// metricName matches the names of our metrics and the SDK's in a PromQL
// expression.
var metricName = regexp.MustCompile(`\b(?:remiss|temporal)_[a-z0-9_]+\b`)

// checkDashboardMetrics scrapes url and checks that every metric named in
// deploy/'s Grafana dashboards and Prometheus rules is one the process
// exports. Our own (remiss_*) must be in the scrape (the registry shows
// each, at zero when nothing happened). The SDK's (temporal_*) that the
// short run did not produce (activity failures) must be names the SDK at
// go.mod's version declares, in the form our adapter exports them.
func checkDashboardMetrics(t *testing.T, url string) {
	t.Helper()
	code, body := httpGet(t, url)
	if code != 200 {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}
	scraped := map[string]bool{}
	for _, line := range strings.Split(body, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		scraped[strings.FieldsFunc(line, func(r rune) bool { return r == '{' || r == ' ' })[0]] = true
	}

	named := map[string][]string{} // metric -> where
	var exprs func(file string, v any)
	exprs = func(file string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "expr" {
					for _, m := range metricName.FindAllString(s, -1) {
						named[m] = append(named[m], file)
					}
				}
				exprs(file, x)
			}
		case []any:
			for _, x := range v {
				exprs(file, x)
			}
		}
	}
	dashboards, _ := filepath.Glob("../../deploy/grafana/dashboards/*.json")
	rules, _ := filepath.Glob("../../deploy/prometheus/*.yml")
	if len(dashboards) == 0 || len(rules) == 0 {
		t.Fatalf("no dashboards (%v) or rules (%v) in deploy/", dashboards, rules)
	}
	for _, f := range append(dashboards, rules...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if strings.HasSuffix(f, ".json") {
			err = json.Unmarshal(b, &v)
		} else {
			err = yaml.Unmarshal(b, &v)
		}
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		exprs(filepath.Base(f), v)
	}
	if len(named) < 10 {
		t.Fatalf("only %d metric names found in the dashboards and rules: %v", len(named), named)
	}
	sdk := sdkMetricNames(t)
	var names []string
	for m := range named {
		names = append(names, m)
	}
	sort.Strings(names)
	fromScrape := 0
	for _, m := range names {
		switch {
		case scraped[m]:
			fromScrape++
		case strings.HasPrefix(m, "temporal_") && sdk[m]:
			t.Logf("%s: not produced by this run; declared by the SDK", m)
		default:
			t.Errorf("%s (in %v) is not a metric we export", m, named[m])
		}
	}
	t.Logf("%d metric names in the dashboards and rules, %d seen in the scrape", len(names), fromScrape)
}

// sdkMetricNames reads the metric names the Temporal SDK at go.mod's
// version declares (its internal/common/metrics/constants.go), as
// internal/metrics exports them: a counter with _total, a timer as a
// summary in seconds, a gauge as it is.
func sdkMetricNames(t *testing.T) map[string]bool {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "go.temporal.io/sdk").Output()
	if err != nil {
		t.Fatalf("go list go.temporal.io/sdk: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal", "common", "metrics", "constants.go"))
	if err != nil {
		t.Fatal(err)
	}
	decl := regexp.MustCompile(`(?m)^\s*(\w+)\s*=\s*(\w+)\s*\+\s*"(\w+)"`)
	values := map[string]string{"TemporalMetricsPrefix": "temporal_"}
	names := map[string]bool{}
	for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
		base, ok := values[m[2]]
		if !ok {
			continue
		}
		name := base + m[3]
		values[m[1]] = name
		switch {
		case strings.HasSuffix(m[1], "Counter"):
			names[name+"_total"] = true
		case strings.HasSuffix(m[1], "Latency"):
			names[name+"_seconds_sum"], names[name+"_seconds_count"] = true, true
		default:
			names[name] = true
		}
	}
	if !names["temporal_activity_execution_failed_total"] {
		t.Fatalf("the SDK's metric names were not read: %v", names)
	}
	return names
}
