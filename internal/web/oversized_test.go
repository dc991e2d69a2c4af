package web

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/remiss"
)

// post sends form to path on srv as the session's user, over a real
// connection, and returns the status and the page.
func post(t *testing.T, srv *httptest.Server, path string, form url.Values, cookie *http.Cookie, referer string) (int, string) {
	t.Helper()
	// csrf first, as the pages put it: a body cut short keeps it.
	body := "csrf=" + url.QueryEscape(form.Get("csrf"))
	form.Del("csrf")
	body += "&" + form.Encode()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestOversizedAnswerKeepsTheText pastes 4 MB into the answer's
// synpunkter: the page comes back in the layout, says the limit at the
// field, shows the first 50 000 characters in it and the other fields
// as typed, and nothing is saved.
func TestOversizedAnswerKeepsTheText(t *testing.T) {
	ts := worldSite(t)
	srv := httptest.NewServer(ts.h)
	defer srv.Close()
	asg := remiss.AssignmentID(openRound, "stokab")
	before, err := ts.store.Assignment(context.Background(), asg)
	if err != nil {
		t.Fatal(err)
	}
	cookie, csrf := ts.session("stokab.handlaggare")
	opinions := strings.Repeat("Förvaltningen delar bedömningen – åäö & <ok>. ", 4<<20/48)
	code, page := post(t, srv, "/uppdrag/"+asg+"/svar", url.Values{"csrf": {csrf}, "summary": {"Kort sammanfattning."},
		"opinions": {opinions}, "officerName": {"Monica Slama"}, "action": {"draft"}}, cookie, "")
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", code)
	}
	for _, want := range []string{`<link rel="stylesheet" href="/static/remiss.css">`, `id="error-summary"`,
		"Inget har sparats: texten är för lång", "Texten är för lång: högst 50\u00a0000 tecken", `href="#opinions"`,
		`value="Monica Slama"`, ">Kort sammanfattning.</textarea>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	_, rest, _ := strings.Cut(page, `<textarea id="opinions" name="opinions" rows="10" aria-invalid="true" aria-describedby="opinions-error">`)
	kept, _, _ := strings.Cut(rest, "</textarea>")
	if want := firstRunes(opinions, 50000); html.UnescapeString(kept) != want {
		t.Errorf("opinions kept: %d characters, want the first 50 000 (%q…)", len([]rune(html.UnescapeString(kept))), firstRunes(html.UnescapeString(kept), 40))
	}
	after, err := ts.store.Assignment(context.Background(), asg)
	if err != nil || after.ResponseVersionID != before.ResponseVersionID || after.State != before.State {
		t.Errorf("an oversized form changed the assignment: %+v -> %+v (%v)", before, after, err)
	}
}

// TestOversizedFormElsewhere: a form too large outside an assignment's
// page gets a page in the layout that says the limit and links back to
// where it came from; a form whose token is not the session's is not
// shown again.
func TestOversizedFormElsewhere(t *testing.T) {
	ts := worldSite(t)
	srv := httptest.NewServer(ts.h)
	defer srv.Close()
	cookie, csrf := ts.session("ks.samordnare")
	big := strings.Repeat("x", 2<<20)
	code, page := post(t, srv, "/remisser/"+openRound+"/beslutsgang", url.Values{"csrf": {csrf}, "wording": {big}}, cookie, srv.URL+"/remisser/"+openRound)
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", code)
	}
	for _, want := range []string{`<link rel="stylesheet" href="/static/remiss.css">`, "<h1>Texten är för lång</h1>", "högst 1,0 MB",
		`<a href="/remisser/` + openRound + `">Tillbaka till sidan du kom från</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	other, _ := ts.session("stokab.handlaggare")
	code, page = post(t, srv, "/uppdrag/"+remiss.AssignmentID(openRound, "stokab")+"/svar", url.Values{"csrf": {csrf}, "opinions": {big}}, other, "")
	if code != http.StatusRequestEntityTooLarge || strings.Contains(page, "xxxxxxxx") {
		t.Errorf("with another session's token: status %d, text shown again: %v", code, strings.Contains(page, "xxxxxxxx"))
	}
}
