package web

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// The API of remiss rounds: launch, read, upload the underlag, decide an
// extension, remind, close and withdraw.

func (s *Server) createRemiss(w http.ResponseWriter, r *http.Request, u store.User) error {
	var l remiss.Launch
	if err := decode(r, &l, 64<<10); err != nil {
		return err
	}
	id, err := s.Rounds.Launch(r.Context(), u.Actor(), l)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
	return nil
}

// recipientJSON is one recipient of a round as the API shows it.
type recipientJSON struct {
	Org            string `json:"org"`
	State          string `json:"state"`
	Deadline       string `json:"deadline"`
	Late           bool   `json:"late"`
	DocumentID     string `json:"documentId,omitempty"`
	Route          string `json:"route,omitempty"`
	Meeting        string `json:"meeting,omitempty"`
	NeedsExtension bool   `json:"needsExtension"`
	MinutesID      string `json:"minutesId,omitempty"`
	OwnDnr         string `json:"ownDnr,omitempty"` // the recipient's own diarienummer
}

func (s *Server) getRemiss(w http.ResponseWriter, r *http.Request, u store.User) error {
	rm, asgs, err := s.visibleRemiss(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := map[string]any{"id": rm.ID, "dnr": rm.Dnr, "title": rm.Title, "description": rm.Description,
		"state": rm.State, "deadline": rm.Deadline}
	var recips []recipientJSON
	for _, a := range asgs {
		recips = append(recips, recipientJSON{Org: a.Org, State: string(a.State), Deadline: a.Deadline, Late: a.Late, DocumentID: a.DocumentID,
			Route: string(a.Route), Meeting: a.MeetingID, NeedsExtension: a.NeedsExtension, MinutesID: a.MinutesID, OwnDnr: a.OwnDnr})
	}
	out["recipients"] = recips
	out["path"], out["step"] = pathOf(rm), rm.Step
	if rm.OutcomeID != "" {
		out["outcomeId"] = rm.OutcomeID
	}
	// Kommunstyrelsen's own tjänsteutlåtande, from the close of the round:
	// an assignment like an answer, and once approved its document.
	if st, err := s.Store.Statement(r.Context(), rm.ID); err == nil {
		statement := map[string]any{"assignment": st.ID, "state": st.State}
		if rm.SummaryID != "" && remiss.MayReadDocument(u.Actor(), rm.Recipients, "", false) {
			statement["documentId"] = rm.SummaryID
		}
		out["statement"] = statement
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request, u store.User) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, rounds.MaxUpload+1))
	if err != nil {
		return badBody("kunde inte läsa förfrågan")
	}
	d, err := s.Rounds.UploadUnderlag(r.Context(), u.Actor(), r.PathValue("id"), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": d.ID, "sha256": d.SHA256})
	return nil
}

func (s *Server) decideExtension(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := remiss.MayAct(remiss.ActDecideExtension, u.Actor(), ""); err != nil {
		return err
	}
	var in struct {
		Approve bool   `json:"approve"`
		Until   string `json:"until"`
	}
	if err := decode(r, &in, 4<<10); err != nil {
		return err
	}
	st, err := s.Rounds.DecideExtension(r.Context(), u.Actor(), remiss.AssignmentID(r.PathValue("id"), r.PathValue("org")), in.Approve, in.Until)
	return s.answer(w, st, err)
}

func (s *Server) remindNow(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := remiss.MayAct(remiss.ActRemindNow, u.Actor(), ""); err != nil {
		return err
	}
	st, err := s.Rounds.RemindNow(r.Context(), u.Actor(), remiss.AssignmentID(r.PathValue("id"), r.PathValue("org")))
	return s.answer(w, st, err)
}

func (s *Server) roundAction(w http.ResponseWriter, r *http.Request, u store.User, act func(context.Context, remiss.Actor, string) (workflows.RemissStatus, error)) error {
	st, err := act(r.Context(), u.Actor(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"id": st.RemissID, "state": st.State, "closing": st.Closing})
	return nil
}

func (s *Server) closeRemiss(w http.ResponseWriter, r *http.Request, u store.User) error {
	return s.roundAction(w, r, u, s.Rounds.Close)
}

func (s *Server) withdrawRemiss(w http.ResponseWriter, r *http.Request, u store.User) error {
	return s.roundAction(w, r, u, s.Rounds.Withdraw)
}
