package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/remiss/remiss/internal/keeper"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The archive: stored documents, one document and its verification.

type archiveRow struct {
	ID, Dnr, Title, Kind, Filename, Date string
}

func (s *Server) archivePage(w http.ResponseWriter, r *http.Request, p page) error {
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	p.Form["q"] = r.URL.Query().Get("q")
	list, err := s.Store.Remisses(r.Context())
	if err != nil {
		return err
	}
	var rows []archiveRow
	for _, rm := range list {
		rm, asgs, err := s.remissWithAssignments(r.Context(), p.User, rm.ID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		docs, err := s.Store.DocumentList(r.Context(), rm.ID)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if !mayRead(p.User, rm, asgs, d) {
				continue
			}
			hay := strings.ToLower(rm.Dnr + " " + rm.Title + " " + d.Filename + " " + d.AssignmentID + " " + d.CreatedAt.Format("2006-01-02"))
			if q != "" && !strings.Contains(hay, q) {
				continue
			}
			rows = append(rows, archiveRow{ID: d.ID, Dnr: rm.Dnr, Title: rm.Title, Kind: d.Kind, Filename: d.Filename,
				Date: remiss.FormatDate(d.CreatedAt)})
		}
	}
	p.Title, p.Data = "Arkiv", rows
	s.render(w, http.StatusOK, "archive", p)
	return nil
}

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
