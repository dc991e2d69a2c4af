package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// widths are the window widths every page is checked at: a desktop, and
// a phone held upright (400 px, where WCAG's reflow asks for no
// scrolling sideways at 320 CSS px of a 1280 px page at 400 %).
var widths = []int64{1280, 400}

// pageChecks is the check of a page at each width: a screenshot under
// shots, axe-core (no serious or critical violations) and, narrow, no
// scrolling sideways; then, at the desktop width, the keyboard walk.
func pageChecks(t *testing.T, axe, shots string) func(name string) chromedp.Action[chromedp.Void] {
	shot := 0
	return func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			shot++
			for _, width := range widths {
				if _, err := chromedp.EmulateViewport(width, 1000)(ctx, tg); err != nil {
					return err
				}
				if err := checkAt(ctx, tg, t, axe, filepath.Join(shots, fmt.Sprintf("%02d-%s-%d.png", shot, name, width)), width); err != nil {
					return err
				}
			}
			if _, err := chromedp.EmulateViewport(widths[0], 1000)(ctx, tg); err != nil {
				return err
			}
			return keyboardWalk(ctx, tg, t, name)
		})
	}
}

// checkAt saves the page's screenshot as file and checks it at width.
func checkAt(ctx context.Context, tg *chromedp.Target, t *testing.T, axe, file string, width int64) error {
	name := filepath.Base(file)
	png, err := chromedp.FullScreenshot(100)(ctx, tg) // 100: PNG
	if err != nil {
		return err
	}
	os.WriteFile(file, png, 0o644)
	t.Logf("screenshot %s", file)
	out, err := chromedp.Evaluate[string](axe+`;axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.help + " (" + v.nodes.length + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ") + ")")))`,
		chromedp.EvalAwaitPromise)(ctx, tg)
	if err != nil {
		return err
	}
	var violations []string
	json.Unmarshal([]byte(out), &violations)
	for _, v := range violations {
		t.Errorf("%s: axe: %s", name, v)
	}
	wide, err := chromedp.Evaluate[string](`JSON.stringify({w: document.documentElement.scrollWidth, over: [...document.querySelectorAll("main *, header *, nav *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""))})`)(ctx, tg)
	if err != nil {
		return err
	}
	var res struct {
		W    int64
		Over []string
	}
	json.Unmarshal([]byte(wide), &res)
	if res.W > width {
		t.Errorf("%s: the page is %d px wide at %d px: it scrolls sideways (%v)", name, res.W, width, res.Over)
	}
	return tableRoles(ctx, tg, t, name)
}

// tableRoles fails when a table, shown as cards on a narrow screen, is
// no longer a table to a screen reader: as many tables, column heads
// and cells in the accessibility tree as in the page.
func tableRoles(ctx context.Context, tg *chromedp.Target, t *testing.T, name string) error {
	want, err := chromedp.Evaluate[map[string]int](`({table: document.querySelectorAll("main table").length, columnheader: document.querySelectorAll("main th[scope=col]").length, cell: document.querySelectorAll("main td").length})`)(ctx, tg)
	if err != nil {
		return err
	}
	tree, err := cdp.Call(ctx, tg, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		return err
	}
	got := map[string]int{}
	for _, n := range tree.Nodes {
		if n.Role != nil && !n.Ignored {
			var role string
			json.Unmarshal(n.Role.Value, &role)
			got[role]++
		}
	}
	for role, n := range want {
		if got[role] < n {
			t.Errorf("%s: %d of %d %s in the accessibility tree", name, got[role], n, role)
		}
	}
	return nil
}

// fileControl checks the attachment's file control on the page: the
// browser's own control (in the browser's language) is not seen, the
// Swedish button is, and the script names the file chosen. A screenshot
// under shots shows the control with the focus.
func fileControl(t *testing.T, shots string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		pdf := filepath.Join(t.TempDir(), "karta över området.pdf")
		os.WriteFile(pdf, []byte("%PDF-1.7\n%%EOF\n"), 0o644)
		before, err := chromedp.Evaluate[string](`(() => { const i = document.getElementById("bilaga"), r = i.getBoundingClientRect(), b = document.querySelector("label.file-button[for=bilaga]");
  return [getComputedStyle(i).opacity, Math.round(r.width) + "x" + Math.round(r.height), b ? b.textContent + ":" + b.getBoundingClientRect().width : "", document.getElementById("bilaga-name").textContent].join("|") })()`)(ctx, tg)
		if err != nil {
			return err
		}
		if _, err := chromedp.SetUploadFiles(chromedp.ID("bilaga"), []string{pdf})(ctx, tg); err != nil {
			return err
		}
		after, err := chromedp.Evaluate[string](`document.getElementById("bilaga-name").textContent`)(ctx, tg)
		if err != nil {
			return err
		}
		var opacity, size, button, none string
		parts := strings.Split(before, "|")
		if len(parts) == 4 {
			opacity, size, button, none = parts[0], parts[1], parts[2], parts[3]
		}
		if opacity != "0" || size != "1x1" || !strings.HasPrefix(button, "Välj PDF-fil:") || button == "Välj PDF-fil:0" || none != "Ingen fil vald" {
			t.Errorf("file control: the browser's own %s, %s; the button %q; before a choice %q", opacity, size, button, none)
		}
		if after != "Vald fil: karta över området.pdf" {
			t.Errorf("file control: after choosing a file it says %q", after)
		}
		if _, err := chromedp.Focus(chromedp.ID("bilaga"))(ctx, tg); err != nil {
			return err
		}
		png, err := chromedp.Screenshot(chromedp.CSS(`form[enctype="multipart/form-data"]`))(ctx, tg)
		if err == nil {
			err = os.WriteFile(filepath.Join(shots, "fil-i-fokus.png"), png, 0o644)
		}
		return err
	})
}

// pasteTooMuch pastes 4 MB into the answer's synpunkter and saves: the
// page comes back in the layout with the error summary, the limit at the
// field and its first 50 000 characters in it (what the officer wrote is
// not lost); the field is emptied again after the page is checked.
func pasteTooMuch(t *testing.T, check func(string) chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		script(`document.getElementById("opinions").value = "Synpunkt. ".repeat(400000); document.querySelector('button[value="draft"]').click()`),
		chromedp.WaitVisible(chromedp.ID("error-summary")),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			out, err := chromedp.Evaluate[string](`[document.getElementById("opinions").value.length, document.querySelectorAll('link[rel=stylesheet]').length, document.getElementById("opinions-error").textContent].join("|")`)(ctx, tg)
			if err != nil {
				return err
			}
			if want := "50000|1|Texten är för lång: högst 50\u00a0000 tecken."; !strings.HasPrefix(out, want) {
				t.Errorf("after pasting 4 MB: %q, want %q…", out, want)
			}
			return nil
		}),
		check("for-lang-text"),
		script(`document.getElementById("opinions").value = ""`),
	)
}

// script runs js on the page.
func script(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool]("(() => { "+js+"; return true })()")(ctx, tg)
		return err
	})
}
