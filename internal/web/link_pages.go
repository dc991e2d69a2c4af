package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
	// maxLinkForm bounds a link form: the answer's PDF and bilagor, each
	// at most rounds.MaxUpload, with the text.
	maxLinkForm = 4*rounds.MaxUpload + maxForm
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
		// A working link always opens: only misses count, and an address
		// past its misses is told to wait, whatever it tries next.
		l, err := s.Rounds.Link(r.Context(), r.PathValue("token"))
		if e, ok := remiss.AsError(err); ok && e.Kind == remiss.KindNotFound &&
			!s.linkMisses.allow(clientAddress(r), time.Now(), linkMissesPerMinute, time.Minute) {
			s.render(w, http.StatusTooManyRequests, "error", page{Public: true, Title: "För många försök",
				Error: "Du har prövat för många länkar som inte fungerar på kort tid. Vänta en minut och försök igen.", Crumbs: []crumb{}})
			return
		}
		if err == nil {
			err = h(w, r, p, l)
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

// postLink takes one of the link page's forms: the answer (with its PDF
// and bilagor), a decline or an anstånd request. A refused form is shown
// again with what was written, and a file that passed its check is kept.
func (s *Server) postLink(w http.ResponseWriter, r *http.Request, p page, l rounds.Linked) error {
	f, err := readLinkForm(w, r)
	if err != nil {
		return s.linkError(w, r, p, l, err)
	}
	ctx := r.Context()
	base := "/svar/" + r.PathValue("token")
	switch r.PostFormValue("action") {
	case "answer":
		// The files are kept before the rest is checked: a refusal of the
		// text does not cost them.
		for _, b := range f.files["bilaga"] {
			if _, err := s.Rounds.AttachByLink(ctx, l, b.name, b.body); err != nil {
				return s.linkError(w, r, p, l, renamed(err, "bilaga", "bilaga"))
			}
		}
		if r.PostFormValue("dropKept") != "" {
			r.PostForm.Del("kept")
		}
		ans := remiss.ExternalAnswer{Name: r.PostFormValue("name"), Title: r.PostFormValue("title"), For: r.PostFormValue("for"),
			Email: strings.TrimSpace(r.PostFormValue("email")), Position: remiss.Position(r.PostFormValue("position")),
			Summary: r.PostFormValue("summary"), Text: r.PostFormValue("text"), File: r.PostFormValue("kept")}
		if files := f.files["file"]; len(files) > 0 {
			doc, err := s.Rounds.KeepReceived(ctx, l, files[0].body)
			if err != nil {
				return s.linkError(w, r, p, l, err)
			}
			ans.File = doc.ID
			r.PostForm.Set("kept", doc.ID)
		}
		if _, err := s.Rounds.Receive(ctx, l, ans); err != nil {
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

// linkUpload is a file sent with a link's form.
type linkUpload struct {
	name string
	body []byte
}

// linkForm is a link form read part by part.
type linkForm struct {
	files map[string][]linkUpload
}

// readLinkForm reads a link's multipart form part by part into
// r.PostForm (the text) and its files, so that what comes before a file
// over its limit (the text: the page puts it first) is kept and shown
// again. Each file may be rounds.MaxUpload, the form maxLinkForm in all.
// Text that is not UTF-8 or holds NUL is refused as everywhere else.
func readLinkForm(w http.ResponseWriter, r *http.Request) (linkForm, error) {
	f := linkForm{files: map[string][]linkUpload{}}
	r.PostForm, r.Form = url.Values{}, url.Values{}
	r.Body = http.MaxBytesReader(w, r.Body, maxLinkForm)
	mr, err := r.MultipartReader()
	if err != nil {
		return f, remiss.Refuse(remiss.KindInvalid, "formuläret kunde inte läsas; försök igen")
	}
	tooLarge := remiss.Refuse(remiss.KindTooLarge, "filerna är för stora: högst %d MB var och %d MB tillsammans; texten är kvar, välj filerna igen",
		rounds.MaxUpload>>20, maxLinkForm>>20)
	var tooBig *http.MaxBytesError
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.As(err, &tooBig) {
			return f, tooLarge
		}
		if err != nil {
			return f, remiss.Refuse(remiss.KindInvalid, "formuläret kunde inte läsas; försök igen")
		}
		name, file := part.FormName(), part.FileName()
		if file == "" {
			b, err := io.ReadAll(io.LimitReader(part, maxForm+1))
			if errors.As(err, &tooBig) || len(b) > maxForm {
				return f, errFormTooLarge
			}
			if err != nil {
				return f, remiss.Refuse(remiss.KindInvalid, "formuläret kunde inte läsas; försök igen")
			}
			if badText(name) || badText(string(b)) {
				return f, errBadText
			}
			r.PostForm.Add(name, string(b))
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, rounds.MaxUpload+1))
		switch {
		case errors.As(err, &tooBig):
			return f, tooLarge
		case err != nil:
			return f, remiss.InvalidField(name, "Filen kunde inte läsas; välj den igen")
		case len(b) > rounds.MaxUpload:
			return f, remiss.InvalidField(name, fmt.Sprintf("Filen %s är för stor (högst %d MB)", safeName(file), rounds.MaxUpload>>20))
		case badText(file):
			return f, errBadText
		case len(b) > 0:
			f.files[name] = append(f.files[name], linkUpload{name: file, body: b})
		}
	}
	r.Form = r.PostForm
	return f, nil
}

// safeName is an uploaded file's name as a message may repeat it.
func safeName(name string) string {
	if r := []rune(name); len(r) > 80 {
		name = string(r[:80]) + "…"
	}
	return name
}

// signedReason is the reason of a decline or an anstånd request (form
// fields <form>Reason and <form>Name) with the name of who gives it under
// it: nobody is logged in, so the note says who wrote it.
func signedReason(r *http.Request, form string) (string, error) {
	reason := strings.TrimSpace(r.PostFormValue(form + "Reason"))
	who := strings.TrimSpace(r.PostFormValue(form + "Name"))
	switch {
	case who == "":
		return "", remiss.InvalidField(form+"Name", "Får inte vara tomt")
	case utf8.RuneCountInString(who) > 100:
		return "", remiss.InvalidField(form+"Name", "Får vara högst 100 tecken")
	case strings.IndexFunc(who, unicode.IsControl) >= 0:
		return "", remiss.InvalidField(form+"Name", "Innehåller otillåtna styrtecken")
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
