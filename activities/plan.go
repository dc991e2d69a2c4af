package activities

import (
	"context"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// PlanInput asks for a recipient's decision route and the meeting its
// nämnd decides at.
type PlanInput struct {
	EventKey     string
	At           time.Time
	Actor        remiss.Actor
	AssignmentID string
	Route        remiss.Route `json:",omitempty"` // "" keeps the assignment's
	MeetingID    string       `json:",omitempty"` // "" plans the meeting from the calendar
}

// DecisionPlan is how and when a recipient decides its answer.
type DecisionPlan struct {
	Route     remiss.Route
	MeetingID string `json:",omitempty"`
	// AgendaDeadlineAt is the end of the meeting's last day for ärenden:
	// reminders count back from it.
	AgendaDeadlineAt time.Time `json:",omitempty"`
	// NeedsExtension: no meeting before the svarsdatum.
	NeedsExtension bool `json:",omitempty"`
}

// PlanDecision sets a recipient's route and plans its meeting: the one the
// registrator names, or the one remiss.PlanMeeting picks from the calendar.
// A retry returns the plan stored the first time.
func (a *Activities) PlanDecision(ctx context.Context, in PlanInput) (DecisionPlan, error) {
	asg, r, _, err := a.load(ctx, in.AssignmentID)
	if err != nil {
		return DecisionPlan{}, err
	}
	route := in.Route
	if route == "" {
		route = asg.Route
	}
	plan := DecisionPlan{Route: route}
	if in.Route == "" && in.MeetingID == "" && route == remiss.RouteDelegation && asg.MeetingID == "" && !asg.NeedsExtension {
		return plan, nil // the organisation's default, already stored at launch: nothing to plan or record
	}
	if route == remiss.RouteNamnd {
		m, err := a.decisionMeeting(ctx, asg, in)
		if err != nil {
			return plan, err
		}
		plan = meetingPlan(route, m, asg.Deadline)
	}
	actor := in.Actor.User
	if actor == "" {
		actor = "system"
	}
	routeText := string(plan.Route)
	applied, err := a.Store.Apply(ctx, store.Change{
		EventKey: in.EventKey, At: in.At, Actor: actor, RemissID: r.ID, AssignmentID: asg.ID, Action: "route_planned",
		Detail:     map[string]any{"route": plan.Route, "meeting": plan.MeetingID, "needsExtension": plan.NeedsExtension},
		Assignment: &store.AssignmentPatch{Route: &routeText, MeetingID: &plan.MeetingID, NeedsExtension: &plan.NeedsExtension},
	})
	if err != nil {
		return plan, err // a meeting deleted meanwhile, say: plan again
	}
	if !applied {
		// A retry: answer with what the first attempt stored.
		return a.storedPlan(ctx, asg.ID, "")
	}
	return plan, nil
}

// decisionMeeting is the meeting the registrator names, or else the one
// remiss.PlanMeeting picks from the organisation's calendar (the zero
// Meeting: none).
func (a *Activities) decisionMeeting(ctx context.Context, asg store.Assignment, in PlanInput) (remiss.Meeting, error) {
	if in.MeetingID != "" {
		m, err := a.Store.Meeting(ctx, asg.Org, in.MeetingID)
		return m, nonRetryableIfNotFound(err)
	}
	today := remiss.Today(in.At)
	calendar, err := a.Store.Meetings(ctx, asg.Org, today)
	if err != nil {
		return remiss.Meeting{}, err
	}
	return remiss.PlanMeeting(calendar, asg.Deadline, today), nil
}

// meetingPlan is the plan of a nämnd deciding at m (none when m is zero)
// an answer due on deadline.
func meetingPlan(route remiss.Route, m remiss.Meeting, deadline string) DecisionPlan {
	at, _ := remiss.AgendaDeadlineAt(m) // a stored meeting's date is valid
	return DecisionPlan{Route: route, MeetingID: m.ID, AgendaDeadlineAt: at, NeedsExtension: remiss.NeedsExtension(m, deadline)}
}

// storedPlan is the plan a first attempt stored on the assignment, on
// route (""; the assignment's route).
func (a *Activities) storedPlan(ctx context.Context, assignmentID string, route remiss.Route) (DecisionPlan, error) {
	asg, err := a.Store.Assignment(ctx, assignmentID)
	if err != nil {
		return DecisionPlan{}, err
	}
	if route == "" {
		route = asg.Route
	}
	plan := DecisionPlan{Route: route}
	if asg.MeetingID != "" {
		m, err := a.Store.Meeting(ctx, asg.Org, asg.MeetingID)
		if err != nil {
			return plan, nonRetryableIfNotFound(err)
		}
		plan = meetingPlan(route, m, asg.Deadline)
	}
	plan.NeedsExtension = asg.NeedsExtension
	return plan, nil
}
