package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// route is one API endpoint: the mux pattern, its handler and what the
// OpenAPI document says of it.
type route struct {
	method, path string
	summary      string
	body         string // request schema name, "" for none
	handler      func(*Server) http.HandlerFunc
}

// routes is the API; the OpenAPI document at /api/openapi.json is made
// from the same table.
var routes = []route{
	{"POST", "/api/v1/tokens", "Logga in: ger en bearer-token", "Login", func(s *Server) http.HandlerFunc { return s.createToken }},
	{"POST", "/api/v1/remisses", "Skicka ut en remiss (remissamordnare)", "Launch", func(s *Server) http.HandlerFunc { return s.api(s.createRemiss) }},
	{"GET", "/api/v1/remisses/{id}", "En remissomgång och dess remissinstanser", "", func(s *Server) http.HandlerFunc { return s.api(s.getRemiss) }},
	{"POST", "/api/v1/remisses/{id}/documents", "Ladda upp remissunderlaget (PDF)", "PDF", func(s *Server) http.HandlerFunc { return s.api(s.uploadDocument) }},
	{"POST", "/api/v1/remisses/{id}/extensions/{org}", "Besluta om anstånd", "ExtensionDecision", func(s *Server) http.HandlerFunc { return s.api(s.decideExtension) }},
	{"POST", "/api/v1/remisses/{id}/reminders/{org}", "Påminn en remissinstans nu", "", func(s *Server) http.HandlerFunc { return s.api(s.remindNow) }},
	{"POST", "/api/v1/remisses/{id}/close", "Stäng remissomgången", "", func(s *Server) http.HandlerFunc { return s.api(s.closeRemiss) }},
	{"POST", "/api/v1/remisses/{id}/withdraw", "Återkalla remissen", "", func(s *Server) http.HandlerFunc { return s.api(s.withdrawRemiss) }},
	{"GET", "/api/v1/assignments", "Organisationens uppdrag", "", func(s *Server) http.HandlerFunc { return s.api(s.listAssignments) }},
	{"POST", "/api/v1/assignments/{id}/assign", "Fördela till en handläggare", "Assign", func(s *Server) http.HandlerFunc { return s.api(s.assign) }},
	{"PUT", "/api/v1/assignments/{id}/draft", "Spara ett utkast", "Response", func(s *Server) http.HandlerFunc { return s.api(s.draft) }},
	{"POST", "/api/v1/assignments/{id}/submit", "Skicka in yttrandet", "Response", func(s *Server) http.HandlerFunc { return s.api(s.submit) }},
	{"POST", "/api/v1/assignments/{id}/approve", "Godkänn yttrandet", "Approve", func(s *Server) http.HandlerFunc { return s.api(s.approve) }},
	{"POST", "/api/v1/assignments/{id}/return", "Återsänd för komplettering", "Return", func(s *Server) http.HandlerFunc { return s.api(s.returnAssignment) }},
	{"POST", "/api/v1/assignments/{id}/decline", "Avstå från att yttra sig", "Decline", func(s *Server) http.HandlerFunc { return s.api(s.decline) }},
	{"POST", "/api/v1/assignments/{id}/attachments", "Ladda upp en bilaga (PDF, ?name=filnamn)", "PDF", func(s *Server) http.HandlerFunc { return s.api(s.uploadAttachment) }},
	{"POST", "/api/v1/assignments/{id}/extension", "Begär anstånd", "ExtensionRequest", func(s *Server) http.HandlerFunc { return s.api(s.requestExtension) }},
	{"GET", "/api/v1/meetings", "Organisationens sammanträden (?org= för remissamordnaren)", "", func(s *Server) http.HandlerFunc { return s.api(s.listMeetings) }},
	{"POST", "/api/v1/meetings", "Lägg till ett sammanträde (registrator)", "NewMeeting", func(s *Server) http.HandlerFunc { return s.api(s.addMeeting) }},
	{"DELETE", "/api/v1/meetings/{id}", "Ta bort ett sammanträde (registrator)", "", func(s *Server) http.HandlerFunc { return s.api(s.deleteMeeting) }},
	{"PUT", "/api/v1/route", "Organisationens beslutsväg (registrator)", "DefaultRoute", func(s *Server) http.HandlerFunc { return s.api(s.setDefaultRoute) }},
	{"POST", "/api/v1/assignments/{id}/route", "Välj beslutsväg och sammanträde för ett uppdrag", "Route", func(s *Server) http.HandlerFunc { return s.api(s.setRoute) }},
	{"GET", "/api/v1/agenda", "Organisationens ärenden på nämndens dagordning", "", func(s *Server) http.HandlerFunc { return s.api(s.agenda) }},
	{"POST", "/api/v1/assignments/{id}/decision", "Registrera nämndens beslut", "Minutes", func(s *Server) http.HandlerFunc { return s.api(s.recordDecision) }},
	{"GET", "/api/v1/remisses/{id}/decisions", "Registrerade beslut i remissomgången", "", func(s *Server) http.HandlerFunc { return s.api(s.listDecisions) }},
	{"POST", "/api/v1/remisses/{id}/decisions/{step}", "Registrera beslut i beslutsgången (kommunstyrelsens registrator)", "StepDecision", func(s *Server) http.HandlerFunc { return s.api(s.recordStepDecision) }},
	{"GET", "/api/v1/documents", "En remiss dokument (?remiss=ID)", "", func(s *Server) http.HandlerFunc { return s.api(s.listDocuments) }},
	{"GET", "/api/v1/documents/{id}", "Hämta ett dokument (PDF)", "", func(s *Server) http.HandlerFunc { return s.api(s.getDocument) }},
	{"GET", "/api/v1/documents/{id}/verification", "Verifiera ett dokuments signatur och kontrollsumma", "", func(s *Server) http.HandlerFunc { return s.api(s.verifyDocument) }},
}

func (s *Server) apiRoutes(mux *http.ServeMux) {
	for _, rt := range routes {
		mux.HandleFunc(rt.method+" "+rt.path, rt.handler(s))
	}
	mux.HandleFunc("GET /api/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI())
	})
}

func (s *Server) createRemiss(w http.ResponseWriter, r *http.Request, u store.User) error {
	var l remiss.Launch
	if err := decode(r, &l, 64<<10); err != nil {
		return err
	}
	id, err := s.Rounds.Launch(r.Context(), u.Actor(), l)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
	return nil
}

// recipientJSON is one recipient of a round as the API shows it.
type recipientJSON struct {
	Org            string `json:"org"`
	State          string `json:"state"`
	Deadline       string `json:"deadline"`
	Late           bool   `json:"late"`
	DocumentID     string `json:"documentId,omitempty"`
	Route          string `json:"route,omitempty"`
	Meeting        string `json:"meeting,omitempty"`
	NeedsExtension bool   `json:"needsExtension"`
	MinutesID      string `json:"minutesId,omitempty"`
}

// visibleRemiss loads a round and the assignments u may see: all for KS,
// only their own for a recipient; another organisation gets not found.
func (s *Server) visibleRemiss(ctx context.Context, u store.User, id string) (store.Remiss, []store.Assignment, error) {
	rm, err := s.Store.Remiss(ctx, id)
	if err != nil {
		return rm, nil, err
	}
	asgs, err := s.Store.Assignments(ctx, id)
	if err != nil {
		return rm, nil, err
	}
	if u.Org == remiss.KS {
		return rm, asgs, nil
	}
	for _, a := range asgs {
		if a.Org == u.Org {
			rm.Recipients = []string{u.Org}
			return rm, []store.Assignment{a}, nil
		}
	}
	return rm, nil, store.ErrNotFound
}

func (s *Server) getRemiss(w http.ResponseWriter, r *http.Request, u store.User) error {
	rm, asgs, err := s.visibleRemiss(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := map[string]any{"id": rm.ID, "dnr": rm.Dnr, "title": rm.Title, "description": rm.Description,
		"state": rm.State, "deadline": rm.Deadline}
	var recips []recipientJSON
	for _, a := range asgs {
		recips = append(recips, recipientJSON{Org: a.Org, State: string(a.State), Deadline: a.Deadline, Late: a.Late, DocumentID: a.DocumentID,
			Route: string(a.Route), Meeting: a.MeetingID, NeedsExtension: a.NeedsExtension, MinutesID: a.MinutesID})
	}
	out["recipients"] = recips
	out["path"], out["step"] = pathOf(rm), rm.Step
	if rm.OutcomeID != "" {
		out["outcomeId"] = rm.OutcomeID
	}
	if u.Org == remiss.KS && rm.SummaryID != "" {
		out["summaryId"] = rm.SummaryID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// isPDF checks content, not the name: a PDF header at the start and an
// end-of-file marker near the end.
func isPDF(b []byte) bool {
	tail := b[max(0, len(b)-1024):]
	return (bytes.HasPrefix(b, []byte("%PDF-1.")) || bytes.HasPrefix(b, []byte("%PDF-2."))) && bytes.Contains(tail, []byte("%%EOF"))
}

func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request, u store.User) error {
	if u.Role != remiss.RoleCoordinator || u.Org != remiss.KS {
		return errForbidden
	}
	rm, err := s.Store.Remiss(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxUpload+1))
	if err != nil {
		return errBadBody
	}
	if len(body) > MaxUpload {
		return errTooLarge
	}
	d, err := s.storeUnderlag(r.Context(), rm.ID, body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": d.ID, "sha256": d.SHA256})
	return nil
}

// storeUnderlag stores a remissunderlag after checking, by its content,
// that it is a PDF.
func (s *Server) storeUnderlag(ctx context.Context, remissID string, body []byte) (store.Document, error) {
	if !isPDF(body) {
		return store.Document{}, rejectField("underlag", "Filen är inte en PDF")
	}
	sum := sha256.Sum256(body)
	return s.Store.PutDocument(ctx, store.Document{ID: "underlag." + remissID + "." + hex.EncodeToString(sum[:8]),
		RemissID: remissID, Kind: "underlag", Filename: "remissunderlag-" + remissID + ".pdf", Content: body})
}

// storeAttachment stores a bilaga to an answer still being written, by an
// officer of the assignment's organisation.
func (s *Server) storeAttachment(ctx context.Context, u store.User, assignmentID, name string, body []byte) (store.Document, error) {
	a, err := s.Store.Assignment(ctx, assignmentID)
	if err != nil {
		return store.Document{}, err
	}
	if a.Org != u.Org && u.Org != remiss.KS {
		return store.Document{}, store.ErrNotFound
	}
	if err := workflows.Permitted(workflows.UpdateSaveDraft, u.Actor(), a.Org); err != nil {
		return store.Document{}, errForbidden
	}
	if !a.State.Open() {
		return store.Document{}, &rounds.Rejection{Kind: rounds.Conflict, Reason: "bilagor kan bara läggas till medan yttrandet skrivs"}
	}
	if len(body) > MaxUpload {
		return store.Document{}, errTooLarge
	}
	if !isPDF(body) {
		return store.Document{}, rejectField("bilaga", "Filen är inte en PDF")
	}
	name = safeFilename(name)
	sum := sha256.Sum256(body)
	return s.Store.PutDocument(ctx, store.Document{ID: "bilaga." + a.ID + "." + hex.EncodeToString(sum[:8]),
		RemissID: a.RemissID, AssignmentID: a.ID, Kind: "bilaga", Filename: name, Content: body})
}

// safeFilename keeps letters, digits and a few marks of an uploaded name.
func safeFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	clean := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" ._-()", r) {
			return r
		}
		return '_'
	}, name)
	clean = strings.TrimSpace(clean)
	if clean == "" || clean == "." {
		clean = "bilaga"
	}
	if r := []rune(clean); len(r) > 100 {
		clean = string(r[:100])
	}
	if !strings.HasSuffix(strings.ToLower(clean), ".pdf") {
		clean += ".pdf"
	}
	return clean
}

func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request, u store.User) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxUpload+1))
	if err != nil {
		return errBadBody
	}
	d, err := s.storeAttachment(r.Context(), u, r.PathValue("id"), r.URL.Query().Get("name"), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"id": d.ID, "filename": d.Filename, "sha256": d.SHA256})
	return nil
}

func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request, u store.User) error {
	items, err := s.Store.Inbox(r.Context(), u.Org)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, a := range items {
		out = append(out, map[string]any{"id": a.ID, "remissId": a.RemissID, "dnr": a.Dnr, "title": a.Title,
			"org": a.Org, "state": a.State, "deadline": a.Deadline, "late": a.Late, "officer": a.Officer, "documentId": a.DocumentID,
			"route": a.Route, "meeting": a.MeetingID, "needsExtension": a.NeedsExtension, "minutesId": a.MinutesID})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) answer(w http.ResponseWriter, st workflows.AssignmentStatus, err error) error {
	if err != nil {
		return err
	}
	var pending any
	if st.Pending != nil {
		pending = map[string]string{"until": st.Pending.Until, "requestedBy": st.Pending.RequestedBy}
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": st.AssignmentID, "org": st.Org, "state": st.State,
		"deadline": remiss.DateOf(st.DeadlineAt), "officer": st.Officer, "late": st.Late, "sha256": st.SHA256,
		"documentId": st.DocumentID, "extension": pending, "route": st.Route, "meeting": st.MeetingID,
		"agendaDeadline": dateOrEmpty(st.AgendaDeadlineAt), "needsExtension": st.NeedsExtension, "minutesId": st.MinutesID})
	return nil
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		Officer string `json:"officer"`
	}
	if err := decode(r, &in, 4<<10); err != nil {
		return err
	}
	st, err := s.Rounds.Assign(r.Context(), u.Actor(), r.PathValue("id"), in.Officer)
	return s.answer(w, st, err)
}

func (s *Server) draft(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in remiss.Response
	if err := decode(r, &in, 256<<10); err != nil {
		return err
	}
	st, err := s.Rounds.SaveDraft(r.Context(), u.Actor(), r.PathValue("id"), in)
	return s.answer(w, st, err)
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in remiss.Response
	if err := decode(r, &in, 256<<10); err != nil {
		return err
	}
	st, err := s.Rounds.Submit(r.Context(), u.Actor(), r.PathValue("id"), in)
	return s.answer(w, st, err)
}

func (s *Server) approve(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		SHA256 string `json:"sha256"`
	}
	if r.ContentLength != 0 {
		if err := decode(r, &in, 4<<10); err != nil {
			return err
		}
	}
	st, err := s.Rounds.Approve(r.Context(), u.Actor(), r.PathValue("id"), in.SHA256)
	return s.answer(w, st, err)
}

func (s *Server) returnAssignment(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		Comment string `json:"comment"`
	}
	if err := decode(r, &in, 16<<10); err != nil {
		return err
	}
	st, err := s.Rounds.Return(r.Context(), u.Actor(), r.PathValue("id"), in.Comment)
	return s.answer(w, st, err)
}

func (s *Server) decline(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(r, &in, 16<<10); err != nil {
		return err
	}
	st, err := s.Rounds.Decline(r.Context(), u.Actor(), r.PathValue("id"), in.Reason)
	return s.answer(w, st, err)
}

func (s *Server) requestExtension(w http.ResponseWriter, r *http.Request, u store.User) error {
	var in struct {
		Until  string `json:"until"`
		Reason string `json:"reason"`
	}
	if err := decode(r, &in, 16<<10); err != nil {
		return err
	}
	st, err := s.Rounds.RequestExtension(r.Context(), u.Actor(), r.PathValue("id"), in.Until, in.Reason)
	return s.answer(w, st, err)
}

func (s *Server) decideExtension(w http.ResponseWriter, r *http.Request, u store.User) error {
	if u.Org != remiss.KS {
		return errForbidden
	}
	var in struct {
		Approve bool   `json:"approve"`
		Until   string `json:"until"`
	}
	if err := decode(r, &in, 4<<10); err != nil {
		return err
	}
	st, err := s.Rounds.DecideExtension(r.Context(), u.Actor(), remiss.AssignmentID(r.PathValue("id"), r.PathValue("org")), in.Approve, in.Until)
	return s.answer(w, st, err)
}

func (s *Server) remindNow(w http.ResponseWriter, r *http.Request, u store.User) error {
	if u.Org != remiss.KS {
		return errForbidden
	}
	st, err := s.Rounds.RemindNow(r.Context(), u.Actor(), remiss.AssignmentID(r.PathValue("id"), r.PathValue("org")))
	return s.answer(w, st, err)
}

func (s *Server) roundAction(w http.ResponseWriter, r *http.Request, u store.User, act func(context.Context, remiss.Actor, string) (workflows.RemissStatus, error)) error {
	if u.Org != remiss.KS {
		return errForbidden
	}
	if _, err := s.Store.RemissHead(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	st, err := act(r.Context(), u.Actor(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"id": st.RemissID, "state": st.State, "closing": st.Closing})
	return nil
}

func (s *Server) closeRemiss(w http.ResponseWriter, r *http.Request, u store.User) error {
	return s.roundAction(w, r, u, s.Rounds.Close)
}

func (s *Server) withdrawRemiss(w http.ResponseWriter, r *http.Request, u store.User) error {
	return s.roundAction(w, r, u, s.Rounds.Withdraw)
}

// mayRead says whether u may read document d: KS reads all; a recipient
// reads the round's shared documents and its own statement.
func mayRead(u store.User, d store.Document, asgs []store.Assignment) bool {
	if u.Org == remiss.KS {
		return true
	}
	own := slices.ContainsFunc(asgs, func(a store.Assignment) bool { return a.Org == u.Org })
	if !own {
		return false
	}
	if d.AssignmentID == "" {
		return true
	}
	return d.AssignmentID == remiss.AssignmentID(d.RemissID, u.Org)
}

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request, u store.User) error {
	id := r.URL.Query().Get("remiss")
	if id == "" {
		return rejectField("remiss", "Ange remissens ID")
	}
	_, asgs, err := s.visibleRemiss(r.Context(), u, id)
	if err != nil {
		return err
	}
	docs, err := s.Store.DocumentList(r.Context(), id)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, d := range docs {
		if mayRead(u, d, asgs) {
			out = append(out, map[string]any{"id": d.ID, "kind": d.Kind, "filename": d.Filename, "sha256": d.SHA256,
				"assignmentId": d.AssignmentID, "createdAt": d.CreatedAt.Format(time.RFC3339)})
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// readableDocument loads a document u may read, or not found.
func (s *Server) readableDocument(ctx context.Context, u store.User, id string) (store.Document, error) {
	d, err := s.Store.Document(ctx, id)
	if err != nil {
		return d, err
	}
	_, asgs, err := s.visibleRemiss(ctx, u, d.RemissID)
	if err != nil || !mayRead(u, d, asgs) {
		return store.Document{}, store.ErrNotFound
	}
	return d, nil
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request, u store.User) error {
	d, err := s.readableDocument(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.Filename+`"`)
	w.Header().Set("Digest", "sha-256="+d.SHA256)
	w.Write(d.Content)
	return nil
}

// Verification is what a registrator learns of a stored document.
type Verification struct {
	ID         string   `json:"id"`
	SHA256     string   `json:"sha256"`
	HashMatch  bool     `json:"hashMatches"`
	Valid      bool     `json:"valid"`
	Signatures []sigOut `json:"signatures"`
	Problem    string   `json:"problem,omitempty"`
}

type sigOut struct {
	Valid       bool   `json:"valid"`
	Signer      string `json:"signer"`
	Org         string `json:"organisation"`
	Issuer      string `json:"issuer"`
	SignedAt    string `json:"signedAt"`
	Timestamped string `json:"timestampedAt,omitempty"`
	Problem     string `json:"problem,omitempty"`
}

// verify checks a stored document: its bytes against the stored SHA-256,
// and every signature.
func (s *Server) verify(d store.Document) Verification {
	sum := sha256.Sum256(d.Content)
	v := Verification{ID: d.ID, SHA256: d.SHA256, HashMatch: hex.EncodeToString(sum[:]) == d.SHA256}
	// A stored document is judged at the time it was stored: our own
	// record, which the signer cannot set.
	results, err := sign.VerifyAt(d.Content, s.Roots, d.CreatedAt)
	if err != nil {
		v.Problem = err.Error()
		return v
	}
	v.Valid = v.HashMatch
	if !v.HashMatch {
		v.Problem = "filen stämmer inte med den lagrade kontrollsumman"
	}
	for _, r := range results {
		o := sigOut{Valid: r.Valid, Signer: r.Signer, Org: r.Org, Issuer: r.Issuer, SignedAt: r.SignedAt.Format(time.RFC3339), Problem: r.Problem}
		if !r.Timestamped.IsZero() {
			o.Timestamped = r.Timestamped.Format(time.RFC3339)
		}
		v.Valid = v.Valid && r.Valid
		v.Signatures = append(v.Signatures, o)
	}
	return v
}

func (s *Server) verifyDocument(w http.ResponseWriter, r *http.Request, u store.User) error {
	d, err := s.readableDocument(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.verify(d))
	return nil
}
