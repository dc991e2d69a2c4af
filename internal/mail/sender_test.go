package mail_test

import (
	"context"
	"database/sql"
	"mime"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/devmail"
	imail "github.com/remiss/remiss/internal/mail"
	"github.com/remiss/remiss/internal/store"
)

func TestSendMarksEachMessageOnceWithItsMessageID(t *testing.T) {
	f := newFixture(t, "Strategi för Stockholm som smart och uppkopplad stad")
	f.queue(t, msg("m1", "bromma.handlaggare@example.stockholm.se"), msg("m2", "registrator.farsta@example.stockholm.se"))
	n, err := f.sender().SendDue(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("sent %d: %v", n, err)
	}
	if n, _ := f.sender().SendDue(context.Background()); n != 0 {
		t.Errorf("a second pass sent %d again", n)
	}
	got := f.catcher.Messages()
	if len(got) != 2 {
		t.Fatalf("server got %d", len(got))
	}
	for _, m := range got {
		id := strings.TrimSuffix(strings.SplitN(m.To[0], ".", 2)[0], "")
		_ = id
		row, _ := f.store.OutboxMessage(context.Background(), map[string]string{
			"bromma.handlaggare@example.stockholm.se": "m1", "registrator.farsta@example.stockholm.se": "m2"}[m.To[0]])
		if m.MessageID != imail.MessageID(row.ID, "example.stockholm.se") {
			t.Errorf("Message-ID %s for %s", m.MessageID, row.ID)
		}
		if row.SentAt == nil || !strings.HasPrefix(row.SMTPResponse, "250") || row.Attempts != 1 {
			t.Errorf("row %s: sent %v response %q attempts %d", row.ID, row.SentAt, row.SMTPResponse, row.Attempts)
		}
		if m.From != "remiss@example.stockholm.se" {
			t.Errorf("envelope from %s", m.From)
		}
	}
}

func TestMessageIsWellFormedWithICS(t *testing.T) {
	f := newFixture(t, "Strategi för Stockholm som smart och uppkopplad stad")
	f.queue(t, msg("m1", "bromma.handlaggare@example.stockholm.se"))
	if _, err := f.sender().SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	m, parts := parse(t, f.catcher.Messages()[0].Raw)
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subject != "Påminnelse – KS 2016/171-908" {
		t.Errorf("subject %q %v", subject, err)
	}
	text, html, ics := find(parts, "text/plain"), find(parts, "text/html"), find(parts, "text/calendar")
	if text == nil || html == nil || ics == nil {
		t.Fatalf("parts %v", parts)
	}
	if !strings.Contains(string(text.Body), "Öppna ärendet: http://localhost:8080/uppdrag/x") || text.Params["charset"] != "utf-8" {
		t.Errorf("text part %q", text.Body)
	}
	if !strings.Contains(string(html.Body), `href="http://localhost:8080/uppdrag/x"`) || !strings.Contains(string(html.Body), "KS 2016/171-908") {
		t.Errorf("html part %q", html.Body)
	}
	props := parseICS(t, ics.Body)
	if props["DTSTART;VALUE=DATE"] != "20270115" || props["DTEND;VALUE=DATE"] != "20270116" ||
		!strings.Contains(props["SUMMARY"], "KS 2016/171-908") || ics.Filename != "svarsdatum.ics" {
		t.Errorf("ics %v (%s)", props, ics.Filename)
	}
}

func TestHostileTitlesAndNamesCannotInjectHeaders(t *testing.T) {
	for name, title := range map[string]string{
		"crlf":  "Smart stad\r\nBcc: everyone@example.com\r\n\r\nbody",
		"long":  strings.Repeat("Strategi för Stockholm som smart och uppkopplad stad ", 40),
		"rtl":   "Smart stad \u202egnp.exe",
		"emoji": "Smart stad 🏙️ och 📡 sakernas internet",
		"ctrl":  "Smart\x07stad\x1b[31m\u0085",
		"spoof": "=?utf-8?q?Godk=C3=A4nt?= av stadsdirekt=C3=B6ren",
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, title)
			m := msg("m1", "bromma.handlaggare@example.stockholm.se")
			m.Subject = "Påminnelse – KS 2016/171-908 " + title
			f.queue(t, m)
			if _, err := f.sender().SendDue(context.Background()); err != nil {
				t.Fatal(err)
			}
			got := f.catcher.Messages()
			if len(got) != 1 || len(got[0].To) != 1 {
				t.Fatalf("delivered %+v", got)
			}
			parsed, _ := parse(t, got[0].Raw)
			for key := range parsed.Header {
				switch key {
				case "From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Content-Type", "Content-Language", "Auto-Submitted":
				default:
					t.Errorf("unexpected header %s", key)
				}
			}
			headerEnd := strings.Index(string(got[0].Raw), "\r\n\r\n")
			for _, line := range strings.Split(string(got[0].Raw)[:headerEnd], "\r\n") {
				if len(line) > 78 {
					t.Errorf("header line of %d characters: %q", len(line), line)
				}
			}
			var dec mime.WordDecoder
			subject, err := dec.DecodeHeader(parsed.Header.Get("Subject"))
			if err != nil || strings.ContainsAny(subject, "\r\n\x00\x1b\u202e") || !strings.HasPrefix(subject, "Påminnelse") {
				t.Errorf("subject %q: %v", subject, err)
			}
			want := strings.Join(strings.Fields(strings.Map(func(r rune) rune {
				if r == '\u202e' || r < ' ' || r == '\u0085' {
					if r == '\r' || r == '\n' {
						return ' '
					}
					return -1
				}
				return r
			}, m.Subject)), " ")
			if r := []rune(want); len(r) > 500 {
				want = string(r[:497]) + "…"
			}
			if subject != want {
				t.Errorf("subject decodes to\n%q, want\n%q", subject, want)
			}
		})
	}
}

func TestCrashBetweenAcceptanceAndMarkResendsWithTheSameMessageID(t *testing.T) {
	f := newFixture(t, "Smart stad")
	f.queue(t, msg("m1", "a@example.stockholm.se"), msg("m2", "b@example.stockholm.se"), msg("m3", "c@example.stockholm.se"))
	crashed := f.sender()
	imail.CrashAfterAccept(crashed, func(id string) bool { return id == "m2" })
	if _, err := crashed.SendDue(context.Background()); err == nil {
		t.Fatal("the crash did not stop the sender")
	}
	// A new sender before the lease runs out leaves m2 alone; after, it
	// sends it again, with the same Message-ID.
	f.now = f.now.Add(time.Minute)
	if _, err := f.sender().SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(5 * time.Minute)
	if _, err := f.sender().SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	byID := map[string]int{}
	for _, m := range f.catcher.Messages() {
		byID[m.MessageID]++
	}
	out, _ := f.store.Outbox(context.Background(), f.remiss.ID)
	for _, row := range out {
		id := imail.MessageID(row.ID, "example.stockholm.se")
		want := 1
		if row.ID == "m2" {
			want = 2 // delivered before the crash and again: the copy is recognisable by its ID
		}
		if byID[id] != want || row.SentAt == nil {
			t.Errorf("%s: delivered %d times (want %d), sent_at %v", row.ID, byID[id], want, row.SentAt)
		}
	}
	if len(byID) != len(out) {
		t.Errorf("%d distinct Message-IDs for %d messages", len(byID), len(out))
	}
}

func TestServerDownThenBackDeliversEverythingOnce(t *testing.T) {
	f := newFixture(t, "Smart stad")
	addr := f.catcher.Addr()
	f.catcher.Close()
	f.queue(t, msg("m1", "a@example.stockholm.se"), msg("m2", "b@example.stockholm.se"))
	s := f.sender()
	for range 3 {
		if _, err := s.SendDue(context.Background()); err == nil {
			t.Fatal("sending to a stopped server succeeded")
		}
		f.now = f.now.Add(imail.Backoff(10))
	}
	out, _ := f.store.Outbox(context.Background(), f.remiss.ID)
	if out[0].Attempts != 3 || out[0].LastError == "" || out[0].SentAt != nil {
		t.Errorf("after three failures: %+v", out[0])
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	back := devmail.Serve(ln)
	defer back.Close()
	if n, err := s.SendDue(context.Background()); err != nil || n != 2 {
		t.Fatalf("after the server came back: sent %d, %v", n, err)
	}
	if n, _ := s.SendDue(context.Background()); n != 0 || len(back.Messages()) != 2 {
		t.Errorf("delivered %d", len(back.Messages()))
	}
}

func TestUndeliverableAddressIsReportedToTheCoordinator(t *testing.T) {
	f := newFixture(t, "Smart stad")
	f.catcher.Reject = func(rcpt string) bool { return strings.HasPrefix(rcpt, "nobody@") }
	f.queue(t, msg("m1", "nobody@example.stockholm.se"), msg("m2", "b@example.stockholm.se"))
	s := f.sender()
	if _, err := s.SendDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	row, _ := f.store.OutboxMessage(context.Background(), "m1")
	if row.FailedAt == nil || !strings.Contains(row.LastError, "550") || row.Attempts != 1 {
		t.Errorf("m1 %+v", row)
	}
	report, err := f.store.OutboxMessage(context.Background(), "undeliverable.m1")
	if err != nil || report.Recipient != "ks.samordnare@example.stockholm.se" || !strings.Contains(report.Body, "nobody@example.stockholm.se") {
		t.Fatalf("report %+v %v", report, err)
	}
	// The report went out in the same pass; nothing is retried for ever.
	f.now = f.now.Add(24 * time.Hour)
	s.SendDue(context.Background())
	var to []string
	for _, m := range f.catcher.Messages() {
		to = append(to, m.To...)
	}
	if strings.Join(to, ",") != "b@example.stockholm.se,ks.samordnare@example.stockholm.se" {
		t.Errorf("delivered to %v", to)
	}
	_ = store.Message{}
}

func TestSenderRefusedByTheServerKeepsEveryMessage(t *testing.T) {
	f := newFixture(t, "Smart stad")
	f.catcher.RejectSender = func(from string) bool { return true }
	f.queue(t, msg("m1", "a@example.stockholm.se"), msg("m2", "b@example.stockholm.se"))
	if _, err := f.sender().SendDue(context.Background()); err == nil {
		t.Fatal("a refused sender was not reported")
	}
	out, _ := f.store.Outbox(context.Background(), f.remiss.ID)
	for _, m := range out {
		if m.FailedAt != nil || m.SentAt != nil || m.LastError == "" {
			t.Errorf("%s: failed %v sent %v error %q: a sender-side fault must not give messages up", m.ID, m.FailedAt, m.SentAt, m.LastError)
		}
	}
	if _, err := f.store.OutboxMessage(context.Background(), "undeliverable.m1"); err == nil {
		t.Error("an undeliverable report was queued for a sender-side fault")
	}
}

func TestAnotherSendersLeaseIsRespected(t *testing.T) {
	f := newFixture(t, "Smart stad")
	f.queue(t, msg("m1", "a@example.stockholm.se"))
	if _, err := f.store.ClaimDue(context.Background(), "other-worker", f.now, 2*time.Minute, 10); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.sender().SendDue(context.Background()); n != 0 || len(f.catcher.Messages()) != 0 {
		t.Errorf("sent a message another worker holds")
	}
}

// The database goes away just after the SMTP server accepted a message, for
// less than the lease: the sender records the message once the database is
// back, and nothing is sent twice.
func TestAcceptedMessageIsRecordedWhenTheDatabaseIsBack(t *testing.T) {
	url := dbtest.URL(t)
	s, err := store.Open(context.Background(), url, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := demo.Seed(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("postgres", dbtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := url[strings.LastIndexByte(url, '/')+1:]
	if i := strings.IndexByte(name, '?'); i >= 0 {
		name = name[:i]
	}
	t.Cleanup(func() { admin.Exec(`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS true`) })

	f := newFixtureOn(t, s, "Smart stad")
	f.queue(t, msg("m1", "a@example.stockholm.se"), msg("m2", "b@example.stockholm.se"))
	sender := f.sender()
	sender.Lease = time.Minute
	back := make(chan struct{})
	imail.CrashAfterAccept(sender, func(id string) bool {
		if id != "m1" {
			return false
		}
		// Away: no new connections, and the open ones cut.
		for _, q := range []string{`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS false`,
			`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '` + name + `'`} {
			if _, err := admin.Exec(q); err != nil {
				t.Error(err)
			}
		}
		go func() {
			defer close(back)
			time.Sleep(time.Second)
			if _, err := admin.Exec(`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS true`); err != nil {
				t.Error(err)
			}
		}()
		return false
	})
	started := time.Now()
	n, err := sender.SendDue(context.Background())
	<-back
	if err != nil || n != 2 {
		t.Fatalf("sent %d: %v", n, err)
	}
	if d := time.Since(started); d < time.Second {
		t.Errorf("done in %v: the database was not away", d)
	}
	// Later passes, past the lease, find nothing to send.
	f.now = f.now.Add(10 * time.Minute)
	if n, err := f.sender().SendDue(context.Background()); n != 0 || err != nil {
		t.Errorf("a later pass sent %d: %v", n, err)
	}
	f.deliveredOnce(t)
}

// A sender killed after the server accepted a message and its journal noted
// it, before the database recorded it: the next sender records it from the
// journal before it claims anything, instead of sending it again once the
// lease runs out.
func TestJournalKeepsAnAcceptedMessageFromBeingSentAgain(t *testing.T) {
	f := newFixture(t, "Smart stad")
	journal := t.TempDir()
	f.queue(t, msg("m1", "a@example.stockholm.se"), msg("m2", "b@example.stockholm.se"), msg("m3", "c@example.stockholm.se"))
	crashed := f.sender()
	crashed.Journal = journal
	imail.CrashAfterAccept(crashed, func(id string) bool { return id == "m2" })
	accepted := f.now
	if _, err := crashed.SendDue(context.Background()); err == nil {
		t.Fatal("the crash did not stop the sender")
	}
	if row, _ := f.store.OutboxMessage(context.Background(), "m2"); row.SentAt != nil {
		t.Fatal("m2 recorded before the journal was read")
	}
	// The next pass, within the lease: m2 is recorded from the journal,
	// with the time the server accepted it; m3 is still the dead sender's.
	f.now = f.now.Add(time.Minute)
	next := f.sender()
	next.Journal = journal
	if n, err := next.SendDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("sent %d: %v", n, err)
	}
	row, _ := f.store.OutboxMessage(context.Background(), "m2")
	if row.SentAt == nil || !row.SentAt.Equal(accepted) || !strings.HasPrefix(row.SMTPResponse, "250") {
		t.Errorf("m2 from the journal: sent_at %v (accepted %v), response %q", row.SentAt, accepted, row.SMTPResponse)
	}
	// After the lease m3 is sent, and m2 is not sent again.
	f.now = f.now.Add(5 * time.Minute)
	if n, err := next.SendDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("sent %d: %v", n, err)
	}
	f.deliveredOnce(t)
	// Each pass settles what the last noted: nothing is left behind.
	if n, err := next.SendDue(context.Background()); err != nil || n != 0 {
		t.Errorf("a last pass sent %d: %v", n, err)
	}
	if files, _ := filepath.Glob(filepath.Join(journal, "*")); len(files) != 0 {
		t.Errorf("journal files left: %v", files)
	}
}

// A journal that cannot be written stops the sender at once.
func TestUnwritableJournalIsRefused(t *testing.T) {
	f := newFixture(t, "Smart stad")
	file := filepath.Join(t.TempDir(), "not-a-directory")
	os.WriteFile(file, nil, 0o600)
	s := f.sender()
	s.Journal = file
	if _, err := s.SendDue(context.Background()); err == nil || !strings.Contains(err.Error(), "journal") {
		t.Errorf("sender with journal %s: %v", file, err)
	}
}

// deliveredOnce checks that every queued message reached the server once
// and is recorded as sent.
func (f *fixture) deliveredOnce(t *testing.T) {
	t.Helper()
	byID := map[string]int{}
	for _, m := range f.catcher.Messages() {
		byID[m.MessageID]++
	}
	out, _ := f.store.Outbox(context.Background(), f.remiss.ID)
	for _, row := range out {
		if k := byID[imail.MessageID(row.ID, "example.stockholm.se")]; k != 1 || row.SentAt == nil {
			t.Errorf("%s: delivered %d times, sent_at %v", row.ID, k, row.SentAt)
		}
	}
}
