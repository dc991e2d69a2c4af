package pdf

import (
	"bytes"
	stdzlib "compress/zlib"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"github.com/klauspost/compress/zlib"
	"golang.org/x/image/font/sfnt"
)

// The shared faces. Given a TrueType face to print with, fpdf parses it for
// every document, cuts it to the glyphs the document uses, and compresses
// the cut and a 128 KiB glyph map with a new zlib writer each: together
// most of the time and nearly all the memory a document took. A document
// whose every character is common (nearly every one) is instead drawn with
// the shared faces: the three faces are measured and cut to the common
// characters once per process, and fpdf is given, for each face, only the
// widths of the characters the document uses, as a simple font
// definition it needs neither parse nor embed. finish (rewrite.go) then
// writes each face as the same Type0 font (Identity-H, a CIDFontType2
// with its widths, a CIDToGIDMap and a ToUnicode map) that fpdf's own
// faces are, embedding the shared face, cut and compressed once.
//
// fpdf measures and writes a simple font's text byte by byte. So each
// character is given to fpdf as two bytes, the code the Type0 font shows:
// codePrefix, of no width, then the character's own byte in the
// document's encoding: a Latin-1 character is itself, and each other
// character the document uses gets a byte no text uses (a control
// character's). A document with more such characters than there are free
// bytes is drawn with fpdf's own faces.

// codePrefix is the first byte of every code: CID codePrefix<<8 | byte.
const codePrefix = 0x01

// freeBytes are the bytes that stand for the characters beyond Latin-1 of a
// document, in the order they are given out: C0 and C1 controls, which no
// text prints. Not 0 (fpdf stops measuring there), not codePrefix, and not
// the line ends, which a string may not hold as they are.
var freeBytes = func() []byte {
	var out []byte
	for b := 0x02; b <= 0x1F; b++ {
		if b != '\n' && b != '\r' {
			out = append(out, byte(b))
		}
	}
	for b := 0x7F; b <= 0x9F; b++ {
		out = append(out, byte(b))
	}
	return out
}()

// latin1 says whether r is printed as its own byte.
func latin1(r rune) bool { return r >= 0x20 && r <= 0x7E || r >= 0xA0 && r <= 0xFF }

// sharedFace is one face as measured and cut once per process.
type sharedFace struct {
	name string // fpdf's name for it, the BaseFont: "utf8liberationsansB"
	// family and style as fpdf tells them: "liberationsans", "B".
	family, style string
	// index is its place in sharedFaceList and encoded.faces.
	index int
	desc  fpdf.FontDescType
	width map[rune]int    // advance in thousandths of an em, as fpdf measures
	gid   map[rune]uint16 // the glyph in the cut face
	// program is the cut face compressed (once, at the best compression),
	// and length its size uncompressed.
	program []byte
	length  int
}

// sharedFaceList are the shared faces in their order (sharedFace.index).
var sharedFaceList = sync.OnceValue(func() []*sharedFace {
	out := make([]*sharedFace, len(fullFaces))
	for _, sf := range sharedFaces() {
		out[sf.index] = sf
	}
	return out
})

// sharedFaces are the three faces, measured and cut once per process.
var sharedFaces = sync.OnceValue(func() map[face]*sharedFace {
	cut := commonFaces()
	proto := fpdf.New("P", "mm", "A4", "")
	best, _ := stdzlib.NewWriterLevel(nil, stdzlib.BestCompression)
	out := map[face]*sharedFace{}
	for fc := range fullFaces {
		proto.AddUTF8FontFromBytes(fc.family, fc.style, cut[fc])
		proto.SetFont(fc.family, fc.style, 10)
		parsed, err := sfnt.Parse(cut[fc])
		if err != nil {
			panic("pdf: a cut face does not parse: " + err.Error())
		}
		var program bytes.Buffer
		best.Reset(&program)
		best.Write(cut[fc])
		best.Close()
		sf := &sharedFace{name: "utf8" + fpdfFontKey(fc), family: strings.ToLower(fc.family), style: fc.style, desc: proto.GetFontDesc(fc.family, fc.style),
			width: map[rune]int{}, gid: map[rune]uint16{}, program: program.Bytes(), length: len(cut[fc])}
		var buf sfnt.Buffer
		for r := range common {
			sf.width[r] = proto.GetStringSymbolWidth(string(r))
			if i, err := parsed.GlyphIndex(&buf, r); err == nil && i != 0 {
				sf.gid[r] = uint16(i)
			}
		}
		out[fc] = sf
	}
	if err := proto.Error(); err != nil {
		panic("pdf: measuring the faces: " + err.Error())
	}
	names := make([]string, 0, len(out))
	for _, sf := range out {
		names = append(names, sf.name)
	}
	slices.Sort(names)
	for _, sf := range out {
		sf.index = slices.Index(names, sf.name)
	}
	return out
})

// fpdfFontKey is fpdf's key for a face: the family in lower case and the
// style.
func fpdfFontKey(fc face) string { return strings.ToLower(fc.family) + fc.style }

// encoding is a document's: the byte of each character beyond Latin-1 it
// prints, and the character of each byte. The fonts' parts that depend
// on it alone are made once for every document in the same encoding
// (encodings).
type encoding struct {
	*encoded
	// missed is set when a character with no byte was drawn: the document
	// is drawn again with fpdf's own faces.
	missed bool
}

// encoded is an encoding and what the shared faces need in it, the same
// for every document in it; never changed once made.
type encoded struct {
	byteOf map[rune]byte
	runeOf [256]rune
	// faces are, in sharedFaceList's order, each face's parts.
	faces [3]encodedFace
	// toUnicode is the ToUnicode CMap of every face, compressed.
	toUnicode []byte
}

// encodedFace is a shared face's parts in an encoding.
type encodedFace struct {
	width      [256]int // of each byte, codePrefix's none
	definition []byte   // the simple font fpdf is given
	widths     []byte   // the CIDFont's /W array
	gidMap     []byte   // its CIDToGIDMap, compressed
}

// preferred are the characters beyond Latin-1 that Swedish text uses
// most: they have the first free bytes in every encoding, so that nearly
// every document is in the same one.
const preferred = "–—‘’‚“”„•…€−≈≤≥™"

// encodings are the encodings made, by the characters they give bytes
// beyond preferred, up to maxEncodings of them.
var encodings struct {
	sync.Mutex
	m map[string]*encoded
}

const maxEncodings = 64

// runeSet collects the characters beyond Latin-1 and preferred that a
// document prints; bad is set by one that is not common or one too many
// for the free bytes.
type runeSet struct {
	extra []rune
	bad   bool
}

func (s *runeSet) add(r rune) {
	if latin1(r) || r == '\n' || r == '\r' || s.bad || strings.ContainsRune(preferred, r) || slices.Contains(s.extra, r) {
		return
	}
	if !common[r] || utf8.RuneCountInString(preferred)+len(s.extra) == len(freeBytes) {
		s.bad = true
		return
	}
	s.extra = append(s.extra, r)
}

// newEncoding returns the encoding for a document that prints text (and
// the renderer's own words, whose characters beyond Latin-1 are
// preferred), or nil when text has a character that is not common or
// more characters beyond Latin-1 than there are free bytes.
func newEncoding(text string) *encoding {
	var s runeSet
	for _, r := range text {
		s.add(r)
	}
	return s.encoding()
}

// encoding is the encoding for the characters in s, or nil (bad).
func (s *runeSet) encoding() *encoding {
	if s.bad {
		return nil
	}
	key := string(s.extra)
	encodings.Lock()
	e := encodings.m[key]
	encodings.Unlock()
	if e == nil {
		e = newEncoded([]rune(preferred + key))
		encodings.Lock()
		if encodings.m == nil {
			encodings.m = map[string]*encoded{}
		}
		if len(encodings.m) < maxEncodings {
			encodings.m[key] = e
		}
		encodings.Unlock()
	}
	return &encoding{encoded: e}
}

// newEncoded makes the encoding that gives runes the free bytes in order.
func newEncoded(runes []rune) *encoded {
	e := &encoded{byteOf: map[rune]byte{}}
	for r := range rune(256) {
		if latin1(r) {
			e.runeOf[r] = r
		}
	}
	for i, r := range runes {
		e.byteOf[r], e.runeOf[freeBytes[i]] = freeBytes[i], r
	}
	var b bytes.Buffer
	deflate(&b, e.cmap())
	e.toUnicode = b.Bytes()
	for i, sf := range sharedFaceList() {
		ef := &e.faces[i]
		gids := make([]byte, 2*(codePrefix+1)<<8)
		w := []byte{'['}
		for c, r := range e.runeOf {
			if r == 0 {
				continue
			}
			ef.width[c] = sf.width[r]
			cid := codePrefix<<8 | c
			g := sf.gid[r]
			gids[2*cid], gids[2*cid+1] = byte(g>>8), byte(g)
			w = fmt.Appendf(w, "%d [%d] ", cid, ef.width[c])
		}
		ef.widths = append(w, ']')
		var b bytes.Buffer
		deflate(&b, gids)
		ef.gidMap = b.Bytes()
		def := struct {
			Tp   string
			Name string
			Desc fpdf.FontDescType
			Cw   []int
		}{"TrueType", sf.name, sf.desc, ef.width[:]}
		var err error
		if ef.definition, err = json.Marshal(def); err != nil {
			panic("pdf: a font definition: " + err.Error())
		}
	}
	return e
}

// encode returns s as fpdf is to be given it: two bytes a character.
func (e *encoding) encode(s string) string {
	b := make([]byte, 0, 2*len(s))
	for _, r := range s {
		b = append(b, codePrefix, e.byteFor(r))
	}
	return string(b)
}

// byteFor is r's byte; a character without one is missed.
func (e *encoding) byteFor(r rune) byte {
	if latin1(r) {
		return byte(r)
	}
	c, ok := e.byteOf[r]
	if !ok {
		e.missed = true
		return '?'
	}
	return c
}

// cmap is the ToUnicode CMap of every code of the encoding.
func (e *encoded) cmap() []byte {
	var codes []int
	for c, r := range e.runeOf {
		if r != 0 {
			codes = append(codes, c)
		}
	}
	b := []byte("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for i := 0; i < len(codes); i += 100 {
		chunk := codes[i:min(i+100, len(codes))]
		b = strconv.AppendInt(b, int64(len(chunk)), 10)
		b = append(b, " beginbfchar\n"...)
		for _, c := range chunk {
			b = fmt.Appendf(b, "<%02X%02X> <%04X>\n", codePrefix, c, e.runeOf[c])
		}
		b = append(b, "endbfchar\n"...)
	}
	return append(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"...)
}

// zlibWriters hold zlib writers, which are large (800 KiB at streamLevel)
// to make and cheap to reset: one, which the documents written one at a
// time share (more would stay in memory for nothing), and not a
// sync.Pool, which the collector empties while a large document is
// written.
var zlibWriters = make(chan *zlib.Writer, 1)

// streamLevel is the compression of a document's streams (page content,
// the fonts' maps): the fastest, with klauspost/compress's zlib, which is
// the standard library's twice as fast. Measured on KS's statement of 300
// answers (54 pages, 483 KB of content, on a loaded machine): the standard
// library's fastest made 65.6 KB in 5.0 ms and its default 57.4 KB in
// 8.0 ms; klauspost's fastest made 63.6 KB in 2.5 ms and its default
// 61.4 KB in 4.1 ms. On text this short most of the time is Huffman
// coding, which no level saves; the default's few kilobytes less are not
// worth its time. The fonts, compressed once, take the best (sharedFaces).
const streamLevel = zlib.BestSpeed

// deflate appends data compressed to b.
func deflate(b *bytes.Buffer, data []byte) {
	var w *zlib.Writer
	select {
	case w = <-zlibWriters:
		w.Reset(b)
	default:
		var err error
		if w, err = zlib.NewWriterLevel(b, streamLevel); err != nil {
			panic(err)
		}
	}
	if _, err := w.Write(data); err != nil {
		panic("pdf: compressing into memory: " + err.Error())
	}
	if err := w.Close(); err != nil {
		panic("pdf: compressing into memory: " + err.Error())
	}
	w.Reset(nil) // cheap at streamLevel; keeps no document alive
	select {
	case zlibWriters <- w:
	default:
	}
}
