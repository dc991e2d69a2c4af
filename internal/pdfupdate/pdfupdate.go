// Package pdfupdate reads the last revision of a PDF with a classic
// cross-reference table (as fpdf writes them) and appends incremental
// updates: the bytes already there are never rewritten, which is what keeps
// an earlier signature valid and a stored hash meaningful.
package pdfupdate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"time"
	"unicode/utf16"
)

// Doc is the last revision of a PDF.
type Doc struct {
	Raw      []byte
	Root     int    // catalog object number
	Info     int    // Info object number, 0 if none
	Size     int    // the trailer's /Size
	PrevXref int    // offset of the last cross-reference section
	ID0      string // first part of the file identifier (hex)
}

var (
	reStartXref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	reRoot      = regexp.MustCompile(`/Root\s+(\d+)\s+0\s+R`)
	reInfo      = regexp.MustCompile(`/Info\s+(\d+)\s+0\s+R`)
	reSize      = regexp.MustCompile(`/Size\s+(\d+)`)
	reID        = regexp.MustCompile(`/ID\s*\[\s*<([0-9A-Fa-f]*)>`)
)

// Parse reads the trailer of the last revision.
func Parse(raw []byte) (*Doc, error) {
	m := reStartXref.FindSubmatch(raw)
	if m == nil {
		return nil, errors.New("pdfupdate: not a PDF (no startxref at the end)")
	}
	d := &Doc{Raw: raw}
	d.PrevXref, _ = strconv.Atoi(string(m[1]))
	at := bytes.LastIndex(raw, []byte("trailer"))
	if at < 0 || at < d.PrevXref {
		return nil, errors.New("pdfupdate: no trailer after the last cross-reference table (streams are not supported)")
	}
	trailer := raw[at:]
	if r := reRoot.FindSubmatch(trailer); r != nil {
		d.Root, _ = strconv.Atoi(string(r[1]))
	} else {
		return nil, errors.New("pdfupdate: trailer without /Root")
	}
	if r := reInfo.FindSubmatch(trailer); r != nil {
		d.Info, _ = strconv.Atoi(string(r[1]))
	}
	if r := reSize.FindSubmatch(trailer); r != nil {
		d.Size, _ = strconv.Atoi(string(r[1]))
	} else {
		return nil, errors.New("pdfupdate: trailer without /Size")
	}
	if r := reID.FindSubmatch(trailer); r != nil {
		d.ID0 = string(r[1])
	} else {
		sum := sha256.Sum256(raw)
		d.ID0 = hex.EncodeToString(sum[:16])
	}
	return d, nil
}

// Dict returns the dictionary of the latest definition of object n, which
// must be a plain dictionary (no stream).
func (d *Doc) Dict(n int) ([]byte, error) {
	head := []byte(fmt.Sprintf("\n%d 0 obj", n))
	at := bytes.LastIndex(d.Raw, head)
	if at < 0 {
		return nil, fmt.Errorf("pdfupdate: object %d not found", n)
	}
	body := d.Raw[at+len(head):]
	end := bytes.Index(body, []byte("endobj"))
	if end < 0 {
		return nil, fmt.Errorf("pdfupdate: object %d has no end", n)
	}
	dict := bytes.TrimSpace(body[:end])
	if !bytes.HasPrefix(dict, []byte("<<")) || !bytes.HasSuffix(dict, []byte(">>")) || bytes.Contains(dict, []byte("\nstream")) {
		return nil, fmt.Errorf("pdfupdate: object %d is not a plain dictionary", n)
	}
	return dict, nil
}

// Ref returns the object number that key refers to in dict.
func Ref(dict []byte, key string) (int, error) {
	m := regexp.MustCompile(`/` + regexp.QuoteMeta(key) + `\s+(\d+)\s+0\s+R`).FindSubmatch(dict)
	if m == nil {
		return 0, fmt.Errorf("pdfupdate: no /%s reference", key)
	}
	return strconv.Atoi(string(m[1]))
}

// Update is an incremental update being written after a Doc.
type Update struct {
	doc     *Doc
	buf     bytes.Buffer
	offsets map[int]int
	next    int
}

// Update starts an incremental update.
func (d *Doc) Update() *Update {
	u := &Update{doc: d, offsets: map[int]int{}, next: d.Size}
	u.buf.Write(d.Raw)
	if len(d.Raw) > 0 && d.Raw[len(d.Raw)-1] != '\n' {
		u.buf.WriteByte('\n')
	}
	return u
}

// New allocates a new object number.
func (u *Update) New() int {
	u.next++
	return u.next - 1
}

// Begin starts object n; write its body with Write, then call End.
func (u *Update) Begin(n int) {
	u.offsets[n] = u.buf.Len()
	fmt.Fprintf(&u.buf, "%d 0 obj\n", n)
}

// Write appends to the object being written.
func (u *Update) Write(b []byte) { u.buf.Write(b) }

// Offset is the absolute offset where the next byte will be written.
func (u *Update) Offset() int { return u.buf.Len() }

// End ends the object being written.
func (u *Update) End() { u.buf.WriteString("\nendobj\n") }

// Object writes a whole object.
func (u *Update) Object(n int, body []byte) {
	u.Begin(n)
	u.Write(body)
	u.End()
}

// Stream writes a stream object with the given dictionary entries.
func (u *Update) Stream(n int, entries string, data []byte) {
	u.Begin(n)
	fmt.Fprintf(&u.buf, "<<%s /Length %d>>\nstream\n", entries, len(data))
	u.buf.Write(data)
	u.buf.WriteString("\nendstream")
	u.End()
}

// Finish writes the cross-reference section and trailer and returns the
// whole file.
func (u *Update) Finish() []byte {
	nums := make([]int, 0, len(u.offsets))
	for n := range u.offsets {
		nums = append(nums, n)
	}
	sort.Ints(nums)
	xref := u.buf.Len()
	u.buf.WriteString("xref\n")
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		fmt.Fprintf(&u.buf, "%d %d\n", nums[i], j-i+1)
		for k := i; k <= j; k++ {
			fmt.Fprintf(&u.buf, "%010d 00000 n \n", u.offsets[nums[k]])
		}
		i = j + 1
	}
	sum := sha256.Sum256(u.buf.Bytes())
	fmt.Fprintf(&u.buf, "trailer\n<</Size %d /Root %d 0 R", u.next, u.doc.Root)
	if u.doc.Info > 0 {
		fmt.Fprintf(&u.buf, " /Info %d 0 R", u.doc.Info)
	}
	fmt.Fprintf(&u.buf, " /Prev %d /ID [<%s> <%s>]>>\nstartxref\n%d\n%%%%EOF\n", u.doc.PrevXref, u.doc.ID0, hex.EncodeToString(sum[:16]), xref)
	return u.buf.Bytes()
}

// InsertBeforeEnd adds an entry to a dictionary.
func InsertBeforeEnd(dict []byte, entry string) []byte {
	out := append([]byte{}, dict[:len(dict)-2]...)
	out = append(out, '\n')
	out = append(out, entry...)
	return append(out, ">>"...)
}

// Date writes t as a PDF date string with its UTC offset.
func Date(t time.Time) string {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("(D:%s%c%02d'%02d')", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// Text writes s as a UTF-16BE hex string, which holds any character.
func Text(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}
