package pdf

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// listMarker is what begins a list item in a text: a bullet (-, –, •, *),
// a number ("1.", "12)") or a letter ("a)"), then a space.
var listMarker = regexp.MustCompile(`^([-–•*]|[0-9]{1,3}[.)]|[a-zåäö]\))\s+`)

// block is a run of plain lines or one list item of a paragraph.
type block struct {
	label string // "" for plain text; "•", "1.", "a)" for a list item
	text  string
}

// blocks splits a paragraph into plain text (its line breaks kept) and list
// items. A line indented under an item continues it.
func blocks(paragraph string) []block {
	var out []block
	for _, line := range strings.Split(paragraph, "\n") {
		trimmed := strings.TrimSpace(line)
		last := len(out) - 1
		switch m := listMarker.FindStringSubmatch(trimmed); {
		case trimmed == "":
		case m != nil:
			label := m[1]
			if strings.ContainsAny(label, "-–•*") {
				label = "•"
			}
			out = append(out, block{label: label, text: strings.TrimSpace(trimmed[len(m[0]):])})
		case last >= 0 && out[last].label != "" && line != strings.TrimLeft(line, " \t"):
			out[last].text += " " + trimmed
		case last >= 0 && out[last].label == "":
			out[last].text += "\n" + trimmed
		default:
			out = append(out, block{text: trimmed})
		}
	}
	return out
}

// paragraphs prints text: blank lines part paragraphs, and list items get
// a hanging indent.
func (d *doc) paragraphs(text string) {
	for _, p := range Paragraphs(text) {
		var items []block
		flush := func() {
			if len(items) > 0 {
				d.list(items)
				items = nil
			}
		}
		bs := blocks(p)
		for i, b := range bs {
			if b.label != "" {
				items = append(items, b)
				continue
			}
			flush()
			d.font(bodySize)
			d.keep(b.text, i+1 < len(bs))
			d.tagged("P", func() { d.multiCell(0, lineHeight, b.text, false) })
		}
		flush()
		d.f.Ln(2)
	}
}

// keep starts a new page before text rather than leave its first line
// alone at the foot of a page; a short text that leads into a list
// (withNext) keeps the list's first item with it.
func (d *doc) keep(text string, withNext bool) {
	// It never asks for more than six lines: with room for them left,
	// the text's lines need not be counted.
	if _, pageH := d.f.GetPageSize(); d.f.GetY()+6*lineHeight <= pageH-marginBottom {
		return
	}
	// Five lines or more are as many as keep needs to know.
	lines := d.lineCount(text, d.width()-2*d.f.GetCellMargin(), 5)
	need := min(lines, 2)
	if withNext && lines <= 4 {
		need = lines + 2
	}
	d.ensure(float64(need) * lineHeight)
}

// numbered prints items as a list numbered 1., 2., …
func (d *doc) numbered(items []string) {
	list := make([]block, len(items))
	for i, item := range items {
		list[i] = block{label: fmt.Sprintf("%d.", i+1), text: item}
	}
	d.list(list)
	d.f.Ln(1)
}

// list prints items with a hanging indent: the label at the margin, the
// text and every line it wraps to at one indent, wide enough for the
// widest label. It is tagged as a list (L) of items (LI), each its label
// (Lbl) and its body (LBody).
func (d *doc) list(items []block) {
	if len(items) == 0 {
		return
	}
	d.font(bodySize)
	indent := 7.0
	for _, it := range items {
		indent = max(indent, d.f.GetStringWidth(d.t(it.label))+2.5)
	}
	d.begin("L").numbering = numbering(items[0].label)
	for i, it := range items {
		if i > 0 {
			d.f.Ln(1)
		}
		d.ensure(lineHeight * 2)
		y := d.f.GetY()
		d.begin("LI")
		d.f.SetXY(marginLeft, y)
		d.tagged("Lbl", func() { d.cell(indent, lineHeight, it.label, 0, "L") })
		d.f.SetXY(marginLeft+indent, y)
		d.tagged("LBody", func() { d.multiCell(d.width()-indent, lineHeight, it.text, false) })
		d.end()
	}
	d.end()
	d.f.SetX(marginLeft)
}

// numbering is the ListNumbering of a list whose first label is label.
func numbering(label string) string {
	switch {
	case label == "•":
		return "Disc"
	case label != "" && label[0] >= 'a' && label[0] <= 'z':
		return "LowerAlpha"
	}
	return "Decimal"
}

// signatories prints names and titles two to a row, as signatures stand
// under a tjänsteutlåtande.
func (d *doc) signatories(list []Signatory) {
	col := d.width() / 2
	for i := 0; i < len(list); i += 2 {
		row := list[i:min(i+2, len(list))]
		d.ensure(lineHeight * 4)
		d.f.Ln(6)
		top, bottom := d.f.GetY(), d.f.GetY()
		for j, s := range row {
			x := marginLeft + float64(j)*col
			d.f.SetXY(x, top)
			// A signatory is one paragraph: name, title, unit.
			d.tagged("P", func() {
				d.sansFont("B", 11)
				d.multiCell(col-4, lineHeight, s.Name, false)
				d.font(bodySize)
				for _, line := range []string{s.Title, s.Unit} {
					if line != "" {
						d.f.SetX(x)
						d.multiCell(col-4, lineHeight, line, false)
					}
				}
			})
			bottom = max(bottom, d.f.GetY())
		}
		d.f.SetXY(marginLeft, bottom)
	}
}

// Approval is who approved a document, with their title, and when.
type Approval struct {
	Name, Title string
	Date        time.Time
}

// approval prints under the signatures who approved the document, their
// title and the date: one line on a gray band, which reads the same aloud
// and copied.
func (d *doc) approval(a Approval) {
	if a.Name == "" {
		return
	}
	line := "Godkänt av " + a.Name
	if a.Title != "" {
		line += ", " + a.Title
	}
	line += ", " + a.Date.Format("2006-01-02") + "."
	d.ensure(lineHeight * 3)
	d.f.Ln(5)
	d.sansFont("", factsSize)
	d.f.SetFillColor(238, 238, 238)
	cm := d.f.GetCellMargin()
	d.f.SetCellMargin(2.5)
	d.tagged("P", func() { d.multiCell(0, 7, line, true) })
	d.f.SetCellMargin(cm)
	d.f.SetFillColor(255, 255, 255)
}

// Paragraphs splits a text into the paragraphs a document prints: blank
// lines part them.
func Paragraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// multiCell is fpdf's MultiCell for left-aligned text without a border,
// breaking its lines where MultiCell does, except that every line but one
// broken inside a word ends in a space. Left-aligned,
// the space is not seen; but text taken from the page or its structure
// (by a screen reader, by copying) no longer runs the last word of a
// line into the first of the next.
func (d *doc) multiCell(w, h float64, text string, fill bool) {
	f := d.f
	left, _, right, _ := f.GetMargins()
	if w == 0 {
		pageW, _ := f.GetPageSize()
		w = pageW - right - f.GetX()
	}
	_, size := f.GetFontSize()
	wmax := int(math.Ceil((w - 2*f.GetCellMargin()) * 1000 / size))
	s := strings.TrimRight(strings.ReplaceAll(text, "\r", ""), "\n")
	widths := d.widths()
	var buf []byte
	line := func(part string, space bool) {
		var str string
		if d.enc != nil {
			buf = buf[:0]
			for _, r := range part {
				buf = append(buf, codePrefix, d.enc.byteFor(r))
			}
			if space {
				buf = append(buf, codePrefix, ' ')
			}
			if fill {
				str = string(buf)
			}
		} else if str = part; space {
			str += " "
		}
		if d.enc != nil && !fill {
			d.textCell(w, h, buf, 2, "L")
		} else {
			f.CellFormat(w, h, str, "", 2, "L", fill, 0, "")
		}
		widths = d.widths() // the line may have begun a page
	}
	// i, j and sep are byte offsets in s; sep is the last space's.
	sep, i, j, l := -1, 0, 0, 0
	for i < len(s) {
		c, n := utf8.DecodeRuneInString(s[i:])
		if c == '\n' {
			line(s[j:i], true)
			i += n
			sep, j, l = -1, i, 0
			continue
		}
		if c == ' ' {
			sep = i
		}
		l += d.runeWidth(widths, c)
		if l <= wmax {
			i += n
			continue
		}
		if sep == -1 {
			if i == j {
				i += n
			}
			line(s[j:i], false)
		} else {
			line(s[j:sep], true)
			i = sep + 1
		}
		sep, j, l = -1, i, 0
	}
	// The last line ends in a space too, so that the next text of the
	// same element (a signatory's title under the name) is a new word.
	line(s[j:i], i > j)
	f.SetX(left)
}

// cell draws text in a cell w wide (0: to the right margin) and h high,
// aligned "L", "R" or "C", without border or fill, and moves right (ln
// 0) or down (ln 2), as fpdf's CellFormat does.
func (d *doc) cell(w, h float64, text string, ln int, align string) {
	if d.enc == nil {
		d.f.CellFormat(w, h, text, "", ln, align, false, 0, "")
		return
	}
	d.line = d.line[:0]
	for _, r := range text {
		d.line = append(d.line, codePrefix, d.enc.byteFor(r))
	}
	d.textCell(w, h, d.line, ln, align)
}

// textCell draws enc, text in the document's encoding, as fpdf's
// CellFormat draws it in a cell w wide and h high, aligned "L", "R" or
// "C", without border or fill, then moves right (ln 0) or down (ln 2):
// the same page break before it (none in a page's header or footer), the
// same operators, the same numbers, but without fpdf's formatting through
// fmt, which took most of a long document's drawing.
func (d *doc) textCell(w, h float64, enc []byte, ln int, align string) {
	f := d.f
	pageW, pageH := f.GetPageSize()
	if auto, margin := f.GetAutoPageBreak(); auto && !d.inMargin && f.GetY()+h > pageH-margin {
		x := f.GetX()
		f.AddPage()
		f.SetX(x)
	}
	x, y := f.GetXY()
	if w == 0 {
		_, _, right, _ := f.GetMargins()
		w = pageW - right - x
	}
	if len(enc) > 0 {
		k := f.GetConversionRatio()
		_, size := f.GetFontSize()
		dx := f.GetCellMargin()
		if align != "L" {
			widths, units := d.widths(), 0
			for _, c := range enc {
				units += widths[c]
			}
			width := float64(units) * size / 1000
			if dx = (w - width) / 2; align == "R" {
				dx = w - f.GetCellMargin() - width
			}
		}
		b := d.out[:0]
		tr, tg, tb := f.GetTextColor()
		fr, fg, fb := f.GetFillColor()
		colored := tr != fr || tg != fg || tb != fb
		if colored {
			b = append(b, "q "...)
			b = appendColor(b, tr, tg, tb)
			b = append(b, ' ')
		}
		b = append(b, "BT "...)
		b = strconv.AppendFloat(b, (x+dx)*k, 'f', 2, 64)
		b = append(b, ' ')
		b = strconv.AppendFloat(b, (pageH-(y+.5*h+.3*size))*k, 'f', 2, 64)
		b = append(b, " Td ("...)
		for _, c := range enc {
			if c == '\\' || c == '(' || c == ')' {
				b = append(b, '\\')
			}
			b = append(b, c)
		}
		b = append(b, ")Tj ET"...)
		if colored {
			b = append(b, " Q"...)
		}
		f.RawWriteStr(string(b))
		d.out = b
	}
	if ln == 0 {
		f.SetX(x + w)
	} else {
		f.SetXY(x, y+h)
	}
}

// appendColor appends the operator that sets the fill colour (of text)
// to r, g, b, as fpdf writes it.
func appendColor(b []byte, r, g, bl int) []byte {
	if r == g && r == bl {
		return append(strconv.AppendFloat(b, float64(r)/255, 'f', 3, 64), " g"...)
	}
	for _, v := range []int{r, g, bl} {
		b = append(strconv.AppendFloat(b, float64(v)/255, 'f', 3, 64), ' ')
	}
	return append(b, "rg"...)
}
