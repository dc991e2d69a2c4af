package pdfupdate

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// Update is an incremental update being written after a Doc: the Doc's
// bytes, then new objects, then a cross-reference section of the same kind
// as the newest one (a table, or a stream) and a trailer whose /Prev is the
// newest section.
type Update struct {
	doc     *Doc
	buf     bytes.Buffer
	offsets map[int]written
	next    int
	err     error
}

type written struct {
	off int
	gen int
}

// Update starts an incremental update.
func (d *Doc) Update() *Update { return d.UpdateWithRoom(updateRoom) }

// UpdateWithRoom starts an incremental update that is expected to write
// about room bytes: the file and the update are given room at once, so
// that the buffer is not grown (and the file copied again).
func (d *Doc) UpdateWithRoom(room int) *Update {
	u := &Update{doc: d, offsets: map[int]written{}, next: d.Size}
	u.buf.Grow(len(d.Raw) + room)
	u.buf.Write(d.Raw)
	if len(d.Raw) > 0 && d.Raw[len(d.Raw)-1] != '\n' {
		u.buf.WriteByte('\n')
	}
	return u
}

// New allocates a new object number.
func (u *Update) New() Ref {
	u.next++
	return Ref{Num: u.next - 1}
}

// Begin starts object r; write its body with Write, then call End.
func (u *Update) Begin(r Ref) {
	u.offsets[r.Num] = written{off: u.buf.Len(), gen: r.Gen}
	b := strconv.AppendInt(u.buf.AvailableBuffer(), int64(r.Num), 10)
	b = append(strconv.AppendInt(append(b, ' '), int64(r.Gen), 10), " obj\n"...)
	u.buf.Write(b)
}

// Write appends bytes to the object being written: the caller's own
// syntax, which must hold no text (write text with WriteObject).
func (u *Update) Write(b []byte) { u.buf.Write(b) }

// WriteObject appends o's PDF syntax to the object being written.
func (u *Update) WriteObject(o Object) {
	b, err := AppendObject(u.buf.AvailableBuffer(), o)
	if err != nil {
		u.err = errors.Join(u.err, err)
		return
	}
	u.buf.Write(b)
}

// Offset is the absolute offset where the next byte will be written.
func (u *Update) Offset() int { return u.buf.Len() }

// End ends the object being written.
func (u *Update) End() { u.buf.WriteString("\nendobj\n") }

// Object writes a whole object.
func (u *Update) Object(r Ref, o Object) {
	u.Begin(r)
	u.WriteObject(o)
	u.End()
}

// Stream writes a stream object: dict (its /Length set here) and data.
func (u *Update) Stream(r Ref, dict Dict, data []byte) {
	dict = dict.Clone()
	dict["Length"] = int64(len(data))
	u.Begin(r)
	u.WriteObject(dict)
	u.buf.WriteString("\nstream\n")
	u.buf.Write(data)
	u.buf.WriteString("\nendstream")
	u.End()
}

// Finish writes the cross-reference section and trailer and returns the
// whole file.
func (u *Update) Finish() ([]byte, error) {
	if u.doc.Encrypted {
		return nil, errors.New("pdfupdate: an encrypted file cannot be updated")
	}
	if u.err != nil {
		return nil, u.err
	}
	if u.doc.XrefStream {
		u.xrefStream()
	} else {
		u.xrefTable()
	}
	return u.buf.Bytes(), u.err
}

// updateRoom is what an update is expected to add to a file: a signature
// (its 32 KiB placeholder) or a few objects.
const updateRoom = 48 << 10

// trailer is the new section's trailer entries; the second part of the
// file identifier is a hash of the first, of where the file's newest
// section was, and of everything this update writes before it: a new
// identifier for each revision, without reading the whole file again.
func (u *Update) trailer() Dict {
	h := sha256.New()
	h.Write(u.doc.ID0)
	fmt.Fprintf(h, " %d ", u.doc.StartXref)
	h.Write(u.buf.Bytes()[len(u.doc.Raw):])
	sum := h.Sum(nil)
	t := Dict{"Size": int64(max(u.next, u.doc.Size)), "Root": u.doc.Root, "Prev": u.doc.StartXref,
		"ID": Array{String(u.doc.ID0), String(sum[:16])}}
	if u.doc.Info.Num > 0 {
		t["Info"] = u.doc.Info
	}
	return t
}

// runs groups sorted object numbers into runs of consecutive ones.
func runs(nums []int) [][2]int {
	var out [][2]int
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		out = append(out, [2]int{nums[i], j - i + 1})
		i = j + 1
	}
	return out
}

func (u *Update) sorted() []int {
	nums := make([]int, 0, len(u.offsets))
	for n := range u.offsets {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	return nums
}

func (u *Update) xrefTable() {
	nums := u.sorted()
	xref := u.buf.Len()
	u.buf.WriteString("xref\n")
	for _, run := range runs(nums) {
		fmt.Fprintf(&u.buf, "%d %d\n", run[0], run[1])
		for n := run[0]; n < run[0]+run[1]; n++ {
			b := appendPadded(u.buf.AvailableBuffer(), u.offsets[n].off, 10)
			b = append(appendPadded(append(b, ' '), u.offsets[n].gen, 5), " n \n"...)
			u.buf.Write(b)
		}
	}
	trailer := u.trailer()
	u.buf.WriteString("trailer\n")
	u.WriteObject(trailer)
	fmt.Fprintf(&u.buf, "\nstartxref\n%d\n%%%%EOF\n", xref)
}

// xrefStream writes the section as an unfiltered cross-reference stream
// (/W [1 8 2]), which lists itself too.
func (u *Update) xrefStream() {
	self := u.New()
	u.offsets[self.Num] = written{off: u.buf.Len()}
	nums := u.sorted()
	var data []byte
	var index Array
	for _, run := range runs(nums) {
		index = append(index, int64(run[0]), int64(run[1]))
		for n := run[0]; n < run[0]+run[1]; n++ {
			data = append(data, 1)
			data = binary.BigEndian.AppendUint64(data, uint64(u.offsets[n].off))
			data = binary.BigEndian.AppendUint16(data, uint16(u.offsets[n].gen))
		}
	}
	dict := u.trailer()
	dict["Type"], dict["W"], dict["Index"] = Name("XRef"), Array{int64(1), int64(8), int64(2)}, index
	xref := u.buf.Len()
	u.Stream(self, dict, data)
	fmt.Fprintf(&u.buf, "startxref\n%d\n%%%%EOF\n", xref)
}

// appendPadded appends v in decimal, padded with zeros to width digits.
func appendPadded(b []byte, v, width int) []byte {
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], int64(v), 10)
	for range width - len(d) {
		b = append(b, '0')
	}
	return append(b, d...)
}
