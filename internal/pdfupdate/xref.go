package pdfupdate

import "bytes"

// startxref reads the offset after the last "startxref" in the file's
// last kilobyte, which only white space and comments (%%EOF) may follow.
func (d *Doc) startxref() (int64, error) {
	tail := max(0, len(d.Raw)-1024)
	at := bytes.LastIndex(d.Raw[tail:], []byte("startxref"))
	if at < 0 {
		return 0, malformed("startxref saknas i slutet av filen")
	}
	l := d.lexerAt(d.Raw, tail+at)
	if err := l.keyword("startxref"); err != nil {
		return 0, err
	}
	off, err := l.integer()
	if err != nil {
		return 0, err
	}
	if t, err := l.next(); err != nil || t.kind != tokEOF {
		return 0, malformed("filen har innehåll efter %%%%EOF")
	}
	if off >= int64(len(d.Raw)) {
		return 0, malformed("startxref pekar utanför filen")
	}
	return off, nil
}

// readSections reads the cross-reference sections from the newest back
// through /Prev: the first definition of a number found is the newest.
func (d *Doc) readSections(off int64) error {
	seen := map[int64]bool{}
	for n := 0; ; n++ {
		if n >= d.lim.MaxRevisions {
			return overBudget("den har för många revisioner")
		}
		if seen[off] {
			return malformed("korsreferenserna bildar en slinga")
		}
		seen[off] = true
		trailer, stream, err := d.section(off)
		if err != nil {
			return err
		}
		if d.Trailer == nil {
			d.Trailer, d.XrefStream = trailer.Clone(), stream
		}
		// An update's trailer should repeat the document's keys; where a
		// writer left one out, the older trailer's holds.
		for _, k := range []Name{"Root", "Info", "ID", "Encrypt"} {
			if _, ok := d.Trailer[k]; !ok && trailer[k] != nil {
				d.Trailer[k] = trailer[k]
			}
		}
		// A hybrid file's table names a stream with the objects that only
		// readers of streams see; they come before the older sections.
		if x, ok := trailer.Int("XRefStm"); ok && !stream {
			if x < 0 || x >= int64(len(d.Raw)) || seen[x] {
				return malformed("/XRefStm pekar fel")
			}
			seen[x] = true
			if _, _, err := d.section(x); err != nil {
				return err
			}
		}
		prev, ok := trailer["Prev"]
		if !ok {
			return nil
		}
		p, ok := prev.(int64)
		if !ok || p < 0 || p >= int64(len(d.Raw)) {
			return malformed("/Prev pekar utanför filen")
		}
		off = p
	}
}

// section reads the cross-reference section at off, a table or a stream,
// and returns its trailer dictionary.
func (d *Doc) section(off int64) (Dict, bool, error) {
	l := d.lexerAt(d.Raw, int(off))
	t, err := l.next()
	if err != nil {
		return nil, false, err
	}
	if t.kind == tokKeyword && string(t.b) == "xref" {
		tr, err := d.table(l)
		return tr, false, err
	}
	if t.kind == tokInt {
		tr, err := d.xrefStream(off)
		return tr, true, err
	}
	return nil, false, malformed("ingen korsreferenstabell där startxref eller /Prev pekar")
}

// define records an entry unless a newer section already has.
func (d *Doc) define(num int64, e entry) error {
	if num < 0 || num >= int64(d.lim.MaxObjects) {
		return overBudget("den har för många objekt")
	}
	if int(num) >= len(d.entries) {
		// Grow by doubling: a section lists its numbers in ascending order,
		// and growing by one each time would copy the index each time.
		if int(num) >= cap(d.entries) {
			grown := make([]entry, len(d.entries), max(int(num)+1, 2*cap(d.entries)))
			copy(grown, d.entries)
			d.entries = grown
		}
		d.entries = d.entries[:num+1]
	}
	if !d.entries[num].set {
		e.set = true
		d.entries[num] = e
	}
	return nil
}

// table reads a classic table's subsections ("start count", then count
// lines "offset generation n|f") and its trailer.
func (d *Doc) table(l *lexer) (Dict, error) {
	for {
		t, err := l.next()
		if err != nil {
			return nil, err
		}
		if t.kind == tokKeyword && string(t.b) == "trailer" {
			o, err := l.object(0)
			if err != nil {
				return nil, err
			}
			tr, ok := o.(Dict)
			if !ok {
				return nil, malformed("trailern är ingen ordlista")
			}
			return tr, nil
		}
		if t.kind != tokInt || t.i < 0 {
			return nil, malformed("korsreferenstabellen går inte att läsa")
		}
		start := t.i
		count, err := l.integer()
		if err != nil {
			return nil, err
		}
		if start+count > int64(d.lim.MaxObjects) {
			return nil, overBudget("den har för många objekt")
		}
		for i := int64(0); i < count; i++ {
			if err := d.tableLine(l, start+i); err != nil {
				return nil, err
			}
		}
	}
}

func (d *Doc) tableLine(l *lexer, num int64) error {
	off, err := l.integer()
	if err != nil {
		return err
	}
	gen, err := l.integer()
	if err != nil {
		return err
	}
	t, err := l.next()
	if err != nil {
		return err
	}
	switch {
	case t.kind == tokKeyword && string(t.b) == "n":
		if gen > 65535 || off >= int64(len(d.Raw)) {
			return malformed("korsreferensen för objekt %d pekar utanför filen", num)
		}
		return d.define(num, entry{kind: 1, gen: int(gen), off: off})
	case t.kind == tokKeyword && string(t.b) == "f":
		return d.define(num, entry{kind: 0})
	}
	return malformed("korsreferenstabellen går inte att läsa (objekt %d)", num)
}

// xrefStream reads a cross-reference stream at off: its dictionary is the
// trailer, its rows the entries of the numbers /Index lists.
func (d *Doc) xrefStream(off int64) (Dict, error) {
	o, err := d.indirectAt(off, Ref{Num: -1}, false)
	if err != nil {
		return nil, err
	}
	s, ok := o.(*Stream)
	if !ok || s.Dict["Type"] != Name("XRef") {
		return nil, malformed("ingen korsreferensström där startxref eller /Prev pekar")
	}
	w, err := widths(s.Dict["W"])
	if err != nil {
		return nil, err
	}
	data, err := d.decode(s)
	if err != nil {
		return nil, err
	}
	index, err := xrefIndex(s.Dict, d.lim.MaxObjects)
	if err != nil {
		return nil, err
	}
	row := w[0] + w[1] + w[2]
	for i := 0; i+1 < len(index); i += 2 {
		for num := index[i]; num < index[i]+index[i+1]; num++ {
			if len(data) < row {
				return nil, malformed("korsreferensströmmen är för kort")
			}
			e := streamEntry(data[:row], w)
			data = data[row:]
			if err := d.define(num, e); err != nil {
				return nil, err
			}
		}
	}
	return s.Dict, nil
}

func widths(o Object) ([3]int, error) {
	var w [3]int
	a, ok := o.(Array)
	if !ok || len(a) != 3 {
		return w, malformed("korsreferensströmmen saknar /W")
	}
	for i, v := range a {
		n, ok := v.(int64)
		if !ok || n < 0 || n > 8 {
			return w, malformed("korsreferensströmmens /W är ogiltig")
		}
		w[i] = int(n)
	}
	if w[1] == 0 {
		return w, malformed("korsreferensströmmens /W är ogiltig")
	}
	return w, nil
}

// xrefIndex is /Index as pairs (start, count), by default [0 /Size].
func xrefIndex(dict Dict, maxObjects int) ([]int64, error) {
	size, ok := dict.Int("Size")
	if !ok || size < 0 || size > int64(maxObjects) {
		return nil, malformed("korsreferensströmmen saknar ett giltigt /Size")
	}
	a, ok := dict["Index"].(Array)
	if !ok {
		if _, present := dict["Index"]; present {
			return nil, malformed("korsreferensströmmens /Index är ogiltig")
		}
		return []int64{0, size}, nil
	}
	if len(a)%2 != 0 {
		return nil, malformed("korsreferensströmmens /Index är ogiltig")
	}
	out := make([]int64, len(a))
	for i, v := range a {
		n, ok := v.(int64)
		if !ok || n < 0 || n > int64(maxObjects) {
			return nil, malformed("korsreferensströmmens /Index är ogiltig")
		}
		out[i] = n
	}
	return out, nil
}

// streamEntry decodes one row of a cross-reference stream.
func streamEntry(row []byte, w [3]int) entry {
	field := func(b []byte) int64 {
		var v int64
		for _, c := range b {
			v = v<<8 | int64(c)
		}
		return v
	}
	typ := int64(1) // the default when the type has no bytes
	if w[0] > 0 {
		typ = field(row[:w[0]])
	}
	f2, f3 := field(row[w[0]:w[0]+w[1]]), field(row[w[0]+w[1]:])
	switch typ {
	case 1:
		if f2 < 0 || f3 < 0 || f3 > 65535 {
			return entry{kind: 0}
		}
		return entry{kind: 1, off: f2, gen: int(f3)}
	case 2:
		if f2 < 0 || f2 > maxObjectNumber || f3 < 0 || f3 > maxObjectNumber {
			return entry{kind: 0}
		}
		return entry{kind: 2, off: f2, gen: int(f3)}
	}
	return entry{kind: 0} // free, or a type PDF has not defined: null
}
