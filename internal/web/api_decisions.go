package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// The API of decision routing: meeting calendars, routes, the nämnd's
// decisions and KS's statement's decision path.

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return remiss.DateOf(t)
}

// pathOf is a round's decision path, the default when none is stored.
func pathOf(rm store.Remiss) []string {
	if len(rm.Path) == 0 {
		return remiss.DefaultPath
	}
	return rm.Path
}

func (s *Server) listMeetings(w http.ResponseWriter, r *http.Request, u store.User) error {
	org := u.Org
	if q := r.URL.Query().Get("org"); q != "" {
		org = q
	}
	ms, err := s.Rounds.Meetings(r.Context(), u.Actor(), org)
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []remiss.Meeting{}
	}
	writeJSON(w, http.StatusOK, ms)
	return nil
}

func (s *Server) addMeeting(w http.ResponseWriter, r *http.Request, u store.User) error {
	var n remiss.NewMeeting
	if err := decode(r, &n, 4<<10); err != nil {
		return err
	}
	m, err := s.Rounds.AddMeeting(r.Context(), u.Actor(), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *Server) deleteMeeting(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := s.Rounds.DeleteMeeting(r.Context(), u.Actor(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) setDefaultRoute(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		Route         remiss.Route `json:"route"`
		DelegationRef string       `json:"delegationRef"`
	}
	if err := decode(r, &in, 4<<10); err != nil {
		return err
	}
	if err := s.Rounds.SetDefaultRoute(r.Context(), u.Actor(), in.Route, in.DelegationRef); err != nil {
		return err
	}
	route, ref, err := s.Store.OrgRoute(r.Context(), u.Org)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"org": u.Org, "route": route, "delegationRef": ref})
	return nil
}

func (s *Server) setRoute(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		Route   remiss.Route `json:"route"`
		Meeting string       `json:"meeting"`
	}
	if err := decode(r, &in, 4<<10); err != nil {
		return err
	}
	st, err := s.Rounds.SetRoute(r.Context(), u.Actor(), r.PathValue("id"), in.Route, in.Meeting)
	return s.answer(w, st, err)
}

func (s *Server) agenda(w http.ResponseWriter, r *http.Request, u store.User) error {
	items, err := s.Store.Agenda(r.Context(), u.Org)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, it := range items {
		var meeting any
		if it.Meeting.ID != "" {
			meeting = it.Meeting
		}
		out = append(out, map[string]any{"id": it.ID, "remissId": it.RemissID, "dnr": it.Dnr, "title": it.Title,
			"org": it.Org, "state": it.State, "deadline": it.Deadline, "needsExtension": it.NeedsExtension, "meeting": meeting})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) recordDecision(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in remiss.Minutes
	if err := decode(r, &in, 64<<10); err != nil {
		return err
	}
	st, err := s.Rounds.RecordDecision(r.Context(), u.Actor(), r.PathValue("id"), in)
	return s.answer(w, st, err)
}

// visibleDecisions are a round's recorded decisions u may read: the
// path's, and those of the assignments u may see.
func (s *Server) visibleDecisions(r *http.Request, u store.User, id string) (store.Remiss, []store.Decision, error) {
	rm, _, err := s.visibleRemiss(r.Context(), u, id)
	if err != nil {
		return rm, nil, err
	}
	all, err := s.Store.Decisions(r.Context(), rm.ID)
	if err != nil {
		return rm, nil, err
	}
	var out []store.Decision
	for _, d := range all {
		if d.AssignmentID == "" || remiss.MaySeeAssignment(u.Actor(), strings.TrimPrefix(d.AssignmentID, rm.ID+".")) {
			out = append(out, d)
		}
	}
	return rm, out, nil
}

func (s *Server) listDecisions(w http.ResponseWriter, r *http.Request, u store.User) error {
	_, ds, err := s.visibleDecisions(r, u, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, d := range ds {
		out = append(out, map[string]any{"id": d.ID, "body": d.Body, "step": d.Step, "assignmentId": d.AssignmentID,
			"meeting": d.MeetingID, "meetingDate": d.HeldOn, "paragraph": d.Paragraph, "decision": d.Verdict,
			"wording": d.Wording, "reason": d.Reason, "nextMeeting": d.NextMeetingID, "immediate": d.Immediate,
			"adjustOn": d.AdjustOn, "adjusters": nonNilList(d.Adjusters), "reservations": d.Reservations,
			"delegationRef": d.DelegationRef, "documentId": d.DocumentID, "recordedAt": d.RecordedAt.Format(time.RFC3339)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func nonNilList(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func pathJSON(st workflows.PathStatus) map[string]any {
	return map[string]any{"id": st.RemissID, "path": st.Path, "step": st.Step, "done": st.Done,
		"decisions": nonNilList(st.Decisions), "outcomeId": st.OutcomeID}
}

func (s *Server) recordStepDecision(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in remiss.StepDecision
	if err := decode(r, &in, 64<<10); err != nil {
		return err
	}
	st, err := s.Rounds.RecordStepDecision(r.Context(), u.Actor(), r.PathValue("id"), r.PathValue("step"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pathJSON(st))
	return nil
}
