// Package topology runs the production topology as separate processes: a
// Temporal server on PostgreSQL persistence (cmd/remiss-temporal) and two
// workers, and kills workers with SIGKILL while a round runs.
package topology

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// freeBase finds a frontend port whose service ports (Temporal's default
// offsets) are all free.
func freeBase(t *testing.T) int {
	for base := 20000 + int(time.Now().UnixNano()%5000); base < 31000; base += 17 {
		ok := true
		for _, off := range []int{0, -300, 1, -299, 2, -298, 6, -294, 4} {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(base+off))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free ports")
	return 0
}

type proc struct {
	cmd      *exec.Cmd
	log      string
	done     chan struct{}
	killedAt time.Time
}

func start(t *testing.T, bin string, env []string, logFile string) *proc {
	t.Helper()
	f, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, log: logFile, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill(); f.Close() })
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) kill() {
	p.killedAt = time.Now()
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func TestRoundSurvivesKilledWorkers(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		dbtest.Unavailable(t, "the go command", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "./cmd/remiss-temporal", "./worker")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	appURL := dbtest.URL(t)
	st, err := store.Open(ctx, appURL, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := demo.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	seals, err := demo.Seals(filepath.Join(data, "seals")) // made before two workers race to make them
	if err != nil {
		t.Fatal(err)
	}

	var b [4]byte
	rand.Read(b[:])
	suffix := hex.EncodeToString(b[:])
	admin, err := sql.Open("postgres", dbtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE IF EXISTS temporal_` + suffix + ` WITH (FORCE)`)
		admin.Exec(`DROP DATABASE IF EXISTS temporal_vis_` + suffix + ` WITH (FORCE)`)
		admin.Close()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", freeBase(t))
	logs := t.TempDir()
	temporalEnv := []string{"TEMPORAL_ADDRESS=" + addr, "TEMPORAL_DB_NAME=temporal_" + suffix, "TEMPORAL_DB_VISIBILITY=temporal_vis_" + suffix}
	server := start(t, filepath.Join(bin, "remiss-temporal"), temporalEnv, filepath.Join(logs, "temporal.log"))

	// The server says it listens once its namespace is served.
	for deadline := time.Now().Add(3 * time.Minute); ; {
		log, _ := os.ReadFile(filepath.Join(logs, "temporal.log"))
		if strings.Contains(string(log), "listening on") {
			break
		}
		if time.Now().After(deadline) || server.exited() {
			t.Fatalf("Temporal on PostgreSQL did not start:\n%s", tail(log))
		}
		time.Sleep(500 * time.Millisecond)
	}
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	workerEnv := []string{"TEMPORAL_ADDRESS=" + addr, "DATABASE_URL=" + appURL, "REMISS_DATA_DIR=" + data, "REMISS_OPS_ADDR=127.0.0.1:0"}
	n := 0
	worker := func() *proc {
		n++
		return start(t, filepath.Join(bin, "worker"), workerEnv, filepath.Join(logs, fmt.Sprintf("worker-%d.log", n)))
	}
	w1, w2 := worker(), worker()

	svc := rounds.New(st, c)
	coord, _ := svc.Actor(ctx, "ks.samordnare")
	orgs := demo.StadsdelsnamnderCodes()
	orgs = append(orgs, "utbildningsnamnden", "trafiknamnden", "socialnamnden", "kulturnamnden", "fastighetsnamnden", "aldrenamnden")
	id, err := svc.Launch(ctx, coord, remiss.Launch{Dnr: "KS 2026/990-1", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: time.Now().AddDate(0, 1, 0).Format("2006-01-02"), Recipients: orgs})
	if err != nil {
		t.Fatal(err)
	}

	// Twenty recipients answer while one worker, then the other, is killed
	// with SIGKILL and replaced, and then the Temporal server.
	var wg sync.WaitGroup
	errs := make(chan error, len(orgs))
	for i, org := range orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 150 * time.Millisecond)
			errs <- answer(ctx, svc, st, id, org)
		}()
	}
	time.Sleep(1200 * time.Millisecond)
	w1.kill()
	w3 := worker()
	time.Sleep(1500 * time.Millisecond)
	w2.kill()
	_ = w3
	worker()
	// The Temporal server itself is killed and started again on the same
	// PostgreSQL state; workers and clients reconnect.
	time.Sleep(1500 * time.Millisecond)
	server.kill()
	time.Sleep(500 * time.Millisecond)
	start(t, filepath.Join(bin, "remiss-temporal"), temporalEnv, filepath.Join(logs, "temporal-2.log"))
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// The round closes when the last answer is in, and drafts
	// kommunstyrelsen's own statement (which people then write).
	for limit := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if r, err := st.RemissHead(ctx, id); err == nil && r.State == remiss.RemissClosed {
			if _, err := st.Statement(ctx, id); err == nil {
				break
			}
		}
		if time.Now().After(limit) {
			t.Fatal("the round did not close")
		}
	}

	checkRound(t, ctx, st, seals.Roots, id, orgs)

	// The workers shared the work: activities ran on more than one of them.
	ran := map[string]int{}
	for _, wid := range append([]string{workflows.RemissWorkflowID(id)}, assignmentIDs(id, orgs)...) {
		it := c.GetWorkflowHistory(ctx, wid, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			if a := ev.GetActivityTaskStartedEventAttributes(); a != nil {
				ran[a.GetIdentity()]++
			}
		}
	}
	t.Logf("activities by worker: %v", ran)
	if len(ran) < 2 {
		t.Errorf("activities ran on %d worker(s), want them shared: %v", len(ran), ran)
	}
}

func assignmentIDs(id string, orgs []string) []string {
	out := make([]string, len(orgs))
	for i, org := range orgs {
		out[i] = workflows.AssignmentWorkflowID(id, org)
	}
	return out
}

// checkRound asserts what faults must not change: every recipient answered,
// each answer recorded once with one statement, every document's signature
// valid, and the round closed with kommunstyrelsen's statement drafted.
func checkRound(t *testing.T, ctx context.Context, st *store.Store, roots *x509.CertPool, id string, orgs []string) {
	t.Helper()
	asgs, _ := st.Assignments(ctx, id)
	for _, a := range asgs {
		if a.State != remiss.StateAnswered || a.DocumentID == "" {
			t.Errorf("%s: %s", a.Org, a.State)
		}
	}
	docs, _ := st.Documents(ctx, id)
	per := map[string]int{}
	for _, d := range docs {
		if d.Kind == "statement" {
			per[d.AssignmentID]++
		}
		if res, err := sign.Verify(ctx, d.Content, roots); err != nil || !res[0].Valid {
			t.Errorf("%s: signature %v %v", d.ID, res, err)
		}
	}
	if len(per) != len(orgs) {
		t.Errorf("%d statements for %d answers", len(per), len(orgs))
	}
	for a, k := range per {
		if k != 1 {
			t.Errorf("%s has %d statements", a, k)
		}
	}
	audit, _ := st.Audit(ctx, id)
	count := map[string]int{}
	for _, e := range audit {
		count[e.AssignmentID+" "+e.Action]++
	}
	for _, org := range orgs {
		for _, action := range []string{"assigned", "submitted", "approved", "statement_stored"} {
			if k := count[remiss.AssignmentID(id, org)+" "+action]; k != 1 {
				t.Errorf("%s %s recorded %d times", org, action, k)
			}
		}
	}
	ks, err := st.Statement(ctx, id)
	if r, _ := st.Remiss(ctx, id); r.State != remiss.RemissClosed || err != nil || ks.ResponseVersionID == "" {
		t.Errorf("round %s, kommunstyrelsen's statement %+v %v", r.State, ks, err)
	}
}

// answer takes an assignment from assignment to approval, retrying an
// action that failed because the worker handling it was killed.
func answer(ctx context.Context, svc *rounds.Service, st *store.Store, id, org string) error {
	asg := remiss.AssignmentID(id, org)
	// Look-ups too are retried: the database may be down for a while.
	var o remiss.Org
	var reg, off, chef remiss.Actor
	for attempt := 0; ; attempt++ {
		var e1, e2, e3, e4 error
		o, e1 = st.Org(ctx, org)
		reg, e2 = svc.Actor(ctx, org+".registrator")
		off, e3 = svc.Actor(ctx, org+".handlaggare")
		chef, e4 = svc.Actor(ctx, org+".chef")
		if err := errors.Join(e1, e2, e3, e4); err == nil {
			break
		} else if attempt == 60 {
			return err
		}
		time.Sleep(time.Second)
	}
	steps := []func() error{
		func() error { _, err := svc.Assign(ctx, reg, asg, org+".handlaggare"); return err },
		func() error { _, err := svc.Submit(ctx, off, asg, demo.SampleResponse(o)); return err },
		func() error { _, err := svc.Approve(ctx, chef, asg, ""); return err },
	}
	for i, step := range steps {
		var err error
		for attempt := 0; attempt < 60; attempt++ {
			if err = step(); err == nil {
				break
			}
			var rej *remiss.Error
			if errors.As(err, &rej) && rej.Kind == remiss.KindConflict && attempt > 0 {
				// The earlier attempt went through before its answer was lost.
				err = nil
				break
			}
			time.Sleep(time.Second)
		}
		if err != nil {
			return fmt.Errorf("%s step %d: %w", org, i, err)
		}
	}
	return nil
}

func tail(b []byte) string {
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}
