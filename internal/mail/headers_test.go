package mail_test

import (
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	imail "github.com/remiss/remiss/internal/mail"
	"github.com/remiss/remiss/internal/store"
)

// hidden are characters a reader does not see: zero-width spaces and
// joiners, the bidirectional marks, embeddings, overrides and isolates,
// the word joiner and invisible operators, the byte order mark, the
// Arabic letter mark, the Mongolian vowel separator, and other format
// characters (soft hyphen, interlinear annotation, tags) and
// default-ignorable fillers.
var hidden = []rune{
	0x200B, 0x200C, 0x200D, 0x200E, 0x200F,
	0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
	0x2060, 0x2061, 0x2062, 0x2063, 0x2064,
	0x2066, 0x2067, 0x2068, 0x2069,
	0xFEFF, 0x061C, 0x180E,
	0x00AD, 0x206A, 0x206F, 0xFFF9, 0xFFFB, 0xE0001, 0xE0041, 0x034F, 0x115F, 0x3164,
	0x0007, 0x001B, 0x007F, 0x0085,
}

// TestHeadersDropHiddenCharacters: a subject and a sender's display name
// carrying any hidden character reach the reader without it.
func TestHeadersDropHiddenCharacters(t *testing.T) {
	for _, r := range hidden {
		t.Run(fmt.Sprintf("U+%04X", r), func(t *testing.T) {
			h := string(r)
			m := store.OutboxMessage{Message: store.Message{ID: "x", Recipient: "bromma@example.stockholm.se",
				Subject: "Påminnelse" + h + " – KS" + h + h + " 2016/171-908 " + h + "fdp.exe" + h, Body: "Svara."}}
			raw, err := imail.Compose(m, imail.Envelope{From: &mail.Address{Name: "Remiss" + h + " Stockholms stad" + h, Address: "remiss@example.stockholm.se"},
				Domain: "example.stockholm.se", Date: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)})
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := parse(t, raw)
			subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if err != nil {
				t.Fatal(err)
			}
			from, err := mail.ParseAddress(msg.Header.Get("From"))
			if err != nil {
				t.Fatal(err)
			}
			if want := "Påminnelse – KS 2016/171-908 fdp.exe"; subject != want {
				t.Errorf("subject %q, want %q", subject, want)
			}
			if want := "Remiss Stockholms stad"; from.Name != want {
				t.Errorf("from %q, want %q", from.Name, want)
			}
			if strings.ContainsRune(string(raw), r) {
				t.Errorf("the message carries U+%04X raw", r)
			}
		})
	}
}
