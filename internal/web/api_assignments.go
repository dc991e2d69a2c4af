package web

import (
	"errors"
	"io"
	"net/http"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

// The API of assignments: the organisation's list, and the actions on one.

func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request, u store.User) error {
	items, err := s.Store.Inbox(r.Context(), u.Org)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, a := range items {
		out = append(out, assignmentJSON(a.Assignment, a.Dnr, a.Title))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func assignmentJSON(a store.Assignment, dnr, title string) map[string]any {
	return map[string]any{"id": a.ID, "remissId": a.RemissID, "dnr": dnr, "title": title, "kind": a.Kind,
		"org": a.Org, "state": a.State, "deadline": a.Deadline, "late": a.Late, "officer": a.Officer, "documentId": a.DocumentID,
		"route": a.Route, "meeting": a.MeetingID, "needsExtension": a.NeedsExtension, "minutesId": a.MinutesID,
		"ownDnr": a.OwnDnr}
}

// getAssignment is one assignment of the reader's organisation with the
// text of its current version ("content"): the draft being written, the
// version submitted, or the approved answer. Kommunstyrelsen's own
// statement comes with the draft its round's close made.
func (s *Server) getAssignment(w http.ResponseWriter, r *http.Request, u store.User) error {
	a, rm, _, err := s.Store.AssignmentInRound(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) || err == nil && !remiss.MaySeeDraft(u.Actor(), a.Org) {
		return remiss.Refuse(remiss.KindNotFound, "uppdraget %s finns inte", r.PathValue("id"))
	}
	if err != nil {
		return err
	}
	out := assignmentJSON(a, rm.Dnr, rm.Title)
	if a.ResponseVersionID != "" {
		v, err := s.Store.ResponseVersion(r.Context(), a.ResponseVersionID)
		if err != nil {
			return err
		}
		out["content"], out["version"], out["sha256"] = v.Content, v.Version, v.SHA256
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		Officer string `json:"officer"`
	}
	if err := decode(r, &in, 4<<10); err != nil {
		return err
	}
	st, err := s.Rounds.Assign(r.Context(), u.Actor(), r.PathValue("id"), in.Officer)
	return s.answer(w, st, err)
}

func (s *Server) draft(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in remiss.Response
	if err := decode(r, &in, 256<<10); err != nil {
		return err
	}
	st, err := s.Rounds.SaveDraft(r.Context(), u.Actor(), r.PathValue("id"), in)
	return s.answer(w, st, err)
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in remiss.Response
	if err := decode(r, &in, 256<<10); err != nil {
		return err
	}
	st, err := s.Rounds.Submit(r.Context(), u.Actor(), r.PathValue("id"), in)
	return s.answer(w, st, err)
}

func (s *Server) approve(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		SHA256 string `json:"sha256"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &in, 4<<10); err != nil {
			return err
		}
	}
	st, err := s.Rounds.Approve(r.Context(), u.Actor(), r.PathValue("id"), in.SHA256)
	return s.answer(w, st, err)
}

func (s *Server) returnAssignment(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		Comment string `json:"comment"`
	}
	if err := decode(r, &in, 16<<10); err != nil {
		return err
	}
	st, err := s.Rounds.Return(r.Context(), u.Actor(), r.PathValue("id"), in.Comment)
	return s.answer(w, st, err)
}

func (s *Server) decline(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		Reason   string `json:"reason"`
		Proposal string `json:"proposal"` // the signatory approves this proposal
	}
	if err := decode(r, &in, 16<<10); err != nil {
		return err
	}
	st, err := s.Rounds.Decline(r.Context(), u.Actor(), r.PathValue("id"), in.Reason, in.Proposal)
	return s.answer(w, st, err)
}

func (s *Server) requestExtension(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		Until  string `json:"until"`
		Reason string `json:"reason"`
	}
	if err := decode(r, &in, 16<<10); err != nil {
		return err
	}
	st, err := s.Rounds.RequestExtension(r.Context(), u.Actor(), r.PathValue("id"), in.Until, in.Reason)
	return s.answer(w, st, err)
}

func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request, u store.User) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, rounds.MaxUpload+1))
	if err != nil {
		return badBody("kunde inte läsa förfrågan")
	}
	d, err := s.Rounds.Attach(r.Context(), u.Actor(), r.PathValue("id"), r.URL.Query().Get("name"), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": d.ID, "filename": d.Filename, "sha256": d.SHA256})
	return nil
}
