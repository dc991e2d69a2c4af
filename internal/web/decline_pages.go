package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Declining is the body's answer: an officer or the registrator proposes
// it with a reason, the signatory approves it (or declines at once), and
// it is decided like an answer. Each goes through a page that says what
// follows before anything is done.

func (s *Server) declineRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /uppdrag/{id}/avsta", s.page(s.confirmDecline))
	mux.HandleFunc("POST /uppdrag/{id}/avsta", s.page(s.postDecline))
}

// declineData adds to an assignment page's data what a decline stands on:
// whether the reader may decline (propose, or decline as signatory), the
// proposal that waits with its reason, and whether the reader approves it.
func (s *Server) declineData(ctx context.Context, p page, a store.Assignment, data map[string]any) error {
	actor := p.User.Actor()
	data["CanDecline"] = may(remiss.DeclineAction(actor), actor, a)
	if a.DeclineNoteID == "" {
		return nil
	}
	id, n, ok, err := s.Store.DeclineNote(ctx, a.ID)
	if err != nil || !ok {
		return err
	}
	data["DeclineNote"] = n
	if a.State != remiss.StateDeclineProposed {
		return nil
	}
	data["DeclineProposal"], data["ProposalID"] = n, id
	data["CanApproveDecline"] = may(remiss.ActDecline, actor, a)
	return nil
}

// confirmDecline says what declining will do, before it is done: that the
// body will not answer, who approves or decides it, who is told, that it
// cannot be undone once approved.
func (s *Server) confirmDecline(w http.ResponseWriter, r *http.Request, p page) error {
	a, rm, err := s.ownAssignment(r.Context(), p.User, r.PathValue("id"))
	if err != nil {
		return err
	}
	actor := p.User.Actor()
	action := remiss.DeclineAction(actor)
	if err := remiss.MayAct(action, actor, a.Org); err != nil {
		return err
	}
	if err := remiss.PossibleIn(action, a.State); err != nil {
		return err
	}
	return s.renderDecline(w, r, p, a, rm, http.StatusOK)
}

func (s *Server) renderDecline(w http.ResponseWriter, r *http.Request, p page, a store.Assignment, rm store.Remiss, status int) error {
	data, err := s.assignmentData(r.Context(), p, a, rm)
	if err != nil {
		return err
	}
	coord, err := s.Store.User(r.Context(), rm.Coordinator)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	data["Coordinator"] = coord.DisplayName
	data["Signatory"] = remiss.DeclineAction(p.User.Actor()) == remiss.ActDecline
	data["Namnd"] = a.Route == remiss.RouteNamnd
	p.Data, p.Title = data, "Avstå från att yttra sig"
	s.render(w, status, "confirm_decline", p)
	return nil
}

// postDecline declines as the confirmation page says; a problem shows the
// page again with what was typed.
func (s *Server) postDecline(w http.ResponseWriter, r *http.Request, p page) error {
	id, actor := r.PathValue("id"), p.User.Actor()
	_, err := s.Rounds.Decline(r.Context(), actor, id, r.PostFormValue("reason"), r.PostFormValue("proposal"))
	if err == nil {
		flash := "avstar_forslag"
		if remiss.DeclineAction(actor) == remiss.ActDecline {
			flash = "avstar"
			if a, err := s.Store.Assignment(r.Context(), id); err == nil && a.State == remiss.StateOnAgenda {
				flash = "avstar_dagordning"
			}
		}
		return redirect(w, r, "/uppdrag/"+id, flash)
	}
	rej := rejected(err)
	if rej == nil {
		return err
	}
	a, rm, lerr := s.ownAssignment(r.Context(), p.User, id)
	if lerr != nil {
		return lerr
	}
	keepForm(r, &p, rej, nil)
	return s.renderDecline(w, r, p, a, rm, kindStatus[rej.Kind])
}
