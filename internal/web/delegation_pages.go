package web

import (
	"net/http"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

// The registrator's anmälan av delegationsbeslut (kommunallagen 6 kap.
// 40 §): the decisions taken on delegation, listed for the nämnd's next
// meeting, reported at a meeting under a paragraph, and the lists as PDFs.

func (s *Server) delegationPageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /delegationsbeslut", s.page(s.delegationPage))
	mux.HandleFunc("POST /delegationsbeslut", s.page(s.postDelegationReport))
	mux.HandleFunc("GET /delegationsbeslut/{id}/pdf", s.page(s.delegationListPDF))
}

func (s *Server) renderDelegation(w http.ResponseWriter, r *http.Request, p page, code int) error {
	o, err := s.Rounds.Delegation(r.Context(), p.User.Actor())
	if err != nil {
		return err
	}
	if _, ok := p.Form["meeting"]; !ok && len(o.Held) > 0 {
		p.Form["meeting"] = o.Held[0].ID
	}
	p.Title = "Delegationsbeslut"
	p.Data = struct {
		rounds.DelegationOverview
		Meetings []meetingOption
		Body     string
		Words    remiss.KindWords
	}{o, heldOptions(o.Held), s.orgKind(r.Context(), p.User.Org).Body(), s.orgKind(r.Context(), p.User.Org).Words()}
	s.render(w, code, "delegation", p)
	return nil
}

// heldOptions are the meetings held, by date and place.
func heldOptions(ms []remiss.Meeting) []meetingOption {
	var out []meetingOption
	for _, m := range ms {
		l := m.Date
		if m.Place != "" {
			l += ", " + m.Place
		}
		out = append(out, meetingOption{m.ID, l})
	}
	return out
}

func (s *Server) delegationPage(w http.ResponseWriter, r *http.Request, p page) error {
	return s.renderDelegation(w, r, p, http.StatusOK)
}

func (s *Server) postDelegationReport(w http.ResponseWriter, r *http.Request, p page) error {
	_, err := s.Rounds.ReportDelegation(r.Context(), p.User.Actor(),
		rounds.DelegationRequest{Meeting: r.PostFormValue("meeting"), Paragraph: r.PostFormValue("paragraph")})
	if rej := rejected(err); rej != nil {
		keepForm(r, &p, rej, nil)
		return s.renderDelegation(w, r, p, kindStatus[rej.Kind])
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/delegationsbeslut", "anmalda")
}

// delegationListPDF serves a report's list to its organisation's
// registrator.
func (s *Server) delegationListPDF(w http.ResponseWriter, r *http.Request, p page) error {
	if err := remiss.MayAct(remiss.ActReportDelegation, p.User.Actor(), p.User.Org); err != nil {
		return err
	}
	rep, err := s.Store.DelegationReport(r.Context(), p.User.Org, r.PathValue("id"))
	if err != nil {
		return err
	}
	if rep.DocumentID == "" {
		return store.ErrNotFound
	}
	d, err := s.Store.Document(r.Context(), rep.DocumentID)
	if err != nil {
		return err
	}
	servePDF(w, d)
	return nil
}
