package topology

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/devmail"
	"github.com/remiss/remiss/internal/devpg"
	imail "github.com/remiss/remiss/internal/mail"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// TestRoundSurvivesFaults is the short form of the fault script: on a
// PostgreSQL of its own, a round to twenty recipients goes on while workers
// are killed three times and PostgreSQL itself is killed and started again.
// Nothing is lost or duplicated, every signature is valid, and every message
// is delivered (a resend carries its Message-ID, so it is recognisable).
func TestRoundSurvivesFaults(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		dbtest.Unavailable(t, "the go command", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	// Not t.TempDir: the postgres user (initdb will not run as root) must be
	// able to reach it.
	pgRoot, err := os.MkdirTemp("", "remiss-pg-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(pgRoot, 0o755)
	t.Cleanup(func() { os.RemoveAll(pgRoot) })
	pg, err := devpg.StartPrivate(filepath.Join(pgRoot, "pg"), port, func(string, ...any) {})
	if err != nil {
		dbtest.Unavailable(t, "a private PostgreSQL (initdb, pg_ctl)", err)
	}
	t.Cleanup(func() { pg.Stop() })
	admin, err := sql.Open("postgres", pg.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE DATABASE remiss`); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	appURL := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/remiss?sslmode=disable", port)

	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "./cmd/remiss-temporal", "./worker")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	st, err := store.Open(ctx, appURL, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := demo.Seed(ctx, st); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	seals, err := demo.Seals(filepath.Join(data, "seals"))
	if err != nil {
		t.Fatal(err)
	}
	catcher, err := devmail.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer catcher.Close()

	addr := fmt.Sprintf("127.0.0.1:%d", freeBase(t))
	logs := t.TempDir()
	temporalEnv := []string{"TEMPORAL_ADDRESS=" + addr, fmt.Sprintf("TEMPORAL_DB_ADDR=127.0.0.1:%d", port)}
	n := 0
	server := start(t, filepath.Join(bin, "remiss-temporal"), temporalEnv, filepath.Join(logs, "temporal-0.log"))
	waitListening(t, filepath.Join(logs, "temporal-0.log"), server)
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	workerEnv := []string{"TEMPORAL_ADDRESS=" + addr, "DATABASE_URL=" + appURL, "REMISS_DATA_DIR=" + data, "REMISS_OPS_ADDR=127.0.0.1:0",
		"SMTP_ADDR=" + catcher.Addr(), "SMTP_SECURITY=none", "SMTP_FROM=remiss@example.stockholm.se",
		// A message whose sender died holding it is sent again after the
		// lease: short here, so the test need not wait minutes.
		"REMISS_MAIL_LEASE=5s"}
	worker := func() *proc {
		n++
		return start(t, filepath.Join(bin, "worker"), workerEnv, filepath.Join(logs, fmt.Sprintf("worker-%d.log", n)))
	}
	workers := []*proc{worker(), worker()}

	svc := rounds.New(st, c)
	coord, _ := svc.Actor(ctx, "ks.samordnare")
	orgs := append(demo.StadsdelsnamnderCodes(), "utbildningsnamnden", "trafiknamnden", "socialnamnden", "kulturnamnden", "fastighetsnamnden", "aldrenamnden")
	id, err := svc.Launch(ctx, coord, remiss.Launch{Dnr: "KS 2026/995-1", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: time.Now().AddDate(0, 1, 0).Format("2006-01-02"), Recipients: orgs})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(orgs))
	for i, org := range orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 200 * time.Millisecond)
			errs <- answer(ctx, svc, st, id, org)
		}()
	}
	// The faults: a worker killed, PostgreSQL killed for five seconds,
	// two more workers killed. A Temporal server that gives up while its
	// database is gone is started again, as a supervisor would.
	time.Sleep(time.Second)
	workers[0].kill()
	workers = append(workers, worker())
	time.Sleep(time.Second)
	if err := pg.Kill(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Second)
	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	for _, w := range workers[1:] {
		time.Sleep(1500 * time.Millisecond)
		w.kill()
		worker()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	restarts := 0
	for waiting := true; waiting; {
		select {
		case <-done:
			waiting = false
		case <-time.After(time.Second):
			if server.exited() {
				restarts++
				log := filepath.Join(logs, fmt.Sprintf("temporal-%d.log", restarts))
				server = start(t, filepath.Join(bin, "remiss-temporal"), temporalEnv, log)
				waitListening(t, log, server)
			}
		case <-ctx.Done():
			t.Fatal("the answers did not finish")
		}
	}
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	var status workflows.RemissStatus
	for {
		err := c.GetWorkflow(ctx, workflows.RemissWorkflowID(id), "").Get(ctx, &status)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("round: %v", err)
		}
		time.Sleep(time.Second)
	}
	t.Logf("Temporal server restarts: %d", restarts)

	checkRound(t, ctx, st, seals.Roots, id, orgs)
	// Every message is delivered; a copy is recognisable by its Message-ID.
	var out []store.OutboxMessage
	for deadline := time.Now().Add(3 * time.Minute); ; {
		out, _ = st.Outbox(ctx, id)
		unsent := 0
		for _, m := range out {
			if m.SentAt == nil && m.FailedAt == nil && !m.Digest {
				unsent++
			}
		}
		if unsent == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages still unsent", unsent)
		}
		time.Sleep(time.Second)
	}
	got := map[string]int{}
	for _, m := range catcher.Messages() {
		got[m.MessageID]++
	}
	dups := 0
	for _, m := range out {
		k := got[imail.MessageID(m.ID, "example.stockholm.se")]
		if k == 0 {
			t.Errorf("message %s (%s) never arrived", m.ID, m.Kind)
		}
		dups += max(0, k-1)
	}
	t.Logf("%d messages delivered, %d resent copies (same Message-ID)", len(out), dups)
}

func waitListening(t *testing.T, logFile string, p *proc) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Minute); ; {
		log, _ := os.ReadFile(logFile)
		if strings.Contains(string(log), "listening on") {
			return
		}
		if time.Now().After(deadline) || p.exited() {
			t.Fatalf("Temporal on PostgreSQL did not start:\n%s", tail(log))
		}
		time.Sleep(500 * time.Millisecond)
	}
}
