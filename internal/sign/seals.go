package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// Keyring holds the seal of each organisation and the trust anchors that
// verification accepts.
type Keyring struct {
	Seals map[string]*Seal // by organisation code
	Roots *x509.CertPool
}

// ErrNoSeal is returned for an organisation without a configured seal.
var ErrNoSeal = errors.New("sign: no seal for the organisation")

// For returns an organisation's seal, or the "default" seal.
func (k *Keyring) For(org string) (*Seal, error) {
	if k == nil {
		return nil, ErrNoSeal
	}
	if s, ok := k.Seals[org]; ok {
		return s, nil
	}
	if s, ok := k.Seals["default"]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("%w %q", ErrNoSeal, org)
}

// LoadDir reads seals from dir: for each organisation code, either
// <code>.pem (its certificate, then the chain) with <code>-key.pem (its
// private key, PKCS#8, SEC 1 or PKCS#1), or <code>.p12 (PKCS#12, opened
// with p12Password); "default" serves organisations without one. Trust
// anchors come from trustFile (PEM), or dir/ca.pem when empty.
func LoadDir(dir, trustFile, p12Password string) (*Keyring, error) {
	k := &Keyring{Seals: map[string]*Seal{}, Roots: x509.NewCertPool()}
	if trustFile == "" {
		trustFile = filepath.Join(dir, "ca.pem")
	}
	anchors, err := readCerts(trustFile)
	if err != nil {
		return nil, fmt.Errorf("sign: trust anchors: %w", err)
	}
	for _, c := range anchors {
		k.Roots.AddCert(c)
	}
	keys, _ := filepath.Glob(filepath.Join(dir, "*-key.pem"))
	sort.Strings(keys)
	for _, keyFile := range keys {
		code := strings.TrimSuffix(filepath.Base(keyFile), "-key.pem")
		if code == "ca" {
			continue
		}
		seal, err := LoadSeal(filepath.Join(dir, code+".pem"), keyFile)
		if err != nil {
			return nil, err
		}
		k.Seals[code] = seal
	}
	p12s, _ := filepath.Glob(filepath.Join(dir, "*.p12"))
	sort.Strings(p12s)
	for _, file := range p12s {
		seal, err := LoadPKCS12(file, p12Password)
		if err != nil {
			return nil, err
		}
		k.Seals[strings.TrimSuffix(filepath.Base(file), ".p12")] = seal
	}
	return k, nil
}

// LoadPKCS12 reads a seal's key and chain from a PKCS#12 file.
func LoadPKCS12(file, password string) (*Seal, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("sign: seal %s: %w", file, err)
	}
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, fmt.Errorf("sign: seal %s: %w", file, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("sign: seal %s: %w", file, errUnsupportedKey)
	}
	s := &Seal{Key: signer, Chain: append([]*x509.Certificate{cert}, chain...)}
	if err := s.Check(cert.NotBefore); err != nil && errors.Is(err, errCertificateMismatch) {
		return nil, fmt.Errorf("sign: seal %s: %w", file, err)
	}
	return s, nil
}

// LoadSeal reads a certificate chain and its private key from PEM files.
func LoadSeal(certFile, keyFile string) (*Seal, error) {
	chain, err := readCerts(certFile)
	if err != nil {
		return nil, fmt.Errorf("sign: seal certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("sign: seal key: %w", err)
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, fmt.Errorf("sign: seal key %s: no PEM block", keyFile)
	}
	key, err := parseKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("sign: seal key %s: %w", keyFile, err)
	}
	s := &Seal{Key: key, Chain: chain}
	if err := s.Check(chain[0].NotBefore); err != nil && errors.Is(err, errCertificateMismatch) {
		return nil, fmt.Errorf("sign: %s and %s: %w", certFile, keyFile, err)
	}
	return s, nil
}

func parseKey(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
		return nil, errUnsupportedKey
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	return nil, errors.New("not a PKCS#8, SEC 1 or PKCS#1 private key")
}

func readCerts(file string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s: no certificate", file)
	}
	return certs, nil
}

// DevOrg names an organisation that gets a development seal.
type DevOrg struct{ Code, Name string }

// EnsureDev makes, on first use, a TEST certificate authority and a TEST seal
// for each organisation in dir, and loads them. Nothing it makes is fit for
// production, and every name says so.
func EnsureDev(dir string, orgs []DevOrg) (*Keyring, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	caCert, caKey, err := devCA(dir)
	if err != nil {
		return nil, err
	}
	for _, o := range append([]DevOrg{{Code: "default", Name: "Stockholms stad"}}, orgs...) {
		if _, err := os.Stat(filepath.Join(dir, o.Code+"-key.pem")); err == nil {
			continue
		}
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{
			SerialNumber: serial(),
			Subject: pkix.Name{CommonName: "TEST-sigill " + o.Name, Organization: []string{o.Name + " (TEST)"},
				OrganizationalUnit: []string{"Endast för utveckling och test"}, Country: []string{"SE"}},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(5, 0, 0),
			KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			return nil, err
		}
		if err := writePEM(filepath.Join(dir, o.Code+".pem"), "CERTIFICATE", der, caCert.Raw); err != nil {
			return nil, err
		}
		kd, _ := x509.MarshalPKCS8PrivateKey(key)
		if err := writePEM(filepath.Join(dir, o.Code+"-key.pem"), "PRIVATE KEY", kd); err != nil {
			return nil, err
		}
	}
	return LoadDir(dir, "", "")
}

func devCA(dir string) (*x509.Certificate, crypto.Signer, error) {
	certFile, keyFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
	if s, err := LoadSeal(certFile, keyFile); err == nil {
		return s.Chain[0], s.Key, nil
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject: pkix.Name{CommonName: "Remiss TEST-CA (inte för produktion)", Organization: []string{"Remiss TEST"},
			Country: []string{"SE"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(10, 0, 0),
		IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, _ := x509.ParseCertificate(der)
	kd, _ := x509.MarshalPKCS8PrivateKey(key)
	if err := writePEM(keyFile, "PRIVATE KEY", kd); err != nil {
		return nil, nil, err
	}
	if err := writePEM(certFile, "CERTIFICATE", der); err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}

func writePEM(file, typ string, ders ...[]byte) error {
	var out []byte
	for _, d := range ders {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: d})...)
	}
	return os.WriteFile(file, out, 0o600)
}

// LoadRoots reads trust anchors from a PEM file.
func LoadRoots(file string) (*x509.CertPool, error) {
	certs, err := readCerts(file)
	if err != nil {
		return nil, fmt.Errorf("sign: trust anchors: %w", err)
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}
