package workflows

import (
	"fmt"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
	"go.temporal.io/sdk/workflow"
)

// check validates a request's fields, then asks the policy whether actor
// may take the action, and whether the assignment's state allows it now.
func (w *assignment) check(action remiss.Action, req any, actor remiss.Actor) error {
	if err := rules.Struct(req); err != nil {
		return invalid(err)
	}
	if err := remiss.MayAct(action, actor, w.in.Org); err != nil {
		return refusal(err)
	}
	if err := remiss.PossibleFor(action, w.kind()); err != nil {
		return refusal(err)
	}
	return refusal(remiss.PossibleNow(action, w.state, w.closing || w.withdrawing))
}

func (w *assignment) checkAssign(r AssignRequest) error { return w.check(remiss.ActAssign, r, r.Actor) }
func (w *assignment) checkDraft(r VersionRequest) error {
	return w.check(remiss.ActSaveDraft, r, r.Actor)
}
func (w *assignment) checkSubmit(r VersionRequest) error {
	return w.check(remiss.ActSubmit, r, r.Actor)
}
func (w *assignment) checkReturn(r NoteRequest) error { return w.check(remiss.ActReturn, r, r.Actor) }
func (w *assignment) checkProposeDecline(r NoteRequest) error {
	return w.check(remiss.ActProposeDecline, r, r.Actor)
}

// checkDecline: the signatory declines at once, or approves the proposal
// that waits, naming the note they read.
func (w *assignment) checkDecline(r NoteRequest) error {
	if err := w.check(remiss.ActDecline, r, r.Actor); err != nil {
		return err
	}
	if w.state == remiss.StateDeclineProposed && r.NoteID != w.declineNote {
		return conflict("förslaget att avstå har ändrats sedan du läste det; läs det igen och godkänn det eller återsänd det")
	}
	return nil
}

func (w *assignment) checkApprove(r ApproveRequest) error {
	if err := w.check(remiss.ActApprove, r, r.Actor); err != nil {
		return err
	}
	if r.SHA256 != w.sha256 {
		return conflict("yttrandet har ändrats sedan du läste det; läs den senaste versionen och godkänn igen")
	}
	return nil
}

// The anstånd checks take the limit the date must keep within: the
// validators pass the round's (extensionLimit); the handlers, checking
// again under the lock, pass none. The limit is fixed, so a date the
// validator let through is still within it, and a round whose history
// holds an anstånd granted before there was a limit replays as it ran
// (validators do not run on replay, handlers do).

func (w *assignment) checkRequestExtension(r ExtensionRequest, limit time.Time) error {
	if err := w.check(remiss.ActRequestExtension, r, r.Actor); err != nil {
		return err
	}
	if w.pending != nil {
		return refusal(remiss.ExtensionPending())
	}
	return refusal(remiss.CheckExtensionUntil(r.Until, w.deadlineAt, limit))
}

// extensionLimit is the end of the last day anstånd may reach: the round's,
// or when its input names none, the default past the svarsdatum.
func (w *assignment) extensionLimit() time.Time {
	if !w.in.ExtensionLimit.IsZero() {
		return w.in.ExtensionLimit
	}
	return remiss.ExtensionLimit(w.in.DeadlineAt, remiss.DefaultMaxExtension)
}

func (w *assignment) checkDecideExtension(r ExtensionDecision, limit time.Time) error {
	if err := w.check(remiss.ActDecideExtension, r, r.Actor); err != nil {
		return err
	}
	if w.pending == nil && !(r.Approve && r.Until != "") {
		// Without a request the Coordinator can only extend, to a date.
		return conflict("det finns ingen begäran om anstånd att besluta om")
	}
	if r.Approve && r.Until != "" {
		return refusal(remiss.CheckExtensionUntil(r.Until, w.deadlineAt, limit))
	}
	return nil
}

func (w *assignment) assign(ctx workflow.Context, r AssignRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkAssign(r) }, func() error {
		if r.Officer == w.officer && (w.state == remiss.StateAssigned || w.state == remiss.StateDrafting) {
			return nil // the same assignment again, e.g. a retry whose answer was lost: already done
		}
		to := remiss.StateAssigned
		if w.state == remiss.StateDrafting {
			to = remiss.StateDrafting
		}
		if _, err := w.record(ctx, activities.ActionAssigned, to, activities.RecordInput{Actor: r.Actor, Officer: r.Officer}); err != nil {
			return err
		}
		w.state, w.officer = to, r.Officer
		return nil
	})
}

func (w *assignment) saveDraft(ctx workflow.Context, r VersionRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkDraft(r) }, func() error {
		if _, err := w.record(ctx, activities.ActionDraftSaved, remiss.StateDrafting,
			activities.RecordInput{Actor: r.Actor, VersionID: r.VersionID, SHA256: r.SHA256}); err != nil {
			return err
		}
		w.state, w.versionID, w.sha256 = remiss.StateDrafting, r.VersionID, r.SHA256
		return nil
	})
}

func (w *assignment) submit(ctx workflow.Context, r VersionRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkSubmit(r) }, func() error {
		if w.state == remiss.StateSubmitted && r.VersionID == w.versionID {
			return nil // the same version again (versions are named by their content): already submitted
		}
		late := workflow.Now(ctx).After(w.deadlineAt)
		if _, err := w.record(ctx, activities.ActionSubmitted, remiss.StateSubmitted,
			activities.RecordInput{Actor: r.Actor, VersionID: r.VersionID, SHA256: r.SHA256, Late: late}); err != nil {
			return err
		}
		w.state, w.versionID, w.sha256, w.late = remiss.StateSubmitted, r.VersionID, r.SHA256, late
		return nil
	})
}

func (w *assignment) returnForRevision(ctx workflow.Context, r NoteRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkReturn(r) }, func() error {
		// Back to whoever prepares the answer: a decline proposed before
		// anyone had the assignment goes back to the registrator.
		to := remiss.StateDrafting
		if w.officer == "" {
			to = remiss.StateSent
		}
		if _, err := w.record(ctx, activities.ActionReturned, to,
			activities.RecordInput{Actor: r.Actor, NoteID: r.NoteID}); err != nil {
			return err
		}
		w.state, w.declineNote = to, ""
		return nil
	})
}

func (w *assignment) approve(ctx workflow.Context, r ApproveRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkApprove(r) }, func() error {
		if _, err := w.record(ctx, activities.ActionApproved, remiss.StateApproved,
			activities.RecordInput{Actor: r.Actor, VersionID: w.versionID, SHA256: w.sha256}); err != nil {
			return err
		}
		w.state, w.approvedBy = remiss.StateApproved, r.Actor.User
		return nil
	})
}

// proposeDecline records that an officer or the registrator proposes that
// the body declines, with a reason: it waits for the signatory like an
// answer.
func (w *assignment) proposeDecline(ctx workflow.Context, r NoteRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkProposeDecline(r) }, func() error {
		if _, err := w.record(ctx, activities.ActionDeclineProposed, remiss.StateDeclineProposed,
			activities.RecordInput{Actor: r.Actor, NoteID: r.NoteID}); err != nil {
			return err
		}
		w.state, w.declineNote = remiss.StateDeclineProposed, r.NoteID
		return nil
	})
}

// decline is the signatory's word that the body declines (their act is the
// approval): on delegation it is the decision and takes effect at once; for
// the nämnd it goes on the agenda of its meeting, decided like an answer.
func (w *assignment) decline(ctx workflow.Context, r NoteRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkDecline(r) }, func() error {
		late := workflow.Now(ctx).After(w.deadlineAt)
		in := activities.RecordInput{Actor: r.Actor, NoteID: r.NoteID, Late: late}
		if w.route == remiss.RouteNamnd {
			res, err := w.record(ctx, activities.ActionDeclineApproved, remiss.StateOnAgenda, in)
			if err != nil {
				return err
			}
			w.state, w.declineNote, w.late, w.approvedBy = remiss.StateOnAgenda, r.NoteID, late, r.Actor.User
			w.meetingID, w.agendaAt, w.needsExt, w.postponed = res.Plan.MeetingID, res.Plan.AgendaDeadlineAt, res.Plan.NeedsExtension, false
			return nil
		}
		if _, err := w.record(ctx, activities.ActionDeclined, remiss.StateDeclined, in); err != nil {
			return err
		}
		w.state, w.declineNote, w.late = remiss.StateDeclined, r.NoteID, late
		return nil
	})
}

func (w *assignment) requestExtension(ctx workflow.Context, r ExtensionRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkRequestExtension(r, time.Time{}) }, func() error {
		id := fmt.Sprintf("%s.ext-%d", w.id, w.extensions+1)
		if _, err := w.record(ctx, activities.ActionExtensionAsked, w.state,
			activities.RecordInput{Actor: r.Actor, ExtensionID: id, Until: r.Until, NoteID: r.NoteID}); err != nil {
			return err
		}
		w.extensions++
		w.pending = &Extension{ID: id, Until: r.Until, RequestedBy: r.Actor.User}
		return nil
	})
}

func (w *assignment) decideExtension(ctx workflow.Context, r ExtensionDecision) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkDecideExtension(r, time.Time{}) }, func() error {
		until := r.Until
		if until == "" {
			until = w.pending.Until
		}
		var id string
		if w.pending != nil {
			id = w.pending.ID
		} else {
			// The Coordinator extends on their own initiative.
			w.extensions++
			id = fmt.Sprintf("%s.ext-%d", w.id, w.extensions)
		}
		in := activities.RecordInput{Actor: r.Actor, ExtensionID: id, Approved: r.Approve}
		var untilAt time.Time
		if r.Approve {
			var err error
			if untilAt, err = remiss.DeadlineEnd(until); err != nil {
				return err
			}
			in.Until, in.UntilAt = until, untilAt
		}
		if _, err := w.record(ctx, activities.ActionExtensionDecided, w.state, in); err != nil {
			return err
		}
		w.pending = nil
		if r.Approve {
			// Anstånd moves this recipient's deadline and its reminders.
			w.deadlineAt, w.scheduledAt = untilAt, workflow.Now(ctx)
			if w.in.RoundWorkflow != "" {
				// The round waits for the latest deadline. The anstånd stands
				// even if the round cannot be told (it has ended).
				if err := workflow.SignalExternalWorkflow(ctx, w.in.RoundWorkflow, "", SignalDeadlineMoved,
					DeadlineMoved{Org: w.in.Org, DeadlineAt: untilAt}).Get(ctx, nil); err != nil {
					workflow.GetLogger(ctx).Warn("the round was not told of the anstånd", "error", err)
				}
			}
			w.replan(ctx, r.Actor)
		}
		return nil
	})
}

func (w *assignment) checkReceive(r VersionRequest) error {
	if !w.in.ByLink {
		return conflict("bara en extern remissinstans med personlig länk lämnar sitt svar så")
	}
	return w.check(remiss.ActReceive, r, r.Actor)
}

// receive takes an outside body's answer as it came through its link: it
// is the body's word, approved by nobody in Remiss; the statement that
// follows keeps it sealed by kommunstyrelsen.
func (w *assignment) receive(ctx workflow.Context, r VersionRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error { return w.checkReceive(r) }, func() error {
		late := workflow.Now(ctx).After(w.deadlineAt)
		if _, err := w.record(ctx, activities.ActionReceived, remiss.StateApproved,
			activities.RecordInput{Actor: r.Actor, VersionID: r.VersionID, SHA256: r.SHA256, Late: late}); err != nil {
			return err
		}
		w.state, w.versionID, w.sha256, w.late = remiss.StateApproved, r.VersionID, r.SHA256, late
		return nil
	})
}
