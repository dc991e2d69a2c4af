// Package hostile builds the PDF files an attacker would upload, for the
// tests and the fuzz corpora of the reader, the signer and the verifier:
// a reference bomb, an overflowing /ByteRange, and the plain builder they
// share. Nothing here is used outside tests.
package hostile

import (
	"bytes"
	"fmt"
	"strings"
)

// Build writes a PDF with a classic cross-reference table whose object
// i+1 is objs[i] (a body without "N 0 obj"/"endobj") and whose catalog is
// object 1.
func Build(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xb5\xb6\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// RefBomb is a file of about size bytes whose form's /Fields holds
// references to an object that does not exist, as many as fit: a reader
// that scans the file for each reference takes hours on a few megabytes.
func RefBomb(size int) []byte {
	const ref = "99999 0 R "
	fields := strings.Repeat(ref, max(1, size/len(ref)))
	return Build(
		"<</Type /Catalog /Pages 2 0 R /AcroForm 3 0 R>>",
		"<</Type /Pages /Kids [] /Count 0>>",
		"<</Fields ["+fields+"] /SigFlags 3>>",
	)
}

// ByteRangeOverflow is a file with one signature whose /ByteRange
// [0 a b 2^63-8] covers the file up to its /Contents value and then
// 2^63-8 bytes from there: b+2^63-8 overflows a signed 64-bit integer.
func ByteRangeOverflow() []byte {
	const placeholder = "0000000000 0000000000"
	b := Build(
		"<</Type /Catalog /Pages 2 0 R /AcroForm <</Fields [3 0 R] /SigFlags 3>>>>",
		"<</Type /Pages /Kids [] /Count 0>>",
		"<</FT /Sig /T (s) /V 4 0 R>>",
		"<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange [0 "+placeholder+" 9223372036854775800] /Contents <3000>>>",
	)
	contents := bytes.Index(b, []byte("<3000>"))
	copy(b[bytes.Index(b, []byte(placeholder)):], fmt.Sprintf("%010d %010d", contents, contents+len("<3000>")))
	return b
}
