package e2e

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

var reTodoRow = regexp.MustCompile(`(?s)<tr>\s*<td data-label="Att göra"><a href="([^"]+)">([^<]+)<span`)

// todoRows are the links and actions of a page's "Att göra" table.
func todoRows(body string) []string {
	var out []string
	for _, m := range reTodoRow.FindAllStringSubmatch(body, -1) {
		out = append(out, m[2]+" → "+m[1])
	}
	return out
}

// worklistRound launches a round to orgs with a svarsdatum days from now
// and waits for its workflows.
func worklistRound(t *testing.T, e *env, ctx context.Context, dnr string, days int, orgs ...string) string {
	t.Helper()
	id, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{Dnr: dnr, Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: time.Now().In(remiss.Stockholm).AddDate(0, 0, days).Format(remiss.DateLayout), Recipients: orgs, Reminders: []string{"3d"}})
	if err != nil {
		t.Fatal(err)
	}
	waitStarted(t, ctx, e.c, orgs, id)
	return id
}

// TestWorklists: each role starts on "Att göra" with exactly what waits
// for it, with the days left to the date that matters; the rounds list,
// the inbox and the archive are searched, filtered, sorted and paged.
func TestWorklists(t *testing.T) {
	e, ctx, base := served(t)
	id := worklistRound(t, e, ctx, "KS 2026/970-1", 40, "bromma", "farsta", "kungsholmen", "norrmalm")
	asg := func(org string) string { return remiss.AssignmentID(id, org) }
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Bromma decides in the nämnd, whose agenda closes in 10 days: that
	// is the date that matters. Farsta's answer came back; Kungsholmen's
	// waits for its chef; Norrmalm asks for anstånd.
	in := func(days int) string {
		return time.Now().In(remiss.Stockholm).AddDate(0, 0, days).Format(remiss.DateLayout)
	}
	m, err := e.svc.AddMeeting(ctx, e.user("bromma.registrator"), remiss.NewMeeting{Date: in(20), AgendaDeadline: in(10)})
	must(m, err)
	must(e.svc.SetRoute(ctx, e.user("bromma.registrator"), asg("bromma"), remiss.RouteNamnd, m.ID))
	for _, org := range []string{"farsta", "kungsholmen"} {
		must(e.svc.Assign(ctx, e.user(org+".registrator"), asg(org), org+".handlaggare"))
		o, _ := e.store.Org(ctx, org)
		must(e.svc.Submit(ctx, e.user(org+".handlaggare"), asg(org), demo.SampleResponse(o)))
	}
	must(e.svc.Return(ctx, e.user("farsta.chef"), asg("farsta"), "Komplettera bakgrunden."))
	must(e.svc.RequestExtension(ctx, e.user("norrmalm.registrator"), asg("norrmalm"), in(70), "Nämnden sammanträder först i februari."))
	// A second round whose svarsdatum has passed waits to be closed.
	late := worklistRound(t, e, ctx, "KS 2026/971-1", 30, "skarholmen")
	past := time.Now().In(remiss.Stockholm).AddDate(0, 0, -3)
	if _, err := e.store.DB().ExecContext(ctx, `UPDATE remisses SET deadline=$2, deadline_at=$3 WHERE id=$1`, late,
		past.Format(remiss.DateLayout), past.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	want := map[string][]string{
		"bromma.registrator":      {"Fördela till en handläggare → /inkorg?lage=inkommen&amp;q=KS&#43;2026%2F970-1"},
		"bromma.handlaggare":      nil,
		"farsta.handlaggare":      {"Skriv och skicka in yttrandet → /uppdrag/" + asg("farsta")},
		"farsta.chef":             nil,
		"kungsholmen.chef":        {"Granska och godkänn yttrandet → /uppdrag/" + asg("kungsholmen")},
		"kungsholmen.handlaggare": nil,
		"norrmalm.registrator":    {"Fördela till en handläggare → /inkorg?lage=inkommen&amp;q=KS&#43;2026%2F970-1"},
		"skarholmen.registrator":  {"Fördela till en handläggare → /inkorg?lage=inkommen&amp;q=KS&#43;2026%2F971-1"},
		"ks.registrator":          nil,
		"ks.samordnare": {"Stäng remissomgången och sammanställ svaren → /remisser/" + late + "/stang",
			"Besluta om anstånd → /remisser/" + id},
	}
	pages := map[string]string{}
	for user, items := range want {
		b := newBrowser(t, base)
		b.login(user)
		code, body, _ := b.get("/")
		pages[user] = body
		if got := todoRows(body); code != 200 || strings.Join(got, "\n") != strings.Join(items, "\n") {
			t.Errorf("%s: Att göra %d:\n%s\nwant:\n%s", user, code, strings.Join(got, "\n"), strings.Join(items, "\n"))
		}
		if !strings.Contains(body, `<li><a href="/">Att göra</a></li>`) {
			t.Errorf("%s: no Att göra in the menu", user)
		}
		if items == nil && !strings.Contains(body, "Inget väntar på dig just nu.") {
			t.Errorf("%s: an empty list does not say so", user)
		}
	}
	for user, words := range map[string][]string{
		"bromma.registrator":   {in(10) + "</time> (sista dag för dagordningen)", `<td data-label="Dagar kvar">10 dagar kvar</td>`},
		"norrmalm.registrator": {in(40) + "</time> (svarsdatum)", `<td data-label="Dagar kvar">40 dagar kvar</td>`},
		"farsta.handlaggare":   {`<strong class="tag tag-returned">Återsänt</strong>`, `<td data-label="Dagar kvar">40 dagar kvar</td>`},
		"kungsholmen.chef":     {`<td data-label="Dagar kvar">40 dagar kvar</td>`, "Kungsholmens stadsdelsnämnd"},
		"ks.samordnare": {`<strong class="tag tag-late">3 dagar sedan</strong>`, "Skäl: Nämnden sammanträder först i februari.",
			"Begärt till " + in(70) + " av Registrator, Norrmalms stadsdelsnämnd"},
	} {
		for _, w := range words {
			if !strings.Contains(pages[user], w) {
				t.Errorf("%s: Att göra lacks %q:\n%s", user, w, pages[user])
			}
		}
	}
	t.Run("chromium", func(t *testing.T) {
		worklistShots(t, base, map[string]string{"registrator": "bromma.registrator", "handlaggare": "farsta.handlaggare",
			"chef": "kungsholmen.chef", "samordnare": "ks.samordnare", "ks-registrator": "ks.registrator"})
	})
	worklistLists(t, e, ctx, base)
}

// worklistLists checks search, filters, order and pages of the three
// lists over 30 more rounds, stored directly: the lists read PostgreSQL.
func worklistLists(t *testing.T, e *env, ctx context.Context, base string) {
	for i := 1; i <= 30; i++ {
		d := time.Now().In(remiss.Stockholm).AddDate(0, 0, 60+i)
		r := store.Remiss{ID: fmt.Sprintf("ks-2026-5%02d-1", i), Dnr: fmt.Sprintf("KS 2026/5%02d-1", i), Title: fmt.Sprintf("Listremiss %02d", i),
			Deadline: d.Format(remiss.DateLayout), DeadlineAt: d.Add(24 * time.Hour), Reminders: []string{"3d"}, Grace: "7d",
			Coordinator: "ks.samordnare", Recipients: []string{"bromma"}}
		if _, err := e.store.CreateRound(ctx, r); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.PutDocument(ctx, store.Document{ID: "underlag." + r.ID, RemissID: r.ID, Kind: "underlag",
			Filename: fmt.Sprintf("underlag-%02d.pdf", i), Content: []byte("%PDF-1.7 test")}); err != nil {
			t.Fatal(err)
		}
	}
	coord, reg := newBrowser(t, base), newBrowser(t, base)
	coord.login("ks.samordnare")
	reg.login("bromma.registrator")
	check := func(b *browser, path string, wants ...string) string {
		t.Helper()
		code, body, _ := b.get(path)
		if code != 200 {
			t.Errorf("%s: %d", path, code)
		}
		for _, w := range wants {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", path, w)
			}
		}
		return body
	}
	// 32 open rounds: the two launched and the thirty stored.
	body := check(coord, "/remisser", "Visar 1–25 av 32", `rel="next">Nästa (sida 2)`, `aria-sort="ascending"><a href="/remisser?ordning=fallande&amp;sortera=svarsdatum&amp;visa=pagaende">Svarsdatum`,
		"Pågående remissomgångar, sorterade efter svarsdatum, tidigast först. Sida 1 av 2.", "Remissamordnare: Remissamordnare, Stadsledningskontoret",
		"Utan svar: 0")
	if strings.Contains(body, "Listremiss 24") || !strings.Contains(body, "Listremiss 23") {
		t.Error("the first page is not the 25 nearest svarsdatum")
	}
	check(coord, "/remisser?sida=2", "Visar 26–32 av 32", `rel="prev">Föregående (sida 1)`, "Listremiss 30", "Sida 2 av 2.")
	body = check(coord, "/remisser?sortera=titel&ordning=fallande", `aria-sort="descending"`, "sorterade efter titel, från Ö till A")
	if strings.Index(body, "Strategi för Stockholm") > strings.Index(body, "Listremiss 30") {
		t.Error("by title, descending, Strategi comes first")
	}
	check(coord, "/remisser?q=2026/505", "Visar 1–1 av 1", "Listremiss 05")
	check(coord, "/remisser?org=kungsholmen", "Visar 1–1 av 1", "KS 2026/970-1")
	check(coord, "/remisser?q=%27%3B+drop+table+remisses%3B+--", "Ingen remissomgång motsvarar urvalet.", `value="&#39;; drop table remisses; --"`)
	body = check(coord, "/remisser?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "&lt;script&gt;alert(1)&lt;/script&gt;")
	if strings.Contains(body, "<script>alert") {
		t.Error("a search string became structure")
	}
	check(coord, "/remisser?sida=9", "Sidan finns inte; listan har 2 sidor.", "Visar 26–32 av 32")
	check(coord, "/remisser?sida=x&ar=19&sortera=pris&lage=nej&org=nej",
		"Sidnumret anges som ett heltal från 1", "Året anges med fyra siffror", "sorteras efter svarsdatum", "Läget finns inte", "Organisationen finns inte", "Visar 1–25 av 32")
	check(coord, "/remisser?ar="+time.Now().In(remiss.Stockholm).Format("2006"), "Visar 1–25 av 32")
	check(coord, "/remisser?visa=avslutade", "Ingen remissomgång motsvarar urvalet.")

	// The inbox: Bromma's 31 assignments.
	check(reg, "/inkorg", "Visar 1–25 av 31", `rel="next">Nästa (sida 2)`, "Fördela")
	check(reg, "/inkorg?sida=2&lage=inkommen", "Visar 26–31 av 31", `rel="prev">Föregående (sida 1)`)
	check(reg, "/inkorg?lage=inkommen&q=KS+2026%2F970-1", "Visar 1–1 av 1", "Strategi för Stockholm")
	check(reg, "/inkorg?q=%3Cscript%3E", "&lt;script&gt;", "Inget uppdrag motsvarar urvalet.")
	check(reg, "/inkorg?visa=avslutade", "Inget uppdrag motsvarar urvalet.", `aria-current="page">Avslutade`)

	// The archive: the thirty remissunderlag and the missiv of the two
	// launched rounds, for KS.
	check(coord, "/arkiv?lage=remissunderlag", "Visar 1–25 av 30", `rel="next">Nästa (sida 2)`)
	check(coord, "/arkiv?lage=remissunderlag&sida=2&sortera=titel", "Visar 26–30 av 30", "underlag-30.pdf", `aria-sort="ascending"`)
	check(coord, "/arkiv?q=%27%3B+drop+table+documents%3B+--", "Inget dokument motsvarar urvalet.")
	check(reg, "/arkiv?q=Listremiss+07", "Visar 1–1 av 1", "underlag-07.pdf")
}

// worklistShots opens each role's "Att göra" and the rounds list in
// Chromium, checks them with axe-core and keeps their screenshots as
// todo-<role>.png (REMISS_SCREENSHOT_DIR).
func worklistShots(t *testing.T, base string, users map[string]string) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		dbtest.Unavailable(t, "chromium", err)
	}
	axe := axeScript(t)
	shots := cmp.Or(os.Getenv("REMISS_SCREENSHOT_DIR"), t.TempDir())
	os.MkdirAll(shots, 0o755)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	defer cancelAlloc()
	shot := func(file string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			os.WriteFile(filepath.Join(shots, file), png, 0o644)
			t.Logf("screenshot %s", filepath.Join(shots, file))
			out, err := chromedp.Evaluate[string](axe+`;axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.help)))`,
				chromedp.EvalAwaitPromise)(ctx, tg)
			if err == nil && out != "[]" {
				t.Errorf("%s: axe: %s", file, out)
			}
			return err
		})
	}
	for name, user := range users {
		bctx, cancel := chromedp.NewContext(alloc)
		steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + "/logga-in"), chromedp.WaitVisible(chromedp.ID("username")),
			chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), "demo"),
			chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.CSS(".logout")), shot("todo-" + name + ".png")}
		if user == "ks.samordnare" {
			steps = append(steps, chromedp.Navigate(base+"/remisser"), chromedp.WaitVisible(chromedp.CSS("table")), shot("todo-remissomgangar.png"))
		}
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Errorf("%s: %v", user, err)
		}
		cancel()
	}
}
