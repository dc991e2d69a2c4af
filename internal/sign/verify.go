package sign

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/remiss/remiss/internal/pdfupdate"
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

// Verify checks every signature in pdf as of now: see VerifyAt.
func Verify(pdf []byte, roots *x509.CertPool) ([]Result, error) {
	return VerifyAt(pdf, roots, time.Now())
}

var (
	reFields = regexp.MustCompile(`/Fields\s*\[([^\]]*)\]`)
	reRefs   = regexp.MustCompile(`(\d+)\s+0\s+R`)
)

// VerifyAt checks every signature field of pdf: that the signed bytes are
// intact, that the CMS signature over them holds, and that the signer's
// certificate chains to one of roots at the time at. The signature's own /M
// is the signer's word and is not trusted for that; only a valid timestamp
// moves the time to when it proves the signature existed. at is now for a
// file, or when a stored document was stored.
func VerifyAt(pdf []byte, roots *x509.CertPool, at time.Time) ([]Result, error) {
	// Signatures are found through the document's structure (catalog,
	// form fields, their values), never by searching the bytes, where any
	// text (a title in the metadata) could look like a signature.
	doc, err := pdfupdate.Parse(pdf)
	if err != nil {
		return nil, errors.New("filen är inte en PDF som går att läsa")
	}
	root, err := doc.Dict(doc.Root)
	if err != nil {
		return nil, errors.New("dokumentets katalog går inte att läsa")
	}
	form, err := acroForm(doc, root)
	if err != nil {
		return nil, err
	}
	m := reFields.FindSubmatch(form)
	if m == nil {
		return nil, errors.New("dokumentet har ingen signatur")
	}
	var results []Result
	for _, ref := range reRefs.FindAllSubmatch(m[1], -1) {
		n, _ := strconv.Atoi(string(ref[1]))
		field, err := doc.Dict(n)
		if err != nil || !bytes.Contains(field, []byte("/FT /Sig")) {
			continue
		}
		v, err := pdfupdate.Ref(field, "V")
		if err != nil {
			continue
		}
		sig, err := doc.Dict(v)
		if err != nil {
			results = append(results, Result{Problem: "signaturvärdet går inte att läsa"})
			continue
		}
		brm := reByteRange.FindSubmatch(sig)
		if brm == nil {
			results = append(results, Result{Problem: "signaturen saknar byteintervall"})
			continue
		}
		var br [4]int
		for i := range br {
			br[i], _ = strconv.Atoi(string(brm[1+i]))
		}
		results = append(results, verifyOne(pdf, br, sig, roots, at))
	}
	if len(results) == 0 {
		return nil, errors.New("dokumentet har ingen signatur")
	}
	return results, nil
}

// acroForm returns the catalog's form dictionary, inline or referenced.
func acroForm(doc *pdfupdate.Doc, root []byte) ([]byte, error) {
	at := bytes.Index(root, []byte("/AcroForm"))
	if at < 0 {
		return nil, errors.New("dokumentet har ingen signatur")
	}
	rest := bytes.TrimSpace(root[at+len("/AcroForm"):])
	if bytes.HasPrefix(rest, []byte("<<")) {
		depth := 0
		for i := 0; i+1 < len(rest); i++ {
			switch {
			case rest[i] == '<' && rest[i+1] == '<':
				depth++
				i++
			case rest[i] == '>' && rest[i+1] == '>':
				depth--
				i++
				if depth == 0 {
					return rest[:i+1], nil
				}
			}
		}
		return nil, errors.New("formulärordlistan går inte att läsa")
	}
	n, err := pdfupdate.Ref(root, "AcroForm")
	if err != nil {
		return nil, errors.New("formulärordlistan går inte att läsa")
	}
	return doc.Dict(n)
}

func verifyOne(pdf []byte, br [4]int, dict []byte, roots *x509.CertPool, now time.Time) Result {
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
	at := now
	si := sd.SignerInfos[0]
	// A timestamp (B-T) proves the time; the chain is then judged at it.
	if len(si.UnsignedAttrs.Bytes) > 0 {
		ts, problem := verifyTimestamp(si, roots, now)
		if problem != "" {
			return bad("tidsstämpeln: %s", problem)
		}
		if !ts.IsZero() {
			r.Timestamped, at = ts, ts
		}
	}
	signer, problem := verifySignerInfo(sd, digest, roots, at, x509.ExtKeyUsageAny)
	if problem == "" && !sealCertificate(signer) {
		problem = "certifikatet är inte avsett för underskrifter"
	}
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

// verifyTimestamp checks the signature timestamp token of si: a TSA's
// signature over a TSTInfo whose imprint is the SHA-256 of si's signature.
func verifyTimestamp(si signerInfo, roots *x509.CertPool, now time.Time) (time.Time, string) {
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
		// The TSA's certificate is judged now, not at the time it claims,
		// and must be for time stamping and nothing else (RFC 3161 2.3).
		tsa, problem := verifySignerInfo(sd, content[:], roots, now, x509.ExtKeyUsageTimeStamping)
		if problem != "" {
			return time.Time{}, problem
		}
		if len(tsa.ExtKeyUsage) != 1 || tsa.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping || len(tsa.UnknownExtKeyUsage) > 0 {
			return time.Time{}, "tidsstämpelns certifikat är inte ett certifikat för tidsstämpling"
		}
		if info.GenTime.After(now) {
			return time.Time{}, "tidsstämpeln ligger i framtiden"
		}
		return info.GenTime, ""
	}
	return time.Time{}, ""
}

// sealCertificate reports whether a certificate may seal documents: it is
// for digital signatures or non-repudiation, and not only for time stamping.
func sealCertificate(c *x509.Certificate) bool {
	if c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return false
	}
	return !(len(c.ExtKeyUsage) == 1 && c.ExtKeyUsage[0] == x509.ExtKeyUsageTimeStamping)
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
