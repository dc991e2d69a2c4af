package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

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
		AllAssignmentsIn: []string{string(remiss.StateSent), string(remiss.StateAssigned), string(remiss.StateDrafting), string(remiss.StateSubmitted), string(remiss.StateDeclineProposed), string(remiss.StateOnAgenda)},
	}); err != nil {
		return DocumentResult{}, err
	}
	doc, err := a.summaryDocument(ctx, r, in)
	if err != nil {
		return DocumentResult{}, err
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

// summaryDocument compiles, seals and stores the sammanställning once.
func (a *Activities) summaryDocument(ctx context.Context, r store.Remiss, in RoundInput) (store.Document, error) {
	id := SummaryDocumentID(r.ID)
	doc, err := a.Store.Document(ctx, id)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return doc, err
	}
	data, err := a.summaryData(ctx, r, in)
	if err != nil {
		return doc, err
	}
	body, err := pdf.Summary(data)
	if err != nil {
		return doc, err
	}
	if body, err = a.seal(remiss.KS, body, "Kommunstyrelsen", "Sammanställning av remissvar, Dnr "+r.Dnr); err != nil {
		return doc, err
	}
	return a.keep(ctx, store.Document{
		ID: id, RemissID: r.ID, Kind: "summary", Filename: "sammanstallning-" + r.ID + ".pdf", Content: body,
	})
}

// summaryData lays out every recipient's outcome: the answer's
// sammanfattning and who decided it, or why it declined. Checksums stay in
// the archive and on the verification page, not in the text people read.
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
			e.Decision = decided[asg.ID]
		case remiss.StateDeclined:
			data.Declined++
			e.Summary = remiss.Capital(org.Kind.Self()) + " avstår från att yttra sig."
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
			out[d.AssignmentID] = text
		}
	}
	return out, nil
}
