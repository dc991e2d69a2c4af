package topology

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
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
)

// faultPlan is how hard the fault script hits.
type faultPlan struct {
	recipients      int
	kills           int           // workers killed with SIGKILL at random moments
	pgDown          time.Duration // PostgreSQL killed and kept down this long
	restartTemporal bool          // the Temporal server killed and started again
	spacing         time.Duration // between the recipients' first actions
}

// plan is the short form that CI runs, or with REMISS_FAULTS=full the full
// fault script: fifty recipients, twelve worker kills, PostgreSQL down for
// 30 s, and the Temporal server killed and restarted.
func plan() faultPlan {
	if os.Getenv("REMISS_FAULTS") == "full" {
		return faultPlan{recipients: 50, kills: 12, pgDown: 30 * time.Second, restartTemporal: true, spacing: 400 * time.Millisecond}
	}
	return faultPlan{recipients: 20, kills: 3, pgDown: 5 * time.Second, spacing: 200 * time.Millisecond}
}

// TestRoundSurvivesFaults is the fault script: on a PostgreSQL of its own,
// a round goes on while workers are killed at random moments, PostgreSQL
// itself is killed and started again, and (in the full form) so is the
// Temporal server. Nothing is lost or duplicated, every signature is
// valid, and every message is delivered (a resend carries its Message-ID,
// so it is recognisable).
func TestRoundSurvivesFaults(t *testing.T) {
	fp := plan()
	seed := time.Now().UnixNano()
	rnd := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("plan %+v, seed %d", fp, seed)
	if _, err := exec.LookPath("go"); err != nil {
		dbtest.Unavailable(t, "the go command", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
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
		// lease: short here, so the test need not wait minutes, but longer
		// than the database is away, as in production (2 min).
		fmt.Sprintf("REMISS_MAIL_LEASE=%s", fp.pgDown+10*time.Second)}
	worker := func() *proc {
		n++
		return start(t, filepath.Join(bin, "worker"), workerEnv, filepath.Join(logs, fmt.Sprintf("worker-%d.log", n)))
	}
	workers := []*proc{worker(), worker()}

	svc := rounds.New(st, c)
	coord, _ := svc.Actor(ctx, "ks.samordnare")
	orgs := append(demo.StadsdelsnamnderCodes(), "utbildningsnamnden", "trafiknamnden", "socialnamnden", "kulturnamnden", "fastighetsnamnden", "aldrenamnden")
	if more := fp.recipients - len(orgs); more > 0 {
		extra, err := demo.LoadOrgs(ctx, st, more)
		if err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, extra...)
	}
	orgs = orgs[:fp.recipients]
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
			time.Sleep(time.Duration(i) * fp.spacing)
			errs <- answer(ctx, svc, st, id, org)
		}()
	}
	// The faults, while the answers come in: workers killed at random
	// moments (a new one started for each), PostgreSQL killed and started
	// again, and in the full form the Temporal server killed and restarted
	// once the database is back. A Temporal server that gives up while its
	// database is gone is started again, as a supervisor would.
	var mu sync.Mutex // guards workers, server, restarts
	restarts := 0
	restartServer := func() {
		restarts++
		log := filepath.Join(logs, fmt.Sprintf("temporal-%d.log", restarts))
		server = start(t, filepath.Join(bin, "remiss-temporal"), temporalEnv, log)
		waitListening(t, log, server)
	}
	stopSupervisor, supervised := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(supervised)
		for {
			select {
			case <-stopSupervisor:
				return
			case <-time.After(time.Second):
			}
			mu.Lock()
			if server.exited() {
				restartServer()
			}
			mu.Unlock()
		}
	}()
	span := time.Duration(len(orgs))*fp.spacing + fp.pgDown + 10*time.Second
	faults := make(chan struct{})
	go func() {
		defer close(faults)
		for k := 0; k < fp.kills; k++ {
			time.Sleep(time.Duration(rnd.Int64N(int64(span) / int64(fp.kills))))
			mu.Lock()
			var live []*proc
			for _, w := range workers {
				if !w.exited() {
					live = append(live, w)
				}
			}
			if len(live) > 0 {
				live[rnd.IntN(len(live))].kill()
			}
			workers = append(workers, worker())
			mu.Unlock()
		}
	}()
	time.Sleep(2 * time.Second)
	if err := pg.Kill(); err != nil {
		t.Fatal(err)
	}
	pgDownAt := time.Now()
	t.Logf("PostgreSQL down for %v", fp.pgDown)
	time.Sleep(fp.pgDown)
	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	if fp.restartTemporal {
		time.Sleep(2 * time.Second)
		mu.Lock()
		server.kill()
		restartServer()
		mu.Unlock()
		t.Log("Temporal server killed and started again")
	}
	<-faults
	answered := make(chan struct{})
	go func() { wg.Wait(); close(answered) }()
	select {
	case <-answered:
	case <-ctx.Done():
		t.Fatal("the answers did not finish")
	}
	close(stopSupervisor)
	<-supervised
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// The round closes with the last answer and drafts kommunstyrelsen's
	// own statement (which people then write: the round's workflow runs on).
	for {
		r, err := st.RemissHead(ctx, id)
		if err == nil && r.State == remiss.RemissClosed {
			if _, err = st.Statement(ctx, id); err == nil {
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatalf("round: %v", err)
		}
		time.Sleep(time.Second)
	}
	killed := 0
	var kills []time.Time
	for _, w := range workers {
		if w.exited() {
			killed++
		}
		if !w.killedAt.IsZero() {
			kills = append(kills, w.killedAt)
		}
	}
	t.Logf("workers killed: %d; Temporal server restarts: %d", killed, restarts)

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
	got, first := map[string]int{}, map[string]time.Time{}
	for _, m := range catcher.Messages() {
		if got[m.MessageID] == 0 {
			first[m.MessageID] = m.At
		}
		got[m.MessageID]++
	}
	dups := 0
	for _, m := range out {
		mid := imail.MessageID(m.ID, "example.stockholm.se")
		k := got[mid]
		if k == 0 {
			t.Errorf("message %s (%s) never arrived", m.ID, m.Kind)
		}
		if k > 1 && !killedJustAfter(kills, first[mid]) {
			// A database or server away, a killed worker, or a retry must
			// not send again: the sender notes each acceptance in the
			// shared journal before it tells the database, so only a
			// sender killed between the SMTP server's 250 and that note (a
			// window no protocol closes) may; the copy has the same
			// Message-ID.
			t.Errorf("message %s (%s) delivered %d times, and no worker was killed as it was accepted (%s after PostgreSQL went down; nearest kill %s)",
				m.ID, m.Kind, k, first[mid].Sub(pgDownAt).Round(time.Millisecond), nearestKill(kills, first[mid]))
		}
		dups += max(0, k-1)
	}
	t.Logf("%d messages delivered, %d resent copies (same Message-ID)", len(out), dups)
}

// killedJustAfter reports whether a worker was killed within a second after
// the SMTP server accepted a message at at, before its journal could note it.
// nearestKill says how long after (or, negative, before) at the closest
// worker kill came: what a failure of killedJustAfter needs to be read.
func nearestKill(kills []time.Time, at time.Time) string {
	best := time.Duration(1<<63 - 1)
	for _, k := range kills {
		if d := k.Sub(at); d.Abs() < best.Abs() {
			best = d
		}
	}
	if len(kills) == 0 {
		return "none"
	}
	return best.Round(time.Millisecond).String()
}

func killedJustAfter(kills []time.Time, at time.Time) bool {
	for _, k := range kills {
		if !k.Before(at) && k.Sub(at) < time.Second {
			return true
		}
	}
	return false
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
