package sign

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
)

// NewTestTSA starts a TSA on loopback whose certificate ca issues.
func NewTestTSA(ca *x509.Certificate, caKey crypto.Signer) *testTSA {
	return newTestTSA(ca, func(tmpl *x509.Certificate, pub any) *x509.Certificate {
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, pub, caKey)
		if err != nil {
			panic(err)
		}
		c, _ := x509.ParseCertificate(der)
		return c
	})
}
