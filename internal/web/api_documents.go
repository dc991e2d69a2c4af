package web

import (
	"net/http"
	"time"

	"github.com/remiss/remiss/internal/keeper"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

// The API of documents: a round's list, one document and its verification.

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request, u store.User) error {
	id := r.URL.Query().Get("remiss")
	if id == "" {
		return remiss.InvalidField("remiss", "Ange remissens ID")
	}
	rm, asgs, err := s.remissWithAssignments(r.Context(), u, id)
	if err != nil {
		return err
	}
	docs, err := s.Store.DocumentList(r.Context(), id)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, d := range docs {
		if !mayRead(u, rm, asgs, d) {
			continue
		}
		// A marked document is listed under its public title; its own
		// name is given only to those who may open it.
		item := map[string]any{"id": d.ID, "kind": d.Kind, "title": docName(d), "sha256": d.SHA256,
			"assignmentId": d.AssignmentID, "createdAt": d.CreatedAt.Format(time.RFC3339), "secrecy": secrecyJSON(d.Secrecy)}
		if h, _, _ := rounds.HoldingOf(rm, asgs, d); remiss.MayOpen(u.Actor(), h) {
			item["filename"] = d.Filename
		}
		out = append(out, item)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// getDocument opens a document (rounds.Service.OpenDocument records the
// opening of a marked one).
func (s *Server) getDocument(w http.ResponseWriter, r *http.Request, u store.User) error {
	d, err := s.Rounds.OpenDocument(r.Context(), u.Actor(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Digest", "sha-256="+d.SHA256)
	servePDF(w, d)
	return nil
}

// verifyDocument answers the verification kept when the document was
// stored; POST runs it again, with the same bounds, and keeps the result.
func (s *Server) verifyDocument(w http.ResponseWriter, r *http.Request, u store.User) error {
	d, _, err := s.openableDocument(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := keeper.Read(d)
	if r.Method == http.MethodPost {
		if v, err = s.keeper().Reverify(r.Context(), d); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) keeper() *keeper.Keeper { return &keeper.Keeper{Store: s.Store, Roots: s.Roots} }
