package sign

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"time"
)

// verifySignerInfo checks the one SignerInfo of sd: its signed attributes
// (messageDigest equal to digest, signingCertificateV2, no signingTime),
// its signature, and its certificate's chain to roots at the time at. It
// returns the signer's certificate, and a problem in Swedish or "".
func verifySignerInfo(sd signedData, digest []byte, roots *x509.CertPool, at time.Time, usage x509.ExtKeyUsage) (*x509.Certificate, string) {
	certs, err := x509.ParseCertificates(sd.Certificates.Bytes)
	if err != nil || len(certs) == 0 || len(sd.SignerInfos) != 1 {
		return nil, "signaturen saknar certifikat"
	}
	si := sd.SignerInfos[0]
	signer := signerCertificate(certs, si)
	if signer == nil {
		return nil, "signerarens certifikat saknas"
	}
	attrsDER, problem := checkSignedAttrs(sd, si, signer, digest, usage)
	if problem == "" {
		problem = checkSignature(signer, attrsDER, si.Signature)
	}
	if problem == "" {
		problem = checkChain(signer, certs, roots, at, usage)
	}
	return signer, problem
}

// signerCertificate is the certificate of certs that si names, or nil.
func signerCertificate(certs []*x509.Certificate, si signerInfo) *x509.Certificate {
	var signer *x509.Certificate
	for _, c := range certs {
		if c.SerialNumber.Cmp(si.SID.Serial) == 0 && bytes.Equal(c.RawIssuer, si.SID.Issuer.FullBytes) {
			signer = c
		}
	}
	return signer
}

// checkSignedAttrs checks the signed attributes of si: SHA-256, a
// messageDigest equal to digest, the content type of sd, and (unless the
// signer is a TSA, usage ExtKeyUsageTimeStamping) a signingCertificateV2
// naming signer and no signingTime. It returns the attributes' DER as
// signed, and a problem in Swedish or "".
func checkSignedAttrs(sd signedData, si signerInfo, signer *x509.Certificate, digest []byte, usage x509.ExtKeyUsage) ([]byte, string) {
	if len(si.SignedAttrs.FullBytes) == 0 {
		return nil, "signaturen saknar signerade attribut"
	}
	attrsDER := append([]byte{0x31}, si.SignedAttrs.FullBytes[1:]...)
	var attrs []attribute
	if _, err := asn1.UnmarshalWithParams(attrsDER, &attrs, "set"); err != nil {
		return nil, "de signerade attributen går inte att läsa"
	}
	if !si.DigestAlgorithm.Algorithm.Equal(oidSHA256) {
		return nil, "signaturen använder inte SHA-256"
	}
	var md []byte
	var hasSigningCert, hasContentType bool
	for _, a := range attrs {
		switch {
		case a.Type.Equal(oidMessageDigest) && len(a.Values) == 1:
			asn1.Unmarshal(a.Values[0].FullBytes, &md)
		case a.Type.Equal(oidContentType) && len(a.Values) == 1:
			var ct asn1.ObjectIdentifier
			asn1.Unmarshal(a.Values[0].FullBytes, &ct)
			hasContentType = ct.Equal(sd.EncapContentInfo.EContentType)
		case a.Type.Equal(oidSigningCertV2) && len(a.Values) == 1:
			if problem := checkSigningCertV2(a, signer); problem != "" {
				return nil, problem
			}
			hasSigningCert = true
		case a.Type.Equal(oidSigningTime) && usage != x509.ExtKeyUsageTimeStamping:
			return nil, "signaturen har signingTime, vilket PAdES inte tillåter"
		}
	}
	if !hasSigningCert && usage != x509.ExtKeyUsageTimeStamping {
		return nil, "signaturen saknar signingCertificateV2"
	}
	if !hasContentType {
		return nil, "signaturens contentType stämmer inte"
	}
	if !bytes.Equal(md, digest) {
		return nil, "dokumentet har ändrats efter signeringen (kontrollsumman stämmer inte)"
	}
	return attrsDER, ""
}

// checkSigningCertV2 checks that the signingCertificateV2 attribute a names
// signer: the signer's certificate is bound to the signature by its hash, so
// a substituted certificate does not match.
func checkSigningCertV2(a attribute, signer *x509.Certificate) string {
	var sc struct {
		Certs []struct {
			CertHash     []byte
			IssuerSerial asn1.RawValue `asn1:"optional"`
		}
		Policies asn1.RawValue `asn1:"optional"`
	}
	if _, err := asn1.Unmarshal(a.Values[0].FullBytes, &sc); err != nil || len(sc.Certs) == 0 {
		return "signingCertificateV2 går inte att läsa"
	}
	want := sha256.Sum256(signer.Raw)
	if !bytes.Equal(sc.Certs[0].CertHash, want[:]) {
		return "signingCertificateV2 pekar inte på signerarens certifikat"
	}
	return ""
}

// checkSignature checks signer's signature over the signed attributes.
func checkSignature(signer *x509.Certificate, attrsDER, signature []byte) string {
	sum := sha256.Sum256(attrsDER)
	switch pub := signer.PublicKey.(type) {
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, sum[:], signature) {
			return "signaturen är ogiltig"
		}
	case *rsa.PublicKey:
		if rsa.VerifyPKCS1v15(pub, cryptoSHA256, sum[:], signature) != nil {
			return "signaturen är ogiltig"
		}
	default:
		return "okänd nyckeltyp i certifikatet"
	}
	return ""
}

// checkChain checks signer's chain to roots at the time at, through the
// other certificates of the signature, for usage.
func checkChain(signer *x509.Certificate, certs []*x509.Certificate, roots *x509.CertPool, at time.Time, usage x509.ExtKeyUsage) string {
	inter := x509.NewCertPool()
	for _, c := range certs {
		if c != signer {
			inter.AddCert(c)
		}
	}
	if _, err := signer.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
		return fmt.Sprintf("certifikatet är inte betrott: %v", err)
	}
	return ""
}
