package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/remiss"
)

// TestSecrecy marks three handlings of the open round of worldSite: KS's
// missiv (marked by KS's registrator), Bromma's sealed answer (by Bromma's
// registrator, so it has reached KS) and Skärholmen's bilaga to an answer
// not yet sealed (by Skärholmen's registrator). Then, for every user of
// every organisation and role, it tries every route that serves one of
// them or names it: the API's bytes, verification and list, the pages'
// bytes and document page, and the lists on the pages. Who may open is
// written out by hand; every opening must be in the audit trail with who
// opened it, and no list a user sees names a marked handling by its own
// name.
func TestSecrecy(t *testing.T) {
	ts := worldSite(t)
	ctx := context.Background()
	bromma := "statement." + remiss.AssignmentID(openRound, "bromma")
	if a, _ := ts.store.Assignment(ctx, remiss.AssignmentID(openRound, "bromma")); a.DocumentID != bromma {
		t.Fatalf("bromma's statement is %q", a.DocumentID)
	}
	missiv := "missiv." + openRound
	bilaga := "bilaga." + remiss.AssignmentID(openRound, "skarholmen")
	names := map[string]string{}
	for _, id := range []string{bromma, missiv, bilaga} {
		d, err := ts.store.Document(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		names[id] = strings.TrimSuffix(d.Filename, ".pdf")
	}
	api := func(user, method, path, body string) (int, string) {
		t.Helper()
		code, out, _ := ts.do(request(method, path, "application/json", body, nil, ts.token(user)))
		return code, out
	}
	mark := func(user, id, provision, title string) (int, string) {
		b, _ := json.Marshal(map[string]string{"provision": provision, "publicTitle": title})
		return api(user, "POST", "/api/v1/documents/"+id+"/secrecy", string(b))
	}

	// Who may mark, and a bad marking that changes nothing.
	for _, c := range []struct {
		user, id string
		want     int
	}{
		{"bromma.handlaggare", bromma, 403}, {"bromma.chef", bromma, 403}, {"ks.samordnare", bromma, 403}, {"admin", bromma, 403},
		{"farsta.registrator", bromma, 404}, {"ks.registrator", bilaga, 404}, {"bromma.registrator", missiv, 403},
		{"skarholmen.handlaggare", bilaga, 403}, {"farsta.registrator", missiv, 403},
	} {
		if code, body := mark(c.user, c.id, "OSL 18 kap. 8 §", ""); code != c.want {
			t.Errorf("%s marks %s: %d, want %d (%s)", c.user, c.id, code, c.want, body)
		}
	}
	if code, body := mark("bromma.registrator", bromma, "18 kap 8", "x"); code != 422 || !strings.Contains(body, "OSL 18 kap. 8 §") || !strings.Contains(body, `"field":"provision"`) {
		t.Errorf("a malformed provision: %d %s", code, body)
	}
	if code, body := mark("bromma.registrator", bromma, "OSL 18 kap. 8 §", "Rad ett\x01"); code != 422 || !strings.Contains(body, "publicTitle") {
		t.Errorf("a title with a control character: %d %s", code, body)
	}
	if d, _ := ts.store.Document(ctx, bromma); d.Secrecy != nil {
		t.Fatalf("a refused marking was stored: %+v", d.Secrecy)
	}
	if code, body := mark("bromma.registrator", bromma, "OSL 21 kap. 7 §", "Yttrande om trafiksäkerhet"); code != 200 {
		t.Fatalf("bromma's registrator marks its answer: %d %s", code, body)
	}
	// KS's registrator changes it, now that it has reached KS.
	if code, body := mark("ks.registrator", bromma, " OSL 18 kap.  8 § ", "Yttrande om trafiksäkerhet"); code != 200 || !strings.Contains(body, `"provision":"OSL 18 kap. 8 §"`) {
		t.Fatalf("KS's registrator changes the marking: %d %s", code, body)
	}
	if code, body := mark("ks.registrator", missiv, "OSL 18 kap. 1 §", "Missiv i ärendet"); code != 200 {
		t.Fatalf("KS's registrator marks the missiv: %d %s", code, body)
	}
	if code, body := mark("skarholmen.registrator", bilaga, "OSL 18 kap. 8 §", ""); code != 200 || !strings.Contains(body, remiss.DefaultPublicTitle) {
		t.Fatalf("skarholmen's registrator marks its bilaga: %d %s", code, body)
	}
	titles := map[string]string{bromma: "Yttrande om trafiksäkerhet", missiv: "Missiv i ärendet", bilaga: remiss.DefaultPublicTitle}

	// Who opens what, by hand: the holding organisation's staff with a
	// case role; KS's registrator and the round's Coordinator once it has
	// reached KS. The missiv is KS's own; the bilaga has not reached KS.
	openers := map[string][]string{
		bromma: {"bromma.registrator", "bromma.handlaggare", "bromma.chef", "ks.registrator", "ks.samordnare"},
		missiv: {"ks.registrator", "ks.samordnare", "ks.handlaggare", "ks.chef"},
		bilaga: {"skarholmen.registrator", "skarholmen.handlaggare", "skarholmen.chef"},
	}
	users := []string{"admin", "ks.samordnare"}
	for _, org := range []string{"ks", "bromma", "farsta", "skarholmen", "stokab", "kista"} {
		for _, role := range []string{".registrator", ".handlaggare", ".chef"} {
			users = append(users, org+role)
		}
	}
	openings := func() map[string]int {
		entries, err := ts.store.Audit(ctx, openRound)
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, e := range entries {
			if e.Action == "document_opened" {
				var d struct{ Document string }
				json.Unmarshal(e.Detail, &d)
				n[e.Actor+" "+d.Document]++
			}
		}
		return n
	}
	before := openings()
	cells := 0
	for _, u := range users {
		if _, err := ts.store.User(ctx, u); err != nil {
			continue // no such demo user
		}
		cookie, _ := ts.session(u)
		token := ts.token(u)
		for _, id := range []string{bromma, missiv, bilaga} {
			may := false
			for _, o := range openers[id] {
				may = may || o == u
			}
			want := map[bool]int{true: 200, false: 404}[may]
			for _, r := range []struct{ method, path string }{
				{"GET", "/api/v1/documents/" + id}, {"GET", "/api/v1/documents/" + id + "/verification"}, {"POST", "/api/v1/documents/" + id + "/verification"},
			} {
				code, _, _ := ts.do(request(r.method, r.path, "", "", nil, token))
				cells++
				if code != want {
					t.Errorf("%s %s as %s: %d, want %d", r.method, r.path, u, code, want)
				}
			}
			for _, p := range []string{"/dokument/" + id, "/dokument/" + id + "/verifiering"} {
				code, body, _ := ts.do(request("GET", p, "", "", cookie, ""))
				cells++
				if code != want {
					t.Errorf("GET %s as %s: %d, want %d", p, u, code, want)
				}
				if !may && strings.Contains(body, names[id]) {
					t.Errorf("GET %s as %s names the marked handling", p, u)
				}
			}
		}
		// The lists a user sees never name a marked handling by its own
		// name; where they list one, it is under its public title.
		lists := []string{"/arkiv", "/arkiv?visa=avslutade", "/api/v1/documents?remiss=" + openRound, "/remisser/" + openRound}
		if org := strings.Split(u, ".")[0]; org != "ks" && org != "admin" {
			lists = append(lists, "/uppdrag/"+remiss.AssignmentID(openRound, org), "/inkorg", "/uppdrag")
		}
		for _, p := range lists {
			var code int
			var body string
			if strings.HasPrefix(p, "/api/") {
				code, body, _ = ts.do(request("GET", p, "", "", nil, token))
			} else {
				code, body, _ = ts.do(request("GET", p, "", "", cookie, ""))
			}
			cells++
			if code != 200 && code != 404 && code != 403 && code != http.StatusSeeOther {
				t.Errorf("GET %s as %s: %d", p, u, code)
			}
			for id, name := range names {
				mayOpen := false
				for _, o := range openers[id] {
					mayOpen = mayOpen || o == u
				}
				if !mayOpen && strings.Contains(body, name) {
					t.Errorf("GET %s as %s names the marked %s", p, u, id)
				}
				if (strings.HasPrefix(p, "/arkiv") || strings.HasPrefix(p, "/uppdrag/")) && !mayOpen && strings.Contains(body, "/dokument/"+id+"\"") {
					t.Errorf("GET %s as %s links %s, which they may not open", p, u, id)
				}
				if p == "/arkiv" && strings.Contains(body, "/dokument/"+id+"\"") && !strings.Contains(body, titles[id]) {
					t.Errorf("GET %s as %s lists %s without its public title", p, u, id)
				}
			}
		}
	}
	// Every opening of the bytes, by API and page, is in the audit trail
	// with who opened it: two per user that may open (a document page does
	// not open the bytes).
	after := openings()
	for id, os := range openers {
		for _, u := range os {
			if got := after[u+" "+id] - before[u+" "+id]; got != 2 {
				t.Errorf("%s opened %s twice; the audit trail has %d", u, id, got)
			}
		}
	}
	total := 0
	for _, n := range after {
		total += n
	}
	if total != 2*(len(openers[bromma])+len(openers[missiv])+len(openers[bilaga])) {
		t.Errorf("%d openings recorded: %v", total, after)
	}
	t.Logf("%d cells", cells)

	// The history says who marked and opened, in words.
	cookie, _ := ts.session("bromma.registrator")
	code, page, _ := ts.do(request("GET", "/uppdrag/"+remiss.AssignmentID(openRound, "bromma")+"/historik", "", "", cookie, ""))
	if code == 200 {
		for _, want := range []string{"sekretessmarkerades enligt OSL 21 kap. 7 §", "Sekretessmarkeringen av handlingen (tjänsteutlåtande) ändrades", "öppnades"} {
			if !strings.Contains(page, want) {
				t.Errorf("the history lacks %q", want)
			}
		}
	} else {
		t.Errorf("the history: %d", code)
	}

	// Removing the marking, on the page; then the document is opened as
	// before, without a record.
	cookie, csrf := ts.session("skarholmen.registrator")
	code, _, h := ts.do(request("POST", "/dokument/"+bilaga+"/sekretess/ta-bort", "application/x-www-form-urlencoded",
		url.Values{"csrf": {csrf}}.Encode(), cookie, ""))
	if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "sekretess_borttagen") {
		t.Errorf("remove on the page: %d %s", code, h.Get("Location"))
	}
	if code, _ := api("skarholmen.registrator", "DELETE", "/api/v1/documents/"+bilaga+"/secrecy", ""); code != 409 {
		t.Errorf("removing a marking that is gone: %d", code)
	}
	if code, _ := api("ks.registrator", "DELETE", "/api/v1/documents/"+bromma+"/secrecy", ""); code != 204 {
		t.Errorf("KS's registrator removes the marking of bromma's answer: %d", code)
	}
	code, _, _ = ts.do(request("GET", "/api/v1/documents/"+bromma, "", "", nil, ts.token("farsta.registrator")))
	if code != 404 {
		t.Errorf("an unmarked answer of another recipient: %d", code)
	}
	code, _, _ = ts.do(request("GET", "/api/v1/documents/"+bromma, "", "", nil, ts.token("ks.handlaggare")))
	if code != 200 {
		t.Errorf("KS's officer opens bromma's unmarked answer: %d", code)
	}
	entries, _ := ts.store.Audit(ctx, openRound)
	actions := map[string]int{}
	for _, e := range entries {
		actions[e.Action]++
	}
	if actions["secrecy_marked"] != 3 || actions["secrecy_changed"] != 1 || actions["secrecy_removed"] != 2 || actions["document_opened"] != total {
		t.Errorf("the audit trail of the markings: %v", actions)
	}
}

// TestSecrecyForm shows the form on the document's page and a malformed
// provision shown again with its problem, in Swedish, changing nothing.
func TestSecrecyForm(t *testing.T) {
	ts := worldSite(t)
	ctx := context.Background()
	id := "statement." + remiss.AssignmentID(openRound, "bromma")
	cookie, csrf := ts.session("bromma.registrator")
	code, page, _ := ts.do(request("GET", "/dokument/"+id+"/verifiering", "", "", cookie, ""))
	if code != 200 || !strings.Contains(page, `action="/dokument/`+id+`/sekretess"`) || !strings.Contains(page, `<label for="provision">`) {
		t.Fatalf("the form: %d", code)
	}
	checkWords(t, "document page", page)
	code, page, _ = ts.do(request("POST", "/dokument/"+id+"/sekretess", "application/x-www-form-urlencoded",
		url.Values{"csrf": {csrf}, "provision": {"sekretess"}, "publicTitle": {"Yttrande"}}.Encode(), cookie, ""))
	if code != 422 || !strings.Contains(page, `class="error-summary"`) || !strings.Contains(page, `aria-invalid="true"`) ||
		!strings.Contains(page, "OSL 18 kap. 8 §") || !strings.Contains(page, `value="Yttrande"`) {
		t.Errorf("a malformed provision: %d", code)
	}
	if d, _ := ts.store.Document(ctx, id); d.Secrecy != nil {
		t.Error("a refused marking was stored")
	}
	code, _, h := ts.do(request("POST", "/dokument/"+id+"/sekretess", "application/x-www-form-urlencoded",
		url.Values{"csrf": {csrf}, "provision": {"OSL 18 kap. 8 §"}}.Encode(), cookie, ""))
	if code != http.StatusSeeOther {
		t.Fatalf("marking on the page: %d", code)
	}
	code, page, _ = ts.do(request("GET", h.Get("Location"), "", "", cookie, ""))
	if code != 200 || !strings.Contains(page, "Handlingen är sekretessmarkerad.") || !strings.Contains(page, "Ta bort sekretessmarkeringen") ||
		!strings.Contains(page, remiss.DefaultPublicTitle) {
		t.Errorf("after marking: %d", code)
	}
	// Someone who may open it but not mark it sees the marking, not the form.
	cookie, _ = ts.session("bromma.handlaggare")
	code, page, _ = ts.do(request("GET", "/dokument/"+id+"/verifiering", "", "", cookie, ""))
	if code != 200 || strings.Contains(page, `action="/dokument/`+id+`/sekretess"`) || !strings.Contains(page, "OSL 18 kap. 8 §") {
		t.Errorf("the officer's document page: %d", code)
	}
}
