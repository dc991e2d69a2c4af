package web

import (
	"mime"
	"net/http"
	"strings"

	"github.com/remiss/remiss/internal/keeper"
	"github.com/remiss/remiss/internal/store"
)

// The archive: stored documents, one document and its verification.

func (s *Server) documentPage(w http.ResponseWriter, r *http.Request, p page) error {
	d, err := s.readableDocument(r.Context(), p.User, r.PathValue("id"))
	if err != nil {
		return err
	}
	servePDF(w, d)
	return nil
}

// servePDF sends a stored document as a download. Its file name may come
// from an upload: it is a quoted (or RFC 2231 encoded) parameter, never
// structure of the header.
func servePDF(w http.ResponseWriter, d store.Document) {
	w.Header().Set("Content-Type", "application/pdf")
	disp := mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename})
	if disp == "" {
		disp = "attachment"
	}
	w.Header().Set("Content-Disposition", disp)
	w.Write(d.Content)
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
