package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/templates"
)

// english are words a reader must not meet on a page or in a message:
// the system's own names for states, kinds, roles and routes, and the
// words of Go's and the browser's default answers.
var english = regexp.MustCompile(`(?i)\b(statement|minutes|summary|underlag\.|open|closed|withdrawn|sent|assigned|drafting|submitted|approved|` +
	`answered|declined|missed|on-agenda|all-done|coordinator|registrar|officer|signatory|admin|namnd|stadsdelsnamnd|facknamnd|` +
	`page|not found|error|invalid|forbidden|conflict|internal|unauthorized|method|allowed|request|the|and|of|with|your|please|` +
	`deadline|reminder|draft|document|verify|download|true|false|nil|null|undefined|UTC)\b`)

var (
	tags      = regexp.MustCompile(`(?s)<[^>]*>`)
	rfc3339   = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d`)
	messageEl = regexp.MustCompile(`(?s)class="(?:flash|error|field-error)"[^>]*>(.*?)</`)
)

// visible is the text of a page a reader sees: without tags, with the
// entities read; without what users wrote in the fields of a form.
func visible(page string) string {
	page = regexp.MustCompile(`(?s)<head>.*</head>|<textarea[^>]*>.*?</textarea>`).ReplaceAllString(page, "")
	return html.UnescapeString(tags.ReplaceAllString(page, " "))
}

// checkWords fails for English in text, a time in RFC 3339, and a message
// (flash, error) that does not begin with a capital letter.
func checkWords(t *testing.T, what, page string) {
	t.Helper()
	text := visible(page)
	if m := english.FindAllString(text, -1); len(m) > 0 {
		t.Errorf("%s: English %q in\n%s", what, m, strings.Join(strings.Fields(text), " "))
	}
	if m := rfc3339.FindString(text); m != "" {
		t.Errorf("%s: a time as %q", what, m)
	}
	for _, m := range messageEl.FindAllStringSubmatch(page, -1) {
		msg := strings.TrimSpace(visible(m[1]))
		if r := []rune(msg); len(r) > 0 && unicode.IsLower(r[0]) {
			t.Errorf("%s: message %q begins with a small letter", what, msg)
		}
	}
	if strings.Contains(page, `type="date"`) {
		t.Errorf("%s: a date field in the browser's language", what)
	}
}

// TestNoEnglishOnAnyPage opens every page, as each role sees it, over
// rounds in every state, and every error page; then every message the
// rounds sent and every message kind there is.
func TestNoEnglishOnAnyPage(t *testing.T) {
	ts := worldSite(t)
	ctx := context.Background()
	openAsg := func(org string) string { return "/uppdrag/" + remiss.AssignmentID(openRound, org) }
	docs := []string{}
	for _, id := range []string{openRound, closedRound, pathRound, goneRound} {
		list, _ := ts.store.DocumentList(ctx, id)
		for _, d := range list {
			if d.Kind != "bilaga" { // a bilaga is its organisation's until the answer is
				docs = append(docs, "/dokument/"+d.ID+"/verifiering")
			}
		}
	}
	pages := map[string][]string{
		"ks.samordnare": append([]string{"/", "/remisser?visa=avslutade&sortera=titel&ordning=fallande", "/remisser", "/remisser/ny", "/remisser/" + openRound, "/remisser/" + closedRound,
			"/remisser/" + pathRound, "/remisser/" + goneRound, "/remisser/" + openRound + "/stang", "/remisser/" + openRound + "/aterkalla",
			"/arkiv", "/arkiv?q=trafik", "/arkiv?visa=avslutade&lage=tjansteutlatande"}, docs...),
		"ks.registrator":            {"/", "/remisser/" + pathRound, "/remisser/" + closedRound, "/inkorg", "/sammantraden", "/dagordning"},
		"bromma.registrator":        {"/", "/inkorg?visa=avslutade", "/inkorg", "/sammantraden", "/delegationsbeslut", "/dagordning", openAsg("bromma"), "/arkiv", "/uppdrag/" + remiss.AssignmentID(closedRound, "bromma")},
		"alvsjo.registrator":        {openAsg("alvsjo"), "/dagordning", "/sammantraden"},
		"stokab.registrator":        {"/inkorg", "/sammantraden", "/dagordning", openAsg("stokab") + "?ok=avstar"},
		"stokab.handlaggare":        {"/uppdrag", openAsg("stokab")},
		"skarholmen.chef":           {"/", "/uppdrag", openAsg("skarholmen"), "/dokument/bilaga." + remiss.AssignmentID(openRound, "skarholmen") + "/verifiering"},
		"farsta.handlaggare":        {"/", "/uppdrag?sida=x&ar=1&sortera=z", openAsg("farsta")},
		"rinkeby-kista.handlaggare": {openAsg("rinkeby-kista")},
	}
	for user, paths := range pages {
		cookie, _ := ts.session(user)
		for _, p := range paths {
			code, body, _ := ts.do(request("GET", p, "", "", cookie, ""))
			if code != http.StatusOK {
				t.Errorf("%s %s: %d", user, p, code)
			}
			checkWords(t, user+" "+p, body)
			if testing.Verbose() {
				t.Logf("%s %s:\n%s", user, p, strings.Join(strings.Fields(visible(body)), " "))
			}
		}
	}
	// The error pages, and forms shown again with their problems.
	cookie, csrf := ts.session("ks.samordnare")
	for p, want := range map[string]int{"/finns-inte": 404, "/uppdrag/" + remiss.AssignmentID(openRound, "nope"): 404,
		"/dokument/nope/verifiering": 404, "/static/nope.css": 404, "/sammantraden": 403} {
		code, body, _ := ts.do(request("GET", p, "", "", cookie, ""))
		if code != want {
			t.Errorf("GET %s: %d, want %d", p, code, want)
		}
		checkWords(t, "error page "+p, body)
		if testing.Verbose() {
			t.Logf("%s:\n%s", p, strings.Join(strings.Fields(visible(body)), " "))
		}
	}
	for _, c := range []struct {
		method, path, form string
		want               int
	}{
		{"DELETE", "/arkiv", "", 405},
		{"POST", "/remisser", url.Values{"csrf": {csrf}, "dnr": {"fel"}, "deadline": {"2020-01-01"}, "reminders": {"7d", "1d"}}.Encode(), 422},
		{"POST", "/remisser", url.Values{"dnr": {"KS 2026/1-1"}}.Encode(), 403},
		{"POST", "/remisser/" + openRound + "/anstand/stokab", url.Values{"csrf": {csrf}, "approve": {"true"}, "until": {"snart"}}.Encode(), 422},
	} {
		code, body, _ := ts.do(request(c.method, c.path, "application/x-www-form-urlencoded", c.form, cookie, ""))
		if code != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, code, c.want)
		}
		checkWords(t, c.method+" "+c.path, body)
		if testing.Verbose() {
			t.Logf("%s %s:\n%s", c.method, c.path, strings.Join(strings.Fields(visible(body)), " "))
		}
	}
	code, body, _ := ts.do(request("GET", "/logga-in", "", "", nil, ""))
	checkWords(t, "login", body)
	if code != 200 {
		t.Errorf("login page %d", code)
	}
	code, body, _ = ts.do(request("GET", "/api/v1/nope", "", "", nil, ""))
	if code != 404 || !strings.Contains(body, `"finns inte"`) {
		t.Errorf("an unknown API path: %d %s", code, body)
	}

	for _, id := range []string{openRound, closedRound, pathRound, goneRound} {
		out, err := ts.store.Outbox(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range out {
			checkMessage(t, m.Kind+" to "+m.Recipient, m.Subject, m.Body)
		}
	}
	for _, kind := range templates.Kinds() {
		subject, body, err := templates.Mail(kind, sampleMail)
		if err != nil {
			t.Fatal(err)
		}
		checkMessage(t, kind, subject, body)
	}
}

// sampleMail fills every field a message may show.
var sampleMail = templates.MailData{Org: "AB Stokab", OrgKind: remiss.KindBolag, Dnr: "KS 2026/100-1", Title: "Smart stad",
	Deadline: "2027-01-15", RoundDeadline: "2027-01-15", Until: "2027-02-15", Approved: true, Link: "http://localhost:8080/uppdrag/x",
	Recipient: "registrator.stokab@example.stockholm.se", Detail: "Påminnelse", Reason: "sigillets certifikat har gått ut",
	Items: []string{"AB Stokab: Under arbete, svarsdatum 2027-01-15"}, Events: []string{"2027-01-10: Farsta stadsdelsnämnd avstår"},
	Body: "Kommunstyrelsen", Verdict: "Bifall till förslaget", Paragraph: "§ 12", Meeting: "2027-01-20", AgendaDeadline: "2027-01-10"}

// checkMessage fails for a message with English in it, or a subject or a
// paragraph that does not begin with a capital letter.
func checkMessage(t *testing.T, what, subject, body string) {
	t.Helper()
	text := subject + "\n" + body
	// The link in the footer is an address, not words.
	text = regexp.MustCompile(`https?://\S+`).ReplaceAllString(text, "")
	if m := english.FindAllString(text, -1); len(m) > 0 {
		t.Errorf("%s: English %q in\n%s", what, m, text)
	}
	for _, p := range append([]string{subject}, strings.Split(body, "\n\n")...) {
		p = strings.TrimLeft(strings.TrimSpace(p), "- ")
		if r := []rune(p); len(r) > 0 && unicode.IsLower(r[0]) {
			t.Errorf("%s: %q begins with a small letter", what, p)
		}
	}
}

// TestWordsFitTheReader checks the words each reader meets: a bolag's
// pages and messages speak of its styrelse, never of a nämnd; the
// rounds list counts the recipients left without an answer; reminders
// are chosen in words, not typed as "14d"; times are written
// "ÅÅÅÅ-MM-DD kl. HH.MM" and sizes in kB.
func TestWordsFitTheReader(t *testing.T) {
	ts := worldSite(t)
	ctx := context.Background()
	get := func(user, path string) string {
		t.Helper()
		cookie, _ := ts.session(user)
		code, body, _ := ts.do(request("GET", path, "", "", cookie, ""))
		if code != http.StatusOK {
			t.Fatalf("%s %s: %d", user, path, code)
		}
		return body
	}
	stokab := "/uppdrag/" + remiss.AssignmentID(openRound, "stokab")
	for user, paths := range map[string][]string{"stokab.registrator": {"/inkorg", "/sammantraden", "/dagordning", stokab, stokab + "?ok=avstar"},
		"stokab.handlaggare": {"/uppdrag", stokab, stokab + "/avsta"}} {
		for _, p := range paths {
			if text := visible(get(user, p)); strings.Contains(strings.ToLower(text), "nämnd") {
				t.Errorf("%s %s speaks of a nämnd:\n%s", user, p, strings.Join(strings.Fields(text), " "))
			}
		}
	}
	if body := get("stokab.handlaggare", stokab); !strings.Contains(body, "Föreslå att bolaget avstår") ||
		!strings.Contains(body, "Bolagets synpunkter") || strings.Contains(body, "Förvaltningens synpunkter") {
		t.Error("the bolag's answer form does not speak as a bolag")
	}
	if body := get("stokab.handlaggare", stokab+"/avsta"); !strings.Contains(body, "Föreslå att bolaget avstår från att yttra sig?") ||
		!strings.Contains(body, "bolagets svar") {
		t.Error("the bolag's decline confirmation does not speak as the bolag")
	}
	if body := get("stokab.registrator", "/sammantraden"); !strings.Contains(body, "Beslut i styrelsen") || !strings.Contains(body, "Beslut av verkställande direktören") {
		t.Error("the bolag's routes do not name its styrelse and VD")
	}
	if body := get("stokab.registrator", stokab+"?ok=avstar"); !strings.Contains(body, "Bolaget avstår från att yttra sig.") {
		t.Error("the confirmation of a bolag's decline does not speak as the bolag")
	}
	if body := get("farsta.handlaggare", "/uppdrag/"+remiss.AssignmentID(openRound, "farsta")+"?ok=avstar"); !strings.Contains(body, "Nämnden avstår från att yttra sig.") {
		t.Error("the confirmation of a nämnd's decline")
	}
	// An office holds no meetings: its chef's approval is the decision.
	if body := visible(get("revisionskontoret.registrator", "/sammantraden")); !strings.Contains(body, "Kontoret håller inga sammanträden") ||
		!strings.Contains(body, "Beslut av kontorets chef") || strings.Contains(body, "Beslut i kontoret") || strings.Contains(body, "Lägg till ett sammanträde") {
		t.Errorf("an office's calendar:\n%s", strings.Join(strings.Fields(body), " "))
	}
	if body := visible(get("revisionskontoret.registrator", "/delegationsbeslut")); !strings.Contains(body, "Kontoret håller inga sammanträden") ||
		strings.Contains(body, "nämnd") || strings.Contains(body, "Markera som anmälda") {
		t.Errorf("an office's delegation decisions:\n%s", strings.Join(strings.Fields(body), " "))
	}
	for _, id := range []string{openRound, closedRound} {
		out, _ := ts.store.Outbox(ctx, id)
		for _, m := range out {
			if strings.HasPrefix(m.Recipient, "registrator.stokab@") && strings.Contains(m.Subject+m.Body, "nämnd") {
				t.Errorf("%s to the bolag speaks of a nämnd:\n%s\n%s", m.Kind, m.Subject, m.Body)
			}
		}
	}

	rounds := visible(get("ks.samordnare", "/remisser?visa=avslutade"))
	closed := rounds[strings.Index(rounds, "KS 2026/100-2"):]
	if !strings.Contains(closed, "Besvarade: 1 · Avstår: 0 · Pågår: 0 · Utan svar: 2") {
		t.Errorf("a closed round with two recipients that never answered:\n%s", strings.Join(strings.Fields(closed), " "))
	}

	body := get("ks.samordnare", "/remisser/ny")
	for _, want := range []string{`name="reminders" value="14d" checked`, `name="reminders" value="3d" checked`, `name="reminders" value="7d">`,
		"14 dagar före", "1 dag före"} {
		if !strings.Contains(body, want) {
			t.Errorf("new round form without %q", want)
		}
	}
	if strings.Contains(visible(body), "14d") {
		t.Error("the new round form asks for reminders as 14d")
	}
	cookie, csrf := ts.session("ks.samordnare")
	_, body, _ = ts.do(request("POST", "/remisser", "application/x-www-form-urlencoded",
		url.Values{"csrf": {csrf}, "dnr": {"fel"}, "reminders": {"7d", "1d"}}.Encode(), cookie, ""))
	if !strings.Contains(body, `value="7d" checked`) || !strings.Contains(body, `value="1d" checked`) || strings.Contains(body, `value="14d" checked`) {
		t.Error("the reminders chosen are not kept when the form comes back")
	}

	text := visible(get("ks.samordnare", "/dokument/"+"statement."+remiss.StatementAssignmentID(closedRound)+"/verifiering"))
	if !regexp.MustCompile(`Verifierad \d{4}-\d\d-\d\d kl\. \d\d\.\d\d,`).MatchString(text) || !regexp.MustCompile(`· \d+ kB`).MatchString(text) ||
		!strings.Contains(text, "Verifiering av tjänsteutlåtande") {
		t.Errorf("verification page:\n%s", strings.Join(strings.Fields(text), " "))
	}
}
