package pdfupdate

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// AppendObject appends o as PDF syntax to b. A string is always written in
// hex, so no text can end it; a name's odd bytes are #-escaped; a
// dictionary's keys are sorted, so the same object gives the same bytes. A
// stream cannot be written inside another object (Update.Stream writes one).
func AppendObject(b []byte, o Object) ([]byte, error) {
	switch v := o.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("pdfupdate: %v is no PDF number", v)
		}
		// A real keeps its point, so that it reads back as a real.
		start := len(b)
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
		if !bytes.ContainsRune(b[start:], '.') {
			b = append(b, ".0"...)
		}
		return b, nil
	case Name:
		return appendName(b, v), nil
	case String:
		b = append(b, '<')
		b = hex.AppendEncode(b, v)
		return append(b, '>'), nil
	case Ref:
		b = append(strconv.AppendInt(b, int64(v.Num), 10), ' ')
		return append(strconv.AppendInt(b, int64(v.Gen), 10), " R"...), nil
	case Array:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ' ')
			}
			var err error
			if b, err = AppendObject(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case Dict:
		return appendDict(b, v)
	}
	return nil, fmt.Errorf("pdfupdate: cannot write a %T inside an object", o)
}

func appendDict(b []byte, d Dict) ([]byte, error) {
	keys := make([]Name, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, "<<"...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendName(b, k)
		b = append(b, ' ')
		var err error
		if b, err = AppendObject(b, d[k]); err != nil {
			return nil, err
		}
	}
	return append(b, ">>"...), nil
}

func appendName(b []byte, n Name) []byte {
	b = append(b, '/')
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c > 0x20 && c < 0x7f && c != '#' && !isDelim(c) {
			b = append(b, c)
		} else {
			b = append(b, '#', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		}
	}
	return b
}

// Date is t as a PDF date string, with its UTC offset.
func Date(t time.Time) String {
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return String(fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60))
}
