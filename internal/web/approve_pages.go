package web

import (
	"context"
	"net/http"

	"github.com/remiss/remiss/internal/compose"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The signatory's approval: the whole answer laid out as its
// tjänsteutlåtande will be, its draft PDF one click away, what follows an
// approval, and the approval of exactly the version shown (its hash goes
// with the form); or the answer back to the officer with a comment.

func (s *Server) approveRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /uppdrag/{id}/godkann", s.page(s.approvePage))
	mux.HandleFunc("POST /uppdrag/{id}/godkann", s.page(s.onApprovePage("godkand", s.postApprove)))
	mux.HandleFunc("POST /uppdrag/{id}/atersand", s.page(s.onApprovePage("atersand", s.postReturn)))
	mux.HandleFunc("GET /uppdrag/{id}/utkast.pdf", s.page(s.draftPDF))
}

// approvalData is what the approval page shows of the submitted answer of
// assignment id, for a signatory of its organisation while it waits for
// approval.
func (s *Server) approvalData(ctx context.Context, p page, id string) (map[string]any, error) {
	a, rm, org, err := s.Store.AssignmentInRound(ctx, id)
	if err == nil && !remiss.MaySeeDraft(p.User.Actor(), a.Org) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := remiss.MayAct(remiss.ActApprove, p.User.Actor(), a.Org); err != nil {
		return nil, err
	}
	if err := remiss.PossibleIn(remiss.ActApprove, a.State); err != nil {
		return nil, remiss.Refuse(remiss.KindConflict, "det finns inget inskickat yttrande att godkänna (%s)", a.State.Label())
	}
	v, err := s.Store.ResponseVersion(ctx, a.ResponseVersionID)
	if err != nil {
		return nil, err
	}
	data, err := s.statementView(ctx, a, rm, org, v)
	if err != nil {
		return nil, err
	}
	data["Assignment"], data["Remiss"], data["SHA256"], data["Body"], data["OrgEmail"] = a, rm, v.SHA256, org.Kind.Body(), org.Email
	data["Words"] = org.Kind.Words()
	if err := s.routeData(ctx, p, a, org.Kind, data); err != nil {
		return nil, err
	}
	data["Delegation"] = data["Route"] == remiss.RouteDelegation
	return data, nil
}

// statementView lays out version v of an answer as its tjänsteutlåtande
// would be dated today (the partial "statement"), with the PDFs uploaded as
// its bilagor.
func (s *Server) statementView(ctx context.Context, a store.Assignment, rm store.Remiss, org remiss.Org, v store.ResponseVersion) (map[string]any, error) {
	docs, err := s.Store.DocumentList(ctx, a.RemissID)
	if err != nil {
		return nil, err
	}
	var bilagor []store.Document
	for _, d := range docs {
		if d.Kind == "bilaga" && d.AssignmentID == a.ID {
			bilagor = append(bilagor, d)
		}
	}
	doc, err := compose.Statement(ctx, s.Store, a, rm, org, v.Content, s.Now())
	if err != nil {
		return nil, err
	}
	return map[string]any{"Doc": doc, "DateText": doc.Date.Format("2006-01-02"), "Bilagor": bilagor}, nil
}

func (s *Server) approvePage(w http.ResponseWriter, r *http.Request, p page) error {
	return s.showApproval(w, r, p, http.StatusOK)
}

func (s *Server) showApproval(w http.ResponseWriter, r *http.Request, p page, code int) error {
	data, err := s.approvalData(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	p.Title, p.Data = "Granska och godkänn: "+data["Remiss"].(store.Remiss).Title, data
	s.render(w, code, "approve", p)
	return nil
}

// onApprovePage is the handler of a form on the approval page: act, then
// back to the assignment with flash; a refusal shows the approval page
// again with the reason (and, when the answer changed, the new version).
func (s *Server) onApprovePage(flash string, act func(r *http.Request, actor remiss.Actor, id string) error) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p page) error {
		id := r.PathValue("id")
		err := act(r, p.User.Actor(), id)
		if err == nil {
			return redirect(w, r, "/uppdrag/"+id, flash)
		}
		rej := rejected(err)
		if rej == nil {
			return err
		}
		if a, aerr := s.Store.Assignment(r.Context(), id); aerr == nil && a.State == remiss.StateDeclineProposed {
			// A proposal to decline is returned from the assignment page.
			return s.formError(w, r, p, err)
		}
		keepForm(r, &p, rej, nil)
		delete(p.Form, "sha256") // the page shows the hash of the version it shows
		return s.showApproval(w, r, p, kindStatus[rej.Kind])
	}
}

// postApprove approves the version whose hash the page showed; a form
// without it approves nothing.
func (s *Server) postApprove(r *http.Request, actor remiss.Actor, id string) error {
	sha := r.PostFormValue("sha256")
	if sha == "" {
		return remiss.Refuse(remiss.KindInvalid, "kontrollsumman för den version du läste saknas; läs yttrandet och godkänn igen")
	}
	_, err := s.Rounds.Approve(r.Context(), actor, id, sha)
	return err
}

func (s *Server) postReturn(r *http.Request, actor remiss.Actor, id string) error {
	_, err := s.Rounds.Return(r.Context(), actor, id, r.PostFormValue("comment"))
	return err
}

// draftPDF renders a version of the answer (?version=SHA-256, or the
// current one) as its tjänsteutlåtande, marked UTKAST, for those who may
// see the assignment's drafts.
func (s *Server) draftPDF(w http.ResponseWriter, r *http.Request, p page) error {
	b, _, err := s.Rounds.DraftStatement(r.Context(), p.User.Actor(), r.PathValue("id"), r.URL.Query().Get("version"), s.Now())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="utkast-tjansteutlatande.pdf"`)
	w.Write(b)
	return nil
}
