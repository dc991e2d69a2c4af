package web

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

// noTemporal is a Temporal client that answers no query, as when the
// workflows cannot be reached: the pages show what the store holds.
type noTemporal struct{ client.Client }

func (noTemporal) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	return nil, errors.New("Temporal nås inte i testet")
}

// The rounds of worldSite.
const (
	openRound   = "ks-2026-100-1" // open: answered, declined, on the agenda, drafting, submitted
	closedRound = "ks-2026-100-2" // closed: one answer by the nämnd, two without, the path decided
	pathRound   = "ks-2026-100-3" // closed, its path at its first step
	goneRound   = "ks-2026-100-4" // withdrawn
)

// worldSite is the web over a store in which the real activities have
// played rounds in every state a page shows, with their documents,
// decisions and messages, without Temporal.
func worldSite(t *testing.T) *testSite {
	t.Helper()
	ctx := context.Background()
	st := dbtest.OpenSeeded(t)
	w := world{t: t, ctx: ctx, st: st, a: &activities.Activities{Store: st, BaseURL: "http://localhost:8080", Seals: dbtest.Seals(t)},
		now: time.Now().In(remiss.Stockholm).Truncate(time.Second)}
	w.openRound()
	w.closedRound()
	w.pathRound()
	w.round(goneRound, "Bolagens remiss", []string{"stokab"}, nil)
	w.do(w.a.WithdrawRound(ctx, activities.RoundInput{EventKey: goneRound + ".withdrawn", RemissID: goneRound, At: w.now}))
	s := &Server{Store: st, Rounds: rounds.New(st, noTemporal{}), Roots: w.a.Seals.Roots, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return &testSite{t: t, store: st, h: s.Handler()}
}

type world struct {
	t   *testing.T
	ctx context.Context
	st  *store.Store
	a   *activities.Activities
	now time.Time
}

func (w *world) do(_ any, err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) date(days int) string { return w.now.AddDate(0, 0, days).Format(remiss.DateLayout) }

// round stores a round to orgs and announces it.
func (w *world) round(id, title string, orgs, path []string) {
	w.t.Helper()
	deadline := w.date(60)
	end, _ := remiss.DeadlineEnd(deadline)
	r := store.Remiss{ID: id, Dnr: "KS 2026/100-" + id[len(id)-1:], Title: title, Description: "Stadens strategi för en uppkopplad stad.",
		Deadline: deadline, DeadlineAt: end, Reminders: []string{"14d", "3d"}, Grace: "7d", Coordinator: "ks.samordnare",
		Recipients: orgs, Path: path, Public: id != pathRound} // one round KS kept off the public page
	w.do(w.st.CreateRound(w.ctx, r))
	w.do(w.a.AnnounceRound(w.ctx, activities.RoundInput{EventKey: id + ".sent", RemissID: id, At: w.now}))
}

// act records an action on org's assignment in round id.
func (w *world) act(id, org string, in activities.RecordInput) {
	w.t.Helper()
	in.AssignmentID = remiss.AssignmentID(id, org)
	in.EventKey = in.AssignmentID + "." + string(in.Action)
	in.At = w.now
	w.do(w.a.Record(w.ctx, in))
}

func actor(org string, role remiss.Role) remiss.Actor {
	suffix := map[remiss.Role]string{remiss.RoleRegistrar: ".registrator", remiss.RoleOfficer: ".handlaggare", remiss.RoleSignatory: ".chef"}[role]
	return remiss.Actor{User: org + suffix, Org: org, Role: role}
}

// submit saves org's sample answer and submits it.
func (w *world) submit(id, org string) store.ResponseVersion {
	w.t.Helper()
	o, _ := w.st.Org(w.ctx, org)
	v, err := w.st.SaveResponseVersion(w.ctx, remiss.AssignmentID(id, org), demo.SampleResponse(o), org+".handlaggare")
	if err != nil {
		w.t.Fatal(err)
	}
	w.act(id, org, activities.RecordInput{Actor: actor(org, remiss.RoleOfficer), Action: activities.ActionAssigned, State: remiss.StateAssigned, Officer: org + ".handlaggare"})
	w.act(id, org, activities.RecordInput{Actor: actor(org, remiss.RoleOfficer), Action: activities.ActionSubmitted, State: remiss.StateSubmitted,
		VersionID: v.ID, SHA256: v.SHA256})
	return v
}

// approve renders org's statement on route.
func (w *world) approve(id, org string, v store.ResponseVersion, route remiss.Route) {
	w.t.Helper()
	asg := remiss.AssignmentID(id, org)
	w.do(w.a.RenderStatement(w.ctx, activities.StatementInput{EventKey: asg + ".statement", AssignmentID: asg, VersionID: v.ID, At: w.now,
		Route: route, ApprovedBy: org + ".chef"}))
}

func (w *world) meeting(org string) remiss.Meeting {
	w.t.Helper()
	m, err := w.st.AddMeeting(w.ctx, org, remiss.NewMeeting{Date: w.date(30), AgendaDeadline: w.date(20), Place: "Sessionssalen"}, org+".registrator")
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

func (w *world) openRound() {
	w.round(openRound, "Strategi för Stockholm som smart och uppkopplad stad",
		[]string{"bromma", "farsta", "alvsjo", "stokab", "skarholmen", "rinkeby-kista"}, nil)
	w.approve(openRound, "bromma", w.submit(openRound, "bromma"), remiss.RouteDelegation)
	note, err := w.st.AddNote(w.ctx, remiss.AssignmentID(openRound, "farsta"), "decline", "Ärendet berör inte nämnden.", "farsta.registrator")
	if err != nil {
		w.t.Fatal(err)
	}
	w.act(openRound, "farsta", activities.RecordInput{Actor: actor("farsta", remiss.RoleRegistrar), Action: activities.ActionDeclined,
		State: remiss.StateDeclined, NoteID: note})
	w.meeting("alvsjo")
	w.approve(openRound, "alvsjo", w.submit(openRound, "alvsjo"), remiss.RouteNamnd)
	o, _ := w.st.Org(w.ctx, "stokab")
	v, err := w.st.SaveResponseVersion(w.ctx, remiss.AssignmentID(openRound, "stokab"), demo.SampleResponse(o), "stokab.handlaggare")
	if err != nil {
		w.t.Fatal(err)
	}
	w.act(openRound, "stokab", activities.RecordInput{Actor: actor("stokab", remiss.RoleRegistrar), Action: activities.ActionAssigned,
		State: remiss.StateAssigned, Officer: "stokab.handlaggare"})
	w.act(openRound, "stokab", activities.RecordInput{Actor: actor("stokab", remiss.RoleOfficer), Action: activities.ActionDraftSaved,
		State: remiss.StateDrafting, VersionID: v.ID, SHA256: v.SHA256})
	w.meeting("stokab")
	w.note(openRound, "stokab", "extension", "Styrelsen sammanträder i mars.", activities.RecordInput{Actor: actor("stokab", remiss.RoleOfficer),
		Action: activities.ActionExtensionAsked, State: remiss.StateDrafting, ExtensionID: "anstand.stokab", Until: w.date(90)})
	w.submit(openRound, "rinkeby-kista")
	w.note(openRound, "rinkeby-kista", "return", "Komplettera bakgrunden.", activities.RecordInput{Actor: actor("rinkeby-kista", remiss.RoleSignatory),
		Action: activities.ActionReturned, State: remiss.StateDrafting})
	w.submit(openRound, "skarholmen")
	asg := remiss.AssignmentID(openRound, "skarholmen")
	for _, kind := range []activities.NoticeKind{activities.NoticeReminder, activities.NoticeOverdue, activities.NoticeEscalation} {
		w.do(w.a.Notify(w.ctx, activities.NotifyInput{EventKey: asg + "." + string(kind), At: w.now, AssignmentID: asg, Kind: kind, Offset: "14d"}))
	}
	w.do(w.a.ReportProblem(w.ctx, activities.ProblemInput{EventKey: asg + ".problem", At: w.now, RemissID: openRound, AssignmentID: asg,
		Reason: "sigillets certifikat har gått ut"}))
	w.do(w.st.PutDocument(w.ctx, store.Document{ID: "bilaga." + asg, RemissID: openRound, AssignmentID: asg, Kind: "bilaga",
		Filename: "karta.pdf", Content: []byte("%PDF-1.7\n%%EOF\n")}))
}

// note records an action on org's assignment with a note of kind.
func (w *world) note(id, org, kind, body string, in activities.RecordInput) {
	w.t.Helper()
	n, err := w.st.AddNote(w.ctx, remiss.AssignmentID(id, org), kind, body, in.Actor.User)
	if err != nil {
		w.t.Fatal(err)
	}
	in.NoteID = n
	w.act(id, org, in)
}

// decide records a decision and renders its protokollsutdrag.
func (w *world) decide(d store.Decision, in activities.MinutesInput) {
	w.t.Helper()
	d.RecordedBy, d.RecordedAt = "ks.registrator", w.now
	if d.Verdict != remiss.VerdictGodkanner { // a body that meets
		d.Paragraph, d.Immediate, d.Adjusters = "§ 12", true, []string{"Anna Andersson"}
	}
	w.do(nil, w.st.ProposeDecision(w.ctx, d))
	in.EventKey, in.At, in.DecisionID = d.ID+".recorded", w.now, d.ID
	if d.Verdict == remiss.VerdictGodkanner {
		w.do(w.a.RecordApproval(w.ctx, in))
		return
	}
	w.do(w.a.RenderMinutes(w.ctx, in))
}

func (w *world) closedRound() {
	w.round(closedRound, "Program för stadens trafik", []string{"bromma", "farsta", "stokab"}, []string{"slk", "ks"})
	m := w.meeting("bromma")
	w.approve(closedRound, "bromma", w.submit(closedRound, "bromma"), remiss.RouteNamnd)
	asg := remiss.AssignmentID(closedRound, "bromma")
	w.decide(store.Decision{ID: asg + ".beslut", RemissID: closedRound, AssignmentID: asg, Body: "Bromma stadsdelsnämnd",
		MeetingID: m.ID, HeldOn: m.Date, Verdict: remiss.VerdictBifall}, activities.MinutesInput{})
	w.do(w.a.CloseRound(w.ctx, activities.RoundInput{EventKey: closedRound + ".closed", RemissID: closedRound, At: w.now, Reason: "closed"}))
	w.approve(closedRound, remiss.KS, w.submit(closedRound, remiss.KS), remiss.RouteDelegation) // KS's own statement
	w.decide(store.Decision{ID: closedRound + ".slk", RemissID: closedRound, Step: "slk", Body: "Stadsledningskontoret", HeldOn: w.date(0),
		Verdict: remiss.VerdictGodkanner}, activities.MinutesInput{NextStep: 1})
	w.decide(store.Decision{ID: closedRound + ".ks", RemissID: closedRound, Step: "ks", Body: "Kommunstyrelsen", HeldOn: w.date(0),
		Verdict: remiss.VerdictBeslut, Wording: "Kommunstyrelsen antar programmet."}, activities.MinutesInput{NextStep: 2, Final: true})
}

func (w *world) pathRound() {
	w.round(pathRound, "Plan för stadens parker", []string{"bromma", "stokab"}, nil)
	w.approve(pathRound, "bromma", w.submit(pathRound, "bromma"), remiss.RouteDelegation)
	w.do(w.a.CloseRound(w.ctx, activities.RoundInput{EventKey: pathRound + ".closed", RemissID: pathRound, At: w.now, Reason: "deadline"}))
	w.approve(pathRound, remiss.KS, w.submit(pathRound, remiss.KS), remiss.RouteDelegation) // KS's own statement
}
