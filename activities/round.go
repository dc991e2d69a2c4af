package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/templates"
)

// RoundInput names a round and the moment of the event.
type RoundInput struct {
	EventKey string
	RemissID string
	At       time.Time
	Actor    remiss.Actor `json:",omitempty"`
	Reason   string       `json:",omitempty"` // why a round closes: all-done, deadline, closed
}

// AnnounceRound records that the remiss was sent and queues the message to
// each recipient's registrator mailbox.
func (a *Activities) AnnounceRound(ctx context.Context, in RoundInput) (RecordResult, error) {
	r, err := a.Store.Remiss(ctx, in.RemissID)
	if err != nil {
		return RecordResult{}, nonRetryableIfNotFound(err)
	}
	missiv, err := a.storeMissiv(ctx, r, in.At)
	if err != nil {
		return RecordResult{}, err
	}
	msgs, err := a.toEveryRecipient(ctx, r, "remiss_sent", in.EventKey, in.At)
	if err != nil {
		return RecordResult{}, err
	}
	for i := range msgs {
		msgs[i].DocumentID = missiv.ID
	}
	applied, err := a.Store.Apply(ctx, store.Change{
		EventKey: in.EventKey, At: in.At, Actor: in.Actor.User, RemissID: r.ID, Action: "remiss_sent",
		Detail: map[string]any{"recipients": r.Recipients, "deadline": r.Deadline}, Messages: msgs,
	})
	if err != nil {
		return RecordResult{}, err
	}
	asgs, err := a.Store.Assignments(ctx, r.ID)
	if err != nil {
		return RecordResult{}, err
	}
	routes := map[string]remiss.Route{}
	for _, asg := range asgs {
		routes[asg.Org] = asg.Route
	}
	return RecordResult{Applied: applied, Routes: routes}, nil
}

// MissivDocumentID is the one cover letter a round has.
func MissivDocumentID(remissID string) string { return "missiv." + remissID }

// storeMissiv renders and stores the cover letter once.
func (a *Activities) storeMissiv(ctx context.Context, r store.Remiss, at time.Time) (store.Document, error) {
	doc, err := a.Store.Document(ctx, MissivDocumentID(r.ID))
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return doc, err
	}
	data := pdf.MissivData{Dnr: r.Dnr, Title: r.Title, Date: at.In(remiss.Stockholm), Deadline: r.Deadline,
		Description: r.Description, Link: a.BaseURL + "/remisser/" + r.ID}
	for _, code := range r.Recipients {
		org, err := a.Store.Org(ctx, code)
		if err != nil {
			return doc, nonRetryableIfNotFound(err)
		}
		data.Recipients = append(data.Recipients, org.Name)
	}
	coord, err := a.user(ctx, r.Coordinator)
	if err != nil {
		return doc, err
	}
	data.Coordinator, data.Contact = pdf.Signatory{Name: coord.DisplayName, Title: coord.Title}, coord.Email
	body, err := pdf.Missiv(data)
	if err != nil {
		return doc, err
	}
	if body, err = a.seal(remiss.KS, body, "Kommunstyrelsen", "Missiv, Dnr "+r.Dnr); err != nil {
		return doc, err
	}
	return a.Store.PutDocument(ctx, store.Document{ID: MissivDocumentID(r.ID), RemissID: r.ID, Kind: "missiv",
		Filename: "missiv-" + r.ID + ".pdf", Content: body})
}

// toEveryRecipient renders one message of a kind to each recipient's
// registrator mailbox; fill adds to what the message says.
func (a *Activities) toEveryRecipient(ctx context.Context, r store.Remiss, kind, key string, at time.Time, fill ...func(*templates.MailData)) ([]store.Message, error) {
	asgs, err := a.Store.Assignments(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	var msgs []store.Message
	for _, asg := range asgs {
		org, err := a.Store.Org(ctx, asg.Org)
		if err != nil {
			return nil, nonRetryableIfNotFound(err)
		}
		m := a.messages(r, org, asg, key+"."+org.Code, at)
		for _, f := range fill {
			f(&m.data)
		}
		m.add(kind, org.Email)
		if m.err != nil {
			return nil, m.err
		}
		msgs = append(msgs, m.list...)
	}
	return msgs, nil
}

// DocumentResult names a stored document by ID and hash.
type DocumentResult struct {
	DocumentID string
	SHA256     string
	// For a statement going to the nämnd: the meeting it is on the agenda
	// of, that meeting's agenda deadline, and whether it falls after the
	// svarsdatum (or there is none), so that anstånd is needed.
	MeetingID        string    `json:",omitempty"`
	AgendaDeadlineAt time.Time `json:",omitempty"`
	NeedsExtension   bool      `json:",omitempty"`
}

// StatementInput asks for the statement of an approved answer.
type StatementInput struct {
	EventKey     string
	AssignmentID string
	VersionID    string
	At           time.Time // approval: the statement's date
	Late         bool
	// Route decides what follows: on delegation the approval is the
	// decision and the answer is done; for the nämnd the ärende goes on the
	// agenda of its meeting. Empty: done (rounds started before routing).
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
// tjänsteutlåtande, stores it and marks the assignment answered. A retry
// finds the stored document and renders nothing new.
func (a *Activities) RenderStatement(ctx context.Context, in StatementInput) (DocumentResult, error) {
	asg, r, org, err := a.load(ctx, in.AssignmentID)
	if err != nil {
		return DocumentResult{}, err
	}
	id := StatementDocumentID(asg.ID, in.Revision)
	doc, err := a.Store.Document(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return DocumentResult{}, err
	}
	if err != nil {
		if err := a.owned(ctx, asg.ID, in.VersionID, "", ""); err != nil {
			return DocumentResult{}, err
		}
		v, err := a.Store.ResponseVersion(ctx, in.VersionID)
		if err != nil {
			return DocumentResult{}, nonRetryableIfNotFound(err)
		}
		body, err := pdf.Statement(pdf.StatementOf(r.Dnr, r.Title, org, v.Content, in.At, in.Late))
		if err != nil {
			return DocumentResult{}, err
		}
		if body, err = a.seal(org.Code, body, org.Name, "Tjänsteutlåtande, Dnr "+r.Dnr); err != nil {
			return DocumentResult{}, err
		}
		doc, err = a.Store.PutDocument(ctx, store.Document{
			ID: id, RemissID: r.ID, AssignmentID: asg.ID, Kind: "statement",
			Filename: fmt.Sprintf("tjansteutlatande-%s-%s.pdf", r.ID, org.Code), Content: body,
		})
		if err != nil {
			return DocumentResult{}, err
		}
	}
	state := string(remiss.StateAnswered)
	m := a.messages(r, org, asg, in.EventKey, in.At)
	c := store.Change{
		EventKey: in.EventKey, At: in.At, Actor: "system", RemissID: asg.RemissID, AssignmentID: asg.ID,
		Action: "statement_stored", Detail: map[string]any{"document": doc.ID, "sha256": doc.SHA256},
		Assignment: &store.AssignmentPatch{State: &state, DocumentID: &doc.ID},
	}
	var plan DecisionPlan
	switch in.Route {
	case remiss.RouteDelegation:
		_, ref, err := a.Store.OrgRoute(ctx, org.Code)
		if err != nil {
			return DocumentResult{}, nonRetryableIfNotFound(err)
		}
		c.Detail["route"], c.Detail["delegation"] = in.Route, ref
		c.Decided = &store.Decision{ID: fmt.Sprintf("delegation.%s.r%d", asg.ID, max(in.Revision, 1)), AssignmentID: asg.ID,
			Body: org.Name, Verdict: remiss.VerdictDelegation, DelegationRef: ref, DocumentID: doc.ID, RecordedBy: in.ApprovedBy}
	case remiss.RouteNamnd:
		// On the agenda of the planned meeting while its agenda is open,
		// else of the next one; without one the registrator picks it.
		var chosen remiss.Meeting
		if asg.MeetingID != "" {
			m, err := a.Store.Meeting(ctx, org.Code, asg.MeetingID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return DocumentResult{}, err
			}
			if err == nil && m.AgendaDeadline >= today(in.At) {
				chosen = m
			}
		}
		if chosen.ID == "" {
			next, found, err := a.Store.NextMeeting(ctx, org.Code, today(in.At))
			if err != nil {
				return DocumentResult{}, err
			}
			if found {
				chosen = next
			}
		}
		state = string(remiss.StateOnAgenda)
		plan = meetingPlan(in.Route, chosen, asg.Deadline)
		c.Assignment.MeetingID, c.Assignment.NeedsExtension = &plan.MeetingID, &plan.NeedsExtension
		c.Detail["route"], c.Detail["meeting"] = in.Route, plan.MeetingID
		m.data.Meeting = chosen.Date
	}
	// The nämnd's registrator learns the ärende is on the agenda; the
	// receipt from kommunstyrelsen waits for the nämnd's decision.
	if in.Route == remiss.RouteNamnd {
		m.add("on_agenda", org.Email)
	} else {
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
	if !applied && in.Route == remiss.RouteNamnd {
		// A retry: answer with what the first attempt stored.
		if asg, err = a.Store.Assignment(ctx, asg.ID); err != nil {
			return DocumentResult{}, err
		}
		plan = DecisionPlan{Route: in.Route}
		if asg.MeetingID != "" {
			m, err := a.Store.Meeting(ctx, org.Code, asg.MeetingID)
			if err != nil {
				return DocumentResult{}, nonRetryableIfNotFound(err)
			}
			plan = meetingPlan(in.Route, m, asg.Deadline)
		}
		plan.NeedsExtension = asg.NeedsExtension
	}
	return DocumentResult{DocumentID: doc.ID, SHA256: doc.SHA256, MeetingID: plan.MeetingID,
		AgendaDeadlineAt: plan.AgendaDeadlineAt, NeedsExtension: plan.NeedsExtension}, nil
}

// SummaryDocumentID is the one sammanställning a round has.
func SummaryDocumentID(remissID string) string { return "summary." + remissID }

var closeReasons = map[string]string{
	"all-done": "Samtliga remissinstanser har svarat.",
	"deadline": "Remisstiden, med respittid, har löpt ut.",
	"closed":   "Remissomgången har stängts av remissamordnaren.",
}

// CloseRound marks every assignment still without an answer as missed,
// compiles and stores the sammanställning, closes the round and tells every
// recipient.
func (a *Activities) CloseRound(ctx context.Context, in RoundInput) (DocumentResult, error) {
	r, err := a.Store.Remiss(ctx, in.RemissID)
	if err != nil {
		return DocumentResult{}, nonRetryableIfNotFound(err)
	}
	missed, noMeeting := string(remiss.StateMissed), ""
	if _, err := a.Store.Apply(ctx, store.Change{
		EventKey: in.EventKey + ".missed", At: in.At, Actor: "system", RemissID: r.ID, Action: "unanswered_marked_missed",
		// An answer that will not come frees its meeting in the calendar.
		Assignment:       &store.AssignmentPatch{State: &missed, MeetingID: &noMeeting},
		AllAssignmentsIn: []string{string(remiss.StateSent), string(remiss.StateAssigned), string(remiss.StateDrafting), string(remiss.StateSubmitted), string(remiss.StateOnAgenda)},
	}); err != nil {
		return DocumentResult{}, err
	}
	id := SummaryDocumentID(r.ID)
	doc, err := a.Store.Document(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return DocumentResult{}, err
	}
	if err != nil {
		data, err := a.summaryData(ctx, r, in)
		if err != nil {
			return DocumentResult{}, err
		}
		body, err := pdf.Summary(data)
		if err != nil {
			return DocumentResult{}, err
		}
		if body, err = a.seal(remiss.KS, body, "Kommunstyrelsen", "Sammanställning av remissvar, Dnr "+r.Dnr); err != nil {
			return DocumentResult{}, err
		}
		doc, err = a.Store.PutDocument(ctx, store.Document{
			ID: id, RemissID: r.ID, Kind: "summary", Filename: "sammanstallning-" + r.ID + ".pdf", Content: body,
		})
		if err != nil {
			return DocumentResult{}, err
		}
	}
	msgs, err := a.toEveryRecipient(ctx, r, "round_closed", in.EventKey, in.At)
	if err != nil {
		return DocumentResult{}, err
	}
	coord, err := a.user(ctx, r.Coordinator)
	if err != nil {
		return DocumentResult{}, err
	}
	cm := a.messages(r, remiss.Org{}, store.Assignment{}, in.EventKey+".coordinator", in.At)
	cm.add("summary_ready", coord.Email)
	if cm.err != nil {
		return DocumentResult{}, cm.err
	}
	msgs = append(msgs, cm.list...)
	for i := range msgs {
		msgs[i].DocumentID = doc.ID
	}
	closed := string(remiss.RemissClosed)
	at := in.At
	actor := in.Actor.User
	if actor == "" {
		actor = "system"
	}
	if _, err := a.Store.Apply(ctx, store.Change{
		EventKey: in.EventKey, At: in.At, Actor: actor, RemissID: r.ID, Action: "round_closed",
		Detail:      map[string]any{"reason": in.Reason, "document": doc.ID, "sha256": doc.SHA256},
		Remiss:      &store.RemissPatch{State: &closed, ClosedAt: &at, SummaryID: &doc.ID},
		Messages:    msgs,
		ReleaseHeld: true,
	}); err != nil {
		return DocumentResult{}, err
	}
	return DocumentResult{DocumentID: doc.ID, SHA256: doc.SHA256}, nil
}

func (a *Activities) summaryData(ctx context.Context, r store.Remiss, in RoundInput) (pdf.SummaryData, error) {
	asgs, err := a.Store.Assignments(ctx, r.ID)
	if err != nil {
		return pdf.SummaryData{}, err
	}
	data := pdf.SummaryData{
		Dnr: r.Dnr, Title: r.Title, Date: in.At.In(remiss.Stockholm), Deadline: r.Deadline,
		Closed: closeReasons[in.Reason],
	}
	coord, err := a.user(ctx, r.Coordinator)
	if err != nil {
		return data, err
	}
	data.Signatory = pdf.Signatory{Name: coord.DisplayName, Title: coord.Title}
	decided, err := a.decidedBy(ctx, r.ID)
	if err != nil {
		return data, err
	}
	for _, asg := range asgs {
		org, err := a.Store.Org(ctx, asg.Org)
		if err != nil {
			return data, err
		}
		e := pdf.SummaryEntry{Org: org.Name, Outcome: asg.State.Label(), Late: asg.Late}
		if asg.SubmittedAt != nil {
			e.Date = asg.SubmittedAt.In(remiss.Stockholm).Format(remiss.DateLayout)
		}
		switch asg.State {
		case remiss.StateAnswered:
			data.Answered++
			v, err := a.Store.ResponseVersion(ctx, asg.ResponseVersionID)
			if err != nil {
				return data, err
			}
			e.Summary = v.Content.Summary
			if doc, err := a.Store.Document(ctx, asg.DocumentID); err == nil {
				e.Document, e.SHA256 = doc.Filename, doc.SHA256
			}
			e.Decision = decided[asg.ID]
		case remiss.StateDeclined:
			data.Declined++
			e.Summary = "Nämnden avstår från att yttra sig."
			if asg.DeclineNoteID != "" {
				if note, err := a.Store.Note(ctx, asg.DeclineNoteID); err == nil && note.Body != "" {
					e.Summary += " " + note.Body
				}
			}
		default:
			data.Missed++
		}
		if asg.Late {
			data.LateCount++
		}
		data.Entries = append(data.Entries, e)
	}
	return data, nil
}

// decidedBy says, per answered assignment, who decided the answer: on
// delegation, or the nämnd at its meeting with the protokollsutdrag.
func (a *Activities) decidedBy(ctx context.Context, remissID string) (map[string]string, error) {
	ds, err := a.Store.Decisions(ctx, remissID)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, d := range ds {
		switch {
		case d.AssignmentID == "":
		case d.Verdict == remiss.VerdictDelegation:
			out[d.AssignmentID] = "Beslut på delegation"
			if d.DelegationRef != "" {
				out[d.AssignmentID] += " (" + d.DelegationRef + ")"
			}
		case d.Verdict.Final():
			text := fmt.Sprintf("Beslut av %s %s, %s: %s.", d.Body, d.HeldOn, d.Paragraph, strings.ToLower(d.Verdict.Label()))
			if d.Verdict == remiss.VerdictAndrat {
				text += " Nämndens beslut: " + d.Wording
			}
			if doc, err := a.Store.Document(ctx, d.DocumentID); err == nil {
				text += " Protokollsutdrag " + doc.Filename + ", SHA-256 " + doc.SHA256
			}
			out[d.AssignmentID] = text
		}
	}
	return out, nil
}

// WithdrawRound records the withdrawal, marks every open assignment
// withdrawn and tells every recipient.
func (a *Activities) WithdrawRound(ctx context.Context, in RoundInput) (RecordResult, error) {
	r, err := a.Store.Remiss(ctx, in.RemissID)
	if err != nil {
		return RecordResult{}, nonRetryableIfNotFound(err)
	}
	msgs, err := a.toEveryRecipient(ctx, r, "remiss_withdrawn", in.EventKey, in.At)
	if err != nil {
		return RecordResult{}, err
	}
	withdrawn, noMeeting := string(remiss.StateWithdrawn), ""
	state := string(remiss.RemissWithdrawn)
	at := in.At
	applied, err := a.Store.Apply(ctx, store.Change{
		EventKey: in.EventKey, At: in.At, Actor: in.Actor.User, RemissID: r.ID, Action: "remiss_withdrawn",
		Assignment:       &store.AssignmentPatch{State: &withdrawn, MeetingID: &noMeeting},
		AllAssignmentsIn: []string{string(remiss.StateSent), string(remiss.StateAssigned), string(remiss.StateDrafting), string(remiss.StateSubmitted), string(remiss.StateApproved), string(remiss.StateOnAgenda)},
		Remiss:           &store.RemissPatch{State: &state, ClosedAt: &at},
		Messages:         msgs,
		ReleaseHeld:      true,
	})
	return RecordResult{Applied: applied}, err
}

// ProblemInput reports a step that waits for an operator.
type ProblemInput struct {
	EventKey     string
	At           time.Time
	RemissID     string
	AssignmentID string `json:",omitempty"`
	Reason       string // the error, for the audit trail and the Coordinator
}

// ReportProblem records in the audit trail that a step failed for a reason
// retrying cannot fix, and tells the round's Coordinator.
func (a *Activities) ReportProblem(ctx context.Context, in ProblemInput) (RecordResult, error) {
	r, err := a.Store.RemissHead(ctx, in.RemissID)
	if err != nil {
		return RecordResult{}, nonRetryableIfNotFound(err)
	}
	m := a.messages(r, remiss.Org{}, store.Assignment{}, in.EventKey, in.At)
	m.data.Reason = in.Reason
	m.data.Detail = in.RemissID
	if in.AssignmentID != "" {
		m.data.Detail = in.AssignmentID
	}
	coord, err := a.user(ctx, r.Coordinator)
	if err != nil {
		return RecordResult{}, err
	}
	m.add("document_failed", coord.Email)
	if m.err != nil {
		return RecordResult{}, m.err
	}
	applied, err := a.Store.Apply(ctx, store.Change{
		EventKey: in.EventKey, At: in.At, Actor: "system", RemissID: r.ID, AssignmentID: in.AssignmentID,
		Action: "document_failed", Detail: map[string]any{"reason": in.Reason}, Messages: m.list,
	})
	return RecordResult{Applied: applied}, err
}
