package workflows

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/sign"
)

func TestRemindersOverdueAndEscalationFireAtTheirTimes(t *testing.T) {
	h := newHarness(t, "KS 2026/100-1", "farsta")
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalClose, nil) }, 60*day)
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("farsta"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var res AssignmentResult
	h.env.GetWorkflowResult(&res)
	if res.State != remiss.StateMissed {
		t.Errorf("state = %s, want missed", res.State)
	}
	want := []time.Time{deadlineAt.Add(-14 * day), deadlineAt.Add(-3 * day)}
	if got := eventTimes(h.notices("reminder")); !equalTimes(got, want) {
		t.Errorf("reminders at %v, want %v", got, want)
	}
	if got := eventTimes(h.notices("overdue")); !equalTimes(got, []time.Time{deadlineAt}) {
		t.Errorf("overdue at %v, want %v", got, deadlineAt)
	}
	esc := h.notices("escalation")
	if got := eventTimes(esc); !equalTimes(got, []time.Time{deadlineAt.Add(3 * day)}) {
		t.Errorf("escalation at %v", got)
	}
	if len(esc) == 1 && esc[0].Recipient != "ks.samordnare@"+demo.Domain {
		t.Errorf("escalation went to %s", esc[0].Recipient)
	}
	for _, m := range h.notices("reminder") {
		if !strings.Contains(m.Subject, "KS 2026/100-1") || m.Recipient != "registrator.farsta@"+demo.Domain {
			t.Errorf("reminder %q to %s lacks the Dnr or the registrator", m.Subject, m.Recipient)
		}
	}
	if a := h.assignment("farsta"); a.State != remiss.StateMissed {
		t.Errorf("stored state %s", a.State)
	}
}

func TestExtensionMovesDeadlineAndReminders(t *testing.T) {
	h := newHarness(t, "KS 2026/100-2", "bromma")
	officer := actor("bromma", remiss.RoleOfficer)
	h.at(1*time.Hour, "", "assign", UpdateAssign, AssignRequest{Actor: actor("bromma", remiss.RoleRegistrar), Officer: "bromma.handlaggare"})
	reason := h.note("bromma", "extension", "Nämnden sammanträder först i februari.", officer)
	h.at(10*day, "", "ask", UpdateRequestExtension, ExtensionRequest{Actor: officer, Until: "2027-02-15", NoteID: reason})
	h.at(10*day+time.Hour, "", "ask-again", UpdateRequestExtension, ExtensionRequest{Actor: officer, Until: "2027-02-20", NoteID: reason})
	h.at(11*day, "", "decide-by-officer", UpdateDecideExtension, ExtensionDecision{Actor: officer, Approve: true})
	h.at(11*day+time.Hour, "", "decide", UpdateDecideExtension, ExtensionDecision{Actor: coord, Approve: true})
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalClose, nil) }, 100*day)
	// One timer at a time: actions that leave the next notice where it was
	// start none; the anstånd, which moves it, cancels the old one.
	var scheduled []time.Duration
	fired, canceled := 0, 0
	h.env.SetOnTimerScheduledListener(func(string, time.Duration) { scheduled = append(scheduled, h.env.Now().Sub(start)) })
	h.env.SetOnTimerFiredListener(func(string) { fired++ })
	h.env.SetOnTimerCanceledListener(func(string) { canceled++ })
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("bromma"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	for _, at := range scheduled {
		if at == time.Hour || at == 10*day {
			t.Errorf("a timer started by an action at %v that moved no notice", at)
		}
	}
	if canceled != 1 || len(scheduled)-fired-canceled > 1 {
		t.Errorf("timers: %d started (at %v), %d fired, %d cancelled", len(scheduled), scheduled, fired, canceled)
	}
	h.mustAccept("assign", "ask", "decide")
	h.mustReject("ask-again", "väntar redan")
	h.mustReject("decide-by-officer", "remissamordnaren")

	newEnd := time.Date(2027, 2, 16, 0, 0, 0, 0, remiss.Stockholm)
	want := []time.Time{newEnd.Add(-14 * day), newEnd.Add(-3 * day)}
	if got := eventTimes(h.notices("reminder")); !equalTimes(got, want) {
		t.Errorf("reminders at %v, want %v (the old deadline's must not fire)", got, want)
	}
	if got := eventTimes(h.notices("overdue")); !equalTimes(got, []time.Time{newEnd}) {
		t.Errorf("overdue at %v, want %v", got, newEnd)
	}
	for _, m := range h.notices("reminder") {
		if m.Recipient != "bromma.handlaggare@"+demo.Domain {
			t.Errorf("reminder to %s, want the assigned officer", m.Recipient)
		}
	}
	a := h.assignment("bromma")
	if a.Deadline != "2027-02-15" {
		t.Errorf("stored deadline %s", a.Deadline)
	}
	if len(h.notices("extension_requested")) != 1 || len(h.notices("extension_decided")) != 1 {
		t.Errorf("anstånd messages: %d requested, %d decided", len(h.notices("extension_requested")), len(h.notices("extension_decided")))
	}
}

func TestRejectedUpdatesChangeNothing(t *testing.T) {
	h := newHarness(t, "KS 2026/100-3", "norrmalm")
	sub := h.version("norrmalm", nil)
	other := sub
	other.Actor = actor("farsta", remiss.RoleOfficer)
	badHash := sub
	badHash.SHA256 = "not-a-hash"
	h.at(time.Hour, "", "submit-unassigned", UpdateSubmit, sub)
	h.at(2*time.Hour, "", "assign-by-officer", UpdateAssign, AssignRequest{Actor: actor("norrmalm", remiss.RoleOfficer), Officer: "norrmalm.handlaggare"})
	h.at(3*time.Hour, "", "assign", UpdateAssign, AssignRequest{Actor: actor("norrmalm", remiss.RoleRegistrar), Officer: "norrmalm.handlaggare"})
	h.at(4*time.Hour, "", "submit-other-org", UpdateSubmit, other)
	h.at(5*time.Hour, "", "submit-bad-hash", UpdateSubmit, badHash)
	h.at(6*time.Hour, "", "approve-early", UpdateApprove, ApproveRequest{Actor: actor("norrmalm", remiss.RoleSignatory), SHA256: sub.SHA256})
	h.at(7*time.Hour, "", "submit", UpdateSubmit, sub)
	h.at(8*time.Hour, "", "approve-by-officer", UpdateApprove, ApproveRequest{Actor: actor("norrmalm", remiss.RoleOfficer), SHA256: sub.SHA256})
	h.at(9*time.Hour, "", "approve-stale", UpdateApprove, ApproveRequest{Actor: actor("norrmalm", remiss.RoleSignatory), SHA256: strings.Repeat("0", 64)})
	h.at(10*time.Hour, "", "extension-bad-date", UpdateRequestExtension, ExtensionRequest{Actor: actor("norrmalm", remiss.RoleOfficer), Until: "15/2", NoteID: "x"})
	h.at(11*time.Hour, "", "approve", UpdateApprove, ApproveRequest{Actor: actor("norrmalm", remiss.RoleSignatory), SHA256: sub.SHA256})
	h.at(11*time.Hour, "", "submit-after-approval", UpdateSubmit, sub)
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("norrmalm"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustReject("submit-unassigned", "nuvarande läge")
	h.mustReject("assign-by-officer", "roll")
	h.mustReject("submit-other-org", "annan organisation")
	h.mustReject("submit-bad-hash", "SHA256")
	h.mustReject("approve-early", "nuvarande läge")
	h.mustReject("approve-by-officer", "roll")
	h.mustReject("approve-stale", "ändrats")
	h.mustReject("extension-bad-date", "Until")
	h.mustReject("submit-after-approval", "")
	h.mustAccept("assign", "submit", "approve")

	audit, err := h.store.Audit(context.Background(), h.remissID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action)
	}
	if want := []string{"assigned", "submitted", "approved", "statement_stored"}; !slices.Equal(actions, want) {
		t.Errorf("audit %v, want %v: a rejected update must leave no trace", actions, want)
	}
	a := h.assignment("norrmalm")
	if a.State != remiss.StateAnswered || a.DocumentID == "" || a.Late {
		t.Errorf("assignment %+v", a)
	}
}

func TestRoundWithAnswerDeclineReturnAndLateAnswer(t *testing.T) {
	orgs := []string{"hagersten-liljeholmen", "skarholmen", "alvsjo"}
	h := newHarness(t, "KS 2026/100-4", orgs...)
	id := func(org string) string { return AssignmentWorkflowID(h.remissID, org) }
	for i, org := range orgs {
		h.at(time.Hour+time.Duration(i)*time.Minute, id(org), "assign-"+org, UpdateAssign,
			AssignRequest{Actor: actor(org, remiss.RoleRegistrar), Officer: org + ".handlaggare"})
	}
	hl := "hagersten-liljeholmen"
	first := h.version(hl, func(r *remiss.Response) { r.Summary = "Första utkastet." })
	second := h.version(hl, nil)
	comment := h.note(hl, "return", "Komplettera sammanfattningen.", actor(hl, remiss.RoleSignatory))
	h.at(2*day, id(hl), "draft", UpdateSaveDraft, first)
	h.at(3*day, id(hl), "submit-1", UpdateSubmit, first)
	h.at(4*day, id(hl), "return", UpdateReturn, NoteRequest{Actor: actor(hl, remiss.RoleSignatory), NoteID: comment})
	h.at(5*day, id(hl), "submit-2", UpdateSubmit, second)
	h.at(6*day, id(hl), "approve", UpdateApprove, ApproveRequest{Actor: actor(hl, remiss.RoleSignatory), SHA256: second.SHA256})

	reason := h.note("skarholmen", "decline", "Ärendet berör inte nämndens verksamhet.", actor("skarholmen", remiss.RoleSignatory))
	h.at(7*day, id("skarholmen"), "decline", UpdateDecline, NoteRequest{Actor: actor("skarholmen", remiss.RoleSignatory), NoteID: reason})

	// Älvsjö answers two days after the svarsdatum, within the grace period.
	late := h.version("alvsjo", nil)
	lateAt := deadlineAt.Sub(start) + 2*day
	h.at(lateAt, id("alvsjo"), "submit-late", UpdateSubmit, late)
	h.at(lateAt+time.Hour, id("alvsjo"), "approve-late", UpdateApprove, ApproveRequest{Actor: actor("alvsjo", remiss.RoleSignatory), SHA256: late.SHA256})

	// The round closes with Älvsjö's answer; KS's statement follows.
	h.writeStatement(lateAt+2*time.Hour, true)
	h.env.ExecuteWorkflow(RemissWorkflow, h.remissInput(orgs...))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("draft", "submit-1", "return", "submit-2", "approve", "decline", "submit-late", "approve-late",
		"ks-assign", "ks-submit", "ks-return", "ks-submit-2", "ks-approve")
	var st RemissStatus
	h.env.GetWorkflowResult(&st)
	statement := remiss.StatementAssignmentID(h.remissID)
	if st.State != remiss.RemissClosed || st.Closing != "all-done" || st.StatementID != statement ||
		st.SummaryID != activities.StatementDocumentID(statement) {
		t.Fatalf("round status %+v", st)
	}
	if got := h.env.Now(); got.After(deadlineAt.Add(7 * day)) {
		t.Errorf("round closed at %v: it should close when the last answer is in", got)
	}
	states := map[string]remiss.AssignmentState{}
	for _, org := range orgs {
		states[org] = h.assignment(org).State
	}
	if states[hl] != remiss.StateAnswered || states["skarholmen"] != remiss.StateDeclined || states["alvsjo"] != remiss.StateAnswered {
		t.Errorf("states %v", states)
	}
	if !h.assignment("alvsjo").Late || h.assignment(hl).Late {
		t.Errorf("late flags: alvsjo %v, %s %v", h.assignment("alvsjo").Late, hl, h.assignment(hl).Late)
	}
	if v := h.assignment(hl).ResponseVersionID; v != second.VersionID {
		t.Errorf("answered with version %s, want the resubmitted %s", v, second.VersionID)
	}
	docs, err := h.store.Documents(context.Background(), h.remissID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, d := range docs {
		kinds[d.Kind]++
		if !strings.HasPrefix(string(d.Content), "%PDF-") {
			t.Errorf("document %s is not a PDF", d.ID)
		}
	}
	if kinds["statement"] != 3 || kinds["missiv"] != 1 || len(kinds) != 2 {
		t.Errorf("documents %v, want 3 statements (two answers and KS's own) and the missiv", kinds)
	}
	// KS's statement was written on the draft the close made, returned once
	// and approved; it is the round's document for the decision path.
	ks := h.assignment(remiss.KS)
	if ks.Kind != remiss.KindStatement || ks.State != remiss.StateAnswered || ks.DocumentID != st.SummaryID {
		t.Errorf("KS statement %+v", ks)
	}
	if len(h.notices("statement_drafted")) != 2 || len(h.notices("statement_approved")) != 2 {
		t.Errorf("%d statement_drafted and %d statement_approved messages, want each to KS's registrator and the coordinator",
			len(h.notices("statement_drafted")), len(h.notices("statement_approved")))
	}
	// Reminders stopped for those who had answered: only Älvsjö was open at
	// the 3-day reminder and at the deadline.
	for _, m := range append(h.notices("reminder"), h.notices("overdue")...) {
		if !strings.HasSuffix(m.AssignmentID, "alvsjo") && m.EventAt.After(start.Add(7*day)) {
			t.Errorf("%s to %s at %v after it had answered", m.Kind, m.AssignmentID, m.EventAt)
		}
	}
	if len(h.notices("overdue")) != 1 {
		t.Errorf("overdue notices %d, want 1 (Älvsjö)", len(h.notices("overdue")))
	}
}

func TestCloseBeforeEveryoneAnswered(t *testing.T) {
	orgs := []string{"kungsholmen", "sodermalm"}
	h := newHarness(t, "KS 2026/100-5", orgs...)
	id := func(org string) string { return AssignmentWorkflowID(h.remissID, org) }
	sub := h.version("kungsholmen", nil)
	h.at(time.Hour, id("kungsholmen"), "assign", UpdateAssign, AssignRequest{Actor: actor("kungsholmen", remiss.RoleRegistrar), Officer: "kungsholmen.handlaggare"})
	h.at(2*day, id("kungsholmen"), "submit", UpdateSubmit, sub)
	h.at(3*day, id("kungsholmen"), "approve", UpdateApprove, ApproveRequest{Actor: actor("kungsholmen", remiss.RoleSignatory), SHA256: sub.SHA256})
	h.at(4*day, "", "close-by-officer", UpdateClose, RoundRequest{Actor: actor("sodermalm", remiss.RoleOfficer)})
	h.at(5*day, "", "close", UpdateClose, RoundRequest{Actor: coord})
	h.at(5*day, "", "close-again", UpdateClose, RoundRequest{Actor: coord})
	// KS declines nothing and asks itself for no anstånd: its statement is
	// written and approved.
	h.at(6*day, AssignmentWorkflowID(h.remissID, remiss.KS), "ks-decline", UpdateDecline,
		NoteRequest{Actor: actor(remiss.KS, remiss.RoleSignatory), NoteID: "x"})
	h.writeStatement(6*day, false)
	h.env.ExecuteWorkflow(RemissWorkflow, h.remissInput(orgs...))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("assign", "submit", "approve", "close")
	h.mustReject("close-by-officer", "remissamordnaren")
	h.mustReject("close-again", "")
	h.mustReject("ks-decline", "kommunstyrelsens eget tjänsteutlåtande")
	h.mustAccept("ks-assign", "ks-submit", "ks-approve")
	if s := h.assignment("sodermalm").State; s != remiss.StateMissed {
		t.Errorf("södermalm %s, want missed", s)
	}
	r, err := h.store.Remiss(context.Background(), h.remissID)
	if err != nil {
		t.Fatal(err)
	}
	if r.State != remiss.RemissClosed || r.SummaryID == "" || r.ClosedAt == nil || !r.ClosedAt.Equal(start.Add(5*day)) {
		t.Errorf("remiss %+v", r)
	}
	if n, c := len(h.notices("round_closed")), len(h.notices("statement_drafted")); n != 2 || c != 2 {
		t.Errorf("%d round_closed and %d statement_drafted messages, want one per recipient and one each to KS's registrator and the coordinator", n, c)
	}
	if len(h.notices("reminder")) != 0 {
		t.Errorf("reminders sent after the round closed: %d", len(h.notices("reminder")))
	}
}

func TestRoundClosesAtDeadlinePlusGrace(t *testing.T) {
	h := newHarness(t, "KS 2026/100-6", "farsta", "skarpnack")
	closeAt := deadlineAt.Add(7 * day)
	h.writeStatement(closeAt.Sub(start)+time.Hour, false)
	h.env.ExecuteWorkflow(RemissWorkflow, h.remissInput("farsta", "skarpnack"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var st RemissStatus
	h.env.GetWorkflowResult(&st)
	r, err := h.store.Remiss(context.Background(), h.remissID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Closing != "deadline" || r.ClosedAt == nil || !r.ClosedAt.Equal(closeAt) {
		t.Errorf("closed %q at %v, want deadline+grace %v", st.Closing, r.ClosedAt, closeAt)
	}
	if n := len(h.notices("escalation")); n != 2 {
		t.Errorf("escalations %d, want 2", n)
	}
}

func TestWithdrawEndsEveryAssignment(t *testing.T) {
	orgs := []string{"rinkeby-kista", "spanga-tensta"}
	h := newHarness(t, "KS 2026/100-7", orgs...)
	h.at(time.Hour, AssignmentWorkflowID(h.remissID, "rinkeby-kista"), "assign", UpdateAssign,
		AssignRequest{Actor: actor("rinkeby-kista", remiss.RoleRegistrar), Officer: "rinkeby-kista.handlaggare"})
	h.at(5*day, "", "withdraw", UpdateWithdraw, RoundRequest{Actor: coord})
	h.env.ExecuteWorkflow(RemissWorkflow, h.remissInput(orgs...))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("assign", "withdraw")
	for _, org := range orgs {
		if s := h.assignment(org).State; s != remiss.StateWithdrawn {
			t.Errorf("%s: %s, want withdrawn", org, s)
		}
	}
	if n := len(h.notices("remiss_withdrawn")); n != 2 {
		t.Errorf("withdrawal messages %d, want 2", n)
	}
	docs, _ := h.store.Documents(context.Background(), h.remissID)
	if len(docs) != 1 || docs[0].Kind != "missiv" {
		t.Errorf("a withdrawn round has %d documents; want only the missiv it went out with", len(docs))
	}
	if len(h.notices("reminder")) != 0 {
		t.Error("reminders after withdrawal")
	}
}

func TestMissingSealWaitsForAnOperatorThenRetries(t *testing.T) {
	h := newHarness(t, "KS 2026/100-8", "bromma")
	seals := h.acts.Seals
	// Bromma has no seal and there is no default: sealing cannot succeed.
	broken := *seals
	broken.Seals = map[string]*sign.Seal{"ks": seals.Seals["ks"]}
	h.acts.Seals = &broken
	sub := h.version("bromma", nil)
	h.at(time.Hour, "", "assign", UpdateAssign, AssignRequest{Actor: actor("bromma", remiss.RoleRegistrar), Officer: "bromma.handlaggare"})
	h.at(2*time.Hour, "", "submit", UpdateSubmit, sub)
	h.at(3*time.Hour, "", "approve", UpdateApprove, ApproveRequest{Actor: actor("bromma", remiss.RoleSignatory), SHA256: sub.SHA256})
	h.env.RegisterDelayedCallback(func() {
		if n := len(h.notices("document_failed")); n != 1 {
			t.Errorf("%d problem reports before the fix, want 1", n)
		}
		if a := h.assignment("bromma"); a.State != remiss.StateApproved || a.DocumentID != "" {
			t.Errorf("while waiting: %+v", a)
		}
		h.acts.Seals = seals // the operator installs the seal
		h.env.SignalWorkflow(SignalRetry, nil)
	}, 2*day)
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("bromma"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("assign", "submit", "approve")
	a := h.assignment("bromma")
	if a.State != remiss.StateAnswered || a.DocumentID == "" {
		t.Fatalf("after the retry: %+v", a)
	}
	doc, _ := h.store.Document(context.Background(), a.DocumentID)
	if res, err := sign.Verify(t.Context(), doc.Content, seals.Roots); err != nil || !res[0].Valid {
		t.Errorf("statement after retry: %+v %v", res, err)
	}
	audit, _ := h.store.Audit(context.Background(), h.remissID)
	var failed int
	for _, e := range audit {
		if e.Action == "document_failed" && strings.Contains(string(e.Detail), "förseglas") {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("audit has %d document_failed rows", failed)
	}
}

// A retried action whose first answer was lost (a worker or the network
// died) finds it done and records nothing twice.
func TestRetriedAssignAndSubmitRecordOnce(t *testing.T) {
	h := newHarness(t, "KS 2026/100-9", "alvsjo")
	reg := actor("alvsjo", remiss.RoleRegistrar)
	h.at(time.Hour, "", "assign", UpdateAssign, AssignRequest{Actor: reg, Officer: "alvsjo.handlaggare"})
	h.at(2*time.Hour, "", "assign-again", UpdateAssign, AssignRequest{Actor: reg, Officer: "alvsjo.handlaggare"})
	v := h.version("alvsjo", nil)
	h.at(3*time.Hour, "", "submit", UpdateSubmit, v)
	h.at(4*time.Hour, "", "submit-again", UpdateSubmit, v)
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalClose, nil) }, 5*time.Hour)
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("alvsjo"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("assign", "assign-again", "submit", "submit-again")
	audit, err := h.store.Audit(context.Background(), h.remissID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, e := range audit {
		count[e.Action]++
	}
	if count["assigned"] != 1 || count["submitted"] != 1 {
		t.Errorf("audit %v, want one assigned and one submitted", count)
	}
	if n := len(h.notices("submitted")); n != 1 {
		t.Errorf("%d messages to the signatory, want 1", n)
	}
}
