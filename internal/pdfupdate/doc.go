// Package pdfupdate reads PDF files and appends incremental updates to them.
//
// The reader parses: a tokenizer that knows strings, names, numbers,
// comments and streams, and objects found only through the cross-reference
// data (classic tables, cross-reference streams, object streams, hybrid
// files and chains of incremental updates, the newest definition winning).
// Text in a string or a stream is never taken for structure, and every
// lookup is an index, never a scan of the file. Budgets (Limits) bound the
// size, the objects, the nesting, the chains of references and the total
// work; a malformed file, or one over a budget, is refused with an *Error
// whose text is Swedish.
//
// The writer (Update) appends objects, a cross-reference section and a
// trailer after the bytes already there, which are never rewritten: that
// keeps an earlier signature valid and a stored hash meaningful. Every
// string it writes is a hex string, which no text can end.
package pdfupdate

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sort"
)

// Doc is a parsed PDF: its newest trailer and an index of its objects,
// read on demand and kept once read.
type Doc struct {
	Raw       []byte
	Trailer   Dict   // the newest trailer (or cross-reference stream's dictionary)
	Root      Ref    // the catalog
	Info      Ref    // the document information dictionary; Num 0 if none
	ID0       []byte // the first part of the file identifier
	Size      int    // one more than the highest object number in use
	StartXref int64  // offset of the newest cross-reference section
	// XrefStream is true when the newest section is a stream; an update
	// then writes one too.
	XrefStream bool
	// Encrypted is true when the trailer names an /Encrypt dictionary: the
	// structure reads, but strings and streams are ciphertext.
	Encrypted bool

	lim     Limits
	bud     *budget
	entries []entry
	cache   map[int]Object
	busy    map[int]bool
	objstms map[int]*objStream
	depth   int
}

// entry is one object number's newest cross-reference entry.
type entry struct {
	set  bool  // a section has defined it: older sections cannot change it
	kind uint8 // 0 free, 1 at an offset in the file, 2 in an object stream
	gen  int   // kind 1: the generation; kind 2: the index in the stream
	off  int64 // kind 1: the offset; kind 2: the object stream's number
}

// Parse reads raw with the default limits and no deadline.
func Parse(raw []byte) (*Doc, error) {
	return Open(context.Background(), raw, DefaultLimits)
}

// Open reads raw's cross-reference data and trailer within lim; objects
// are read later, on demand, within the same budget and context.
func Open(ctx context.Context, raw []byte, lim Limits) (*Doc, error) {
	if len(raw) > lim.MaxSize {
		return nil, overBudget(fmt.Sprintf("filen är större än %d MB", lim.MaxSize>>20))
	}
	if len(raw) < 8 || string(raw[:5]) != "%PDF-" {
		return nil, malformed("det är ingen PDF-fil (den börjar inte med %%PDF-)")
	}
	d := &Doc{Raw: raw, lim: lim, bud: newBudget(ctx, lim.MaxWork), cache: map[int]Object{},
		busy: map[int]bool{}, objstms: map[int]*objStream{}}
	start, err := d.startxref()
	if err != nil {
		return nil, err
	}
	d.StartXref = start
	if err := d.readSections(start); err != nil {
		return nil, err
	}
	if err := d.readTrailer(); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Doc) lexerAt(b []byte, pos int) *lexer {
	return &lexer{b: b, pos: pos, bud: d.bud, maxDepth: d.lim.MaxDepth}
}

func (d *Doc) readTrailer() error {
	t := d.Trailer
	root, ok := t.Ref("Root")
	if !ok {
		return malformed("trailern saknar /Root")
	}
	d.Root = root
	d.Info, _ = t.Ref("Info") // anything else is no Info dictionary
	size, ok := t.Int("Size")
	if !ok || size < 0 || size > int64(d.lim.MaxObjects) {
		return malformed("trailern saknar ett giltigt /Size")
	}
	d.Size = max(int(size), len(d.entries))
	if id, ok := t["ID"].(Array); ok && len(id) == 2 {
		if s, ok := id[0].(String); ok && len(s) > 0 && len(s) <= 64 {
			d.ID0 = s
		}
	}
	if d.ID0 == nil {
		sum := sha256.Sum256(d.Raw)
		d.ID0 = sum[:16]
	}
	_, d.Encrypted = t["Encrypt"]
	return nil
}

// Resolve follows references until o is a direct object; a reference to
// an object that does not exist is null, as PDF says.
func (d *Doc) Resolve(o Object) (Object, error) {
	for i := 0; ; i++ {
		r, ok := o.(Ref)
		if !ok {
			return o, nil
		}
		if i >= d.lim.MaxChain {
			return nil, overBudget("den har för långa kedjor av referenser")
		}
		var err error
		if o, err = d.object(r); err != nil {
			return nil, err
		}
	}
}

// Dict resolves o and checks that it is a dictionary.
func (d *Doc) Dict(o Object) (Dict, error) {
	v, err := d.Resolve(o)
	if err != nil {
		return nil, err
	}
	dict, ok := v.(Dict)
	if !ok {
		return nil, malformed("ett objekt som ska vara en ordlista är det inte")
	}
	return dict, nil
}

// Catalog is the document's catalog dictionary.
func (d *Doc) Catalog() (Dict, error) { return d.Dict(d.Root) }

// Numbers lists the object numbers in use, in order.
func (d *Doc) Numbers() []int {
	var nums []int
	for n, e := range d.entries {
		if e.kind == 1 || e.kind == 2 {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	return nums
}

// Objects reads every object in use, and so checks that the whole file
// parses within the limits; it returns them by number.
func (d *Doc) Objects() (map[int]Object, error) {
	out := map[int]Object{}
	for _, n := range d.Numbers() {
		o, err := d.object(Ref{Num: n, Gen: d.genOf(n)})
		if err != nil {
			return nil, err
		}
		out[n] = o
	}
	return out, nil
}

// genOf is the generation a reference to n must carry.
func (d *Doc) genOf(n int) int {
	if e := d.entries[n]; e.kind == 1 {
		return e.gen
	}
	return 0
}

// object reads the newest definition of r, or nil when there is none.
func (d *Doc) object(r Ref) (Object, error) {
	if r.Num < 0 || r.Num >= len(d.entries) {
		return nil, nil
	}
	e := d.entries[r.Num]
	if e.kind == 0 || e.kind == 1 && e.gen != r.Gen || e.kind == 2 && r.Gen != 0 {
		return nil, nil
	}
	if o, ok := d.cache[r.Num]; ok {
		return o, nil
	}
	if d.busy[r.Num] {
		return nil, malformed("objekt %d hänvisar till sig självt", r.Num)
	}
	if d.depth >= d.lim.MaxChain {
		return nil, overBudget("den har för långa kedjor av referenser")
	}
	d.busy[r.Num] = true
	d.depth++
	defer func() { delete(d.busy, r.Num); d.depth-- }()
	var o Object
	var err error
	if e.kind == 1 {
		o, err = d.indirectAt(e.off, r, true)
	} else {
		o, err = d.inObjStream(int(e.off), e.gen, r.Num)
	}
	if err != nil {
		return nil, err
	}
	d.cache[r.Num] = o
	return o, nil
}
