package idptest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/xml"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
)

// SAML is a SAML 2.0 identity provider: crewjam/saml's, which checks the
// AuthnRequest against the SP's metadata and posts a signed response (the
// assertion signed) back through the browser. Whoever comes to it is
// signed in at once as User.
type SAML struct {
	URL          string // base; metadata at /metadata, SSO at /sso
	MetadataFile string // the metadata, written to a file as an operator would
	IDP          *saml.IdentityProvider

	mu sync.Mutex
	// User is who signs in: NameID, and the attributes name, email, groups.
	User *saml.Session
	// Audience, when set, is the audience the assertion names instead of
	// the SP's.
	Audience string
	// Expired makes the assertion's time window end an hour ago.
	Expired bool
	// SPMetadata is the SP's metadata as the IdP has it on file.
	SPMetadata *saml.EntityDescriptor
}

// NewSAML starts an IdP on loopback, stopped when the test ends.
func NewSAML(t testing.TB) *SAML {
	key, cert := keyPair(t)
	p := &SAML{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.IDP.Handler().ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	mdURL, _ := url.Parse(srv.URL + "/metadata")
	ssoURL, _ := url.Parse(srv.URL + "/sso")
	p.URL = srv.URL
	p.IDP = &saml.IdentityProvider{Key: key, Signer: key, Certificate: cert, MetadataURL: *mdURL, SSOURL: *ssoURL,
		ServiceProviderProvider: p, SessionProvider: p, AssertionMaker: p}
	b, err := xml.MarshalIndent(p.IDP.Metadata(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	p.MetadataFile = filepath.Join(t.TempDir(), "idp-metadata.xml")
	if err := os.WriteFile(p.MetadataFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// keyPair is a new RSA key and a self-signed certificate for it.
func keyPair(t testing.TB) (*rsa.PrivateKey, *x509.Certificate) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "Testkommunens IdP"},
		NotBefore: time.Now().Add(-24 * time.Hour), NotAfter: time.Now().AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

// Trust registers the SP by its metadata (fetched from spMetadataURL),
// as an operator does at the IdP.
func (p *SAML) Trust(t testing.TB, spMetadataURL string) {
	u, _ := url.Parse(spMetadataURL)
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	md, err := samlsp.ParseMetadata(buf.Bytes())
	if err != nil {
		t.Fatalf("the SP's metadata: %v\n%s", err, buf.String())
	}
	p.mu.Lock()
	p.SPMetadata = md
	p.mu.Unlock()
}

// SignIn sets who signs in next.
func (p *SAML) SignIn(nameID, name, email string, groups ...string) {
	vals := func(vs ...string) []saml.AttributeValue {
		var out []saml.AttributeValue
		for _, v := range vs {
			out = append(out, saml.AttributeValue{Type: "xs:string", Value: v})
		}
		return out
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.User = &saml.Session{ID: random(), NameID: nameID, NameIDFormat: string(saml.PersistentNameIDFormat), CreateTime: time.Now(), ExpireTime: time.Now().Add(time.Hour),
		Index: random(), CustomAttributes: []saml.Attribute{
			{Name: "name", NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic", Values: vals(name)},
			{Name: "email", NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic", Values: vals(email)},
			{Name: "groups", NameFormat: "urn:oasis:names:tc:SAML:2.0:attrname-format:basic", Values: vals(groups...)},
		}}
}

// RotateUnannounced signs from now on with a new key that the metadata the
// SP holds does not name: a bad signature.
func (p *SAML) RotateUnannounced(t testing.TB) {
	key, cert := keyPair(t)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.IDP.Key, p.IDP.Signer, p.IDP.Certificate = key, key, cert
}

// Set changes a knob under the lock.
func (p *SAML) Set(f func(p *SAML)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

// GetServiceProvider implements saml.ServiceProviderProvider.
func (p *SAML) GetServiceProvider(r *http.Request, id string) (*saml.EntityDescriptor, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.SPMetadata == nil || p.SPMetadata.EntityID != id {
		return nil, os.ErrNotExist
	}
	return p.SPMetadata, nil
}

// GetSession implements saml.SessionProvider.
func (p *SAML) GetSession(w http.ResponseWriter, r *http.Request, req *saml.IdpAuthnRequest) *saml.Session {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.User == nil {
		http.Error(w, "ingen inloggad", http.StatusForbidden)
		return nil
	}
	return p.User
}

// MakeAssertion implements saml.AssertionMaker: the default assertion,
// with the knobs turned.
func (p *SAML) MakeAssertion(req *saml.IdpAuthnRequest, session *saml.Session) error {
	if err := (saml.DefaultAssertionMaker{}).MakeAssertion(req, session); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	a := req.Assertion
	if p.Audience != "" && a.Conditions != nil {
		for i := range a.Conditions.AudienceRestrictions {
			a.Conditions.AudienceRestrictions[i].Audience = saml.Audience{Value: p.Audience}
		}
	}
	if p.Expired {
		past := time.Now().Add(-time.Hour)
		if a.Conditions != nil {
			a.Conditions.NotBefore, a.Conditions.NotOnOrAfter = past.Add(-5*time.Minute), past
		}
		if a.Subject != nil {
			for i := range a.Subject.SubjectConfirmations {
				if d := a.Subject.SubjectConfirmations[i].SubjectConfirmationData; d != nil {
					d.NotOnOrAfter = past
				}
			}
		}
	}
	return nil
}
