// Package idptest runs identity providers in-process on loopback for the
// tests: an OpenID Connect provider that serves discovery and JWKS and
// signs real ID tokens (RS256), and a SAML 2.0 IdP (crewjam/saml's) that
// signs real responses. They follow the protocols; the tests turn knobs
// on them to make the cases a relying party must refuse.
package idptest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// OIDC is an OpenID Connect provider: the authorization code flow with
// PKCE (S256 only), a confidential client, and RP-initiated logout.
// Whoever is at /authorize is signed in at once as User.
type OIDC struct {
	URL                    string // the issuer
	ClientID, ClientSecret string

	mu sync.Mutex
	// User is the claims of the person who signs in (sub and the rest).
	User map[string]any
	// Tweak, when set, changes the next ID tokens' claims (audience,
	// expiry, nonce) before they are signed.
	Tweak func(claims map[string]any)
	// Rogue, when set, signs the ID tokens instead of the published key,
	// under the published key's ID: a bad signature.
	Rogue *rsa.PrivateKey

	key        *rsa.PrivateKey
	kid        string
	published  []jose.JSONWebKey
	codes      map[string]grant
	JWKSserved int // how many times the key set was fetched
	LoggedOut  int // RP-initiated logouts
}

type grant struct {
	redirect, nonce, challenge string
	claims                     map[string]any
}

// NewOIDC starts a provider on loopback, stopped when the test ends.
func NewOIDC(t testing.TB) *OIDC {
	p := &OIDC{ClientID: "remiss", ClientSecret: "hemligt-" + random(), codes: map[string]grant{}}
	p.Rotate()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /logout", p.logout)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

func random() string {
	var b [18]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Rotate makes a new signing key and publishes only it: tokens signed
// from now on name a key the relying party has not seen.
func (p *OIDC) Rotate() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.key, p.kid = key, "k-"+random()
	p.published = []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: p.kid, Algorithm: string(jose.RS256), Use: "sig"}}
}

// SignIn sets who signs in next.
func (p *OIDC) SignIn(claims map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.User = claims
}

// SetTweak sets (or with nil clears) the change made to the ID tokens.
func (p *OIDC) SetTweak(f func(map[string]any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Tweak = f
}

// SetRogue sets (or clears) a key that signs in place of the published one.
func (p *OIDC) SetRogue(k *rsa.PrivateKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.Rogue = k
}

// Fetches is how many times the key set was fetched.
func (p *OIDC) Fetches() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.JWKSserved
}

func (p *OIDC) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, map[string]any{
		"issuer": p.URL, "authorization_endpoint": p.URL + "/authorize", "token_endpoint": p.URL + "/token",
		"jwks_uri": p.URL + "/jwks", "end_session_endpoint": p.URL + "/logout",
		"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

func (p *OIDC) jwks(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.JWKSserved++
	set := jose.JSONWebKeySet{Keys: p.published}
	p.mu.Unlock()
	writeJSON(w, 200, set)
}

func (p *OIDC) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if q.Get("client_id") != p.ClientID || err != nil || redirect.Scheme == "" {
		http.Error(w, "unknown client or redirect_uri", http.StatusBadRequest)
		return
	}
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" {
		http.Error(w, "code flow with PKCE S256 and a nonce required", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	user := p.User
	code := random()
	p.codes[code] = grant{redirect: q.Get("redirect_uri"), nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), claims: user}
	p.mu.Unlock()
	if user == nil {
		back := redirect.Query()
		back.Set("error", "access_denied")
		back.Set("state", q.Get("state"))
		redirect.RawQuery = back.Encode()
		http.Redirect(w, r, redirect.String(), http.StatusFound)
		return
	}
	back := redirect.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (p *OIDC) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", 400)
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != p.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(p.ClientSecret)) != 1 {
		writeJSON(w, 401, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	g, found := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code")) // a code is used once
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if !found || r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != g.redirect ||
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
		return
	}
	now := time.Now()
	claims := map[string]any{"iss": p.URL, "aud": p.ClientID, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "nonce": g.nonce}
	for k, v := range g.claims {
		claims[k] = v
	}
	p.mu.Lock()
	tweak, key, kid := p.Tweak, p.key, p.kid
	if p.Rogue != nil {
		key = p.Rogue
	}
	p.mu.Unlock()
	if tweak != nil {
		tweak(claims)
	}
	idToken, err := sign(key, kid, claims)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	writeJSON(w, 200, map[string]any{"access_token": random(), "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
}

func (p *OIDC) logout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.ClientID {
		http.Error(w, "unknown client", 400)
		return
	}
	p.mu.Lock()
	p.LoggedOut++
	p.mu.Unlock()
	if u := q.Get("post_logout_redirect_uri"); u != "" {
		http.Redirect(w, r, u, http.StatusFound)
		return
	}
	fmt.Fprintln(w, "utloggad")
}

// sign makes a compact JWS of claims with key under kid.
func sign(key *rsa.PrivateKey, kid string, claims map[string]any) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
