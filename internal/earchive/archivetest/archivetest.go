// Package archivetest makes, for tests, a round whose every document was
// rendered and sealed by the real activities, without Temporal: what an
// archive package is made from.
package archivetest

import (
	"context"
	"testing"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The round FinishedRound makes.
const (
	RemissID = "ks-2026-200-1"
	Dnr      = "KS 2026/200-1"
	Title    = "Program för stadens trafik"
)

// world is what plays a round.
type world struct {
	t   testing.TB
	ctx context.Context
	st  *store.Store
	a   *activities.Activities
	now time.Time
}

func newWorld(t testing.TB, st *store.Store) *world {
	return &world{t: t, ctx: context.Background(), st: st, now: time.Now().In(remiss.Stockholm).Truncate(time.Second),
		a: &activities.Activities{Store: st, BaseURL: "http://localhost:8080", Seals: dbtest.Seals(t)}}
}

func (w *world) date(days int) string { return w.now.AddDate(0, 0, days).Format(remiss.DateLayout) }

func (w *world) do(_ any, err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// OpenRound plays a round in st (seeded with the demo organisations) up
// to the answers: bromma's statement on delegation and farsta's, for its
// nämnd, are sealed; stokab has not answered.
func OpenRound(t testing.TB, st *store.Store) {
	t.Helper()
	newWorld(t, st).open()
}

func (w *world) open() {
	t, st, a, ctx, now, date, do := w.t, w.st, w.a, w.ctx, w.now, w.date, w.do
	t.Helper()
	end, _ := remiss.DeadlineEnd(date(60))
	do(st.CreateRound(ctx, store.Remiss{ID: RemissID, Dnr: Dnr, Title: Title, Description: "Stadens program för trafiken 2027–2035.",
		Deadline: date(60), DeadlineAt: end, Reminders: []string{"14d"}, Grace: "7d", Coordinator: "ks.samordnare",
		Recipients: []string{"bromma", "farsta", "stokab"}, Path: []string{"slk", "ks"}}))
	do(a.AnnounceRound(ctx, activities.RoundInput{EventKey: RemissID + ".sent", RemissID: RemissID, At: now}))
	for _, org := range []string{"bromma", "farsta"} {
		asg := remiss.AssignmentID(RemissID, org)
		o, _ := st.Org(ctx, org)
		v, err := st.SaveResponseVersion(ctx, asg, demo.SampleResponse(o), org+".handlaggare")
		do(nil, err)
		officer := remiss.Actor{User: org + ".handlaggare", Org: org, Role: remiss.RoleOfficer}
		do(a.Record(ctx, activities.RecordInput{EventKey: asg + ".submitted", At: now, Actor: officer, AssignmentID: asg,
			Action: activities.ActionSubmitted, State: remiss.StateSubmitted, VersionID: v.ID, SHA256: v.SHA256}))
		route := remiss.RouteDelegation
		if org == "farsta" {
			route = remiss.RouteNamnd
		}
		do(a.RenderStatement(ctx, activities.StatementInput{EventKey: asg + ".statement", AssignmentID: asg, VersionID: v.ID,
			At: now, Route: route, ApprovedBy: org + ".chef"}))
	}
}

// FinishedRound plays the round of OpenRound to its end: farsta's nämnd
// decides (with a protokollsutdrag), the round closes, kommunstyrelsen's
// own statement is written and passes stadsledningskontoret and kommunstyrelsen, whose
// final decision has a protokollsutdrag.
func FinishedRound(t testing.TB, st *store.Store) {
	t.Helper()
	w := newWorld(t, st)
	w.open()
	st, a, ctx, now, date, do := w.st, w.a, w.ctx, w.now, w.date, w.do
	farsta := remiss.AssignmentID(RemissID, "farsta")
	decide := func(d store.Decision, in activities.MinutesInput) {
		t.Helper()
		d.RecordedBy, d.RecordedAt = "ks.registrator", now
		if d.Verdict != remiss.VerdictGodkanner {
			d.Paragraph, d.Immediate, d.Adjusters = "§ 12", true, []string{"Anna Andersson"}
		}
		do(nil, st.ProposeDecision(ctx, d))
		in.EventKey, in.At, in.DecisionID = d.ID+".recorded", now, d.ID
		if d.Verdict == remiss.VerdictGodkanner {
			do(a.RecordApproval(ctx, in))
			return
		}
		do(a.RenderMinutes(ctx, in))
	}
	decide(store.Decision{ID: farsta + ".beslut", RemissID: RemissID, AssignmentID: farsta, Body: "Farsta stadsdelsnämnd",
		HeldOn: date(1), Verdict: remiss.VerdictBifall}, activities.MinutesInput{})
	do(a.CloseRound(ctx, activities.RoundInput{EventKey: RemissID + ".closed", RemissID: RemissID, At: now, Reason: "closed"}))
	// Kommunstyrelsen's own statement on the answers, written and approved.
	ks := remiss.StatementAssignmentID(RemissID)
	ksOrg, _ := st.Org(ctx, remiss.KS)
	kv, err := st.SaveResponseVersion(ctx, ks, demo.SampleResponse(ksOrg), "ks.handlaggare")
	do(nil, err)
	do(a.RenderStatement(ctx, activities.StatementInput{EventKey: ks + ".statement", AssignmentID: ks, VersionID: kv.ID,
		At: now, Route: remiss.RouteDelegation, ApprovedBy: "ks.chef"}))
	decide(store.Decision{ID: RemissID + ".slk", RemissID: RemissID, Step: "slk", Body: "Stadsledningskontoret", HeldOn: date(2),
		Verdict: remiss.VerdictGodkanner}, activities.MinutesInput{NextStep: 1})
	decide(store.Decision{ID: RemissID + ".ks", RemissID: RemissID, Step: "ks", Body: "Kommunstyrelsen", HeldOn: date(3),
		Verdict: remiss.VerdictBeslut, Wording: "Kommunstyrelsen antar programmet."}, activities.MinutesInput{NextStep: 2, Final: true})
}
