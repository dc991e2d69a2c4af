package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// The pages of decision routing: the registrator's meeting calendar and
// default route, the agenda, the route and decision forms of an
// assignment, and the decision path of a closed round.

func (s *Server) decisionPageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /sammantraden", s.page(s.meetingsPage))
	mux.HandleFunc("POST /sammantraden", s.page(s.postMeeting))
	mux.HandleFunc("POST /sammantraden/{id}/ta-bort", s.page(s.postDeleteMeeting))
	mux.HandleFunc("POST /beslutsvag", s.page(s.postDefaultRoute))
	mux.HandleFunc("GET /dagordning", s.page(s.agendaPage))
	mux.HandleFunc("POST /uppdrag/{id}/beslutsvag", s.page(s.onAssignment("beslutsvag", s.postRoute)))
	mux.HandleFunc("POST /uppdrag/{id}/beslut", s.page(s.onAssignment("protokoll", s.postDecision)))
	mux.HandleFunc("POST /remisser/{id}/beslutsgang", s.page(s.postStepDecision))
}

func meetingLabel(m remiss.Meeting) string {
	l := m.Date + " (sista dag för ärenden " + m.AgendaDeadline + ")"
	if m.Place != "" {
		l += ", " + m.Place
	}
	return l
}

type meetingOption struct {
	ID, Label string
}

// routeOptions are the routes an organisation of kind may choose.
func routeOptions(kind remiss.OrgKind) []meetingOption {
	var out []meetingOption
	for _, r := range remiss.Routes(kind) {
		out = append(out, meetingOption{string(r), r.Label(kind)})
	}
	return out
}

func meetingOptions(ms []remiss.Meeting) []meetingOption {
	var out []meetingOption
	for _, m := range ms {
		out = append(out, meetingOption{m.ID, meetingLabel(m)})
	}
	return out
}

// --- The calendar and the default route ---

func (s *Server) renderMeetings(w http.ResponseWriter, r *http.Request, p page, code int) error {
	if err := remiss.MayAct(remiss.ActEditCalendar, p.User.Actor(), p.User.Org); err != nil {
		return err
	}
	ms, err := s.Rounds.Meetings(r.Context(), p.User.Actor(), p.User.Org)
	if err != nil {
		return err
	}
	route, ref, err := s.Store.OrgRoute(r.Context(), p.User.Org)
	if err != nil {
		return err
	}
	if _, ok := p.Form["route"]; !ok {
		p.Form["route"], p.Form["delegationRef"] = string(route), ref
	}
	kind := s.orgKind(r.Context(), p.User.Org)
	p.Title = "Sammanträden"
	p.Data = map[string]any{"Meetings": ms, "Route": route.Label(kind), "Routes": routeOptions(kind), "Body": kind.Body(), "Words": kind.Words()}
	s.render(w, code, "meetings", p)
	return nil
}

func (s *Server) meetingsPage(w http.ResponseWriter, r *http.Request, p page) error {
	return s.renderMeetings(w, r, p, http.StatusOK)
}

func (s *Server) postMeeting(w http.ResponseWriter, r *http.Request, p page) error {
	if err := remiss.MayAct(remiss.ActEditCalendar, p.User.Actor(), p.User.Org); err != nil {
		return err
	}
	n := remiss.NewMeeting{Date: strings.TrimSpace(r.PostFormValue("date")), AgendaDeadline: strings.TrimSpace(r.PostFormValue("agendaDeadline")),
		Place: r.PostFormValue("place")}
	_, err := s.Rounds.AddMeeting(r.Context(), p.User.Actor(), n)
	if rej := rejected(err); rej != nil {
		keepForm(r, &p, rej, nil)
		return s.renderMeetings(w, r, p, kindStatus[rej.Kind])
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/sammantraden", "sammantrade")
}

func (s *Server) postDeleteMeeting(w http.ResponseWriter, r *http.Request, p page) error {
	err := s.Rounds.DeleteMeeting(r.Context(), p.User.Actor(), r.PathValue("id"))
	if rej := rejected(err); rej != nil {
		p.Error = "Sammanträdet kan inte tas bort: " + rej.Reason + "."
		return s.renderMeetings(w, r, p, kindStatus[rej.Kind])
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/sammantraden", "borttaget")
}

func (s *Server) postDefaultRoute(w http.ResponseWriter, r *http.Request, p page) error {
	err := s.Rounds.SetDefaultRoute(r.Context(), p.User.Actor(), remiss.Route(r.PostFormValue("route")), r.PostFormValue("delegationRef"))
	if rej := rejected(err); rej != nil {
		keepForm(r, &p, rej, nil)
		return s.renderMeetings(w, r, p, kindStatus[rej.Kind])
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/sammantraden", "beslutsvag")
}

// --- The agenda ---

type agendaGroup struct {
	Meeting remiss.Meeting
	Items   []store.AgendaItem
}

func (s *Server) agendaPage(w http.ResponseWriter, r *http.Request, p page) error {
	if err := remiss.MayAct(remiss.ActDecide, p.User.Actor(), p.User.Org); err != nil {
		return err
	}
	items, err := s.Store.Agenda(r.Context(), p.User.Org)
	if err != nil {
		return err
	}
	var groups []agendaGroup
	for _, it := range items {
		if n := len(groups); n > 0 && groups[n-1].Meeting.ID == it.Meeting.ID {
			groups[n-1].Items = append(groups[n-1].Items, it)
			continue
		}
		groups = append(groups, agendaGroup{Meeting: it.Meeting, Items: []store.AgendaItem{it}})
	}
	p.Title, p.Data = "Dagordning", map[string]any{"Groups": groups, "Body": s.orgKind(r.Context(), p.User.Org).Body()}
	s.render(w, http.StatusOK, "agenda", p)
	return nil
}

// --- An assignment's route and the nämnd's decision ---

var routeStates = []remiss.AssignmentState{remiss.StateSent, remiss.StateAssigned, remiss.StateDrafting, remiss.StateSubmitted, remiss.StateDeclineProposed, remiss.StateOnAgenda}

// routeOf is the route an assignment's answer follows: its own, or its
// organisation's until the registrator chose one.
func (s *Server) routeOf(ctx context.Context, a store.Assignment) (remiss.Route, error) {
	if a.Route != "" {
		return a.Route, nil
	}
	r, _, err := s.Store.OrgRoute(ctx, a.Org)
	return r, err
}

// routeData adds what the assignment page shows of the decision route, and
// the registrator's forms, in the words of the organisation's kind.
func (s *Server) routeData(ctx context.Context, p page, a store.Assignment, kind remiss.OrgKind, data map[string]any) error {
	route, err := s.routeOf(ctx, a)
	if err != nil {
		return err
	}
	data["Route"], data["RouteLabel"] = route, route.Label(kind)
	if a.MeetingID != "" {
		if m, err := s.Store.Meeting(ctx, a.Org, a.MeetingID); err == nil {
			data["Meeting"] = meetingLabel(m)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	if a.MinutesID != "" {
		data["MinutesID"] = a.MinutesID
	}
	if remiss.MayAct(remiss.ActRoute, p.User.Actor(), a.Org) != nil || remiss.PossibleFor(remiss.ActRoute, a.Kind) != nil {
		return nil
	}
	canRoute := false
	for _, st := range routeStates {
		canRoute = canRoute || a.State == st
	}
	data["CanRoute"], data["CanDecide"] = canRoute, a.State == remiss.StateOnAgenda
	if !canRoute {
		return nil
	}
	ms, err := s.Rounds.Meetings(ctx, p.User.Actor(), a.Org)
	if err != nil {
		return err
	}
	data["Meetings"] = meetingOptions(ms)
	data["Routes"] = routeOptions(kind)
	var verdicts []meetingOption
	for _, v := range remiss.MeetingVerdicts(a.DeclineNoteID != "") {
		verdicts = append(verdicts, meetingOption{string(v), v.Label()})
	}
	data["Verdicts"] = verdicts
	if _, ok := p.Form["route"]; !ok {
		p.Form["route"], p.Form["routeMeeting"] = string(route), a.MeetingID
	}
	if _, ok := p.Form["meeting"]; !ok {
		p.Form["meeting"] = a.MeetingID
	}
	return nil
}

func (s *Server) postRoute(r *http.Request, actor remiss.Actor, id string) error {
	_, err := s.Rounds.SetRoute(r.Context(), actor, id, remiss.Route(r.PostFormValue("route")), r.PostFormValue("meeting"))
	return err
}

// splitPeople reads names separated by commas or new lines.
func splitPeople(s string) []string {
	return splitList(strings.ReplaceAll(s, "\n", ","), ",")
}

func (s *Server) postDecision(r *http.Request, actor remiss.Actor, id string) error {
	m := remiss.Minutes{Meeting: r.PostFormValue("meeting"), Paragraph: strings.TrimSpace(r.PostFormValue("paragraph")),
		Verdict: remiss.Verdict(r.PostFormValue("decision")), Wording: r.PostFormValue("wording"), Reason: r.PostFormValue("reason"),
		NextMeeting: r.PostFormValue("nextMeeting"), Immediate: r.PostFormValue("immediate") != "",
		AdjustOn: strings.TrimSpace(r.PostFormValue("adjustOn")), Adjusters: splitPeople(r.PostFormValue("adjusters")),
		Reservations: r.PostFormValue("reservations")}
	_, err := s.Rounds.RecordDecision(r.Context(), actor, id, m)
	return err
}

// --- The round's decision path ---

type recipientRoute struct {
	Route, Meeting string
	NeedsExtension bool
	MinutesID      string
}

func (s *Server) recipientRoute(ctx context.Context, a store.Assignment, kind remiss.OrgKind) (recipientRoute, error) {
	// The flag matters only while the answer is still owed.
	out := recipientRoute{NeedsExtension: a.NeedsExtension && !a.State.Done(), MinutesID: a.MinutesID}
	if a.Route != "" {
		out.Route = a.Route.Label(kind)
	}
	if a.MeetingID != "" {
		m, err := s.Store.Meeting(ctx, a.Org, a.MeetingID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return out, err
		}
		out.Meeting = m.Date
	}
	return out, nil
}

type pathStep struct {
	Code, Name, Status string
	Meets              bool // the body meets: a §, a justering, a protokollsutdrag
}

type decisionRow struct {
	store.Decision
	Verdict string
	// Approval: an office's approval, which has no protokollsutdrag.
	Approval bool
}

// pathData adds a closed round's decision path, its recorded decisions and,
// for kommunstyrelsens registrator, the form for the current step.
func (s *Server) pathData(ctx context.Context, p page, rm store.Remiss, data map[string]any) error {
	ds, err := s.Store.Decisions(ctx, rm.ID)
	if err != nil {
		return err
	}
	var rows []decisionRow
	for _, d := range ds {
		rows = append(rows, decisionRow{Decision: d, Verdict: d.Verdict.Label(), Approval: d.Verdict == remiss.VerdictGodkanner})
	}
	data["Decisions"] = rows
	if rm.SummaryID == "" {
		return nil
	}
	st := workflows.PathStatus{RemissID: rm.ID, Path: pathOf(rm), Step: rm.Step, Done: rm.DecidedAt != nil, OutcomeID: rm.OutcomeID}
	if live, err := s.Rounds.PathStatus(ctx, rm.ID); err == nil && len(live.Path) > 0 {
		st = live
	}
	var steps []pathStep
	for i, code := range st.Path {
		status := "Väntar"
		switch {
		case (st.Done || i < st.Step) && !remiss.StepRule(code).Meets:
			status = "Godkänt"
		case st.Done || i < st.Step:
			status = "Beslutat"
		case i == st.Step:
			status = "Bereds nu"
		}
		steps = append(steps, pathStep{Code: code, Name: remiss.StepName(code), Status: status, Meets: remiss.StepRule(code).Meets})
	}
	data["Path"], data["PathDone"], data["OutcomeID"] = steps, st.Done, st.OutcomeID
	if !st.Done && st.Step < len(st.Path) {
		data["CurrentStep"] = steps[st.Step]
		if remiss.MayAct(remiss.ActDecideStep, p.User.Actor(), "") == nil {
			var verdicts []meetingOption
			for _, v := range remiss.StepVerdicts(st.Path[st.Step], st.Step == len(st.Path)-1) {
				verdicts = append(verdicts, meetingOption{string(v), v.Label()})
			}
			data["StepForm"], data["StepVerdicts"] = true, verdicts
		}
	}
	return nil
}

func (s *Server) postStepDecision(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	if err := remiss.MayAct(remiss.ActDecideStep, p.User.Actor(), ""); err != nil {
		return err
	}
	sd := remiss.StepDecision{MeetingDate: strings.TrimSpace(r.PostFormValue("meetingDate")), Paragraph: strings.TrimSpace(r.PostFormValue("paragraph")), Verdict: remiss.Verdict(r.PostFormValue("decision")),
		Wording: r.PostFormValue("wording"), Immediate: r.PostFormValue("immediate") != "",
		AdjustOn: strings.TrimSpace(r.PostFormValue("adjustOn")), Adjusters: splitPeople(r.PostFormValue("adjusters"))}
	_, err := s.Rounds.RecordStepDecision(r.Context(), p.User.Actor(), id, r.PostFormValue("step"), sd)
	if rej := rejected(err); rej != nil {
		keepForm(r, &p, rej, nil)
		data, err := s.roundData(r.Context(), p, id)
		if err != nil {
			return err
		}
		p.Data = data
		s.render(w, kindStatus[rej.Kind], "round", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/remisser/"+id, "stegbeslut")
}
