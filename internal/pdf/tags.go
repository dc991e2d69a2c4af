package pdf

import (
	"strconv"
)

// The documents are tagged PDF (PDF/UA-1, and PDF/A-2 level A): while a
// document is drawn, every piece of its content is drawn inside a marked-
// content sequence that belongs to an element of its structure tree (a
// heading, a paragraph, a list item, a table cell), and whatever is there
// only for the eye (the running header and footer, page numbers, rules,
// the UTKAST watermark) is marked as an artifact. archival writes the tree
// (tree.go) from what was recorded here.

// node is an element of the structure tree: a standard structure type
// (PDF 32000-1 14.8.4) and its kids in reading order, each a *node or a
// piece of marked content on a page.
type node struct {
	typ    string // "Document", "H1", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD"
	parent *node
	kids   []any // *node or mcr
	// scope is a TH's: "Row" or "Column".
	scope string
	// numbering is an L's ListNumbering: "Decimal", "LowerAlpha", "Disc".
	numbering string
	// num is the element's object number once written.
	num int
}

// mcr is a marked-content sequence: its page (from 1) and its MCID there.
type mcr struct{ page, mcid int }

// tagger records the structure tree as the document is drawn.
type tagger struct {
	root *node
	cur  *node // the innermost open element
	// open is the element whose marked content is open, if any; broken is
	// one that a page break closed, to be opened again on the new page.
	open, broken *node
	// mcids is, for each page (from 1), the element of each MCID there.
	mcids [][]*node
	// nodes counts the elements.
	nodes int
}

func newTagger() *tagger {
	root := &node{typ: "Document"}
	return &tagger{root: root, cur: root, mcids: [][]*node{nil}}
}

// begin opens an element that groups others (L, LI, Table, TR): it has
// no content of its own.
func (d *doc) begin(typ string) *node {
	t := d.tags
	n := &node{typ: typ, parent: t.cur}
	t.nodes++
	t.cur.kids = append(t.cur.kids, n)
	t.cur = n
	return n
}

// end closes the innermost element, and its content if it has any open.
func (d *doc) end() {
	t := d.tags
	if t.open == t.cur {
		d.f.RawWriteStr("EMC")
		t.open = nil
	}
	if t.cur.parent != nil {
		t.cur = t.cur.parent
	}
}

// mark opens an element that holds content (H1, P, Lbl, LBody, TH, TD):
// what is drawn until end is its content.
func (d *doc) mark(typ string) *node {
	n := d.begin(typ)
	d.content(n)
	return n
}

// content starts a marked-content sequence for n on the current page.
func (d *doc) content(n *node) {
	t := d.tags
	page := d.f.PageNo()
	for len(t.mcids) <= page {
		t.mcids = append(t.mcids, nil)
	}
	id := len(t.mcids[page])
	t.mcids[page] = append(t.mcids[page], n)
	n.kids = append(n.kids, mcr{page: page, mcid: id})
	d.f.RawWriteStr("/" + n.typ + " <</MCID " + strconv.Itoa(id) + ">> BDC")
	t.open = n
}

// tagged draws, with draw, the content of an element of type typ.
func (d *doc) tagged(typ string, draw func()) {
	d.mark(typ)
	draw()
	d.end()
}

// artifactKind is an artifact's /Type and /Subtype (ISO 32000-1 14.8.2.2).
type artifactKind struct{ typ, subtype string }

var (
	headerArtifact    = artifactKind{"Pagination", "Header"}
	footerArtifact    = artifactKind{"Pagination", "Footer"}
	watermarkArtifact = artifactKind{"Pagination", "Watermark"}
	layoutArtifact    = artifactKind{"Layout", ""}
)

// asArtifact draws, with draw, what is on the page only for the eye. Any
// content open is closed around it, and opened again after it on the
// same page.
func (d *doc) asArtifact(k artifactKind, draw func()) {
	t := d.tags
	open := t.open
	if open != nil {
		d.f.RawWriteStr("EMC")
		t.open = nil
	}
	props := "/Type /" + k.typ
	if k.subtype != "" {
		props += " /Subtype /" + k.subtype
	}
	d.f.RawWriteStr("/Artifact <<" + props + ">> BDC")
	draw()
	d.f.RawWriteStr("EMC")
	if open != nil {
		d.content(open)
	}
}

// pageEnds is called as a page ends (before its footer): content broken
// by the page break is closed here, and opened again by pageBegins on the
// next page as more of the same element.
func (d *doc) pageEnds() {
	t := d.tags
	if t.open != nil {
		d.f.RawWriteStr("EMC")
		t.broken, t.open = t.open, nil
	}
}

// pageBegins is called when the running header of a new page is drawn.
func (d *doc) pageBegins() {
	t := d.tags
	if t.broken != nil {
		d.content(t.broken)
		t.broken = nil
	}
}
