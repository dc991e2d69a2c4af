// Package mail sends the outbox by SMTP: it builds each message (plain text
// and HTML from templates/, an .ics for a deadline, a PDF when one belongs to
// it), sends it with a Message-ID derived from the outbox row, marks it sent
// once, retries temporary failures with backoff and reports undeliverable
// addresses to the Coordinator. It also builds the Coordinator's daily digest.
package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode"

	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/templates"
)

// Attachment is a file sent with a message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Envelope is what a composed message needs besides the outbox row.
type Envelope struct {
	From        *mail.Address
	Domain      string // right-hand side of Message-IDs
	Date        time.Time
	HTML        string // the HTML alternative; empty sends plain text only (still multipart/alternative)
	Attachments []Attachment
}

var errBadRecipient = errors.New("mail: bad recipient")

// MessageID is derived from the outbox row, so a message sent again after a
// crash carries the same ID and the copy is recognisable.
func MessageID(outboxID, domain string) string {
	sum := sha256.Sum256([]byte(outboxID))
	return "<" + hex.EncodeToString(sum[:16]) + "." + "remiss@" + domain + ">"
}

// Compose builds the RFC 5322 message for one outbox row. Header values
// (the subject, the sender's display name, file names) are cleaned of
// control and invisible characters and encoded (RFC 2047), so no text from
// a user can add a header or hide what it says.
func Compose(m store.OutboxMessage, env Envelope) ([]byte, error) {
	to, err := mail.ParseAddress(m.Recipient)
	if err != nil || strings.ContainsAny(m.Recipient, "\r\n") {
		return nil, fmt.Errorf("%w %q", errBadRecipient, m.Recipient)
	}
	var buf bytes.Buffer
	header := func(name, value string) {
		line := name + ": " + value
		if len(line) > 78 && !strings.Contains(value, "\r\n") {
			line = strings.ReplaceAll(line, "; ", ";\r\n ")
		}
		buf.WriteString(line + "\r\n")
	}
	header("From", (&mail.Address{Name: cleanHeader(env.From.Name), Address: env.From.Address}).String())
	header("To", (&mail.Address{Address: to.Address}).String())
	header("Subject", encodeHeader(m.Subject))
	header("Date", env.Date.Format(time.RFC1123Z))
	header("Message-ID", MessageID(m.ID, env.Domain))
	header("MIME-Version", "1.0")
	header("Content-Language", "sv")
	header("Auto-Submitted", "auto-generated")

	alt, altType, err := alternative(m.Body, env.HTML)
	if err != nil {
		return nil, err
	}
	if len(env.Attachments) == 0 {
		header("Content-Type", altType)
		buf.WriteString("\r\n")
		buf.Write(alt)
		return buf.Bytes(), nil
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mw.Boundary()}))
	buf.WriteString("\r\n")
	part, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {altType}})
	if err != nil {
		return nil, err
	}
	part.Write(alt)
	for _, a := range env.Attachments {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", a.ContentType)
		h.Set("Content-Transfer-Encoding", "base64")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": cleanHeader(a.Filename)}))
		part, err := mw.CreatePart(h)
		if err != nil {
			return nil, err
		}
		writeBase64(part, a.Data)
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	buf.Write(body.Bytes())
	return buf.Bytes(), nil
}

// alternative returns the body as multipart/alternative (plain text, and
// HTML when given) with its Content-Type.
func alternative(text, html string) ([]byte, string, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	parts := []struct{ ctype, body string }{{"text/plain; charset=utf-8", text}}
	if html != "" {
		parts = append(parts, struct{ ctype, body string }{"text/html; charset=utf-8", html})
	}
	for _, p := range parts {
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {p.ctype}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, "", err
		}
		writeQP(w, p.body)
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return b.Bytes(), mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()}), nil
}

func writeQP(w interface{ Write([]byte) (int, error) }, s string) {
	qp := quotedprintable.NewWriter(w)
	qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")))
	qp.Close()
}

func writeBase64(w interface{ Write([]byte) (int, error) }, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		w.Write([]byte(enc[:76] + "\r\n"))
		enc = enc[76:]
	}
	w.Write([]byte(enc + "\r\n"))
}

// cleanHeader drops control characters and every character a reader
// does not see: format characters (Cf: zero-width spaces and joiners, the
// bidirectional marks, embeddings, overrides and isolates, the word
// joiner and invisible operators, the byte order mark, the Arabic letter
// and Mongolian vowel marks, the soft hyphen) and the other
// default-ignorable ones (Hangul fillers, the combining grapheme joiner);
// it collapses white space. Variation selectors stay: they choose how the
// character before them looks (an emoji's colour), and hide nothing. What
// is left cannot break a header line or disguise itself.
func cleanHeader(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r' || r == '\n' || r == '\t':
			return ' '
		case invisible(r):
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// invisible reports whether r is a control character or one that shows
// nothing (see cleanHeader).
func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point)
}

// encodeHeader cleans a header value, encodes it as RFC 2047 words when it
// is not short plain ASCII, and folds it so no line exceeds 78 characters.
func encodeHeader(s string) string {
	s = cleanHeader(s)
	if r := []rune(s); len(r) > 500 {
		s = string(r[:497]) + "…"
	}
	plain := true
	for _, word := range strings.Split(s, " ") {
		// A word that looks like an encoded word would be decoded by the
		// reader: encode it, so the text shows as written.
		if len(word) > 60 || strings.Contains(word, "=?") {
			plain = false
		}
	}
	for _, r := range s {
		if r > unicode.MaxASCII {
			plain = false
		}
	}
	if plain {
		return fold(strings.Split(s, " "), len("Subject: "), " ")
	}
	// Short encoded words, each with its own spaces inside (as "_"): the
	// space between encoded words is not part of the text.
	var words []string
	var chunk []rune
	for _, r := range s {
		next := append(chunk, r)
		if len(chunk) > 0 && len(qWord(string(next))) > 60 {
			words = append(words, qWord(string(chunk)))
			next = []rune{r}
		}
		chunk = next
	}
	if len(chunk) > 0 {
		words = append(words, qWord(string(chunk)))
	}
	return fold(words, len("Subject: "), "\r\n ")
}

// qWord encodes s as one RFC 2047 "Q" encoded word, always (the mime
// package leaves plain ASCII alone, which would make the spaces between
// words significant).
func qWord(s string) string {
	var b strings.Builder
	b.WriteString("=?utf-8?q?")
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			b.WriteByte('_')
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("!*+-/", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	b.WriteString("?=")
	return b.String()
}

// fold joins words with sep where they fit on the line and with a folding
// line break where they do not, so no line exceeds 76 characters.
func fold(words []string, used int, sep string) string {
	var b strings.Builder
	line := used
	for i, word := range words {
		if i > 0 {
			if sep == " " && line+1+len(word) <= 76 {
				b.WriteByte(' ')
				line++
			} else {
				b.WriteString("\r\n ")
				line = 1
			}
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}

// HTMLFor renders the HTML alternative of an outbox message; the link is the
// one its plain body ends with.
func HTMLFor(m store.OutboxMessage, r store.Remiss) (string, error) {
	// The plain body's footer names this recipient's svarsdatum (moved by
	// any anstånd) and the link.
	link, deadline := footerValue(m.Body, "Öppna ärendet: "), footerValue(m.Body, "Svarsdatum: ")
	if deadline == "" {
		deadline = r.Deadline
	}
	return templates.HTML(m.Subject, m.Body, templates.MailData{Dnr: r.Dnr, Title: r.Title, Deadline: deadline, Link: link})
}

func footerValue(body, prefix string) string {
	value := ""
	for _, line := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			value = strings.TrimSpace(rest)
		}
	}
	return value
}
