package web

import (
	"context"
	"net/http"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

// Sekretessmarkering (issue 18): the API to mark a document and remove the
// marking, the form on the document's page, and the name a marked
// document goes by in lists.

func (s *Server) secrecyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /dokument/{id}/sekretess", s.page(s.postSecrecy))
	mux.HandleFunc("POST /dokument/{id}/sekretess/ta-bort", s.page(s.postUnmark))
}

// markSecrecy is POST /api/v1/documents/{id}/secrecy {"provision": "…",
// "publicTitle": "…"}: it marks the document or changes its marking.
func (s *Server) markSecrecy(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in remiss.SecrecyMarking
	if err := decode(r, &in, 4<<10); err != nil {
		return err
	}
	m, err := s.Rounds.MarkSecrecy(r.Context(), u.Actor(), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, secrecyJSON(&m))
	return nil
}

// unmarkSecrecy is DELETE /api/v1/documents/{id}/secrecy.
func (s *Server) unmarkSecrecy(w http.ResponseWriter, r *http.Request, u store.User) error {
	if err := s.Rounds.UnmarkSecrecy(r.Context(), u.Actor(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// secrecyJSON is a marking as the API gives it; nil for none.
func secrecyJSON(m *store.Secrecy) any {
	if m == nil {
		return nil
	}
	return map[string]any{"documentId": m.DocumentID, "provision": m.Provision, "publicTitle": m.PublicTitle,
		"markedAt": m.MarkedAt.Format(time.RFC3339), "markedBy": m.MarkedBy}
}

// docName is what a list calls a document: its file name, or its public
// title while it is marked.
func docName(d store.Document) string {
	if d.Secrecy != nil {
		return d.Secrecy.PublicTitle
	}
	return d.Filename
}

func (s *Server) postSecrecy(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	flash := "sekretess"
	if r.PostFormValue("action") == "change" {
		flash = "sekretess_andrad"
	}
	_, err := s.Rounds.MarkSecrecy(r.Context(), p.User.Actor(), id,
		remiss.SecrecyMarking{Provision: r.PostFormValue("provision"), PublicTitle: r.PostFormValue("publicTitle")})
	if rej := rejected(err); rej != nil {
		keepForm(r, &p, rej, nil)
		p.Error = rej.Reason
		return s.documentInfo(w, r, p, kindStatus[rej.Kind])
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/dokument/"+id+"/verifiering", flash)
}

func (s *Server) postUnmark(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	err := s.Rounds.UnmarkSecrecy(r.Context(), p.User.Actor(), id)
	if rej := rejected(err); rej != nil {
		p.Error = rej.Reason
		return s.documentInfo(w, r, p, kindStatus[rej.Kind])
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/dokument/"+id+"/verifiering", "sekretess_borttagen")
}

// openableDocument loads a document u may read and open (for a marked one,
// remiss.MayOpen), with what the policy knows of it; anything else is not
// found. It records nothing: the bytes are opened through
// rounds.Service.OpenDocument, which does.
func (s *Server) openableDocument(ctx context.Context, u store.User, id string) (store.Document, remiss.Holding, error) {
	d, err := s.Store.Document(ctx, id)
	if err != nil {
		return d, remiss.Holding{}, err
	}
	rm, asgs, err := s.remissWithAssignments(ctx, u, d.RemissID)
	if err != nil {
		return store.Document{}, remiss.Holding{}, store.ErrNotFound
	}
	h, draft, ok := rounds.HoldingOf(rm, asgs, d)
	if !ok || !remiss.MayReadDocument(u.Actor(), rm.Recipients, h.Org, draft) || !remiss.MayOpen(u.Actor(), h) {
		return store.Document{}, remiss.Holding{}, store.ErrNotFound
	}
	return d, h, nil
}
