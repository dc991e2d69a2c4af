package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/devmail"
	imail "github.com/remiss/remiss/internal/mail"
)

// testCert makes a self-signed certificate for 127.0.0.1 and a pool that
// trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func TestStartTLSAndImplicitTLSWithAuth(t *testing.T) {
	cert, pool := testCert(t)
	serverTLS := &tls.Config{Certificates: []tls.Certificate{cert}}
	opts := devmail.Options{TLS: serverTLS, Username: "remiss", Password: "hemligt"}
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			f := newFixture(t, "Smart stad")
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			if mode == "tls" {
				ln = tls.NewListener(ln, serverTLS)
			}
			c := devmail.ServeWith(ln, opts)
			defer c.Close()
			f.queue(t, msg("m1", "a@example.stockholm.se"))
			s := &imail.Sender{Store: f.store, Now: func() time.Time { return f.now }, SMTP: imail.SMTPConfig{
				Addr: c.Addr(), Security: mode, Username: "remiss", Password: "fel", From: "remiss@example.stockholm.se",
				TLS: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}}}
			if _, err := s.SendDue(context.Background()); err == nil {
				t.Fatal("a wrong password was accepted")
			}
			f.now = f.now.Add(time.Hour)
			s.SMTP.Password = "hemligt"
			if n, err := s.SendDue(context.Background()); err != nil || n != 1 || len(c.Messages()) != 1 {
				t.Fatalf("sent %d: %v", n, err)
			}
			// Without trust in the server's certificate, nothing is sent.
			f.queue(t, msg("m2", "b@example.stockholm.se"))
			s.SMTP.TLS = &tls.Config{ServerName: "127.0.0.1"}
			if _, err := s.SendDue(context.Background()); err == nil {
				t.Error("an untrusted certificate was accepted")
			}
		})
	}
}
