package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	"github.com/remiss/remiss/internal/store"
)

// Logging in and out on the pages. The login form carries a CSRF token
// before there is a session: a random value in a cookie of its own and in
// the form's hidden field, which must agree (double submit), so another
// site cannot log a browser in as someone else. Behind TLS the cookie is
// __Host- prefixed: Secure, for this host only, so a neighbouring host
// cannot plant one.

// loginCookie is the name of the login form's CSRF cookie.
func (s *Server) loginCookie() string {
	if s.SecureCookies {
		return "__Host-remiss_login"
	}
	return "remiss_login"
}

// loginToken is the browser's login CSRF token, or a new one (set as its
// cookie) when it has none: tabs open side by side share it.
func (s *Server) loginToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(s.loginCookie()); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	var b [32]byte
	rand.Read(b[:])
	token := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: s.loginCookie(), Value: token, Path: "/", HttpOnly: true, Secure: s.SecureCookies,
		SameSite: http.SameSiteStrictMode})
	return token
}

// loginTokenAgrees says whether the posted form's token is the cookie's.
func (s *Server) loginTokenAgrees(r *http.Request) bool {
	c, err := r.Cookie(s.loginCookie())
	return err == nil && c.Value != "" && subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) == 1
}

// loginChoices are the ways of signing in the login page offers.
type loginChoices struct {
	OIDC, SAML string // the names on the buttons; "" when not configured
	Passwords  bool
	// EndSession, after an OIDC session's logout, is where the provider's
	// session ends too (RP-initiated logout): a link, since a form's
	// redirect to another site is not allowed (CSP form-action).
	EndSession string
}

func (s *Server) loginChoices() loginChoices {
	c := loginChoices{Passwords: s.passwords()}
	if s.SSO != nil && s.SSO.OIDC != nil {
		c.OIDC = s.SSO.OIDCName
	}
	if s.SSO != nil && s.SSO.SAML != nil {
		c.SAML = s.SSO.SAMLName
	}
	return c
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	c := s.loginChoices()
	if o := s.oidc(); o != nil && r.URL.Query().Get("utloggad") == "oidc" {
		c.EndSession = o.LogoutURL(s.SSO.BaseURL + "/logga-in")
	}
	s.render(w, http.StatusOK, "login", page{Title: "Logga in", CSRF: s.loginToken(w, r), Form: map[string]string{}, Data: c})
}

func (s *Server) postLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := readForm(w, r); err != nil {
		s.failPage(w, r, page{}, err)
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	p := page{Title: "Logga in", Form: map[string]string{"username": username}, Data: s.loginChoices()}
	if !s.passwords() {
		p.CSRF, p.Error = s.loginToken(w, r), "Inloggning med lösenord är avstängd. Logga in med kommunens inloggning."
		s.render(w, http.StatusForbidden, "login", p)
		return
	}
	if !s.loginTokenAgrees(r) {
		// Nothing is tried; a fresh form, with a token, to try again.
		p.CSRF, p.Error = s.loginToken(w, r), "Formuläret har gått ut. Försök igen."
		s.render(w, http.StatusForbidden, "login", p)
		return
	}
	p.CSRF = r.PostFormValue("csrf")
	u, err := s.login(r.Context(), username, r.PostFormValue("password"))
	switch {
	case errors.Is(err, errThrottled):
		p.Error = err.Error()
		s.render(w, http.StatusTooManyRequests, "login", p)
		return
	case errors.Is(err, store.ErrBadLogin):
		p.Error = "Fel användarnamn eller lösenord."
		s.render(w, http.StatusUnauthorized, "login", p)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: s.loginCookie(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies})
	s.startSession(w, r, u, "")
}

func (s *Server) postLogout(w http.ResponseWriter, r *http.Request, p page) error {
	var via string
	if c, err := r.Cookie(sessionCookie); err == nil {
		if via, err = s.Store.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies})
	// RP-initiated logout: the login page offers to end the provider's
	// session too, where it can.
	if o := s.oidc(); via == "oidc" && o != nil && o.LogoutURL("/") != "" {
		http.Redirect(w, r, "/logga-in?utloggad=oidc", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/logga-in", http.StatusSeeOther)
	return nil
}
