package pdfupdate

import (
	"maps"
	"unicode/utf16"
	"unicode/utf8"
)

// Object is a PDF object as read: nil (null), bool, int64, float64, Name,
// String, Array, Dict, Ref or *Stream.
type Object any

// Name is a name without its slash and with #xx escapes decoded.
type Name string

// String is a string's bytes, literal or hex, with escapes decoded.
type String []byte

// Array is a PDF array.
type Array []Object

// Dict is a PDF dictionary. A key appears once: a file that repeats one is
// refused, so that no reader can take another value than ours.
type Dict map[Name]Object

// Ref is an indirect reference.
type Ref struct{ Num, Gen int }

// Stream is a stream object: its dictionary and its bytes as they stand in
// the file (still encoded).
type Stream struct {
	Dict Dict
	Raw  []byte
}

// Clone copies d (not the values it holds).
func (d Dict) Clone() Dict { return maps.Clone(d) }

// Name returns d[key] when it is a direct name.
func (d Dict) Name(key Name) (Name, bool) {
	n, ok := d[key].(Name)
	return n, ok
}

// Int returns d[key] when it is a direct integer.
func (d Dict) Int(key Name) (int64, bool) {
	n, ok := d[key].(int64)
	return n, ok
}

// Ref returns d[key] when it is an indirect reference.
func (d Dict) Ref(key Name) (Ref, bool) {
	r, ok := d[key].(Ref)
	return r, ok
}

// TextString returns the bytes of a PDF text string holding s: s itself
// when it is printable ASCII, else UTF-16BE with its byte order mark.
// Written with Encode (as hex), it cannot end its string, whatever s is.
func TextString(s string) String {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		return String(s)
	}
	b := []byte{0xfe, 0xff}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

// Text decodes a PDF text string: UTF-16BE with its mark, UTF-8 with its
// mark, or else PDFDocEncoding's ASCII part (other bytes as Latin-1).
func (s String) Text() string {
	switch {
	case len(s) >= 2 && s[0] == 0xfe && s[1] == 0xff:
		u := make([]uint16, 0, (len(s)-2)/2)
		for i := 2; i+1 < len(s); i += 2 {
			u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(u))
	case len(s) >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf && utf8.Valid(s[3:]):
		return string(s[3:])
	}
	r := make([]rune, len(s))
	for i, c := range s {
		r[i] = rune(c)
	}
	return string(r)
}
