package mail_test

import (
	"context"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/devmail"
	imail "github.com/remiss/remiss/internal/mail"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// part is one leaf of a parsed MIME message.
type part = devmail.Part

// parse reads a message the way a mail client does and fails the test on
// anything malformed.
func parse(t *testing.T, raw []byte) (*mail.Message, []part) {
	t.Helper()
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Fatalf("line %d is %d octets long", i, len(line))
		}
	}
	msg, parts, err := devmail.Parts(raw)
	if err != nil {
		t.Fatal(err)
	}
	return msg, parts
}

func find(parts []part, ctype string) *part {
	for i := range parts {
		if parts[i].ContentType == ctype {
			return &parts[i]
		}
	}
	return nil
}

// parseICS checks an iCalendar file's structure and returns its event's
// properties.
func parseICS(t *testing.T, b []byte) map[string]string {
	t.Helper()
	text := string(b)
	if !strings.HasSuffix(text, "\r\n") {
		t.Fatal("ics does not end with CRLF")
	}
	unfolded := strings.ReplaceAll(text, "\r\n ", "")
	props := map[string]string{}
	depth := []string{}
	for _, line := range strings.Split(strings.TrimSuffix(unfolded, "\r\n"), "\r\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("ics line without a colon: %q", line)
		}
		switch name {
		case "BEGIN":
			depth = append(depth, value)
		case "END":
			if len(depth) == 0 || depth[len(depth)-1] != value {
				t.Fatalf("ics END:%s does not close %v", value, depth)
			}
			depth = depth[:len(depth)-1]
		default:
			props[name] = value
		}
	}
	if len(depth) != 0 {
		t.Fatalf("ics leaves %v open", depth)
	}
	for _, k := range []string{"VERSION", "PRODID", "UID", "DTSTAMP", "DTSTART;VALUE=DATE", "SUMMARY"} {
		if props[k] == "" {
			t.Errorf("ics lacks %s", k)
		}
	}
	return props
}

type fixture struct {
	store   *store.Store
	catcher *devmail.Catcher
	remiss  store.Remiss
	now     time.Time
}

func newFixture(t *testing.T, title string) *fixture {
	return newFixtureOn(t, dbtest.OpenSeeded(t), title)
}

func newFixtureOn(t *testing.T, s *store.Store, title string) *fixture {
	c, err := devmail.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r := store.Remiss{ID: "ks-2016-171-908", Dnr: "KS 2016/171-908", Title: title,
		Deadline: "2027-01-15", DeadlineAt: time.Date(2027, 1, 16, 0, 0, 0, 0, remiss.Stockholm),
		Reminders: []string{"14d"}, Grace: "7d", Coordinator: "ks.samordnare", Recipients: []string{"bromma", "farsta"}}
	if _, err := s.CreateRound(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return &fixture{store: s, catcher: c, remiss: r, now: time.Date(2026, 12, 1, 9, 0, 0, 0, remiss.Stockholm)}
}

func (f *fixture) sender() *imail.Sender {
	return &imail.Sender{Store: f.store, SMTP: imail.SMTPConfig{Addr: f.catcher.Addr(), Security: "none",
		From: "Remiss Stockholms stad <remiss@example.stockholm.se>"}, Now: func() time.Time { return f.now }}
}

func (f *fixture) queue(t *testing.T, msgs ...store.Message) {
	t.Helper()
	for i := range msgs {
		if msgs[i].EventAt.IsZero() {
			msgs[i].EventAt = f.now
		}
	}
	if _, err := f.store.Apply(context.Background(), store.Change{EventKey: "test." + msgs[0].ID, At: f.now, Actor: "test",
		RemissID: f.remiss.ID, Action: "test", Messages: msgs}); err != nil {
		t.Fatal(err)
	}
}

func msg(id, to string) store.Message {
	return store.Message{ID: id, Kind: "reminder", AssignmentID: "ks-2016-171-908.bromma", Recipient: to,
		Subject: "Påminnelse – KS 2016/171-908", Body: "Svara.\n\nÖppna ärendet: http://localhost:8080/uppdrag/x\n", Deadline: "2027-01-15"}
}
