package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/validate"
	"github.com/remiss/remiss/templates"
)

var answerRules = validate.New(nil)

// page is what every template gets.
type page struct {
	Title  string
	User   store.User
	CSRF   string
	Flash  string
	Error  string
	Form   map[string]string
	Errors validate.Errors
	Data   any
}

type input struct {
	Name, Label, Hint, Value, Error string
	Rows                            int
}

// choices are the radio buttons of a decision, with the page for what was
// chosen and its error.
type choices struct {
	P       page
	Options any
}

var pages = func() map[string]*template.Template {
	funcs := template.FuncMap{
		"field": func(p page, name, label, hint string) input {
			return input{Name: name, Label: label, Hint: hint, Value: p.Form[name], Error: p.Errors.For(name)}
		},
		"area": func(p page, name, label, hint string, rows int) input {
			return input{Name: name, Label: label, Hint: hint, Value: p.Form[name], Error: p.Errors.For(name), Rows: rows}
		},
		"choices": func(p page, options any) choices { return choices{P: p, Options: options} },
	}
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templates.Web, "web/layout.html", "web/field.html", "web/area.html", "web/decision.html"))
	out := map[string]*template.Template{}
	for _, name := range []string{"login", "rounds", "new_round", "round", "inbox", "assignment", "archive", "verification", "error", "meetings", "agenda"} {
		out[name] = template.Must(template.Must(base.Clone()).ParseFS(templates.Web, "web/"+name+".html"))
	}
	return out
}()

var css = func() []byte {
	b, err := fs.ReadFile(templates.Web, "web/remiss.css")
	if err != nil {
		panic(err)
	}
	return b
}()

// flashes are the fixed confirmations a redirect may show.
var flashes = map[string]string{
	"skickad": "Remissen är utskickad.", "sparad": "Utkastet är sparat.", "inskickad": "Yttrandet är inskickat för godkännande.",
	"godkand": "Yttrandet är godkänt; tjänsteutlåtandet förseglas.", "atersand": "Yttrandet är återsänt till handläggaren.",
	"avstar": "Nämnden avstår från att yttra sig.", "anstand": "Begäran om anstånd är skickad.", "beslut": "Beslutet om anstånd är registrerat.",
	"fordelad": "Uppdraget är fördelat.", "paminnelse": "En påminnelse är skickad.", "bilaga": "Bilagan är uppladdad.", "stangs": "Remissomgången stängs och svaren sammanställs.", "aterkallas": "Remissen återkallas.",
	"sammantrade": "Sammanträdet är tillagt.", "borttaget": "Sammanträdet är borttaget.", "beslutsvag": "Beslutsvägen är sparad.",
	"protokoll": "Nämndens beslut är registrerat; protokollsutdraget upprättas.", "stegbeslut": "Beslutet i beslutsgången är registrerat.",
}

func (s *Server) render(w http.ResponseWriter, code int, name string, p page) {
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
		sess, err := s.Store.Session(r.Context(), c.Value, "web")
		if err != nil {
			http.Redirect(w, r, "/logga-in", http.StatusSeeOther)
			return
		}
		p := page{User: sess.User, CSRF: sess.CSRF, Form: map[string]string{}, Flash: flashes[r.URL.Query().Get("ok")]}
		if r.Method == http.MethodPost {
			var err error
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				r.Body = http.MaxBytesReader(w, r.Body, MaxUpload+1<<20)
				err = r.ParseMultipartForm(1 << 20)
			} else {
				r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
				err = r.ParseForm()
			}
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "Filen är för stor.", http.StatusRequestEntityTooLarge)
				return
			}
			if err != nil || subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(sess.CSRF)) != 1 {
				http.Error(w, "Formuläret har gått ut. Ladda om sidan och försök igen.", http.StatusForbidden)
				return
			}
		}
		if err := h(w, r, p); err != nil {
			code, body := status(err)
			p.Title, p.Error = "Något gick fel", body.Error
			if code == http.StatusInternalServerError {
				s.Log.Error("web", "path", r.URL.Path, "err", err)
			}
			s.render(w, code, "error", page{Title: p.Title, User: p.User, CSRF: p.CSRF, Error: p.Error})
		}
	}
}

func (s *Server) pageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/remiss.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Write(css)
	})
	mux.HandleFunc("GET /logga-in", func(w http.ResponseWriter, r *http.Request) {
		s.render(w, http.StatusOK, "login", page{Title: "Logga in", Form: map[string]string{}})
	})
	mux.HandleFunc("POST /logga-in", s.postLogin)
	mux.HandleFunc("POST /logga-ut", s.page(s.postLogout))
	mux.HandleFunc("GET /{$}", s.page(s.home))
	mux.HandleFunc("GET /remisser", s.page(s.roundsPage))
	mux.HandleFunc("GET /remisser/ny", s.page(s.newRoundPage))
	mux.HandleFunc("POST /remisser", s.page(s.postRound))
	mux.HandleFunc("GET /remisser/{id}", s.page(s.roundPage))
	mux.HandleFunc("POST /remisser/{id}/stang", s.page(s.postRoundAction))
	mux.HandleFunc("POST /remisser/{id}/aterkalla", s.page(s.postRoundAction))
	mux.HandleFunc("POST /remisser/{id}/anstand/{org}", s.page(s.postDecideExtension))
	mux.HandleFunc("POST /remisser/{id}/paminn/{org}", s.page(s.postRemindNow))
	s.decisionPageRoutes(mux)
	mux.HandleFunc("GET /inkorg", s.page(s.inboxPage))
	mux.HandleFunc("GET /uppdrag", s.page(s.inboxPage))
	mux.HandleFunc("GET /uppdrag/{id}", s.page(s.assignmentPage))
	mux.HandleFunc("POST /uppdrag/{id}/fordela", s.page(s.postAssign))
	mux.HandleFunc("POST /uppdrag/{id}/svar", s.page(s.postAnswer))
	mux.HandleFunc("POST /uppdrag/{id}/avsta", s.page(s.postDecline))
	mux.HandleFunc("POST /uppdrag/{id}/bilagor", s.page(s.postAttachment))
	mux.HandleFunc("POST /uppdrag/{id}/anstand", s.page(s.postExtension))
	mux.HandleFunc("POST /uppdrag/{id}/godkann", s.page(s.postApprove))
	mux.HandleFunc("POST /uppdrag/{id}/atersand", s.page(s.postReturn))
	mux.HandleFunc("GET /arkiv", s.page(s.archivePage))
	mux.HandleFunc("GET /dokument/{id}", s.page(s.documentPage))
	mux.HandleFunc("GET /dokument/{id}/verifiering", s.page(s.verificationPage))
}

func (s *Server) postLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	r.ParseForm()
	username := strings.TrimSpace(r.PostFormValue("username"))
	p := page{Title: "Logga in", Form: map[string]string{"username": username}}
	u, err := s.login(r.Context(), username, r.PostFormValue("password"))
	switch {
	case errors.Is(err, errThrottled):
		p.Error = err.Error()
		s.render(w, http.StatusTooManyRequests, "login", p)
		return
	case errors.Is(err, store.ErrBadLogin):
		p.Error = "Fel användarnamn eller lösenord."
		s.render(w, http.StatusUnauthorized, "login", p)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	id, _, err := s.Store.CreateSession(r.Context(), u.Username, "web", sessionTTL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: s.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(sessionTTL.Seconds())})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) postLogout(w http.ResponseWriter, r *http.Request, p page) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.Store.DeleteSession(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies})
	http.Redirect(w, r, "/logga-in", http.StatusSeeOther)
	return nil
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, p page) error {
	target := map[remiss.Role]string{remiss.RoleCoordinator: "/remisser", remiss.RoleRegistrar: "/inkorg",
		remiss.RoleOfficer: "/uppdrag", remiss.RoleSignatory: "/uppdrag", remiss.RoleAdmin: "/arkiv"}[p.User.Role]
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func redirect(w http.ResponseWriter, r *http.Request, path, flash string) error {
	http.Redirect(w, r, path+"?ok="+url.QueryEscape(flash), http.StatusSeeOther)
	return nil
}

func isKS(u store.User) bool { return u.Org == remiss.KS }

// --- Coordinator ---

type roundRow struct {
	store.Remiss
	State                                       string
	Total, Done, Answered, Declined, Open, Late int
}

func (s *Server) roundsPage(w http.ResponseWriter, r *http.Request, p page) error {
	if !isKS(p.User) {
		return errForbidden
	}
	list, err := s.Store.Remisses(r.Context())
	if err != nil {
		return err
	}
	var rows []roundRow
	for _, rm := range list {
		asgs, err := s.Store.Assignments(r.Context(), rm.ID)
		if err != nil {
			return err
		}
		row := roundRow{Remiss: rm, State: roundLabel(rm.State), Total: len(asgs)}
		for _, a := range asgs {
			switch {
			case a.State == remiss.StateAnswered:
				row.Answered++
			case a.State == remiss.StateDeclined:
				row.Declined++
			case !a.State.Done():
				row.Open++
			}
			if a.State.Done() {
				row.Done++
			}
			if a.Late {
				row.Late++
			}
		}
		rows = append(rows, row)
	}
	p.Title, p.Data = "Remissomgångar", rows
	s.render(w, http.StatusOK, "rounds", p)
	return nil
}

func roundLabel(st remiss.RemissState) string {
	return map[remiss.RemissState]string{remiss.RemissOpen: "Pågår", remiss.RemissClosed: "Avslutad", remiss.RemissWithdrawn: "Återkallad"}[st]
}

type orgGroup struct {
	Kind, Label, All string
	Orgs             []remiss.Org
}

func (s *Server) newRoundData(ctx context.Context, checked []string) (any, error) {
	orgs, err := s.Store.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	groups := []orgGroup{{Kind: "stadsdelsnamnd", Label: "Stadsdelsnämnder", All: "Alla stadsdelsnämnder"},
		{Kind: "facknamnd", Label: "Facknämnder", All: "Alla facknämnder"}, {Kind: "bolag", Label: "Bolag och råd", All: "Alla bolag och råd"}}
	for _, o := range orgs {
		switch o.Kind {
		case remiss.KindStadsdelsnamnd:
			groups[0].Orgs = append(groups[0].Orgs, o)
		case remiss.KindFacknamnd:
			groups[1].Orgs = append(groups[1].Orgs, o)
		case remiss.KindBolag, remiss.KindRad:
			groups[2].Orgs = append(groups[2].Orgs, o)
		}
	}
	set := map[string]bool{}
	for _, c := range checked {
		set[c] = true
	}
	return map[string]any{"Groups": groups, "Checked": set}, nil
}

func (s *Server) newRoundPage(w http.ResponseWriter, r *http.Request, p page) error {
	if p.User.Role != remiss.RoleCoordinator {
		return errForbidden
	}
	data, err := s.newRoundData(r.Context(), nil)
	if err != nil {
		return err
	}
	p.Title, p.Data, p.Form["reminders"] = "Ny remiss", data, "14d, 3d"
	s.render(w, http.StatusOK, "new_round", p)
	return nil
}

func splitList(s string, sep string) []string {
	var out []string
	for _, part := range strings.Split(s, sep) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// withGroups adds every organisation of the groups chosen whole ("alla
// stadsdelsnämnder"), so the form needs no script to select a group.
func (s *Server) withGroups(ctx context.Context, picked, groups []string) ([]string, error) {
	if len(groups) == 0 {
		return picked, nil
	}
	orgs, err := s.Store.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	out := append([]string(nil), picked...)
	seen := map[string]bool{}
	for _, c := range picked {
		seen[c] = true
	}
	for _, o := range orgs {
		kind := string(o.Kind)
		if kind == string(remiss.KindRad) {
			kind = string(remiss.KindBolag)
		}
		for _, g := range groups {
			if g == kind && !seen[o.Code] {
				out, seen[o.Code] = append(out, o.Code), true
			}
		}
	}
	return out, nil
}

func (s *Server) postRound(w http.ResponseWriter, r *http.Request, p page) error {
	recipients, err := s.withGroups(r.Context(), r.PostForm["recipients"], r.PostForm["groups"])
	if err != nil {
		return err
	}
	l := remiss.Launch{Dnr: strings.TrimSpace(r.PostFormValue("dnr")), Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description"), Deadline: strings.TrimSpace(r.PostFormValue("deadline")),
		Recipients: recipients, Reminders: splitList(r.PostFormValue("reminders"), ",")}
	if r.PostFormValue("kf") != "" {
		l.Path = append(slices.Clone(remiss.DefaultPath), "kf")
	}
	var underlag []byte
	if f, _, ferr := r.FormFile("underlag"); ferr == nil {
		underlag, err = io.ReadAll(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	var id string
	if underlag != nil && !isPDF(underlag) {
		err = rejectField("underlag", "Filen är inte en PDF")
	} else {
		id, err = s.Rounds.Launch(r.Context(), p.User.Actor(), l)
	}
	if err == nil && underlag != nil {
		_, err = s.storeUnderlag(r.Context(), id, underlag)
	}
	var rej *rounds.Rejection
	if errors.As(err, &rej) && rej.Kind != rounds.Forbidden {
		keepForm(r, &p, rej, nil)
		data, err := s.newRoundData(r.Context(), l.Recipients)
		if err != nil {
			return err
		}
		p.Title, p.Data = "Ny remiss", data
		s.render(w, http.StatusUnprocessableEntity, "new_round", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/remisser/"+id, "skickad")
}

// fieldsTop files errors of list elements ("recipients[2]") under the list.
func fieldsTop(fields validate.Errors) validate.Errors {
	out := validate.Errors{}
	for _, f := range fields {
		name, _, _ := strings.Cut(f.Field, "[")
		if out.For(name) == "" {
			out = append(out, validate.FieldError{Field: name, Message: f.Message})
		}
	}
	return out
}

type recipientRow struct {
	Org, OrgName, State, Deadline, PendingUntil string
	Late, Open                                  bool
	Reminders                                   int
	recipientRoute
}

func (s *Server) roundPage(w http.ResponseWriter, r *http.Request, p page) error {
	if !isKS(p.User) {
		return store.ErrNotFound
	}
	data, err := s.roundData(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	p.Title, p.Data = data["Remiss"].(store.Remiss).Title, data
	s.render(w, http.StatusOK, "round", p)
	return nil
}

// roundData is what the round page shows of round id.
func (s *Server) roundData(ctx context.Context, p page, id string) (map[string]any, error) {
	rm, err := s.Store.Remiss(ctx, id)
	if err != nil {
		return nil, err
	}
	asgs, err := s.Store.Assignments(ctx, rm.ID)
	if err != nil {
		return nil, err
	}
	out, err := s.Store.Outbox(ctx, rm.ID)
	if err != nil {
		return nil, err
	}
	reminders := map[string]int{}
	for _, m := range out {
		if m.Kind == "reminder" {
			reminders[m.AssignmentID]++
		}
	}
	var rows []recipientRow
	for _, a := range asgs {
		org, err := s.Store.Org(ctx, a.Org)
		if err != nil {
			return nil, err
		}
		row := recipientRow{Org: a.Org, OrgName: org.Name, State: a.State.Label(), Deadline: a.Deadline, Late: a.Late,
			Reminders: reminders[a.ID], Open: a.State.Open() && rm.State == remiss.RemissOpen}
		if !a.State.Done() {
			if st, err := s.Rounds.AssignmentStatus(ctx, a.ID); err == nil && st.Pending != nil {
				row.PendingUntil = st.Pending.Until
			}
		}
		if row.recipientRoute, err = s.recipientRoute(ctx, a); err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	data := map[string]any{"Remiss": rm, "State": roundLabel(rm.State), "Rows": rows, "SummaryID": rm.SummaryID}
	if err := s.pathData(ctx, p, rm, data); err != nil {
		return nil, err
	}
	return data, nil
}

func (s *Server) postRoundAction(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	if !isKS(p.User) {
		return errForbidden
	}
	if _, err := s.Store.RemissHead(r.Context(), id); err != nil {
		return err
	}
	if strings.HasSuffix(r.URL.Path, "/stang") {
		if _, err := s.Rounds.Close(r.Context(), p.User.Actor(), id); err != nil {
			return err
		}
		return redirect(w, r, "/remisser/"+id, "stangs")
	}
	if _, err := s.Rounds.Withdraw(r.Context(), p.User.Actor(), id); err != nil {
		return err
	}
	return redirect(w, r, "/remisser/"+id, "aterkallas")
}

func (s *Server) postDecideExtension(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	if !isKS(p.User) {
		return errForbidden
	}
	if _, err := s.Rounds.DecideExtension(r.Context(), p.User.Actor(), remiss.AssignmentID(id, r.PathValue("org")),
		r.PostFormValue("decision") == "approve", strings.TrimSpace(r.PostFormValue("until"))); err != nil {
		return err
	}
	return redirect(w, r, "/remisser/"+id, "beslut")
}

func (s *Server) postRemindNow(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	if !isKS(p.User) {
		return errForbidden
	}
	if _, err := s.Rounds.RemindNow(r.Context(), p.User.Actor(), remiss.AssignmentID(id, r.PathValue("org"))); err != nil {
		return err
	}
	return redirect(w, r, "/remisser/"+id, "paminnelse")
}

// --- Registrator, officer, signatory ---

type inboxRow struct {
	store.Assignment
	Dnr, Title, State string
	DaysLeft          int
	Assignable        bool
}

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request, p page) error {
	items, err := s.Store.Inbox(r.Context(), p.User.Org)
	if err != nil {
		return err
	}
	var rows []inboxRow
	for _, a := range items {
		if p.User.Role == remiss.RoleOfficer && a.Officer != "" && a.Officer != p.User.Username {
			continue
		}
		rows = append(rows, inboxRow{Assignment: a.Assignment, Dnr: a.Dnr, Title: a.Title, State: a.State.Label(),
			DaysLeft: int(time.Until(a.DeadlineAt).Hours() / 24), Assignable: a.State.Open()})
	}
	data := map[string]any{"Rows": rows, "Caption": "Organisationens uppdrag, närmast svarsdatum först"}
	p.Title = "Mina uppdrag"
	if p.User.Role == remiss.RoleRegistrar {
		officers, err := s.Store.UsersWithRole(r.Context(), p.User.Org, remiss.RoleOfficer)
		if err != nil {
			return err
		}
		data["Assign"], data["Officers"], p.Title = true, officers, "Inkorg"
	}
	p.Data = data
	s.render(w, http.StatusOK, "inbox", p)
	return nil
}

func (s *Server) postAssign(w http.ResponseWriter, r *http.Request, p page) error {
	if _, err := s.Rounds.Assign(r.Context(), p.User.Actor(), r.PathValue("id"), r.PostFormValue("officer")); err != nil {
		return err
	}
	return redirect(w, r, "/inkorg", "fordelad")
}

// ownAssignment loads an assignment of the user's organisation.
func (s *Server) ownAssignment(ctx context.Context, u store.User, id string) (store.Assignment, store.Remiss, error) {
	a, err := s.Store.Assignment(ctx, id)
	if err != nil {
		return a, store.Remiss{}, err
	}
	if a.Org != u.Org {
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
		"preparation": c.Preparation, "opinion": c.Opinions, "signatories": strings.Join(sigs, "\n"),
		"attachments": strings.Join(c.Attachments, "\n"), "officerName": c.OfficerName, "officerPhone": c.OfficerPhone,
		"officerEmail": c.OfficerEmail}
}

func formResponse(r *http.Request) remiss.Response {
	c := remiss.Response{Proposals: splitList(r.PostFormValue("proposals"), "\n"), Summary: strings.TrimSpace(r.PostFormValue("summary")),
		Background: strings.TrimSpace(r.PostFormValue("background")), Preparation: strings.TrimSpace(r.PostFormValue("preparation")),
		Opinions: strings.TrimSpace(r.PostFormValue("opinion")), Attachments: splitList(r.PostFormValue("attachments"), "\n"),
		OfficerName: strings.TrimSpace(r.PostFormValue("officerName")), OfficerPhone: strings.TrimSpace(r.PostFormValue("officerPhone")),
		OfficerEmail: strings.TrimSpace(r.PostFormValue("officerEmail"))}
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
	var bilagor []store.Document
	for _, d := range docs {
		if d.Kind == "bilaga" && d.AssignmentID == a.ID {
			bilagor = append(bilagor, d)
		}
	}
	data := map[string]any{"Assignment": a, "Remiss": rm, "OrgName": org.Name, "State": a.State.Label(), "Bilagor": bilagor,
		"CanEdit":    p.User.Role == remiss.RoleOfficer && (a.State == remiss.StateAssigned || a.State == remiss.StateDrafting || a.State == remiss.StateSent),
		"CanApprove": p.User.Role == remiss.RoleSignatory && a.State == remiss.StateSubmitted}
	if a.ResponseVersionID != "" {
		v, err := s.Store.ResponseVersion(ctx, a.ResponseVersionID)
		if err != nil {
			return nil, err
		}
		data["Version"], data["SHA256"] = v.Content, v.SHA256
		if len(p.Form) == 0 {
			for k, val := range responseForm(v.Content) {
				p.Form[k] = val
			}
		}
	}
	if err := s.routeData(ctx, p, a, data); err != nil {
		return nil, err
	}
	return data, nil
}

func (s *Server) assignmentPage(w http.ResponseWriter, r *http.Request, p page) error {
	a, rm, err := s.ownAssignment(r.Context(), p.User, r.PathValue("id"))
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
	var rej *rounds.Rejection
	if !errors.As(err, &rej) || rej.Kind == rounds.NotFound {
		return err
	}
	a, rm, lerr := s.ownAssignment(r.Context(), p.User, r.PathValue("id"))
	if lerr != nil {
		return lerr
	}
	for k, v := range r.PostForm {
		if k != "csrf" && len(v) > 0 {
			p.Form[k] = v[0]
		}
	}
	p.Errors, p.Error = fieldsTop(rej.Fields), rej.Reason
	if len(rej.Fields) > 0 {
		p.Error = "Formuläret innehåller fel; se markerade fält."
	}
	if p.Data, lerr = s.assignmentData(r.Context(), p, a, rm); lerr != nil {
		return lerr
	}
	p.Title = rm.Title
	s.render(w, map[rounds.Kind]int{rounds.Invalid: 422, rounds.Forbidden: 403, rounds.Conflict: 409}[rej.Kind], "assignment", p)
	return nil
}

func (s *Server) postAnswer(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	c := formResponse(r)
	switch r.PostFormValue("action") {
	case "preview":
		if err := answerRules.Struct(c); err != nil {
			var fields validate.Errors
			errors.As(err, &fields)
			return s.formError(w, r, p, &rounds.Rejection{Kind: rounds.Invalid, Reason: "ogiltiga uppgifter", Fields: fields})
		}
		a, rm, err := s.ownAssignment(r.Context(), p.User, id)
		if err != nil {
			return err
		}
		org, err := s.Store.Org(r.Context(), a.Org)
		if err != nil {
			return err
		}
		b, err := pdf.Statement(pdf.StatementOf(rm.Dnr, rm.Title, org, c, s.Now(), false))
		if err != nil {
			return err
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
		return s.formError(w, r, p, rejectField("bilaga", "Välj en PDF-fil"))
	}
	body, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return err
	}
	if _, err := s.storeAttachment(r.Context(), p.User, id, hdr.Filename, body); err != nil {
		return s.formError(w, r, p, err)
	}
	return redirect(w, r, "/uppdrag/"+id, "bilaga")
}

func (s *Server) postDecline(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	if _, err := s.Rounds.Decline(r.Context(), p.User.Actor(), id, r.PostFormValue("reason")); err != nil {
		return s.formError(w, r, p, err)
	}
	return redirect(w, r, "/uppdrag/"+id, "avstar")
}

func (s *Server) postExtension(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	_, err := s.Rounds.RequestExtension(r.Context(), p.User.Actor(), id, strings.TrimSpace(r.PostFormValue("until")), r.PostFormValue("extensionReason"))
	var rej *rounds.Rejection
	if errors.As(err, &rej) {
		for i, f := range rej.Fields {
			if f.Field == "reason" {
				rej.Fields[i].Field = "extensionReason"
			}
		}
	}
	if err != nil {
		return s.formError(w, r, p, err)
	}
	return redirect(w, r, "/uppdrag/"+id, "anstand")
}

func (s *Server) postApprove(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	if _, err := s.Rounds.Approve(r.Context(), p.User.Actor(), id, r.PostFormValue("sha256")); err != nil {
		return s.formError(w, r, p, err)
	}
	return redirect(w, r, "/uppdrag/"+id, "godkand")
}

func (s *Server) postReturn(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	if _, err := s.Rounds.Return(r.Context(), p.User.Actor(), id, r.PostFormValue("comment")); err != nil {
		var rej *rounds.Rejection
		if errors.As(err, &rej) {
			for i := range rej.Fields {
				if rej.Fields[i].Field == "reason" {
					rej.Fields[i].Field = "comment"
				}
			}
		}
		return s.formError(w, r, p, err)
	}
	return redirect(w, r, "/uppdrag/"+id, "atersand")
}

// --- Archive ---

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
		_, asgs, err := s.visibleRemiss(r.Context(), p.User, rm.ID)
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
			if !mayRead(p.User, d, asgs) {
				continue
			}
			hay := strings.ToLower(rm.Dnr + " " + rm.Title + " " + d.Filename + " " + d.AssignmentID + " " + d.CreatedAt.Format("2006-01-02"))
			if q != "" && !strings.Contains(hay, q) {
				continue
			}
			rows = append(rows, archiveRow{ID: d.ID, Dnr: rm.Dnr, Title: rm.Title, Kind: d.Kind, Filename: d.Filename,
				Date: d.CreatedAt.In(remiss.Stockholm).Format("2006-01-02")})
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
	p.Title, p.Data = "Verifiering", s.verify(d)
	s.render(w, http.StatusOK, "verification", p)
	return nil
}
