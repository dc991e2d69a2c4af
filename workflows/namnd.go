package workflows

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// plan sets the route and the meeting through the PlanDecision activity;
// patient retries it for as long as it takes.
func (w *assignment) plan(ctx workflow.Context, in activities.PlanInput, patient bool) error {
	in.At, in.AssignmentID = workflow.Now(ctx), w.id
	lctx := localOptions(ctx)
	if patient {
		// A whole day: the SDK bounds a local activity's retries by its
		// schedule-to-close time (which otherwise defaults to the
		// start-to-close time, 30 s); longer backoffs wait on timers.
		lctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
			StartToCloseTimeout:    30 * time.Second,
			ScheduleToCloseTimeout: 24 * time.Hour,
			RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
		})
	}
	var p activities.DecisionPlan
	if err := workflow.ExecuteLocalActivity(lctx, a.PlanDecision, in).Get(ctx, &p); err != nil {
		return err
	}
	base := w.reminderBase()
	w.route, w.meetingID, w.agendaAt, w.needsExt = p.Route, p.MeetingID, p.AgendaDeadlineAt, p.NeedsExtension
	if !w.reminderBase().Equal(base) {
		w.scheduledAt = workflow.Now(ctx) // reminders already past for the new base help nobody
	}
	return nil
}

// replan plans a nämnd's meeting again after its deadline moved or its
// answer came back: a meeting the registrator named stays if it still comes
// before the deadline. Best effort: the action that moved things stands
// even if the calendar cannot be read now (the old plan stays).
func (w *assignment) replan(ctx workflow.Context, actor remiss.Actor) {
	if w.route != remiss.RouteNamnd || w.state.Done() || w.state == remiss.StateApproved {
		return
	}
	w.seq++
	in := activities.PlanInput{EventKey: fmt.Sprintf("%s.%03d.replan", w.id, w.seq), Actor: actor}
	if w.explicitMeeting || (w.state == remiss.StateOnAgenda && w.meetingID != "") {
		// On the agenda the meeting stays; whether anstånd is needed is
		// worked out again for the new deadline.
		in.MeetingID = w.meetingID
	}
	if err := w.plan(ctx, in, false); err != nil {
		workflow.GetLogger(ctx).Warn("the meeting was not planned again", "error", err)
	}
}

func (w *assignment) produceStatement(ctx workflow.Context) error {
	return w.locked(ctx, func() error {
		var res activities.DocumentResult
		at := workflow.Now(ctx)
		err := untilFixed(ctx, w.id+".statement", w.in.RemissID, w.id, &w.retries, func() bool { return w.withdrawing }, func() error {
			in := activities.StatementInput{
				EventKey: w.id + ".statement", AssignmentID: w.id, VersionID: w.versionID, At: at, Late: w.late,
				Route: w.route, Revision: w.revision, ApprovedBy: w.approvedBy,
			}
			if w.revision > 1 {
				in.EventKey = fmt.Sprintf("%s.statement.r%d", w.id, w.revision)
			}
			return workflow.ExecuteActivity(ctx, a.RenderStatement, in).Get(ctx, &res)
		})
		if errors.Is(err, errAborted) {
			w.state = remiss.StateWithdrawn
			return nil
		}
		if err != nil {
			return err
		}
		w.documentID = res.DocumentID
		w.state = remiss.StateAnswered
		if w.route == remiss.RouteNamnd {
			// Not done until the nämnd decides at its meeting.
			w.state, w.meetingID, w.postponed = remiss.StateOnAgenda, res.MeetingID, false
			w.agendaAt, w.needsExt = res.AgendaDeadlineAt, res.NeedsExtension
		}
		w.changes++
		return nil
	})
}

func (w *assignment) checkRoute(r RouteRequest) error {
	if err := w.check(remiss.ActRoute, r, r.Actor); err != nil {
		return err
	}
	if w.state == remiss.StateOnAgenda && r.Route != remiss.RouteNamnd {
		return conflict("ärendet står redan på nämndens dagordning; välj ett annat sammanträde")
	}
	if r.Route == remiss.RouteDelegation && r.MeetingID != "" {
		return invalidField("meetingId", "sammanträde anges bara när nämnden beslutar")
	}
	return nil
}

// setRoute records the registrator's choice of route and meeting.
func (w *assignment) setRoute(ctx workflow.Context, r RouteRequest) (AssignmentStatus, error) {
	return w.handle(ctx, func() error { return w.checkRoute(r) }, func() error {
		w.seq++
		if err := w.plan(ctx, activities.PlanInput{
			EventKey: fmt.Sprintf("%s.%03d.route", w.id, w.seq), Actor: r.Actor, Route: r.Route, MeetingID: r.MeetingID,
		}, false); err != nil {
			return err
		}
		w.explicitMeeting = r.MeetingID != ""
		return nil
	})
}

func (w *assignment) checkDecide(r MinutesRequest) error {
	if err := w.check(remiss.ActDecide, r, r.Actor); err != nil {
		return err
	}
	if r.MeetingID != w.meetingID {
		return conflict("ärendet står inte på dagordningen för det sammanträdet")
	}
	if !slices.Contains(remiss.MeetingVerdicts(w.declineNote != ""), r.Verdict) {
		return invalidField("decision", "ett förslag att avstå bifalls, återremitteras eller bordläggs; vill nämnden yttra sig, återremittera ärendet")
	}
	if (r.Verdict == remiss.VerdictBordlagd) != (r.NextMeeting != "") {
		return invalidField("nextMeeting", "ett senare sammanträde anges när, och bara när, ärendet bordläggs")
	}
	return nil
}

// decide records the nämnd's decision at its meeting and its protokollsutdrag:
// bifall or ändrat beslut makes the answer done; återremiss sends it back to
// the officer; bordläggning moves it to a later meeting. The record is keyed
// by the decision, so recording it again (a retry) changes nothing, and it
// is retried while the database is away.
func (w *assignment) decide(ctx workflow.Context, r MinutesRequest) (AssignmentStatus, error) {
	ctx = decisionOptions(ctx)
	return w.handle(ctx, func() error { return w.checkDecide(r) }, func() error {
		var res activities.DocumentResult
		if err := workflow.ExecuteActivity(ctx, a.RenderMinutes, activities.MinutesInput{
			EventKey: r.DecisionID + ".recorded", At: workflow.Now(ctx), DecisionID: r.DecisionID,
		}).Get(ctx, &res); err != nil {
			return err
		}
		switch r.Verdict {
		case remiss.VerdictBifall, remiss.VerdictAndrat:
			w.state, w.minutesID = remiss.StateAnswered, res.DocumentID
			if w.declineNote != "" {
				w.state = remiss.StateDeclined // the nämnd decides to decline
			}
		case remiss.VerdictAterremiss:
			// Back to the officer: a new version (or decline), a new
			// approval, a new statement, then a later meeting.
			w.state, w.revision, w.meetingID, w.agendaAt, w.postponed = remiss.StateDrafting, w.revision+1, "", time.Time{}, false
			w.declineNote = ""
			w.scheduledAt, w.explicitMeeting = workflow.Now(ctx), false
			w.replan(ctx, r.Actor)
		case remiss.VerdictBordlagd:
			w.meetingID, w.agendaAt, w.postponed = r.NextMeeting, res.AgendaDeadlineAt, true
			w.needsExt = res.NeedsExtension
			w.scheduledAt = workflow.Now(ctx)
		}
		return nil
	})
}
