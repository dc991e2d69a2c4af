package pdfupdate

// unpredict undoes a PNG predictor (/Predictor 10 to 15: each row starts
// with its filter type, as cross-reference streams are written), or
// nothing for /Predictor 1 or none. The TIFF predictor is not supported.
func unpredict(data []byte, parms Dict) ([]byte, error) {
	pred, _ := parms.Int("Predictor")
	if pred <= 1 {
		return data, nil
	}
	if pred < 10 || pred > 15 {
		return nil, malformed("en ström har en prediktor som inte stöds")
	}
	colors, bpc, columns := int64(1), int64(8), int64(1)
	if v, ok := parms.Int("Colors"); ok {
		colors = v
	}
	if v, ok := parms.Int("BitsPerComponent"); ok {
		bpc = v
	}
	if v, ok := parms.Int("Columns"); ok {
		columns = v
	}
	if colors < 1 || colors > 32 || bpc < 1 || bpc > 16 || columns < 1 || columns > 1<<20 {
		return nil, malformed("en ström har ogiltiga parametrar för sin prediktor")
	}
	bpp := int((colors*bpc + 7) / 8)
	rowLen := int((colors*bpc*columns + 7) / 8)
	if rowLen > len(data) && len(data) > 0 || len(data)%(rowLen+1) != 0 {
		return nil, malformed("en ström med prediktor har ofullständiga rader")
	}
	out := make([]byte, 0, len(data)/(rowLen+1)*rowLen)
	prev := make([]byte, rowLen)
	for len(data) > 0 {
		typ, row := data[0], data[1:rowLen+1]
		data = data[rowLen+1:]
		cur := make([]byte, rowLen)
		if err := pngRow(typ, row, prev, cur, bpp); err != nil {
			return nil, err
		}
		out = append(out, cur...)
		prev = cur
	}
	return out, nil
}

// pngRow undoes one row's PNG filter into cur.
func pngRow(typ byte, row, prev, cur []byte, bpp int) error {
	for i := range row {
		var left, upLeft byte
		if i >= bpp {
			left, upLeft = cur[i-bpp], prev[i-bpp]
		}
		up := prev[i]
		switch typ {
		case 0:
			cur[i] = row[i]
		case 1:
			cur[i] = row[i] + left
		case 2:
			cur[i] = row[i] + up
		case 3:
			cur[i] = row[i] + byte((int(left)+int(up))/2)
		case 4:
			cur[i] = row[i] + paeth(left, up, upLeft)
		default:
			return malformed("en ström har en okänd PNG-filtertyp %d", typ)
		}
	}
	return nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
