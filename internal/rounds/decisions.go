package rounds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"go.temporal.io/api/serviceerror"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

func todayIn(now time.Time) string { return now.In(remiss.Stockholm).Format(remiss.DateLayout) }

// Meetings lists an organisation's coming meetings (and those of the last
// year, for the record). Its own staff and the Coordinator may read them.
func (s *Service) Meetings(ctx context.Context, actor remiss.Actor, org string) ([]remiss.Meeting, error) {
	if !remiss.MayReadCalendar(actor, org) {
		return nil, remiss.Refuse(remiss.KindNotFound, "organisationen %s finns inte", org)
	}
	return s.Store.Meetings(ctx, org, time.Now().AddDate(-1, 0, 0).Format(remiss.DateLayout))
}

func registrarOf(actor remiss.Actor) error {
	return remiss.MayAct(remiss.ActEditCalendar, actor, actor.Org)
}

// AddMeeting puts a meeting in the registrator's organisation's calendar.
func (s *Service) AddMeeting(ctx context.Context, actor remiss.Actor, n remiss.NewMeeting) (remiss.Meeting, error) {
	if err := registrarOf(actor); err != nil {
		return remiss.Meeting{}, err
	}
	n.Place = strings.TrimSpace(n.Place)
	if err := check(n); err != nil {
		return remiss.Meeting{}, err
	}
	if n.Date < todayIn(time.Now()) {
		return remiss.Meeting{}, remiss.InvalidField("date", "Sammanträdet kan inte ligga i det förflutna")
	}
	m, err := s.Store.AddMeeting(ctx, actor.Org, n, actor.User)
	if errors.Is(err, store.ErrConflict) {
		return m, &remiss.Error{Kind: remiss.KindConflict, Reason: "det finns redan ett sammanträde den dagen",
			Fields: remiss.FieldErrors{{Field: "date", Message: "Det finns redan ett sammanträde den dagen"}}}
	}
	if err != nil {
		return m, err
	}
	s.calendarChanged(ctx, actor.Org)
	return m, nil
}

// calendarChanged tells the organisation's answers still being prepared
// for the nämnd to plan their meeting again: a new meeting may be the last
// one before their svarsdatum. Best effort: the meeting is stored, and a
// plan not redone now is redone at the next anstånd, återremiss or route.
func (s *Service) calendarChanged(ctx context.Context, org string) {
	asgs, err := s.Store.PlanningAssignments(ctx, org)
	if err != nil {
		slog.Warn("rounds: calendar changed, plans not redone", "org", org, "error", err)
		return
	}
	for _, a := range asgs {
		err := s.Temporal.SignalWorkflow(ctx, workflows.AssignmentWorkflowID(a.RemissID, a.Org), "", workflows.SignalCalendarChanged, nil)
		var notFound *serviceerror.NotFound
		if err != nil && !errors.As(err, &notFound) {
			slog.Warn("rounds: calendar changed, plan not redone", "assignment", a.ID, "error", err)
		}
	}
}

// DeleteMeeting removes a meeting no ärende is planned for.
func (s *Service) DeleteMeeting(ctx context.Context, actor remiss.Actor, id string) error {
	if err := registrarOf(actor); err != nil {
		return err
	}
	err := s.Store.DeleteMeeting(ctx, actor.Org, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return remiss.Refuse(remiss.KindNotFound, "sammanträdet %s finns inte", id)
	case errors.Is(err, store.ErrConflict):
		return remiss.Refuse(remiss.KindConflict, "ärenden är planerade till eller beslutade vid sammanträdet; flytta dem först")
	}
	return err
}

// SetDefaultRoute sets how the registrator's organisation decides its
// answers unless a round's registrator chooses otherwise.
func (s *Service) SetDefaultRoute(ctx context.Context, actor remiss.Actor, route remiss.Route, ref string) error {
	if err := registrarOf(actor); err != nil {
		return err
	}
	if err := check(struct {
		Route remiss.Route `json:"route" validate:"required,oneof=delegation namnd"`
		Ref   string       `json:"delegationRef" validate:"max=200,nocontrol"`
	}{route, strings.TrimSpace(ref)}); err != nil {
		return err
	}
	org, err := s.Store.Org(ctx, actor.Org)
	if err != nil {
		return err
	}
	if err := remiss.CheckRoute(org.Kind, route); err != nil {
		return remiss.InvalidField("route", remiss.Capital(err.Error()))
	}
	return s.Store.SetOrgRoute(ctx, actor.Org, route, strings.TrimSpace(ref))
}

// SetRoute chooses how one recipient decides its answer, and at which
// meeting when the nämnd decides (empty: the last one before the
// svarsdatum).
func (s *Service) SetRoute(ctx context.Context, actor remiss.Actor, assignmentID string, route remiss.Route, meetingID string) (workflows.AssignmentStatus, error) {
	asg, err := s.assignment(ctx, actor, assignmentID, remiss.ActRoute)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	req := workflows.RouteRequest{Actor: actor, Route: route, MeetingID: meetingID}
	if err := check(struct {
		Route   remiss.Route `json:"route" validate:"required,oneof=delegation namnd"`
		Meeting string       `json:"meeting" validate:"omitempty,max=200,id"`
	}{route, meetingID}); err != nil {
		return workflows.AssignmentStatus{}, err
	}
	org, err := s.Store.Org(ctx, asg.Org)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	if err := remiss.CheckRoute(org.Kind, route); err != nil {
		return workflows.AssignmentStatus{}, remiss.InvalidField("route", remiss.Capital(err.Error()))
	}
	if meetingID != "" {
		m, err := s.Store.Meeting(ctx, asg.Org, meetingID)
		if errors.Is(err, store.ErrNotFound) {
			return workflows.AssignmentStatus{}, remiss.InvalidField("meeting", "Inget sådant sammanträde i organisationens kalender")
		}
		if err != nil {
			return workflows.AssignmentStatus{}, err
		}
		if m.AgendaDeadline < todayIn(time.Now()) {
			return workflows.AssignmentStatus{}, remiss.InvalidField("meeting", "Sista dag för ärenden till det sammanträdet har passerat")
		}
	}
	return s.updateAssignment(ctx, asg, workflows.UpdateRoute, req)
}

// decisionID names a decision by what it decides, so that the same
// decision sent again (a retry whose answer was lost) is recognised.
func decisionID(prefix string, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return prefix + ".d-" + hex.EncodeToString(sum[:6])
}

// propose stores a decision before its workflow hears of it. The same
// decision stored before and not yet recorded (its telling failed) is
// used again.
func (s *Service) propose(ctx context.Context, d store.Decision) error {
	if err := s.Store.ProposeDecision(ctx, d); err != nil && !errors.Is(err, store.ErrConflict) {
		return err
	}
	return nil
}

// RecordDecision records the nämnd's decision on an ärende on its agenda,
// with the protokollsutdrag it produces.
func (s *Service) RecordDecision(ctx context.Context, actor remiss.Actor, assignmentID string, m remiss.Minutes) (workflows.AssignmentStatus, error) {
	asg, err := s.assignment(ctx, actor, assignmentID, remiss.ActDecide)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	m.Wording, m.Reason, m.Reservations = strings.TrimSpace(m.Wording), strings.TrimSpace(m.Reason), strings.TrimSpace(m.Reservations)
	if err := check(m); err != nil {
		return workflows.AssignmentStatus{}, err
	}
	meeting, err := s.Store.Meeting(ctx, asg.Org, m.Meeting)
	if errors.Is(err, store.ErrNotFound) {
		return workflows.AssignmentStatus{}, remiss.InvalidField("meeting", "Inget sådant sammanträde i organisationens kalender")
	}
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	if meeting.Date > todayIn(time.Now()) {
		return workflows.AssignmentStatus{}, remiss.InvalidField("meeting", "Sammanträdet har inte hållits än")
	}
	if m.Verdict != remiss.VerdictBordlagd {
		m.NextMeeting = ""
	}
	paragraph := remiss.Paragraph(m.Paragraph)
	id := decisionID(asg.ID, meeting.ID, paragraph, string(m.Verdict), m.Wording, m.Reason, m.NextMeeting,
		fmt.Sprint(m.Immediate), m.AdjustOn, strings.Join(m.Adjusters, "\n"), m.Reservations)
	tell := workflows.MinutesRequest{Actor: actor, DecisionID: id, MeetingID: meeting.ID, Verdict: m.Verdict, NextMeeting: m.NextMeeting}
	if old, err := s.Store.Decision(ctx, id); err == nil && old.State == "recorded" {
		// The same decision, recorded already. Its workflow is told again
		// only if the answer to the first telling was lost before it moved
		// on.
		st, err := s.AssignmentStatus(ctx, asg.ID)
		if err != nil || st.State != remiss.StateOnAgenda || st.MeetingID != meeting.ID {
			return st, err
		}
		return s.updateAssignment(ctx, asg, workflows.UpdateDecide, tell)
	}
	if asg.State != remiss.StateOnAgenda {
		return workflows.AssignmentStatus{}, remiss.Refuse(remiss.KindConflict, "ärendet står inte på nämndens dagordning (%s)", asg.State.Label())
	}
	if asg.MeetingID != meeting.ID {
		return workflows.AssignmentStatus{}, remiss.InvalidField("meeting", "Ärendet står inte på dagordningen för det sammanträdet")
	}
	if m.Verdict == remiss.VerdictBordlagd {
		next, err := s.Store.Meeting(ctx, asg.Org, m.NextMeeting)
		if errors.Is(err, store.ErrNotFound) || (err == nil && next.Date <= meeting.Date) {
			return workflows.AssignmentStatus{}, remiss.InvalidField("nextMeeting", "Välj ett senare sammanträde i organisationens kalender")
		}
		if err != nil {
			return workflows.AssignmentStatus{}, err
		}
	}
	org, err := s.Store.Org(ctx, asg.Org)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	d := store.Decision{
		ID: id, RemissID: asg.RemissID, AssignmentID: asg.ID, Body: org.Name, MeetingID: meeting.ID,
		HeldOn: meeting.Date, Paragraph: paragraph, Verdict: m.Verdict, Wording: m.Wording, Reason: m.Reason,
		NextMeetingID: m.NextMeeting, Immediate: m.Immediate, AdjustOn: m.AdjustOn, Adjusters: m.Adjusters,
		Reservations: m.Reservations, RecordedBy: actor.User, RecordedAt: time.Now(),
	}
	if err := s.propose(ctx, d); err != nil {
		return workflows.AssignmentStatus{}, err
	}
	st, err := s.updateAssignment(ctx, asg, workflows.UpdateDecide, tell)
	return st, discardRefused(ctx, err, s.Store.DiscardDecision, d.ID)
}

// RecordStepDecision records a decision at the current step of a closed
// round's decision path (kommunstyrelsens registrator).
func (s *Service) RecordStepDecision(ctx context.Context, actor remiss.Actor, remissID, step string, sd remiss.StepDecision) (workflows.PathStatus, error) {
	var st workflows.PathStatus
	if err := remiss.MayAct(remiss.ActDecideStep, actor, ""); err != nil {
		return st, err
	}
	r, err := s.Store.RemissHead(ctx, remissID)
	if errors.Is(err, store.ErrNotFound) {
		return st, remiss.Refuse(remiss.KindNotFound, "remissen %s finns inte", remissID)
	}
	if err != nil {
		return st, err
	}
	if r.SummaryID == "" {
		return st, remiss.Refuse(remiss.KindConflict, "remissomgången är inte avslutad; beslutsgången börjar när kommunstyrelsens tjänsteutlåtande är godkänt")
	}
	sd.Wording = strings.TrimSpace(sd.Wording)
	held, err := checkStepInput(step, sd)
	if err != nil {
		return st, err
	}
	paragraph := ""
	if sd.Paragraph != "" {
		paragraph = remiss.Paragraph(sd.Paragraph)
	}
	id := decisionID(r.ID+"."+step, held, paragraph, string(sd.Verdict), sd.Wording, fmt.Sprint(sd.Immediate), sd.AdjustOn,
		strings.Join(sd.Adjusters, "\n"))
	tell := workflows.StepRequest{Actor: actor, DecisionID: id, Step: step, Verdict: sd.Verdict}
	if old, err := s.Store.Decision(ctx, id); err == nil && old.State == "recorded" {
		// The same decision, recorded already: told again only if its
		// workflow never heard the answer.
		if st, err := s.PathStatus(ctx, r.ID); err != nil || slices.Contains(st.Decisions, id) {
			return st, err
		}
		err = s.update(ctx, workflows.DecisionWorkflowID(r.ID), workflows.UpdateDecideStep, tell, &st)
		return st, err
	}
	// Where the path stands is checked here too, so that a decision out of
	// turn is not even stored.
	if r.DecidedAt != nil {
		return st, remiss.Refuse(remiss.KindConflict, "beslutsgången är avslutad")
	}
	if r.Step >= len(r.Path) || r.Path[r.Step] != step {
		return st, remiss.Refuse(remiss.KindConflict, "tjänsteutlåtandet ligger inte hos %s", remiss.StepName(step))
	}
	if !slices.Contains(remiss.StepVerdicts(step, r.Step == len(r.Path)-1), sd.Verdict) {
		return st, remiss.InvalidField("decision", "Beslutet kan inte fattas i det här steget")
	}
	if err := checkStepKind(step, held, sd); err != nil {
		return st, err
	}
	d := store.Decision{
		ID: id, RemissID: r.ID, Step: step, Body: remiss.StepName(step),
		HeldOn: held, Paragraph: paragraph, Verdict: sd.Verdict, Wording: sd.Wording,
		Immediate: sd.Immediate, AdjustOn: sd.AdjustOn, Adjusters: sd.Adjusters, RecordedBy: actor.User, RecordedAt: time.Now(),
	}
	if err := s.propose(ctx, d); err != nil {
		return st, err
	}
	err = s.update(ctx, workflows.DecisionWorkflowID(r.ID), workflows.UpdateDecideStep, tell, &st)
	return st, discardRefused(ctx, err, s.Store.DiscardDecision, d.ID)
}

// checkStepInput checks a step decision's input and returns the day it
// was taken: its meeting (or the office's approval), today unless given.
func checkStepInput(step string, sd remiss.StepDecision) (string, error) {
	if err := check(sd); err != nil {
		return "", err
	}
	if err := check(struct {
		Step string `json:"step" validate:"required,max=40,orgcode"`
	}{step}); err != nil {
		return "", err
	}
	held := sd.MeetingDate
	if held == "" {
		held = todayIn(time.Now())
	}
	if held > todayIn(time.Now()) {
		return "", remiss.InvalidField("meetingDate", "Sammanträdet har inte hållits än")
	}
	return held, nil
}

// checkStepKind: what the step's kind asks of its decision, and a
// protocol justerat by the day it is recorded. The protokollsutdrag is
// certified ("Rätt utdraget intygar") and sent on, so a decision is
// recorded from the justerat protocol, as the registrator receives it.
func checkStepKind(step, held string, sd remiss.StepDecision) error {
	sd.MeetingDate = held
	if errs := remiss.CheckStepDecision(step, sd); len(errs) > 0 {
		return remiss.Invalid(errs)
	}
	if !sd.Immediate && sd.AdjustOn > todayIn(time.Now()) {
		return remiss.InvalidField("adjustOn", "Protokollet justeras "+sd.AdjustOn+"; registrera beslutet när protokollet är justerat")
	}
	return nil
}

// PathStatus asks a closed round's decision path where it stands.
func (s *Service) PathStatus(ctx context.Context, remissID string) (workflows.PathStatus, error) {
	var st workflows.PathStatus
	v, err := s.Temporal.QueryWorkflow(ctx, workflows.DecisionWorkflowID(remissID), "", workflows.QueryStatus)
	if err != nil {
		return st, fmt.Errorf("rounds: path %s: %w", remissID, err)
	}
	return st, v.Get(&st)
}
