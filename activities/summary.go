package activities

import (
	"context"
	"time"

	"github.com/remiss/remiss/internal/compose"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

var closeReasons = map[string]string{
	"all-done": "Samtliga remissinstanser har svarat.",
	"deadline": "Remisstiden, med respittid, har löpt ut.",
	"closed":   "Remissomgången har stängts av remissamordnaren.",
}

// StatementDays is how long stadsledningskontoret has, from the close of a
// round, to write and approve kommunstyrelsen's own tjänsteutlåtande: the
// date its assignment shows (no reminders go out for it).
const StatementDays = 30

// CloseResult is a closed round: kommunstyrelsen's own tjänsteutlåtande,
// drafted from the answers, waits to be written under AssignmentID.
type CloseResult struct {
	AssignmentID string
	DeadlineAt   time.Time
}

// CloseRound marks every assignment still without an answer as missed,
// drafts kommunstyrelsen's own tjänsteutlåtande from the answers (an
// assignment of KS, handled like an answer), closes the round and tells
// every recipient, KS's registrator and the Coordinator.
func (a *Activities) CloseRound(ctx context.Context, in RoundInput) (CloseResult, error) {
	r, err := a.Store.Remiss(ctx, in.RemissID)
	if err != nil {
		return CloseResult{}, nonRetryableIfNotFound(err)
	}
	missed, noMeeting := string(remiss.StateMissed), ""
	if _, err := a.Store.Apply(ctx, store.Change{
		EventKey: in.EventKey + ".missed", At: in.At, Actor: "system", RemissID: r.ID, Action: "unanswered_marked_missed",
		// An answer that will not come frees its meeting in the calendar.
		Assignment:       &store.AssignmentPatch{State: &missed, MeetingID: &noMeeting},
		AllAssignmentsIn: []string{string(remiss.StateSent), string(remiss.StateAssigned), string(remiss.StateDrafting), string(remiss.StateSubmitted), string(remiss.StateDeclineProposed), string(remiss.StateOnAgenda)},
	}); err != nil {
		return CloseResult{}, err
	}
	draft, err := compose.Draft(ctx, a.Store, r, closeReasons[in.Reason])
	if err != nil {
		return CloseResult{}, err
	}
	due := remiss.Today(in.At.AddDate(0, 0, StatementDays))
	dueAt, err := remiss.DeadlineEnd(due)
	if err != nil {
		return CloseResult{}, err
	}
	asg, err := a.Store.DraftStatement(ctx, r.ID, due, dueAt, draft, r.Coordinator)
	if err != nil {
		return CloseResult{}, err
	}
	msgs, err := a.toEveryRecipient(ctx, r, "round_closed", in.EventKey, in.At)
	if err != nil {
		return CloseResult{}, err
	}
	coord, err := a.user(ctx, r.Coordinator)
	if err != nil {
		return CloseResult{}, err
	}
	ks, err := a.Store.Org(ctx, remiss.KS)
	if err != nil {
		return CloseResult{}, nonRetryableIfNotFound(err)
	}
	cm := a.messages(ctx, r, ks, asg, in.EventKey+".statement", in.At)
	cm.add("statement_drafted", ks.Email)
	if coord.Email != ks.Email {
		cm.add("statement_drafted", coord.Email)
	}
	if cm.err != nil {
		return CloseResult{}, cm.err
	}
	msgs = append(msgs, cm.list...)
	closed := string(remiss.RemissClosed)
	at := in.At
	actor := in.Actor.User
	if actor == "" {
		actor = "system"
	}
	if _, err := a.Store.Apply(ctx, store.Change{
		EventKey: in.EventKey, At: in.At, Actor: actor, RemissID: r.ID, Action: "round_closed",
		Detail:      map[string]any{"reason": in.Reason, "statement": asg.ID},
		Remiss:      &store.RemissPatch{State: &closed, ClosedAt: &at},
		Messages:    msgs,
		ReleaseHeld: true,
	}); err != nil {
		return CloseResult{}, err
	}
	return CloseResult{AssignmentID: asg.ID, DeadlineAt: asg.DeadlineAt}, nil
}
