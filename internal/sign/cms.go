// Package sign seals PDFs as PAdES baseline B-B: an incremental update adds
// a signature whose /Contents is a detached CMS SignedData (RFC 5652) over
// the whole file but the /Contents itself, with the signed attributes
// contentType, messageDigest and signingCertificateV2 and no signingTime
// (the time is the signature dictionary's /M). It also verifies such
// signatures against trust anchors.
package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

var (
	oidData                = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidSigningCertV2       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidTimeStampToken      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidTSTInfo             = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidSHA256              = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidECDSAWithSHA256     = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidSHA256WithRSA       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	sha256AlgorithmID      = pkix.AlgorithmIdentifier{Algorithm: oidSHA256}
	errUnsupportedKey      = errors.New("sign: the key must be ECDSA or RSA")
	errCertificateMismatch = errors.New("sign: the key does not match the certificate")
)

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"optional"` // [0] EXPLICIT OCTET STRING, as raw DER
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type signerInfo struct {
	Version            int
	SID                issuerAndSerial
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type signedData struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values []asn1.RawValue `asn1:"set"`
}

// essCertIDv2 omits hashAlgorithm: SHA-256 is its default (RFC 5035).
type essCertIDv2 struct {
	CertHash     []byte
	IssuerSerial issuerSerial
}

type issuerSerial struct {
	Issuer generalNames
	Serial *big.Int
}

type generalNames struct {
	Name asn1.RawValue `asn1:"tag:4,explicit"`
}

type signingCertificateV2 struct {
	Certs []essCertIDv2
}

// Seal is an organisation's signing key with its certificate chain (the
// signer's certificate first).
type Seal struct {
	Key   crypto.Signer
	Chain []*x509.Certificate
}

// Check reports a seal that cannot make a valid signature at the time: a
// key that does not match, a certificate outside its validity.
func (s *Seal) Check(at interface{ Unix() int64 }) error {
	if s == nil || s.Key == nil || len(s.Chain) == 0 {
		return errors.New("sign: no seal configured")
	}
	cert := s.Chain[0]
	switch pub := cert.PublicKey.(type) {
	case *ecdsa.PublicKey:
		k, ok := s.Key.Public().(*ecdsa.PublicKey)
		if !ok || !pub.Equal(k) {
			return errCertificateMismatch
		}
	case *rsa.PublicKey:
		k, ok := s.Key.Public().(*rsa.PublicKey)
		if !ok || !pub.Equal(k) {
			return errCertificateMismatch
		}
	default:
		return errUnsupportedKey
	}
	now := at.Unix()
	if now < cert.NotBefore.Unix() {
		return fmt.Errorf("sign: the seal certificate %q is not valid until %s", cert.Subject.CommonName, cert.NotBefore.Format("2006-01-02"))
	}
	if now > cert.NotAfter.Unix() {
		return fmt.Errorf("sign: the seal certificate %q expired %s", cert.Subject.CommonName, cert.NotAfter.Format("2006-01-02"))
	}
	return nil
}

// signCMS returns a detached CMS SignedData over a content whose SHA-256 is
// digest, time-stamped when tsa is given (PAdES B-T).
func (s *Seal) signCMS(digest []byte, tsa *TSA) ([]byte, error) {
	return s.signedData(oidData, digest, nil, tsa)
}

// signedData signs content of type contentType (encapsulated when content is
// not nil) with the signed attributes contentType, messageDigest and
// signingCertificateV2, and, with a TSA, a signature timestamp as an
// unsigned attribute.
func (s *Seal) signedData(contentType asn1.ObjectIdentifier, digest, content []byte, tsa *TSA) ([]byte, error) {
	cert := s.Chain[0]
	certHash := sha256.Sum256(cert.Raw)
	sigCert, err := asn1.Marshal(signingCertificateV2{Certs: []essCertIDv2{{
		CertHash:     certHash[:],
		IssuerSerial: issuerSerial{Issuer: generalNames{Name: asn1.RawValue{FullBytes: cert.RawIssuer}}, Serial: cert.SerialNumber},
	}}})
	if err != nil {
		return nil, err
	}
	ct, _ := asn1.Marshal(contentType)
	md, _ := asn1.Marshal(digest)
	signedAttrs, err := marshalSet([]attribute{
		{Type: oidContentType, Values: []asn1.RawValue{{FullBytes: ct}}},
		{Type: oidMessageDigest, Values: []asn1.RawValue{{FullBytes: md}}},
		{Type: oidSigningCertV2, Values: []asn1.RawValue{{FullBytes: sigCert}}},
	})
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(signedAttrs)
	var sigAlg pkix.AlgorithmIdentifier
	switch s.Key.Public().(type) {
	case *ecdsa.PublicKey:
		sigAlg = pkix.AlgorithmIdentifier{Algorithm: oidECDSAWithSHA256}
	case *rsa.PublicKey:
		sigAlg = pkix.AlgorithmIdentifier{Algorithm: oidSHA256WithRSA, Parameters: asn1.NullRawValue}
	default:
		return nil, errUnsupportedKey
	}
	signature, err := s.Key.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	si := signerInfo{
		Version:         1,
		SID:             issuerAndSerial{Issuer: asn1.RawValue{FullBytes: cert.RawIssuer}, Serial: cert.SerialNumber},
		DigestAlgorithm: sha256AlgorithmID,
		// In SignerInfo the attributes are [0] IMPLICIT: same content, other tag.
		SignedAttrs:        asn1.RawValue{FullBytes: append([]byte{0xa0}, signedAttrs[1:]...)},
		SignatureAlgorithm: sigAlg,
		Signature:          signature,
	}
	if tsa != nil {
		token, err := tsa.Stamp(signature)
		if err != nil {
			return nil, err
		}
		unsigned, err := marshalSet([]attribute{{Type: oidTimeStampToken, Values: []asn1.RawValue{{FullBytes: token}}}})
		if err != nil {
			return nil, err
		}
		si.UnsignedAttrs = asn1.RawValue{FullBytes: append([]byte{0xa1}, unsigned[1:]...)}
	}
	var certs []byte
	for _, c := range s.Chain {
		certs = append(certs, c.Raw...)
	}
	certSet, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: certs})
	if err != nil {
		return nil, err
	}
	encap := encapContentInfo{EContentType: contentType}
	if content != nil {
		octets, _ := asn1.Marshal(content)
		encap.EContent = asn1.RawValue{FullBytes: explicit0(octets)}
	}
	sd := signedData{
		Version:          3 - 2*boolInt(contentType.Equal(oidData)), // 1 for data, 3 otherwise (RFC 5652 5.1)
		DigestAlgorithms: []pkix.AlgorithmIdentifier{sha256AlgorithmID},
		EncapContentInfo: encap,
		Certificates:     asn1.RawValue{FullBytes: certSet},
		SignerInfos:      []signerInfo{si},
	}
	inner, err := asn1.Marshal(sd)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(contentInfo{ContentType: oidSignedData, Content: asn1.RawValue{FullBytes: explicit0(inner)}})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// explicit0 wraps DER in a [0] EXPLICIT tag.
func explicit0(inner []byte) []byte {
	b, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner})
	return b
}

// marshalSet encodes attributes as a DER SET OF: elements sorted by their
// encoding (X.690 11.6).
func marshalSet(attrs []attribute) ([]byte, error) {
	var enc [][]byte
	for _, a := range attrs {
		b, err := asn1.Marshal(a)
		if err != nil {
			return nil, err
		}
		enc = append(enc, b)
	}
	sortDER(enc)
	var body []byte
	for _, b := range enc {
		body = append(body, b...)
	}
	return asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: body})
}

func sortDER(enc [][]byte) {
	for i := 1; i < len(enc); i++ {
		for j := i; j > 0 && string(enc[j]) < string(enc[j-1]); j-- {
			enc[j], enc[j-1] = enc[j-1], enc[j]
		}
	}
}

const cryptoSHA256 = crypto.SHA256
