package web

import (
	"bytes"
	"crypto/subtle"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/templates"
)

// page is what every template gets.
type page struct {
	Title  string
	User   store.User
	CSRF   string
	Flash  string
	Error  string
	Form   map[string]string
	Errors remiss.FieldErrors
	Data   any
	// Path is the page's own path; Crumbs the breadcrumb trail above it
	// (by default the one crumbs gives).
	Path   string
	Crumbs []crumb
	// Public is a page for anyone, without login (/offentligt): its
	// header shows the public menu.
	Public bool
}

// input is a form field: Name is what the form posts (the API's name for
// it), ID the page's key for its value, its problem and its element.
type input struct {
	ID, Name, Label, Hint, Value, Error string
	Rows                                int
}

// choices are the radio buttons of a decision, with the page for what was
// chosen and its error.
type choices struct {
	P       page
	Options any
}

var pages = func() map[string]*template.Template {
	funcs := template.FuncMap{
		"field": func(p page, id, label, hint string) input {
			return input{ID: id, Name: id, Label: label, Hint: hint, Value: p.Form[id], Error: p.Errors.For(id)}
		},
		"area": func(p page, id, label, hint string, rows int) input {
			return input{ID: id, Name: id, Label: label, Hint: hint, Value: p.Form[id], Error: p.Errors.For(id), Rows: rows}
		},
		// named posts a field under another name than its ID (see pageKeys).
		"named":   func(in input, name string) input { in.Name = name; return in },
		"choices": func(p page, options any) choices { return choices{P: p, Options: options} },
		// The words: a count or a file size with a space between
		// thousands, a time as "2027-01-15 kl. 14.05", a document's kind.
		"number":   remiss.Number,
		"size":     func(n int) string { return remiss.Size(int64(n)) },
		"moment":   moment,
		"docLabel": docLabel,
		"docName":  docName,
		"capital":  remiss.Capital,
		"lower":    strings.ToLower,
		"upper":    strings.ToUpper,
		"inc":      func(i int) int { return i + 1 },
		// paragraphs parts a text where a document does: at blank lines.
		"paragraphs": pdf.Paragraphs,
		"tag":        tag,
	}
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templates.Web, "web/layout.html", "web/field.html", "web/area.html", "web/decision.html",
		"web/history_parts.html", "web/lists.html", "web/statement.html", "web/patterns.html"))
	out := map[string]*template.Template{}
	for _, name := range []string{"login", "rounds", "new_round", "round", "inbox", "assignment", "archive", "verification", "error", "meetings", "agenda",
		"confirm_round", "confirm_decline", "history", "todo", "approve", "delegation",
		"public_rounds", "public_round", "public_verify", "accessibility", "answer_link"} {
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(templates.Web, "web/"+name+".html"))
	}
	return out
}()

// css and js are the stylesheet and the one script (which only adds to
// pages that work without it).
var css, js = static("web/remiss.css"), static("web/remiss.js")

func static(name string) []byte {
	b, err := fs.ReadFile(templates.Web, name)
	if err != nil {
		panic(err)
	}
	return b
}

// render writes page name with p. A message to the reader begins with a
// capital letter, whatever the refusal it comes from says.
func (s *Server) render(w http.ResponseWriter, code int, name string, p page) {
	if p.Error != "" {
		p.Error = remiss.Sentence(p.Error)
	}
	if name == "error" {
		// The error page says what went wrong under its heading.
		p.Data, p.Error = p.Error, ""
	}
	if p.Crumbs == nil {
		p.Crumbs = crumbs(name, p)
	}
	if len(p.Errors) > 0 {
		fields := make(remiss.FieldErrors, len(p.Errors))
		for i, f := range p.Errors {
			fields[i] = remiss.FieldError{Field: f.Field, Message: remiss.Capital(f.Message)}
		}
		p.Errors = fields
	}
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.Log.Error("web: render", "page", name, "err", err)
		http.Error(w, "Ett internt fel inträffade.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// pageHandler serves a logged-in user; an error becomes a page.
type pageHandler func(w http.ResponseWriter, r *http.Request, p page) error

// page requires a web session; on POST it requires the form's CSRF token.
func (s *Server) page(h pageHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil {
			http.Redirect(w, r, "/logga-in", http.StatusSeeOther)
			return
		}
		sess, err := s.Store.WebSession(r.Context(), c.Value, s.sessionIdle())
		if err != nil {
			http.Redirect(w, r, "/logga-in", http.StatusSeeOther)
			return
		}
		p := page{User: sess.User, CSRF: sess.CSRF, Path: r.URL.Path, Form: map[string]string{}, Flash: s.flash(r.Context(), sess.User, r.URL.Query().Get("ok"))}
		if r.Method == http.MethodPost {
			if err := readForm(w, r); err != nil {
				s.refusedBody(w, r, p, err)
				return
			}
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(sess.CSRF)) != 1 {
				s.render(w, http.StatusForbidden, "error", page{Title: "Formuläret har gått ut", User: p.User, CSRF: p.CSRF,
					Error: "Formuläret har gått ut. Gå tillbaka, ladda om sidan och försök igen."})
				return
			}
		}
		if err := h(w, r, p); err != nil {
			s.failPage(w, r, p, err)
		}
	}
}

// failPage answers err as an error page for p's user.
func (s *Server) failPage(w http.ResponseWriter, r *http.Request, p page, err error) {
	code, body := status(err)
	if code == http.StatusInternalServerError {
		s.Log.Error("web", append(logIDs(r), "path", r.URL.Path, "err", err)...)
	}
	if body.Error == "finns inte" {
		body.Error = "Det du sökte finns inte, eller så har du inte behörighet att se det."
	}
	s.render(w, code, "error", page{Title: errorTitle(code), User: p.User, CSRF: p.CSRF, Error: body.Error})
}

func (s *Server) pageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/remiss.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Write(css)
	})
	mux.HandleFunc("GET /static/remiss.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Write(js)
	})
	mux.HandleFunc("GET /logga-in", s.loginPage)
	mux.HandleFunc("POST /logga-in", s.postLogin)
	mux.HandleFunc("POST /logga-ut", s.page(s.postLogout))
	s.ssoRoutes(mux)
	s.worklistRoutes(mux)
	mux.HandleFunc("GET /remisser", s.page(s.roundsPage))
	mux.HandleFunc("GET /remisser/ny", s.page(s.newRoundPage))
	mux.HandleFunc("POST /remisser", s.page(s.postRound))
	mux.HandleFunc("GET /remisser/{id}", s.page(s.roundPage))
	mux.HandleFunc("GET /remisser/{id}/stang", s.page(s.confirmRoundAction))
	mux.HandleFunc("GET /remisser/{id}/aterkalla", s.page(s.confirmRoundAction))
	mux.HandleFunc("POST /remisser/{id}/stang", s.page(s.postRoundAction))
	mux.HandleFunc("POST /remisser/{id}/aterkalla", s.page(s.postRoundAction))
	mux.HandleFunc("POST /remisser/{id}/anstand/{org}", s.page(s.postDecideExtension))
	mux.HandleFunc("POST /remisser/{id}/paminn/{org}", s.page(s.postRemindNow))
	mux.HandleFunc("POST /remisser/{id}/ny-lank/{org}", s.page(s.postReplaceLink))
	s.decisionPageRoutes(mux)
	s.delegationPageRoutes(mux)
	s.historyRoutes(mux)
	mux.HandleFunc("GET /inkorg", s.page(s.inboxPage))
	mux.HandleFunc("GET /uppdrag", s.page(s.inboxPage))
	mux.HandleFunc("GET /uppdrag/{id}", s.page(s.assignmentPage))
	mux.HandleFunc("POST /uppdrag/{id}/fordela", s.page(s.postAssign))
	mux.HandleFunc("POST /uppdrag/{id}/svar", s.page(s.postAnswer))
	s.declineRoutes(mux)
	mux.HandleFunc("POST /uppdrag/{id}/bilagor", s.page(s.postAttachment))
	mux.HandleFunc("POST /uppdrag/{id}/anstand", s.page(s.onAssignment("anstand", s.postExtension)))
	s.approveRoutes(mux)
	s.ownDnrRoutes(mux)
	mux.HandleFunc("GET /arkiv", s.page(s.archivePage))
	mux.HandleFunc("GET /dokument/{id}", s.page(s.documentPage))
	mux.HandleFunc("GET /dokument/{id}/verifiering", s.page(s.verificationPage))
	mux.HandleFunc("POST /dokument/{id}/verifiering", s.page(s.verificationPage))
	s.secrecyRoutes(mux)
	s.publicRoutes(mux)
}

func redirect(w http.ResponseWriter, r *http.Request, path, flash string) error {
	http.Redirect(w, r, path+"?ok="+url.QueryEscape(flash), http.StatusSeeOther)
	return nil
}
