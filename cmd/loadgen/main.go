// Command loadgen measures a round under load through the JSON API: it
// starts a Temporal server, a worker and the web server in this process on a
// fresh PostgreSQL database, launches a round to N recipients, lets M
// officers answer concurrently, and reports the figures the issues name.
//
//	go run ./cmd/loadgen -recipients 300 -officers 50 -inbox 10000
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	_ "github.com/lib/pq"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/remissworker"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/web"
	"github.com/remiss/remiss/workflows"
)

var cpuprofile *string

func main() {
	recipients := flag.Int("recipients", 300, "recipients in the round")
	officers := flag.Int("officers", 50, "concurrent officers")
	inbox := flag.Int("inbox", 10000, "assignments in the database when the inbox is measured")
	cpuprofile = flag.String("cpuprofile", "", "write a CPU profile of the submissions to this file")
	admin := flag.String("db", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "a PostgreSQL where a fresh database may be created")
	flag.Parse()
	if err := run(*recipients, *officers, *inbox, *admin); err != nil {
		log.Fatal(err)
	}
}

func run(n, m, inboxSize int, adminURL string) error {
	ctx := context.Background()
	dbName := fmt.Sprintf("remiss_load_%d", time.Now().Unix())
	adminDB, err := sql.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	if _, err := adminDB.Exec(`CREATE DATABASE ` + dbName); err != nil {
		return err
	}
	defer adminDB.Exec(`DROP DATABASE IF EXISTS ` + dbName + ` WITH (FORCE)`)
	u, _ := url.Parse(adminURL)
	u.Path = "/" + dbName
	st, err := store.Open(ctx, u.String(), 10*time.Second)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := demo.Seed(ctx, st); err != nil {
		return err
	}
	orgs, err := demo.LoadOrgs(ctx, st, n)
	if err != nil {
		return err
	}
	dir, _ := os.MkdirTemp("", "loadgen")
	defer os.RemoveAll(dir)
	seals, err := demo.Seals(dir)
	if err != nil {
		return err
	}

	quiet := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
	ts := temporaltest.NewServer(temporaltest.WithBaseClientOptions(client.Options{Logger: quiet}))
	defer ts.Stop()
	c := ts.GetDefaultClient()
	w := remissworker.New(c, &activities.Activities{Store: st, BaseURL: "http://localhost", Seals: seals},
		worker.Options{MaxConcurrentActivityExecutionSize: 200, MaxConcurrentWorkflowTaskExecutionSize: 200})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	svc := rounds.New(st, c)
	srv := httptest.NewServer((&web.Server{Store: st, Rounds: svc, Roots: seals.Roots, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	defer srv.Close()
	api := &client2{base: srv.URL, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}

	tokens := map[string]string{}
	for _, name := range append([]string{"ks.samordnare"}, users(orgs)...) {
		tok, _, err := st.CreateSession(ctx, name, "api", time.Hour)
		if err != nil {
			return err
		}
		tokens[name] = tok
	}

	fmt.Printf("Round to %d recipients, %d concurrent officers, on %d cores\n", n, m, runtime.NumCPU())
	launched := time.Now()
	code, body := api.do(tokens["ks.samordnare"], "POST", "/api/v1/remisses", map[string]any{
		"dnr": "KS 2026/999-1", "title": "Lasttest", "deadline": time.Now().AddDate(0, 2, 0).Format("2006-01-02"), "recipients": orgs})
	if code != 201 {
		return fmt.Errorf("launch: %d %s", code, body)
	}
	id := remiss.RemissID("KS 2026/999-1")
	// In its inbox: the assignment's workflow runs and takes actions.
	for _, org := range orgs {
		for {
			d, err := c.DescribeWorkflowExecution(ctx, workflows.AssignmentWorkflowID(id, org), "")
			if err == nil && d.WorkflowExecutionInfo.Status == 1 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	inboxReady := time.Since(launched)
	fmt.Printf("launch until every assignment is in its inbox: %v\n", inboxReady.Round(time.Millisecond))

	each := func(f func(org string) error) error {
		jobs := make(chan string)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var first error
		for range m {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for org := range jobs {
					if err := f(org); err != nil {
						mu.Lock()
						if first == nil {
							first = err
						}
						mu.Unlock()
					}
				}
			}()
		}
		for _, org := range orgs {
			jobs <- org
		}
		close(jobs)
		wg.Wait()
		return first
	}
	if err := each(func(org string) error {
		code, body := api.do(tokens[org+".registrator"], "POST", "/api/v1/assignments/"+remiss.AssignmentID(id, org)+"/assign", map[string]string{"officer": org + ".handlaggare"})
		if code != 200 {
			return fmt.Errorf("assign %s: %d %s", org, code, body)
		}
		return nil
	}); err != nil {
		return err
	}

	var mu sync.Mutex
	var lat []time.Duration
	answer := demo.SampleResponse(remiss.Org{Name: "Lastnämnden", Forvaltning: "Lastförvaltningen"})
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
	}
	started := time.Now()
	if err := each(func(org string) error {
		t0 := time.Now()
		code, body := api.do(tokens[org+".handlaggare"], "POST", "/api/v1/assignments/"+remiss.AssignmentID(id, org)+"/submit", answer)
		d := time.Since(t0)
		if code != 200 {
			return fmt.Errorf("submit %s: %d %s", org, code, body)
		}
		mu.Lock()
		lat = append(lat, d)
		mu.Unlock()
		return nil
	}); err != nil {
		return err
	}
	elapsed := time.Since(started)
	pprof.StopCPUProfile()
	fmt.Printf("submissions: %d in %v, %.1f answers/s; latency p50 %v, p99 %v\n", len(lat), elapsed.Round(time.Millisecond),
		float64(len(lat))/elapsed.Seconds(), pct(lat, 50), pct(lat, 99))

	var lastApproval time.Time
	if err := each(func(org string) error {
		code, body := api.do(tokens[org+".chef"], "POST", "/api/v1/assignments/"+remiss.AssignmentID(id, org)+"/approve", nil)
		if code != 200 {
			return fmt.Errorf("approve %s: %d %s", org, code, body)
		}
		mu.Lock()
		lastApproval = time.Now()
		mu.Unlock()
		return nil
	}); err != nil {
		return err
	}
	for {
		r, err := st.Remiss(ctx, id)
		if err != nil {
			return err
		}
		if r.SummaryID != "" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	fmt.Printf("last approval until the signed sammanställning is stored: %v\n", time.Since(lastApproval).Round(time.Millisecond))

	if err := fillAssignments(ctx, st, orgs, inboxSize); err != nil {
		return err
	}
	var inboxLat []time.Duration
	for i := range 400 {
		org := orgs[i%len(orgs)]
		t0 := time.Now()
		code, body := api.do(tokens[org+".handlaggare"], "GET", "/api/v1/assignments", nil)
		if code != 200 {
			return fmt.Errorf("inbox: %d %s", code, body)
		}
		inboxLat = append(inboxLat, time.Since(t0))
	}
	fmt.Printf("inbox (GET /api/v1/assignments) with %d assignments in the database: p50 %v, p99 %v\n", inboxSize, pct(inboxLat, 50), pct(inboxLat, 99))
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("process (server, worker and web together): RSS %s, Go heap in use %d MB\n", rss(), ms.HeapInuse>>20)
	return nil
}

func users(orgs []string) []string {
	var out []string
	for _, o := range orgs {
		out = append(out, o+".registrator", o+".handlaggare", o+".chef")
	}
	return out
}

// fillAssignments adds rounds until the database holds total assignments.
func fillAssignments(ctx context.Context, st *store.Store, orgs []string, total int) error {
	have := len(orgs)
	for r := 0; have < total; r++ {
		size := min(len(orgs), total-have)
		dnr := fmt.Sprintf("KS 2025/%d-1", r+1)
		if _, err := st.CreateRound(ctx, store.Remiss{ID: remiss.RemissID(dnr), Dnr: dnr, Title: "Fyllnad", Deadline: "2027-06-30",
			DeadlineAt: time.Date(2027, 7, 1, 0, 0, 0, 0, remiss.Stockholm), Reminders: []string{"14d"}, Grace: "7d",
			Coordinator: "ks.samordnare", Recipients: orgs[:size]}); err != nil {
			return err
		}
		have += size
	}
	return nil
}

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))].Round(100 * time.Microsecond)
}

func rss() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:"))
		}
	}
	return "?"
}

type client2 struct {
	base string
	http *http.Client
}

func (c *client2) do(token, method, path string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}
