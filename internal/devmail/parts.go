package devmail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Part is one leaf of a message: its media type and parameters, the file
// name it is attached as (if any), and its body, decoded.
type Part struct {
	ContentType string
	Params      map[string]string
	Filename    string
	Body        []byte
}

// Parts reads a message the way a mail client does: every leaf of its
// MIME tree, with its transfer encoding undone. Anything malformed is an
// error.
func Parts(raw []byte) (*mail.Message, []Part, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, nil, fmt.Errorf("not a message: %w", err)
	}
	var parts []Part
	err = walk(msg.Header.Get("Content-Type"), msg.Body, msg.Header.Get("Content-Transfer-Encoding"), "", &parts)
	return msg, parts, err
}

func walk(ctype string, body io.Reader, enc, disp string, parts *[]Part) error {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := walk(p.Header.Get("Content-Type"), p, p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), parts); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(enc) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("decode %s: %w", mt, err)
	}
	p := Part{ContentType: mt, Params: params, Body: b}
	if disp != "" {
		_, dp, err := mime.ParseMediaType(disp)
		if err != nil {
			return fmt.Errorf("disposition %q: %w", disp, err)
		}
		p.Filename = dp["filename"]
	}
	*parts = append(*parts, p)
	return nil
}
