package web

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/identity"
	"github.com/remiss/remiss/internal/identity/idptest"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

// The mapping the sign-in tests use: groups to organisation and role, and
// a Swedish OIDC claim to an organisation.
const testMapping = `
groupsClaim: groups
nameClaim: name
emailClaim: email
groups:
  remiss-bromma-registrator: {org: bromma, role: registrar}
  remiss-bromma-handlaggare: {org: bromma, role: officer}
  remiss-ks-samordnare: {org: ks, role: coordinator}
  remiss-okand-registrator: {org: okand, role: registrar}
  remiss-handlaggare: {role: officer}
claims:
  - {claim: "https://id.oidc.se/claim/orgAffiliation", value: "212000-0142", org: farsta}
`

// ssoSite is the web served on loopback with single sign-on against
// providers the test runs, and a browser-like client (cookie jar,
// redirects followed).
type ssoSite struct {
	t      *testing.T
	st     *store.Store
	srv    *httptest.Server
	s      *Server
	oidc   *idptest.OIDC
	client *http.Client
}

func newSSOSite(t *testing.T) *ssoSite {
	t.Helper()
	st := dbtest.OpenSeeded(t)
	m, err := identity.ParseMapping([]byte(testMapping))
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Store: st, Rounds: rounds.New(st, nil), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	var h http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	idp := idptest.NewOIDC(t)
	s.SSO = &SSO{Mapping: m, BaseURL: srv.URL, OIDCName: "Stockholms stad",
		OIDC: &identity.OIDC{Issuer: idp.URL, ClientID: idp.ClientID, ClientSecret: idp.ClientSecret, RedirectURL: srv.URL + "/logga-in/oidc/callback"}}
	h = s.Handler()
	return &ssoSite{t: t, st: st, srv: srv, s: s, oidc: idp, client: browser()}
}

// browser is a client that keeps cookies and follows redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

// get fetches path (on the site, or a full URL) and returns the status,
// the final URL and the body.
func (ss *ssoSite) get(c *http.Client, target string) (int, string, string) {
	ss.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = ss.srv.URL + target
	}
	resp, err := c.Get(target)
	if err != nil {
		ss.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.String(), string(b)
}

// session is the client's session cookie on the site, or "".
func (ss *ssoSite) session(c *http.Client) string {
	u, _ := url.Parse(ss.srv.URL)
	for _, k := range c.Jar.Cookies(u) {
		if k.Name == sessionCookie {
			return k.Value
		}
	}
	return ""
}

// events are the identity audit trail's events, oldest first, as
// "event actor reason".
func (ss *ssoSite) events() []string {
	ss.t.Helper()
	es, err := ss.st.IdentityEvents(context.Background(), 100)
	if err != nil {
		ss.t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		parts := []string{e.Event}
		if e.Actor != "" {
			parts = append(parts, e.Actor)
		}
		if r, ok := e.Detail["reason"].(string); ok {
			parts = append(parts, r)
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

func (ss *ssoSite) ssoUsers() int {
	ss.t.Helper()
	var n int
	if err := ss.st.DB().QueryRow(`SELECT count(*) FROM users WHERE subject IS NOT NULL`).Scan(&n); err != nil {
		ss.t.Fatal(err)
	}
	return n
}

var anna = map[string]any{"sub": "anna-0001", "name": "Anna Andersson", "email": "anna.andersson@stockholm.se",
	"groups": []string{"remiss-bromma-registrator", "alla-anstallda"}}

// TestOIDCSignInMakesTheUserAndKeepsThemUpToDate: the first sign-in
// makes the user, with the mapped organisation and role, and lands on "Att
// göra"; a later one with other groups changes the role, ends the user's
// older sessions, and says so in the audit trail.
func TestOIDCSignInMakesTheUserAndKeepsThemUpToDate(t *testing.T) {
	ss := newSSOSite(t)
	code, _, body := ss.get(ss.client, "/logga-in")
	if code != 200 || !strings.Contains(body, `href="/logga-in/oidc"`) || !strings.Contains(body, "Logga in med Stockholms stad") || !strings.Contains(body, `name="password"`) {
		t.Fatalf("login page offers no OIDC button (or no password form):\n%s", body)
	}
	ss.oidc.SignIn(anna)
	code, final, body := ss.get(ss.client, "/logga-in/oidc")
	if code != 200 || final != ss.srv.URL+"/" || !strings.Contains(body, "<h1>Att göra</h1>") || !strings.Contains(body, "Anna Andersson") {
		t.Fatalf("sign-in: %d at %s\n%s", code, final, body)
	}
	u, err := ss.st.User(context.Background(), "anna.andersson")
	if err != nil || u.Org != "bromma" || u.Role != "registrar" || u.Email != "anna.andersson@stockholm.se" {
		t.Fatalf("user %+v, %v", u, err)
	}
	first := ss.session(ss.client)

	// Later: the IdP has made her a handläggare instead.
	again := map[string]any{}
	for k, v := range anna {
		again[k] = v
	}
	again["groups"], again["name"] = []string{"remiss-bromma-handlaggare"}, "Anna Andersson Berg"
	ss.oidc.SignIn(again)
	other := browser()
	if code, final, _ := ss.get(other, "/logga-in/oidc"); code != 200 || final != ss.srv.URL+"/" {
		t.Fatalf("second sign-in: %d at %s", code, final)
	}
	u, _ = ss.st.User(context.Background(), "anna.andersson")
	if u.Role != "officer" || u.DisplayName != "Anna Andersson Berg" {
		t.Errorf("not updated at the next sign-in: %+v", u)
	}
	if _, err := ss.st.WebSession(context.Background(), first, time.Hour); err == nil {
		t.Errorf("the session from before the role changed still lets her in")
	}
	if n := ss.ssoUsers(); n != 1 {
		t.Errorf("%d users made for one person", n)
	}
	want := []string{"user_created anna.andersson", "login anna.andersson", "role_changed anna.andersson", "login anna.andersson"}
	if got := ss.events(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit trail %q, want %q", got, want)
	}
}

// TestOIDCSwedishClaimGivesTheOrganisation: the organisation from
// https://id.oidc.se/claim/orgAffiliation, the role from a group.
func TestOIDCSwedishClaimGivesTheOrganisation(t *testing.T) {
	ss := newSSOSite(t)
	ss.oidc.SignIn(map[string]any{"sub": "bo-2", "name": "Bo Berg", "email": "bo.berg@stockholm.se",
		"groups": []string{"remiss-handlaggare"}, "https://id.oidc.se/claim/orgAffiliation": "212000-0142"})
	if code, final, body := ss.get(ss.client, "/logga-in/oidc"); code != 200 || final != ss.srv.URL+"/" {
		t.Fatalf("sign-in: %d at %s\n%s", code, final, body)
	}
	if u, err := ss.st.User(context.Background(), "bo.berg"); err != nil || u.Org != "farsta" || u.Role != "officer" {
		t.Fatalf("user %+v, %v", u, err)
	}
}

// refused signs in and expects the refusal page, no session, no user
// made, and the refusal with its reason in the audit trail.
func (ss *ssoSite) refused(target, reason string) {
	ss.t.Helper()
	code, _, body := ss.get(ss.client, target)
	if code != http.StatusForbidden || !strings.Contains(body, "Inloggningen nekades") || !strings.Contains(body, "inget har sparats om dig") {
		ss.t.Fatalf("not refused: %d\n%s", code, body)
	}
	if ss.session(ss.client) != "" {
		ss.t.Errorf("a refused sign-in has a session")
	}
	if n := ss.ssoUsers(); n != 0 {
		ss.t.Errorf("a refused sign-in made %d users", n)
	}
	if got := ss.events(); len(got) != 1 || got[0] != "login_refused "+reason {
		ss.t.Errorf("audit trail %q, want one refusal for %s", got, reason)
	}
}

func TestOIDCRefusesABadSignature(t *testing.T) {
	ss := newSSOSite(t)
	ss.oidc.SignIn(anna)
	rogue, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ss.oidc.SetRogue(rogue)
	ss.refused("/logga-in/oidc", "signature")
}

func TestOIDCRefusesAnotherAudience(t *testing.T) {
	ss := newSSOSite(t)
	ss.oidc.SignIn(anna)
	ss.oidc.SetTweak(func(c map[string]any) { c["aud"] = "ett-annat-system" })
	ss.refused("/logga-in/oidc", "audience")
}

func TestOIDCRefusesAnExpiredToken(t *testing.T) {
	ss := newSSOSite(t)
	ss.oidc.SignIn(anna)
	ss.oidc.SetTweak(func(c map[string]any) {
		c["iat"], c["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
	})
	ss.refused("/logga-in/oidc", "expired")
}

func TestOIDCRefusesAnotherNonce(t *testing.T) {
	ss := newSSOSite(t)
	ss.oidc.SignIn(anna)
	ss.oidc.SetTweak(func(c map[string]any) { c["nonce"] = identity.Random() })
	ss.refused("/logga-in/oidc", "nonce")
}

// TestOIDCRefusesAnotherState: the provider's answer with a state that is
// not the one this browser began with (a forged callback) is refused
// before the code is exchanged.
func TestOIDCRefusesAnotherState(t *testing.T) {
	ss := newSSOSite(t)
	ss.oidc.SignIn(anna)
	noFollow := *ss.client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Get(ss.srv.URL + "/logga-in/oidc")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = noFollow.Get(resp.Header.Get("Location")) // the provider answers with a code
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if back.Query().Get("code") == "" {
		t.Fatalf("the provider gave no code: %s", back)
	}
	q := back.Query()
	q.Set("state", identity.Random())
	back.RawQuery = q.Encode()
	ss.refused(back.String(), "state")
}

func TestOIDCRefusesAnUnknownOrganisation(t *testing.T) {
	ss := newSSOSite(t)
	ss.oidc.SignIn(map[string]any{"sub": "x-1", "name": "Xe", "email": "xe@stockholm.se", "groups": []string{"remiss-okand-registrator"}})
	ss.refused("/logga-in/oidc", "unknown_org")
}

func TestOIDCRefusesSomeoneMappedToNothing(t *testing.T) {
	ss := newSSOSite(t)
	ss.oidc.SignIn(map[string]any{"sub": "y-1", "name": "Ylva", "email": "ylva@stockholm.se", "groups": []string{"alla-anstallda"}})
	ss.refused("/logga-in/oidc", "no_org")
}

// TestOIDCTakesUpAKeyRotatedAtTheProvider: after the provider rotates its
// signing key, the next token names a key not yet fetched; the key set is
// fetched again and the sign-in goes through.
func TestOIDCTakesUpAKeyRotatedAtTheProvider(t *testing.T) {
	ss := newSSOSite(t)
	ss.oidc.SignIn(anna)
	if code, final, _ := ss.get(ss.client, "/logga-in/oidc"); code != 200 || final != ss.srv.URL+"/" {
		t.Fatalf("first sign-in: %d at %s", code, final)
	}
	before := ss.oidc.Fetches()
	ss.oidc.Rotate()
	other := browser()
	if code, final, body := ss.get(other, "/logga-in/oidc"); code != 200 || final != ss.srv.URL+"/" || !strings.Contains(body, "<h1>Att göra</h1>") {
		t.Fatalf("sign-in after rotation: %d at %s\n%s", code, final, body)
	}
	if ss.oidc.Fetches() <= before {
		t.Errorf("the key set was not fetched again after the rotation")
	}
}

// TestOIDCLogoutEndsTheProvidersSessionToo: RP-initiated logout.
func TestOIDCLogoutEndsTheProvidersSessionToo(t *testing.T) {
	ss := newSSOSite(t)
	ss.oidc.SignIn(anna)
	ss.get(ss.client, "/logga-in/oidc")
	sess, err := ss.st.WebSession(context.Background(), ss.session(ss.client), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := ss.client.PostForm(ss.srv.URL+"/logga-ut", url.Values{"csrf": {sess.CSRF}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	link := regexp.MustCompile(`<a id="end-session" href="([^"]+)"`).FindStringSubmatch(string(b))
	if resp.Request.URL.Path != "/logga-in" || link == nil {
		t.Fatalf("logout ended at %s, with no link to end the provider's session:\n%s", resp.Request.URL, b)
	}
	if code, final, _ := ss.get(ss.client, html.UnescapeString(link[1])); code != 200 || final != ss.srv.URL+"/logga-in" || ss.oidc.LoggedOut != 1 {
		t.Errorf("the provider's logout: %d at %s; it saw %d logouts", code, final, ss.oidc.LoggedOut)
	}
	if _, err := ss.st.WebSession(context.Background(), ss.session(ss.client), time.Hour); err == nil {
		t.Errorf("the session outlived the logout")
	}
}

// TestPasswordsOff: with REMISS_LOGIN=sso the login page has no password
// form, and neither the form nor the API takes a password.
func TestPasswordsOff(t *testing.T) {
	ss := newSSOSite(t)
	ss.s.SSO.NoPasswords = true
	if err := ss.st.SetPassword(context.Background(), "bromma.registrator", "demo"); err != nil {
		t.Fatal(err)
	}
	_, _, body := ss.get(ss.client, "/logga-in")
	if strings.Contains(body, `name="password"`) || !strings.Contains(body, "Logga in med Stockholms stad") {
		t.Errorf("login page with passwords off:\n%s", body)
	}
	m := reCSRFField.FindStringSubmatch(body)
	csrf := ""
	if m != nil {
		csrf = m[1]
	}
	// The form's token is there only with the form: take the cookie's.
	u, _ := url.Parse(ss.srv.URL)
	for _, k := range ss.client.Jar.Cookies(u) {
		if k.Name == "remiss_login" {
			csrf = k.Value
		}
	}
	resp, err := ss.client.PostForm(ss.srv.URL+"/logga-in", url.Values{"username": {"bromma.registrator"}, "password": {"demo"}, "csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || ss.session(ss.client) != "" || !strings.Contains(string(b), "lösenord är avstängd") {
		t.Errorf("password login with passwords off: %d\n%s", resp.StatusCode, b)
	}
	resp, err = http.Post(ss.srv.URL+"/api/v1/tokens", "application/json", strings.NewReader(`{"username":"bromma.registrator","password":"demo"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("API token by password with passwords off: %d", resp.StatusCode)
	}
}
