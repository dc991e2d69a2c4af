package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
)

// TestEachBodyRegistersItsOwnCase: a round under KS/2026:77; Bromma's
// registrator records Bromma's own diarienummer on the page and through the
// API (a bad one is refused in Swedish by its field and changes nothing);
// the approved statement prints Bromma's number as its Dnr with "Er
// referens: KS/2026:77", addressed to the nämnd with its meeting's date,
// and the message about it carries both numbers. Once the answer is
// approved, the number stays as sealed.
func TestEachBodyRegistersItsOwnCase(t *testing.T) {
	e, ctx, base := served(t)
	id, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{Dnr: "KS/2026:77", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: time.Now().AddDate(0, 2, 0).Format(remiss.DateLayout), Recipients: []string{"bromma"}})
	if err != nil {
		t.Fatal(err)
	}
	waitStarted(t, ctx, e.c, []string{"bromma"}, id)
	asg := remiss.AssignmentID(id, "bromma")
	reg := e.user("bromma.registrator")
	today := time.Now().In(remiss.Stockholm)
	meeting, err := e.svc.AddMeeting(ctx, reg, remiss.NewMeeting{Date: today.AddDate(0, 1, 0).Format(remiss.DateLayout),
		AgendaDeadline: today.AddDate(0, 0, 20).Format(remiss.DateLayout)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetRoute(ctx, reg, asg, remiss.RouteNamnd, meeting.ID); err != nil {
		t.Fatal(err)
	}

	// The page: a field for the registrator only.
	b := newBrowser(t, base)
	b.login("bromma.registrator")
	if _, body, _ := b.get("/uppdrag/" + asg); !strings.Contains(body, `action="/uppdrag/`+asg+`/diarienummer"`) || !strings.Contains(body, "Vårt diarienummer") {
		t.Fatalf("the registrator's page has no field for the own diarienummer:\n%s", body)
	}
	officer := newBrowser(t, base)
	officer.login("bromma.handlaggare")
	if _, body, _ := officer.get("/uppdrag/" + asg); strings.Contains(body, "/diarienummer") {
		t.Error("the officer is offered the registrator's field")
	}
	code, body, _ := b.post("/uppdrag/"+asg+"/diarienummer", url.Values{"csrf": {b.csrf("/uppdrag/" + asg)}, "dnr": {"BR <2026>/1"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Ogiltigt diarienummer") || !strings.Contains(body, `id="dnr-error"`) {
		t.Errorf("a bad diarienummer on the page: %d\n%s", code, body)
	}
	if a, _ := e.store.Assignment(ctx, asg); a.OwnDnr != "" {
		t.Errorf("a refused diarienummer was stored: %q", a.OwnDnr)
	}
	code, _, loc := b.post("/uppdrag/"+asg+"/diarienummer", url.Values{"csrf": {b.csrf("/uppdrag/" + asg)}, "dnr": {"BR 2026/412"}})
	if code != http.StatusSeeOther {
		t.Errorf("the page's diarienummer: %d", code)
	}
	if _, body, _ := b.get(loc); !strings.Contains(body, "<dt>Vårt diarienummer</dt><dd>BR 2026/412</dd>") ||
		!strings.Contains(body, `value="BR 2026/412"`) || !strings.Contains(body, "Diarienumret är sparat.") {
		t.Errorf("the page does not show the number saved:\n%s", body)
	}

	// The API: the same rule, by field, in Swedish.
	c := apiClient{t, base}
	tok := c.token("bromma.registrator")
	path := "/api/v1/assignments/" + asg + "/registration"
	for _, bad := range []string{"1.5.1-135-2026\nBcc: x@example.se", strings.Repeat("1", 40) + "-" + strings.Repeat("2", 30), "", "KS 2026/1\u202e"} {
		r := c.do(tok, "POST", path, map[string]string{"dnr": bad})
		if r.code != http.StatusUnprocessableEntity || !r.fields()["dnr"] || !strings.Contains(string(r.body), "iarienum") {
			t.Errorf("%q: %d %s", bad, r.code, r.body)
		}
	}
	if r := c.do(c.token("bromma.handlaggare"), "POST", path, map[string]string{"dnr": "1.5.1-135-2026"}); r.code != http.StatusForbidden {
		t.Errorf("the officer registers: %d %s", r.code, r.body)
	}
	if a, _ := e.store.Assignment(ctx, asg); a.OwnDnr != "BR 2026/412" {
		t.Errorf("refused requests changed the number: %q", a.OwnDnr)
	}
	r := c.do(tok, "POST", path, map[string]string{"dnr": "1.5.1-135-2026"})
	var got struct{ OwnDnr, Reference string }
	r.json(t, &got)
	if r.code != http.StatusOK || got.OwnDnr != "1.5.1-135-2026" || got.Reference != "KS/2026:77" {
		t.Fatalf("registration: %d %s", r.code, r.body)
	}

	// The statement: the body's own Dnr, KS's as the reference, the meeting.
	o, _ := e.store.Org(ctx, "bromma")
	if _, err := e.svc.Assign(ctx, reg, asg, "bromma.handlaggare"); err != nil {
		t.Fatal(err)
	}
	st, err := e.svc.Submit(ctx, e.user("bromma.handlaggare"), asg, demo.SampleResponse(o))
	if err != nil {
		t.Fatal(err)
	}
	chef := newBrowser(t, base)
	chef.login("bromma.chef")
	if _, body, _ := chef.get("/uppdrag/" + asg + "/godkann"); !strings.Contains(body, "<dd>1.5.1-135-2026</dd>") ||
		!strings.Contains(body, "Er referens: KS/2026:77") || !strings.Contains(body, "<br>"+meeting.Date) {
		t.Errorf("the approval page does not show the statement's case:\n%s", body)
	}
	if _, err := e.svc.Approve(ctx, e.user("bromma.chef"), asg, st.SHA256); err != nil {
		t.Fatal(err)
	}
	doc := sealedStatement(t, ctx, e.store, asg)
	keepPDF(t, "own-dnr.pdf", doc.Content)
	text := strings.Join(strings.Fields(pdftotext(t, doc.Content)), " ")
	for _, want := range []string{"Dnr 1.5.1-135-2026", "Er referens: KS/2026:77", "Till Bromma stadsdelsnämnd " + meeting.Date} {
		if !strings.Contains(text, want) {
			t.Errorf("the statement lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "KS/2026:77") != 1 {
		t.Errorf("the statement prints kommunstyrelsens Dnr as its own:\n%s", text)
	}

	// After approval the number is the sealed one.
	if r := c.do(tok, "POST", path, map[string]string{"dnr": "1.5.1-999-2026"}); r.code != http.StatusConflict {
		t.Errorf("registration after approval: %d %s", r.code, r.body)
	}
	waitFor(t, ctx, "the message that the ärende is on the agenda", func() bool {
		out, _ := e.store.Outbox(ctx, id)
		for _, m := range out {
			if m.Kind == "on_agenda" {
				if !strings.Contains(m.Body, "Diarienummer: KS/2026:77") || !strings.Contains(m.Body, "Diarienummer hos Bromma stadsdelsnämnd: 1.5.1-135-2026") {
					t.Errorf("the message lacks a number:\n%s", m.Body)
				}
				return true
			}
		}
		return false
	})
	if _, body, _ := b.get("/uppdrag/" + asg + "/historik"); !strings.Contains(body, "Ärendet registrerades i diariet med diarienummer 1.5.1-135-2026") {
		t.Errorf("the history does not say the ärende was registered")
	}
}
