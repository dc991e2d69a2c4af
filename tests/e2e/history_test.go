package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
)

// TestHistory follows one answer through its history page: the officer
// saves a draft and submits, the chef returns it with a comment, the
// officer submits a changed version. The timeline says each step in
// Swedish with the person's name and organisation, the second version
// marks the words that changed, KS sees the timeline but neither the
// versions nor the return comment, and another recipient sees nothing.
// The page is checked in Chromium with axe-core and kept as a screenshot.
func TestHistory(t *testing.T) {
	e, ctx, base := served(t)
	// The officer has a name of their own, which the history must use
	// rather than the username.
	u, err := e.store.User(ctx, "bromma.handlaggare")
	if err != nil {
		t.Fatal(err)
	}
	u.DisplayName = "Anna Andersson"
	if err := e.store.UpsertUser(ctx, u); err != nil {
		t.Fatal(err)
	}

	coord := newBrowser(t, base)
	coord.login("ks.samordnare")
	id := "ks-2026-970-1"
	code, _, loc := coord.post("/remisser", url.Values{"csrf": {coord.csrf("/remisser/ny")}, "dnr": {"KS 2026/970-1"},
		"title": {"Strategi för Stockholm som smart och uppkopplad stad"}, "deadline": {time.Now().AddDate(0, 2, 0).Format("2006-01-02")},
		"recipients": {"bromma", "farsta"}, "reminders": {"14d"}})
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/remisser/"+id) {
		t.Fatalf("launch: %d %s", code, loc)
	}
	waitStarted(t, ctx, e.c, []string{"bromma", "farsta"}, id)
	asg := remiss.AssignmentID(id, "bromma")
	history := "/uppdrag/" + asg + "/historik"

	reg := newBrowser(t, base)
	reg.login("bromma.registrator")
	if code, _, _ := reg.post("/uppdrag/"+asg+"/fordela", url.Values{"csrf": {reg.csrf("/inkorg")}, "officer": {"bromma.handlaggare"}}); code != http.StatusSeeOther {
		t.Fatalf("assign: %d", code)
	}

	off := newBrowser(t, base)
	off.login("bromma.handlaggare")
	answer := func(action, opinions string) {
		t.Helper()
		form := url.Values{"csrf": {off.csrf("/uppdrag/" + asg)}, "action": {action}, "proposals": {"Nämnden godkänner tjänsteutlåtandet."},
			"summary": {"Förvaltningen tillstyrker strategin."}, "opinions": {opinions},
			"signatories": {"Lars Wennberg, tf stadsdelsdirektör"}, "officerName": {"Anna Andersson"}}
		if code, body, _ := off.post("/uppdrag/"+asg+"/svar", form); code != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", action, code, body)
		}
	}
	answer("draft", "Förvaltningen delar bedömningen.")
	answer("submit", "Förvaltningen delar i stort bedömningen om <b>bredband</b>.\nUtbyggnaden bör prioriteras.")
	chef := newBrowser(t, base)
	chef.login("bromma.chef")
	if code, _, _ := chef.post("/uppdrag/"+asg+"/atersand", url.Values{"csrf": {chef.csrf("/uppdrag/" + asg)}, "comment": {"Skriv om fiber, tack."}}); code != http.StatusSeeOther {
		t.Fatalf("return: %d", code)
	}
	answer("submit", "Förvaltningen delar bedömningen om <b>fiber</b>.\nUtbyggnaden bör prioriteras.")

	// The assignment page links to the history.
	if _, body, _ := off.get("/uppdrag/" + asg); !strings.Contains(body, `href="`+history+`"`) {
		t.Errorf("the assignment page has no link to its history:\n%s", body)
	}
	code, body, _ := off.get(history)
	if code != http.StatusOK {
		t.Fatalf("history: %d\n%s", code, body)
	}
	// The timeline, oldest first, in Swedish, with names and organisations.
	order := []string{"Remissen skickades", "Uppdraget fördelades till Anna Andersson", "Utkast sparades",
		"Yttrandet skickades in för godkännande", "Återsändes för komplettering", "Yttrandet skickades in för godkännande"}
	at := 0
	for _, want := range order {
		i := strings.Index(body[at:], "<strong>"+want+"</strong>")
		if i < 0 {
			t.Errorf("the timeline lacks %q after position %d:\n%s", want, at, body)
			break
		}
		at += i + 1
	}
	for _, want := range []string{"Anna Andersson, Bromma stadsdelsnämnd", "Kommentar: Skriv om fiber, tack.", "Remissamordnare, Stadsledningskontoret"} {
		if !strings.Contains(body, want) {
			t.Errorf("the history lacks %q", want)
		}
	}
	if strings.Contains(body, "bromma.handlaggare") || strings.Contains(body, "draft_saved") {
		t.Errorf("the history shows a username or an action's code:\n%s", body)
	}
	// Two submitted versions, each addressable, the second marking what
	// changed, escaped, and saying it in words.
	for _, want := range []string{`id="version-1"`, `id="version-2"`, "Ändringar sedan version 1",
		`<del><span class="visually-hidden">[borttaget: </span>i stort <span class="visually-hidden">]</span></del>`,
		`<del><span class="visually-hidden">[borttaget: </span>bredband<span class="visually-hidden">]</span></del>`,
		`<ins><span class="visually-hidden">[tillagt: </span>fiber<span class="visually-hidden">]</span></ins>`,
		"&lt;b&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("the versions lack %q", want)
		}
	}
	if strings.Contains(body, "<b>") {
		t.Error("the answer's text became markup on the history page")
	}
	if strings.Contains(body, "Förvaltningen delar bedömningen.") {
		t.Error("the draft that was never submitted is shown as a version")
	}

	// KS follows the answer from the round page: the timeline, not the
	// versions or the comment inside the organisation.
	if _, body, _ := coord.get("/remisser/" + id); !strings.Contains(body, `href="`+history+`"`) {
		t.Errorf("the round page has no link to the answer's history:\n%s", body)
	}
	code, body, _ = coord.get(history)
	if code != http.StatusOK || !strings.Contains(body, "Återsändes för komplettering") || !strings.Contains(body, "Anna Andersson, Bromma stadsdelsnämnd") {
		t.Errorf("KS's history: %d\n%s", code, body)
	}
	if strings.Contains(body, "Skriv om fiber") || strings.Contains(body, `id="version-1"`) || strings.Contains(body, "bredband") {
		t.Errorf("KS sees the organisation's drafts or its return comment:\n%s", body)
	}
	foreign := newBrowser(t, base)
	foreign.login("farsta.handlaggare")
	if code, _, _ := foreign.get(history); code != http.StatusNotFound {
		t.Errorf("another recipient's history: %d", code)
	}
	screenshotPage(t, base, "bromma.handlaggare", history+"#version-2", "historik")
}

// screenshotPage opens a page in Chromium as user, checks it with
// axe-core and keeps a screenshot named name (REMISS_SCREENSHOT_DIR).
func screenshotPage(t *testing.T, base, user, path, name string) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		dbtest.Unavailable(t, "chromium", err)
	}
	axe := axeScript(t)
	shots := os.Getenv("REMISS_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	os.MkdirAll(shots, 0o755)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000))
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	bctx, cancelTime := context.WithTimeout(bctx, time.Minute)
	defer cancelTime()
	var png []byte
	var violations string
	if err := chromedp.Do(bctx,
		chromedp.Navigate(base+"/logga-in"), chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), "demo"),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.CSS(".logout")),
		chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.ID("main")),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
			png, err = chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			violations, err = chromedp.Evaluate[string](axe+`;axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.help)))`,
				chromedp.EvalAwaitPromise)(ctx, tg)
			return err
		}),
	); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(shots, name+".png")
	os.WriteFile(file, png, 0o644)
	t.Logf("screenshot %s", file)
	var found []string
	json.Unmarshal([]byte(violations), &found)
	for _, v := range found {
		t.Errorf("%s: axe: %s", name, v)
	}
}

// waitUntil polls ok until it holds, or fails the test naming what.
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for limit := time.Now().Add(60 * time.Second); !ok(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(limit) {
			t.Fatalf("waited in vain for %s", what)
		}
	}
}

// TestDecisionsOnBothSides: a nämnd's decision and its reason, and
// kommunstyrelsen's decision on the round, are on the recipient's
// assignment page, on KS's round page and in the history.
func TestDecisionsOnBothSides(t *testing.T) {
	e, ctx, base := served(t)
	today := time.Now().In(remiss.Stockholm).Format("2006-01-02")
	reg := e.user("bromma.registrator")
	if _, err := e.svc.AddMeeting(ctx, reg, remiss.NewMeeting{Date: today, AgendaDeadline: today, Place: "Brommasalen"}); err != nil {
		t.Fatal(err)
	}
	id := "ks-2026-971-1"
	if _, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{Dnr: "KS 2026/971-1", Title: "Trafikstrategi",
		Deadline: time.Now().AddDate(0, 2, 0).Format("2006-01-02"), Recipients: []string{"bromma"}}); err != nil {
		t.Fatal(err)
	}
	waitStarted(t, ctx, e.c, []string{"bromma"}, id)
	asg, meeting := remiss.AssignmentID(id, "bromma"), remiss.MeetingID("bromma", today)
	if _, err := e.svc.SetRoute(ctx, reg, asg, remiss.RouteNamnd, meeting); err != nil {
		t.Fatal(err)
	}
	inState := func(st remiss.AssignmentState) func() bool {
		return func() bool { a, _ := e.store.Assignment(ctx, asg); return a.State == st }
	}
	if err := e.answer(ctx, asg, "bromma"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the ärende on the agenda", inState(remiss.StateOnAgenda))
	reason := "Nämnden vill att trafiken <i>belyses</i>."
	if _, err := e.svc.RecordDecision(ctx, reg, asg, remiss.Minutes{Meeting: meeting, Paragraph: "12", Verdict: remiss.VerdictAterremiss,
		Reason: reason, Immediate: true}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the ärende back with the officer", inState(remiss.StateDrafting))

	off, coord := newBrowser(t, base), newBrowser(t, base)
	off.login("bromma.handlaggare")
	coord.login("ks.samordnare")
	escaped := "Skäl: Nämnden vill att trafiken &lt;i&gt;belyses&lt;/i&gt;."
	if _, body, _ := off.get("/uppdrag/" + asg); !strings.Contains(body, "Återremiss") || !strings.Contains(body, escaped) {
		t.Errorf("the officer does not see the nämnd's återremiss and its reason:\n%s", body)
	}
	if _, body, _ := coord.get("/remisser/" + id); !strings.Contains(body, escaped) {
		t.Errorf("KS does not see the reason for the återremiss:\n%s", body)
	}
	if _, body, _ := coord.get("/uppdrag/" + asg + "/historik"); !strings.Contains(body, "Beslut i nämnden: återremiss (§ 12)") {
		t.Errorf("the history does not say the nämnd's decision:\n%s", body)
	}

	// Answered again and decided, the round closes; KS's decision on it is
	// on the recipient's page.
	o, _ := e.store.Org(ctx, "bromma")
	st, err := e.svc.Submit(ctx, e.user("bromma.handlaggare"), asg, demo.SampleResponse(o))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Approve(ctx, e.user("bromma.chef"), asg, st.SHA256); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the ärende on the agenda again", inState(remiss.StateOnAgenda))
	if _, err := e.svc.RecordDecision(ctx, reg, asg, remiss.Minutes{Meeting: meeting, Paragraph: "13", Verdict: remiss.VerdictAndrat,
		Wording: "Nämnden tillstyrker med tillägget om trafik.", Immediate: true}); err != nil {
		t.Fatal(err)
	}
	e.writeKSStatement(ctx, id, false)
	if _, err := e.svc.RecordStepDecision(ctx, e.user("ks.registrator"), id, "slk", remiss.StepDecision{Verdict: remiss.VerdictGodkanner}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RecordStepDecision(ctx, e.user("ks.registrator"), id, "borgarradsberedningen", remiss.StepDecision{Paragraph: "3",
		Verdict: remiss.VerdictTillstyrker, Wording: "Borgarrådsberedningen tillstyrker förslaget.", Immediate: true, Adjusters: []string{"Cecilia Ek"}}); err != nil {
		t.Fatal(err)
	}
	var body string
	waitUntil(t, "KS's decision on the recipient's page", func() bool {
		_, body, _ = off.get("/uppdrag/" + asg)
		return strings.Contains(body, "Beslut: Borgarrådsberedningen tillstyrker förslaget.")
	})
	if !strings.Contains(body, "Beslut: Nämnden tillstyrker med tillägget om trafik.") || !strings.Contains(body, escaped) {
		t.Errorf("the recipient's page lacks its nämnd's decisions:\n%s", body)
	}
	if _, body, _ := coord.get("/remisser/" + id); !strings.Contains(body, "Beslut: Nämnden tillstyrker med tillägget om trafik.") {
		t.Errorf("KS's round page lacks the wording of the nämnd's decision:\n%s", body)
	}
	screenshotPage(t, base, "bromma.handlaggare", "/uppdrag/"+asg, "uppdrag-beslut")
	screenshotPage(t, base, "ks.samordnare", "/remisser/"+id, "remiss-beslut")
}
