package web

import (
	"io/fs"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/templates"
)

// TestEveryButtonHasAKind: each button and each link shown as a button is
// primary (the page's main action), secondary or warning (what cannot be
// undone), so that they look different.
func TestEveryButtonHasAKind(t *testing.T) {
	files, _ := fs.Glob(templates.Web, "web/*.html")
	tag := regexp.MustCompile(`<button[^>]*>|<a [^>]*class="button[^"]*"[^>]*>|<label [^>]*class="button[^"]*"[^>]*>`)
	kind := regexp.MustCompile(`class="button (primary|secondary|warning)[ "]`)
	n := 0
	for _, f := range files {
		b, _ := fs.ReadFile(templates.Web, f)
		for _, el := range tag.FindAllString(string(b), -1) {
			n++
			if !kind.MatchString(el) {
				t.Errorf("%s: %s has no kind (button primary|secondary|warning)", f, el)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d buttons found", n)
	}
}

// luminance is the relative luminance of a colour #rrggbb (WCAG 2).
func luminance(t *testing.T, hex string) float64 {
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("colour %q", hex)
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		c := float64(v>>(16-8*i)&0xff) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// cssRule is the declarations of the first rule of the style sheet whose
// selector starts with sel.
func cssRule(t *testing.T, sel string) string {
	i := strings.Index(string(css), "\n"+sel)
	if i < 0 {
		t.Fatalf("no rule %q in remiss.css", sel)
	}
	rule, _, _ := strings.Cut(string(css[i:]), "}")
	return rule
}

// cssColour is the colour of property prop in rule (its first #rrggbb).
func cssColour(t *testing.T, rule, prop string) string {
	m := regexp.MustCompile(`(?:^|[;{ ])` + prop + `:[^;#]*(#[0-9a-fA-F]{6})`).FindStringSubmatch(rule)
	if m == nil {
		t.Fatalf("no %s in %q", prop, rule)
	}
	return m[1]
}

// TestTagsPassContrast: every state of an assignment and of a round has
// its tag colour, and its text passes 4.5:1 on its background.
func TestTagsPassContrast(t *testing.T) {
	states := []string{"open", "closed", "withdrawn"}
	for _, s := range []remiss.AssignmentState{remiss.StateSent, remiss.StateAssigned, remiss.StateDrafting, remiss.StateSubmitted,
		remiss.StateApproved, remiss.StateAnswered, remiss.StateDeclined, remiss.StateMissed, remiss.StateWithdrawn, remiss.StateOnAgenda} {
		states = append(states, string(s))
	}
	rule := regexp.MustCompile(`\n((?:\.tag-[a-z-]+, )*\.tag-[a-z-]+) \{ color: (#[0-9a-f]{6}); background: (#[0-9a-f]{6}); \}`)
	found := map[string]bool{}
	for _, m := range rule.FindAllStringSubmatch(string(css), -1) {
		if c := contrast(t, m[2], m[3]); c < 4.5 {
			t.Errorf("%s: %s on %s is %.1f:1", m[1], m[2], m[3], c)
		}
		for _, sel := range strings.Split(m[1], ", ") {
			found[strings.TrimPrefix(sel, ".tag-")] = true
		}
	}
	for _, s := range states {
		if !found[s] {
			t.Errorf("no tag colour for %q", s)
		}
	}
}

// TestFocusRingPassesContrast: the focus ring, yellow inside black, has
// a colour that passes 3:1 against the page (white) and the header; a
// focused button, of any kind, turns yellow in a black ring that passes
// 3:1 against the page and the button.
func TestFocusRingPassesContrast(t *testing.T) {
	ring := cssRule(t, ":focus {")
	yellow, black := cssColour(t, ring, "outline"), cssColour(t, ring, "box-shadow")
	header := cssColour(t, cssRule(t, ".top {"), "background")
	for _, bg := range []string{"#ffffff", header} {
		if max(contrast(t, yellow, bg), contrast(t, black, bg)) < 3 {
			t.Errorf("the focus ring %s/%s is not seen against %s", yellow, black, bg)
		}
	}
	focused := cssRule(t, "button:focus, .button:focus {")
	fill, edge := cssColour(t, focused, "background"), cssColour(t, focused, "box-shadow")
	if contrast(t, edge, "#ffffff") < 3 || contrast(t, edge, fill) < 3 {
		t.Errorf("a focused button's ring %s against the page and %s", edge, fill)
	}
}

// TestPagesShowTagsAndCrumbs: the states are tags on the rounds list,
// the round, the inbox and the assignment, and the pages below the start
// have their breadcrumbs.
func TestPagesShowTagsAndCrumbs(t *testing.T) {
	ts := worldSite(t)
	asg := remiss.AssignmentID(openRound, "stokab")
	start := `<nav class="crumbs" aria-label="Du är här"><ol><li><a href="/">Start</a></li>`
	for _, c := range []struct {
		user, path string
		want       []string
	}{
		{"ks.samordnare", "/remisser", []string{`<strong class="tag tag-open">Pågår</strong>`, start + "</ol>"}},
		{"ks.samordnare", "/remisser?visa=avslutade", []string{`<strong class="tag tag-withdrawn">Återkallad</strong>`}},
		{"ks.samordnare", "/remisser/" + openRound, []string{`<strong class="tag tag-declined">Avstår från att yttra sig</strong>`,
			`<strong class="tag tag-drafting">Under arbete</strong>`, start + `<li><a href="/remisser">Remissomgångar</a></li></ol>`}},
		{"ks.samordnare", "/remisser/" + openRound + "/stang", []string{`<li><a href="/remisser/` + openRound + `">Strategi för Stockholm som smart och uppkopplad stad</a></li></ol>`}},
		{"stokab.registrator", "/inkorg", []string{`<strong class="tag tag-drafting">Under arbete</strong>`}},
		{"stokab.handlaggare", "/uppdrag/" + asg, []string{`<strong class="tag tag-drafting">Under arbete</strong>`, start + `<li><a href="/uppdrag">Mina uppdrag</a></li></ol>`}},
		{"stokab.registrator", "/uppdrag/" + asg, []string{start + `<li><a href="/inkorg">Inkorg</a></li></ol>`}},
	} {
		cookie, _ := ts.session(c.user)
		code, page, _ := ts.do(request(http.MethodGet, c.path, "", "", cookie, ""))
		if code != http.StatusOK {
			t.Errorf("%s %s: %d", c.user, c.path, code)
		}
		for _, w := range c.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s %s: the page lacks %s", c.user, c.path, w)
			}
		}
	}
}
