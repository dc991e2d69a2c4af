package sign

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/remiss/remiss/internal/pdfupdate"
)

// Options describe a signature.
type Options struct {
	At       time.Time // the signing time, written as /M
	Name     string    // the signer as shown, e.g. the organisation
	Reason   string    // e.g. "Tjänsteutlåtande, Dnr KS 2016/171-908"
	Location string
	// TSA, when set, time-stamps the signature (PAdES B-T).
	TSA *TSA
}

// contentsSize is the room reserved for the CMS: enough for an RSA-4096
// chain of three certificates and a timestamp token.
const contentsSize = 16384

const byteRangePlaceholder = "[0 0000000000 0000000000 0000000000]"

var reKids = regexp.MustCompile(`/Kids\s*\[\s*(\d+)\s+0\s+R`)

// SignPDF appends a PAdES B-B signature to pdf as an incremental update and
// returns the signed file. The original bytes are kept unchanged in front.
func (s *Seal) SignPDF(pdf []byte, o Options) ([]byte, error) {
	// The seal must be valid now, whatever time the caller writes in /M.
	if err := s.Check(time.Now()); err != nil {
		return nil, err
	}
	doc, err := pdfupdate.Parse(pdf)
	if err != nil {
		return nil, err
	}
	rootDict, err := doc.Dict(doc.Root)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(rootDict, []byte("/AcroForm")) {
		return nil, errors.New("sign: the document already has a form or signature")
	}
	pages, err := pdfupdate.Ref(rootDict, "Pages")
	if err != nil {
		return nil, err
	}
	pagesDict, err := doc.Dict(pages)
	if err != nil {
		return nil, err
	}
	kid := reKids.FindSubmatch(pagesDict)
	if kid == nil {
		return nil, errors.New("sign: no first page")
	}
	page, _ := strconv.Atoi(string(kid[1]))
	pageDict, err := doc.Dict(page)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(pageDict, []byte("/Annots")) {
		return nil, errors.New("sign: the first page already has annotations")
	}

	u := doc.Update()
	sigObj, widgetObj := u.New(), u.New()
	u.Begin(sigObj)
	u.Write([]byte("<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n/ByteRange "))
	byteRangeAt := u.Offset()
	u.Write([]byte(byteRangePlaceholder + "\n/Contents "))
	contentsAt := u.Offset()
	u.Write([]byte("<" + string(bytes.Repeat([]byte("0"), 2*contentsSize)) + ">"))
	u.Write([]byte(fmt.Sprintf("\n/M %s /Name %s /Reason %s /Location %s>>",
		pdfupdate.Date(o.At), pdfupdate.Text(o.Name), pdfupdate.Text(o.Reason), pdfupdate.Text(o.Location))))
	u.End()
	// An invisible signature field: zero-size, printable and locked, as
	// PDF/A accepts it without an appearance.
	u.Object(widgetObj, []byte(fmt.Sprintf("<</Type /Annot /Subtype /Widget /FT /Sig /Rect [0 0 0 0] /F 132 /T %s /V %d 0 R /P %d 0 R>>",
		pdfupdate.Text("Försegling"), sigObj, page)))
	u.Object(doc.Root, pdfupdate.InsertBeforeEnd(rootDict, fmt.Sprintf("/AcroForm <</Fields [%d 0 R] /SigFlags 3>>", widgetObj)))
	u.Object(page, pdfupdate.InsertBeforeEnd(pageDict, fmt.Sprintf("/Annots [%d 0 R]", widgetObj)))
	signed := u.Finish()

	contentsEnd := contentsAt + 2*contentsSize + 2
	br := fmt.Sprintf("[0 %d %d %d]", contentsAt, contentsEnd, len(signed)-contentsEnd)
	if len(br) > len(byteRangePlaceholder) {
		return nil, errors.New("sign: file too large for the byte range")
	}
	copy(signed[byteRangeAt:], br+string(bytes.Repeat([]byte(" "), len(byteRangePlaceholder)-len(br))))
	h := sha256.New()
	h.Write(signed[:contentsAt])
	h.Write(signed[contentsEnd:])
	cms, err := s.signCMS(h.Sum(nil), o.TSA)
	if err != nil {
		return nil, err
	}
	if len(cms) > contentsSize {
		return nil, fmt.Errorf("sign: signature of %d bytes does not fit", len(cms))
	}
	hex.Encode(signed[contentsAt+1:], cms)
	return signed, nil
}
