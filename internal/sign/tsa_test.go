package sign

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"time"
)

// testTSA is an RFC 3161 time-stamping authority on loopback, with a
// certificate for time stamping issued by ca.
type testTSA struct {
	*httptest.Server
	seal *Seal
}

func newTestTSA(ca *x509.Certificate, sign func(tmpl *x509.Certificate, pub any) *x509.Certificate) *testTSA {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	cert := sign(&x509.Certificate{SerialNumber: big.NewInt(77), Subject: pkix.Name{CommonName: "Test TSA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}, &key.PublicKey)
	t := &testTSA{seal: &Seal{Key: key, Chain: []*x509.Certificate{cert, ca}}}
	t.Server = httptest.NewServer(http.HandlerFunc(t.serve))
	return t
}

func (t *testTSA) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req timeStampReq
	if _, err := asn1.Unmarshal(body, &req); err != nil || r.Header.Get("Content-Type") != "application/timestamp-query" {
		resp, _ := asn1.Marshal(timeStampResp{Status: pkiStatusInfo{Status: 2}})
		w.Write(resp)
		return
	}
	info, _ := asn1.Marshal(tstInfo{Version: 1, Policy: asn1.ObjectIdentifier{1, 2, 3, 4, 1}, MessageImprint: req.MessageImprint,
		SerialNumber: big.NewInt(time.Now().UnixNano()), GenTime: time.Now().UTC().Truncate(time.Second), Nonce: req.Nonce})
	sum := sha256.Sum256(info)
	token, err := t.seal.signedData(oidTSTInfo, sum[:], info, nil)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	resp, _ := asn1.Marshal(timeStampResp{Status: pkiStatusInfo{Status: 0}, TimeStampToken: asn1.RawValue{FullBytes: token}})
	w.Header().Set("Content-Type", "application/timestamp-reply")
	w.Write(resp)
}
