package sign_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/sign"
)

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is required under CI", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

type pki struct {
	ca    *x509.Certificate
	caKey crypto.Signer
	roots *x509.CertPool
}

func newPKI(t *testing.T) pki {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test CA"},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().AddDate(1, 0, 0), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	return pki{ca: ca, caKey: key, roots: roots}
}

func (p pki) seal(t *testing.T, key crypto.Signer, notBefore, notAfter time.Time) *sign.Seal {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:   pkix.Name{CommonName: "Sigill Hägersten-Liljeholmens stadsdelsnämnd", Organization: []string{"Stockholms stad"}},
		NotBefore: notBefore, NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, key.Public(), p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &sign.Seal{Key: key, Chain: []*x509.Certificate{c, p.ca}}
}

func statement(t *testing.T) []byte {
	b, err := pdf.Statement(pdf.StatementData{Org: "Hägersten-Liljeholmens stadsdelsnämnd", Dnr: "KS 2016/171-908",
		Date: time.Now(), Title: "Strategi för Stockholm som smart och uppkopplad stad", Proposals: []string{"Godkänns."},
		Sections: []pdf.Section{{Heading: "Sammanfattning", Body: "Å ä ö é ” –"}}, Signatories: []pdf.Signatory{{Name: "Lars Wennberg", Title: "tf stadsdelsdirektör"}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var stockholm, _ = time.LoadLocation("Europe/Stockholm")

func opts() sign.Options {
	return sign.Options{At: time.Now().In(stockholm), Name: "Hägersten-Liljeholmens stadsdelsnämnd",
		Reason: "Tjänsteutlåtande, Dnr KS 2016/171-908", Location: "Stockholm"}
}

func TestSignedPDFVerifiesInEveryTool(t *testing.T) {
	p := newPKI(t)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	for name, key := range map[string]crypto.Signer{"ecdsa": ec, "rsa": rk} {
		t.Run(name, func(t *testing.T) {
			seal := p.seal(t, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
			orig := statement(t)
			signed, err := seal.SignPDF(orig, opts())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(signed, orig) {
				t.Fatal("signing rewrote the original bytes")
			}
			res, err := sign.Verify(t.Context(), signed, p.roots)
			if err != nil || len(res) != 1 || !res[0].Valid || !res[0].WholeFile || res[0].Signer != "Sigill Hägersten-Liljeholmens stadsdelsnämnd" {
				t.Fatalf("our verifier: %+v %v", res, err)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "signed.pdf")
			os.WriteFile(file, signed, 0o600)

			out, _ := exec.Command(tool(t, "pdfsig"), file).CombinedOutput()
			if !strings.Contains(string(out), "Signature Validation: Signature is Valid.") ||
				!strings.Contains(string(out), "Signature Type: ETSI.CAdES.detached") {
				t.Errorf("pdfsig:\n%s", out)
			}
			out, err = exec.Command(tool(t, "qpdf"), "--check", file).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors found") {
				t.Errorf("qpdf --check: %v\n%s", err, out)
			}
			opensslVerify(t, signed, p.ca, dir)

			tampered := append([]byte{}, signed...)
			i := bytes.Index(tampered, []byte("BT ")) // inside a page's text, covered by the signature
			if i < 0 {
				i = 2000
			}
			tampered[i+40] ^= 0x01
			os.WriteFile(file, tampered, 0o600)
			out, _ = exec.Command(tool(t, "pdfsig"), file).CombinedOutput()
			if strings.Contains(string(out), "Signature is Valid") {
				t.Errorf("pdfsig accepts a changed copy:\n%s", out)
			}
			if res, _ := sign.Verify(t.Context(), tampered, p.roots); len(res) != 1 || res[0].Valid {
				t.Errorf("our verifier accepts a changed copy: %+v", res)
			}
			if res, err := sign.Verify(t.Context(), append(append([]byte{}, signed...), "\n% appended\n"...), p.roots); err == nil && res[0].Valid {
				t.Error("our verifier accepts bytes appended after the signature")
			}
			if res, _ := sign.Verify(t.Context(), signed, x509.NewCertPool()); res[0].Valid || !strings.Contains(res[0].Problem, "betrott") {
				t.Errorf("untrusted chain: %+v", res)
			}
		})
	}
}

// opensslVerify checks the CMS over the ByteRange with openssl, as an
// archive would without any PDF tool.
func opensslVerify(t *testing.T, signed []byte, ca *x509.Certificate, dir string) {
	m := regexp.MustCompile(`/ByteRange \[0 (\d+) (\d+) (\d+)`).FindSubmatch(signed)
	a, _ := strconv.Atoi(string(m[1]))
	b, _ := strconv.Atoi(string(m[2]))
	c, _ := strconv.Atoi(string(m[3]))
	content := append(append([]byte{}, signed[:a]...), signed[b:b+c]...)
	all, err := hex.DecodeString(string(signed[a+1 : b-1]))
	if err != nil {
		t.Fatal(err)
	}
	// The reserved room is zero-padded: the DER's own length says where it ends.
	var rv asn1.RawValue
	rest, err := asn1.Unmarshal(all, &rv)
	if err != nil {
		t.Fatal(err)
	}
	der := all[:len(all)-len(rest)]
	os.WriteFile(filepath.Join(dir, "content.bin"), content, 0o600)
	os.WriteFile(filepath.Join(dir, "sig.der"), der, 0o600)
	os.WriteFile(filepath.Join(dir, "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}), 0o600)
	out, err := exec.Command(tool(t, "openssl"), "cms", "-verify", "-binary", "-inform", "DER", "-in", filepath.Join(dir, "sig.der"),
		"-content", filepath.Join(dir, "content.bin"), "-CAfile", filepath.Join(dir, "ca.pem"), "-purpose", "any", "-out", os.DevNull).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verification successful") {
		t.Errorf("openssl cms -verify: %v\n%s", err, out)
	}
}

func TestBadSealsAreRefused(t *testing.T) {
	p := newPKI(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	expired := p.seal(t, key, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	future := p.seal(t, key, time.Now().Add(24*time.Hour), time.Now().AddDate(1, 0, 0))
	mismatch := p.seal(t, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
	mismatch.Key = other
	for name, c := range map[string]struct {
		seal *sign.Seal
		want string
	}{
		"expired": {expired, "expired"}, "not yet valid": {future, "not valid until"},
		"mismatch": {mismatch, "does not match"}, "none": {nil, "no seal"},
	} {
		if _, err := c.seal.SignPDF(statement(t), opts()); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	dir := t.TempDir()
	if _, err := sign.LoadSeal(filepath.Join(dir, "missing.pem"), filepath.Join(dir, "missing-key.pem")); err == nil {
		t.Error("missing files loaded")
	}
}

func TestDevKeyringIsMadeOnceAndMarkedTest(t *testing.T) {
	dir := t.TempDir()
	k1, err := sign.EnsureDev(dir, []sign.DevOrg{{Code: "bromma", Name: "Bromma stadsdelsnämnd"}})
	if err != nil {
		t.Fatal(err)
	}
	k2, err := sign.EnsureDev(dir, []sign.DevOrg{{Code: "bromma", Name: "Bromma stadsdelsnämnd"}})
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := k1.For("bromma")
	s2, _ := k2.For("bromma")
	if !s1.Chain[0].Equal(s2.Chain[0]) || !strings.Contains(s1.Chain[0].Subject.CommonName, "TEST") {
		t.Errorf("seal %q changed or unmarked", s1.Chain[0].Subject.CommonName)
	}
	if s, err := k1.For("farsta"); err != nil || !strings.Contains(s.Chain[0].Subject.CommonName, "TEST") {
		t.Errorf("default seal: %v", err)
	}
	signed, err := s1.SignPDF(statement(t), opts())
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := sign.Verify(t.Context(), signed, k2.Roots); !res[0].Valid {
		t.Errorf("dev seal does not verify: %+v", res[0])
	}
}

func TestTimestampedSignature(t *testing.T) {
	p := newPKI(t)
	tsa := sign.NewTestTSA(p.ca, p.caKey)
	defer tsa.Close()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	seal := p.seal(t, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
	o := opts()
	o.TSA = &sign.TSA{URL: tsa.URL}
	signed, err := seal.SignPDF(statement(t), o)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sign.Verify(t.Context(), signed, p.roots)
	if err != nil || !res[0].Valid || res[0].Timestamped.IsZero() || time.Since(res[0].Timestamped) > time.Minute {
		t.Fatalf("B-T signature: %+v %v", res, err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "bt.pdf")
	os.WriteFile(file, signed, 0o600)
	out, _ := exec.Command(tool(t, "pdfsig"), file).CombinedOutput()
	if !strings.Contains(string(out), "Signature is Valid") {
		t.Errorf("pdfsig:\n%s", out)
	}
	opensslVerify(t, signed, p.ca, dir)

	tsa.Close()
	if _, err := seal.SignPDF(statement(t), o); !errors.Is(err, sign.ErrTimestamp) {
		t.Errorf("with the TSA down: %v, want ErrTimestamp", err)
	}
}

func TestPKCS12SealFromOpenSSL(t *testing.T) {
	p := newPKI(t)
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	seal := p.seal(t, rk, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
	dir := t.TempDir()
	kd, _ := x509.MarshalPKCS8PrivateKey(rk)
	os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600)
	os.WriteFile(filepath.Join(dir, "cert.pem"), append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: seal.Chain[0].Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.ca.Raw})...), 0o600)
	os.WriteFile(filepath.Join(dir, "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.ca.Raw}), 0o600)
	// OpenSSL 3 writes PBES2/AES by default, as an organisation's PKI would.
	out, err := exec.Command(tool(t, "openssl"), "pkcs12", "-export", "-inkey", filepath.Join(dir, "key.pem"),
		"-in", filepath.Join(dir, "cert.pem"), "-out", filepath.Join(dir, "farsta.p12"), "-passout", "pass:hemligt").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl pkcs12: %v\n%s", err, out)
	}
	if _, err := sign.LoadDir(dir, "", "fel"); err == nil {
		t.Error("a wrong password opened the PKCS#12 file")
	}
	k, err := sign.LoadDir(dir, "", "hemligt")
	if err != nil {
		t.Fatal(err)
	}
	s, err := k.For("farsta")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.SignPDF(statement(t), opts())
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := sign.Verify(t.Context(), signed, k.Roots); !res[0].Valid {
		t.Errorf("PKCS#12 seal: %+v", res[0])
	}
}

func TestVerificationResistsBackdatingAndFakeSignatures(t *testing.T) {
	p := newPKI(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	// A seal whose certificate has expired cannot sign, and a signature whose
	// /M claims a time inside the validity is still judged now.
	valid := p.seal(t, key, time.Now().Add(-time.Hour), time.Now().Add(2*time.Second))
	signed, err := valid.SignPDF(statement(t), opts())
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := sign.Verify(t.Context(), signed, p.roots); !res[0].Valid {
		t.Fatalf("fresh signature: %+v", res[0])
	}
	if res, _ := sign.VerifyAt(t.Context(), signed, p.roots, time.Now().Add(time.Hour)); res[0].Valid {
		t.Error("a signature by an expired certificate verifies without a timestamp")
	}
	if res, _ := sign.VerifyAt(t.Context(), signed, p.roots, time.Now()); !res[0].Valid {
		t.Errorf("at a time within validity (a stored document): %+v", res[0])
	}
	// Text that looks like a signature (here in a title) is no signature.
	d := pdf.StatementData{Org: "X", Dnr: "KS 2016/1-1", Date: time.Now(), Title: "Plan /ByteRange [0 1 2 3] /Contents <00>",
		Proposals: []string{"Ja."}, Signatories: []pdf.Signatory{{Name: "A", Title: "B"}}}
	raw, err := pdf.Statement(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sign.Verify(t.Context(), raw, p.roots); err == nil {
		t.Error("an unsigned document with signature-like text has a signature")
	}
	sealed, err := p.seal(t, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0)).SignPDF(raw, opts())
	if err != nil {
		t.Fatal(err)
	}
	if res, err := sign.Verify(t.Context(), sealed, p.roots); err != nil || len(res) != 1 || !res[0].Valid {
		t.Errorf("sealed document with signature-like text: %+v %v", res, err)
	}
}
