package web

import (
	"mime"
	"net/http"
	"strings"

	"github.com/remiss/remiss/internal/keeper"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The archive: stored documents, one document and its verification.

// documentPage opens a document: its bytes, through
// rounds.Service.OpenDocument (which records the opening of a marked one).
func (s *Server) documentPage(w http.ResponseWriter, r *http.Request, p page) error {
	d, err := s.Rounds.OpenDocument(r.Context(), p.User.Actor(), r.PathValue("id"))
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

// verificationPage is the document's page: what it is, its verification
// (POST runs it again) and its sekretessmarkering, with the form to mark
// it for whoever may.
func (s *Server) verificationPage(w http.ResponseWriter, r *http.Request, p page) error {
	if r.Method != http.MethodPost {
		return s.documentInfo(w, r, p, http.StatusOK)
	}
	d, _, err := s.openableDocument(r.Context(), p.User, r.PathValue("id"))
	if err != nil {
		return err
	}
	if _, err := s.keeper().Reverify(r.Context(), d); err != nil {
		return err
	}
	return s.documentInfo(w, r, p, http.StatusOK)
}

// documentInfo renders the document's page with code (a form's refusal
// shows it again with its problems).
func (s *Server) documentInfo(w http.ResponseWriter, r *http.Request, p page, code int) error {
	d, h, err := s.openableDocument(r.Context(), p.User, r.PathValue("id"))
	if err != nil {
		return err
	}
	var markedBy string
	if m := d.Secrecy; m != nil {
		markedBy = m.MarkedBy
		if u, err := s.Store.User(r.Context(), m.MarkedBy); err == nil && u.DisplayName != "" {
			markedBy = u.DisplayName
		}
		if _, typed := p.Form["provision"]; !typed {
			p.Form["provision"], p.Form["publicTitle"] = m.Provision, m.PublicTitle
		}
	}
	p.Title = "Verifiering av " + strings.ToLower(docLabel(d.Kind))
	p.Data = struct {
		keeper.Verification
		ID, Kind, Filename string
		Size               int
		Secrecy            *store.Secrecy
		MarkedBy           string
		CanMark            bool
	}{keeper.Read(d), d.ID, d.Kind, d.Filename, len(d.Content), d.Secrecy, markedBy, remiss.MayMarkSecrecy(p.User.Actor(), h) == nil}
	s.render(w, code, "verification", p)
	return nil
}
