// Package hostile builds the PDF files an attacker would upload, for the
// tests and the fuzz corpora of the reader, the signer and the verifier:
// a reference bomb, an overflowing /ByteRange, and the plain builder they
// share. Nothing here is used outside tests.
package hostile

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"fmt"
	"sort"
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

// Packed writes a PDF 1.5 file as modern writers do: the objects of plain
// at offsets, those of each map in packs in an object stream of its own
// (compressed), and a compressed cross-reference stream with the PNG Up
// predictor. The catalog is object 1; the object streams and the
// cross-reference stream take the numbers after the highest given.
func Packed(plain map[int]string, packs ...map[int]string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	type loc struct{ typ, f2, f3 int }
	locs := map[int]loc{}
	high := 0
	for _, n := range sortedKeys(plain) {
		locs[n] = loc{1, b.Len(), 0}
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, plain[n])
		high = max(high, n)
	}
	for _, p := range packs {
		for n := range p {
			high = max(high, n)
		}
	}
	for i, p := range packs {
		objstm := high + 1 + i
		var head, body strings.Builder
		for j, n := range sortedKeys(p) {
			fmt.Fprintf(&head, "%d %d ", n, body.Len())
			body.WriteString(p[n] + "\n")
			locs[n] = loc{2, objstm, j}
		}
		data := deflate([]byte(head.String() + body.String()))
		locs[objstm] = loc{1, b.Len(), 0}
		fmt.Fprintf(&b, "%d 0 obj\n<</Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d>>\nstream\n",
			objstm, len(p), head.Len(), len(data))
		b.Write(data)
		b.WriteString("\nendstream\nendobj\n")
	}
	xref := high + 1 + len(packs)
	locs[xref] = loc{1, b.Len(), 0}
	// Rows of W [1 4 2], each after a PNG "Up" filter byte.
	var rows []byte
	prev := make([]byte, 7)
	for n := 0; n <= xref; n++ {
		l := locs[n]
		row := []byte{byte(l.typ), byte(l.f2 >> 24), byte(l.f2 >> 16), byte(l.f2 >> 8), byte(l.f2), byte(l.f3 >> 8), byte(l.f3)}
		rows = append(rows, 2)
		for i := range row {
			rows = append(rows, row[i]-prev[i])
		}
		prev = row
	}
	data := deflate(rows)
	fmt.Fprintf(&b, "%d 0 obj\n<</Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "+
		"/DecodeParms <</Predictor 12 /Columns 7>> /Length %d>>\nstream\n", xref, xref+1, len(data))
	b.Write(data)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", locs[xref].f2)
	return b.Bytes()
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	w, _ := zlib.NewWriterLevel(&out, zlib.BestSpeed)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

func sortedKeys(m map[int]string) []int {
	var keys []int
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// InflateBomb is a small file whose form has n fields, each in an object
// stream of its own that inflates to 15 MB, just under the reader's limit
// for one stream: reading them all costs
// n times that.
func InflateBomb(n int) []byte {
	fields := make([]string, n)
	packs := make([]map[int]string, n)
	for i := range n {
		fields[i] = fmt.Sprintf("%d 0 R", 3+i)
		packs[i] = map[int]string{3 + i: "<</FT /Sig /T (f)>>" + strings.Repeat(" ", 15<<20)}
	}
	return Packed(map[int]string{
		1: "<</Type /Catalog /Pages 2 0 R /AcroForm <</Fields [" + strings.Join(fields, " ") + "]>>>>",
		2: "<</Type /Pages /Kids [] /Count 0>>",
	}, packs...)
}

// ManySignatures is a file of about size bytes with n signature fields,
// each of whose /ByteRange covers the whole file but its own /Contents,
// which holds cms: a verifier hashes the whole file n times.
func ManySignatures(cms []byte, n, size int) []byte {
	const placeholder = "[0 0000000000 0000000000 0000000000]"
	objs := []string{"", "<</Type /Pages /Kids [] /Count 0>>"}
	var fields []string
	for i := range n {
		fields = append(fields, fmt.Sprintf("%d 0 R", 3+2*i))
		objs = append(objs, fmt.Sprintf("<</FT /Sig /T (s%d) /V %d 0 R>>", i, 4+2*i),
			"<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange "+placeholder+
				" /Contents <"+hex.EncodeToString(cms)+">>>")
	}
	objs[0] = "<</Type /Catalog /Pages 2 0 R /AcroForm <</Fields [" + strings.Join(fields, " ") + "] /SigFlags 3>>>>"
	pad := max(0, size-len(cms)*2*n)
	objs = append(objs, fmt.Sprintf("<</Length %d>>\nstream\n%s\nendstream", pad, strings.Repeat("x", pad)))
	b := Build(objs...)
	at := 0
	for range n {
		at += bytes.Index(b[at:], []byte(placeholder))
		start := at + bytes.Index(b[at:], []byte("/Contents <")) + len("/Contents ")
		end := start + 2*len(cms) + 2
		copy(b[at:], fmt.Sprintf("[0 %010d %010d %010d]", start, end, len(b)-end))
		at = end
	}
	return b
}
