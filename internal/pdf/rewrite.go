package pdf

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// finish rewrites fpdf's output, object by object, into the document's
// first revision (archival then adds its update): every stream fpdf left
// uncompressed (fpdf is told not to compress: it would make a new zlib
// writer of about a megabyte for each stream) is compressed with a
// writer kept for the next document, and each shared face fpdf wrote as
// a simple font is written as a Type0 font (fastfonts.go). The objects
// keep their numbers; the new ones follow, and the cross-reference table
// is written anew.
func (d *doc) finish(out *bytes.Buffer, raw []byte) error {
	x, err := readXref(raw)
	if err != nil {
		return err
	}
	order := make([]int, 0, len(x.offsets))
	for n := 1; n < len(x.offsets); n++ {
		order = append(order, n)
	}
	slices.SortFunc(order, func(a, b int) int { return x.offsets[a] - x.offsets[b] })
	end := func(i int) int {
		if i+1 < len(order) {
			return x.offsets[order[i+1]]
		}
		return x.start
	}

	// Compressed, the pages take a fraction of what fpdf wrote.
	size := x.start/3 + 8<<10
	for f := range d.added {
		if d.enc != nil {
			size += len(sharedFaces()[f].program) + 8<<10
		}
	}
	out.Grow(size)
	out.Write(raw[:x.offsets[order[0]]])
	offsets := make([]int, len(x.offsets), len(x.offsets)+12)
	next := len(x.offsets)
	newObj := func() int {
		next++
		return next - 1
	}
	// fonts are the shared faces found, by the number of their font
	// dictionary: fpdf writes the widths and the descriptor as the next
	// two objects, which become the CIDFont and its descriptor.
	type sharedFont struct {
		sf                      *sharedFace
		toUnicode, gidMap, file int
	}
	fonts := map[int]sharedFont{}
	var later []func()
	// The footers say how many pages there are: fpdf is not told to (it
	// would look for the words as given, and copy every page twice).
	var alias, pages []byte
	if d.enc != nil {
		alias, pages = []byte(d.t(pageCount)), []byte(d.t(strconv.Itoa(d.f.PageNo())))
	}
	// id is the file identifier: a hash of what is drawn (the pages'
	// content, compressed: a fraction of the file) and of the metadata,
	// which archival reads rather than hash the whole file.
	id := sha256.New()
	fmt.Fprintf(id, "%q %q %q %s\n", d.meta.Title, d.meta.Author, d.meta.Subject, d.meta.Date.Format(time.RFC3339))
	for i, n := range order {
		obj := raw[x.offsets[n]:end(i)]
		offsets[n] = out.Len()
		if f, ok := fonts[n-1]; ok {
			writeCIDFont(out, n, f.sf, d.enc, f.gidMap)
			continue
		}
		if f, ok := fonts[n-2]; ok {
			writeDescriptor(out, n, f.sf, f.file)
			continue
		}
		head, body, ok := splitObject(obj, n)
		if !ok {
			return fmt.Errorf("pdf: fpdf wrote object %d unlike any it writes", n)
		}
		if sf := d.sharedFont(body); sf != nil {
			f := sharedFont{sf: sf, toUnicode: newObj(), gidMap: newObj(), file: newObj()}
			fonts[n] = f
			fmt.Fprintf(out, "%d 0 obj\n<</Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R>>\nendobj\n",
				n, sf.name, n+1, f.toUnicode)
			later = append(later, func() {
				offsets = append(offsets, out.Len())
				writeCompressed(out, f.toUnicode, d.enc.toUnicode)
				offsets = append(offsets, out.Len())
				writeCompressed(out, f.gidMap, d.enc.faces[sf.index].gidMap)
				offsets = append(offsets, out.Len())
				fmt.Fprintf(out, "%d 0 obj\n<</Length %d /Length1 %d /Filter /FlateDecode>>\nstream\n", f.file, len(sf.program), sf.length)
				out.Write(sf.program)
				out.WriteString("\nendstream\nendobj\n")
			})
			continue
		}
		if data, ok := plainStream(body); ok {
			if d.enc != nil {
				data = replaceShorter(data, alias, pages)
			}
			id.Write(writeStream(out, n, data))
			continue
		}
		out.Write(head)
		out.Write(body)
		out.WriteString("endobj\n")
	}
	for _, f := range later {
		f()
	}
	xref := out.Len()
	fmt.Fprintf(out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets))
	for _, off := range offsets[1:] {
		fmt.Fprintf(out, "%010d 00000 n \n", off)
	}
	sum := id.Sum(nil)[:16]
	fmt.Fprintf(out, "trailer\n<</Size %d /Root %s /Info %s /ID [<%x> <%x>]>>\nstartxref\n%d\n%%%%EOF\n", len(offsets), x.root, x.info, sum, sum, xref)
	return nil
}

// replaceShorter replaces in data, in place, every old with new, which is
// no longer.
func replaceShorter(data, old, new []byte) []byte {
	i := bytes.Index(data, old)
	if i < 0 {
		return data
	}
	w := i
	for i >= 0 {
		w += copy(data[w:], new)
		rest := data[i+len(old):]
		next := bytes.Index(rest, old)
		if next < 0 {
			w += copy(data[w:], rest)
			break
		}
		w += copy(data[w:], rest[:next])
		i += len(old) + next
	}
	return data[:w]
}

// fpdfXref is what finish needs of fpdf's cross-reference table and
// trailer.
type fpdfXref struct {
	offsets    []int // by object number; 0 is free
	start      int   // of the table
	root, info string
}

// readXref reads the table fpdf writes: one section from object 0, and a
// trailer with /Root and /Info.
func readXref(raw []byte) (fpdfXref, error) {
	var x fpdfXref
	bad := func(what string) (fpdfXref, error) {
		return x, fmt.Errorf("pdf: fpdf wrote no %s", what)
	}
	i := bytes.LastIndex(raw, []byte("startxref\n"))
	if i < 0 {
		return bad("startxref")
	}
	rest := raw[i+len("startxref\n"):]
	nl := bytes.IndexByte(rest, '\n')
	start, err := strconv.Atoi(string(rest[:max(nl, 0)]))
	if err != nil || start <= 0 || start >= i {
		return bad("cross-reference offset")
	}
	x.start = start
	table := raw[start:i]
	if !bytes.HasPrefix(table, []byte("xref\n0 ")) {
		return bad("cross-reference table")
	}
	table = table[len("xref\n0 "):]
	nl = bytes.IndexByte(table, '\n')
	count, err := strconv.Atoi(string(table[:max(nl, 0)]))
	if err != nil || count < 2 || len(table) < nl+1+20*count {
		return bad("cross-reference table")
	}
	entries := table[nl+1:]
	x.offsets = make([]int, count)
	for n := 1; n < count; n++ {
		e := entries[20*n : 20*n+20]
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil || e[17] != 'n' || off <= 0 || off >= start {
			return bad("cross-reference entry")
		}
		x.offsets[n] = off
	}
	trailer := entries[20*count:]
	ref := func(key string) string {
		j := bytes.Index(trailer, []byte(key))
		if j < 0 {
			return ""
		}
		v := trailer[j+len(key):]
		k := bytes.Index(v, []byte(" R"))
		if k < 0 {
			return ""
		}
		return string(v[:k+2])
	}
	if x.root, x.info = ref("/Root "), ref("/Info "); x.root == "" || x.info == "" {
		return bad("trailer")
	}
	return x, nil
}

// splitObject splits fpdf's object n into its first line and the rest up
// to endobj.
func splitObject(obj []byte, n int) (head, body []byte, ok bool) {
	head = strconv.AppendInt(nil, int64(n), 10)
	head = append(head, " 0 obj\n"...)
	obj = bytes.TrimRight(obj, "\n")
	if !bytes.HasPrefix(obj, head) || !bytes.HasSuffix(obj, []byte("endobj")) {
		return nil, nil, false
	}
	return head, obj[len(head) : len(obj)-len("endobj")], true
}

// plainStream returns the data of a stream fpdf wrote uncompressed, with
// a dictionary of its length alone.
func plainStream(body []byte) ([]byte, bool) {
	const open = "<</Length "
	if !bytes.HasPrefix(body, []byte(open)) {
		return nil, false
	}
	rest := body[len(open):]
	j := bytes.IndexByte(rest, '>')
	if j < 0 {
		return nil, false
	}
	length, err := strconv.Atoi(string(rest[:j]))
	const mid = ">>\nstream\n"
	rest = rest[j:]
	if err != nil || !bytes.HasPrefix(rest, []byte(mid)) || len(rest) < len(mid)+length {
		return nil, false
	}
	data := rest[len(mid) : len(mid)+length]
	if !bytes.Equal(rest[len(mid)+length:], []byte("\nendstream\n")) {
		return nil, false
	}
	return data, true
}

// writeCompressed writes object n, a stream of data already compressed.
func writeCompressed(out *bytes.Buffer, n int, data []byte) {
	fmt.Fprintf(out, "%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", n, len(data))
	out.Write(data)
	out.WriteString("\nendstream\nendobj\n")
}

// writeStream writes object n, a stream of data compressed, and returns
// the data as compressed (in out).
func writeStream(out *bytes.Buffer, n int, data []byte) []byte {
	fmt.Fprintf(out, "%d 0 obj\n<</Filter /FlateDecode /Length ", n)
	// The length is written after the data, padded, so that the data is
	// compressed straight into out.
	at := out.Len()
	out.WriteString("0000000000>>\nstream\n")
	from := out.Len()
	deflate(out, data)
	length := out.Len() - from
	copy(out.Bytes()[at:], fmt.Sprintf("%10d", length))
	compressed := out.Bytes()[from:]
	out.WriteString("\nendstream\nendobj\n")
	return compressed
}

// sharedFont returns the shared face whose simple font dictionary fpdf
// wrote as body, if it is one.
func (d *doc) sharedFont(body []byte) *sharedFace {
	if d.enc == nil || !bytes.HasPrefix(body, []byte("<</Type /Font\n/BaseFont /")) || !bytes.Contains(body, []byte("/Subtype /TrueType")) {
		return nil
	}
	name := body[len("<</Type /Font\n/BaseFont /"):]
	name = name[:bytes.IndexByte(name, '\n')]
	for f := range d.added {
		if sf := sharedFaces()[f]; sf.name == string(name) {
			return sf
		}
	}
	return nil
}

// writeCIDFont writes object n, the CIDFont of face sf: its widths for the
// codes of the encoding.
func writeCIDFont(out *bytes.Buffer, n int, sf *sharedFace, e *encoding, gidMap int) {
	fmt.Fprintf(out, "%d 0 obj\n<</Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> /FontDescriptor %d 0 R /DW %d /CIDToGIDMap %d 0 R /W ",
		n, sf.name, n+1, sf.desc.MissingWidth, gidMap)
	out.Write(e.faces[sf.index].widths)
	out.WriteString(">>\nendobj\n")
}

// writeDescriptor writes object n, the font descriptor of face sf.
func writeDescriptor(out *bytes.Buffer, n int, sf *sharedFace, file int) {
	dd := sf.desc
	// Symbolic (flag 3) and not Nonsymbolic (flag 6), as fpdf marks its
	// own faces: the CIDToGIDMap, not a standard encoding, finds a glyph.
	flags := (dd.Flags | 4) &^ 32
	fmt.Fprintf(out, "%d 0 obj\n<</Type /FontDescriptor /FontName /%s /Ascent %d /Descent %d /CapHeight %d /Flags %d /FontBBox [%d %d %d %d] /ItalicAngle %d /StemV %d /MissingWidth %d /FontFile2 %d 0 R>>\nendobj\n",
		n, sf.name, dd.Ascent, dd.Descent, dd.CapHeight, flags, dd.FontBBox.Xmin, dd.FontBBox.Ymin, dd.FontBBox.Xmax, dd.FontBBox.Ymax,
		dd.ItalicAngle, dd.StemV, dd.MissingWidth, file)
}
