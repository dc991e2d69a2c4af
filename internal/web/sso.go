package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/identity"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Single sign-on through the municipality's identity provider (issue 17):
// OpenID Connect at GET /logga-in/oidc and its callback, SAML 2.0 at GET
// /logga-in/saml, POST /saml/acs and GET /saml/metadata (saml_pages.go).
// Whoever the provider vouches for is mapped (identity.Mapping) to an
// organisation and a role, made a user at the first sign-in and kept up to
// date at every later one; one whose claims map to nothing is refused with
// a page in Swedish, and nothing is made. Every sign-in and refusal is in
// the identity audit trail.

// SSO is how people sign in on the pages.
type SSO struct {
	OIDC     *identity.OIDC // nil: no OpenID Connect
	OIDCName string         // the button: "Logga in med <OIDCName>"
	SAML     *identity.SAML // nil: no SAML
	SAMLName string
	Mapping  *identity.Mapping
	// NoPasswords turns password login off (REMISS_LOGIN=sso), on the
	// pages and for POST /api/v1/tokens.
	NoPasswords bool
	// BaseURL is where the provider sends the browser back after logout.
	BaseURL string
}

// Session limits: an idle timeout and an absolute lifetime.
const (
	defaultSessionIdle = time.Hour
	defaultSessionMax  = 10 * time.Hour
)

func (s *Server) sessionIdle() time.Duration {
	if s.SessionIdle > 0 {
		return s.SessionIdle
	}
	return defaultSessionIdle
}

func (s *Server) sessionMax() time.Duration {
	if s.SessionMax > 0 {
		return s.SessionMax
	}
	return defaultSessionMax
}

// passwords says whether password login is on.
func (s *Server) passwords() bool { return s.SSO == nil || !s.SSO.NoPasswords }

func (s *Server) ssoRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /logga-in/oidc", s.oidcBegin)
	mux.HandleFunc("GET /logga-in/oidc/callback", s.oidcCallback)
	mux.HandleFunc("GET /logga-in/saml", s.samlBegin)
	mux.HandleFunc("POST /saml/acs", s.samlACS)
	mux.HandleFunc("GET /saml/metadata", s.samlMetadata)
}

// oidcCookie holds a begun sign-in's state, nonce and PKCE verifier.
func (s *Server) oidcCookie() string {
	if s.SecureCookies {
		return "__Host-remiss_oidc"
	}
	return "remiss_oidc"
}

func (s *Server) oidc() *identity.OIDC {
	if s.SSO == nil {
		return nil
	}
	return s.SSO.OIDC
}

// oidcBegin is GET /logga-in/oidc: off to the provider.
func (s *Server) oidcBegin(w http.ResponseWriter, r *http.Request) {
	o := s.oidc()
	if o == nil {
		s.notFound(w, r, http.StatusNotFound)
		return
	}
	u, pend, err := o.Begin()
	if err != nil {
		s.Log.Error("web: oidc", "err", err)
		s.render(w, http.StatusBadGateway, "error", page{Title: "Inloggningen nås inte",
			Error: "Kommunens inloggning svarar inte just nu. Försök igen om en stund."})
		return
	}
	// Lax: the provider sends the browser back with a top-level GET.
	http.SetCookie(w, &http.Cookie{Name: s.oidcCookie(), Value: pend.State + "." + pend.Nonce + "." + pend.Verifier,
		Path: "/", MaxAge: 600, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// oidcCallback is GET /logga-in/oidc/callback: the provider's answer.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	o := s.oidc()
	if o == nil {
		s.notFound(w, r, http.StatusNotFound)
		return
	}
	var pend identity.Pending
	if c, err := r.Cookie(s.oidcCookie()); err == nil {
		if parts := strings.Split(c.Value, "."); len(parts) == 3 {
			pend = identity.Pending{State: parts[0], Nonce: parts[1], Verifier: parts[2]}
		}
	}
	// A begun sign-in is used once, whatever comes of it.
	http.SetCookie(w, &http.Cookie{Name: s.oidcCookie(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.SecureCookies})
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		s.refuseSignIn(w, r, "", "oidc", &identity.Refusal{Code: "idp_error", Reason: "kommunens inloggning avbröt inloggningen"})
		return
	}
	subject, claims, err := o.Finish(r.Context(), pend, q.Get("state"), q.Get("code"))
	if err != nil {
		s.refuseSignIn(w, r, "", "oidc", err)
		return
	}
	s.signIn(w, r, subject, "oidc", identity.Strings(claims))
}

// signIn maps the provider's claims to a person, makes or updates the
// user and starts a session; or refuses.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, subject, via string, claims map[string][]string) {
	person, err := s.SSO.Mapping.Map(claims)
	if err != nil {
		s.refuseSignIn(w, r, subject, via, err)
		return
	}
	u, err := s.Store.SignIn(r.Context(), store.Identity{Subject: subject, Name: person.Name, Email: person.Email,
		Org: person.Org, Role: person.Role, Via: via})
	if errors.Is(err, store.ErrUnknownOrg) {
		s.refuseSignIn(w, r, subject, via, &identity.Refusal{Code: "unknown_org",
			Reason: "dina behörigheter pekar på en organisation (" + person.Org + ") som inte finns i Remiss"})
		return
	}
	if err != nil {
		s.failPage(w, r, page{}, err)
		return
	}
	s.startSession(w, r, u, via)
}

// startSession gives the browser a web session and sends it home.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u store.User, via string) {
	id, _, err := s.Store.CreateLabeledSession(r.Context(), u.Username, "web", via, s.sessionMax())
	if err != nil {
		s.failPage(w, r, page{}, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: s.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.sessionMax().Seconds())})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// refuseSignIn notes a refused sign-in and says why, in Swedish; nothing
// else is written.
func (s *Server) refuseSignIn(w http.ResponseWriter, r *http.Request, subject, via string, err error) {
	var ref *identity.Refusal
	if !errors.As(err, &ref) {
		s.Log.Error("web: sign in", "via", via, "err", err)
		ref = &identity.Refusal{Code: "failure", Reason: "inloggningen kunde inte slutföras just nu; försök igen om en stund"}
	}
	if aerr := s.Store.RefuseSignIn(context.WithoutCancel(r.Context()), subject, via, ref.Code); aerr != nil {
		s.Log.Error("web: sign in refusal", "err", aerr)
	}
	s.render(w, http.StatusForbidden, "error", page{Title: "Inloggningen nekades",
		Error: remiss.Sentence(ref.Reason) + " Du har inte loggats in, och inget har sparats om dig. Kontakta kommunens IT-stöd om du ska ha tillgång till Remiss."})
}

// Configure sets the server's sign-in from the configuration: SSO when
// REMISS_OIDC_ISSUER or REMISS_SAML_IDP_METADATA is set, the session
// limits, and whether passwords are on.
func (s *Server) Configure(ctx context.Context, cfg config.Config) error {
	s.SessionIdle, s.SessionMax = cfg.SessionIdle, cfg.SessionMax
	s.BaseURL, s.AllowHTTPWebhooks = cfg.BaseURL, cfg.WebhookAllowHTTP
	if err := s.LoadAccessibilityStatement(cfg.AccessibilityStatement); err != nil {
		return err
	}
	if !cfg.SSO() {
		return nil
	}
	m, err := identity.LoadMapping(cfg.IDPMapping)
	if err != nil {
		return err
	}
	sso := &SSO{Mapping: m, NoPasswords: cfg.Login == "sso", BaseURL: cfg.BaseURL, OIDCName: cfg.OIDCName, SAMLName: cfg.SAMLName}
	if cfg.OIDCIssuer != "" {
		sso.OIDC = &identity.OIDC{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret,
			RedirectURL: cfg.BaseURL + "/logga-in/oidc/callback"}
	}
	if cfg.SAMLIDPMetadata != "" {
		key, cert, err := identity.LoadSPKey(cfg.SAMLSPKey, cfg.SAMLSPCert)
		if err != nil {
			return err
		}
		sso.SAML = &identity.SAML{Source: cfg.SAMLIDPMetadata, BaseURL: cfg.BaseURL, Key: key, Cert: cert, Replay: s.replayCache()}
		if err := sso.SAML.Load(ctx); err != nil {
			return err
		}
	}
	s.SSO = sso
	return nil
}

// replayCache records accepted SAML assertions in the database, which
// every web server shares.
func (s *Server) replayCache() identity.ReplayFunc {
	return func(id string, expires time.Time) error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := s.Store.ConsumeAssertion(ctx, id, expires)
		if errors.Is(err, store.ErrConflict) {
			return identity.ErrSeen
		}
		return err
	}
}
