package workflows

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
)

// --- a recipient's decision: route and the nämnd's decision ---

func (w *assignment) checkRoute(r RouteRequest) error {
	if err := w.check(UpdateRoute, r, r.Actor); err != nil {
		return err
	}
	if !w.routing {
		return conflict("uppdraget startades innan beslutsvägar fanns och beslutas på delegation")
	}
	if w.state == remiss.StateOnAgenda && r.Route != remiss.RouteNamnd {
		return conflict("ärendet står redan på nämndens dagordning; välj ett annat sammanträde")
	}
	if r.Route == remiss.RouteDelegation && r.MeetingID != "" {
		return invalid(errors.New("sammanträde anges bara när nämnden beslutar"))
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
	if err := w.check(UpdateDecide, r, r.Actor); err != nil {
		return err
	}
	if r.MeetingID != w.meetingID {
		return conflict("ärendet står inte på dagordningen för det sammanträdet")
	}
	if (r.Verdict == remiss.VerdictBordlagd) != (r.NextMeeting != "") {
		return invalid(errors.New("ett senare sammanträde anges när, och bara när, ärendet bordläggs"))
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
		case remiss.VerdictAterremiss:
			// Back to the officer: a new version, a new approval, a new
			// statement, then a later meeting.
			w.state, w.revision, w.meetingID, w.agendaAt, w.postponed = remiss.StateDrafting, w.revision+1, "", time.Time{}, false
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

// --- the sammanställning's decision path ---

type path struct {
	in        PathInput
	step      int
	done      bool
	decisions []string
	outcomeID string
	mu        workflow.Mutex
}

// DecisionWorkflow carries a closed round's sammanställning through its
// decision path: each body records its decision with a protokollsutdrag;
// an återremiss sends it back to the first step; when the final body has
// decided, every recipient is told the outcome.
func DecisionWorkflow(ctx workflow.Context, in PathInput) (PathStatus, error) {
	p := &path{in: in, mu: workflow.NewMutex(ctx)}
	ctx = activityOptions(ctx)
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (PathStatus, error) { return p.status(), nil }); err != nil {
		return PathStatus{}, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateDecideStep, p.decide,
		workflow.UpdateHandlerOptions{Validator: func(_ workflow.Context, r StepRequest) error { return p.check(r) }}); err != nil {
		return PathStatus{}, err
	}
	if err := workflow.Await(ctx, func() bool { return p.done }); err != nil {
		return PathStatus{}, err
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return PathStatus{}, err
	}
	return p.status(), nil
}

func (p *path) status() PathStatus {
	return PathStatus{RemissID: p.in.RemissID, Path: slices.Clone(p.in.Path), Step: p.step, Done: p.done,
		Decisions: slices.Clone(p.decisions), OutcomeID: p.outcomeID}
}

// StepPermitted reports whether actor may record decisions in a decision
// path: kommunstyrelsens registrator, who keeps the minutes.
func StepPermitted(actor remiss.Actor) error {
	if actor.Org != remiss.KS || actor.Role != remiss.RoleRegistrar {
		return forbidden("endast kommunstyrelsens registrator kan registrera beslut i beslutsgången")
	}
	return nil
}

func (p *path) check(r StepRequest) error {
	if err := rules.Struct(r); err != nil {
		return invalid(err)
	}
	if err := StepPermitted(r.Actor); err != nil {
		return err
	}
	if slices.Contains(p.decisions, r.DecisionID) {
		return nil // recorded already: its answer was lost on the way
	}
	if p.done {
		return conflict("beslutsgången är avslutad")
	}
	if r.Step != p.in.Path[p.step] {
		return conflict(fmt.Sprintf("sammanställningen ligger hos %s", remiss.StepName(p.in.Path[p.step])))
	}
	final := p.step == len(p.in.Path)-1
	if !slices.Contains(remiss.StepVerdicts(final), r.Verdict) {
		if final {
			return invalid(errors.New("den sista instansen fattar beslut eller återremitterar"))
		}
		return invalid(errors.New("beslutet kan bara fattas av den sista instansen; här tillstyrks, avstyrks eller återremitteras"))
	}
	return nil
}

func (p *path) decide(ctx workflow.Context, r StepRequest) (PathStatus, error) {
	if err := p.mu.Lock(ctx); err != nil {
		return p.status(), err
	}
	defer p.mu.Unlock()
	if err := p.check(r); err != nil {
		return p.status(), err
	}
	if slices.Contains(p.decisions, r.DecisionID) {
		return p.status(), nil
	}
	next, final := p.step+1, false
	switch r.Verdict {
	case remiss.VerdictAterremiss:
		next = 0
	case remiss.VerdictBeslut:
		next, final = p.step, true
	}
	var res activities.DocumentResult
	if err := workflow.ExecuteActivity(decisionOptions(ctx), a.RenderMinutes, activities.MinutesInput{
		EventKey: r.DecisionID + ".recorded", At: workflow.Now(ctx), DecisionID: r.DecisionID,
		NextStep: next, Final: final,
	}).Get(ctx, &res); err != nil {
		return p.status(), err
	}
	p.step, p.done = next, final
	p.decisions = append(p.decisions, r.DecisionID)
	if final {
		p.outcomeID = res.DocumentID
	}
	return p.status(), nil
}
