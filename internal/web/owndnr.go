package web

import (
	"net/http"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The recipient's own diarienummer: its registrator records the number
// under which the remiss is entered in the organisation's own diarium.

func (s *Server) ownDnrRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /uppdrag/{id}/diarienummer", s.page(s.onAssignment("diarienummer", s.postRegistration)))
}

// register is POST /api/v1/assignments/{id}/registration {"dnr": "…"}.
func (s *Server) register(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		Dnr string `json:"dnr"`
	}
	if err := decode(r, &in, 4<<10); err != nil {
		return err
	}
	a, err := s.Rounds.Register(r.Context(), u.Actor(), r.PathValue("id"), in.Dnr)
	if err != nil {
		return err
	}
	rm, err := s.Store.Remiss(r.Context(), a.RemissID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": a.ID, "org": a.Org, "state": a.State, "ownDnr": a.OwnDnr, "reference": rm.Dnr})
	return nil
}

func (s *Server) postRegistration(r *http.Request, actor remiss.Actor, id string) error {
	_, err := s.Rounds.Register(r.Context(), actor, id, r.PostFormValue("dnr"))
	return err
}

// ownDnrData puts the registration form on the assignment page for the
// registrator, filled with the number already set.
func ownDnrData(p page, a store.Assignment, data map[string]any) {
	data["CanRegister"] = may(remiss.ActRegister, p.User.Actor(), a)
	if _, typed := p.Form["dnr"]; !typed && a.OwnDnr != "" {
		p.Form["dnr"] = a.OwnDnr
	}
}
