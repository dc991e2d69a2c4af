package sign

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
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

// contentsPlaceholder is /Contents before the signature is written in:
// made once, copied into each file.
var contentsPlaceholder = []byte("<" + strings.Repeat("0", 2*contentsSize) + ">")

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

	// The update holds the signature's placeholder and what tagWidget
	// writes anew (the parent tree, the document element), which grow
	// with the document.
	u := doc.UpdateWithRoom(2*contentsSize + 16<<10 + len(pdf)/8)
	sigObj, widgetObj := u.New(), u.New()
	u.Begin(sigObj)
	u.Write([]byte("<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n/ByteRange "))
	byteRangeAt := u.Offset()
	u.Write([]byte(byteRangePlaceholder + "\n/Contents "))
	contentsAt := u.Offset()
	u.Write(contentsPlaceholder)
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
	// PDF/A accepts it without an appearance. Its TU describes it.
	widget := pdfupdate.Dict{"Type": pdfupdate.Name("Annot"), "Subtype": pdfupdate.Name("Widget"),
		"FT": pdfupdate.Name("Sig"), "Rect": pdfupdate.Array{int64(0), int64(0), int64(0), int64(0)}, "F": int64(132),
		"T": pdfupdate.TextString("Försegling"), "TU": pdfupdate.TextString(sealWords(o.Name)), "V": sigObj, "P": pageRef}
	root = root.Clone()
	if key, ok := tagWidget(doc, u, root, widgetObj, pageRef, sealWords(o.Name)); ok {
		widget["StructParent"] = key
	}
	u.Object(widgetObj, widget)
	root["AcroForm"] = pdfupdate.Dict{"Fields": pdfupdate.Array{widgetObj}, "SigFlags": int64(3)}
	u.Object(doc.Root, root)
	page = page.Clone()
	page["Annots"] = pdfupdate.Array{widgetObj}
	// PDF/UA: a page with annotations takes them in the order of its
	// structure.
	page["Tabs"] = pdfupdate.Name("S")
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

// sealWords describe the seal to whoever cannot see it (it is invisible):
// the field's TU and its structure element's Alt.
func sealWords(name string) string {
	if name == "" {
		return "Elektronisk försegling"
	}
	return "Elektronisk försegling: " + name
}

// tagWidget puts the signature widget into a tagged document's structure
// tree, as PDF/UA asks of every widget: a Form element, the last kid of
// the document's top element, holding an object reference to it, and a
// new key in the parent tree (returned, for the widget's StructParent).
// A document whose tree is not as this package's renderer writes it (a
// top element, a flat parent tree) is left as it is, and ok is false.
func tagWidget(doc *pdfupdate.Doc, u *pdfupdate.Update, root pdfupdate.Dict, widget, page pdfupdate.Ref, alt string) (key int64, ok bool) {
	treeRef, isRef := root["StructTreeRoot"].(pdfupdate.Ref)
	if !isRef {
		return 0, false
	}
	tree, err := doc.Dict(treeRef)
	if err != nil {
		return 0, false
	}
	topRef, isRef := tree["K"].(pdfupdate.Ref)
	parentsRef, isRef2 := tree["ParentTree"].(pdfupdate.Ref)
	if !isRef || !isRef2 {
		return 0, false
	}
	top, err := doc.Dict(topRef)
	if err != nil {
		return 0, false
	}
	parents, err := doc.Dict(parentsRef)
	if err != nil {
		return 0, false
	}
	nums, isArray := parents["Nums"].(pdfupdate.Array)
	if _, kids := parents["Kids"]; kids || !isArray || len(nums)%2 != 0 {
		return 0, false
	}
	for i := 0; i < len(nums); i += 2 {
		n, isInt := nums[i].(int64)
		if !isInt {
			return 0, false
		}
		key = max(key, n+1)
	}
	if next, isInt := tree["ParentTreeNextKey"].(int64); isInt {
		key = max(key, next)
	}
	var kids pdfupdate.Array
	switch k := top["K"].(type) {
	case pdfupdate.Array:
		kids = append(kids, k...)
	case nil:
	default:
		kids = pdfupdate.Array{k}
	}
	form := u.New()
	u.Object(form, pdfupdate.Dict{"Type": pdfupdate.Name("StructElem"), "S": pdfupdate.Name("Form"), "P": topRef, "Pg": page,
		"Alt": pdfupdate.TextString(alt), "K": pdfupdate.Dict{"Type": pdfupdate.Name("OBJR"), "Obj": widget, "Pg": page}})
	top = top.Clone()
	top["K"] = append(kids, form)
	u.Object(topRef, top)
	parents = parents.Clone()
	parents["Nums"] = append(append(pdfupdate.Array(nil), nums...), key, form)
	u.Object(parentsRef, parents)
	tree = tree.Clone()
	tree["ParentTreeNextKey"] = key + 1
	u.Object(treeRef, tree)
	return key, true
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
