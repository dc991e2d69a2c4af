// Package pdf draws the documents of a round: the tjänsteutlåtande a nämnd
// answers with and KS's own on the answers (statement.go),
// the missiv that goes out with a remiss (missiv.go) and the protokollsutdrag
// of a decision (minutes.go). This file holds what they share: the page,
// its running header and footer, and the facts at the top of the first
// page; text.go sets the running text, lists and signatures; fonts.go holds
// the fonts. The look follows ../shared/reference: sans-serif headings and
// facts, serif running text.
package pdf

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Signatory is printed under the proposals.
type Signatory struct {
	Name, Title, Unit string
}

// Section is a heading and its text; blank lines separate paragraphs, and
// lines that begin with a bullet (-, –, •, *) or a number ("1.", "2)") are
// list items.
type Section struct {
	Heading string
	Body    string
}

const (
	marginLeft   = 25.0
	marginRight  = 20.0
	marginTop    = 20.0
	marginBottom = 22.0
	bodySize     = 11.5 // serif running text
	lineHeight   = 5.4
	headingSize  = 12.5 // sans bold
	titleSize    = 16
	factsSize    = 10 // the facts in the header block
	smallSize    = 8  // labels, running header and footer
	noteSize     = 9.5
)

// gray is the colour of labels, the running header and the footer.
var gray = [3]int{90, 90, 90}

type doc struct {
	f    *fpdf.Fpdf
	meta meta
	// head is the running header of every page after the first: who and
	// which ärende, at the left and the right.
	head [2]string
	// faces are fpdf's own faces the document may use (facesFor), or enc
	// the encoding it is drawn in with the shared faces (fastfonts.go);
	// added, those fpdf has been given; cur, the shared face last
	// measured with.
	faces map[face][]byte
	enc   *encoding
	added map[face]bool
	cur   *sharedFace
	// draft marks every page UTKAST (draftMark).
	draft bool
	// issuer heads the first page in the city's place (headerBlock); ""
	// is City.
	issuer string
	// tags is the structure tree being drawn (tags.go).
	tags *tagger
	// author is the organisation as the footer prints it; meta holds it
	// as given.
	author string
	// line and out are cell's and textCell's buffers.
	line, out []byte
	// inMargin is set while a page's header or footer is drawn, where
	// fpdf breaks no page.
	inMargin bool
}

// newDoc starts a document for author (the organisation, printed in the
// footer) whose later pages carry dnr and date in their running header;
// faces are those prepare chose for the document's data.
func newDoc(title, author, subject, dnr string, date time.Time, faces faceSet) *doc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(marginLeft, marginTop, marginRight)
	f.SetAutoPageBreak(true, marginBottom)
	// No text goes to fpdf's Info dictionary: archival writes Info itself.
	f.SetCreationDate(date)
	f.SetModificationDate(date)
	f.SetCatalogSort(true)
	// finish compresses the streams, with writers kept for the next
	// document.
	f.SetCompression(false)
	f.SetLang("sv-SE")
	if faces.enc == nil {
		// The shared faces' pages are counted by finish.
		f.AliasNbPages(pageCount)
	}
	d := &doc{f: f, meta: meta{Title: title, Author: author, Subject: subject, Date: date},
		head: [2]string{author, "Dnr " + dnr + " · " + date.Format("2006-01-02")}, faces: faces.ttf, enc: faces.enc, added: map[face]bool{},
		tags: newTagger(), author: author}
	f.SetHeaderFunc(d.runningHead)
	f.SetFooterFunc(d.footer)
	return d
}

// runningHead draws the running header of a page after the first (an
// artifact), then opens again the content a page break broke.
func (d *doc) runningHead() {
	d.inMargin = true
	defer func() { d.inMargin = false }()
	if d.draft {
		d.draftMark()
	}
	if d.f.PageNo() >= 2 {
		d.asArtifact(headerArtifact, func() {
			d.small()
			d.f.SetXY(marginLeft, 11)
			d.cell(110, 4, d.head[0], 0, "L")
			d.cell(0, 4, d.head[1], 0, "R")
			d.f.SetTextColor(0, 0, 0)
		})
		d.f.SetXY(marginLeft, marginTop)
	}
	d.pageBegins()
}

// draftMark prints UTKAST on the page, under what the page will carry:
// a line at its head that no reader can miss, and the word large and
// light across the page, so that no page of a draft passes for the
// approved document.
//
// The large word is a watermark (an artifact); the line is read, as the
// first paragraph of the document, on the first page, and is an artifact
// on the others.
func (d *doc) draftMark() {
	pageW, pageH := d.f.GetPageSize()
	d.asArtifact(watermarkArtifact, func() {
		d.sansFont("B", 130)
		d.f.SetTextColor(232, 232, 232)
		w := d.f.GetStringWidth(d.t(draftWord))
		d.f.TransformBegin()
		d.f.TransformRotate(55, pageW/2, pageH/2)
		d.f.Text(pageW/2-w/2, pageH/2+15, d.t(draftWord))
		d.f.TransformEnd()
	})
	line := func() {
		d.sansFont("B", noteSize)
		d.f.SetTextColor(176, 0, 32)
		d.f.SetXY(marginLeft, 5)
		d.cell(d.width(), 4, draftWord+" – inte godkänt, inte förseglat", 0, "C")
		d.f.SetTextColor(0, 0, 0)
	}
	if d.f.PageNo() == 1 {
		d.tagged("P", line)
	} else {
		d.asArtifact(headerArtifact, line)
	}
	d.f.SetXY(marginLeft, marginTop)
}

// draftWord marks a draft.
const draftWord = "UTKAST"

// footer closes the content a page break breaks, and draws the footer:
// a rule, who and the page number, an artifact.
func (d *doc) footer() {
	d.inMargin = true
	defer func() { d.inMargin = false }()
	d.pageEnds()
	d.asArtifact(footerArtifact, func() {
		pageW, pageH := d.f.GetPageSize()
		d.f.SetDrawColor(160, 160, 160)
		d.f.SetLineWidth(0.2)
		d.f.Line(marginLeft, pageH-15, pageW-marginRight, pageH-15)
		d.f.SetY(-14)
		d.small()
		who := d.author + " · Stockholms stad"
		if d.issuer != "" { // an outside body is not part of the city
			who = d.author
		}
		d.cell(120, 5, who, 0, "L")
		d.cell(0, 5, "Sida "+strconv.Itoa(d.f.PageNo())+" ("+pageCount+")", 0, "R")
		d.f.SetTextColor(0, 0, 0)
	})
}

// prepare returns a document's data as it can be printed (unchanged,
// unless it has a character no face can draw: printableCopy) and the
// faces to print it with.
func prepare[T any](data T) (T, faceSet) {
	faces, unprintable := facesFor(data)
	if unprintable {
		data = printableCopy(data)
	}
	return data, faces
}

// metadata sets the title, author and subject of the document's metadata
// as given, before prepare made them printable: the metadata needs no
// glyphs.
func (d *doc) metadata(title, author, subject string) {
	d.meta.Title, d.meta.Author, d.meta.Subject = title, author, subject
}

// small sets the gray small sans of labels, header and footer.
func (d *doc) small() {
	d.setFont(sans, "", smallSize)
	d.f.SetTextColor(gray[0], gray[1], gray[2])
}

// note prints a line about the text that follows or precedes it (a status,
// who decided) in gray sans.
func (d *doc) note(text string) {
	d.tagged("P", func() {
		d.setFont(sans, "", noteSize)
		d.f.SetTextColor(gray[0], gray[1], gray[2])
		d.multiCell(0, 4.8, text, false)
		d.f.SetTextColor(0, 0, 0)
	})
}

// font sets the serif of running text.
func (d *doc) font(size float64) { d.setFont(serif, "", size) }

// sansFont sets the sans of headings and facts: "" or "B".
func (d *doc) sansFont(style string, size float64) { d.setFont(sans, style, size) }

// width is the printable width of the page.
func (d *doc) width() float64 {
	pageW, _ := d.f.GetPageSize()
	return pageW - marginLeft - marginRight
}

// ensure starts a new page unless h millimetres remain above the footer.
func (d *doc) ensure(h float64) {
	_, pageH := d.f.GetPageSize()
	if d.f.GetY()+h > pageH-marginBottom {
		d.f.AddPage()
	}
}

// title prints the document's title (its one H1) and, under it, its
// subtitle.
func (d *doc) title(title, subtitle string) {
	d.tagged("H1", func() {
		d.sansFont("B", titleSize)
		d.multiCell(0, 7.2, title, false)
	})
	if subtitle != "" {
		d.f.Ln(0.5)
		d.tagged("P", func() {
			d.sansFont("", 12)
			d.multiCell(0, 6, subtitle, false)
		})
	}
}

// heading prints a section's heading, an H2.
func (d *doc) heading(text string) {
	// A heading never stands alone at a page foot: keep room for two lines.
	d.ensure(headingSize*0.5 + 3*lineHeight)
	d.f.Ln(3.5)
	d.tagged("H2", func() {
		d.sansFont("B", headingSize)
		d.multiCell(0, headingSize*0.5, text, false)
	})
	d.f.Ln(1.5)
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
	issuer := City
	if d.issuer != "" {
		issuer = d.issuer
	}
	d.tagged("P", func() {
		d.sansFont("B", 14)
		d.cell(80, 7, issuer, 2, "L")
	})
	d.sansFont("", factsSize)
	for _, line := range []string{org, unit} {
		if line != "" {
			d.f.SetX(left)
			d.tagged("P", func() { d.multiCell(80, 4.8, line, false) })
		}
	}
	leftBottom := d.f.GetY()

	d.f.SetXY(colX, top)
	d.tagged("P", func() {
		d.sansFont("B", 12)
		d.cell(75, 7, kind, 2, "L")
	})
	all := append([][2]string{{"Datum", date.Format("2006-01-02")}, {"Diarienummer", dnr}}, rows...)
	// The facts are a table of two columns, each row headed by its label.
	d.begin("Table")
	for _, r := range all {
		if r[1] != "" {
			d.fact(colX, 24, 51, r[0], r[1])
		}
	}
	d.end()
	if to != "" {
		d.f.SetXY(colX, d.f.GetY()+4)
		d.tagged("P", func() {
			d.sansFont("B", factsSize)
			d.multiCell(75, 4.8, to, false)
		})
	}
	d.f.SetY(max(leftBottom, d.f.GetY()) + 10)
}

// fact prints a gray label and its value at x, the value labelW to the
// right in a column w wide. A value of one word (an e-mail address) that
// is wider than the column is set smaller rather than broken.
func (d *doc) fact(x, labelW, w float64, label, value string) {
	y := d.f.GetY()
	d.f.SetXY(x, y)
	d.begin("TR")
	d.mark("TH").scope = "Row"
	d.small()
	d.cell(labelW, 4.8, label, 0, "L")
	d.f.SetTextColor(0, 0, 0)
	d.end()
	size := float64(factsSize)
	d.sansFont("", size)
	if !strings.ContainsAny(value, " \n") {
		for size > 7 && d.f.GetStringWidth(d.t(value)) > w-0.5 {
			size -= 0.5
			d.sansFont("", size)
		}
	}
	d.f.SetXY(x+labelW, y)
	d.tagged("TD", func() { d.multiCell(w, 4.8, value, false) })
	d.end()
}

// pageCount stands for the number of pages until the last is drawn.
const pageCount = "{nb}"

// render draws a document with faces, and draws it again with fpdf's own
// faces if it printed a character the document's encoding lacks; then it
// writes it.
func render(faces faceSet, draw func(faceSet) *doc) ([]byte, error) {
	d := draw(faces)
	if d.enc != nil && d.enc.missed {
		d = draw(faceSet{ttf: fullFaces})
	}
	return d.bytes()
}

// bytes writes the document as PDF/A-2a and PDF/UA-1.
func (d *doc) bytes() ([]byte, error) {
	// fpdf's output and finish's are read only until archival has copied
	// them into the file.
	fpdfOut, first := outputPool.Get().(*bytes.Buffer), outputPool.Get().(*bytes.Buffer)
	defer outputPool.Put(fpdfOut)
	defer outputPool.Put(first)
	fpdfOut.Reset()
	first.Reset()
	if err := d.f.Output(fpdfOut); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	if err := d.finish(first, fpdfOut.Bytes()); err != nil {
		return nil, err
	}
	return archival(first.Bytes(), d.meta, d.tags)
}

// outputPool holds the buffers a document is written into before
// archival: fpdf's output, and finish's.
var outputPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}
