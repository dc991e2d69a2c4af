package web

import (
	"net/http"
	"strings"

	"github.com/remiss/remiss/internal/keeper"
)

// The archive: stored documents, one document and its verification.

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request, p page) error {
	d, err := s.readableDocument(r.Context(), p.User, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.Filename+`"`)
	w.Write(d.Content)
	return nil
}

func (s *Server) verificationPage(w http.ResponseWriter, r *http.Request, p page) error {
	d, err := s.readableDocument(r.Context(), p.User, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := keeper.Read(d)
	if r.Method == http.MethodPost {
		if v, err = s.keeper().Reverify(r.Context(), d); err != nil {
			return err
		}
	}
	p.Title = "Verifiering av " + strings.ToLower(docLabel(d.Kind))
	p.Data = struct {
		keeper.Verification
		Kind, Filename string
		Size           int
	}{v, d.Kind, d.Filename, len(d.Content)}
	s.render(w, http.StatusOK, "verification", p)
	return nil
}
