package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

// The pages of an outside body's personal link (issue 19): without login,
// the remiss with its underlag, and forms to answer (written or as a PDF,
// with bilagor), to decline and to ask for anstånd. The link is the only
// key: a wrong, replaced or expired one gets the same page as one that
// never was, and an address that keeps trying wrong ones is held off.

const (
	// linkMissesPerMinute is how many links that do not open one client
	// address may try in a minute.
	linkMissesPerMinute = 10
	// maxLinkForm bounds a link form: the answer's PDF and a bilaga, with
	// the text.
	maxLinkForm = 2*rounds.MaxUpload + maxForm
)

func (s *Server) linkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /svar/{token}", s.linked(s.linkPage))
	mux.HandleFunc("POST /svar/{token}", s.linked(s.postLink))
	mux.HandleFunc("GET /svar/{token}/dokument/{id}", s.linked(s.linkDocument))
}

type linkHandler func(w http.ResponseWriter, r *http.Request, p page, l rounds.Linked) error

// linked opens the link's assignment for h, or says the link does not
// work, in the same words whatever the reason. The token is in the path:
// the pages keep it from referrers, caches and search engines.
func (s *Server) linked(h linkHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Robots-Tag", "noindex, nofollow")
		p := page{Public: true, Path: "/svar", Form: map[string]string{}, Crumbs: []crumb{}}
		addr := clientAddress(r)
		if s.linkMisses.over(addr, time.Now(), linkMissesPerMinute, time.Minute) {
			s.render(w, http.StatusTooManyRequests, "error", page{Public: true, Title: "För många försök",
				Error: "Du har prövat för många länkar som inte fungerar på kort tid. Vänta en minut och försök igen.", Crumbs: []crumb{}})
			return
		}
		l, err := s.Rounds.Link(r.Context(), r.PathValue("token"))
		if err == nil {
			err = h(w, r, p, l)
		} else if e, ok := remiss.AsError(err); ok && e.Kind == remiss.KindNotFound {
			s.linkMisses.allow(addr, time.Now(), linkMissesPerMinute, time.Minute)
		}
		if err != nil {
			code, body := status(err)
			if code == http.StatusInternalServerError {
				s.Log.Error("web: link", "err", err) // never the path: it holds the token
			}
			if code == http.StatusNotFound {
				body.Error = "Länken fungerar inte. Den kan ha ersatts av en ny länk, remissen kan vara avslutad eller återkallad, eller så är länken felskriven. Kontakta kommunstyrelsens remissamordnare om du behöver en ny länk."
			}
			s.render(w, code, "error", page{Public: true, Title: errorTitle(code), Error: body.Error, Crumbs: []crumb{}})
		}
	}
}

// linkData is what the link's page shows.
type linkData struct {
	Token     string
	L         rounds.Linked
	State     string
	RoundDocs []store.Document
	Secret    []store.Document // the round's documents with a sekretessmarkering: named, not opened
	Bilagor   []store.Document
	Received  *store.Document // the answer's PDF, uploaded and kept
	Statement *store.Document // the answer as kommunstyrelsen sealed it
	Positions []meetingOption
	Pending   bool // an anstånd request waits for the Coordinator
	// PendingUntil is the date it asks for.
	PendingUntil string
	Open         bool // the answer can still be given
}

func (s *Server) linkData(r *http.Request, l rounds.Linked) (linkData, error) {
	d := linkData{Token: r.PathValue("token"), L: l, State: linkState(l.Assignment.State), Positions: positionOptions,
		Open: remiss.PossibleIn(remiss.ActReceive, l.Assignment.State) == nil}
	docs, err := s.Store.DocumentList(r.Context(), l.Remiss.ID)
	if err != nil {
		return d, err
	}
	for _, doc := range docs {
		switch {
		case doc.AssignmentID == "" && (doc.Kind == "underlag" || doc.Kind == "missiv"):
			if doc.Secrecy != nil {
				d.Secret = append(d.Secret, doc)
			} else {
				d.RoundDocs = append(d.RoundDocs, doc)
			}
		case doc.AssignmentID != l.Assignment.ID:
		case doc.Kind == "bilaga":
			d.Bilagor = append(d.Bilagor, doc)
		case doc.Kind == "received":
			d.Received = &doc
		case doc.Kind == "statement":
			d.Statement = &doc
		}
	}
	until, _, pending, err := s.Store.PendingExtension(r.Context(), l.Assignment.ID)
	d.Pending, d.PendingUntil = pending, until
	return d, err
}

// linkState is where the answer stands, in the outside body's words.
func linkState(st remiss.AssignmentState) string {
	switch st {
	case remiss.StateSent:
		return "Väntar på ert svar"
	case remiss.StateApproved:
		return "Ert yttrande har kommit in och förseglas"
	case remiss.StateAnswered:
		return "Ert yttrande har kommit in"
	case remiss.StateDeclined:
		return "Ni avstår från att yttra er"
	}
	return st.Label()
}

func (s *Server) linkPage(w http.ResponseWriter, r *http.Request, p page, l rounds.Linked) error {
	if r.URL.Query().Get("ok") != "" {
		p.Flash = linkFlash[r.URL.Query().Get("ok")]
	}
	return s.renderLink(w, r, p, l, http.StatusOK)
}

var linkFlash = map[string]string{
	"svar":    "Tack! Ert yttrande har kommit in till kommunstyrelsen. En kvittens skickas med e-post.",
	"avstar":  "Kommunstyrelsen har fått beskedet att ni avstår från att yttra er.",
	"anstand": "Er begäran om anstånd är skickad till kommunstyrelsens remissamordnare, som beslutar om den. Besked kommer med e-post.",
	"fil":     "Filen är uppladdad. Skicka yttrandet när ni är klara.",
}

func (s *Server) renderLink(w http.ResponseWriter, r *http.Request, p page, l rounds.Linked, code int) error {
	d, err := s.linkData(r, l)
	if err != nil {
		return err
	}
	if _, ok := p.Form["for"]; !ok {
		p.Form["for"] = l.Org.Name
	}
	p.Title, p.Data = "Remiss: "+l.Remiss.Title, d
	s.render(w, code, "answer_link", p)
	return nil
}

// postLink takes one of the link page's forms: the answer, a bilaga, a
// decline or an anstånd request. A refused form is shown again with what
// was written, and a file that passed its check is kept.
func (s *Server) postLink(w http.ResponseWriter, r *http.Request, p page, l rounds.Linked) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxLinkForm)
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return s.linkError(w, r, p, l, remiss.Refuse(remiss.KindTooLarge, "filerna är för stora: högst %d MB var", rounds.MaxUpload>>20))
		}
		return s.linkError(w, r, p, l, remiss.Refuse(remiss.KindInvalid, "formuläret kunde inte läsas; försök igen"))
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	ctx := r.Context()
	base := "/svar/" + r.PathValue("token")
	switch r.PostFormValue("action") {
	case "answer":
		// The files are kept before the rest is checked: a refusal of the
		// text does not cost them.
		if err := s.keepBilagor(r, l); err != nil {
			return s.linkError(w, r, p, l, err)
		}
		file, _, err := formFile(r, "file")
		if err != nil {
			return s.linkError(w, r, p, l, err)
		}
		ans := remiss.ExternalAnswer{Name: r.PostFormValue("name"), Title: r.PostFormValue("title"), For: r.PostFormValue("for"),
			Email: strings.TrimSpace(r.PostFormValue("email")), Position: remiss.Position(r.PostFormValue("position")),
			Summary: r.PostFormValue("summary"), Text: r.PostFormValue("text"), File: r.PostFormValue("kept")}
		if len(file) > 0 {
			doc, err := s.Rounds.KeepReceived(ctx, l, file)
			if err != nil {
				return s.linkError(w, r, p, l, err)
			}
			ans.File = doc.ID
			r.PostForm.Set("kept", doc.ID)
		}
		if _, err := s.Rounds.Receive(ctx, l, ans, nil); err != nil {
			return s.linkError(w, r, p, l, err)
		}
		return redirect(w, r, base, "svar")
	case "decline":
		reason, err := signedReason(r, "decline")
		if err == nil {
			_, err = s.Rounds.Decline(ctx, l.Actor, l.Assignment.ID, reason, "")
		}
		if err != nil {
			return s.linkError(w, r, p, l, renamed(err, "reason", "declineReason"))
		}
		return redirect(w, r, base, "avstar")
	case "extension":
		reason, err := signedReason(r, "extension")
		if err == nil {
			_, err = s.Rounds.RequestExtension(ctx, l.Actor, l.Assignment.ID, r.PostFormValue("until"), reason)
		}
		if err != nil {
			return s.linkError(w, r, p, l, renamed(err, "reason", "extensionReason"))
		}
		return redirect(w, r, base, "anstand")
	}
	return s.linkError(w, r, p, l, remiss.Refuse(remiss.KindInvalid, "okänt formulär"))
}

// keepBilagor stores each bilaga chosen in the answer form.
func (s *Server) keepBilagor(r *http.Request, l rounds.Linked) error {
	if r.MultipartForm == nil {
		return nil
	}
	for _, h := range r.MultipartForm.File["bilaga"] {
		f, err := h.Open()
		if err != nil {
			return remiss.InvalidField("bilaga", "Filen kunde inte läsas; välj den igen")
		}
		b, err := io.ReadAll(io.LimitReader(f, rounds.MaxUpload+1))
		f.Close()
		if err != nil {
			return remiss.InvalidField("bilaga", "Filen kunde inte läsas; välj den igen")
		}
		if len(b) == 0 {
			continue
		}
		if _, err := s.Rounds.AttachByLink(r.Context(), l, h.Filename, b); err != nil {
			return err
		}
	}
	return nil
}

// signedReason is the reason of a decline or an anstånd request (form
// fields <form>Reason and <form>Name) with the name of who gives it under
// it: nobody is logged in, so the note says who wrote it.
func signedReason(r *http.Request, form string) (string, error) {
	reason := strings.TrimSpace(r.PostFormValue(form + "Reason"))
	who := strings.TrimSpace(r.PostFormValue(form + "Name"))
	if who == "" {
		return "", remiss.InvalidField(form+"Name", "Får inte vara tomt")
	}
	if reason == "" {
		return "", nil // refused as empty, at the reason
	}
	return reason + "\n\n" + who, nil
}

// renamed reports a refusal of field under the page's name for it.
func renamed(err error, field, as string) error {
	var rej *remiss.Error
	if errors.As(err, &rej) {
		for i := range rej.Fields {
			if rej.Fields[i].Field == field {
				rej.Fields[i].Field = as
			}
		}
	}
	return err
}

// linkError shows the page again with the refusal and what was written;
// an error that is not a refusal goes to the error page.
func (s *Server) linkError(w http.ResponseWriter, r *http.Request, p page, l rounds.Linked, err error) error {
	rej := rejected(err)
	if rej == nil {
		return err
	}
	if r.PostForm != nil {
		keepForm(r, &p, rej, nil)
	}
	if fresh, ferr := s.Rounds.Link(r.Context(), r.PathValue("token")); ferr == nil {
		l = fresh // the state may have moved on
	}
	return s.renderLink(w, r, p, l, kindStatus[rej.Kind])
}

// formFile reads an uploaded file of a parsed multipart form: nothing
// when none was chosen.
func formFile(r *http.Request, field string) ([]byte, string, error) {
	f, hdr, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", remiss.InvalidField(field, "Filen kunde inte läsas; välj den igen")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, rounds.MaxUpload+1))
	if err != nil {
		return nil, "", remiss.InvalidField(field, "Filen kunde inte läsas; välj den igen")
	}
	return b, fileName(hdr), nil
}

func fileName(h *multipart.FileHeader) string {
	if h == nil {
		return ""
	}
	return h.Filename
}

// linkDocument serves one of the documents the link's page lists.
func (s *Server) linkDocument(w http.ResponseWriter, r *http.Request, p page, l rounds.Linked) error {
	d, err := s.linkData(r, l)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	mine := slices.ContainsFunc(d.RoundDocs, func(x store.Document) bool { return x.ID == id }) ||
		slices.ContainsFunc(d.Bilagor, func(x store.Document) bool { return x.ID == id }) ||
		d.Received != nil && d.Received.ID == id || d.Statement != nil && d.Statement.ID == id
	if !mine {
		return remiss.Refuse(remiss.KindNotFound, "finns inte")
	}
	doc, err := s.Store.Document(r.Context(), id)
	if err != nil {
		return err
	}
	servePDF(w, doc)
	return nil
}
