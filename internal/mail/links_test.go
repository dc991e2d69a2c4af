package mail_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/devmail"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// An outside body's personal link is put into a message as it is sent,
// only in a message to the body's own address and only when the key is
// the one the link was made with; a report that its message could not be
// delivered gives the Coordinator the assignment's page, not the link.
func TestPersonalLinksGoToTheirBodyOnly(t *testing.T) {
	f := newFixture(t, "Smart stad")
	ctx := context.Background()
	asg, body := "ks-2016-171-908.bromma", "registrator@region.example"
	if _, err := f.store.DB().ExecContext(ctx, `UPDATE orgs SET by_link=true, email=$1 WHERE code='bromma'`, body); err != nil {
		t.Fatal(err)
	}
	key, nonce := bytes.Repeat([]byte{3}, remiss.LinkKeySize), remiss.NewLinkNonce()
	token := remiss.LinkToken(key, asg, 1, nonce)
	if err := f.store.CreateLinks(ctx, map[string]store.NewLink{asg: {Nonce: nonce, Hash: remiss.LinkHash(token)}}); err != nil {
		t.Fatal(err)
	}
	withLink := func(id, to string) store.Message {
		m := msg(id, to)
		m.AssignmentID, m.Deadline = asg, "2027-01-15"
		m.Body = "Svara.\n\nÖppna ärendet: http://localhost:8080/svar/" + remiss.LinkMarker + "\n"
		return m
	}
	carries := func(m devmail.Message) bool {
		_, parts, err := devmail.Parts(m.Raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range parts {
			if bytes.Contains(p.Body, []byte(token)) || bytes.Contains(p.Body, []byte(remiss.LinkMarker)) {
				return true
			}
		}
		return false
	}

	// To the body: sent with the live token, and no calendar event holds it.
	f.queue(t, withLink("to-body", body))
	s := f.sender()
	s.LinkKey = key
	if _, err := s.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	got := f.catcher.Messages()
	if len(got) != 1 || !strings.Contains(string(got[0].Raw), "svar/") {
		t.Fatalf("to the body: %v", got)
	}
	_, parts, _ := devmail.Parts(got[0].Raw)
	for _, p := range parts {
		if p.ContentType == "text/plain" && !bytes.Contains(p.Body, []byte(token)) {
			t.Errorf("the body's message lacks its token:\n%s", p.Body)
		}
		if p.ContentType == "text/calendar" && bytes.Contains(p.Body, []byte(token)) {
			t.Errorf("the calendar event carries the token:\n%s", p.Body)
		}
	}

	// To anyone else, or with another key: never sent with a link, and
	// not given up either (it is our fault).
	f.queue(t, withLink("to-other", "ks.samordnare@example.stockholm.se"))
	if _, err := s.SendDue(ctx); err == nil {
		t.Error("a personal link to another address was not refused")
	}
	s2 := f.sender()
	s2.LinkKey = bytes.Repeat([]byte{4}, remiss.LinkKeySize)
	f.store.DB().ExecContext(ctx, `UPDATE outbox SET failed_at=now() WHERE id='to-other'`)
	f.queue(t, withLink("wrong-key", body))
	if _, err := s2.SendDue(ctx); err == nil {
		t.Error("a link made with another key was not refused")
	}
	f.store.DB().ExecContext(ctx, `UPDATE outbox SET failed_at=now() WHERE id='wrong-key'`)
	if n := len(f.catcher.Messages()); n != 1 {
		t.Errorf("%d messages went out", n)
	}

	// The body's address refuses: the Coordinator's report names the
	// assignment's page, not the link.
	f.catcher.Reject = func(rcpt string) bool { return rcpt == "refusing@region.example" }
	if _, err := f.store.DB().ExecContext(ctx, `UPDATE orgs SET email='refusing@region.example' WHERE code='bromma'`); err != nil {
		t.Fatal(err)
	}
	f.queue(t, withLink("refused", "refusing@region.example"))
	for range 3 {
		s.SendDue(ctx)
	}
	reports := 0
	for _, m := range f.catcher.Messages()[1:] {
		if carries(m) {
			t.Errorf("message %q to %v carries the personal link", m.Subject, m.To)
		}
		if strings.Contains(string(m.Raw), "/uppdrag/"+asg) {
			reports++
		}
	}
	if reports != 1 {
		t.Errorf("%d reports name the assignment's page", reports)
	}
}
