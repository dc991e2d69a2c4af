package sign

import (
	"bytes"
	"context"
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
	// SignedLength is the length of the revision this signature covers
	// (the end of its byte range): the file as it was when signed, when
	// more was appended since. Zero when the byte range is unreadable.
	SignedLength int
	// RevisionValid: integrity, signature and chain hold for the revision
	// signed (the first SignedLength bytes), whatever was added after it.
	RevisionValid bool
}

// Bounds of one verification: a hostile file costs at most this, and the
// caller's context can end it sooner.
const (
	// VerifyTimeout bounds one call of Verify or VerifyAt.
	VerifyTimeout = 5 * time.Second
	// maxFields bounds the form fields looked at, maxSignatures the
	// signatures checked (each hashes up to the whole file).
	maxFields     = 10_000
	maxSignatures = 8
)

// verifyLimits are the reader's, with less work: finding the signatures
// reads the catalog, the form and its fields, not the whole file.
var verifyLimits = func() pdfupdate.Limits {
	l := pdfupdate.DefaultLimits
	l.MaxWork = 2_000_000
	return l
}()

// Verify checks every signature in pdf as of now: see VerifyAt.
func Verify(ctx context.Context, pdf []byte, roots *x509.CertPool) ([]Result, error) {
	return VerifyAt(ctx, pdf, roots, time.Now())
}

// VerifyAt checks every signature field of pdf: that the signed bytes are
// intact, that the CMS signature over them holds, and that the signer's
// certificate chains to one of roots at the time at. The signature's own /M
// is the signer's word and is not trusted for that; only a valid timestamp
// moves the time to when it proves the signature existed. at is now for a
// file, or when a stored document was stored. It stops when ctx is done,
// after VerifyTimeout, or when the file is over the reader's budgets.
func VerifyAt(ctx context.Context, pdf []byte, roots *x509.CertPool, at time.Time) ([]Result, error) {
	ctx, cancel := context.WithTimeout(ctx, VerifyTimeout)
	defer cancel()
	// Signatures are found through the document's structure (catalog,
	// form fields, their values), never by searching the bytes, where any
	// text (a title in the metadata) could look like a signature.
	doc, err := pdfupdate.Open(ctx, pdf, verifyLimits)
	if err != nil {
		return nil, err
	}
	sigs, err := signatures(doc)
	if err != nil {
		return nil, err
	}
	var results []Result
	for _, sig := range sigs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("verifieringen avbröts: %w", err)
		}
		results = append(results, verifyDict(ctx, pdf, sig, roots, at))
	}
	return results, nil
}

// signatures finds the values of the signature fields in the catalog's
// form: its /Fields and their /Kids, each field once.
func signatures(doc *pdfupdate.Doc) ([]pdfupdate.Dict, error) {
	noSig := errors.New("dokumentet har ingen signatur")
	root, err := doc.Catalog()
	if err != nil {
		return nil, err
	}
	if root["AcroForm"] == nil {
		return nil, noSig
	}
	form, err := doc.Dict(root["AcroForm"])
	if err != nil {
		return nil, err
	}
	fields, err := doc.Resolve(form["Fields"])
	if err != nil {
		return nil, err
	}
	queue, _ := fields.(pdfupdate.Array)
	seen := map[pdfupdate.Ref]bool{}
	var sigs []pdfupdate.Dict
	for queued := len(queue); len(queue) > 0; {
		if queued > maxFields {
			return nil, fmt.Errorf("formuläret har fler än %d fält", maxFields)
		}
		item := queue[0]
		queue = queue[1:]
		if r, ok := item.(pdfupdate.Ref); ok {
			if seen[r] {
				continue
			}
			seen[r] = true
		}
		field, err := doc.Resolve(item)
		if err != nil {
			return nil, err
		}
		f, ok := field.(pdfupdate.Dict)
		if !ok {
			continue // a reference to nothing is null
		}
		kids, err := doc.Resolve(f["Kids"])
		if err != nil {
			return nil, err
		}
		if k, ok := kids.(pdfupdate.Array); ok {
			queued += len(k)
			queue = append(queue, k...)
		}
		if ft, _ := f.Name("FT"); ft != "Sig" || f["V"] == nil {
			continue
		}
		if len(sigs) == maxSignatures {
			return nil, fmt.Errorf("dokumentet har fler än %d signaturer", maxSignatures)
		}
		v, err := doc.Resolve(f["V"])
		if err != nil {
			return nil, err
		}
		sig, ok := v.(pdfupdate.Dict)
		if !ok {
			sig = pdfupdate.Dict{} // reported as unreadable
		}
		sigs = append(sigs, sig)
	}
	if len(sigs) == 0 {
		return nil, noSig
	}
	return sigs, nil
}

// byteRange reads /ByteRange [0 a b c]: every part non-negative and
// inside the file, checked without any sum that could overflow.
func byteRange(sig pdfupdate.Dict, size int) ([4]int, bool) {
	var br [4]int
	a, ok := sig["ByteRange"].(pdfupdate.Array)
	if !ok || len(a) != 4 {
		return br, false
	}
	for i, v := range a {
		n, ok := v.(int64)
		if !ok || n < 0 || n > int64(size) {
			return br, false
		}
		br[i] = int(n)
	}
	// 0 <= b1 < b2 <= size and b3 <= size-b2: the parts lie in order
	// inside the file, the gap between them not empty.
	if br[0] != 0 || br[1] == 0 || br[2] <= br[1] || br[3] > size-br[2] {
		return br, false
	}
	return br, true
}

// verifyDict checks one signature dictionary.
func verifyDict(ctx context.Context, pdf []byte, sig pdfupdate.Dict, roots *x509.CertPool, at time.Time) Result {
	r := Result{}
	if m, ok := sig["M"].(pdfupdate.String); ok {
		r.SignedAt = parsePDFDate(string(m))
	}
	if len(sig) == 0 {
		r.Problem = "signaturvärdet går inte att läsa"
		return r
	}
	if sig["ByteRange"] == nil {
		r.Problem = "signaturen saknar byteintervall"
		return r
	}
	if sf, _ := sig.Name("SubFilter"); sf != "ETSI.CAdES.detached" {
		r.Problem = "signaturen är inte av typen ETSI.CAdES.detached"
		return r
	}
	br, ok := byteRange(sig, len(pdf))
	if !ok {
		r.Problem = "signaturens byteintervall är ogiltigt"
		return r
	}
	contents, _ := sig["Contents"].(pdfupdate.String)
	return verifyOne(ctx, pdf, br, contents, r, roots, at)
}

func verifyOne(ctx context.Context, pdf []byte, br [4]int, contents []byte, r Result, roots *x509.CertPool, now time.Time) Result {
	bad := func(format string, args ...any) Result {
		r.Valid, r.Problem = false, fmt.Sprintf(format, args...)
		return r
	}
	r.WholeFile = br[2]+br[3] == len(pdf)
	r.SignedLength = br[2] + br[3]
	gap := pdf[br[1]:br[2]]
	if len(gap) < 2 || gap[0] != '<' || gap[len(gap)-1] != '>' {
		return bad("signaturens byteintervall täcker inte bara signaturvärdet")
	}
	raw := make([]byte, hex.DecodedLen(len(gap)-2))
	if _, err := hex.Decode(raw, gap[1:len(gap)-1]); err != nil {
		return bad("signaturvärdet är inte hex")
	}
	if !bytes.Equal(raw, contents) {
		return bad("signaturvärdet ligger inte där byteintervallet säger")
	}
	var ci contentInfo
	if _, err := asn1.Unmarshal(raw, &ci); err != nil || !ci.ContentType.Equal(oidSignedData) {
		return bad("signaturvärdet är inte en CMS SignedData")
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil || len(sd.SignerInfos) != 1 {
		return bad("signaturvärdet går inte att läsa")
	}
	// Hashed only once the value reads as a CMS: junk costs nothing.
	digest, err := hashRanges(ctx, pdf[:br[1]], pdf[br[2]:br[2]+br[3]])
	if err != nil {
		return bad("verifieringen avbröts")
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
	r.RevisionValid = true
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

// reM is a PDF date as a signature's /M holds it.
var reM = regexp.MustCompile(`^D:(\d{14})([+\-Z])(\d{2})?'?(\d{2})?'?$`)

func parsePDFDate(s string) time.Time {
	m := reM.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}
	}
	t, err := time.Parse("20060102150405", m[1])
	if err != nil {
		return time.Time{}
	}
	if m[2] == "Z" || m[3] == "" {
		return t
	}
	h, _ := strconv.Atoi(m[3])
	mi, _ := strconv.Atoi(m[4])
	off := h*3600 + mi*60
	if m[2] == "-" {
		off = -off
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.FixedZone("", off))
}

// hashRanges is the SHA-256 of the signed parts, read in chunks so that a
// cancelled context stops it.
func hashRanges(ctx context.Context, parts ...[]byte) ([]byte, error) {
	h := sha256.New()
	for _, p := range parts {
		for len(p) > 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			n := min(len(p), 1<<20)
			h.Write(p[:n])
			p = p[n:]
		}
	}
	return h.Sum(nil), nil
}
