package workflows

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
)

// statusAt queries the workflow's status into into after d.
func (h *harness) statusAt(d time.Duration, into *AssignmentStatus) {
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryStatus)
		if err == nil {
			err = v.Get(into)
		}
		if err != nil {
			h.t.Error(err)
		}
	}, d)
}

// routeNamnd makes org decide by nämnd, with meetings on the dates given
// (agenda deadline two weeks before each).
func (h *harness) routeNamnd(org string, dates ...string) {
	ctx := context.Background()
	if err := h.store.SetOrgRoute(ctx, org, remiss.RouteNamnd, ""); err != nil {
		h.t.Fatal(err)
	}
	for _, d := range dates {
		on, _ := time.Parse(remiss.DateLayout, d)
		if _, err := h.store.AddMeeting(ctx, org, remiss.NewMeeting{Date: d, AgendaDeadline: on.AddDate(0, 0, -14).Format(remiss.DateLayout)}, org+".registrator"); err != nil {
			h.t.Fatal(err)
		}
	}
	// CreateRound took the route at launch; these tests set it up after.
	if _, err := h.store.DB().Exec(`UPDATE assignments SET route='namnd' WHERE org_code=$1`, org); err != nil {
		h.t.Fatal(err)
	}
}

// minutes stores a nämnd's decision as the secretary records it and returns
// the update that tells the workflow.
func (h *harness) minutes(org, meetingDate string, verdict remiss.Verdict, next string, edit func(*store.Decision)) MinutesRequest {
	asg := remiss.AssignmentID(h.remissID, org)
	d := store.Decision{
		ID: fmt.Sprintf("%s.%s.%s", asg, meetingDate, verdict), RemissID: h.remissID, AssignmentID: asg, Body: org,
		MeetingID: remiss.MeetingID(org, meetingDate), HeldOn: meetingDate, Paragraph: "§ 12", Verdict: verdict,
		Immediate: true, RecordedBy: org + ".registrator", RecordedAt: start,
	}
	if next != "" {
		d.NextMeetingID = remiss.MeetingID(org, next)
	}
	if edit != nil {
		edit(&d)
	}
	if err := h.store.ProposeDecision(context.Background(), d); err != nil {
		h.t.Fatal(err)
	}
	return MinutesRequest{Actor: actor(org, remiss.RoleRegistrar), DecisionID: d.ID, MeetingID: d.MeetingID, Verdict: verdict, NextMeeting: d.NextMeetingID}
}

func (h *harness) decisions() []store.Decision {
	ds, err := h.store.Decisions(context.Background(), h.remissID)
	if err != nil {
		h.t.Fatal(err)
	}
	return ds
}

// signedBy checks a stored document is a valid seal of org's.
func (h *harness) signedBy(docID, kind string) {
	h.t.Helper()
	doc, err := h.store.Document(context.Background(), docID)
	if err != nil {
		h.t.Fatalf("document %s: %v", docID, err)
	}
	if doc.Kind != kind {
		h.t.Errorf("document %s is a %s, want %s", docID, doc.Kind, kind)
	}
	res, err := sign.Verify(h.t.Context(), doc.Content, h.acts.Seals.Roots)
	if err != nil || len(res) == 0 || !res[0].Valid {
		h.t.Errorf("document %s: signature %+v, %v", docID, res, err)
	}
}

// answer walks org's assignment to an approval at the given times.
func (h *harness) answer(org string, from time.Duration, prefix string) {
	h.at(from, "", prefix+"assign", UpdateAssign, AssignRequest{Actor: actor(org, remiss.RoleRegistrar), Officer: org + ".handlaggare"})
	v := h.version(org, nil)
	h.at(from+time.Hour, "", prefix+"submit", UpdateSubmit, v)
	h.at(from+2*time.Hour, "", prefix+"approve", UpdateApprove, ApproveRequest{Actor: actor(org, remiss.RoleSignatory), SHA256: v.SHA256})
}

func TestDelegationApprovalIsTheDecision(t *testing.T) {
	h := newHarness(t, "KS 2026/200-1", "farsta")
	if err := h.store.SetOrgRoute(context.Background(), "farsta", remiss.RouteDelegation, "Delegationsordning punkt 1.4"); err != nil {
		t.Fatal(err)
	}
	h.answer("farsta", day, "")
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("farsta"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("assign", "submit", "approve")
	var res AssignmentResult
	h.env.GetWorkflowResult(&res)
	if res.State != remiss.StateAnswered || res.MinutesID != "" {
		t.Errorf("result %+v, want answered without minutes", res)
	}
	ds := h.decisions()
	if len(ds) != 1 || ds[0].Verdict != remiss.VerdictDelegation || ds[0].DelegationRef != "Delegationsordning punkt 1.4" ||
		ds[0].RecordedBy != "farsta.chef" || ds[0].DocumentID != res.DocumentID {
		t.Errorf("decisions %+v", ds)
	}
}

func TestNamndBordlaggningAterremissAndBifall(t *testing.T) {
	h := newHarness(t, "KS 2026/200-2", "bromma")
	// The svarsdatum is 2027-01-15: the meeting of 2027-01-12 (agenda
	// deadline 2026-12-29) is the last one before it.
	h.routeNamnd("bromma", "2027-01-12", "2027-01-26", "2027-02-09")
	agendaEnd := time.Date(2026, 12, 30, 0, 0, 0, 0, remiss.Stockholm)
	h.answer("bromma", 20*day, "") // 2026-12-21, approved before the agenda deadline
	meeting := func(date string) time.Duration {
		on, _ := time.ParseInLocation(remiss.DateLayout, date, remiss.Stockholm)
		return on.Add(18 * time.Hour).Sub(start)
	}
	// At the meeting of 2027-01-12 the nämnd postpones the ärende; a
	// decision naming another meeting is refused.
	h.at(meeting("2027-01-12"), "", "wrong-meeting", UpdateDecide, h.minutes("bromma", "2027-01-26", remiss.VerdictBifall, "", nil))
	h.at(meeting("2027-01-12")+time.Minute, "", "bordlagd", UpdateDecide, h.minutes("bromma", "2027-01-12", remiss.VerdictBordlagd, "2027-01-26", nil))
	// On 2027-01-26 it sends the answer back to the officer.
	h.at(meeting("2027-01-26"), "", "aterremiss", UpdateDecide, h.minutes("bromma", "2027-01-26", remiss.VerdictAterremiss, "", func(d *store.Decision) {
		d.Reason = "Nämnden vill att yttrandet behandlar tillgängligheten."
	}))
	h.at(meeting("2027-01-26")+time.Hour, "", "approve-again", UpdateApprove, ApproveRequest{Actor: actor("bromma", remiss.RoleSignatory), SHA256: h.version("bromma", nil).SHA256})
	v2 := h.version("bromma", func(r *remiss.Response) { r.Summary += " Tillgängligheten är behandlad." })
	h.at(meeting("2027-01-26")+2*time.Hour, "", "resubmit", UpdateSubmit, v2)
	h.at(meeting("2027-01-26")+3*time.Hour, "", "reapprove", UpdateApprove, ApproveRequest{Actor: actor("bromma", remiss.RoleSignatory), SHA256: v2.SHA256})
	// The new statement goes to the next meeting whose agenda is open:
	// 2027-02-09 (agenda deadline 2027-01-26, the same day). There: bifall.
	var onAgenda AssignmentStatus
	h.statusAt(meeting("2027-01-26")+4*time.Hour, &onAgenda)
	h.at(meeting("2027-02-09"), "", "bifall", UpdateDecide, h.minutes("bromma", "2027-02-09", remiss.VerdictBifall, "", func(d *store.Decision) {
		d.Paragraph, d.Immediate, d.AdjustOn, d.Adjusters = "§ 7", false, "2027-02-12", []string{"Anna Andersson", "Bo Berg"}
	}))
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("bromma"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err, h.accepted, h.rejected)
	}
	h.mustAccept("assign", "submit", "approve", "bordlagd", "aterremiss", "resubmit", "reapprove", "bifall")
	h.mustReject("wrong-meeting", "står inte på dagordningen")
	h.mustReject("approve-again", "nuvarande läge")

	var res AssignmentResult
	h.env.GetWorkflowResult(&res)
	if res.State != remiss.StateAnswered || res.MinutesID == "" {
		t.Fatalf("result %+v, want answered with minutes", res)
	}
	if onAgenda.State != remiss.StateOnAgenda || onAgenda.MeetingID != remiss.MeetingID("bromma", "2027-02-09") || onAgenda.Revision != 2 {
		t.Errorf("after the new approval: %+v", onAgenda)
	}
	if res.DocumentID != activities.StatementDocumentID(remiss.AssignmentID(h.remissID, "bromma"), 2) {
		t.Errorf("the answer's statement is %s, want the revised one", res.DocumentID)
	}
	// Reminders count back from the agenda deadline of the planned meeting.
	want := []time.Time{agendaEnd.Add(-14 * day)}
	if got := eventTimes(h.notices("reminder")); len(got) == 0 || !got[0].Equal(want[0]) {
		t.Errorf("reminders at %v, want the first at %v", got, want[0])
	}
	ds := h.decisions()
	var verdicts []remiss.Verdict
	for _, d := range ds {
		verdicts = append(verdicts, d.Verdict)
		h.signedBy(d.DocumentID, "minutes")
	}
	if !slices.Equal(verdicts, []remiss.Verdict{remiss.VerdictBordlagd, remiss.VerdictAterremiss, remiss.VerdictBifall}) {
		t.Errorf("recorded decisions %v", verdicts)
	}
	h.signedBy(res.DocumentID, "statement")
	if got := h.assignment("bromma"); got.State != remiss.StateAnswered || got.MinutesID != res.MinutesID {
		t.Errorf("stored %s minutes %s", got.State, got.MinutesID)
	}
	for kind, n := range map[string]int{"postponed": 1, "referred_back": 1, "decided": 2} {
		if got := len(h.notices(kind)); got != n {
			t.Errorf("%d %s messages, want %d", got, kind, n)
		}
	}
}

func TestMeetingAfterTheSvarsdatumIsFlaggedAtLaunch(t *testing.T) {
	h := newHarness(t, "KS 2026/200-3", "kungsholmen")
	h.routeNamnd("kungsholmen", "2027-01-20", "2027-02-03")
	var atLaunch AssignmentStatus
	h.statusAt(time.Minute, &atLaunch)
	var stored store.Assignment
	h.env.RegisterDelayedCallback(func() { stored = h.assignment("kungsholmen") }, time.Minute)
	// With anstånd until 2027-01-25 the meeting of 2027-01-20 is in time.
	h.at(2*day, "", "decide-ext", UpdateDecideExtension, ExtensionDecision{Actor: coord, Approve: true, Until: "2027-01-25"})
	var afterExt AssignmentStatus
	h.statusAt(2*day+time.Hour, &afterExt)
	h.answer("kungsholmen", 28*day, "") // 2026-12-29, after the first reminder
	on, _ := time.ParseInLocation(remiss.DateLayout, "2027-01-20", remiss.Stockholm)
	h.at(on.Add(18*time.Hour).Sub(start), "", "andrat", UpdateDecide, h.minutes("kungsholmen", "2027-01-20", remiss.VerdictAndrat, "", func(d *store.Decision) {
		d.Wording = "Nämnden godkänner tjänsteutlåtandet med tillägget att ... och överlämnar det som svar på remissen."
		d.Reservations = "Ledamoten C reserverar sig mot beslutet."
	}))
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("kungsholmen"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("decide-ext", "assign", "submit", "approve", "andrat")
	first := remiss.MeetingID("kungsholmen", "2027-01-20")
	if !atLaunch.NeedsExtension || atLaunch.MeetingID != first || !stored.NeedsExtension {
		t.Errorf("at launch: status %+v, stored needs_extension=%v; want flagged", atLaunch, stored.NeedsExtension)
	}
	if afterExt.NeedsExtension || afterExt.MeetingID != first {
		t.Errorf("after anstånd: %+v, want the meeting in time", afterExt)
	}
	// Reminders count back from the agenda deadline 2027-01-06.
	agendaEnd := time.Date(2027, 1, 7, 0, 0, 0, 0, remiss.Stockholm)
	if got := eventTimes(h.notices("reminder")); !equalTimes(got, []time.Time{agendaEnd.Add(-14 * day)}) {
		t.Errorf("reminders at %v, want %v (the 3d one comes after the approval)", got, agendaEnd.Add(-14*day))
	}
	var res AssignmentResult
	h.env.GetWorkflowResult(&res)
	if res.State != remiss.StateAnswered {
		t.Errorf("state %s", res.State)
	}
	ds := h.decisions()
	if len(ds) != 1 || ds[0].Verdict != remiss.VerdictAndrat {
		t.Fatalf("decisions %+v", ds)
	}
	h.signedBy(ds[0].DocumentID, "minutes")
}

// A path through an office, a beredning and kommunstyrelsen: the office
// approves without a § and issues no protokollsutdrag; only the bodies
// that meet do.
func TestDecisionPathThroughThreeSteps(t *testing.T) {
	recipients := []string{"farsta", "bromma"}
	h := newHarness(t, "KS 2026/200-4", recipients...)
	reg := remiss.Actor{User: "ks.registrator", Org: "ks", Role: remiss.RoleRegistrar}
	n := 0
	step := func(at time.Duration, id, code string, v remiss.Verdict, who remiss.Actor) {
		n++
		d := store.Decision{ID: fmt.Sprintf("%s.%s.%d", h.remissID, code, n), RemissID: h.remissID, Step: code, Body: remiss.StepName(code),
			HeldOn: "2027-02-01", Verdict: v, Wording: "Beslutstext.", RecordedBy: who.User, RecordedAt: start}
		if remiss.StepRule(code).Meets {
			d.Paragraph, d.Immediate, d.Adjusters = fmt.Sprintf("§ %d", n), true, []string{"Anna Andersson"}
		}
		if err := h.store.ProposeDecision(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		h.at(at, "", id, UpdateDecideStep, StepRequest{Actor: who, DecisionID: d.ID, Step: code, Verdict: v})
	}
	step(day-time.Hour, "slk-supports", "slk", remiss.VerdictTillstyrker, reg)
	step(day, "slk", "slk", remiss.VerdictGodkanner, reg)
	step(day+time.Hour, "by-coordinator", "borgarradsberedningen", remiss.VerdictTillstyrker, coord)
	step(day+2*time.Hour, "wrong-step", "ks", remiss.VerdictBeslut, reg)
	step(2*day, "brb-back", "borgarradsberedningen", remiss.VerdictAterremiss, reg)
	step(3*day, "slk-again", "slk", remiss.VerdictGodkanner, reg)
	step(4*day, "decide-too-early", "borgarradsberedningen", remiss.VerdictBeslut, reg)
	step(4*day+time.Hour, "brb", "borgarradsberedningen", remiss.VerdictTillstyrker, reg)
	step(5*day, "ks-supports", "ks", remiss.VerdictTillstyrker, reg)
	step(5*day+time.Hour, "ks", "ks", remiss.VerdictBeslut, reg)
	h.env.ExecuteWorkflow(DecisionWorkflow, PathInput{RemissID: h.remissID, Path: remiss.DefaultPath, Coordinator: coord})
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("slk", "brb-back", "slk-again", "brb", "ks")
	h.mustReject("by-coordinator", "registrator")
	h.mustReject("wrong-step", "ligger hos Borgarrådsberedningen")
	h.mustReject("decide-too-early", "sista instansen")
	h.mustReject("ks-supports", "sista instansen")
	h.mustReject("slk-supports", "godkänner tjänsteutlåtandet")
	var st PathStatus
	h.env.GetWorkflowResult(&st)
	if !st.Done || len(st.Decisions) != 5 || st.OutcomeID == "" {
		t.Fatalf("path %+v", st)
	}
	minutes := 0
	for _, d := range h.decisions() {
		if d.Step == "slk" {
			if d.DocumentID != "" || d.Paragraph != "" {
				t.Errorf("the office's approval %s has a § %q or a protokollsutdrag %q", d.ID, d.Paragraph, d.DocumentID)
			}
			continue
		}
		h.signedBy(d.DocumentID, "minutes")
		minutes++
	}
	if minutes != 3 {
		t.Errorf("%d protokollsutdrag, want one for each decision of a body that meets (2 of borgarrådsberedningen, 1 of kommunstyrelsen)", minutes)
	}
	var approvals int
	if err := h.store.DB().QueryRow(`SELECT count(*) FROM audit WHERE remiss_id=$1 AND action='step_approved'`, h.remissID).Scan(&approvals); err != nil || approvals != 2 {
		t.Errorf("%d approvals by the office in the audit trail, want 2 (%v)", approvals, err)
	}
	// Every recipient is told the outcome: with thanks those who answered,
	// "för kännedom" the others (none of these answered).
	if thanked := h.notices("outcome"); len(thanked) != 0 {
		t.Errorf("%d recipients who never answered were thanked", len(thanked))
	}
	out := h.notices("outcome_notice")
	if len(out) != len(recipients) {
		t.Fatalf("%d outcome messages, want one per recipient", len(out))
	}
	for _, m := range out {
		if m.DocumentID != st.OutcomeID {
			t.Errorf("outcome to %s attaches %s, want the final protokollsutdrag", m.Recipient, m.DocumentID)
		}
	}
	r, err := h.store.RemissHead(context.Background(), h.remissID)
	if err != nil {
		t.Fatal(err)
	}
	if r.DecidedAt == nil || r.OutcomeID != st.OutcomeID {
		t.Errorf("round decided_at %v outcome %s", r.DecidedAt, r.OutcomeID)
	}
}

// A meeting added to the calendar after launch becomes the plan of an
// answer still being prepared, and the flag goes.
func TestNewMeetingInTheCalendarIsPlanned(t *testing.T) {
	h := newHarness(t, "KS 2026/200-5", "skarpnack")
	h.routeNamnd("skarpnack") // no meetings yet
	var before, after AssignmentStatus
	h.statusAt(time.Hour, &before)
	h.env.RegisterDelayedCallback(func() {
		if _, err := h.store.AddMeeting(context.Background(), "skarpnack", remiss.NewMeeting{Date: "2027-01-13", AgendaDeadline: "2026-12-30"}, "skarpnack.registrator"); err != nil {
			t.Error(err)
		}
		h.env.SignalWorkflow(SignalCalendarChanged, nil)
	}, day)
	h.statusAt(day+time.Hour, &after)
	var stored store.Assignment
	h.env.RegisterDelayedCallback(func() { stored = h.assignment("skarpnack") }, day+time.Hour)
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalClose, nil) }, 3*day)
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("skarpnack"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if !before.NeedsExtension || before.MeetingID != "" {
		t.Errorf("before the meeting: %+v", before)
	}
	if after.NeedsExtension || after.MeetingID != remiss.MeetingID("skarpnack", "2027-01-13") ||
		!after.AgendaDeadlineAt.Equal(time.Date(2026, 12, 31, 0, 0, 0, 0, remiss.Stockholm)) {
		t.Errorf("after the meeting was added: %+v", after)
	}
	if stored.NeedsExtension || stored.MeetingID == "" {
		t.Errorf("stored: needs anstånd %v, meeting %q", stored.NeedsExtension, stored.MeetingID)
	}
}

// Anstånd while the ärende waits on the agenda of a meeting after the
// svarsdatum: the meeting stays and the flag goes.
func TestAnstandOnTheAgendaClearsTheFlag(t *testing.T) {
	h := newHarness(t, "KS 2026/200-6", "farsta")
	h.routeNamnd("farsta", "2027-01-20")
	h.answer("farsta", day, "")
	var before, after AssignmentStatus
	h.statusAt(2*day, &before)
	h.at(3*day, "", "anstand", UpdateDecideExtension, ExtensionDecision{Actor: coord, Approve: true, Until: "2027-01-25"})
	h.statusAt(3*day+time.Hour, &after)
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalClose, nil) }, 4*day)
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("farsta"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("assign", "submit", "approve", "anstand")
	meeting := remiss.MeetingID("farsta", "2027-01-20")
	if before.State != remiss.StateOnAgenda || before.MeetingID != meeting || !before.NeedsExtension {
		t.Errorf("on the agenda before anstånd: %+v", before)
	}
	if after.State != remiss.StateOnAgenda || after.MeetingID != meeting || after.NeedsExtension {
		t.Errorf("after anstånd: %+v", after)
	}
}

// An answer that will not come (the round closed) frees its meeting, so
// the registrator can change the calendar.
func TestClosingFreesTheMeeting(t *testing.T) {
	h := newHarness(t, "KS 2026/200-7", "farsta")
	h.routeNamnd("farsta", "2027-01-12")
	h.env.RegisterDelayedCallback(func() {
		if got := h.assignment("farsta"); got.MeetingID == "" {
			t.Error("no meeting planned")
		}
	}, day)
	h.writeStatement(deadlineAt.Add(7*day).Sub(start)+time.Hour, false)
	h.env.ExecuteWorkflow(RemissWorkflow, h.remissInput("farsta"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if got := h.assignment("farsta"); got.State != remiss.StateMissed || got.MeetingID != "" {
		t.Errorf("after close: %s, meeting %q", got.State, got.MeetingID)
	}
	if err := h.store.DeleteMeeting(context.Background(), "farsta", remiss.MeetingID("farsta", "2027-01-12")); err != nil {
		t.Errorf("the meeting cannot be deleted: %v", err)
	}
}
