// Package pdf draws the documents of a round: the tjänsteutlåtande a nämnd
// answers with (statement.go), the sammanställning KS compiles (summary.go),
// the missiv that goes out with a remiss (missiv.go) and the protokollsutdrag
// of a decision (minutes.go). This file holds what they share. Fonts are the
// Go fonts, embedded in the binary, so every machine renders the same bytes
// and every Swedish character (å ä ö é ” –) is covered.
package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// Signatory is printed under the proposals.
type Signatory struct {
	Name, Title, Unit string
}

// Section is a heading and its text; blank lines separate paragraphs.
type Section struct {
	Heading string
	Body    string
}

const (
	marginLeft   = 25.0
	marginRight  = 20.0
	marginTop    = 20.0
	marginBottom = 22.0
	bodySize     = 11.0
	lineHeight   = 5.4
)

type doc struct {
	f    *fpdf.Fpdf
	meta meta
}

func newDoc(title, author, subject string, date time.Time) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(marginLeft, marginTop, marginRight)
	f.SetAutoPageBreak(true, marginBottom)
	f.AddUTF8FontFromBytes("go", "", goregular.TTF)
	f.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	f.AddUTF8FontFromBytes("go", "I", goitalic.TTF)
	// No text goes to fpdf's Info dictionary: archival writes Info itself.
	f.SetCreationDate(date)
	f.SetModificationDate(date)
	f.SetCatalogSort(true)
	f.SetCompression(true)
	f.SetLang("sv-SE")
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		pageW, pageH := f.GetPageSize()
		f.SetDrawColor(160, 160, 160)
		f.SetLineWidth(0.2)
		f.Line(marginLeft, pageH-15, pageW-marginRight, pageH-15)
		f.SetY(-14)
		f.SetFont("go", "", 8)
		f.SetTextColor(90, 90, 90)
		f.CellFormat(120, 5, author+" · Stockholms stad", "", 0, "L", false, 0, "")
		f.SetTextColor(0, 0, 0)
		f.SetFont("go", "", 9)
		f.CellFormat(0, 5, fmt.Sprintf("Sida %d ({nb})", f.PageNo()), "", 0, "R", false, 0, "")
	})
	return &doc{f: f, meta: meta{Title: title, Author: author, Subject: subject, Date: date}}
}

func (d *doc) font(style string, size float64) { d.f.SetFont("go", style, size) }

// ensure starts a new page unless h millimetres remain above the footer.
func (d *doc) ensure(h float64) {
	_, pageH := d.f.GetPageSize()
	if d.f.GetY()+h > pageH-marginBottom {
		d.f.AddPage()
	}
}

func (d *doc) heading(text string, size float64) {
	// A heading never stands alone at a page foot: keep room for two lines.
	d.ensure(size*0.5 + 3*lineHeight)
	d.f.Ln(3)
	d.font("B", size)
	d.f.MultiCell(0, size*0.5, text, "", "L", false)
	d.f.Ln(1.5)
}

func (d *doc) paragraphs(text string) {
	d.font("", bodySize)
	for _, p := range splitParagraphs(text) {
		d.f.MultiCell(0, lineHeight, p, "", "L", false)
		d.f.Ln(2)
	}
}

// numbered prints items as "1." with a hanging indent.
func (d *doc) numbered(items []string) {
	d.font("", bodySize)
	left, _, _, _ := d.f.GetMargins()
	for i, item := range items {
		d.ensure(lineHeight * 2)
		y := d.f.GetY()
		d.f.SetXY(left, y)
		d.f.CellFormat(8, lineHeight, fmt.Sprintf("%d.", i+1), "", 0, "L", false, 0, "")
		d.f.SetXY(left+8, y)
		pageW, _ := d.f.GetPageSize()
		d.f.MultiCell(pageW-left-marginRight-8, lineHeight, item, "", "L", false)
		d.f.Ln(1.5)
	}
}

func (d *doc) signatories(list []Signatory) {
	for _, s := range list {
		d.ensure(lineHeight * 4)
		d.f.Ln(4)
		d.font("", bodySize)
		d.f.MultiCell(0, lineHeight, s.Name, "", "L", false)
		d.f.MultiCell(0, lineHeight, s.Title, "", "L", false)
		if s.Unit != "" {
			d.f.MultiCell(0, lineHeight, s.Unit, "", "L", false)
		}
	}
}

// City is printed above every organisation block.
const City = "STOCKHOLMS STAD"

// headerBlock prints, as in ../shared/reference: the city and the
// organisation at the left; at the right the document's kind with its
// labelled facts (Datum, Diarienummer, then rows), and the addressee.
func (d *doc) headerBlock(org, unit, kind string, date time.Time, dnr string, rows [][2]string, to string) {
	pageW, _ := d.f.GetPageSize()
	left := marginLeft
	colX := pageW - marginRight - 75
	top := d.f.GetY()
	d.f.SetXY(left, top)
	d.font("B", 14)
	d.f.CellFormat(80, 7, City, "", 2, "L", false, 0, "")
	d.font("", 10)
	for _, line := range []string{org, unit} {
		if line != "" {
			d.f.SetX(left)
			d.f.MultiCell(80, 4.8, line, "", "L", false)
		}
	}
	leftBottom := d.f.GetY()

	d.f.SetXY(colX, top)
	d.font("B", 12)
	d.f.CellFormat(75, 7, kind, "", 2, "L", false, 0, "")
	all := append([][2]string{{"Datum", date.Format("2006-01-02")}, {"Diarienummer", dnr}}, rows...)
	for _, r := range all {
		if r[1] == "" {
			continue
		}
		y := d.f.GetY()
		d.f.SetXY(colX, y)
		d.font("", 8)
		d.f.SetTextColor(90, 90, 90)
		d.f.CellFormat(24, 4.8, r[0], "", 0, "L", false, 0, "")
		d.f.SetTextColor(0, 0, 0)
		d.font("", 10)
		d.f.SetXY(colX+24, y)
		d.f.MultiCell(51, 4.8, r[1], "", "L", false)
	}
	if to != "" {
		d.f.SetXY(colX, d.f.GetY()+4)
		d.font("B", 10)
		d.f.MultiCell(75, 4.8, to, "", "L", false)
	}
	d.f.SetY(max(leftBottom, d.f.GetY()) + 10)
}

// bytes writes the document as PDF/A-2b.
func (d *doc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.f.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return archival(buf.Bytes(), d.meta)
}

func splitParagraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
