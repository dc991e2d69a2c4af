package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDC is the relying party of one OpenID Connect provider: the
// authorization code flow with PKCE (S256), state and nonce, and the ID
// token verified against the keys the provider's discovery document names.
// Discovery happens at the first sign-in (and again after a failure), so
// the server starts while the provider is away. The key set is fetched
// again when a token names a key it does not hold: a key rotated at the
// provider is taken up at once.
type OIDC struct {
	Issuer, ClientID, ClientSecret string
	RedirectURL                    string // <REMISS_BASE_URL>/logga-in/oidc/callback
	// Client makes the requests to the provider (nil: a client with a
	// 10-second timeout).
	Client *http.Client

	mu         sync.Mutex
	provider   *oidc.Provider
	verifier   *oidc.IDTokenVerifier
	endSession string
}

func (o *OIDC) client() *http.Client {
	if o.Client != nil {
		return o.Client
	}
	return &http.Client{Timeout: 10 * time.Second}
}

// setup discovers the provider, once it answers.
func (o *OIDC) setup() (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, o.verifier, nil
	}
	// The key set keeps this context for its later fetches: never a request's.
	ctx := oidc.ClientContext(context.Background(), o.client())
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(dctx, o.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("identity: oidc discovery at %s: %w", o.Issuer, err)
	}
	// NewProvider fetched with dctx; the key set must outlive it.
	var meta struct {
		JWKSURI    string `json:"jwks_uri"`
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, nil, err
	}
	keys := oidc.NewRemoteKeySet(ctx, meta.JWKSURI)
	o.provider, o.endSession = p, meta.EndSession
	o.verifier = oidc.NewVerifier(o.Issuer, keys, &oidc.Config{ClientID: o.ClientID,
		SupportedSigningAlgs: []string{oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.PS256}})
	return o.provider, o.verifier, nil
}

func (o *OIDC) config(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, RedirectURL: o.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"}}
}

// Pending is a sign-in begun: what the browser keeps (in a cookie) until
// the provider sends it back.
type Pending struct {
	State, Nonce, Verifier string
}

// Random is 32 random bytes, base64url.
func Random() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Begin starts a sign-in: the provider's authorization URL for a new
// state, nonce and PKCE verifier.
func (o *OIDC) Begin() (string, Pending, error) {
	p, _, err := o.setup()
	if err != nil {
		return "", Pending{}, err
	}
	pend := Pending{State: Random(), Nonce: Random(), Verifier: oauth2.GenerateVerifier()}
	u := o.config(p).AuthCodeURL(pend.State, oidc.Nonce(pend.Nonce), oauth2.S256ChallengeOption(pend.Verifier))
	return u, pend, nil
}

// Finish exchanges the code for tokens and verifies the ID token: the
// issuer's signature, issuer, audience, expiry and the nonce. It returns
// the stable subject and the token's claims. A state that is not the
// pending one is refused before the provider is asked.
func (o *OIDC) Finish(ctx context.Context, pend Pending, state, code string) (string, map[string]any, error) {
	if pend.State == "" || state != pend.State {
		return "", nil, refuse("state", "inloggningen hör inte till den här webbläsaren (state stämmer inte); börja om")
	}
	p, verifier, err := o.setup()
	if err != nil {
		return "", nil, err
	}
	tok, err := o.config(p).Exchange(oidc.ClientContext(ctx, o.client()), code, oauth2.VerifierOption(pend.Verifier))
	if err != nil {
		return "", nil, refuse("exchange", "kommunens inloggning godtog inte inloggningen; börja om")
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return "", nil, refuse("no_id_token", "kommunens inloggning skickade ingen ID-token")
	}
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		var exp *oidc.TokenExpiredError
		if errors.As(err, &exp) {
			return "", nil, refuse("expired", "inloggningen från kommunens inloggning har gått ut; börja om")
		}
		switch msg := err.Error(); {
		case strings.Contains(msg, "audience"):
			return "", nil, refuse("audience", "ID-token från kommunens inloggning var inte utfärdad till Remiss")
		case strings.Contains(msg, "signature"):
			return "", nil, refuse("signature", "ID-token från kommunens inloggning hade ingen giltig signatur")
		}
		return "", nil, refuse("id_token", "ID-token från kommunens inloggning kunde inte verifieras")
	}
	if idt.Nonce != pend.Nonce {
		return "", nil, refuse("nonce", "inloggningen hör inte till den här webbläsaren (nonce stämmer inte); börja om")
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return "", nil, refuse("claims", "ID-token från kommunens inloggning kunde inte läsas")
	}
	return "oidc " + idt.Issuer + " " + idt.Subject, claims, nil
}

// LogoutURL is where the browser ends its session at the provider, if
// the provider offers RP-initiated logout; "" otherwise.
func (o *OIDC) LogoutURL(after string) string {
	o.mu.Lock()
	end := o.endSession
	o.mu.Unlock()
	if end == "" {
		return ""
	}
	return end + "?" + (urlValues{"client_id": o.ClientID, "post_logout_redirect_uri": after}).Encode()
}
