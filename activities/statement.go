package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/remiss/remiss/internal/compose"
	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"go.temporal.io/sdk/temporal"
)

// StatementInput asks for the statement of an approved answer.
type StatementInput struct {
	EventKey     string
	AssignmentID string
	VersionID    string
	At           time.Time // approval: the statement's date
	Late         bool
	// Route decides what follows: on delegation the approval is the
	// decision and the answer is done; for the nämnd the ärende goes on the
	// agenda of its meeting.
	Route      remiss.Route `json:",omitempty"`
	Revision   int          `json:",omitempty"` // 2, 3, … after an återremiss
	ApprovedBy string       `json:",omitempty"`
}

// StatementDocumentID is the document an answer has; after an återremiss
// each revision has its own.
func StatementDocumentID(assignmentID string, revision ...int) string {
	if len(revision) > 0 && revision[0] > 1 {
		return fmt.Sprintf("statement.%s.r%d", assignmentID, revision[0])
	}
	return "statement." + assignmentID
}

// RenderStatement renders the approved version as the nämnd's
// tjänsteutlåtande, stores it and marks the assignment answered: on
// delegation the approval is recorded as the decision, for the nämnd the
// ärende goes on the agenda of its meeting. A retry finds the stored
// document and renders nothing new.
func (a *Activities) RenderStatement(ctx context.Context, in StatementInput) (DocumentResult, error) {
	asg, r, org, err := a.load(ctx, in.AssignmentID)
	if err != nil {
		return DocumentResult{}, err
	}
	doc, err := a.statementDocument(ctx, asg, r, org, in)
	if err != nil {
		return DocumentResult{}, err
	}
	answered := string(remiss.StateAnswered)
	c := store.Change{
		EventKey: in.EventKey, At: in.At, Actor: "system", RemissID: asg.RemissID, AssignmentID: asg.ID,
		Action: "statement_stored", Detail: map[string]any{"document": doc.ID, "sha256": doc.SHA256},
		Assignment: &store.AssignmentPatch{State: &answered, DocumentID: &doc.ID},
	}
	m := a.messages(ctx, r, org, asg, in.EventKey, in.At)
	var plan DecisionPlan
	switch {
	case asg.Kind == remiss.KindStatement:
		// Kommunstyrelsen's own statement: approved, it is the document the
		// decision path carries.
		c.Remiss = &store.RemissPatch{SummaryID: &doc.ID}
	case org.ByLink:
		// An outside body's answer is its own decision, taken outside
		// Remiss: nothing to record but its receipt.
	case in.Route == remiss.RouteDelegation:
		if err := a.delegated(ctx, &c, asg, org, doc, in); err != nil {
			return DocumentResult{}, err
		}
	case in.Route == remiss.RouteNamnd:
		var meeting remiss.Meeting
		if meeting, plan, err = a.onAgenda(ctx, &c, asg, org, in); err != nil {
			return DocumentResult{}, err
		}
		m.data.Meeting = meeting.Date
	default:
		return DocumentResult{}, temporal.NewNonRetryableApplicationError("unknown route "+string(in.Route), "BadInput", nil)
	}
	// The nämnd's registrator learns the ärende is on the agenda; the
	// receipt from kommunstyrelsen waits for the nämnd's decision.
	switch {
	case asg.Kind == remiss.KindStatement:
		m.add("statement_approved", org.Email)
		if coord, err := a.user(ctx, r.Coordinator); err != nil {
			return DocumentResult{}, err
		} else if coord.Email != org.Email {
			m.add("statement_approved", coord.Email)
		}
	case in.Route == remiss.RouteNamnd:
		m.add("on_agenda", org.Email)
	default:
		m.add("statement_ready", org.Email)
	}
	if m.err != nil {
		return DocumentResult{}, m.err
	}
	for i := range m.list {
		m.list[i].DocumentID = doc.ID
	}
	c.Messages = m.list
	applied, err := a.Store.Apply(ctx, c)
	if err != nil {
		return DocumentResult{}, err
	}
	if !applied && in.Route == remiss.RouteNamnd && asg.Kind != remiss.KindStatement {
		// A retry: answer with what the first attempt stored.
		if plan, err = a.storedPlan(ctx, asg.ID, in.Route); err != nil {
			return DocumentResult{}, err
		}
	}
	return DocumentResult{DocumentID: doc.ID, SHA256: doc.SHA256, MeetingID: plan.MeetingID,
		AgendaDeadlineAt: plan.AgendaDeadlineAt, NeedsExtension: plan.NeedsExtension}, nil
}

// statementDocument renders, seals and stores the statement once.
func (a *Activities) statementDocument(ctx context.Context, asg store.Assignment, r store.Remiss, org remiss.Org, in StatementInput) (store.Document, error) {
	id := StatementDocumentID(asg.ID, in.Revision)
	doc, err := a.Store.Document(ctx, id)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return doc, err
	}
	if err := a.owned(ctx, asg.ID, in.VersionID, "", ""); err != nil {
		return doc, err
	}
	v, err := a.Store.ResponseVersion(ctx, in.VersionID)
	if err != nil {
		return doc, nonRetryableIfNotFound(err)
	}
	if org.ByLink {
		return a.receivedDocument(ctx, id, asg, r, org, v.Content, in.At)
	}
	asg.Route = in.Route
	data, err := compose.Statement(ctx, a.Store, asg, r, org, v.Content, in.At)
	if err != nil {
		return doc, err
	}
	if in.ApprovedBy != "" {
		approver, err := a.user(ctx, in.ApprovedBy)
		if err != nil {
			return doc, err
		}
		data.Approved = pdf.Approval{Name: approver.DisplayName, Title: approver.Title, Date: data.Date}
		if data.Approved.Name == "" {
			data.Approved.Name = in.ApprovedBy
		}
	}
	body, err := pdf.Statement(data)
	if err != nil {
		return doc, err
	}
	if body, err = a.seal(org.Code, body, org.Name, data.DocumentKind()+", Dnr "+data.DocumentDnr()); err != nil {
		return doc, err
	}
	return a.keep(ctx, store.Document{
		ID: id, RemissID: r.ID, AssignmentID: asg.ID, Kind: "statement",
		Filename: fmt.Sprintf("tjansteutlatande-%s-%s.pdf", r.ID, org.Code), Content: body,
	})
}

// delegated adds to c the decision on delegation that the approval is,
// with the organisation's delegation reference.
func (a *Activities) delegated(ctx context.Context, c *store.Change, asg store.Assignment, org remiss.Org, doc store.Document, in StatementInput) error {
	_, ref, err := a.Store.OrgRoute(ctx, org.Code)
	if err != nil {
		return nonRetryableIfNotFound(err)
	}
	c.Detail["route"], c.Detail["delegation"] = in.Route, ref
	c.Decided = &store.Decision{ID: fmt.Sprintf("delegation.%s.r%d", asg.ID, max(in.Revision, 1)), AssignmentID: asg.ID,
		Body: org.Name, Verdict: remiss.VerdictDelegation, DelegationRef: ref, DocumentID: doc.ID, RecordedBy: in.ApprovedBy}
	return nil
}

// onAgenda puts the ärende on the agenda of the meeting
// remiss.AgendaMeeting picks from the calendar (none: the registrator picks
// one), and says whether anstånd is needed.
func (a *Activities) onAgenda(ctx context.Context, c *store.Change, asg store.Assignment, org remiss.Org, in StatementInput) (remiss.Meeting, DecisionPlan, error) {
	chosen, err := a.Store.DecidingMeeting(ctx, asg, in.Route, remiss.Today(in.At))
	if err != nil {
		return remiss.Meeting{}, DecisionPlan{}, err
	}
	plan := meetingPlan(in.Route, chosen, asg.Deadline)
	state := string(remiss.StateOnAgenda)
	c.Assignment.State, c.Assignment.MeetingID, c.Assignment.NeedsExtension = &state, &plan.MeetingID, &plan.NeedsExtension
	c.Detail["route"], c.Detail["meeting"] = in.Route, plan.MeetingID
	return chosen, plan, nil
}

// receivedDocument keeps an outside body's answer as it came through its
// link, sealed by kommunstyrelsen on receipt ("inkommen handling"): an
// uploaded PDF as it was sent (checked for active content when it was
// uploaded), a written one laid out as the body's yttrande in PDF/A.
func (a *Activities) receivedDocument(ctx context.Context, id string, asg store.Assignment, r store.Remiss, org remiss.Org, c remiss.Response, at time.Time) (store.Document, error) {
	var body []byte
	if c.File != "" {
		up, err := a.Store.Document(ctx, c.File)
		if err != nil {
			return store.Document{}, nonRetryableIfNotFound(err)
		}
		if up.AssignmentID != asg.ID || up.Kind != "received" {
			return store.Document{}, temporal.NewNonRetryableApplicationError("the answer's file belongs to another assignment", "BadInput", nil)
		}
		body = up.Content
	} else {
		data, err := compose.Statement(ctx, a.Store, asg, r, org, c, at)
		if err != nil {
			return store.Document{}, err
		}
		if body, err = pdf.Statement(data); err != nil {
			return store.Document{}, err
		}
	}
	ks, err := a.Store.Org(ctx, remiss.KS)
	if err != nil {
		return store.Document{}, nonRetryableIfNotFound(err)
	}
	body, err = a.seal(remiss.KS, body, ks.Name, fmt.Sprintf("Inkommen handling: yttrande från %s, Dnr %s", org.Name, r.Dnr))
	if err != nil {
		return store.Document{}, err
	}
	return a.keep(ctx, store.Document{
		ID: id, RemissID: r.ID, AssignmentID: asg.ID, Kind: "statement",
		Filename: fmt.Sprintf("yttrande-%s-%s.pdf", r.ID, org.Code), Content: body,
	})
}
