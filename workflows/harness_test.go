package workflows

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The workflow tests run the real activities against a real PostgreSQL, in
// the SDK's test environment with time skipping.

var (
	start      = time.Date(2026, 12, 1, 9, 0, 0, 0, remiss.Stockholm)
	deadline   = "2027-01-15"
	deadlineAt = time.Date(2027, 1, 16, 0, 0, 0, 0, remiss.Stockholm)
	day        = 24 * time.Hour
	coord      = remiss.Actor{User: "ks.samordnare", Org: "ks", Role: remiss.RoleCoordinator}
)

func actor(org string, role remiss.Role) remiss.Actor {
	suffix := map[remiss.Role]string{remiss.RoleRegistrar: ".registrator", remiss.RoleOfficer: ".handlaggare", remiss.RoleSignatory: ".chef"}[role]
	return remiss.Actor{User: org + suffix, Org: org, Role: role}
}

type harness struct {
	t        *testing.T
	env      *testsuite.TestWorkflowEnvironment
	acts     *activities.Activities
	store    *store.Store
	remissID string
	rejected map[string]string // update ID → error
	accepted map[string]bool
}

func newHarness(t *testing.T, dnr string, recipients ...string) *harness {
	s := dbtest.OpenSeeded(t)
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	// The decision path outlives the round; these tests end with the round.
	env.SetDetachedChildWait(false)
	env.RegisterWorkflow(RemissWorkflow)
	env.RegisterWorkflow(AssignmentWorkflow)
	env.RegisterWorkflow(DecisionWorkflow)
	acts := &activities.Activities{Store: s, BaseURL: "http://localhost:8080", Seals: dbtest.Seals(t)}
	env.RegisterActivity(acts)
	id := remiss.RemissID(dnr)
	if _, err := s.CreateRound(context.Background(), store.Remiss{
		ID: id, Dnr: dnr, Title: "Strategi för Stockholm som smart och uppkopplad stad", Deadline: deadline,
		DeadlineAt: deadlineAt, Reminders: []string{"14d", "3d"}, Grace: "7d", Coordinator: coord.User,
		Recipients: recipients,
	}); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, env: env, acts: acts, store: s, remissID: id, rejected: map[string]string{}, accepted: map[string]bool{}}
}

func (h *harness) remissInput(recipients ...string) RemissInput {
	return RemissInput{RemissID: h.remissID, DeadlineAt: deadlineAt, Recipients: recipients,
		Reminders: []string{"14d", "3d"}, EscalateAfter: "3d", Grace: "7d", Coordinator: coord}
}

func (h *harness) assignmentInput(org string) AssignmentInput {
	return AssignmentInput{RemissID: h.remissID, Org: org, DeadlineAt: deadlineAt, Reminders: []string{"14d", "3d"},
		EscalateAfter: "3d"}
}

// at sends an update to workflowID after d of simulated time. An empty
// workflowID means the workflow under test.
func (h *harness) at(d time.Duration, workflowID, updateID, name string, arg any) {
	h.atLazy(d, workflowID, updateID, name, func() any { return arg })
}

// atLazy is at with an argument made when the update is sent: for what
// exists only by then (KS's statement, from the close of the round).
func (h *harness) atLazy(d time.Duration, workflowID, updateID, name string, argFn func() any) {
	h.env.RegisterDelayedCallback(func() {
		arg := argFn()
		cb := &testsuite.TestUpdateCallback{
			OnAccept: func() { h.accepted[updateID] = true },
			OnReject: func(err error) { h.rejected[updateID] = err.Error() },
			OnComplete: func(_ any, err error) {
				if err != nil {
					h.rejected[updateID] = err.Error()
				}
			},
		}
		if workflowID == "" {
			h.env.UpdateWorkflow(name, updateID, cb, arg)
			return
		}
		if err := h.env.UpdateWorkflowByID(workflowID, name, updateID, cb, arg); err != nil {
			h.rejected[updateID] = err.Error()
		}
	}, d)
}

// writeStatement has KS's staff write kommunstyrelsen's own statement on
// the round from d on (the round must have closed by then): its registrator
// assigns it, its handläggare submits a text (returnOnce: the signatory
// sends it back once with a comment, and it is submitted again), and its
// signatory approves it. The update IDs begin with "ks-".
func (h *harness) writeStatement(d time.Duration, returnOnce bool) {
	id := AssignmentWorkflowID(h.remissID, remiss.KS)
	h.at(d, id, "ks-assign", UpdateAssign, AssignRequest{Actor: actor(remiss.KS, remiss.RoleRegistrar), Officer: "ks.handlaggare"})
	text := func(opinions string) func() any {
		return func() any {
			return h.version(remiss.KS, func(r *remiss.Response) {
				r.Position, r.Opinions = "", opinions
				r.Proposals = []string{"Kommunstyrelsen antar strategin.", "Remissvaren läggs till handlingarna."}
			})
		}
	}
	first, final := text("Stadsledningskontoret tillstyrker."), text("Stadsledningskontoret tillstyrker, med remissinstansernas synpunkter.")
	d += time.Hour
	h.atLazy(d, id, "ks-submit", UpdateSubmit, first)
	if returnOnce {
		h.atLazy(d+time.Hour, id, "ks-return", UpdateReturn, func() any {
			return NoteRequest{Actor: actor(remiss.KS, remiss.RoleSignatory),
				NoteID: h.note(remiss.KS, "return", "Skriv ut vad kontoret tycker om remissinstansernas synpunkter.", actor(remiss.KS, remiss.RoleSignatory))}
		})
		d += 2 * time.Hour
		h.atLazy(d, id, "ks-submit-2", UpdateSubmit, final)
		first = final
	}
	h.atLazy(d+time.Hour, id, "ks-approve", UpdateApprove, func() any {
		return ApproveRequest{Actor: actor(remiss.KS, remiss.RoleSignatory), SHA256: first().(VersionRequest).SHA256}
	})
}

// version stores a response version for org and returns the submit request.
func (h *harness) version(org string, edit func(*remiss.Response)) VersionRequest {
	o, err := h.store.Org(context.Background(), org)
	if err != nil {
		h.t.Fatal(err)
	}
	r := demo.SampleResponse(o)
	if edit != nil {
		edit(&r)
	}
	v, err := h.store.SaveResponseVersion(context.Background(), remiss.AssignmentID(h.remissID, org), r, org+".handlaggare")
	if err != nil {
		h.t.Fatal(err)
	}
	return VersionRequest{Actor: actor(org, remiss.RoleOfficer), VersionID: v.ID, SHA256: v.SHA256}
}

func (h *harness) note(org, kind, text string, author remiss.Actor) string {
	id, err := h.store.AddNote(context.Background(), remiss.AssignmentID(h.remissID, org), kind, text, author.User)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

func (h *harness) notices(kind string) []store.OutboxMessage {
	msgs, err := h.store.Outbox(context.Background(), h.remissID)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []store.OutboxMessage
	for _, m := range msgs {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func (h *harness) assignment(org string) store.Assignment {
	a, err := h.store.Assignment(context.Background(), remiss.AssignmentID(h.remissID, org))
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

func (h *harness) mustAccept(ids ...string) {
	h.t.Helper()
	for _, id := range ids {
		if msg, bad := h.rejected[id]; bad || !h.accepted[id] {
			h.t.Errorf("update %s: accepted=%v rejected=%q", id, h.accepted[id], msg)
		}
	}
}

func (h *harness) mustReject(id, contains string) {
	h.t.Helper()
	msg, ok := h.rejected[id]
	if !ok {
		h.t.Errorf("update %s was not rejected", id)
		return
	}
	if !strings.Contains(msg, contains) {
		h.t.Errorf("update %s rejected with %q, want it to mention %q", id, msg, contains)
	}
}

func eventTimes(msgs []store.OutboxMessage) []time.Time {
	var out []time.Time
	for _, m := range msgs {
		out = append(out, m.EventAt.In(remiss.Stockholm))
	}
	return out
}

func equalTimes(a, b []time.Time) bool {
	return slices.EqualFunc(a, b, func(x, y time.Time) bool { return x.Equal(y) })
}
