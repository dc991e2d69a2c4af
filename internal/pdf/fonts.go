package pdf

import (
	_ "embed"
	"math"
	"reflect"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
)

// The documents are set in Liberation Sans (headings, the header block,
// labels) and Liberation Serif (running text): the metric twins of the
// Arial and Times New Roman of the city's templates, with a real
// hyphen-minus (narrower than the en dash) and every Swedish character.
// They are embedded in the binary, so every machine renders the same bytes,
// and fpdf embeds the glyphs a document uses in it, as PDF/A requires. The
// files are Liberation 2.1.5 as Debian ships them (fonts-liberation2),
// unmodified, under the SIL Open Font License 1.1: fonts/OFL.txt.
var (
	//go:embed fonts/LiberationSans-Regular.ttf
	sansRegular []byte
	//go:embed fonts/LiberationSans-Bold.ttf
	sansBold []byte
	//go:embed fonts/LiberationSerif-Regular.ttf
	serifRegular []byte
)

// The font families as fpdf knows them; fpdf names each embedded font
// after its family ("utf8liberationsansB" for bold sans).
const (
	sans  = "LiberationSans"
	serif = "LiberationSerif"
)

type face struct{ family, style string }

// fullFaces are the three faces the documents print with. Each face a
// document uses costs it milliseconds in fpdf (parsing, subsetting,
// compressing), more the more glyphs the face has: so there is no bold
// or italic serif (emphasis is sans), and most documents get the faces
// cut to the common characters (commonFaces).
var fullFaces = map[face][]byte{{sans, ""}: sansRegular, {sans, "B"}: sansBold, {serif, ""}: serifRegular}

// common are the characters of nearly every document: Latin with the
// Nordic, western and central European letters (Latin-1 and Latin
// Extended-A, Romanian's comma letters), dashes, quotes, bullets and
// ellipsis, primes, the euro, №, ™, arrows and the common mathematical
// signs. A document with any other character gets the whole faces.
var common = func() map[rune]bool {
	m := map[rune]bool{}
	add := func(lo, hi rune) {
		for r := lo; r <= hi; r++ {
			m[r] = true
		}
	}
	add(0x20, 0x7E)
	add(0xA0, 0x17F)
	add(0x218, 0x21B)
	add(0x2010, 0x2027)
	add(0x2030, 0x203A)
	add(0x2190, 0x2193)
	for _, r := range "€№™−≈≠≤≥∞" {
		m[r] = true
	}
	return m
}()

// commonFaces are the faces cut, once, to the common characters: the cut
// is fpdf's own subsetting, done ahead for every document that needs no
// more. Like the subset fpdf embeds in each document, it lives only in
// memory and in the documents.
var commonFaces = sync.OnceValue(func() map[face][]byte {
	cutset := make([]rune, 0, len(common))
	for r := range rune(0x10000) {
		if common[r] {
			cutset = append(cutset, r)
		}
	}
	out := map[face][]byte{}
	for f, ttf := range fullFaces {
		out[f] = fpdf.UTF8CutFont(ttf, string(cutset))
	}
	return out
})

// facesFor chooses the faces for a document whose printed data is data:
// the shared faces when every character it prints is common and they can
// encode them (newEncoding), else fpdf's own, cut when every character is
// common. It also says whether data has a character no face can draw (see
// printable).
func facesFor(data any) (faces faceSet, unprintable bool) {
	faces.ttf = commonFaces()
	have := drawable()
	var set runeSet
	eachString(reflect.ValueOf(data), func(s string) {
		for _, r := range s {
			if r >= 0x20 && r <= 0x7E || r >= 0xA0 && r <= 0xFF && have[r] {
				continue // common, drawable, its own byte
			}
			if r == '\n' || r == '\t' || r == '\r' {
				unprintable = unprintable || r == '\t'
				continue
			}
			if !common[r] {
				faces.ttf = fullFaces
			}
			if r >= rune(len(have)) || !have[r] {
				unprintable = true
			}
			set.add(printableRune(r))
		}
	})
	if faces.enc = set.encoding(); faces.enc != nil {
		faces.ttf = nil
	}
	return faces, unprintable
}

// eachString calls f with every string in v: in its fields, its slices'
// and arrays' elements, and theirs.
func eachString(v reflect.Value, f func(string)) {
	switch v.Kind() {
	case reflect.String:
		f(v.String())
	case reflect.Struct:
		for i := range v.NumField() {
			eachString(v.Field(i), f)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			eachString(v.Index(i), f)
		}
	}
}

// faceSet is what a document is drawn with: fpdf's own faces (ttf), or the
// shared faces in the document's encoding (enc).
type faceSet struct {
	ttf map[face][]byte
	enc *encoding
}

// drawable are the characters (of the Basic Multilingual Plane) every face
// has a glyph for. Another would be drawn as the font's .notdef, which
// PDF/A and PDF/UA forbid, and fpdf refuses characters beyond the plane.
var drawable = sync.OnceValue(func() []bool {
	have := make([]bool, 0x10000)
	for r := range have {
		have[r] = true
	}
	var buf sfnt.Buffer
	for _, ttf := range fullFaces {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			panic("pdf: an embedded font does not parse: " + err.Error())
		}
		for r := range have {
			if have[r] {
				i, err := f.GlyphIndex(&buf, rune(r))
				have[r] = err == nil && i != 0
			}
		}
	}
	return have
})

// replacement stands for a character no face has. The faces have no
// U+FFFD; a question mark is what a reader expects of a name in a script
// the letter cannot show.
const replacement = '?'

// lookalikes stand for characters the faces lack but a near twin of
// which they have: a word processor's non-breaking hyphen above all.
var lookalikes = map[rune]rune{'\u2011': '-', '\u2023': '•', '\u2024': '.', '\u2027': '·'}

// printable is s as the documents can print it: a tab is a space, a
// character with a lookalike is that, and any other character no face has
// a glyph for is replacement.
func printable(s string) string { return strings.Map(printableRune, s) }

// printableRune is r as printable prints it.
func printableRune(r rune) rune {
	have := drawable()
	switch {
	case r == '\n' || r == '\r':
		return r
	case r == '\t':
		return ' '
	case r < rune(len(have)) && have[r]:
		return r
	case lookalikes[r] != 0:
		return lookalikes[r]
	}
	return replacement
}

// printableCopy returns a copy of v (a document's data) whose every
// string is printable; slices are copied, so v is unchanged.
func printableCopy[T any](v T) T {
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			if v.CanSet() {
				v.SetString(printable(v.String()))
			}
		case reflect.Struct:
			for i := range v.NumField() {
				if f := v.Field(i); f.CanSet() {
					walk(f)
				}
			}
		case reflect.Slice:
			if v.IsNil() || !v.CanSet() {
				return
			}
			c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			reflect.Copy(c, v)
			v.Set(c)
			for i := range c.Len() {
				walk(c.Index(i))
			}
		}
	}
	walk(reflect.ValueOf(&v).Elem())
	return v
}

// setFont sets a face, adding it to the document the first time it is
// used, so that a document carries only the faces it prints with.
func (d *doc) setFont(family, style string, size float64) {
	f := face{family, style}
	if d.enc != nil && d.added[f] {
		if cur := d.sharedFace(); cur.family == strings.ToLower(family) && cur.style == style {
			if pt, _ := d.f.GetFontSize(); pt == size {
				// fpdf would write the font into the page again.
				return
			}
		}
	}
	if !d.added[f] {
		if d.enc != nil {
			d.f.AddFontFromBytes(family, style, d.enc.faces[sharedFaces()[f].index].definition, nil)
		} else {
			d.f.AddUTF8FontFromBytes(family, style, d.faces[f])
		}
		d.added[f] = true
	}
	d.f.SetFont(family, style, size)
}

// t is s as fpdf is to be given it: as it is for fpdf's own faces, and in
// the document's encoding for the shared faces.
func (d *doc) t(s string) string {
	if d.enc == nil {
		return s
	}
	return d.enc.encode(s)
}

// runeWidth is the advance of r in the current face, in thousandths of
// the font size; widths are the current shared face's (d.widths), nil
// for fpdf's own.
func (d *doc) runeWidth(widths *[256]int, r rune) int {
	if widths == nil {
		var buf [utf8.UTFMax]byte
		return d.f.GetStringSymbolWidth(string(buf[:utf8.EncodeRune(buf[:], r)]))
	}
	return widths[d.enc.byteFor(r)]
}

// widths are the advances of the bytes in the current shared face, nil
// for fpdf's own faces. A page break can change the face (fpdf sets the
// one of the text again after the header).
func (d *doc) widths() *[256]int {
	if d.enc == nil {
		return nil
	}
	return &d.enc.faces[d.sharedFace().index].width
}

// sharedFace is the shared face fpdf draws with now: the one last set,
// or the one fpdf set again itself after a page's header.
func (d *doc) sharedFace() *sharedFace {
	family, style := d.f.GetFontFamily(), d.f.GetFontStyle()
	if sf := d.cur; sf != nil && sf.family == family && sf.style == style {
		return sf
	}
	for _, sf := range sharedFaces() {
		if sf.family == family && sf.style == style {
			d.cur = sf
			return sf
		}
	}
	panic("pdf: fpdf draws with a face not shared: " + family + style)
}

// lineCount is how many lines fpdf's SplitText breaks text into in a
// cell w wide, counting no further than limit+1 (limit < 0: all): for the
// shared faces, counted the same way here (fpdf would measure the encoded
// bytes as characters).
func (d *doc) lineCount(text string, w float64, limit int) int {
	if d.enc == nil {
		return len(d.f.SplitText(text, w))
	}
	widths := d.widths()
	_, size := d.f.GetFontSize()
	wmax := int(math.Ceil((w - 2*d.f.GetCellMargin()) * 1000 / size))
	s := strings.TrimRight(text, "\n")
	// i, j and sep are byte offsets: sep is where the last space ends.
	lines, sep, i, j, l := 0, -1, 0, 0, 0
	for i < len(s) {
		c, n := utf8.DecodeRuneInString(s[i:])
		l += widths[d.enc.byteFor(c)]
		if unicode.IsSpace(c) {
			sep = i + n
		}
		if c != '\n' && l <= wmax {
			i += n
			continue
		}
		if sep == -1 {
			if i == j {
				i += n
			}
		} else {
			i = sep
		}
		lines++
		if lines == limit+1 {
			return lines
		}
		sep, j, l = -1, i, 0
	}
	if i != j {
		lines++
	}
	return lines
}
