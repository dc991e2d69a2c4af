package pdfupdate

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
)

// indirectAt reads "N G obj … endobj" at off. want is the reference the
// cross-reference data gave for it (Num -1 while reading a cross-reference
// stream, whose number nothing yet says). With resolve false a /Length
// must be direct, as in a cross-reference stream.
func (d *Doc) indirectAt(off int64, want Ref, resolve bool) (Object, error) {
	if off < 0 || off >= int64(len(d.Raw)) {
		return nil, malformed("korsreferensen för objekt %d pekar utanför filen", want.Num)
	}
	l := d.lexerAt(d.Raw, int(off))
	num, err := l.integer()
	if err != nil {
		return nil, err
	}
	gen, err := l.integer()
	if err != nil {
		return nil, err
	}
	if err := l.keyword("obj"); err != nil {
		return nil, err
	}
	if want.Num >= 0 && (num != int64(want.Num) || gen != int64(want.Gen)) {
		return nil, malformed("objekt %d finns inte där korsreferenserna säger", want.Num)
	}
	o, err := l.object(0)
	if err != nil {
		return nil, err
	}
	t, err := l.next()
	if err != nil {
		return nil, err
	}
	if t.kind == tokKeyword && string(t.b) == "stream" {
		dict, ok := o.(Dict)
		if !ok {
			return nil, malformed("en ström utan ordlista (objekt %d)", num)
		}
		if o, err = d.streamData(l, dict, resolve); err != nil {
			return nil, err
		}
		t, err = l.next()
		if err != nil {
			return nil, err
		}
	}
	if t.kind != tokKeyword || string(t.b) != "endobj" {
		return nil, malformed("objekt %d slutar inte med endobj", num)
	}
	return o, nil
}

// streamData reads a stream's bytes by its /Length (never by searching for
// "endstream") and the endstream after them.
func (d *Doc) streamData(l *lexer, dict Dict, resolve bool) (*Stream, error) {
	switch {
	case l.pos+1 < len(l.b) && l.b[l.pos] == '\r' && l.b[l.pos+1] == '\n':
		l.pos += 2
	case l.pos < len(l.b) && l.b[l.pos] == '\n':
		l.pos++
	default:
		return nil, malformed("en ström börjar inte med radslut")
	}
	length := dict["Length"]
	if _, isRef := length.(Ref); isRef && resolve {
		var err error
		if length, err = d.Resolve(length); err != nil {
			return nil, err
		}
	}
	n, ok := length.(int64)
	if !ok || n < 0 || n > int64(len(l.b)-l.pos) {
		return nil, malformed("en ström har en ogiltig /Length")
	}
	s := &Stream{Dict: dict, Raw: l.b[l.pos : l.pos+int(n)]}
	l.pos += int(n)
	if err := l.keyword("endstream"); err != nil {
		return nil, malformed("en ström slutar inte där /Length säger")
	}
	return s, nil
}

// objStream is a decoded object stream: where each of its objects starts.
type objStream struct {
	data []byte
	nums []int64
	offs []int64
}

// inObjStream reads object num, the index-th in object stream sn.
func (d *Doc) inObjStream(sn, index, num int) (Object, error) {
	st, err := d.objStream(sn)
	if err != nil {
		return nil, err
	}
	if index >= len(st.nums) || st.nums[index] != int64(num) {
		return nil, malformed("objekt %d finns inte i objektströmmen %d", num, sn)
	}
	l := d.lexerAt(st.data, int(st.offs[index]))
	return l.object(0)
}

func (d *Doc) objStream(sn int) (*objStream, error) {
	if st, ok := d.objstms[sn]; ok {
		return st, nil
	}
	if sn >= len(d.entries) || d.entries[sn].kind != 1 {
		return nil, malformed("objektströmmen %d finns inte", sn)
	}
	o, err := d.object(Ref{Num: sn, Gen: d.entries[sn].gen})
	if err != nil {
		return nil, err
	}
	s, ok := o.(*Stream)
	if !ok || s.Dict["Type"] != Name("ObjStm") {
		return nil, malformed("objekt %d är ingen objektström", sn)
	}
	n, ok1 := s.Dict.Int("N")
	first, ok2 := s.Dict.Int("First")
	data, err := d.decode(s)
	if err != nil {
		return nil, err
	}
	if !ok1 || !ok2 || n < 0 || first < 0 || first > int64(len(data)) || n > int64(len(data)) {
		return nil, malformed("objektströmmen %d har ogiltiga /N eller /First", sn)
	}
	st := &objStream{data: data}
	l := d.lexerAt(data[:first], 0)
	for range n {
		num, err := l.integer()
		if err != nil {
			return nil, err
		}
		off, err := l.integer()
		if err != nil {
			return nil, err
		}
		if off > int64(len(data))-first {
			return nil, malformed("objektströmmen %d pekar utanför sig själv", sn)
		}
		st.nums, st.offs = append(st.nums, num), append(st.offs, first+off)
	}
	d.objstms[sn] = st
	return st, nil
}

// decode returns a stream's decoded bytes. Only what the structure needs
// is supported: no filter, or FlateDecode with or without a PNG predictor.
func (d *Doc) decode(s *Stream) ([]byte, error) {
	filter, parms := s.Dict["Filter"], s.Dict["DecodeParms"]
	if a, ok := filter.(Array); ok && len(a) <= 1 {
		filter = nil
		if len(a) == 1 {
			filter = a[0]
		}
		if p, ok := parms.(Array); ok && len(p) == 1 {
			parms = p[0]
		}
	}
	if err := d.bud.spend(int64(len(s.Raw)) / 4); err != nil {
		return nil, err
	}
	switch filter {
	case nil:
		return s.Raw, nil
	case Name("FlateDecode"):
	default:
		return nil, malformed("en ström har en komprimering som inte stöds")
	}
	data, err := d.inflate(s.Raw)
	if err != nil {
		return nil, err
	}
	p, err := d.Resolve(parms)
	if err != nil {
		return nil, err
	}
	pd, _ := p.(Dict)
	return unpredict(data, pd)
}

// inflate decompresses zlib data, at most MaxStream bytes of it, spending
// the budget as it goes. A missing checksum at the end is forgiven, as
// every reader does.
func (d *Doc) inflate(raw []byte) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, malformed("en komprimerad ström går inte att packa upp")
	}
	var out bytes.Buffer
	buf := make([]byte, 32<<10)
	for {
		n, err := zr.Read(buf)
		out.Write(buf[:n])
		if out.Len() > d.lim.MaxStream {
			return nil, overBudget("en ström packas upp till för många byte")
		}
		if e := d.bud.spend(int64(n)/4 + 1); e != nil {
			return nil, e
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) && out.Len() > 0 {
			return out.Bytes(), nil
		}
		if err != nil {
			return nil, malformed("en komprimerad ström går inte att packa upp")
		}
	}
}
