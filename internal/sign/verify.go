package sign

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Result is what a registrator needs to know about one signature.
type Result struct {
	Valid    bool      // integrity, signature and chain all hold
	Problem  string    // why not, in Swedish, when !Valid
	Signer   string    // the certificate's subject common name
	Org      string    // the certificate's organisation
	Issuer   string    // the issuing CA
	SignedAt time.Time // the signature dictionary's /M
	// Timestamped is the TSA's time for a B-T signature, else zero.
	Timestamped time.Time
	// WholeFile is false when bytes were appended after this signature.
	WholeFile bool
}

var (
	reByteRange = regexp.MustCompile(`/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]`)
	reSubFilter = regexp.MustCompile(`/SubFilter\s*/([A-Za-z0-9.]+)`)
	reM         = regexp.MustCompile(`/M\s*\(D:(\d{14})([+\-Z])(\d{2})?'?(\d{2})?'?\)`)
)

// Verify checks every signature in pdf: that the signed bytes are intact,
// that the CMS signature over them holds, and that the signer's certificate
// chains to one of roots at the signing time.
func Verify(pdf []byte, roots *x509.CertPool) ([]Result, error) {
	var results []Result
	for _, loc := range reByteRange.FindAllSubmatchIndex(pdf, -1) {
		var br [4]int
		for i := range br {
			br[i], _ = strconv.Atoi(string(pdf[loc[2+2*i]:loc[3+2*i]]))
		}
		results = append(results, verifyOne(pdf, br, dictAround(pdf, loc[0]), roots))
	}
	if len(results) == 0 {
		return nil, errors.New("dokumentet har ingen signatur")
	}
	return results, nil
}

// dictAround returns the text of the signature dictionary holding offset at.
func dictAround(pdf []byte, at int) []byte {
	start := bytes.LastIndex(pdf[:at], []byte(" obj"))
	end := bytes.Index(pdf[at:], []byte("endobj"))
	if start < 0 || end < 0 {
		return nil
	}
	return pdf[start : at+end]
}

func verifyOne(pdf []byte, br [4]int, dict []byte, roots *x509.CertPool) Result {
	r := Result{}
	bad := func(format string, args ...any) Result {
		r.Valid, r.Problem = false, fmt.Sprintf(format, args...)
		return r
	}
	if m := reM.FindSubmatch(dict); m != nil {
		r.SignedAt = parsePDFDate(m)
	}
	if m := reSubFilter.FindSubmatch(dict); m == nil || string(m[1]) != "ETSI.CAdES.detached" {
		return bad("signaturen är inte av typen ETSI.CAdES.detached")
	}
	if br[0] != 0 || br[1] <= 0 || br[2] <= br[1] || br[2]+br[3] > len(pdf) || br[1] >= len(pdf) {
		return bad("signaturens byteintervall är ogiltigt")
	}
	r.WholeFile = br[2]+br[3] == len(pdf)
	gap := pdf[br[1]:br[2]]
	if len(gap) < 2 || gap[0] != '<' || gap[len(gap)-1] != '>' {
		return bad("signaturens byteintervall täcker inte bara signaturvärdet")
	}
	raw := make([]byte, hex.DecodedLen(len(gap)-2))
	if _, err := hex.Decode(raw, gap[1:len(gap)-1]); err != nil {
		return bad("signaturvärdet är inte hex")
	}
	h := sha256.New()
	h.Write(pdf[:br[1]])
	h.Write(pdf[br[2] : br[2]+br[3]])
	digest := h.Sum(nil)

	var ci contentInfo
	if _, err := asn1.Unmarshal(raw, &ci); err != nil || !ci.ContentType.Equal(oidSignedData) {
		return bad("signaturvärdet är inte en CMS SignedData")
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil || len(sd.SignerInfos) != 1 {
		return bad("signaturvärdet går inte att läsa")
	}
	at := r.SignedAt
	if at.IsZero() {
		at = time.Now()
	}
	si := sd.SignerInfos[0]
	// A timestamp (B-T) proves the time; the chain is then judged at it.
	if len(si.UnsignedAttrs.Bytes) > 0 {
		ts, problem := verifyTimestamp(si, roots)
		if problem != "" {
			return bad("tidsstämpeln: %s", problem)
		}
		if !ts.IsZero() {
			r.Timestamped, at = ts, ts
		}
	}
	signer, problem := verifySignerInfo(sd, digest, roots, at, x509.ExtKeyUsageAny)
	if signer != nil {
		r.Signer, r.Issuer = signer.Subject.CommonName, signer.Issuer.CommonName
		if len(signer.Subject.Organization) > 0 {
			r.Org = signer.Subject.Organization[0]
		}
	}
	if problem != "" {
		return bad("%s", problem)
	}
	if !r.WholeFile {
		return bad("dokumentet har fått tillägg efter signeringen")
	}
	r.Valid = true
	return r
}

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
	var signer *x509.Certificate
	for _, c := range certs {
		if c.SerialNumber.Cmp(si.SID.Serial) == 0 && bytes.Equal(c.RawIssuer, si.SID.Issuer.FullBytes) {
			signer = c
		}
	}
	if signer == nil {
		return nil, "signerarens certifikat saknas"
	}
	if len(si.SignedAttrs.FullBytes) == 0 {
		return signer, "signaturen saknar signerade attribut"
	}
	attrsDER := append([]byte{0x31}, si.SignedAttrs.FullBytes[1:]...)
	var attrs []attribute
	if _, err := asn1.UnmarshalWithParams(attrsDER, &attrs, "set"); err != nil {
		return signer, "de signerade attributen går inte att läsa"
	}
	var md []byte
	var hasSigningCert bool
	for _, a := range attrs {
		switch {
		case a.Type.Equal(oidMessageDigest) && len(a.Values) == 1:
			asn1.Unmarshal(a.Values[0].FullBytes, &md)
		case a.Type.Equal(oidSigningCertV2):
			hasSigningCert = true
		case a.Type.Equal(oidSigningTime) && usage != x509.ExtKeyUsageTimeStamping:
			return signer, "signaturen har signingTime, vilket PAdES inte tillåter"
		}
	}
	if !hasSigningCert && usage != x509.ExtKeyUsageTimeStamping {
		return signer, "signaturen saknar signingCertificateV2"
	}
	if !bytes.Equal(md, digest) {
		return signer, "dokumentet har ändrats efter signeringen (kontrollsumman stämmer inte)"
	}
	sum := sha256.Sum256(attrsDER)
	switch pub := signer.PublicKey.(type) {
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, sum[:], si.Signature) {
			return signer, "signaturen är ogiltig"
		}
	case *rsa.PublicKey:
		if rsa.VerifyPKCS1v15(pub, cryptoSHA256, sum[:], si.Signature) != nil {
			return signer, "signaturen är ogiltig"
		}
	default:
		return signer, "okänd nyckeltyp i certifikatet"
	}
	inter := x509.NewCertPool()
	for _, c := range certs {
		if c != signer {
			inter.AddCert(c)
		}
	}
	if _, err := signer.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
		return signer, fmt.Sprintf("certifikatet är inte betrott: %v", err)
	}
	return signer, ""
}

// verifyTimestamp checks the signature timestamp token of si: a TSA's
// signature over a TSTInfo whose imprint is the SHA-256 of si's signature.
func verifyTimestamp(si signerInfo, roots *x509.CertPool) (time.Time, string) {
	unsigned := append([]byte{0x31}, si.UnsignedAttrs.FullBytes[1:]...)
	var attrs []attribute
	if _, err := asn1.UnmarshalWithParams(unsigned, &attrs, "set"); err != nil {
		return time.Time{}, "de osignerade attributen går inte att läsa"
	}
	for _, a := range attrs {
		if !a.Type.Equal(oidTimeStampToken) || len(a.Values) != 1 {
			continue
		}
		token := a.Values[0].FullBytes
		info, err := tokenInfo(token)
		if err != nil {
			return time.Time{}, "tidsstämpeln går inte att läsa"
		}
		sum := sha256.Sum256(si.Signature)
		if !bytes.Equal(info.MessageImprint.HashedMessage, sum[:]) {
			return time.Time{}, "tidsstämpeln gäller inte den här signaturen"
		}
		var ci contentInfo
		asn1.Unmarshal(token, &ci)
		var sd signedData
		asn1.Unmarshal(ci.Content.Bytes, &sd)
		var octets []byte
		asn1.Unmarshal(sd.EncapContentInfo.EContent.Bytes, &octets)
		content := sha256.Sum256(octets)
		if _, problem := verifySignerInfo(sd, content[:], roots, info.GenTime, x509.ExtKeyUsageTimeStamping); problem != "" {
			return time.Time{}, problem
		}
		return info.GenTime, ""
	}
	return time.Time{}, ""
}

func parsePDFDate(m [][]byte) time.Time {
	t, err := time.Parse("20060102150405", string(m[1]))
	if err != nil {
		return time.Time{}
	}
	if string(m[2]) == "Z" || len(m[3]) == 0 {
		return t
	}
	h, _ := strconv.Atoi(string(m[3]))
	mi, _ := strconv.Atoi(string(m[4]))
	off := h*3600 + mi*60
	if string(m[2]) == "-" {
		off = -off
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.FixedZone("", off))
}
