// Package e2e runs whole rounds on a real Temporal server (in-process, from
// go.temporal.io/server/temporaltest) and a real PostgreSQL. It is the one
// package that links the server, so the long link happens once.
package e2e

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/remissworker"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/temporalserver"
	"github.com/remiss/remiss/internal/web"
	"github.com/remiss/remiss/workflows"
)

type env struct {
	t     *testing.T
	ts    *temporaltest.TestServer
	c     client.Client
	store *store.Store
	svc   *rounds.Service
	seals *sign.Keyring
}

func setup(t *testing.T) *env {
	st := dbtest.OpenSeeded(t)
	quiet := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ts := temporaltest.NewServer(temporaltest.WithT(t), temporaltest.WithBaseClientOptions(client.Options{Logger: quiet}),
		temporaltest.WithBaseServerOptions(temporalserver.TestServerOption()))
	c := ts.GetDefaultClient()
	svc, seals := rounds.New(st, c), dbtest.Seals(t)
	svc.Roots = seals.Roots
	return &env{t: t, ts: ts, c: c, store: st, svc: svc, seals: seals}
}

func (e *env) startWorker() worker.Worker {
	w := remissworker.New(e.c, &activities.Activities{Store: e.store, BaseURL: "http://localhost:8080", Seals: e.seals}, worker.Options{})
	if err := w.Start(); err != nil {
		e.t.Fatal(err)
	}
	return w
}

// serve starts a worker and the web server with the demo users (password
// "demo") for a test of the API or the pages.
func (e *env) serve(ctx context.Context) (base string, stop func()) {
	e.t.Helper()
	if err := demo.SeedWithPassword(ctx, e.store, "demo"); err != nil {
		e.t.Fatal(err)
	}
	w := e.startWorker()
	// Webhooks on loopback are plain http.
	srv := httptest.NewServer((&web.Server{Store: e.store, Rounds: e.svc, Roots: e.seals.Roots, AllowHTTPWebhooks: true}).Handler())
	return srv.URL, func() { srv.Close(); w.Stop() }
}

// served is setup with the web server (and a worker) running for the
// test, and a context that bounds it.
func served(t *testing.T) (*env, context.Context, string) {
	e := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	base, stop := e.serve(ctx)
	t.Cleanup(stop)
	return e, ctx, base
}

func (e *env) user(name string) remiss.Actor {
	a, err := e.svc.Actor(context.Background(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// answer takes one organisation's assignment from assignment to approval.
func (e *env) answer(ctx context.Context, asgID, org string) error {
	o, err := e.store.Org(ctx, org)
	if err != nil {
		return err
	}
	if _, err := e.svc.Assign(ctx, e.user(org+".registrator"), asgID, org+".handlaggare"); err != nil {
		return err
	}
	st, err := e.svc.Submit(ctx, e.user(org+".handlaggare"), asgID, demo.SampleResponse(o))
	if err != nil {
		return err
	}
	_, err = e.svc.Approve(ctx, e.user(org+".chef"), asgID, st.SHA256)
	return err
}

// writeKSStatement has stadsledningskontoret write kommunstyrelsen's own
// tjänsteutlåtande on round id once its close has drafted it: KS's
// registrator assigns it, its handläggare writes the förslag till beslut
// and the synpunkter on the draft and submits it, the signatory returns it
// once (returnOnce) and approves it; it waits until it is sealed and
// returns the document's ID.
func (e *env) writeKSStatement(ctx context.Context, id string, returnOnce bool) string {
	e.t.Helper()
	asg := remiss.StatementAssignmentID(id)
	var draft store.Assignment
	for limit := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		var err error
		if draft, err = e.store.Statement(ctx, id); err == nil {
			break
		}
		if time.Now().After(limit) {
			e.t.Fatalf("no draft of kommunstyrelsen's statement on %s: %v", id, err)
		}
	}
	v, err := e.store.ResponseVersion(ctx, draft.ResponseVersionID)
	if err != nil {
		e.t.Fatal(err)
	}
	content := v.Content
	content.Proposals = []string{"Kommunstyrelsen antar strategin.", "Remissvaren läggs till handlingarna."}
	content.Opinions = "Stadsledningskontoret delar remissinstansernas bedömning i huvudsak."
	content.Signatories = []remiss.Signatory{{Name: "Anna Stadsdirektör", Title: "Stadsdirektör"}}
	content.OfficerName = "Kim Handläggare"
	officer, chef := e.user("ks.handlaggare"), e.user("ks.chef")
	try := func(what string, act func() error) {
		e.t.Helper()
		for limit := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
			err := act()
			if err == nil {
				return
			}
			if time.Now().After(limit) {
				e.t.Fatalf("KS statement, %s: %v", what, err)
			}
		}
	}
	try("assign", func() error { _, err := e.svc.Assign(ctx, e.user("ks.registrator"), asg, "ks.handlaggare"); return err })
	if returnOnce {
		first := content
		first.Opinions = "Utkast."
		try("submit", func() error { _, err := e.svc.Submit(ctx, officer, asg, first); return err })
		try("return", func() error {
			_, err := e.svc.Return(ctx, chef, asg, "Skriv ut kontorets bedömning av remissvaren.")
			return err
		})
	}
	var st workflows.AssignmentStatus
	try("submit", func() (err error) { st, err = e.svc.Submit(ctx, officer, asg, content); return err })
	try("approve", func() error { _, err := e.svc.Approve(ctx, chef, asg, st.SHA256); return err })
	var doc string
	for limit := time.Now().Add(2 * time.Minute); doc == ""; time.Sleep(100 * time.Millisecond) {
		if r, err := e.store.RemissHead(ctx, id); err == nil {
			doc = r.SummaryID
		}
		if time.Now().After(limit) {
			e.t.Fatalf("kommunstyrelsen's statement on %s was not sealed", id)
		}
	}
	return doc
}

// hexRun is a checksum, or any run of hex digits a person would not read.
var hexRun = regexp.MustCompile(`(?i)\b[0-9a-f]{16,}\b`)

func pdftotext(t *testing.T, pdf []byte) string {
	t.Helper()
	return dbtest.PDFText(t, pdf)
}

// TestRoundToFourteenStadsdelsnamnder is the round of the brief: twelve
// answer with the seeds' texts, one declines, one answers after the
// deadline; the worker is stopped in the middle and a new one takes over.
func TestRoundToFourteenStadsdelsnamnder(t *testing.T) {
	began := time.Now()
	e := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	first := e.startWorker()

	orgs := demo.StadsdelsnamnderCodes()
	if len(orgs) != 14 {
		t.Fatalf("%d stadsdelsnämnder", len(orgs))
	}
	coord := e.user("ks.samordnare")
	launch := remiss.Launch{
		Dnr:         "KS 2016/171-908",
		Title:       "Strategi för Stockholm som smart och uppkopplad stad",
		Description: "Kommunfullmäktige har i budget för 2016 beslutat att en strategi ska tas fram.",
		Deadline:    time.Now().AddDate(0, 1, 0).Format(remiss.DateLayout),
		Recipients:  orgs,
	}
	plan, err := e.svc.Prepare(ctx, coord, launch)
	if err != nil {
		t.Fatal(err)
	}
	// Run the round in seconds instead of weeks: the deadline falls 14 s
	// from now, reminders 11 s and 5 s before it, escalation 2 s after.
	deadlineAt := time.Now().Add(14 * time.Second).Truncate(time.Second)
	plan.Remiss.DeadlineAt, plan.Input.DeadlineAt = deadlineAt, deadlineAt
	plan.Remiss.Deadline = remiss.DateOf(deadlineAt)
	plan.Input.Reminders, plan.Input.EscalateAfter, plan.Input.Grace = []string{"11s", "5s"}, "2s", "2m"
	if err := e.svc.Start(ctx, plan); err != nil {
		t.Fatal(err)
	}
	id := plan.Remiss.ID
	if _, err := e.svc.Launch(ctx, coord, launch); !errors.Is(err, remiss.ErrRefused) {
		t.Errorf("second launch of the same Dnr: %v, want a rejection", err)
	}
	// Even the identical launch (its stored row matches) is refused while
	// the round runs.
	if err := e.svc.Start(ctx, plan); !errors.Is(err, remiss.ErrRefused) || !strings.Contains(err.Error(), "redan utskickad") {
		t.Errorf("identical second launch: %v, want a rejection", err)
	}

	asg := func(org string) string { return remiss.AssignmentID(id, org) }
	waitStarted(t, ctx, e.c, orgs, id)

	decliner, late := "spanga-tensta", "skarholmen"
	var answering []string
	for _, org := range orgs {
		if org != decliner && org != late {
			answering = append(answering, org)
		}
	}
	// The first six answer on the first worker, which is stopped as soon as
	// the last of their approvals is accepted, while statements render.
	if err := inParallel(answering[:6], func(org string) error { return e.answer(ctx, asg(org), org) }); err != nil {
		t.Fatal(err)
	}
	first.Stop()
	time.Sleep(500 * time.Millisecond)
	second := e.startWorker()
	defer second.Stop()

	if err := inParallel(answering[6:], func(org string) error { return e.answer(ctx, asg(org), org) }); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Decline(ctx, e.user(decliner+".chef"), asg(decliner), "Ärendet berör inte nämndens ansvarsområde.", ""); err != nil {
		t.Fatal(err)
	}
	// A wrong organisation is refused and changes nothing.
	if _, err := e.svc.Approve(ctx, e.user("farsta.chef"), asg(late), ""); !errors.Is(err, remiss.ErrRefused) {
		t.Errorf("approval by another organisation: %v", err)
	}

	// Skärholmen answers after the deadline (and its overdue notice).
	time.Sleep(time.Until(deadlineAt.Add(1500 * time.Millisecond)))
	if err := e.answer(ctx, asg(late), late); err != nil {
		t.Fatal(err)
	}

	// The round closes; stadsledningskontoret writes kommunstyrelsen's own
	// statement on the answers, the signatory returns it once, then
	// approves it.
	ksDoc := e.writeKSStatement(ctx, id, true)
	var status workflows.RemissStatus
	if err := e.c.GetWorkflow(ctx, workflows.RemissWorkflowID(id), "").Get(ctx, &status); err != nil {
		t.Fatal(err)
	}
	t.Logf("round completed in %v", time.Since(began).Round(time.Millisecond))
	if status.State != remiss.RemissClosed || status.Closing != "all-done" {
		t.Errorf("round %+v", status)
	}

	// The system of record.
	r, err := e.store.Remiss(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.State != remiss.RemissClosed || r.SummaryID != ksDoc || status.SummaryID != ksDoc {
		t.Errorf("remiss %s state %s statement %q (workflow %q), want %q", id, r.State, r.SummaryID, status.SummaryID, ksDoc)
	}
	asgs, err := e.store.Assignments(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range asgs {
		want := remiss.StateAnswered
		if a.Org == decliner {
			want = remiss.StateDeclined
		}
		if a.State != want || a.Late != (a.Org == late) {
			t.Errorf("%s: state %s late %v", a.Org, a.State, a.Late)
		}
	}

	docs, err := e.store.Documents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	perAssignment := map[string]int{}
	var statements int
	for _, d := range docs {
		// Every document is sealed by its organisation, and intact.
		if res, err := sign.Verify(t.Context(), d.Content, e.seals.Roots); err != nil || len(res) != 1 || !res[0].Valid {
			t.Errorf("%s: signature %+v %v", d.ID, res, err)
		} else if d.Kind == "statement" && !strings.Contains(res[0].Signer, "TEST-sigill") {
			t.Errorf("%s signed by %q", d.ID, res[0].Signer)
		}
		text := pdftotext(t, d.Content)
		switch {
		case d.ID == ksDoc:
			// Kommunstyrelsen's own, in the shape of seed 001: its förslag,
			// the table of the answers under Beredning, the office's
			// synpunkter, and the remissvar as its bilagor; no checksums.
			pdfsigValid(t, d.Content)
			flat := strings.Join(strings.Fields(text), " ")
			for _, want := range []string{"TJÄNSTEUTLÅTANDE", "Stadsledningskontoret", "KS 2016/171-908", "Till Kommunstyrelsen",
				"Förslag till beslut", "1. Kommunstyrelsen antar strategin.", "Ärendet", "Beredning",
				"Remissinstanserna Ställningstagande Inkom", "Spånga-Tensta stadsdelsnämnd Avstår", "Inkom efter svarsdatum",
				"Stadsledningskontorets synpunkter", "Stadsledningskontoret delar remissinstansernas bedömning", "Bilagor",
				"Hägersten-Liljeholmens stadsdelsnämnd, tjänsteutlåtande", "Beslut på delegation",
				"Kommunstyrelsen har remitterat ärendet till 14 remissinstanser. 13 har svarat, 1 avstår"} {
				if !strings.Contains(flat, want) {
					t.Errorf("KS statement lacks %q:\n%s", want, flat)
				}
			}
			if hexRun.MatchString(flat) || strings.Contains(flat, "SHA-256") || strings.Contains(flat, ".pdf") {
				t.Errorf("KS statement prints file names or checksums:\n%s", flat)
			}
		case d.Kind == "statement":
			statements++
			perAssignment[d.AssignmentID]++
			org, _ := e.store.Org(ctx, strings.TrimPrefix(d.AssignmentID, id+"."))
			for _, want := range []string{"TJÄNSTEUTLÅTANDE", "KS 2016/171-908", "Förslag till beslut",
				org.Name + " godkänner och överlämnar", "Förvaltningens synpunkter och bedömning",
				"”Stockholm – en stad för alla”", "tf stadsdelsdirektör", "Sida 1 ("} {
				if !strings.Contains(text, want) {
					t.Errorf("statement %s lacks %q", d.ID, want)
				}
			}
			// Lateness is kommunstyrelsens to note, in its compilation
			// (below), not in the body's own document.
			if strings.Contains(text, "svarsdatum") {
				t.Errorf("statement %s says it came late", d.ID)
			}
		}
	}
	if statements != 13 {
		t.Errorf("%d statements of the recipients, want 13", statements)
	}
	for a, n := range perAssignment {
		if n != 1 {
			t.Errorf("%s has %d statements", a, n)
		}
	}

	// The audit trail: every step of every assignment, once.
	audit, err := e.store.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, ev := range audit {
		count[ev.AssignmentID+" "+ev.Action]++
	}
	for _, org := range append(answering, late) {
		for _, action := range []string{"assigned", "submitted", "approved", "statement_stored"} {
			if n := count[asg(org)+" "+action]; n != 1 {
				t.Errorf("audit %s %s: %d rows", org, action, n)
			}
		}
	}
	if count[asg(decliner)+" declined"] != 1 || count[" remiss_sent"] != 1 || count[" round_closed"] != 1 {
		t.Errorf("audit: declined %d, remiss_sent %d, round_closed %d",
			count[asg(decliner)+" declined"], count[" remiss_sent"], count[" round_closed"])
	}

	// Reminder rows: the late recipient got both reminders and the overdue
	// notice; nobody got one after answering.
	out, err := e.store.Outbox(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, m := range out {
		if m.AssignmentID == asg(late) {
			kinds[m.Kind]++
		}
		if !strings.Contains(m.Subject, "KS 2016/171-908") {
			t.Errorf("message %s lacks the Dnr: %q", m.ID, m.Subject)
		}
	}
	if kinds["reminder"] != 2 || kinds["overdue"] != 1 {
		t.Errorf("late recipient's notices %v, want 2 reminders and 1 overdue", kinds)
	}
	byID := map[string]store.Assignment{}
	for _, a := range asgs {
		byID[a.ID] = a
	}
	for _, m := range out {
		a := byID[m.AssignmentID]
		if (m.Kind == "reminder" || m.Kind == "overdue") && a.SubmittedAt != nil && m.EventAt.After(*a.SubmittedAt) {
			t.Errorf("%s to %s at %v after it answered at %v", m.Kind, a.Org, m.EventAt, a.SubmittedAt)
		}
	}

	checkReplay(t, ctx, e.c, workflows.RemissWorkflowID(id), workflows.AssignmentWorkflowID(id, late))
	checkReplayAs(t, ctx, e.c, map[string]string{workflows.AssignmentWorkflowID(id, remiss.KS): "assignment-statement.json"})
	t.Logf("end-to-end wall time %v", time.Since(began).Round(time.Millisecond))
}

// pdfsigValid asks poppler, an independent verifier, about the signature.
func pdfsigValid(t *testing.T, pdf []byte) {
	t.Helper()
	bin, err := exec.LookPath("pdfsig")
	if err != nil {
		dbtest.Unavailable(t, "pdfsig (poppler-utils)", err)
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	os.WriteFile(path, pdf, 0o600)
	out, _ := exec.Command(bin, path).CombinedOutput() // exits 0 even when invalid: read it
	if !strings.Contains(string(out), "Signature Validation: Signature is Valid.") || !strings.Contains(string(out), "ETSI.CAdES.detached") {
		t.Errorf("pdfsig:\n%s", out)
	}
}

func waitStarted(t *testing.T, ctx context.Context, c client.Client, orgs []string, id string) {
	t.Helper()
	for _, org := range orgs {
		for {
			d, err := c.DescribeWorkflowExecution(ctx, workflows.AssignmentWorkflowID(id, org), "")
			if err == nil && d.WorkflowExecutionInfo.Status == enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("assignment %s never started: %v", org, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func inParallel(items []string, fn func(string) error) error {
	var wg sync.WaitGroup
	errs := make([]error, len(items))
	for i, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn(it)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// checkReplay replays the histories the server recorded against the current
// workflow code, and with REMISS_RECORD_HISTORY=1 saves them as the replay
// test's fixtures in workflows/testdata.
func checkReplay(t *testing.T, ctx context.Context, c client.Client, ids ...string) {
	t.Helper()
	names := map[string]string{}
	for _, id := range ids {
		names[id] = strings.SplitN(id, ":", 2)[0] + ".json"
	}
	checkReplayAs(t, ctx, c, names)
}

// checkReplayAs replays each workflow ID's history and, when recording,
// saves it under the file name given.
func checkReplayAs(t *testing.T, ctx context.Context, c client.Client, names map[string]string) {
	t.Helper()
	replayer := worker.NewWorkflowReplayer()
	replayer.RegisterWorkflow(workflows.RemissWorkflow)
	replayer.RegisterWorkflow(workflows.AssignmentWorkflow)
	replayer.RegisterWorkflow(workflows.DecisionWorkflow)
	for wid, name := range names {
		var h historypb.History
		it := c.GetWorkflowHistory(ctx, wid, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			h.Events = append(h.Events, ev)
		}
		if err := replayer.ReplayWorkflowHistory(nil, &h); err != nil {
			t.Errorf("replay %s: %v", wid, err)
		}
		if os.Getenv("REMISS_RECORD_HISTORY") != "" {
			body, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&h)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("..", "..", "workflows", "testdata", name), body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestActionWaitsForItsWorkflowToStart: a launched round's assignments are
// in the inboxes at once; a registrator who acts before the assignment's
// workflow runs (here: no worker until a second later) is answered when it
// does, not refused.
func TestActionWaitsForItsWorkflowToStart(t *testing.T) {
	e := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{Dnr: "KS 2026/777-1", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: time.Now().AddDate(0, 1, 0).Format(remiss.DateLayout), Recipients: []string{"farsta"}})
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := e.store.Inbox(ctx, "farsta")
	if err != nil || len(inbox) != 1 {
		t.Fatalf("inbox right after launch: %v %v", inbox, err)
	}
	go func() {
		time.Sleep(time.Second)
		w := e.startWorker()
		t.Cleanup(w.Stop)
	}()
	began := time.Now()
	st, err := e.svc.Assign(ctx, e.user("farsta.registrator"), remiss.AssignmentID(id, "farsta"), "farsta.handlaggare")
	if err != nil || st.State != remiss.StateAssigned {
		t.Fatalf("assign before the workflow ran: %+v %v", st, err)
	}
	if waited := time.Since(began); waited < time.Second {
		t.Errorf("answered after %v, before any worker ran", waited)
	}
}
