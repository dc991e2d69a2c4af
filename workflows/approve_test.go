package workflows

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/remiss"
)

// TestApprovalSealsTheVersionApproved: the signatory approves the version
// whose hash they read. One submitted after they read it makes their
// approval a conflict; one submitted while the approval is being recorded
// (admitted by its validator before the approval's handler changed the
// state) is refused under the lock, so no newer version slips in between
// the approval and the statement, which carries the approved text.
func TestApprovalSealsTheVersionApproved(t *testing.T) {
	h := newHarness(t, "KS 2026/100-9", "norrmalm")
	text := func(s string) func(*remiss.Response) { return func(r *remiss.Response) { r.Summary = s } }
	read := h.version("norrmalm", text("Versionen som chefen läste först."))
	approved := h.version("norrmalm", text("Versionen som chefen godkände."))
	late := h.version("norrmalm", text("Versionen som kom medan godkännandet registrerades."))
	chef := actor("norrmalm", remiss.RoleSignatory)
	h.at(time.Hour, "", "assign", UpdateAssign, AssignRequest{Actor: actor("norrmalm", remiss.RoleRegistrar), Officer: "norrmalm.handlaggare"})
	h.at(2*time.Hour, "", "submit-read", UpdateSubmit, read)
	h.at(3*time.Hour, "", "submit-approved", UpdateSubmit, approved)
	h.at(4*time.Hour, "", "approve-read", UpdateApprove, ApproveRequest{Actor: chef, SHA256: read.SHA256})
	h.at(5*time.Hour, "", "approve", UpdateApprove, ApproveRequest{Actor: chef, SHA256: approved.SHA256})
	h.at(5*time.Hour, "", "submit-late", UpdateSubmit, late)
	h.env.ExecuteWorkflow(AssignmentWorkflow, h.assignmentInput("norrmalm"))
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.mustAccept("assign", "submit-read", "submit-approved", "approve")
	h.mustReject("approve-read", "ändrats")
	h.mustReject("submit-late", "nuvarande läge")
	if !h.accepted["submit-late"] {
		t.Error("the late submission was refused by its validator: the test no longer sends it inside the approval")
	}

	a := h.assignment("norrmalm")
	if a.ResponseVersionID != approved.VersionID || a.DocumentID == "" {
		t.Fatalf("assignment %+v, want the approved version %s and its statement", a, approved.VersionID)
	}
	doc, err := h.store.Document(context.Background(), a.DocumentID)
	if err != nil {
		t.Fatal(err)
	}
	got := dbtest.PDFText(t, doc.Content)
	if !strings.Contains(got, "Versionen som chefen godkände.") || strings.Contains(got, "Versionen som kom medan") || strings.Contains(got, "läste först") {
		t.Errorf("the statement does not carry the approved version:\n%s", got)
	}
}
