package web

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/identity"
	"github.com/remiss/remiss/internal/identity/idptest"
)

// withSAML adds SAML sign-in against an IdP the test runs, configured as
// an operator would: the IdP's metadata from a file, our SP metadata
// registered at the IdP.
func (ss *ssoSite) withSAML() *idptest.SAML {
	ss.t.Helper()
	idp := idptest.NewSAML(ss.t)
	key, cert, err := identity.LoadSPKey("", "")
	if err != nil {
		ss.t.Fatal(err)
	}
	ss.s.SSO.SAML = &identity.SAML{Source: idp.MetadataFile, BaseURL: ss.srv.URL, Key: key, Cert: cert, Replay: ss.s.replayCache()}
	ss.s.SSO.SAMLName = "Testkommunens ADFS"
	idp.Trust(ss.t, ss.srv.URL+"/saml/metadata")
	return idp
}

var (
	reFormAction = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
	reFormField  = regexp.MustCompile(`name="(SAMLResponse|RelayState)" value="([^"]*)"`)
)

// samlResponse begins a SAML sign-in in the browser and returns the form
// the IdP has the browser post: where, and its fields.
func (ss *ssoSite) samlResponse(c *http.Client) (string, url.Values) {
	ss.t.Helper()
	code, _, body := ss.get(c, "/logga-in/saml")
	action := reFormAction.FindStringSubmatch(body)
	if code != 200 || action == nil {
		ss.t.Fatalf("the IdP posts no form: %d\n%s", code, body)
	}
	form := url.Values{}
	for _, m := range reFormField.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	return html.UnescapeString(action[1]), form
}

// post posts the IdP's form as the browser does.
func (ss *ssoSite) post(c *http.Client, action string, form url.Values) (int, string, string) {
	ss.t.Helper()
	resp, err := c.PostForm(action, form)
	if err != nil {
		ss.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Request.URL.String(), string(b)
}

// refusedPost is refused for an IdP's form.
func (ss *ssoSite) refusedPost(action string, form url.Values, reason string) {
	ss.t.Helper()
	code, _, body := ss.post(ss.client, action, form)
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

// TestSAMLSignIn: our SP metadata at /saml/metadata, the flow from GET
// /logga-in/saml, a signed response from the IdP, the user made with the
// mapped role, landing on "Att göra".
func TestSAMLSignIn(t *testing.T) {
	ss := newSSOSite(t)
	idp := ss.withSAML()
	code, _, md := ss.get(ss.client, "/saml/metadata")
	if code != 200 || !strings.Contains(md, `entityID="`+ss.srv.URL+`/saml/metadata"`) || !strings.Contains(md, ss.srv.URL+"/saml/acs") {
		t.Fatalf("SP metadata: %d\n%s", code, md)
	}
	if _, _, body := ss.get(ss.client, "/logga-in"); !strings.Contains(body, `href="/logga-in/saml"`) {
		t.Errorf("login page offers no SAML button:\n%s", body)
	}
	idp.SignIn("S-1-5-21-1001", "Cecilia Carlsson", "cecilia.carlsson@stockholm.se", "remiss-ks-samordnare")
	action, form := ss.samlResponse(ss.client)
	code, final, body := ss.post(ss.client, action, form)
	if code != 200 || final != ss.srv.URL+"/" || !strings.Contains(body, "<h1>Att göra</h1>") || !strings.Contains(body, "Cecilia Carlsson") {
		t.Fatalf("sign-in: %d at %s\n%s", code, final, body)
	}
	u, err := ss.st.User(t.Context(), "cecilia.carlsson")
	if err != nil || u.Org != "ks" || u.Role != "coordinator" {
		t.Fatalf("user %+v, %v", u, err)
	}
	if got := ss.events(); strings.Join(got, "|") != "user_created cecilia.carlsson|login cecilia.carlsson" {
		t.Errorf("audit trail %q", got)
	}
}

// TestSAMLRefusesAReplayedAssertion: the same response posted again.
func TestSAMLRefusesAReplayedAssertion(t *testing.T) {
	ss := newSSOSite(t)
	idp := ss.withSAML()
	idp.SignIn("S-1-5-21-1002", "Cecilia Carlsson", "cecilia.carlsson@stockholm.se", "remiss-ks-samordnare")
	action, form := ss.samlResponse(ss.client)
	if code, final, _ := ss.post(ss.client, action, form); code != 200 || final != ss.srv.URL+"/" {
		t.Fatalf("first post: %d at %s", code, final)
	}
	attacker := browser()
	code, _, body := ss.post(attacker, action, form)
	if code != http.StatusForbidden || !strings.Contains(body, "redan använts") || ss.session(attacker) != "" {
		t.Fatalf("replay not refused: %d\n%s", code, body)
	}
	if got := ss.events(); got[len(got)-1] != "login_refused replay" {
		t.Errorf("audit trail %q", got)
	}
}

func TestSAMLRefusesABadSignature(t *testing.T) {
	ss := newSSOSite(t)
	idp := ss.withSAML()
	idp.SignIn("S-1-5-21-1003", "Cecilia Carlsson", "cecilia.carlsson@stockholm.se", "remiss-ks-samordnare")
	idp.RotateUnannounced(t)
	action, form := ss.samlResponse(ss.client)
	ss.refusedPost(action, form, "signature")
}

func TestSAMLRefusesAnotherAudience(t *testing.T) {
	ss := newSSOSite(t)
	idp := ss.withSAML()
	idp.SignIn("S-1-5-21-1004", "Cecilia Carlsson", "cecilia.carlsson@stockholm.se", "remiss-ks-samordnare")
	idp.Set(func(p *idptest.SAML) { p.Audience = "https://annat-system.stockholm.se/saml" })
	action, form := ss.samlResponse(ss.client)
	ss.refusedPost(action, form, "audience")
}

func TestSAMLRefusesAnExpiredAssertion(t *testing.T) {
	ss := newSSOSite(t)
	idp := ss.withSAML()
	idp.SignIn("S-1-5-21-1005", "Cecilia Carlsson", "cecilia.carlsson@stockholm.se", "remiss-ks-samordnare")
	idp.Set(func(p *idptest.SAML) { p.Expired = true })
	action, form := ss.samlResponse(ss.client)
	ss.refusedPost(action, form, "expired")
}

// TestSAMLRefusesAResponseToAnotherRequest: a response posted under a
// RelayState we never sent (or whose request has gone).
func TestSAMLRefusesAResponseToAnotherRequest(t *testing.T) {
	ss := newSSOSite(t)
	idp := ss.withSAML()
	idp.SignIn("S-1-5-21-1006", "Cecilia Carlsson", "cecilia.carlsson@stockholm.se", "remiss-ks-samordnare")
	action, form := ss.samlResponse(ss.client)
	form.Set("RelayState", identity.Random())
	ss.refusedPost(action, form, "request")
}

func TestSAMLRefusesAnUnknownOrganisation(t *testing.T) {
	ss := newSSOSite(t)
	idp := ss.withSAML()
	idp.SignIn("S-1-5-21-1007", "Xe", "xe@stockholm.se", "remiss-okand-registrator")
	action, form := ss.samlResponse(ss.client)
	ss.refusedPost(action, form, "unknown_org")
}

// TestSAMLMetadataFromURL: the IdP's metadata fetched from its URL, as
// ADFS publishes it, instead of a file.
func TestSAMLMetadataFromURL(t *testing.T) {
	ss := newSSOSite(t)
	idp := ss.withSAML()
	ss.s.SSO.SAML.Source = idp.URL + "/metadata"
	if err := ss.s.SSO.SAML.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	idp.SignIn("S-1-5-21-1010", "Cecilia Carlsson", "cecilia.carlsson@stockholm.se", "remiss-ks-samordnare")
	action, form := ss.samlResponse(ss.client)
	if code, final, body := ss.post(ss.client, action, form); code != 200 || final != ss.srv.URL+"/" || !strings.Contains(body, "Cecilia Carlsson") {
		t.Fatalf("sign-in: %d at %s\n%s", code, final, body)
	}
	// A wrong URL is found at once.
	bad := &identity.SAML{Source: idp.URL + "/finns-inte", BaseURL: ss.srv.URL}
	if err := bad.Load(t.Context()); err == nil {
		t.Errorf("metadata from a URL that answers 404 loaded")
	}
}
