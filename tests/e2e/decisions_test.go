package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// TestDecisionRoutingEndToEnd: two recipients decide on delegation and two
// at their nämnd's meeting, one of them after an återremiss; a fifth has
// no meeting before the svarsdatum and is flagged at launch. Then the
// sammanställning passes stadsledningskontoret, borgarrådsberedningen and
// kommunstyrelsen, and every recipient is told the outcome.
func TestDecisionRoutingEndToEnd(t *testing.T) {
	e := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	w := e.startWorker()
	defer w.Stop()

	today := time.Now().In(remiss.Stockholm).Format(remiss.DateLayout)
	delegation, namnd := []string{"farsta", "bromma"}, []string{"kungsholmen", "norrmalm"}
	flagged := "sodermalm"
	if err := e.svc.SetDefaultRoute(ctx, e.user("farsta.registrator"), remiss.RouteDelegation, "Delegationsordning 2026, punkt 3.1"); err != nil {
		t.Fatal(err)
	}
	for _, org := range append(namnd, flagged) {
		reg := e.user(org + ".registrator")
		if err := e.svc.SetDefaultRoute(ctx, reg, remiss.RouteNamnd, ""); err != nil {
			t.Fatal(err)
		}
		if org == flagged {
			continue // no meeting in the calendar before the svarsdatum
		}
		if _, err := e.svc.AddMeeting(ctx, reg, remiss.NewMeeting{Date: today, AgendaDeadline: today, Place: "Stadshuset"}); err != nil {
			t.Fatal(err)
		}
	}
	// Refusals that change nothing.
	if _, err := e.svc.AddMeeting(ctx, e.user("kungsholmen.registrator"), remiss.NewMeeting{Date: today, AgendaDeadline: today}); !errors.Is(err, remiss.ErrRefused) {
		t.Errorf("a second meeting the same day: %v", err)
	}
	if _, err := e.svc.AddMeeting(ctx, e.user("kungsholmen.handlaggare"), remiss.NewMeeting{Date: today, AgendaDeadline: today}); !errors.Is(err, remiss.ErrRefused) {
		t.Errorf("an officer edits the calendar: %v", err)
	}
	later := time.Now().AddDate(0, 0, 20).Format(remiss.DateLayout)
	if _, err := e.svc.AddMeeting(ctx, e.user(flagged+".registrator"), remiss.NewMeeting{Date: later, AgendaDeadline: time.Now().AddDate(0, 0, 25).Format(remiss.DateLayout)}); !errors.Is(err, remiss.ErrRefused) {
		t.Errorf("an agenda deadline after the meeting: %v", err)
	}

	recipients := append(append(append([]string{}, delegation...), namnd...), flagged)
	id, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{
		Dnr: "KS 2026/555-1", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: time.Now().AddDate(0, 0, 14).Format(remiss.DateLayout), Recipients: recipients,
	})
	if err != nil {
		t.Fatal(err)
	}
	asg := func(org string) string { return remiss.AssignmentID(id, org) }
	waitStarted(t, ctx, e.c, recipients, id)
	// The plan is made as each assignment starts: the flag is there within
	// moments of the launch.
	planned := func(org string, done func(store.Assignment) bool) store.Assignment {
		t.Helper()
		for limit := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			a, err := e.store.Assignment(ctx, asg(org))
			if err != nil {
				t.Fatal(err)
			}
			if done(a) || time.Now().After(limit) {
				return a
			}
		}
	}
	if f := planned(flagged, func(a store.Assignment) bool { return a.NeedsExtension }); !f.NeedsExtension || f.Route != remiss.RouteNamnd {
		t.Errorf("%s at launch: route %s needs anstånd %v", flagged, f.Route, f.NeedsExtension)
	}
	if k := planned("kungsholmen", func(a store.Assignment) bool { return a.MeetingID != "" }); k.MeetingID != remiss.MeetingID("kungsholmen", today) || k.NeedsExtension {
		t.Errorf("kungsholmen planned for %q, needs anstånd %v", k.MeetingID, k.NeedsExtension)
	}

	// A meeting added to its calendar before the svarsdatum re-plans it,
	// and the flag goes.
	week := time.Now().AddDate(0, 0, 7).Format(remiss.DateLayout)
	if _, err := e.svc.AddMeeting(ctx, e.user(flagged+".registrator"), remiss.NewMeeting{Date: week, AgendaDeadline: today}); err != nil {
		t.Fatal(err)
	}
	if f := planned(flagged, func(a store.Assignment) bool { return !a.NeedsExtension }); f.NeedsExtension || f.MeetingID != remiss.MeetingID(flagged, week) {
		t.Errorf("%s after a meeting was added: meeting %q, needs anstånd %v", flagged, f.MeetingID, f.NeedsExtension)
	}

	if err := inParallel(append(append([]string{}, delegation...), namnd...), func(org string) error { return e.answer(ctx, asg(org), org) }); err != nil {
		t.Fatal(err)
	}
	// Its registrator proposes to decline; the chef approves; the decline
	// goes on the nämnd's agenda, decided below like an answer.
	if _, err := e.svc.Decline(ctx, e.user(flagged+".registrator"), asg(flagged), "Nämnden hinner inte behandla ärendet.", ""); err != nil {
		t.Fatal(err)
	}
	// The registrator names a meeting today, and the chef approves: on
	// today's agenda.
	if _, err := e.svc.AddMeeting(ctx, e.user(flagged+".registrator"), remiss.NewMeeting{Date: today, AgendaDeadline: today}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetRoute(ctx, e.user(flagged+".registrator"), asg(flagged), remiss.RouteNamnd, remiss.MeetingID(flagged, today)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Decline(ctx, e.user(flagged+".chef"), asg(flagged), "", ""); err != nil {
		t.Fatal(err)
	}
	waitState := func(org string, want remiss.AssignmentState) workflows.AssignmentStatus {
		t.Helper()
		for {
			st, err := e.svc.AssignmentStatus(ctx, asg(org))
			if err == nil && st.State == want {
				return st
			}
			if ctx.Err() != nil {
				t.Fatalf("%s never reached %s: %+v %v", org, want, st, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for _, org := range append(namnd, flagged) {
		waitState(org, remiss.StateOnAgenda)
	}
	if _, err := e.svc.RecordDecision(ctx, e.user(flagged+".registrator"), asg(flagged), remiss.Minutes{Meeting: remiss.MeetingID(flagged, today),
		Paragraph: "§ 7", Verdict: remiss.VerdictBifall, Immediate: true}); err != nil {
		t.Fatal(err)
	}
	waitState(flagged, remiss.StateDeclined)
	meeting := func(org string) string { return remiss.MeetingID(org, today) }
	decide := func(org string, m remiss.Minutes) (workflows.AssignmentStatus, error) {
		return e.svc.RecordDecision(ctx, e.user(org+".registrator"), asg(org), m)
	}
	// A decision without § or justering is refused by field.
	if _, err := decide("kungsholmen", remiss.Minutes{Meeting: meeting("kungsholmen"), Verdict: remiss.VerdictBifall}); err == nil {
		t.Error("a decision without paragraph and justering was accepted")
	} else if rej := new(remiss.Error); !errors.As(err, &rej) || rej.Fields.For("paragraph") == "" || rej.Fields.For("adjustOn") == "" {
		t.Errorf("refusal %v lacks the fields", err)
	}
	if _, err := decide("kungsholmen", remiss.Minutes{Meeting: meeting("kungsholmen"), Paragraph: "§ 31", Verdict: remiss.VerdictBifall,
		AdjustOn: today, Adjusters: []string{"Anna Andersson"}}); err != nil {
		t.Fatal(err)
	}
	// Norrmalm's nämnd sends the answer back; the officer revises it, the
	// chef approves it again, and the nämnd adopts it.
	if _, err := decide("norrmalm", remiss.Minutes{Meeting: meeting("norrmalm"), Paragraph: "§ 14", Verdict: remiss.VerdictAterremiss,
		Reason: "Yttrandet ska belysa tillgängligheten för äldre.", Immediate: true}); err != nil {
		t.Fatal(err)
	}
	if st := waitState("norrmalm", remiss.StateDrafting); st.Revision != 2 {
		t.Errorf("after återremiss: revision %d", st.Revision)
	}
	if err := e.answer(ctx, asg("norrmalm"), "norrmalm"); err != nil {
		t.Fatal(err)
	}
	waitState("norrmalm", remiss.StateOnAgenda)
	if _, err := decide("norrmalm", remiss.Minutes{Meeting: meeting("norrmalm"), Paragraph: "§ 15", Verdict: remiss.VerdictBifall, Immediate: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := decide("norrmalm", remiss.Minutes{Meeting: meeting("norrmalm"), Paragraph: "§ 16", Verdict: remiss.VerdictBifall, Immediate: true}); !errors.Is(err, remiss.ErrRefused) {
		t.Errorf("a second decision on an answered ärende: %v", err)
	}

	e.writeKSStatement(ctx, id, false)
	var status workflows.RemissStatus
	if err := e.c.GetWorkflow(ctx, workflows.RemissWorkflowID(id), "").Get(ctx, &status); err != nil {
		t.Fatal(err)
	}
	if status.State != remiss.RemissClosed || status.SummaryID == "" {
		t.Fatalf("round %+v", status)
	}
	for _, res := range status.Results {
		want := map[string]remiss.AssignmentState{flagged: remiss.StateDeclined}[res.Org]
		if want == "" {
			want = remiss.StateAnswered
		}
		if res.State != want || ((slicesContains(namnd, res.Org) || res.Org == flagged) != (res.MinutesID != "")) {
			t.Errorf("%s: %+v", res.Org, res)
		}
	}

	// Kommunstyrelsen's statement lists each answer as its bilaga with who
	// decided it.
	summary, err := e.store.Document(ctx, status.SummaryID)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftotext(t, summary.Content)), " ")
	for _, want := range []string{"Beslut på delegation (Delegationsordning 2026, punkt 3.1)",
		"Beslut av Kungsholmens stadsdelsnämnd " + today + ", § 31: bifall till förslaget.",
		"Beslut av Norrmalms stadsdelsnämnd " + today + ", § 15"} {
		if !strings.Contains(text, want) {
			t.Errorf("kommunstyrelsen's statement lacks %q:\n%s", want, text)
		}
	}

	// The statement's decision path: a step out of turn, a wrong role, what
	// the step's kind does not have and a protocol not yet justerat are
	// refused; then stadsledningskontoret approves (no §, no justering),
	// borgarrådsberedningen tillstyrker and kommunstyrelsen decides.
	reg := e.user("ks.registrator")
	ksDecision := remiss.StepDecision{Paragraph: "§ 4", Verdict: remiss.VerdictBeslut,
		Wording: "Kommunstyrelsen beslutar att anta strategin i enlighet med stadsledningskontorets förslag.", AdjustOn: today,
		Adjusters: []string{"Anna Andersson", "Bo Berg"}}
	refusals := []struct {
		name  string
		who   remiss.Actor
		code  string
		sd    remiss.StepDecision
		field string
	}{
		{"kommunstyrelsen before stadsledningskontoret", reg, "ks", ksDecision, ""},
		{"the Coordinator records a step", e.user("ks.samordnare"), "slk", remiss.StepDecision{Verdict: remiss.VerdictGodkanner}, ""},
		{"an office with a §", reg, "slk", remiss.StepDecision{Paragraph: "§ 2", Verdict: remiss.VerdictGodkanner}, "paragraph"},
		{"an office with a justering", reg, "slk", remiss.StepDecision{Verdict: remiss.VerdictGodkanner, Immediate: true, Adjusters: []string{"Anna Andersson"}}, "adjustOn"},
		{"an office that tillstyrker", reg, "slk", remiss.StepDecision{Verdict: remiss.VerdictTillstyrker}, "decision"},
	}
	for _, r := range refusals {
		_, err := e.svc.RecordStepDecision(ctx, r.who, id, r.code, r.sd)
		if e, ok := remiss.AsError(err); !ok || (r.field != "" && e.Fields.For(r.field) == "") {
			t.Errorf("%s: %v, want refused on %q", r.name, err, r.field)
		}
	}
	tomorrow := time.Now().In(remiss.Stockholm).AddDate(0, 0, 1).Format(remiss.DateLayout)
	for _, s := range []struct {
		code string
		sd   remiss.StepDecision
	}{
		{"slk", remiss.StepDecision{Verdict: remiss.VerdictGodkanner}},
		{"borgarradsberedningen", remiss.StepDecision{Paragraph: "§ 3", Verdict: remiss.VerdictTillstyrker, Immediate: true, Adjusters: []string{"Cecilia Ek"}}},
	} {
		if _, err := e.svc.RecordStepDecision(ctx, reg, id, s.code, s.sd); err != nil {
			t.Fatalf("%s: %v", s.code, err)
		}
	}
	early := ksDecision
	early.AdjustOn = tomorrow
	if _, err := e.svc.RecordStepDecision(ctx, reg, id, "ks", early); err == nil || !strings.Contains(err.Error(), "justerat") {
		t.Errorf("kommunstyrelsen's decision before its justering: %v", err)
	}
	if _, err := e.svc.RecordStepDecision(ctx, reg, id, "ks", ksDecision); err != nil {
		t.Fatalf("ks: %v", err)
	}
	var path workflows.PathStatus
	if err := e.c.GetWorkflow(ctx, workflows.DecisionWorkflowID(id), "").Get(ctx, &path); err != nil {
		t.Fatal(err)
	}
	if !path.Done || path.OutcomeID == "" || len(path.Decisions) != 3 {
		t.Fatalf("path %+v", path)
	}

	// Every decision has a protokollsutdrag that poppler verifies.
	ds, err := e.store.Decisions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[remiss.Verdict]int{}
	for _, d := range ds {
		counts[d.Verdict]++
		if d.Verdict == remiss.VerdictDelegation {
			continue // the approval is the decision; its document is the statement
		}
		if d.Step == "slk" {
			if d.DocumentID != "" || d.Paragraph != "" {
				t.Errorf("stadsledningskontoret's approval has a § %q or a protokollsutdrag %q", d.Paragraph, d.DocumentID)
			}
			continue
		}
		doc, err := e.store.Document(ctx, d.DocumentID)
		if err != nil || doc.Kind != "minutes" {
			t.Fatalf("decision %s: document %s %v", d.ID, doc.Kind, err)
		}
		pdfsigValid(t, doc.Content)
	}
	want := map[remiss.Verdict]int{remiss.VerdictDelegation: 2, remiss.VerdictBifall: 3, remiss.VerdictAterremiss: 1,
		remiss.VerdictGodkanner: 1, remiss.VerdictTillstyrker: 1, remiss.VerdictBeslut: 1}
	for v, n := range want {
		if counts[v] != n {
			t.Errorf("%d %s decisions, want %d (all: %v)", counts[v], v, n, counts)
		}
	}
	// Kommunstyrelsen's protokollsutdrag says its name once in the
	// decision, names the justerare and is certified: the protocol was
	// justerat when the decision was recorded.
	outcome, err := e.store.Document(ctx, path.OutcomeID)
	if err != nil {
		t.Fatal(err)
	}
	text = pdftotext(t, outcome.Content)
	for _, want := range []string{"Beslut Kommunstyrelsen beslutar att anta strategin i enlighet med stadsledningskontorets förslag.",
		"Protokollet justerades " + today + " av Anna Andersson och Bo Berg.", "Rätt utdraget intygar"} {
		if !strings.Contains(text, want) {
			t.Errorf("kommunstyrelsen's protokollsutdrag lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "Kommunstyrelsen beslutar"); n != 1 || strings.Contains(text, "följande") || strings.Contains(text, "OJUSTERAT") {
		t.Errorf("kommunstyrelsen's protokollsutdrag repeats itself (%d) or is not justerat:\n%s", n, text)
	}
	out, err := e.store.Outbox(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	told := map[string]bool{}
	for _, m := range out {
		if m.Kind == "outcome" || m.Kind == "outcome_notice" { // with thanks for an answer, or for their knowledge
			if m.DocumentID != path.OutcomeID {
				t.Errorf("outcome to %s attaches %s", m.Recipient, m.DocumentID)
			}
			told[m.Recipient] = true
		}
	}
	for _, org := range recipients {
		if !told["registrator."+org+"@"+demo.Domain] {
			t.Errorf("%s was not told the outcome", org)
		}
	}
	// Refused decisions left nothing behind.
	var proposed int
	if err := e.store.DB().QueryRowContext(ctx, `SELECT count(*) FROM decisions WHERE state='proposed'`).Scan(&proposed); err != nil || proposed != 0 {
		t.Errorf("%d decisions stored but never recorded (%v)", proposed, err)
	}
	checkReplayAs(t, ctx, e.c, map[string]string{
		workflows.AssignmentWorkflowID(id, "norrmalm"): "assignment-namnd.json",
		workflows.AssignmentWorkflowID(id, flagged):    "assignment-decline.json",
		workflows.RemissWorkflowID(id):                 "remiss-routed.json",
		workflows.DecisionWorkflowID(id):               "path.json",
	})
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
