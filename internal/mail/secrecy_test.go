package mail_test

import (
	"context"
	"mime"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/store"
)

// TestMarkedDocumentIsNeverAttached queues two messages that carry a
// document each, one of them marked with a sekretessmarkering after the
// message was queued, and sends them through a real SMTP server: the
// unmarked one goes as a PDF; the marked one is not attached, its subject
// shows the public title instead of the round's, its text says a handling
// with a sekretessmarkering is available in the system, and nothing of the
// document (its bytes, its file name) is in the message.
func TestMarkedDocumentIsNeverAttached(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "Hemlig strategi för trafiksäkerhet")
	secret := []byte("%PDF-1.7\nHEMLIGT-INNEHALL\n%%EOF\n")
	for _, d := range []store.Document{
		{ID: "statement.ks-2016-171-908.bromma", RemissID: f.remiss.ID, Kind: "statement", Filename: "hemligt-yttrande-bromma.pdf", Content: secret},
		{ID: "missiv.ks-2016-171-908", RemissID: f.remiss.ID, Kind: "missiv", Filename: "missiv.pdf", Content: []byte("%PDF-1.7\nMISSIV\n%%EOF\n")},
	} {
		if _, err := f.store.PutDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	body := "Kommunstyrelsen har tagit emot yttrandet från Bromma. Tjänsteutlåtandet är bifogat.\n\nRemiss: " + f.remiss.Title +
		"\nDiarienummer: KS 2016/171-908\nSvarsdatum: 2027-01-15\nÖppna ärendet: http://localhost:8080/uppdrag/x\n"
	marked := store.Message{ID: "receipt", Kind: "statement_ready", Recipient: "bromma.registrator@example.stockholm.se",
		Subject: "Kvittens: yttrande mottaget – KS 2016/171-908 " + f.remiss.Title, Body: body, DocumentID: "statement.ks-2016-171-908.bromma"}
	plain := store.Message{ID: "sent", Kind: "remiss_sent", Recipient: "farsta.registrator@example.stockholm.se",
		Subject: "Remiss till Farsta – KS 2016/171-908 " + f.remiss.Title, Body: body, DocumentID: "missiv.ks-2016-171-908"}
	f.queue(t, marked, plain)
	// Marked after the messages were queued, before they are sent.
	mark := store.Secrecy{DocumentID: marked.DocumentID, Provision: "OSL 18 kap. 8 §", PublicTitle: "Yttrande om trafiksäkerhet",
		MarkedAt: f.now, MarkedBy: "bromma.registrator"}
	if _, err := f.store.Apply(ctx, store.Change{EventKey: "mark", At: f.now, Actor: "bromma.registrator", RemissID: f.remiss.ID,
		Action: "test", Secrecy: &store.SecrecyPatch{DocumentID: mark.DocumentID, Set: &mark}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sender().SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	got := f.catcher.Messages()
	if len(got) != 2 {
		t.Fatalf("%d messages", len(got))
	}
	var dec mime.WordDecoder
	for _, c := range got {
		m, parts := parse(t, c.Raw)
		subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
		pdf := find(parts, "application/pdf")
		text := find(parts, "text/plain")
		html := find(parts, "text/html")
		if strings.Contains(m.Header.Get("To"), "farsta") {
			if pdf == nil || pdf.Filename != "missiv.pdf" {
				t.Errorf("the unmarked document is not attached: %v", parts)
			}
			continue
		}
		if pdf != nil {
			t.Errorf("the marked document is attached as %s", pdf.Filename)
		}
		if subject != "Kvittens: yttrande mottaget – KS 2016/171-908 Yttrande om trafiksäkerhet" {
			t.Errorf("subject %q", subject)
		}
		for _, p := range []*part{text, html} {
			if p == nil || !strings.Contains(strings.Join(strings.Fields(string(p.Body)), " "), "En handling med sekretessmarkering (OSL 18 kap. 8 §) finns tillgänglig i Remiss") {
				t.Errorf("the text does not say a marked handling is available: %v", p)
			}
		}
		for _, leak := range []string{"hemligt-yttrande-bromma", "HEMLIGT-INNEHALL"} {
			if strings.Contains(string(c.Raw), leak) {
				t.Errorf("the message carries %q", leak)
			}
		}
		if pdf == nil && len(parts) > 2 {
			t.Errorf("parts %v", parts)
		}
	}
}
