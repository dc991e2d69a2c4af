package e2e

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/identity/idptest"
	"github.com/remiss/remiss/internal/web"
)

// TestBrowserSignInBySSO signs in in Chromium by OpenID Connect and by
// SAML against providers run on loopback, configured as an operator
// would (web.Server.Configure from the settings), and lands on "Att göra"
// with the mapped role's menu; logging out of the OIDC session ends the
// provider's too.
func TestBrowserSignInBySSO(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		dbtest.Unavailable(t, "chromium", err)
	}
	e := setup(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	oidc, saml := idptest.NewOIDC(t), idptest.NewSAML(t)
	mapping := filepath.Join(t.TempDir(), "idp.yaml")
	os.WriteFile(mapping, []byte("groupsClaim: groups\nnameClaim: name\nemailClaim: email\ngroups:\n"+
		"  remiss-bromma-registrator: {org: bromma, role: registrar}\n  remiss-ks-samordnare: {org: ks, role: coordinator}\n"), 0o600)
	site := &web.Server{Store: e.store, Rounds: e.svc, Roots: e.seals.Roots}
	if err := site.Configure(context.Background(), config.Config{BaseURL: base, OIDCIssuer: oidc.URL, OIDCClientID: oidc.ClientID,
		OIDCClientSecret: oidc.ClientSecret, OIDCName: "Stockholms stad", SAMLIDPMetadata: saml.MetadataFile, SAMLName: "Stockholms stad (ADFS)",
		IDPMapping: mapping, Login: "sso", SessionIdle: time.Hour, SessionMax: 8 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: site.Handler()}
	go srv.Serve(ln)
	defer srv.Close()
	saml.Trust(t, base+"/saml/metadata")
	oidc.SignIn(map[string]any{"sub": "anna-1", "name": "Anna Andersson", "email": "anna.andersson@stockholm.se", "groups": []string{"remiss-bromma-registrator"}})
	saml.SignIn("S-1-5-21-77", "Cecilia Carlsson", "cecilia.carlsson@stockholm.se", "remiss-ks-samordnare")

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 1000))
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatal(err)
	}
	var heading, menu, who, password string
	read := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
		if heading, err = chromedp.Evaluate[string](`document.querySelector("h1").innerText`)(ctx, tg); err != nil {
			return err
		}
		if menu, err = chromedp.Evaluate[string](`document.querySelector("nav").innerText`)(ctx, tg); err != nil {
			return err
		}
		who, err = chromedp.Evaluate[string](`document.querySelector(".logout span").innerText`)(ctx, tg)
		return err
	})
	browse(t, bctx,
		chromedp.Navigate(base+"/logga-in"), chromedp.WaitVisible(chromedp.CSS(`a[href="/logga-in/oidc"]`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
			password, err = chromedp.Evaluate[string](`document.querySelector("#password") ? "form" : ""`)(ctx, tg)
			return err
		}),
		chromedp.Click(chromedp.CSS(`a[href="/logga-in/oidc"]`)),
		chromedp.WaitVisible(chromedp.CSS(".logout")), read,
	)
	if password != "" {
		t.Errorf("REMISS_LOGIN=sso, but the login page has a password form")
	}
	if heading != "Att göra" || who != "Anna Andersson" || !strings.Contains(menu, "Inkorg") || strings.Contains(menu, "Ny remiss") {
		t.Errorf("after OIDC: %q, %q, menu %q", heading, who, menu)
	}
	browse(t, bctx,
		chromedp.Click(chromedp.CSS(".logout button")), chromedp.WaitVisible(chromedp.ID("end-session")),
		chromedp.Click(chromedp.ID("end-session")), chromedp.WaitNotPresent(chromedp.ID("end-session")),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/logga-in/saml"]`)),
	)
	if oidc.LoggedOut != 1 {
		t.Errorf("the provider saw %d logouts", oidc.LoggedOut)
	}
	browse(t, bctx,
		chromedp.Click(chromedp.CSS(`a[href="/logga-in/saml"]`)),
		chromedp.WaitVisible(chromedp.CSS(".logout")), read,
	)
	if heading != "Att göra" || who != "Cecilia Carlsson" || !strings.Contains(menu, "Ny remiss") {
		t.Errorf("after SAML: %q, %q, menu %q", heading, who, menu)
	}
}
