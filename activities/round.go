package activities

import (
	"context"
	"errors"
	"time"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
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
		Detail: map[string]any{"recipients": r.Recipients, "deadline": r.Deadline, "document": missiv.ID, "sha256": missiv.SHA256}, Messages: msgs,
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
	return a.keep(ctx, store.Document{ID: MissivDocumentID(r.ID), RemissID: r.ID, Kind: "missiv",
		Filename: "missiv-" + r.ID + ".pdf", Content: body})
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
		AllAssignmentsIn: []string{string(remiss.StateSent), string(remiss.StateAssigned), string(remiss.StateDrafting), string(remiss.StateSubmitted), string(remiss.StateDeclineProposed), string(remiss.StateApproved), string(remiss.StateOnAgenda)},
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
	m := a.messages(ctx, r, remiss.Org{}, store.Assignment{}, in.EventKey, in.At)
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
