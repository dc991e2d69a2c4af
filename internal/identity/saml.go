package identity

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
)

// SAML is the service provider of one SAML 2.0 identity provider (Web
// Browser SSO): AuthnRequests by the HTTP-Redirect binding, responses
// posted to <base>/saml/acs. A response is accepted only with a signed
// assertion from the IdP's metadata's keys, for our audience, posted to
// our ACS (recipient, destination), within its time window, in answer to
// the request made under its RelayState, and never twice (Replay).
type SAML struct {
	// Source is the IdP's metadata: a file, or an http(s) URL fetched
	// again after an hour.
	Source  string
	BaseURL string
	Key     crypto.Signer
	Cert    *x509.Certificate
	Client  *http.Client
	Replay  saml.AssertionReplayCache

	mu      sync.Mutex
	idp     *saml.EntityDescriptor
	fetched time.Time
}

// ReplayFunc is a replay cache made of a function that reports a seen ID
// with ErrSeen.
type ReplayFunc func(id string, expires time.Time) error

// ErrSeen is an assertion ID already accepted once.
var ErrSeen = errors.New("identity: assertion already used")

// Consume implements saml.AssertionReplayCache.
func (f ReplayFunc) Consume(id string, expires time.Time) error {
	if err := f(id, expires); err != nil {
		if errors.Is(err, ErrSeen) {
			return saml.ErrAssertionReplayed
		}
		return err
	}
	return nil
}

// LoadSPKey reads our key and certificate (PEM files); with no files, a
// new key and a self-signed certificate (development: the metadata
// changes at each start).
func LoadSPKey(keyFile, certFile string) (crypto.Signer, *x509.Certificate, error) {
	if keyFile == "" {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, nil, err
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Remiss SAML SP"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(10, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
		if err != nil {
			return nil, nil, err
		}
		cert, err := x509.ParseCertificate(der)
		return key, cert, err
	}
	kb, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, nil, fmt.Errorf("identity: REMISS_SAML_SP_KEY: %w", err)
	}
	cb, err := os.ReadFile(certFile)
	if err != nil {
		return nil, nil, fmt.Errorf("identity: REMISS_SAML_SP_CERT: %w", err)
	}
	kp, _ := pem.Decode(kb)
	cp, _ := pem.Decode(cb)
	if kp == nil || cp == nil {
		return nil, nil, errors.New("identity: REMISS_SAML_SP_KEY/CERT: no PEM block")
	}
	var key any
	if key, err = x509.ParsePKCS8PrivateKey(kp.Bytes); err != nil {
		if key, err = x509.ParsePKCS1PrivateKey(kp.Bytes); err != nil {
			return nil, nil, fmt.Errorf("identity: REMISS_SAML_SP_KEY: %w", err)
		}
	}
	cert, err := x509.ParseCertificate(cp.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("identity: REMISS_SAML_SP_CERT: %w", err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, errors.New("identity: REMISS_SAML_SP_KEY: not a signing key")
	}
	return signer, cert, nil
}

func (s *SAML) remote() bool {
	return strings.HasPrefix(s.Source, "https://") || strings.HasPrefix(s.Source, "http://")
}

// Load reads the IdP's metadata now; a server calls it at start, so a bad
// file or URL is found at once.
func (s *SAML) Load(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.load(ctx)
}

func (s *SAML) load(ctx context.Context) error {
	var md *saml.EntityDescriptor
	var err error
	if s.remote() {
		u, perr := url.Parse(s.Source)
		if perr != nil {
			return fmt.Errorf("identity: REMISS_SAML_IDP_METADATA: %w", perr)
		}
		client := s.Client
		if client == nil {
			client = &http.Client{Timeout: 15 * time.Second}
		}
		md, err = samlsp.FetchMetadata(ctx, client, *u)
	} else {
		var b []byte
		if b, err = os.ReadFile(s.Source); err == nil {
			md, err = samlsp.ParseMetadata(b)
		}
	}
	if err != nil {
		return fmt.Errorf("identity: SAML IdP metadata from %s: %w", s.Source, err)
	}
	s.idp, s.fetched = md, time.Now()
	return nil
}

// sp is the service provider over the IdP's metadata, fetched again when
// an hour old (a failure keeps the metadata held).
func (s *SAML) sp(ctx context.Context) (*saml.ServiceProvider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.idp == nil || (s.remote() && time.Since(s.fetched) > time.Hour) {
		if err := s.load(ctx); err != nil && s.idp == nil {
			return nil, err
		}
	}
	mdURL, err := url.Parse(s.BaseURL + "/saml/metadata")
	if err != nil {
		return nil, err
	}
	acsURL, err := url.Parse(s.BaseURL + "/saml/acs")
	if err != nil {
		return nil, err
	}
	sp := &saml.ServiceProvider{
		EntityID:                         s.BaseURL + "/saml/metadata",
		Key:                              s.Key,
		Certificate:                      s.Cert,
		MetadataURL:                      *mdURL,
		AcsURL:                           *acsURL,
		IDPMetadata:                      s.idp,
		AuthnNameIDFormat:                saml.PersistentNameIDFormat,
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding},
		ReplayCache:                      s.Replay,
		RejectSHA1Signatures:             true,
	}
	return sp, nil
}

// Metadata is our SP metadata (XML).
func (s *SAML) Metadata(ctx context.Context) ([]byte, error) {
	sp, err := s.sp(ctx)
	if err != nil {
		return nil, err
	}
	b, err := xml.MarshalIndent(sp.Metadata(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}

// Begin makes an AuthnRequest: the IdP's URL to send the browser to, the
// request's ID and the RelayState it goes under.
func (s *SAML) Begin(ctx context.Context) (string, string, string, error) {
	sp, err := s.sp(ctx)
	if err != nil {
		return "", "", "", err
	}
	req, err := sp.MakeAuthenticationRequest(sp.GetSSOBindingLocation(saml.HTTPRedirectBinding), saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", "", "", err
	}
	relay := Random()
	u, err := req.Redirect(relay, sp)
	if err != nil {
		return "", "", "", err
	}
	return u.String(), req.ID, relay, nil
}

// Finish checks a posted response to the request requestID and returns
// the stable subject and the attributes (by Name and by FriendlyName).
func (s *SAML) Finish(r *http.Request, requestID string) (string, map[string][]string, error) {
	sp, err := s.sp(r.Context())
	if err != nil {
		return "", nil, err
	}
	a, err := sp.ParseResponse(r, []string{requestID})
	if err != nil {
		return "", nil, samlRefusal(err)
	}
	if a.Signature == nil {
		return "", nil, refuse("unsigned", "svaret från kommunens inloggning hade ingen signerad assertion")
	}
	if a.Subject == nil || a.Subject.NameID == nil || a.Subject.NameID.Value == "" {
		return "", nil, refuse("no_subject", "svaret från kommunens inloggning sade inte vem du är")
	}
	claims := map[string][]string{}
	for _, st := range a.AttributeStatements {
		for _, at := range st.Attributes {
			for _, v := range at.Values {
				claims[at.Name] = append(claims[at.Name], v.Value)
				if at.FriendlyName != "" && at.FriendlyName != at.Name {
					claims[at.FriendlyName] = append(claims[at.FriendlyName], v.Value)
				}
			}
		}
	}
	return "saml " + a.Issuer.Value + " " + a.Subject.NameID.Value, claims, nil
}

// samlRefusal says in Swedish why a response was refused.
func samlRefusal(err error) *Refusal {
	switch {
	case errors.Is(err, saml.ErrAssertionReplayed):
		return refuse("replay", "svaret från kommunens inloggning har redan använts en gång; börja om")
	case errors.Is(err, saml.ErrInvalidSignature), errors.Is(err, saml.ErrUntrustedCertificate):
		return refuse("signature", "svaret från kommunens inloggning hade ingen giltig signatur")
	case errors.Is(err, saml.ErrExpired), errors.Is(err, saml.ErrNotYetValid):
		return refuse("expired", "svaret från kommunens inloggning har gått ut; börja om")
	case errors.Is(err, saml.ErrAudienceMismatch):
		return refuse("audience", "svaret från kommunens inloggning var inte ställt till Remiss")
	case errors.Is(err, saml.ErrDestinationMismatch):
		return refuse("recipient", "svaret från kommunens inloggning var ställt till en annan mottagare")
	case errors.Is(err, saml.ErrRequestIDMismatch):
		return refuse("request", "svaret från kommunens inloggning hör inte till den här inloggningen; börja om")
	}
	return refuse("invalid", "svaret från kommunens inloggning kunde inte godtas")
}
