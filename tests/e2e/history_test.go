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
	screenshotHistory(t, base, history)
}

// screenshotHistory opens the history page in Chromium as the officer,
// checks it with axe-core and keeps a screenshot (REMISS_SCREENSHOT_DIR).
func screenshotHistory(t *testing.T, base, path string) {
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
		chromedp.SendKeys(chromedp.ID("username"), "bromma.handlaggare"), chromedp.SendKeys(chromedp.ID("password"), "demo"),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.CSS(".logout")),
		chromedp.Navigate(base+path+"#version-2"), chromedp.WaitVisible(chromedp.ID("version-2")),
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
	file := filepath.Join(shots, "historik.png")
	os.WriteFile(file, png, 0o644)
	t.Logf("screenshot %s", file)
	var found []string
	json.Unmarshal([]byte(violations), &found)
	for _, v := range found {
		t.Errorf("history page: axe: %s", v)
	}
}
