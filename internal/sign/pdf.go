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
	"unicode/utf16"
)

// Options describe a signature.
type Options struct {
	At       time.Time // the signing time, written as /M
	Name     string    // the signer as shown, e.g. the organisation
	Reason   string    // e.g. "Tjänsteutlåtande, Dnr KS 2016/171-908"
	Location string
}

// contentsSize is the room reserved for the CMS: enough for an RSA-4096
// chain of three certificates and a timestamp token.
const contentsSize = 16384

var (
	reStartXref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	reRef       = func(key string) *regexp.Regexp { return regexp.MustCompile(`/` + key + `\s+(\d+)\s+0\s+R`) }
	reRoot      = reRef("Root")
	reInfo      = reRef("Info")
	rePages     = reRef("Pages")
	reSize      = regexp.MustCompile(`/Size\s+(\d+)`)
	reID        = regexp.MustCompile(`/ID\s*\[\s*<([0-9A-Fa-f]*)>`)
	reKids      = regexp.MustCompile(`/Kids\s*\[\s*(\d+)\s+0\s+R`)
)

// SignPDF appends a PAdES B-B signature to pdf as an incremental update and
// returns the signed file. The original bytes are kept unchanged in front.
func (s *Seal) SignPDF(pdf []byte, o Options) ([]byte, error) {
	if err := s.Check(o.At); err != nil {
		return nil, err
	}
	m := reStartXref.FindSubmatch(pdf)
	if m == nil {
		return nil, errors.New("sign: not a PDF (no startxref)")
	}
	prevXref, _ := strconv.Atoi(string(m[1]))
	trailerAt := bytes.LastIndex(pdf, []byte("trailer"))
	if trailerAt < 0 {
		return nil, errors.New("sign: no trailer (cross-reference streams are not supported)")
	}
	trailer := pdf[trailerAt:]
	root, err := refIn(reRoot, trailer)
	if err != nil {
		return nil, err
	}
	info, _ := refIn(reInfo, trailer)
	sizeM := reSize.FindSubmatch(trailer)
	if sizeM == nil {
		return nil, errors.New("sign: trailer without /Size")
	}
	size, _ := strconv.Atoi(string(sizeM[1]))
	rootDict, err := objectDict(pdf, root)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(rootDict, []byte("/AcroForm")) {
		return nil, errors.New("sign: the document already has a form or signature")
	}
	pages, err := refIn(rePages, rootDict)
	if err != nil {
		return nil, err
	}
	pagesDict, err := objectDict(pdf, pages)
	if err != nil {
		return nil, err
	}
	kid := reKids.FindSubmatch(pagesDict)
	if kid == nil {
		return nil, errors.New("sign: no first page")
	}
	page, _ := strconv.Atoi(string(kid[1]))
	pageDict, err := objectDict(pdf, page)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(pageDict, []byte("/Annots")) {
		return nil, errors.New("sign: the first page already has annotations")
	}

	sigObj, widgetObj := size, size+1
	var out bytes.Buffer
	out.Write(pdf)
	if pdf[len(pdf)-1] != '\n' {
		out.WriteByte('\n')
	}
	offsets := map[int]int{}
	begin := func(n int) { offsets[n] = out.Len(); fmt.Fprintf(&out, "%d 0 obj\n", n) }

	begin(sigObj)
	out.WriteString("<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n/ByteRange ")
	byteRangeAt := out.Len()
	out.WriteString(byteRangePlaceholder)
	out.WriteString("\n/Contents ")
	contentsAt := out.Len()
	out.WriteByte('<')
	out.Write(bytes.Repeat([]byte("0"), 2*contentsSize))
	out.WriteByte('>')
	fmt.Fprintf(&out, "\n/M %s /Name %s /Reason %s /Location %s>>\nendobj\n",
		pdfDate(o.At), pdfText(o.Name), pdfText(o.Reason), pdfText(o.Location))

	begin(widgetObj)
	fmt.Fprintf(&out, "<</Type /Annot /Subtype /Widget /FT /Sig /Rect [0 0 0 0] /F 132 /T %s /V %d 0 R /P %d 0 R>>\nendobj\n",
		pdfText("Försegling"), sigObj, page)

	begin(root)
	out.Write(insertBeforeEnd(rootDict, fmt.Sprintf("/AcroForm <</Fields [%d 0 R] /SigFlags 3>>", widgetObj)))
	out.WriteString("\nendobj\n")
	begin(page)
	out.Write(insertBeforeEnd(pageDict, fmt.Sprintf("/Annots [%d 0 R]", widgetObj)))
	out.WriteString("\nendobj\n")

	xrefAt := out.Len()
	out.WriteString("xref\n")
	for _, n := range []int{root, page, sigObj} {
		count := 1
		if n == sigObj {
			count = 2
		}
		fmt.Fprintf(&out, "%d %d\n", n, count)
		for i := 0; i < count; i++ {
			fmt.Fprintf(&out, "%010d 00000 n \n", offsets[n+i])
		}
	}
	first := sha256.Sum256(pdf)
	id0 := hex.EncodeToString(first[:16])
	if idm := reID.FindSubmatch(trailer); idm != nil {
		id0 = string(idm[1])
	}
	fmt.Fprintf(&out, "trailer\n<</Size %d /Root %d 0 R", size+2, root)
	if info > 0 {
		fmt.Fprintf(&out, " /Info %d 0 R", info)
	}
	fmt.Fprintf(&out, " /Prev %d /ID [<%s> <%s>]>>\nstartxref\n%d\n%%%%EOF\n", prevXref, id0, hex.EncodeToString(first[16:]), xrefAt)

	signed := out.Bytes()
	contentsEnd := contentsAt + 2*contentsSize + 2
	br := fmt.Sprintf("[0 %d %d %d]", contentsAt, contentsEnd, len(signed)-contentsEnd)
	if len(br) > len(byteRangePlaceholder) {
		return nil, errors.New("sign: file too large for the byte range")
	}
	copy(signed[byteRangeAt:], br+string(bytes.Repeat([]byte(" "), len(byteRangePlaceholder)-len(br))))
	h := sha256.New()
	h.Write(signed[:contentsAt])
	h.Write(signed[contentsEnd:])
	cms, err := s.signCMS(h.Sum(nil))
	if err != nil {
		return nil, err
	}
	if len(cms) > contentsSize {
		return nil, fmt.Errorf("sign: signature of %d bytes does not fit", len(cms))
	}
	hex.Encode(signed[contentsAt+1:], cms)
	return signed, nil
}

const byteRangePlaceholder = "[0 0000000000 0000000000 0000000000]"

func refIn(re *regexp.Regexp, b []byte) (int, error) {
	m := re.FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("sign: no %s", re.String())
	}
	return strconv.Atoi(string(m[1]))
}

// objectDict returns the dictionary of the latest definition of object n.
func objectDict(pdf []byte, n int) ([]byte, error) {
	head := []byte(fmt.Sprintf("\n%d 0 obj", n))
	at := bytes.LastIndex(pdf, head)
	if at < 0 {
		return nil, fmt.Errorf("sign: object %d not found", n)
	}
	body := pdf[at+len(head):]
	end := bytes.Index(body, []byte("endobj"))
	if end < 0 {
		return nil, fmt.Errorf("sign: object %d has no end", n)
	}
	dict := bytes.TrimSpace(body[:end])
	if !bytes.HasPrefix(dict, []byte("<<")) || !bytes.HasSuffix(dict, []byte(">>")) || bytes.Contains(dict, []byte("stream")) {
		return nil, fmt.Errorf("sign: object %d is not a plain dictionary", n)
	}
	return dict, nil
}

func insertBeforeEnd(dict []byte, entry string) []byte {
	out := append([]byte{}, dict[:len(dict)-2]...)
	out = append(out, '\n')
	out = append(out, entry...)
	return append(out, ">>"...)
}

// pdfDate writes t as a PDF date with its UTC offset.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("(D:%s%c%02d'%02d')", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// pdfText writes s as a UTF-16BE hex string, which holds any character.
func pdfText(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}
