package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var reCSRFField = regexp.MustCompile(`<input type="hidden" name="csrf" value="([^"]+)">`)

// cookieNamed is the cookie named name among those h sets, or nil.
func cookieNamed(h http.Header, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestLoginFormCarriesCSRFToken logs in through the form: the login page
// sets a token in a cookie and in the form, and a post whose form and
// cookie do not agree is refused before any password is tried.
func TestLoginFormCarriesCSRFToken(t *testing.T) {
	ts := newTestSite(t)
	ctx := context.Background()
	if err := ts.store.SetPassword(ctx, "bromma.registrator", "demo"); err != nil {
		t.Fatal(err)
	}
	code, body, h := ts.do(request("GET", "/logga-in", "", "", nil, ""))
	cookie, field := cookieNamed(h, "remiss_login"), reCSRFField.FindStringSubmatch(body)
	if code != 200 || cookie == nil || field == nil || cookie.Value != field[1] || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("login page: %d, cookie %+v, field %v", code, cookie, field)
	}
	// The page again, with the cookie: the same token (tabs side by side).
	if _, body, h := ts.do(request("GET", "/logga-in", "", "", cookie, "")); cookieNamed(h, "remiss_login") != nil || !strings.Contains(body, cookie.Value) {
		t.Errorf("the page again gives another token")
	}
	post := func(form url.Values, c *http.Cookie) (int, string, http.Header) {
		return ts.do(request("POST", "/logga-in", formType, form.Encode(), c, ""))
	}
	good := url.Values{"username": {"bromma.registrator"}, "password": {"demo"}, "csrf": {cookie.Value}}
	forged := &http.Cookie{Name: "remiss_login", Value: strings.Repeat("A", 43)}
	for name, c := range map[string]struct {
		form   url.Values
		cookie *http.Cookie
	}{
		"no token":           {url.Values{"username": {"bromma.registrator"}, "password": {"demo"}}, cookie},
		"no cookie":          {good, nil},
		"another token":      {good, forged},
		"an empty token":     {url.Values{"username": {"bromma.registrator"}, "password": {"demo"}, "csrf": {""}}, &http.Cookie{Name: "remiss_login", Value: ""}},
		"tokens that differ": {url.Values{"username": {"bromma.registrator"}, "password": {"demo"}, "csrf": {"x"}}, &http.Cookie{Name: "remiss_login", Value: "y"}},
	} {
		code, body, h := post(c.form, c.cookie)
		if code != 403 || !strings.Contains(body, "Formuläret har gått ut") || cookieNamed(h, sessionCookie) != nil || reCSRFField.FindStringSubmatch(body) == nil {
			t.Errorf("%s: %d, session cookie %v\n%s", name, code, cookieNamed(h, sessionCookie), body)
		}
	}
	if n, _ := ts.store.LoginFailures(ctx, "bromma.registrator", time.Now().Add(-time.Hour)); n != 0 {
		t.Errorf("refused forms counted %d login attempts", n)
	}
	if code, body, _ := post(url.Values{"username": {"bromma.registrator"}, "password": {"fel"}, "csrf": {cookie.Value}}, cookie); code != 401 || !strings.Contains(body, cookie.Value) {
		t.Errorf("a wrong password: %d", code)
	}
	code, _, h = post(good, cookie)
	if code != 303 || h.Get("Location") != "/" || cookieNamed(h, sessionCookie) == nil {
		t.Fatalf("login: %d %s", code, h.Get("Location"))
	}
	if c := cookieNamed(h, "remiss_login"); c == nil || c.MaxAge >= 0 {
		t.Errorf("the login cookie stays after login: %+v", c)
	}
}

// TestLoginCookieBehindTLS checks the login cookie is Secure and
// __Host- prefixed behind TLS.
func TestLoginCookieBehindTLS(t *testing.T) {
	s := &Server{SecureCookies: true}
	_, body, h := (&testSite{t: t, h: s.Handler()}).do(request("GET", "/logga-in", "", "", nil, ""))
	c := cookieNamed(h, "__Host-remiss_login")
	if c == nil || !c.Secure || c.Path != "/" || c.Domain != "" || !strings.Contains(body, c.Value) {
		t.Errorf("cookie %+v", c)
	}
}
