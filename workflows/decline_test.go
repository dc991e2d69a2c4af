package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
)

// Declining is the body's answer: an officer proposes it with a reason,
// the signatory approves it like an answer (or returns it), and only then
// does it take effect and kommunstyrelsen hear of it.

func TestDeclineProposedThenApprovedTakesEffect(t *testing.T) {
	h := newHarness(t, "KS 2026/300-1", "farsta")
	officer, chef := actor("farsta", remiss.RoleOfficer), actor("farsta", remiss.RoleSignatory)
	h.at(day, "", "assign", UpdateAssign, AssignRequest{Actor: actor("farsta", remiss.RoleRegistrar), Officer: "farsta.handlaggare"})
	reason := h.note("farsta", "decline", "Ärendet berör inte nämndens verksamhet.", officer)
	h.at(2*day, "", "propose", UpdateProposeDecline, NoteRequest{Actor: officer, NoteID: reason})
	// While it waits: no second proposal, no answer, and an officer cannot
	// approve it.
	other := h.note("farsta", "decline", "Ett annat skäl.", officer)
	h.at(2*day+time.Hour, "", "propose-again", UpdateProposeDecline, NoteRequest{Actor: officer, NoteID: other})
	h.at(2*day+2*time.Hour, "", "submit", UpdateSubmit, h.version("farsta", nil))
	h.at(2*day+3*time.Hour, "", "officer-declines", UpdateDecline, NoteRequest{Actor: officer, NoteID: reason})
	h.at(2*day+4*time.Hour, "", "approve-other", UpdateDecline, NoteRequest{Actor: chef, NoteID: other})
	var waiting AssignmentStatus
	h.statusAt(2*day+5*time.Hour, &waiting)
	var declinedBefore int
	h.env.RegisterDelayedCallback(func() { declinedBefore = len(h.notices("declined")) }, 2*day+5*time.Hour)
	h.at(3*day, "", "approve", UpdateDecline, NoteRequest{Actor: chef, NoteID: reason})
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("farsta"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("assign", "propose", "approve")
	h.mustReject("propose-again", "bereds")
	h.mustReject("submit", "Avstående väntar på godkännande")
	h.mustReject("officer-declines", "föreslå det i stället")
	h.mustReject("approve-other", "ändrats")
	if waiting.State != remiss.StateDeclineProposed || waiting.DeclineNoteID != reason {
		t.Errorf("while it waits: %+v", waiting)
	}
	if declinedBefore != 0 {
		t.Errorf("kommunstyrelsen was told of a decline not yet approved (%d messages)", declinedBefore)
	}
	var res AssignmentResult
	h.env.GetWorkflowResult(&res)
	if res.State != remiss.StateDeclined {
		t.Errorf("result %+v, want declined", res)
	}
	if a := h.assignment("farsta"); a.State != remiss.StateDeclined || a.DeclineNoteID != reason {
		t.Errorf("stored %s with reason %q, want declined with %q", a.State, a.DeclineNoteID, reason)
	}
	toApprove := h.notices("decline_proposed")
	if len(toApprove) != 1 || toApprove[0].Recipient != "farsta.chef@"+demo.Domain || !strings.Contains(toApprove[0].Body, "väntar på ditt godkännande") {
		t.Errorf("the signatory's notice: %+v", toApprove)
	}
	told := h.notices("declined")
	if len(told) != 1 || told[0].Recipient != "ks.samordnare@"+demo.Domain || !told[0].EventAt.Equal(start.Add(3*day)) {
		t.Errorf("kommunstyrelsen told %+v, want once when approved", told)
	}
}

func TestDeclineProposalReturnedGoesBackToDrafting(t *testing.T) {
	h := newHarness(t, "KS 2026/300-2", "farsta")
	officer, chef := actor("farsta", remiss.RoleOfficer), actor("farsta", remiss.RoleSignatory)
	h.at(day, "", "assign", UpdateAssign, AssignRequest{Actor: actor("farsta", remiss.RoleRegistrar), Officer: "farsta.handlaggare"})
	reason := h.note("farsta", "decline", "Ärendet berör inte nämnden.", officer)
	h.at(2*day, "", "propose", UpdateProposeDecline, NoteRequest{Actor: officer, NoteID: reason})
	comment := h.note("farsta", "return", "Nämnden bör yttra sig om skolorna.", chef)
	h.at(3*day, "", "return", UpdateReturn, NoteRequest{Actor: chef, NoteID: comment})
	var returned AssignmentStatus
	h.statusAt(3*day+time.Hour, &returned)
	// An answer is written and approved instead.
	v := h.version("farsta", nil)
	h.at(4*day, "", "submit", UpdateSubmit, v)
	h.at(5*day, "", "approve", UpdateApprove, ApproveRequest{Actor: chef, SHA256: v.SHA256})
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("farsta"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("assign", "propose", "return", "submit", "approve")
	if returned.State != remiss.StateDrafting || returned.DeclineNoteID != "" {
		t.Errorf("after return: %+v, want drafting without a decline", returned)
	}
	var res AssignmentResult
	h.env.GetWorkflowResult(&res)
	if res.State != remiss.StateAnswered {
		t.Errorf("result %+v, want answered", res)
	}
	back := h.notices("returned")
	if len(back) != 1 || back[0].Recipient != "farsta.handlaggare@"+demo.Domain || !strings.Contains(back[0].Subject, "Förslaget att avstå återsänt") {
		t.Errorf("returned notices %+v", back)
	}
	if n := len(h.notices("declined")); n != 0 {
		t.Errorf("%d declined messages for a returned proposal", n)
	}
	if a := h.assignment("farsta"); a.DeclineNoteID != "" {
		t.Errorf("the answer still holds the returned decline %q", a.DeclineNoteID)
	}
}

func TestNamndDecidesTheDeclineAtItsMeeting(t *testing.T) {
	h := newHarness(t, "KS 2026/300-3", "bromma")
	h.routeNamnd("bromma", "2027-01-12", "2027-01-26")
	reg, chef := actor("bromma", remiss.RoleRegistrar), actor("bromma", remiss.RoleSignatory)
	// The registrator proposes before anyone has the assignment; the chef
	// approves; it goes on the agenda of 2027-01-12.
	reason := h.note("bromma", "decline", "Nämnden har inga synpunkter att lämna.", reg)
	h.at(20*day, "", "propose", UpdateProposeDecline, NoteRequest{Actor: reg, NoteID: reason})
	h.at(20*day+time.Hour, "", "approve", UpdateDecline, NoteRequest{Actor: chef, NoteID: reason})
	var onAgenda AssignmentStatus
	h.statusAt(20*day+2*time.Hour, &onAgenda)
	var declinedBefore int
	meeting := time.Date(2027, 1, 12, 18, 0, 0, 0, remiss.Stockholm).Sub(start)
	h.env.RegisterDelayedCallback(func() { declinedBefore = len(h.notices("declined")) }, meeting-time.Minute)
	h.at(meeting, "", "andrat", UpdateDecide, h.minutes("bromma", "2027-01-12", remiss.VerdictAndrat, "", nil))
	h.at(meeting+time.Minute, "", "bifall", UpdateDecide, h.minutes("bromma", "2027-01-12", remiss.VerdictBifall, "", nil))
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("bromma"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("propose", "approve", "bifall")
	h.mustReject("andrat", "återremittera")
	if onAgenda.State != remiss.StateOnAgenda || onAgenda.MeetingID != remiss.MeetingID("bromma", "2027-01-12") || onAgenda.DeclineNoteID != reason {
		t.Errorf("after approval: %+v, want on the agenda of 2027-01-12", onAgenda)
	}
	if declinedBefore != 0 {
		t.Errorf("kommunstyrelsen was told before the nämnd decided (%d messages)", declinedBefore)
	}
	var res AssignmentResult
	h.env.GetWorkflowResult(&res)
	if res.State != remiss.StateDeclined || res.MinutesID == "" || res.DocumentID != "" {
		t.Fatalf("result %+v, want declined by the nämnd with minutes and no statement", res)
	}
	h.signedBy(res.MinutesID, "minutes")
	if a := h.assignment("bromma"); a.State != remiss.StateDeclined || a.MinutesID != res.MinutesID || a.DeclineNoteID != reason {
		t.Errorf("stored %+v", a)
	}
	if n := len(h.notices("on_agenda")); n != 1 {
		t.Errorf("%d on_agenda messages, want 1", n)
	}
	told := h.notices("declined")
	if len(told) != 1 || told[0].Recipient != "ks.samordnare@"+demo.Domain {
		t.Errorf("kommunstyrelsen told %+v, want once, after the meeting", told)
	}
}
