package e2e

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/workflows"
)

// browser is a user with a cookie jar who follows no redirects itself.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (b *browser) get(path string) (int, string, http.Header) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func (b *browser) post(path string, form url.Values) (int, string, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header.Get("Location")
}

var reCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) csrf(path string) string {
	b.t.Helper()
	_, body, _ := b.get(path)
	m := reCSRF.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

func (b *browser) login(user string) {
	b.t.Helper()
	code, _, loc := b.post("/logga-in", url.Values{"csrf": {b.csrf("/logga-in")}, "username": {user}, "password": {"demo"}})
	if code != http.StatusSeeOther || loc != "/" {
		b.t.Fatalf("login %s: %d %s", user, code, loc)
	}
}

// TestPages walks a round through the pages as each role would, without
// JavaScript: forms, redirects, errors next to fields, access per
// organisation.
func TestPages(t *testing.T) {
	e, ctx, base := served(t)
	srv := struct{ URL string }{base}

	anon := newBrowser(t, srv.URL)
	if code, _, h := anon.get("/remisser"); code != http.StatusSeeOther || h.Get("Location") != "/logga-in" {
		t.Errorf("logged out: %d %s", code, h.Get("Location"))
	}
	code, body, h := anon.get("/logga-in")
	if code != 200 || !strings.Contains(body, `<label for="username">`) || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("login page %d, CSP %q", code, h.Get("Content-Security-Policy"))
	}
	if code, body, _ := anon.post("/logga-in", url.Values{"csrf": {anon.csrf("/logga-in")}, "username": {"ks.samordnare"}, "password": {"fel"}}); code != 401 || !strings.Contains(body, "Fel användarnamn eller lösenord") {
		t.Errorf("wrong password: %d", code)
	}
	if code, _, _ := anon.post("/logga-in", url.Values{"username": {"ks.samordnare"}, "password": {"demo"}}); code != http.StatusForbidden {
		t.Errorf("a login form without its CSRF token: %d", code)
	}

	coord := newBrowser(t, srv.URL)
	coord.login("ks.samordnare")
	token := coord.csrf("/remisser/ny")
	if code, _, _ := coord.post("/remisser", url.Values{"dnr": {"KS 2026/950-1"}}); code != http.StatusForbidden {
		t.Errorf("a form without its CSRF token: %d", code)
	}
	code, body, _ = coord.post("/remisser", url.Values{"csrf": {token}, "dnr": {"fel"}, "title": {"Smart stad, första försöket"},
		"deadline": {"2020-01-01"}, "reminders": {"14d"}, "kf": {"1"}})
	if code != 422 || !strings.Contains(body, "Ogiltigt diarienummer") || !strings.Contains(body, "Datumet måste ligga i framtiden") ||
		!strings.Contains(body, `value="Smart stad, första försöket"`) || !strings.Contains(body, `aria-invalid="true"`) ||
		!strings.Contains(body, `name="kf" value="1" checked`) ||
		!strings.Contains(body, `class="error-summary"`) || !strings.Contains(body, `<a href="#dnr">Ogiltigt diarienummer`) {
		t.Errorf("invalid round form: %d\n%s", code, body)
	}
	deadline := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	code, _, loc := coord.post("/remisser", url.Values{"csrf": {token}, "dnr": {"KS 2026/950-1"},
		"title": {"Strategi för Stockholm som smart och uppkopplad stad"}, "deadline": {deadline},
		"description": {"Kommunfullmäktige har beslutat att en strategi ska tas fram."},
		"recipients":  {"bromma", "farsta"}, "reminders": {"14d", "3d"}, "kf": {"1"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/remisser/ks-2026-950-1") {
		t.Fatalf("launch: %d %s", code, loc)
	}
	id := "ks-2026-950-1"
	if r, err := e.store.RemissHead(ctx, id); err != nil || !slices.Equal(r.Path, []string{"slk", "borgarradsberedningen", "ks", "kf"}) {
		t.Errorf("decision path %v %v, want it to end with kommunfullmäktige", r.Path, err)
	}
	waitStarted(t, ctx, e.c, []string{"bromma", "farsta"}, id)
	if _, body, _ := coord.get(loc); !strings.Contains(body, "Remissen är utskickad.") || !strings.Contains(body, "Bromma stadsdelsnämnd") {
		t.Errorf("round page after launch:\n%s", body)
	}

	asg := remiss.AssignmentID(id, "bromma")
	reg := newBrowser(t, srv.URL)
	reg.login("bromma.registrator")
	if _, body, _ := reg.get("/inkorg"); !strings.Contains(body, "KS 2026/950-1") || strings.Contains(body, "farsta") {
		t.Errorf("inbox:\n%s", body)
	}
	if code, _, _ := reg.post("/uppdrag/"+asg+"/fordela", url.Values{"csrf": {reg.csrf("/inkorg")}, "officer": {"bromma.handlaggare"}}); code != http.StatusSeeOther {
		t.Fatalf("assign: %d", code)
	}

	off := newBrowser(t, srv.URL)
	off.login("bromma.handlaggare")
	// The officer reads what the remiss is about where they answer it.
	if _, body, _ := off.get("/uppdrag/" + asg); !strings.Contains(body, "Kommunfullmäktige har beslutat att en strategi ska tas fram.") ||
		!strings.Contains(body, `href="/dokument/missiv.`+id+`">Missiv</a>`) || !strings.Contains(body, `<a href="/arkiv">Arkiv</a>`) {
		t.Errorf("the assignment page does not show the remiss:\n%s", body)
	}
	// Half an answer is saved as a draft; an error in the anstånd form
	// leaves it on the page.
	if code, _, _ := off.post("/uppdrag/"+asg+"/svar", url.Values{"csrf": {off.csrf("/uppdrag/" + asg)}, "action": {"draft"},
		"summary": {"Vi har bara hunnit börja."}}); code != http.StatusSeeOther {
		t.Errorf("saving half an answer: %d", code)
	}
	if code, body, _ := off.post("/uppdrag/"+asg+"/anstand", url.Values{"csrf": {off.csrf("/uppdrag/" + asg)}, "until": {"i morgon"}, "reason": {"Vi behöver tid."}}); code != 422 ||
		!strings.Contains(body, "Vi har bara hunnit börja.") || !strings.Contains(body, "Vi behöver tid.") {
		t.Errorf("an anstånd error blanks the answer: %d\n%s", code, body)
	}
	token = off.csrf("/uppdrag/" + asg)
	form := url.Values{"csrf": {token}, "action": {"submit"}, "proposals": {""}, "summary": {"Vi tillstyrker."},
		"opinions": {"Förvaltningen delar bedömningen – ”viktigt”."}, "signatories": {"Lars Wennberg, tf stadsdelsdirektör"},
		"officerName": {"Monica Slama"}}
	code, body, _ = off.post("/uppdrag/"+asg+"/svar", form)
	if code != 422 || !strings.Contains(body, `id="proposals-error"`) || !strings.Contains(body, "Förvaltningen delar bedömningen – ”viktigt”.") {
		t.Errorf("submit without proposals: %d\n%s", code, body)
	}
	form.Set("proposals", "Nämnden godkänner tjänsteutlåtandet.\nBeslutet justeras omedelbart.")
	form.Set("action", "preview")
	resp, err := off.c.PostForm(srv.URL+"/uppdrag/"+asg+"/svar", form)
	if err != nil {
		t.Fatal(err)
	}
	pdfBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdfBody), "%PDF-") {
		t.Errorf("preview: %s", resp.Header.Get("Content-Type"))
	}
	form.Set("action", "submit")
	if code, _, _ := off.post("/uppdrag/"+asg+"/svar", form); code != http.StatusSeeOther {
		t.Fatalf("submit: %d", code)
	}

	// The chef sends the answer back with a comment, which the officer
	// then reads on the page; the officer asks for anstånd and sees it
	// wait, and KS sees its reason; then the officer submits again.
	chef := newBrowser(t, srv.URL)
	chef.login("bromma.chef")
	if code, _, _ := chef.post("/uppdrag/"+asg+"/atersand", url.Values{"csrf": {chef.csrf("/uppdrag/" + asg)}, "comment": {"Komplettera bakgrunden, tack."}}); code != http.StatusSeeOther {
		t.Fatalf("return: %d", code)
	}
	if _, body, _ := off.get("/uppdrag/" + asg); !strings.Contains(body, "Återsänt för komplettering") || !strings.Contains(body, "Komplettera bakgrunden, tack.") {
		t.Errorf("the officer does not see the chef's comment:\n%s", body)
	}
	until := time.Now().AddDate(0, 3, 0).Format("2006-01-02")
	if code, _, _ := off.post("/uppdrag/"+asg+"/anstand", url.Values{"csrf": {off.csrf("/uppdrag/" + asg)}, "until": {until}, "reason": {"Nämnden sammanträder först i april."}}); code != http.StatusSeeOther {
		t.Fatalf("anstånd: %d", code)
	}
	if _, body, _ := off.get("/uppdrag/" + asg); !strings.Contains(body, "Anstånd till "+until+" är begärt") || !strings.Contains(body, "Nämnden sammanträder först i april.") {
		t.Errorf("the officer does not see their pending anstånd:\n%s", body)
	}
	if _, body, _ := coord.get("/remisser/" + id); !strings.Contains(body, "Skäl: Nämnden sammanträder först i april.") {
		t.Errorf("KS does not see the reason for the anstånd:\n%s", body)
	}
	form.Set("csrf", off.csrf("/uppdrag/"+asg))
	if code, _, _ := off.post("/uppdrag/"+asg+"/svar", form); code != http.StatusSeeOther {
		t.Fatalf("submit again: %d", code)
	}
	// The inbox names the officer, not their username.
	if u, err := e.store.User(ctx, "bromma.handlaggare"); err != nil || u.DisplayName == "" {
		t.Fatalf("the officer: %+v %v", u, err)
	} else if _, body, _ := reg.get("/inkorg"); !strings.Contains(body, ">"+u.DisplayName+"</td>") {
		t.Errorf("the inbox does not name the officer %q:\n%s", u.DisplayName, body)
	}

	// Links land where their reader may look: KS following a link to an
	// answer comes to its row on the round page, a recipient following the
	// missiv's link to the round comes to its own assignment.
	if code, _, h := coord.get("/uppdrag/" + asg); code != http.StatusSeeOther || h.Get("Location") != "/remisser/"+id+"#bromma" {
		t.Errorf("KS on an answer's link: %d %s", code, h.Get("Location"))
	}
	if code, _, h := off.get("/remisser/" + id); code != http.StatusSeeOther || h.Get("Location") != "/uppdrag/"+asg {
		t.Errorf("a recipient on the round's link: %d %s", code, h.Get("Location"))
	}
	foreign := newBrowser(t, srv.URL)
	foreign.login("farsta.chef")
	if code, _, _ := foreign.get("/uppdrag/" + asg); code != 404 {
		t.Errorf("another organisation's assignment: %d", code)
	}

	_, body, _ = chef.get("/uppdrag/" + asg + "/godkann")
	sha := regexp.MustCompile(`name="sha256" value="([0-9a-f]{64})"`).FindStringSubmatch(body)
	if sha == nil || !strings.Contains(body, "Nämnden godkänner tjänsteutlåtandet.") {
		t.Fatalf("approval page:\n%s", body)
	}
	if code, _, _ := chef.post("/uppdrag/"+asg+"/godkann", url.Values{"csrf": {chef.csrf("/uppdrag/" + asg)}, "sha256": {sha[1]}}); code != http.StatusSeeOther {
		t.Fatalf("approve: %d", code)
	}

	// Before closing or withdrawing, KS is told what follows: who has not
	// answered, which anstånd waits, who will be told.
	if code, body, _ := coord.get("/remisser/" + id + "/stang"); code != 200 || !strings.Contains(body, "1 har inte svarat") ||
		!strings.Contains(body, "Farsta stadsdelsnämnd") ||
		!strings.Contains(body, `action="/remisser/`+id+`/stang"`) {
		t.Errorf("close confirmation: %d\n%s", code, body)
	}
	if _, body, _ := coord.get("/remisser/" + id + "/aterkalla"); !strings.Contains(body, "Alla 2 remissinstanser får ett meddelande") {
		t.Errorf("withdraw confirmation:\n%s", body)
	}
	if code, _, _ := off.get("/remisser/" + id + "/stang"); code != http.StatusForbidden {
		t.Errorf("close confirmation for an officer: %d", code)
	}

	// Farsta declines; the round closes; the registrator finds and verifies.
	fChef := newBrowser(t, srv.URL)
	fChef.login("farsta.chef")
	if code, _, _ := fChef.post("/uppdrag/"+remiss.AssignmentID(id, "farsta")+"/avsta", url.Values{"csrf": {fChef.csrf("/uppdrag")}, "reason": {"Berör inte nämnden."}}); code != http.StatusSeeOther {
		t.Fatalf("decline: %d", code)
	}
	e.writeKSStatement(ctx, id, false)
	var st workflows.RemissStatus
	if err := e.c.GetWorkflow(ctx, workflows.RemissWorkflowID(id), "").Get(ctx, &st); err != nil {
		t.Fatal(err)
	}
	_, body, _ = reg.get("/arkiv?visa=avslutade&q=950")
	if !strings.Contains(body, "statement."+asg) || strings.Contains(body, "statement."+remiss.AssignmentID(id, "farsta")) {
		t.Errorf("archive:\n%s", body)
	}
	if _, body, _ := reg.get("/dokument/statement." + asg + "/verifiering"); !strings.Contains(body, "<strong>Giltig</strong>") {
		t.Errorf("verification page:\n%s", body)
	}
	if _, body, _ := coord.get("/remisser/" + id); !strings.Contains(body, "Skäl: Berör inte nämnden.") {
		t.Errorf("KS does not see why Farsta declined:\n%s", body)
	}
	if _, body, _ := coord.get("/remisser?visa=avslutade"); !strings.Contains(body, "Besvarade: 1 · Avstår: 1 · Pågår: 0 · Utan svar: 0") {
		t.Errorf("rounds page:\n%s", body)
	}

	// A whole group at once, and the remissunderlag with the form; a file
	// that is not a PDF is refused by its content and nothing is launched.
	multipartPost := func(file []byte) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range map[string]string{"csrf": coord.csrf("/remisser/ny"), "dnr": "KS 2026/950-2", "title": "Bolagens remiss",
			"deadline": deadline, "groups": "bolag", "reminders": "14d"} {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("underlag", "underlag.pdf")
		fw.Write(file)
		mw.Close()
		resp, err := coord.c.Post(srv.URL+"/remisser", mw.FormDataContentType(), &buf)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := multipartPost([]byte("GIF89a, not a PDF")); code != 422 || !strings.Contains(body, "Filen är inte en PDF") {
		t.Errorf("non-PDF underlag: %d", code)
	}
	missiv, _ := e.store.Document(ctx, "missiv."+id)
	if code, _ := multipartPost(missiv.Content); code != http.StatusSeeOther {
		t.Fatalf("launch with underlag: %d", code)
	}
	r, err := e.store.Remiss(ctx, "ks-2026-950-2")
	if err != nil || strings.Join(r.Recipients, ",") != "stokab,stockholm-business-region" && strings.Join(r.Recipients, ",") != "stockholm-business-region,stokab" {
		t.Errorf("group launch: %v %v", r.Recipients, err)
	}
	docs, _ := e.store.DocumentList(ctx, "ks-2026-950-2")
	stored := false
	for _, d := range docs {
		stored = stored || d.Kind == "underlag"
	}
	if !stored {
		t.Errorf("underlag not stored: %+v", docs)
	}
}

// TestPagesDecisions walks decision routing through the pages: the
// calendar, the route and decision forms with errors next to their fields,
// the agenda, the round page's routes and the decision path.
func TestPagesDecisions(t *testing.T) {
	e, ctx, base := served(t)
	today := time.Now().In(remiss.Stockholm).Format("2006-01-02")

	reg := newBrowser(t, base)
	reg.login("bromma.registrator")
	if code, body, _ := reg.get("/sammantraden"); code != 200 || !strings.Contains(body, `<label for="agendaDeadline">`) || !strings.Contains(body, `href="/dagordning"`) {
		t.Fatalf("calendar page: %d\n%s", code, body)
	}
	code, body, _ := reg.post("/sammantraden", url.Values{"csrf": {reg.csrf("/sammantraden")}, "date": {"snart"}, "agendaDeadline": {today}, "place": {"Brommasalen"}})
	if code != 422 || !strings.Contains(body, `id="date-error"`) || !strings.Contains(body, `value="Brommasalen"`) {
		t.Errorf("invalid meeting: %d\n%s", code, body)
	}
	if code, _, loc := reg.post("/sammantraden", url.Values{"csrf": {reg.csrf("/sammantraden")}, "date": {today}, "agendaDeadline": {today}, "place": {"Brommasalen"}}); code != http.StatusSeeOther || loc != "/sammantraden?ok=sammantrade" {
		t.Fatalf("add meeting: %d %s", code, loc)
	}
	if code, body, _ := reg.post("/beslutsvag", url.Values{"csrf": {reg.csrf("/sammantraden")}, "route": {"kanske"}, "delegationRef": {"3.2"}}); code != 422 || !strings.Contains(body, `id="route-error"`) {
		t.Errorf("invalid default route: %d", code)
	}
	if _, body, _ := reg.get("/uppdrag/nope.bromma"); !strings.Contains(body, "Sidan finns inte") {
		t.Errorf("unknown assignment page:\n%s", body)
	}
	other := newBrowser(t, base)
	other.login("bromma.handlaggare")
	if code, _, _ := other.get("/sammantraden"); code != http.StatusForbidden {
		t.Errorf("calendar as an officer: %d", code)
	}

	id := "ks-2026-990-1"
	if _, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{Dnr: "KS 2026/990-1", Title: "Beslut i nämnd",
		Deadline: time.Now().AddDate(0, 2, 0).Format("2006-01-02"), Recipients: []string{"bromma", "farsta"}}); err != nil {
		t.Fatal(err)
	}
	waitStarted(t, ctx, e.c, []string{"bromma", "farsta"}, id)
	asg, farsta := remiss.AssignmentID(id, "bromma"), remiss.AssignmentID(id, "farsta")
	meeting := remiss.MeetingID("bromma", today)
	code, body, _ = reg.post("/uppdrag/"+asg+"/beslutsvag", url.Values{"csrf": {reg.csrf("/uppdrag/" + asg)}, "route": {"namnd"}, "meeting": {"bromma.2099-01-01"}})
	if code != 422 || !strings.Contains(body, `id="routeMeeting-error"`) {
		t.Errorf("route to an unknown meeting: %d\n%s", code, body)
	}
	if code, _, _ := reg.post("/uppdrag/"+asg+"/beslutsvag", url.Values{"csrf": {reg.csrf("/uppdrag/" + asg)}, "route": {"namnd"}, "meeting": {meeting}}); code != http.StatusSeeOther {
		t.Fatalf("route: %d", code)
	}
	// Farsta's nämnd has no meeting before the svarsdatum.
	if _, err := e.svc.SetRoute(ctx, e.user("farsta.registrator"), farsta, remiss.RouteNamnd, ""); err != nil {
		t.Fatal(err)
	}
	coord := newBrowser(t, base)
	coord.login("ks.samordnare")
	for limit := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		_, body, _ = coord.get("/remisser/" + id)
		if strings.Contains(body, "Behöver anstånd: inget sammanträde före svarsdatum") && strings.Contains(body, "Sammanträde "+today) {
			break
		}
		if time.Now().After(limit) {
			t.Fatalf("round page without routes:\n%s", body)
		}
	}

	if err := e.answer(ctx, asg, "bromma"); err != nil {
		t.Fatal(err)
	}
	for limit := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if a, _ := e.store.Assignment(ctx, asg); a.State == remiss.StateOnAgenda {
			break
		}
		if time.Now().After(limit) {
			t.Fatal("not on the agenda")
		}
	}
	if _, body, _ := reg.get("/dagordning"); !strings.Contains(body, "Sammanträdet "+today) || !strings.Contains(body, `href="/uppdrag/`+asg+`"`) {
		t.Errorf("agenda page:\n%s", body)
	}
	_, body, _ = reg.get("/uppdrag/" + asg)
	if !strings.Contains(body, "Registrera beslut") || !strings.Contains(body, "På dagordningen för beslut") {
		t.Fatalf("assignment page on the agenda:\n%s", body)
	}
	form := url.Values{"csrf": {reg.csrf("/uppdrag/" + asg)}, "meeting": {meeting}, "paragraph": {""}, "decision": {"andrat"},
		"wording": {"Nämnden ställer sig bakom förslaget med ändringen att ”uppkopplad” stryks."}, "adjusters": {"Anna Andersson\nBo Berg"}, "adjustOn": {today}}
	code, body, _ = reg.post("/uppdrag/"+asg+"/beslut", form)
	if code != 422 || !strings.Contains(body, `id="paragraph-error"`) || !strings.Contains(body, "med ändringen att ”uppkopplad” stryks.") {
		t.Errorf("decision without a paragraph: %d\n%s", code, body)
	}
	form.Set("paragraph", "12")
	if code, _, _ := reg.post("/uppdrag/"+asg+"/beslut", form); code != http.StatusSeeOther {
		t.Fatalf("decision: %d", code)
	}
	// Farsta declines on delegation: the chef's decline takes effect at once
	// (for the nämnd it would go on its agenda).
	if _, err := e.svc.SetRoute(ctx, e.user("farsta.registrator"), farsta, remiss.RouteDelegation, ""); err != nil {
		t.Fatal(err)
	}
	fChef := newBrowser(t, base)
	fChef.login("farsta.chef")
	if code, _, _ := fChef.post("/uppdrag/"+farsta+"/avsta", url.Values{"csrf": {fChef.csrf("/uppdrag")}, "reason": {"Berör inte nämnden."}}); code != http.StatusSeeOther {
		t.Fatalf("decline: %d", code)
	}

	// The round closes, KS writes and approves its own statement, and
	// kommunstyrelsens registrator records the first step.
	e.writeKSStatement(ctx, id, false)
	ks := newBrowser(t, base)
	ks.login("ks.registrator")
	for limit := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		_, body, _ = ks.get("/remisser/" + id)
		if strings.Contains(body, "Registrera godkännande: Stadsledningskontoret") {
			break
		}
		if time.Now().After(limit) {
			t.Fatalf("no step form:\n%s", body)
		}
	}
	// Stadsledningskontoret is an office: its form asks for no § and no
	// justering, and a § sent all the same is refused.
	screenshotPage(t, base, "ks.registrator", "/remisser/"+id, "beslutsgang-kontor")
	if form := body[strings.Index(body, "Registrera godkännande"):]; strings.Contains(form, `name="paragraph"`) || strings.Contains(form, `name="adjusters"`) {
		t.Errorf("the office's step form asks for a § or justerare:\n%s", form)
	}
	code, body, _ = ks.post("/remisser/"+id+"/beslutsgang", url.Values{"csrf": {ks.csrf("/remisser/" + id)}, "step": {"slk"}, "paragraph": {"3"}, "decision": {"godkanner"}})
	if code != 422 || !strings.Contains(body, "håller inga sammanträden") {
		t.Errorf("an office's approval with a §: %d\n%s", code, body)
	}
	if code, _, _ := ks.post("/remisser/"+id+"/beslutsgang", url.Values{"csrf": {ks.csrf("/remisser/" + id)}, "step": {"slk"}, "decision": {"godkanner"}}); code != http.StatusSeeOther {
		t.Fatalf("approval: %d", code)
	}
	// Borgarrådsberedningen meets: § and justering, the justerare named
	// also when it is justerad at once.
	brb := url.Values{"csrf": {ks.csrf("/remisser/" + id)}, "step": {"borgarradsberedningen"}, "paragraph": {"3"}, "decision": {"tillstyrker"}, "immediate": {"1"}}
	if _, body, _ = ks.get("/remisser/" + id); !strings.Contains(body, "Registrera beslut: Borgarrådsberedningen") || !strings.Contains(body, `name="paragraph"`) {
		t.Errorf("the beredning's step form lacks its §:\n%s", body)
	}
	screenshotPage(t, base, "ks.registrator", "/remisser/"+id, "beslutsgang-beredning")
	if code, body, _ = ks.post("/remisser/"+id+"/beslutsgang", brb); code != 422 || !strings.Contains(body, `id="adjusters-error"`) {
		t.Errorf("a step justerad at once without its justerare: %d\n%s", code, body)
	}
	brb.Set("adjusters", "Cecilia Ek")
	byCoord := url.Values{"csrf": {coord.csrf("/remisser/" + id)}, "step": brb["step"], "paragraph": brb["paragraph"], "decision": brb["decision"], "immediate": brb["immediate"], "adjusters": brb["adjusters"]}
	if code, _, _ := coord.post("/remisser/"+id+"/beslutsgang", byCoord); code != http.StatusForbidden {
		t.Errorf("step by the Coordinator: %d", code)
	}
	if code, _, _ := ks.post("/remisser/"+id+"/beslutsgang", brb); code != http.StatusSeeOther {
		t.Fatalf("step: %d", code)
	}
	for limit := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		_, body, _ = coord.get("/remisser/" + id)
		if strings.Count(body, `href="/dokument/minutes.`) >= 2 && strings.Contains(body, "Kommunstyrelsen: Bereds nu") &&
			strings.Contains(body, "Stadsledningskontoret: Godkänt") && strings.Contains(body, "Inget: ett godkännande utan sammanträde") {
			break
		}
		if time.Now().After(limit) {
			t.Fatalf("decision path on the round page:\n%s", body)
		}
	}
}
