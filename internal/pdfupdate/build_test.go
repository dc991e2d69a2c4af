package pdfupdate_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"sort"
	"strings"
)

// streamPDF writes a PDF 1.5 file as modern writers do: the objects of
// plain at offsets, those of packed in one object stream (compressed), and
// a compressed cross-reference stream with the PNG Up predictor. The
// catalog is object 1; the object stream and the cross-reference stream
// take the next numbers.
func streamPDF(plain, packed map[int]string) []byte {
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
	for n := range packed {
		high = max(high, n)
	}
	objstm, xref := high+1, high+2
	if len(packed) > 0 {
		var head, body strings.Builder
		for i, n := range sortedKeys(packed) {
			fmt.Fprintf(&head, "%d %d ", n, body.Len())
			body.WriteString(packed[n] + "\n")
			locs[n] = loc{2, objstm, i}
		}
		data := deflate([]byte(head.String() + body.String()))
		locs[objstm] = loc{1, b.Len(), 0}
		fmt.Fprintf(&b, "%d 0 obj\n<</Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d>>\nstream\n",
			objstm, len(packed), head.Len(), len(data))
		b.Write(data)
		b.WriteString("\nendstream\nendobj\n")
	}
	locs[xref] = loc{1, b.Len(), 0}
	// Rows of W [1 3 1], each after a PNG "Up" filter byte.
	var rows []byte
	prev := make([]byte, 5)
	for n := 0; n <= xref; n++ {
		l := locs[n]
		row := []byte{byte(l.typ), byte(l.f2 >> 16), byte(l.f2 >> 8), byte(l.f2), byte(l.f3)}
		rows = append(rows, 2)
		for i := range row {
			rows = append(rows, row[i]-prev[i])
		}
		prev = row
	}
	data := deflate(rows)
	fmt.Fprintf(&b, "%d 0 obj\n<</Type /XRef /Size %d /W [1 3 1] /Root 1 0 R /Filter /FlateDecode "+
		"/DecodeParms <</Predictor 12 /Columns 5>> /Length %d>>\nstream\n", xref, xref+1, len(data))
	b.Write(data)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", locs[xref].f2)
	return b.Bytes()
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	w := zlib.NewWriter(&out)
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

// appendRevision adds an incremental update with a classic table that
// redefines objs (number → body) and frees the numbers in free.
func appendRevision(raw []byte, prev int, size int, objs map[int]string, free ...int) []byte {
	b := bytes.NewBuffer(append([]byte{}, raw...))
	offsets := map[int]int{}
	for _, n := range sortedKeys(objs) {
		offsets[n] = b.Len()
		fmt.Fprintf(b, "%d 0 obj\n%s\nendobj\n", n, objs[n])
	}
	xref := b.Len()
	b.WriteString("xref\n")
	for _, n := range sortedKeys(objs) {
		fmt.Fprintf(b, "%d 1\n%010d 00000 n \n", n, offsets[n])
	}
	for _, n := range free {
		fmt.Fprintf(b, "%d 1\n0000000000 00001 f \n", n)
	}
	fmt.Fprintf(b, "trailer\n<</Size %d /Root 1 0 R /Prev %d>>\nstartxref\n%d\n%%%%EOF\n", size, prev, xref)
	return b.Bytes()
}
