package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
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
	"github.com/remiss/remiss/internal/web"
	"github.com/remiss/remiss/workflows"
)

// axeScript is axe-core, from npm (REMISS_AXE_JS, or node_modules where
// .ci/run installs it).
func axeScript(t *testing.T) string {
	for _, p := range []string{os.Getenv("REMISS_AXE_JS"), "../../.cache/axe/node_modules/axe-core/axe.min.js"} {
		if p == "" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			return string(b)
		}
	}
	dbtest.Unavailable(t, "axe-core (npm install axe-core)", os.ErrNotExist)
	return ""
}

// TestBrowser drives Debian's Chromium through a round: a Coordinator
// launches it, an officer writes and submits, a signatory approves, a
// registrator downloads and verifies. Every page is checked with axe-core
// (no serious or critical violations) and saved as a screenshot, at 1280
// and at 400 px (pageChecks), where it must not scroll sideways.
func TestBrowser(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		dbtest.Unavailable(t, "chromium", err)
	}
	axe := axeScript(t)
	e := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := demo.SeedWithPassword(ctx, e.store, "demo"); err != nil {
		t.Fatal(err)
	}
	w := e.startWorker()
	defer w.Stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: (&web.Server{Store: e.store, Rounds: e.svc, Roots: e.seals.Roots}).Handler()}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	shots := os.Getenv("REMISS_SCREENSHOT_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	os.MkdirAll(shots, 0o755)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 1000))
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	// The browser starts with this context, so the steps' own deadlines
	// (browse) end their steps, not the browser.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatal(err)
	}

	check := pageChecks(t, axe, shots)
	login := func(user string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(base+"/logga-in"),
			chromedp.WaitVisible(chromedp.ID("username")),
			// By keyboard: type, Tab to the password, Enter submits.
			chromedp.Focus(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), user),
			chromedp.KeyEvent("\t"),
			chromedp.SendKeys(chromedp.ID("password"), "demo"),
			chromedp.KeyEvent("\r"),
			chromedp.WaitVisible(chromedp.CSS(".logout")),
		)
	}
	logout := chromedp.Steps(chromedp.Click(chromedp.CSS(".logout button")), chromedp.WaitVisible(chromedp.ID("username")))
	deadline := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	id := "ks-2026-960-1"
	asg := remiss.AssignmentID(id, "bromma")

	var focused string // where the focus is after a refused form
	browse(t, bctx,
		chromedp.Navigate(base+"/logga-in"), chromedp.WaitVisible(chromedp.ID("username")), check("login"),
		login("ks.samordnare"), check("att-gora"),
		chromedp.Navigate(base+"/remisser"), chromedp.WaitVisible(chromedp.CSS("h1")), check("remissomgangar"),
		chromedp.Navigate(base+"/remisser/ny"), chromedp.WaitVisible(chromedp.ID("dnr")),
		// An empty form comes back with its error summary, which has the focus.
		chromedp.Submit(chromedp.ID("dnr")), chromedp.WaitVisible(chromedp.ID("error-summary")),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
			focused, err = chromedp.Evaluate[string](`document.activeElement.id`)(ctx, tg)
			return err
		}),
		check("ny-remiss-fel"),
		chromedp.SendKeys(chromedp.ID("dnr"), "KS 2026/960-1"),
		chromedp.SendKeys(chromedp.ID("title"), "Strategi för Stockholm som smart och uppkopplad stad"),
		chromedp.SendKeys(chromedp.ID("deadline"), deadline),
		chromedp.Click(chromedp.ID("r-bromma")), chromedp.Click(chromedp.ID("r-farsta")), chromedp.Click(chromedp.ID("r-kungsholmen")),
		check("ny-remiss"),
		chromedp.Submit(chromedp.ID("dnr")),
		chromedp.WaitVisible(chromedp.CSS(".flash")), check("remiss"),
		chromedp.Navigate(base+"/remisser/"+id+"/stang"), chromedp.WaitVisible(chromedp.CSS("h1")), check("stang-bekrafta"),
		logout,
	)
	if focused != "error-summary" {
		t.Errorf("after a refused form the focus is on %q, not the error summary", focused)
	}
	waitStarted(t, ctx, e.c, []string{"bromma", "farsta", "kungsholmen"}, id)
	browse(t, bctx,
		login("bromma.registrator"),
		chromedp.Navigate(base+"/inkorg"), chromedp.WaitVisible(chromedp.CSS("h1")), check("inkorg"),
		// By keyboard: focus the button, Enter.
		chromedp.Focus(chromedp.CSS(`form[action="/uppdrag/`+asg+`/fordela"] button`)), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		chromedp.Navigate(base+"/sammantraden"), chromedp.WaitVisible(chromedp.ID("agendaDeadline")), check("sammantraden"),
		chromedp.Navigate(base+"/dagordning"), chromedp.WaitVisible(chromedp.CSS("h1")), check("dagordning"),
		chromedp.Navigate(base+"/uppdrag/"+asg), chromedp.WaitVisible(chromedp.ID("routeMeeting")), check("uppdrag-beslutsvag"),
		logout,
		login("bromma.handlaggare"),
		chromedp.Navigate(base+"/uppdrag"), chromedp.WaitVisible(chromedp.CSS("h1")), check("mina-uppdrag"),
		chromedp.Navigate(base+"/uppdrag/"+asg), chromedp.WaitVisible(chromedp.ID("proposals")), check("uppdrag-editor"),
		fileControl(t, shots), pasteTooMuch(t, check),
		halfADraft(t, check, id),
		chromedp.SendKeys(chromedp.ID("proposals"), "Nämnden godkänner tjänsteutlåtandet.\nBeslutet justeras omedelbart."),
		chromedp.SendKeys(chromedp.ID("opinions"), "Förvaltningen delar stadsledningskontorets bedömning – ”Stockholm – en stad för alla”."),
		chromedp.SendKeys(chromedp.ID("signatories"), "Lars Wennberg, tf stadsdelsdirektör"),
		chromedp.SendKeys(chromedp.ID("officerName"), "Monica Slama"),
		chromedp.Click(chromedp.CSS(`button[value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")), check("inskickad"),
		logout,
		login("bromma.chef"),
		returnedAndResubmitted(t, base, asg, check, login, logout),
		login("bromma.chef"),
		chromedp.Navigate(base+"/uppdrag/"+asg), chromedp.WaitVisible(chromedp.CSS(`a[href="/uppdrag/`+asg+`/godkann"]`)), check("att-godkanna"),
		chromedp.Click(chromedp.CSS(`a[href="/uppdrag/`+asg+`/godkann"]`)), chromedp.WaitVisible(chromedp.CSS(`form[action="/uppdrag/`+asg+`/godkann"]`)), check("godkann"),
		chromedp.Focus(chromedp.CSS(`form[action="/uppdrag/`+asg+`/godkann"] button`)), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		logout,
	)
	// Farsta declines through the confirmation pages: the registrator
	// proposes, the chef approves; the round closes.
	farsta := remiss.AssignmentID(id, "farsta")
	confirmDecline := `form[action="/uppdrag/` + farsta + `/avsta"] button`
	browse(t, bctx,
		login("farsta.registrator"),
		chromedp.Navigate(base+"/uppdrag/"+farsta), chromedp.WaitVisible(chromedp.CSS(`a[href="/uppdrag/`+farsta+`/avsta"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/uppdrag/`+farsta+`/avsta"]`)), chromedp.WaitVisible(chromedp.ID("reason")), check("avsta-forslag"),
		chromedp.SendKeys(chromedp.ID("reason"), "Berör inte nämnden."),
		chromedp.Click(chromedp.CSS(confirmDecline)), chromedp.WaitVisible(chromedp.CSS(".flash")), check("avsta-vantar"),
		logout,
		login("farsta.chef"),
		chromedp.Navigate(base+"/uppdrag/"+farsta), chromedp.WaitVisible(chromedp.CSS(`a[href="/uppdrag/`+farsta+`/avsta"]`)), check("avsta-att-godkanna"),
		chromedp.Click(chromedp.CSS(`a[href="/uppdrag/`+farsta+`/avsta"]`)), chromedp.WaitVisible(chromedp.CSS(confirmDecline)), check("avsta-godkann"),
		chromedp.Click(chromedp.CSS(confirmDecline)), chromedp.WaitVisible(chromedp.CSS(".flash")),
		logout,
	)
	// Kungsholmen asks for anstånd; KS reads the reason, closes the round
	// through its confirmation page, and the counts are right.
	if _, err := e.svc.Assign(ctx, e.user("kungsholmen.registrator"), remiss.AssignmentID(id, "kungsholmen"), "kungsholmen.handlaggare"); err != nil {
		t.Fatal(err)
	}
	browse(t, bctx, anstandAndClose(t, base, id, check, login, logout, func() bool {
		r, err := e.store.Remiss(ctx, id)
		return err == nil && r.State != remiss.RemissOpen
	}))
	// The close drafted kommunstyrelsen's own statement: KS's registrator
	// assigns it from the inbox, its handläggare writes the förslag and
	// the synpunkter on the same page as every answer, and the signatory
	// approves it.
	ks := remiss.StatementAssignmentID(id)
	browse(t, bctx,
		login("ks.registrator"),
		chromedp.Navigate(base+"/inkorg"), chromedp.WaitVisible(chromedp.CSS(`form[action="/uppdrag/`+ks+`/fordela"] button`)), check("ks-inkorg"),
		chromedp.Focus(chromedp.CSS(`form[action="/uppdrag/`+ks+`/fordela"] button`)), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		logout,
		login("ks.handlaggare"),
		chromedp.Navigate(base+"/uppdrag/"+ks), chromedp.WaitVisible(chromedp.ID("proposals")), check("ks-utlatande"),
		chromedp.SendKeys(chromedp.ID("proposals"), "Kommunstyrelsen antar strategin.\nRemissvaren läggs till handlingarna."),
		chromedp.SendKeys(chromedp.ID("opinions"), "Stadsledningskontoret delar remissinstansernas bedömning."),
		chromedp.SendKeys(chromedp.ID("signatories"), "Anna Stadsdirektör, stadsdirektör"),
		chromedp.SendKeys(chromedp.ID("officerName"), "Kim Handläggare"),
		chromedp.Click(chromedp.CSS(`button[value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		logout,
		login("ks.chef"),
		chromedp.Navigate(base+"/uppdrag/"+ks), chromedp.WaitVisible(chromedp.CSS(`a[href="/uppdrag/`+ks+`/godkann"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/uppdrag/`+ks+`/godkann"]`)), chromedp.WaitVisible(chromedp.CSS(`form[action="/uppdrag/`+ks+`/godkann"]`)), check("ks-utlatande-godkann"),
		chromedp.Focus(chromedp.CSS(`form[action="/uppdrag/`+ks+`/godkann"] button`)), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
		logout,
	)
	var st workflows.RemissStatus
	if err := e.c.GetWorkflow(ctx, workflows.RemissWorkflowID(id), "").Get(ctx, &st); err != nil {
		t.Fatal(err)
	}
	browse(t, bctx,
		login("bromma.registrator"),
		chromedp.Navigate(base+"/arkiv?visa=avslutade&q=960"), chromedp.WaitVisible(chromedp.CSS("table")), check("arkiv"),
		chromedp.Navigate(base+"/dokument/statement."+asg+"/verifiering"), chromedp.WaitVisible(chromedp.CSS("dl")), check("verifiering"),
	)
	text, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil || !strings.Contains(text, "Giltig") || !strings.Contains(text, "TEST-sigill Bromma stadsdelsnämnd") {
		t.Errorf("verification page: %q %v", text, err)
	}
	browse(t, bctx, chromedp.Navigate(base+"/arkiv?visa=avslutade&q=960"))
	link, err := chromedp.Run(bctx, chromedp.AttributeValue(chromedp.CSS(`a[href="/dokument/statement.`+asg+`"]`), "href"))
	if err != nil || !link.Exists {
		t.Errorf("no download link: %v", err)
	}
	// The public pages, before the answer is marked: it is public.
	publicPages(t, bctx, base, id, asg, check, logout, e)
	externalPage(t, bctx, base, check, e)
	// The registrator marks the answer on its page: a malformed provision
	// first (the error summary takes the focus), then a good one.
	form := `form[action="/dokument/statement.` + asg + `/sekretess"]`
	browse(t, bctx,
		login("bromma.registrator"),
		chromedp.Navigate(base+"/dokument/statement."+asg+"/verifiering"), chromedp.WaitVisible(chromedp.CSS(form)),
		chromedp.SendKeys(chromedp.ID("provision"), "18 kap 8"),
		chromedp.Click(chromedp.CSS(form+" button")), chromedp.WaitVisible(chromedp.CSS(".error-summary")), check("sekretess-fel"),
		chromedp.Navigate(base+"/dokument/statement."+asg+"/verifiering"), chromedp.WaitVisible(chromedp.CSS(form)),
		chromedp.SendKeys(chromedp.ID("provision"), "OSL 18 kap. 8 §"),
		chromedp.SendKeys(chromedp.ID("publicTitle"), "Yttrande i webbläsarprovet"),
		chromedp.Click(chromedp.CSS(form+" button")), chromedp.WaitVisible(chromedp.CSS(".flash")), check("sekretessmarkerad"),
	)
	text, err = chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil || !strings.Contains(text, "Handlingen är sekretessmarkerad.") || !strings.Contains(text, "Yttrande i webbläsarprovet") {
		t.Errorf("the marked document's page: %q %v", text, err)
	}
}

// publicPages visits, logged out, the public pages of the round launched
// (published by default): the list, the round with Bromma's registered
// answer, the check of Bromma's sealed statement and the
// tillgänglighetsredogörelse, each with axe and a screenshot.
func publicPages(t *testing.T, bctx context.Context, base, id, asg string, check func(string) chromedp.Action[chromedp.Void], logout chromedp.Action[chromedp.Void], e *env) {
	t.Helper()
	d, err := e.store.Document(context.Background(), "statement."+asg)
	if err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "yttrande.pdf")
	os.WriteFile(pdf, d.Content, 0o644)
	browse(t, bctx,
		logout,
		chromedp.Navigate(base+"/offentligt"), chromedp.WaitVisible(chromedp.CSS(`a[href="/offentligt/remisser/`+id+`"]`)), check("offentligt"),
		chromedp.Click(chromedp.CSS(`a[href="/offentligt/remisser/`+id+`"]`)), chromedp.WaitVisible(chromedp.CSS(`a[href="/offentligt/dokument/statement.`+asg+`"]`)), check("offentligt-remiss"),
		chromedp.Navigate(base+"/offentligt/verifiera"), chromedp.WaitVisible(chromedp.CSS(".file-button")), check("offentligt-verifiera"),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.SetUploadFiles(chromedp.ID("dokument"), []string{pdf})(ctx, tg)
			return err
		}),
		chromedp.Click(chromedp.CSS(`form[action="/offentligt/verifiera"] button`)), chromedp.WaitVisible(chromedp.CSS(".verdict")), check("offentligt-verifierad"),
	)
	text, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil || !strings.Contains(text, "Handlingen är äkta") || !strings.Contains(text, "TEST-sigill Bromma stadsdelsnämnd") {
		t.Errorf("public verification: %q %v", text, err)
	}
	browse(t, bctx, chromedp.Navigate(base+"/tillganglighet"), chromedp.WaitVisible(chromedp.CSS(`a[href="https://www.digg.se/tdosanmalan"]`)), check("tillganglighet"))
}

// externalPage opens an outside body's personal link, without login: the
// remiss with its forms, then the answer form sent without a name, shown
// again with its problem and the text kept.
func externalPage(t *testing.T, bctx context.Context, base string, check func(string) chromedp.Action[chromedp.Void], e *env) {
	t.Helper()
	ctx := context.Background()
	e.svc.LinkKey = bytes.Repeat([]byte{9}, remiss.LinkKeySize)
	x := remiss.ExternalRecipient{Name: "Region Stockholm", Email: "registrator@region.example"}
	id, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{Dnr: "KS 2026/975-1", Title: "Remiss av regional cykelplan",
		Description: "Kommunstyrelsen remitterar förslaget till regional cykelplan.", Deadline: time.Now().AddDate(0, 1, 0).Format(remiss.DateLayout),
		External: []remiss.ExternalRecipient{x}})
	if err != nil {
		t.Fatal(err)
	}
	asg := remiss.AssignmentID(id, remiss.ExternalCode(x.Email))
	l, err := e.store.LinkOf(ctx, asg)
	if err != nil {
		t.Fatal(err)
	}
	link := base + "/svar/" + remiss.LinkToken(e.svc.LinkKey, asg, l.Generation, l.Nonce)
	browse(t, bctx,
		chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("text")), check("svar-lank"),
		chromedp.SetValue(chromedp.ID("text"), "Regionen tillstyrker planen."),
		chromedp.Click(chromedp.CSS(`form input[value="answer"] ~ button`)), chromedp.WaitVisible(chromedp.CSS(".error-summary")), check("svar-lank-fel"),
	)
	text, err := chromedp.Run(bctx, chromedp.Value(chromedp.ID("text")))
	if err != nil || text != "Regionen tillstyrker planen." {
		t.Errorf("the answer's text after a refusal: %q %v", text, err)
	}
}

// keyboardMarks numbers every control a keyboard user must reach (a radio
// group counts once: arrows move within it) and records, as Tab moves the
// focus, which were reached and which showed no focus indicator.
const keyboardMarks = `(() => {
  const sel = 'a[href], summary, button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  const els = [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length > 0);
  const key = e => e.type === 'radio' ? 'radio:' + e.name : String(els.indexOf(e));
  const say = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : '') + (e.getAttribute('href') ? '[href=' + e.getAttribute('href') + ']' : '');
  window.__kb = {want: {}, got: {}, plain: [], checked: 0};
  els.forEach(e => { window.__kb.want[key(e)] = say(e); });
  document.activeElement && document.activeElement.blur();
  document.addEventListener('focusin', ev => {
    const e = ev.target; if (els.indexOf(e) < 0) return;
    window.__kb.got[key(e)] = true;
    // :focus styles apply only while the page has the focus, which a
    // headless page may still lack on the first Tab after it loads; each
    // control is focused twice, so it is checked once the page has it.
    if (!document.hasFocus()) return;
    window.__kb.checked++;
    const cs = getComputedStyle(e);
    if (cs.outlineStyle === 'none' && cs.boxShadow === 'none') window.__kb.plain.push(say(e));
  });
  return els.length;
})()`

// keyboardWalk presses Tab through the page and fails for every control
// the keyboard never reaches and every one focused without a visible focus
// indicator: everything works by keyboard.
func keyboardWalk(ctx context.Context, tg *chromedp.Target, t *testing.T, page string) error {
	n, err := chromedp.Evaluate[int](keyboardMarks)(ctx, tg)
	if err != nil {
		return err
	}
	for range 2*n + 5 { // past the end and round again: the order does not matter, only that each is reached
		if _, err := chromedp.KeyEvent("\t")(ctx, tg); err != nil {
			return err
		}
	}
	out, err := chromedp.Evaluate[string](`JSON.stringify({missed: Object.keys(__kb.want).filter(k => !__kb.got[k]).map(k => __kb.want[k]), plain: [...new Set(__kb.plain)], checked: __kb.checked})`)(ctx, tg)
	if err != nil {
		return err
	}
	var res struct {
		Missed, Plain []string
		Checked       int
	}
	json.Unmarshal([]byte(out), &res)
	if res.Checked < n {
		t.Errorf("%s: the focus indicator was checked %d times for %d controls: the page lacked the focus", page, res.Checked, n)
	}
	for _, m := range res.Missed {
		t.Errorf("%s: %s is not reached by Tab", page, m)
	}
	for _, m := range res.Plain {
		t.Errorf("%s: %s shows no focus", page, m)
	}
	t.Logf("%s: Tab reaches all %d controls", page, n)
	return nil
}
