package sign

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
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

// SignPDF appends a PAdES B-B signature to pdf as an incremental update and
// returns the signed file. The original bytes are kept unchanged in front.
// The file is read with the parsing reader, so only its real structure is
// copied into the new revision; everything written is inert (hex strings).
func (s *Seal) SignPDF(pdf []byte, o Options) ([]byte, error) {
	// The seal must be valid now, whatever time the caller writes in /M.
	if err := s.Check(time.Now()); err != nil {
		return nil, err
	}
	doc, err := pdfupdate.Parse(pdf)
	if err != nil {
		return nil, err
	}
	root, err := doc.Catalog()
	if err != nil {
		return nil, err
	}
	if _, ok := root["AcroForm"]; ok {
		return nil, errors.New("sign: the document already has a form or signature")
	}
	pageRef, page, err := firstPage(doc, root)
	if err != nil {
		return nil, err
	}
	if _, ok := page["Annots"]; ok {
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
	for _, e := range []struct {
		key   string
		value pdfupdate.Object
	}{{"M", pdfupdate.Date(o.At)}, {"Name", pdfupdate.TextString(o.Name)}, {"Reason", pdfupdate.TextString(o.Reason)},
		{"Location", pdfupdate.TextString(o.Location)}} {
		u.Write([]byte("\n/" + e.key + " "))
		u.WriteObject(e.value)
	}
	u.Write([]byte(">>"))
	u.End()
	// An invisible signature field: zero-size, printable and locked, as
	// PDF/A accepts it without an appearance.
	u.Object(widgetObj, pdfupdate.Dict{"Type": pdfupdate.Name("Annot"), "Subtype": pdfupdate.Name("Widget"),
		"FT": pdfupdate.Name("Sig"), "Rect": pdfupdate.Array{int64(0), int64(0), int64(0), int64(0)}, "F": int64(132),
		"T": pdfupdate.TextString("Försegling"), "V": sigObj, "P": pageRef})
	root = root.Clone()
	root["AcroForm"] = pdfupdate.Dict{"Fields": pdfupdate.Array{widgetObj}, "SigFlags": int64(3)}
	u.Object(doc.Root, root)
	page = page.Clone()
	page["Annots"] = pdfupdate.Array{widgetObj}
	u.Object(pageRef, page)
	signed, err := u.Finish()
	if err != nil {
		return nil, err
	}

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

// firstPage finds the document's first page through its page tree.
func firstPage(doc *pdfupdate.Doc, root pdfupdate.Dict) (pdfupdate.Ref, pdfupdate.Dict, error) {
	node := root["Pages"]
	for range 32 {
		ref, ok := node.(pdfupdate.Ref)
		if !ok {
			return pdfupdate.Ref{}, nil, errors.New("sign: the page tree is not made of indirect objects")
		}
		d, err := doc.Dict(ref)
		if err != nil {
			return pdfupdate.Ref{}, nil, err
		}
		if t, _ := d.Name("Type"); t == "Page" {
			return ref, d, nil
		}
		kids, err := doc.Resolve(d["Kids"])
		if err != nil {
			return pdfupdate.Ref{}, nil, err
		}
		a, ok := kids.(pdfupdate.Array)
		if !ok || len(a) == 0 {
			return pdfupdate.Ref{}, nil, errors.New("sign: no first page")
		}
		node = a[0]
	}
	return pdfupdate.Ref{}, nil, errors.New("sign: the page tree is too deep")
}
