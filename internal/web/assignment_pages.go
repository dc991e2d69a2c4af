package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The pages of an assignment, for the registrator, the officer and the
// signatory: the inbox, the assignment, and its answer, draft, attachments,
// decline, extension request, approval and return.

func (s *Server) postAssign(w http.ResponseWriter, r *http.Request, p page) error {
	if _, err := s.Rounds.Assign(r.Context(), p.User.Actor(), r.PathValue("id"), r.PostFormValue("officer")); err != nil {
		return err
	}
	return redirect(w, r, "/inkorg", "fordelad")
}

// ownAssignment loads an assignment for its page, which shows the answer
// being written: only its own organisation may see it.
func (s *Server) ownAssignment(ctx context.Context, u store.User, id string) (store.Assignment, store.Remiss, error) {
	a, err := s.Store.Assignment(ctx, id)
	if err != nil {
		return a, store.Remiss{}, err
	}
	if !remiss.MaySeeDraft(u.Actor(), a.Org) {
		return a, store.Remiss{}, store.ErrNotFound
	}
	rm, err := s.Store.Remiss(ctx, a.RemissID)
	return a, rm, err
}

func responseForm(c remiss.Response) map[string]string {
	var sigs []string
	for _, s := range c.Signatories {
		sigs = append(sigs, s.Name+", "+s.Title)
	}
	return map[string]string{"proposals": strings.Join(c.Proposals, "\n"), "summary": c.Summary, "background": c.Background,
		"preparation": c.Preparation, "opinions": c.Opinions, "signatories": strings.Join(sigs, "\n"),
		"attachments": strings.Join(c.Attachments, "\n"), "sources": strings.Join(c.Sources, "\n"), "officerName": c.OfficerName, "officerPhone": c.OfficerPhone,
		"officerEmail": c.OfficerEmail, "position": string(c.Position)}
}

// positionOptions are the stands an answer may take on the proposal, for
// kommunstyrelsen's table of the answers.
var positionOptions = func() []meetingOption {
	var out []meetingOption
	for _, p := range remiss.Positions {
		out = append(out, meetingOption{string(p), p.Label()})
	}
	return out
}()

// answerLabels are the headings of the answer form's sections, as the
// document prints them: kommunstyrelsen's own statement has Ärendet,
// Beredning (with the answers) and the office's synpunkter.
func answerLabels(a store.Assignment, org remiss.Org) map[string]string {
	if a.Kind == remiss.KindStatement {
		office := org.Forvaltning
		if office == "" {
			office = "Stadsledningskontoret"
		}
		return map[string]string{"background": "Ärendet", "preparation": "Beredning",
			"preparationHint": "Remissinstansernas svar, som utkastet sammanfattar dem; tabellen över ställningstagandena kommer först i avsnittet",
			"opinions":        office + "s synpunkter"}
	}
	return map[string]string{"background": "Bakgrund", "preparation": "Ärendets beredning", "opinions": org.Kind.Words().Opinions}
}

func formResponse(r *http.Request) remiss.Response {
	c := remiss.Response{Proposals: splitList(r.PostFormValue("proposals"), "\n"), Summary: strings.TrimSpace(r.PostFormValue("summary")),
		Background: strings.TrimSpace(r.PostFormValue("background")), Preparation: strings.TrimSpace(r.PostFormValue("preparation")),
		Opinions: strings.TrimSpace(r.PostFormValue("opinions")), Attachments: splitList(r.PostFormValue("attachments"), "\n"),
		Sources:     splitList(r.PostFormValue("sources"), "\n"),
		OfficerName: strings.TrimSpace(r.PostFormValue("officerName")), OfficerPhone: strings.TrimSpace(r.PostFormValue("officerPhone")),
		OfficerEmail: strings.TrimSpace(r.PostFormValue("officerEmail")), Position: remiss.Position(strings.TrimSpace(r.PostFormValue("position")))}
	for _, line := range splitList(r.PostFormValue("signatories"), "\n") {
		name, title, _ := strings.Cut(line, ",")
		c.Signatories = append(c.Signatories, remiss.Signatory{Name: strings.TrimSpace(name), Title: strings.TrimSpace(title)})
	}
	return c
}

func (s *Server) assignmentData(ctx context.Context, p page, a store.Assignment, rm store.Remiss) (map[string]any, error) {
	org, err := s.Store.Org(ctx, a.Org)
	if err != nil {
		return nil, err
	}
	docs, err := s.Store.DocumentList(ctx, a.RemissID)
	if err != nil {
		return nil, err
	}
	asgs, err := s.Store.Assignments(ctx, a.RemissID)
	if err != nil {
		return nil, err
	}
	// The remiss in front of whoever answers it: the round's own documents
	// (missiv, remissunderlag, …) the reader may open, and the answer's
	// bilagor.
	var bilagor, roundDocs []store.Document
	for _, d := range docs {
		switch {
		case d.Kind == "bilaga" && d.AssignmentID == a.ID:
			bilagor = append(bilagor, d)
		case d.AssignmentID == "" && mayRead(p.User, rm, asgs, d):
			roundDocs = append(roundDocs, d)
		}
	}
	data := map[string]any{"Assignment": a, "Remiss": rm, "OrgName": org.Name, "Body": org.Kind.Body(), "Words": org.Kind.Words(), "State": a.State.Label(), "Bilagor": bilagor,
		"RoundDocs": roundDocs, "Openable": openable(p.User, rm, asgs, roundDocs, bilagor),
		"CanEdit":     may(remiss.ActAttach, p.User.Actor(), a),
		"CanApprove":  may(remiss.ActApprove, p.User.Actor(), a),
		"IsStatement": a.Kind == remiss.KindStatement, "Labels": answerLabels(a, org), "Positions": positionOptions}
	if a.ResponseVersionID != "" {
		v, err := s.Store.ResponseVersion(ctx, a.ResponseVersionID)
		if err != nil {
			return nil, err
		}
		data["Version"], data["SHA256"], data["VersionAt"] = v.Content, v.SHA256, v.CreatedAt
		// The saved answer fills every field the request did not bring: a
		// form error elsewhere on the page (anstånd, decline) never blanks it.
		for k, val := range responseForm(v.Content) {
			if _, typed := p.Form[k]; !typed {
				p.Form[k] = val
			}
		}
	}
	if a.Kind == remiss.KindStatement {
		// KS's own statement rests on the answers: each received
		// remissvar, to read beside the draft (they are its bilagor).
		var received []map[string]string
		for _, x := range asgs {
			if x.State == remiss.StateAnswered && x.DocumentID != "" {
				o, err := s.Store.Org(ctx, x.Org)
				if err != nil {
					return nil, err
				}
				received = append(received, map[string]string{"Org": o.Name, "DocumentID": x.DocumentID, "MinutesID": x.MinutesID})
			}
		}
		data["Received"] = received
	}
	ownDnrData(p, a, data)
	if err := s.latestWord(ctx, a, data); err != nil {
		return nil, err
	}
	if err := s.decisionWord(ctx, a, data); err != nil {
		return nil, err
	}
	if err := s.routeData(ctx, p, a, org.Kind, data); err != nil {
		return nil, err
	}
	if err := s.declineData(ctx, p, a, data); err != nil {
		return nil, err
	}
	return data, nil
}

func (s *Server) assignmentPage(w http.ResponseWriter, r *http.Request, p page) error {
	a, rm, err := s.ownAssignment(r.Context(), p.User, r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) && remiss.MayFollowRounds(p.User.Actor()) {
		// KS follows a link to an answer (in a message about an anstånd or
		// a decline) to where it sees the answer: its row on the round page.
		if a, err := s.Store.Assignment(r.Context(), r.PathValue("id")); err == nil {
			http.Redirect(w, r, "/remisser/"+url.PathEscape(a.RemissID)+"#"+url.PathEscape(a.Org), http.StatusSeeOther)
			return nil
		}
	}
	if err != nil {
		return err
	}
	if p.Data, err = s.assignmentData(r.Context(), p, a, rm); err != nil {
		return err
	}
	p.Title = rm.Title
	s.render(w, http.StatusOK, "assignment", p)
	return nil
}

// formError shows the assignment page again with what was typed and the
// problems next to their fields.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, p page, err error) error {
	rej := rejected(err)
	if rej == nil {
		return err
	}
	a, rm, lerr := s.ownAssignment(r.Context(), p.User, r.PathValue("id"))
	if lerr != nil {
		return lerr
	}
	keepForm(r, &p, rej, pageKeys[path.Base(r.URL.Path)])
	if p.Data, lerr = s.assignmentData(r.Context(), p, a, rm); lerr != nil {
		return lerr
	}
	p.Title = rm.Title
	s.render(w, kindStatus[rej.Kind], "assignment", p)
	return nil
}

func (s *Server) postAnswer(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	c := formResponse(r)
	switch r.PostFormValue("action") {
	case "preview":
		b, err := s.Rounds.Preview(r.Context(), p.User.Actor(), id, c, s.Now())
		if err != nil {
			return s.formError(w, r, p, err)
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="forhandsgranskning.pdf"`)
		w.Write(b)
		return nil
	case "submit":
		if _, err := s.Rounds.Submit(r.Context(), p.User.Actor(), id, c); err != nil {
			return s.formError(w, r, p, err)
		}
		return redirect(w, r, "/uppdrag/"+id, "inskickad")
	}
	if _, err := s.Rounds.SaveDraft(r.Context(), p.User.Actor(), id, c); err != nil {
		return s.formError(w, r, p, err)
	}
	return redirect(w, r, "/uppdrag/"+id, "sparad")
}

func (s *Server) postAttachment(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	f, hdr, err := r.FormFile("bilaga")
	if err != nil {
		return s.formError(w, r, p, remiss.InvalidField("bilaga", "Välj en PDF-fil"))
	}
	body, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return err
	}
	if _, err := s.Rounds.Attach(r.Context(), p.User.Actor(), id, hdr.Filename, body); err != nil {
		return s.formError(w, r, p, err)
	}
	return redirect(w, r, "/uppdrag/"+id, "bilaga")
}

// onAssignment is the handler of a form on the assignment page that takes
// one action: act with the posted form, then back to the page with flash,
// or the page again with the problems by field.
func (s *Server) onAssignment(flash string, act func(r *http.Request, actor remiss.Actor, id string) error) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, p page) error {
		id := r.PathValue("id")
		if err := act(r, p.User.Actor(), id); err != nil {
			return s.formError(w, r, p, err)
		}
		return redirect(w, r, "/uppdrag/"+id, flash)
	}
}

func (s *Server) postExtension(r *http.Request, actor remiss.Actor, id string) error {
	_, err := s.Rounds.RequestExtension(r.Context(), actor, id, strings.TrimSpace(r.PostFormValue("until")), r.PostFormValue("reason"))
	return err
}

// latestWord puts on the assignment page the latest word addressed to
// those who work on it: the signatory's comment when the answer came back
// for revision (until a newer version is saved), and an anstånd asked for
// that waits for the Coordinator.
func (s *Server) latestWord(ctx context.Context, a store.Assignment, data map[string]any) error {
	notes, err := s.Store.LatestNotes(ctx, a.RemissID)
	if err != nil {
		return err
	}
	if n, ok := notes[a.ID]["return"]; ok && (a.State == remiss.StateDrafting || a.State == remiss.StateSent) {
		if v, ok := data["VersionAt"].(time.Time); !ok || n.CreatedAt.After(v) {
			data["ReturnNote"] = n
		}
	}
	until, reason, ok, err := s.Store.PendingExtension(ctx, a.ID)
	if err != nil {
		return err
	}
	if ok {
		data["PendingExtension"] = map[string]string{"Until": until, "Reason": reason}
	}
	return nil
}
