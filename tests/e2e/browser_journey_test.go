package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The parts of TestBrowser's journey that close a loop: half a draft kept,
// the remissunderlag read, an answer returned with a comment the officer
// reads, an anstånd whose reason KS reads, a round closed with the counts
// right.

type step = chromedp.Action[chromedp.Void]

// text is the text of the first element sel matches.
func text(sel string, out *string) step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
		*out, err = chromedp.Text(chromedp.CSS(sel))(ctx, tg)
		return err
	})
}

// halfADraft: the officer writes only a summary and saves it (a draft
// needs no field), finds it kept, and opens the round's missiv from the
// "Om remissen" part.
func halfADraft(t *testing.T, check func(string) step, id string) step {
	summary := "Strategin gör livet enklare för invånare, företagare och besökare."
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := chromedp.Evaluate[bool](`document.getElementById("opinions").value = document.getElementById("summary").value = ""; true`)(ctx, tg); err != nil {
			return err
		}
		if _, err := chromedp.Steps(chromedp.SendKeys(chromedp.ID("summary"), summary),
			chromedp.Click(chromedp.CSS(`button[value="draft"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))(ctx, tg); err != nil {
			return err
		}
		if _, err := check("utkast-sparat")(ctx, tg); err != nil {
			return err
		}
		kept, err := chromedp.Evaluate[string](`document.getElementById("summary").value`)(ctx, tg)
		if err != nil {
			return err
		}
		if kept != summary {
			t.Errorf("half a draft saved, the page shows %q", kept)
		}
		// The next step waits for the flash of the page it submits to:
		// this page's must not answer for it (a wait begun on a page that
		// then goes away never ends).
		if _, err := chromedp.Evaluate[bool](`document.querySelectorAll(".flash").forEach(e => e.remove()); true`)(ctx, tg); err != nil {
			return err
		}
		got, err := chromedp.Evaluate[string](`fetch(document.querySelector('a[href="/dokument/missiv.`+id+`"]').href).then(r => r.status + " " + r.headers.get("Content-Type"))`,
			chromedp.EvalAwaitPromise)(ctx, tg)
		if err != nil || got != "200 application/pdf" {
			t.Errorf("the officer opens the missiv: %q %v", got, err)
		}
		return nil
	})
}

// returnedAndResubmitted: the chef (logged in) returns the answer from the
// approval page with a comment; the officer reads the comment on the
// assignment page and submits again, every field kept from the saved
// version. Ends logged out.
func returnedAndResubmitted(t *testing.T, base, asg string, check func(string) step, login func(string) step, logout step) step {
	comment := "Komplettera bakgrunden med tillgängligheten för äldre, tack."
	var seen string
	return chromedp.Steps(
		chromedp.Navigate(base+"/uppdrag/"+asg+"/godkann"), chromedp.WaitVisible(chromedp.ID("comment")),
		chromedp.SendKeys(chromedp.ID("comment"), comment),
		chromedp.Click(chromedp.CSS(`form[action="/uppdrag/`+asg+`/atersand"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")),
		logout,
		login("bromma.handlaggare"),
		chromedp.Navigate(base+"/uppdrag/"+asg), chromedp.WaitVisible(chromedp.ID("proposals")), check("atersant"),
		text("main", &seen),
		chromedp.Func(func(context.Context, *chromedp.Target) error {
			if !strings.Contains(seen, "Återsänt för komplettering") || !strings.Contains(seen, comment) {
				t.Errorf("the officer does not read the chef's comment:\n%s", seen)
			}
			return nil
		}),
		chromedp.SendKeys(chromedp.ID("background"), "Tillgängligheten för äldre är belyst."),
		chromedp.Click(chromedp.CSS(`button[value="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")),
		logout,
	)
}

// anstandAndClose: Kungsholmen's officer asks for anstånd; KS reads its
// reason on the round page, closes the round through the confirmation
// page, and the closed round counts one answer, one decline and one
// without an answer.
// closed reports whether the round has closed (the workflow records it
// once every assignment has been told).
func anstandAndClose(t *testing.T, base, id string, check func(string) step, login func(string) step, logout step, closed func() bool) step {
	asg := id + ".kungsholmen"
	reason := "Nämnden sammanträder först efter svarsdatum."
	var round, list string
	return chromedp.Steps(
		login("kungsholmen.handlaggare"),
		chromedp.Navigate(base+"/uppdrag/"+asg), chromedp.WaitVisible(chromedp.ID("until")),
		chromedp.SendKeys(chromedp.ID("until"), time.Now().AddDate(0, 3, 0).Format("2006-01-02")),
		chromedp.SendKeys(chromedp.ID("extensionReason"), reason),
		chromedp.Click(chromedp.CSS(`form[action="/uppdrag/`+asg+`/anstand"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")),
		check("anstand-begart"),
		logout,
		login("ks.samordnare"), check("att-gora-anstand"),
		chromedp.Navigate(base+"/remisser/"+id), chromedp.WaitVisible(chromedp.ID("kungsholmen")), check("remiss-anstand"),
		text("#kungsholmen", &round),
		chromedp.Navigate(base+"/remisser/"+id+"/stang"), chromedp.WaitVisible(chromedp.CSS(`form[action="/remisser/`+id+`/stang"] button`)),
		chromedp.Click(chromedp.CSS(`form[action="/remisser/`+id+`/stang"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			for !closed() {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(100 * time.Millisecond):
				}
			}
			return nil
		}),
		chromedp.Navigate(base+"/remisser?visa=avslutade"), chromedp.WaitVisible(chromedp.CSS("table")), check("remissomgangar-avslutade"),
		text("tbody", &list),
		chromedp.Func(func(context.Context, *chromedp.Target) error {
			if !strings.Contains(round, reason) {
				t.Errorf("KS does not read the reason for the anstånd: %q", round)
			}
			if !strings.Contains(list, "Besvarade: 1 · Avstår: 1 · Pågår: 0 · Utan svar: 1") {
				t.Errorf("the closed round is counted as %q", list)
			}
			return nil
		}),
		logout,
	)
}

// browse runs steps in the browser within five minutes (a phase visits up
// to a dozen pages, each checked at two widths and walked by keyboard, on
// a shared machine): a page that never shows what a step waits for fails
// the test, saying where the browser was and what the page said, instead
// of waiting for ever.
func browse(t *testing.T, bctx context.Context, steps ...step) {
	t.Helper()
	ctx, cancel := context.WithTimeout(bctx, 5*time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		dctx, dcancel := context.WithTimeout(bctx, 10*time.Second)
		defer dcancel()
		var where, said string
		_ = chromedp.Do(dctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
			if where, err = chromedp.Evaluate[string](`location.href`)(ctx, tg); err != nil {
				return err
			}
			said, err = chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`)(ctx, tg)
			return err
		}))
		t.Fatalf("%v, on %s:\n%s", err, where, said)
	}
}
