package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/web"
)

// TestAccessMatrix tries every API route as every role, of the assignment's
// own organisation, of another recipient, of an organisation outside the
// round, of KS, and logged out. Each refused cell must give the expected
// status; each allowed read must give 200 and nothing of another
// organisation. (Allowed actions depend on state and are covered by TestAPI.)
func TestAccessMatrix(t *testing.T) {
	e, ctx, base := served(t)
	c := apiClient{t: t, base: base}

	coord := c.token("ks.samordnare")
	r := c.do(coord, "POST", "/api/v1/remisses", map[string]any{"dnr": "KS 2026/970-1", "title": "Åtkomstprov",
		"deadline": time.Now().AddDate(0, 2, 0).Format("2006-01-02"), "recipients": []string{"bromma", "farsta"}})
	if r.code != 201 {
		t.Fatalf("launch: %d %s", r.code, r.body)
	}
	id := "ks-2026-970-1"
	waitStarted(t, ctx, e.c, []string{"bromma", "farsta"}, id)
	bromma := remiss.AssignmentID(id, "bromma")
	// Bromma answers, so a statement exists to be refused to others.
	if err := e.answer(ctx, bromma, "bromma"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		if a, _ := e.store.Assignment(ctx, bromma); a.DocumentID != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no statement")
		}
		time.Sleep(100 * time.Millisecond)
	}

	type user struct {
		name, org string
		role      remiss.Role
		token     string
	}
	users := []user{{name: "anonymous"}, {name: "ks.samordnare", org: "ks", role: remiss.RoleCoordinator}, {name: "admin", org: "ks", role: remiss.RoleAdmin},
		{name: "ks.registrator", org: "ks", role: remiss.RoleRegistrar}}
	for _, org := range []string{"bromma", "farsta", "skarholmen"} {
		users = append(users, user{name: org + ".registrator", org: org, role: remiss.RoleRegistrar},
			user{name: org + ".handlaggare", org: org, role: remiss.RoleOfficer}, user{name: org + ".chef", org: org, role: remiss.RoleSignatory})
	}
	for i := range users {
		if users[i].name != "anonymous" {
			users[i].token = c.token(users[i].name)
		}
	}
	// A meeting in Bromma's calendar, to be refused to others.
	today := time.Now().In(remiss.Stockholm)
	meeting, err := e.svc.AddMeeting(ctx, e.user("bromma.registrator"), remiss.NewMeeting{
		Date: today.AddDate(0, 1, 0).Format("2006-01-02"), AgendaDeadline: today.AddDate(0, 0, 20).Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	// A token of the coordinator's, to be refused to everyone else.
	var spare struct{ ID string }
	c.do("", "POST", "/api/v1/tokens", map[string]string{"username": "ks.samordnare", "password": "demo"}).json(t, &spare)
	o, _ := e.store.Org(ctx, "bromma")
	answer := demo.SampleResponse(o)
	// Who may act on Bromma's assignment, by route.
	actors := map[string][]remiss.Role{
		"assign": {remiss.RoleRegistrar}, "draft": {remiss.RoleOfficer}, "submit": {remiss.RoleOfficer},
		"approve": {remiss.RoleSignatory}, "return": {remiss.RoleSignatory},
		"decline": {remiss.RoleOfficer, remiss.RoleRegistrar, remiss.RoleSignatory}, "extension": {remiss.RoleOfficer, remiss.RoleRegistrar},
		"route": {remiss.RoleRegistrar}, "decision": {remiss.RoleRegistrar}, "registration": {remiss.RoleRegistrar},
	}
	type cell struct {
		method, path string
		body         any
		// expect gives the status for u, or 0 where the action is allowed
		// (its outcome then depends on state).
		expect func(u user) int
	}
	recipient := func(u user) bool { return u.org == "bromma" || u.org == "farsta" }
	read := func(visible func(u user) bool) func(u user) int {
		return func(u user) int {
			if u.org == "ks" || visible(u) {
				return 200
			}
			return 404
		}
	}
	// An organisation's admin manages its service accounts (0: any
	// answer but a refusal); nobody else may.
	adminOnly := func(u user) int {
		if u.role == remiss.RoleAdmin {
			return 0
		}
		return 403
	}
	ksOnly := func(u user) int {
		if u.role == remiss.RoleCoordinator {
			return 0
		}
		return 403
	}
	onBromma := func(action string) func(u user) int {
		return func(u user) int {
			switch {
			case u.org == "ks":
				return 403 // KS reads the round but acts for no recipient
			case u.org != "bromma":
				return 404
			}
			for _, r := range actors[action] {
				if r == u.role {
					return 0
				}
			}
			return 403
		}
	}
	registrar := func(foreign int) func(u user) int {
		return func(u user) int {
			if u.role != remiss.RoleRegistrar {
				return 403
			}
			return foreign
		}
	}
	markers := func(u user) int {
		switch {
		case u.org == "farsta" || u.org == "skarholmen":
			return 404
		case u.role == remiss.RoleRegistrar && (u.org == "bromma" || u.org == "ks"):
			return 0
		}
		return 403
	}
	cells := []cell{
		{"POST", "/api/v1/remisses", map[string]any{"dnr": "KS 2026/970-2", "title": "Prov", "deadline": "2030-01-01", "recipients": []string{"bromma"}}, ksOnly},
		{"GET", "/api/v1/remisses/" + id, nil, read(recipient)},
		{"POST", "/api/v1/remisses/" + id + "/documents", []byte("%PDF-1.7\n%%EOF\n"), ksOnly},
		{"POST", "/api/v1/remisses/" + id + "/extensions/farsta", map[string]any{"approve": true}, ksOnly},
		{"POST", "/api/v1/remisses/" + id + "/reminders/farsta", nil, ksOnly},
		{"POST", "/api/v1/remisses/" + id + "/close", nil, ksOnly},
		{"POST", "/api/v1/remisses/" + id + "/withdraw", nil, ksOnly},
		{"GET", "/api/v1/remisses/" + id + "/archive", nil, func(u user) int {
			if u.org == "ks" && (u.role == remiss.RoleRegistrar || u.role == remiss.RoleAdmin) {
				return 200
			}
			return 403
		}},
		{"GET", "/api/v1/assignments", nil, func(user) int { return 200 }},
		{"GET", "/api/v1/assignments/" + bromma, nil, func(u user) int {
			if u.org == "bromma" {
				return 200 // its own organisation reads the current text
			}
			return 404
		}},
		{"GET", "/api/v1/events", nil, func(u user) int {
			if u.role == remiss.RoleAdmin || u.org == "ks" && u.role == remiss.RoleRegistrar {
				return 200
			}
			return 403
		}},
		{"GET", "/api/v1/webhooks", nil, adminOnly},
		{"POST", "/api/v1/webhooks", map[string]any{}, adminOnly},
		{"DELETE", "/api/v1/webhooks/none", nil, adminOnly},
		{"GET", "/api/v1/service-accounts", nil, adminOnly},
		{"POST", "/api/v1/service-accounts", map[string]any{}, adminOnly},
		{"POST", "/api/v1/service-accounts/nobody/tokens", map[string]any{}, adminOnly},
		{"DELETE", "/api/v1/service-accounts/nobody/tokens/none", nil, adminOnly},
		{"POST", "/api/v1/assignments/" + bromma + "/assign", map[string]string{"officer": "bromma.handlaggare"}, onBromma("assign")},
		{"PUT", "/api/v1/assignments/" + bromma + "/draft", answer, onBromma("draft")},
		{"POST", "/api/v1/assignments/" + bromma + "/submit", answer, onBromma("submit")},
		{"POST", "/api/v1/assignments/" + bromma + "/approve", nil, onBromma("approve")},
		{"POST", "/api/v1/assignments/" + bromma + "/return", map[string]string{"comment": "x"}, onBromma("return")},
		{"POST", "/api/v1/assignments/" + bromma + "/decline", map[string]string{"reason": "x"}, onBromma("decline")},
		{"POST", "/api/v1/assignments/" + bromma + "/attachments?name=x.pdf", []byte("%PDF-1.7\n%%EOF\n"), onBromma("draft")},
		{"POST", "/api/v1/assignments/" + bromma + "/extension", map[string]string{"until": "2030-01-01", "reason": "x"}, onBromma("extension")},
		{"POST", "/api/v1/assignments/" + bromma + "/registration", map[string]string{"dnr": "BR 2026/1"}, onBromma("registration")},
		{"GET", "/api/v1/meetings", nil, func(user) int { return 200 }},
		{"GET", "/api/v1/meetings?org=bromma", nil, func(u user) int {
			if u.org == "bromma" || u.role == remiss.RoleCoordinator {
				return 200
			}
			return 404
		}},
		{"POST", "/api/v1/meetings", map[string]string{"date": today.AddDate(0, 2, 0).Format("2006-01-02"), "agendaDeadline": today.AddDate(0, 1, 20).Format("2006-01-02")}, registrar(0)},
		{"DELETE", "/api/v1/meetings/" + meeting.ID, nil, func(u user) int {
			switch {
			case u.role != remiss.RoleRegistrar:
				return 403
			case u.org == "bromma":
				return 0
			}
			return 404 // another organisation's calendar
		}},
		{"PUT", "/api/v1/route", map[string]string{"route": "delegation"}, registrar(0)},
		{"POST", "/api/v1/assignments/" + bromma + "/route", map[string]string{"route": "namnd"}, onBromma("route")},
		{"GET", "/api/v1/agenda", nil, func(user) int { return 200 }},
		{"POST", "/api/v1/assignments/" + bromma + "/decision", map[string]any{"meeting": meeting.ID, "paragraph": "1", "decision": "bifall", "immediate": true}, onBromma("decision")},
		{"GET", "/api/v1/remisses/" + id + "/decisions", nil, read(recipient)},
		{"POST", "/api/v1/remisses/" + id + "/decisions/slk", map[string]any{"decision": "godkanner"}, func(u user) int {
			if u.org == "ks" && u.role == remiss.RoleRegistrar {
				return 0
			}
			return 403
		}},
		{"GET", "/api/v1/documents?remiss=" + id, nil, read(recipient)},
		{"GET", "/api/v1/documents/missiv." + id, nil, read(recipient)},
		{"GET", "/api/v1/documents/statement." + bromma, nil, read(func(u user) bool { return u.org == "bromma" })},
		{"GET", "/api/v1/documents/statement." + bromma + "/verification", nil, read(func(u user) bool { return u.org == "bromma" })},
		{"POST", "/api/v1/documents/statement." + bromma + "/verification", nil, read(func(u user) bool { return u.org == "bromma" })},
		// Marking Bromma's sealed answer: Bromma's registrator, and KS's
		// now that it has reached KS (0); another recipient cannot read it.
		{"POST", "/api/v1/documents/statement." + bromma + "/secrecy", map[string]string{"provision": "OSL 18 kap. 8 §"}, markers},
		{"DELETE", "/api/v1/documents/statement." + bromma + "/secrecy", nil, markers},
		{"GET", "/api/v1/tokens", nil, func(user) int { return 200 }},
		{"DELETE", "/api/v1/tokens/" + spare.ID, nil, func(u user) int {
			if u.name == "ks.samordnare" {
				return 0
			}
			return 404 // another's token
		}},
	}
	// Every route of the OpenAPI document but the login is in the matrix.
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	json.Unmarshal(c.do("", "GET", "/api/openapi.json", nil).body, &doc)
	ops := 0
	for p, m := range doc.Paths {
		for method := range m {
			if p != "/api/v1/tokens" || method != "post" {
				ops++
			}
		}
	}
	// GET /api/v1/documents/{id} is tried twice (a shared document and an
	// own statement), and GET /api/v1/meetings twice (own calendar, another's).
	if ops != len(cells)-2 {
		t.Errorf("the matrix covers %d routes, the API has %d", len(cells), ops)
	}

	tried := 0
	for _, cl := range cells {
		for _, u := range users {
			want := 401
			if u.token != "" {
				want = cl.expect(u)
			}
			if want == 0 {
				continue
			}
			tried++
			r := c.do(u.token, cl.method, cl.path, cl.body)
			if r.code != want {
				t.Errorf("%s %s as %s: %d, want %d (%s)", cl.method, cl.path, u.name, r.code, want, r.body)
			}
			if r.code == 200 && u.org != "ks" {
				other := map[string]string{"bromma": "farsta", "farsta": "bromma"}[u.org]
				if other != "" && strings.Contains(string(r.body), other) {
					t.Errorf("%s %s as %s shows %s: %s", cl.method, cl.path, u.name, other, r.body)
				}
			}
		}
	}
	t.Logf("%d cells checked", tried)

	// The public pages answer everyone alike, logged in or not, and
	// carry nothing but what is public: the launch published the round
	// (by default); Bromma's answer is registered, Farsta's is not.
	public := []struct {
		method, path string
		want         int
	}{
		{"GET", "/offentligt", 200},
		{"GET", "/offentligt/remisser/" + id, 200},
		{"GET", "/offentligt/dokument/statement." + bromma, 200},
		{"GET", "/offentligt/dokument/bilaga.nope", 404},
		{"GET", "/offentligt/flode.atom", 200},
		{"GET", "/offentligt/verifiera", 200},
		{"POST", "/offentligt/verifiera", 422}, // no file chosen
		{"GET", "/tillganglighet", 200},
		// A personal link that is no link: the same page for everyone,
		// logged in or not; 10 a minute from one address.
		{"GET", "/svar/" + strings.Repeat("A", remiss.LinkTokenLen), 404},
		{"GET", "/svar/" + strings.Repeat("B", remiss.LinkTokenLen) + "/dokument/missiv." + id, 404},
	}
	paths := map[string]bool{}
	checks := 0 // the verification takes 10 a minute from one address (all of these)
	misses := 0 // so do links that do not open
	for _, cl := range public {
		for _, u := range users {
			r := c.do(u.token, cl.method, cl.path, nil)
			want := cl.want
			if cl.method == "POST" {
				if checks++; checks > 10 {
					want = 429
				}
			}
			if strings.HasPrefix(cl.path, "/svar/") {
				if misses++; misses > 10 {
					want = 429
				}
			}
			if r.code != want {
				t.Errorf("%s %s as %s: %d, want %d", cl.method, cl.path, u.name, r.code, want)
			}
		}
		paths[cl.path] = true
	}
	// Every route of web.PublicPaths is tried (the document twice).
	if len(paths) != len(web.PublicPaths)+1 {
		t.Errorf("the public part of the matrix covers %d paths, the site has %d", len(paths), len(web.PublicPaths))
	}

	// Bromma's answer marked: every route that serves it or names it, as
	// every user. It is opened by Bromma's staff with a case role, KS's
	// registrator and the round's Coordinator (it has reached KS), and by
	// nobody else; each opening is in the audit trail; no list names it
	// to anyone else by its own name.
	statement := "statement." + bromma
	if r := c.do(users[slices.IndexFunc(users, func(u user) bool { return u.name == "bromma.registrator" })].token, "POST",
		"/api/v1/documents/"+statement+"/secrecy", map[string]string{"provision": "OSL 18 kap. 8 §", "publicTitle": "Yttrande i åtkomstprovet"}); r.code != 200 {
		t.Fatalf("marking: %d %s", r.code, r.body)
	}
	d, err := e.store.Document(ctx, statement)
	if err != nil {
		t.Fatal(err)
	}
	realName := strings.TrimSuffix(d.Filename, ".pdf")
	openers := []string{"bromma.registrator", "bromma.handlaggare", "bromma.chef", "ks.registrator", "ks.samordnare"}
	for _, u := range users {
		if u.token == "" {
			continue
		}
		want := 404
		if slices.Contains(openers, u.name) {
			want = 200
		}
		for _, rt := range []struct{ method, path string }{{"GET", "/api/v1/documents/" + statement},
			{"GET", "/api/v1/documents/" + statement + "/verification"}, {"POST", "/api/v1/documents/" + statement + "/verification"}} {
			if r := c.do(u.token, rt.method, rt.path, nil); r.code != want {
				t.Errorf("marked: %s %s as %s: %d, want %d", rt.method, rt.path, u.name, r.code, want)
			}
		}
		r := c.do(u.token, "GET", "/api/v1/documents?remiss="+id, nil)
		if want != 200 && strings.Contains(string(r.body), realName) {
			t.Errorf("the list names the marked answer to %s: %s", u.name, r.body)
		}
		if u.org == "ks" && !strings.Contains(string(r.body), "Yttrande i åtkomstprovet") {
			t.Errorf("the list does not show %s the public title: %s", u.name, r.body)
		}
	}
	audit, err := e.store.Audit(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	opened := map[string]int{}
	for _, a := range audit {
		if a.Action == "document_opened" {
			opened[a.Actor]++
		}
	}
	for _, o := range openers {
		if opened[o] != 1 {
			t.Errorf("%s opened the marked answer once; the audit trail has %d", o, opened[o])
		}
	}
	if len(opened) != len(openers) {
		t.Errorf("openings recorded: %v", opened)
	}
}
