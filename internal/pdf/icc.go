package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"math"
	"sync"
)

// srgbProfile returns an ICC v2 display profile for sRGB (IEC 61966-2-1):
// D50-adapted primaries and the sRGB tone curve as a 1024-entry table. It is
// built here so the binary carries no third-party profile; the bytes never
// change, so documents stay reproducible.
var srgbProfile = sync.OnceValue(func() []byte {
	s15 := func(v float64) uint32 { return uint32(int32(math.Round(v * 65536))) }
	xyz := func(x, y, z float64) []byte {
		var b bytes.Buffer
		b.WriteString("XYZ \x00\x00\x00\x00")
		for _, v := range []float64{x, y, z} {
			binary.Write(&b, binary.BigEndian, s15(v))
		}
		return b.Bytes()
	}
	curve := func() []byte {
		var b bytes.Buffer
		b.WriteString("curv\x00\x00\x00\x00")
		binary.Write(&b, binary.BigEndian, uint32(1024))
		for i := range 1024 {
			c := float64(i) / 1023
			var l float64
			if c <= 0.04045 {
				l = c / 12.92
			} else {
				l = math.Pow((c+0.055)/1.055, 2.4)
			}
			binary.Write(&b, binary.BigEndian, uint16(math.Round(l*65535)))
		}
		return b.Bytes()
	}
	desc := func(text string) []byte {
		var b bytes.Buffer
		b.WriteString("desc\x00\x00\x00\x00")
		binary.Write(&b, binary.BigEndian, uint32(len(text)+1))
		b.WriteString(text)
		b.WriteByte(0)
		b.Write(make([]byte, 4+4+2+1+67)) // no Unicode, no ScriptCode
		return b.Bytes()
	}
	text := func(s string) []byte { return append([]byte("text\x00\x00\x00\x00"+s), 0) }
	trc := curve()
	tags := []struct {
		sig  string
		data []byte
	}{
		{"desc", desc("sRGB IEC61966-2.1")},
		{"cprt", text("No copyright, use freely")},
		{"wtpt", xyz(0.9642, 1.0, 0.8249)},
		{"rXYZ", xyz(0.4360, 0.2225, 0.0139)},
		{"gXYZ", xyz(0.3851, 0.7169, 0.0971)},
		{"bXYZ", xyz(0.1431, 0.0606, 0.7141)},
		{"rTRC", trc}, {"gTRC", trc}, {"bTRC", trc},
	}
	var body bytes.Buffer
	offset := 128 + 4 + 12*len(tags)
	var table bytes.Buffer
	binary.Write(&table, binary.BigEndian, uint32(len(tags)))
	shared := map[string]uint32{}
	for _, t := range tags {
		key := string(t.data)
		if off, ok := shared[key]; ok {
			table.WriteString(t.sig)
			binary.Write(&table, binary.BigEndian, off)
			binary.Write(&table, binary.BigEndian, uint32(len(t.data)))
			continue
		}
		for (offset+body.Len())%4 != 0 {
			body.WriteByte(0)
		}
		off := uint32(offset + body.Len())
		shared[key] = off
		table.WriteString(t.sig)
		binary.Write(&table, binary.BigEndian, off)
		binary.Write(&table, binary.BigEndian, uint32(len(t.data)))
		body.Write(t.data)
	}
	size := offset + body.Len()
	var h bytes.Buffer
	binary.Write(&h, binary.BigEndian, uint32(size))
	h.WriteString("none")                   // preferred CMM
	h.Write([]byte{2, 0x10, 0, 0})          // version 2.1
	h.WriteString("mntrRGB XYZ ")           // class, colour space, PCS
	h.Write([]byte{0x07, 0xd0, 0, 1, 0, 1}) // 2000-01-01
	h.Write(make([]byte, 6))                // 00:00:00
	h.WriteString("acsp")                   // signature
	h.WriteString("APPL")                   // platform
	h.Write(make([]byte, 4+4+4+8+4))        // flags, manufacturer, model, attributes, intent 0
	binary.Write(&h, binary.BigEndian, s15(0.9642))
	binary.Write(&h, binary.BigEndian, s15(1.0))
	binary.Write(&h, binary.BigEndian, s15(0.8249))
	h.Write(make([]byte, 4))  // creator
	h.Write(make([]byte, 44)) // profile ID and reserved
	out := append(h.Bytes(), table.Bytes()...)
	return append(out, body.Bytes()...)
})

// srgbCompressed is the profile as every document embeds it: compressed
// once per process, at the best compression.
var srgbCompressed = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	w, _ := zlib.NewWriterLevel(&b, zlib.BestCompression)
	w.Write(srgbProfile())
	w.Close()
	return b.Bytes()
})
