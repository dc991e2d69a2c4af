package devmail

import "mime"

type mimeDecoder struct{ mime.WordDecoder }

// header decodes RFC 2047 words; a header that does not decode is shown raw.
func (d *mimeDecoder) header(s string) string {
	out, err := d.DecodeHeader(s)
	if err != nil {
		return s
	}
	return out
}
