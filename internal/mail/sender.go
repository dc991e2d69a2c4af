package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/remiss/remiss/internal/logging"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/templates"
)

// SMTPConfig says how to reach the mail server.
type SMTPConfig struct {
	Addr     string // host:port
	Security string // "starttls" (default), "tls" (implicit, port 465) or "none" (loopback only)
	Username string // AUTH PLAIN when set
	Password string
	From     string // e.g. "Remiss <remiss@stockholm.se>"
	// TLS overrides the TLS settings (a private CA, tests).
	TLS *tls.Config
}

// Sender delivers the outbox. Several may run at once (one per worker): a
// lease on each claimed row keeps them apart.
type Sender struct {
	Store       *store.Store
	SMTP        SMTPConfig
	BaseURL     string // links in the daily digest
	Sent        func() // called for each message the server accepted (metrics)
	Now         func() time.Time
	Lease       time.Duration // how long a claimed message is ours (default 2 min)
	MaxAttempts int           // before a message is given up (default 12)
	Log         *slog.Logger
	// Journal, when set, is a directory the senders share (a volume in
	// production) where each notes the messages the server accepted until
	// the database has recorded them (see journal.go).
	Journal string
	// LinkKey derives the personal links of outside bodies
	// (REMISS_LINK_KEY): a message to one carries remiss.LinkMarker, which
	// becomes the live token as it is sent.
	LinkKey []byte

	from   *mail.Address
	domain string
	owner  string // this sender's lease token
	// crashAfterAccept, in tests, stops a send after the server accepted
	// the message (and the journal noted it) and before it is marked: a
	// sender killed in that window.
	crashAfterAccept func(id string) bool
}

var errCrashed = errors.New("mail: sender stopped after the server accepted")

func (s *Sender) init() error {
	if s.from != nil {
		return nil
	}
	from, err := mail.ParseAddress(s.SMTP.From)
	if err != nil {
		return fmt.Errorf("mail: from address %q: %w", s.SMTP.From, err)
	}
	s.from = from
	s.domain = from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Lease == 0 {
		s.Lease = 2 * time.Minute
	}
	if s.MaxAttempts == 0 {
		s.MaxAttempts = 12
	}
	if s.Log == nil {
		s.Log = slog.Default()
	}
	if s.Journal != "" {
		if err := s.journalInit(); err != nil {
			return err
		}
	}
	host, _ := os.Hostname()
	var b [6]byte
	rand.Read(b[:])
	s.owner = fmt.Sprintf("%s/%d/%x", host, os.Getpid(), b)
	return nil
}

// Backoff is the wait after the n-th failed attempt: 30 s doubling to 1 h.
func Backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Run sends what is due every interval until ctx ends.
func (s *Sender) Run(ctx context.Context, interval time.Duration) error {
	if err := s.init(); err != nil {
		return err
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := QueueDigests(ctx, s.Store, s.BaseURL, s.Now()); err != nil && ctx.Err() == nil {
			s.Log.Warn("mail: digest", "err", err)
		}
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("mail: send", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// SendDue sends every message due now, over one connection, and returns
// how many the server accepted.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	if err := s.init(); err != nil {
		return 0, err
	}
	sent := 0
	for {
		// What a sender that died before it could record has noted is
		// recorded first, so none of it is claimed and sent again.
		if err := s.settleJournal(ctx); err != nil {
			return sent, err
		}
		batch, err := s.Store.ClaimDue(ctx, s.owner, s.Now(), s.Lease, 10)
		if err != nil || len(batch) == 0 {
			return sent, err
		}
		n, err := s.sendBatch(ctx, batch)
		sent += n
		if err != nil {
			return sent, err
		}
	}
}

func (s *Sender) sendBatch(ctx context.Context, batch []store.OutboxMessage) (int, error) {
	c, err := s.dial()
	if err != nil {
		s.retryAll(ctx, batch, err)
		return 0, err
	}
	defer c.Close()
	// What the server accepted must be marked even when we are told to
	// stop, or it would be sent again.
	mark := context.WithoutCancel(ctx)
	sent := 0
	for i, m := range batch {
		if ctx.Err() != nil {
			s.retryAll(mark, batch[i:], ctx.Err())
			return sent, ctx.Err()
		}
		// The lease may have run out while earlier messages were slow;
		// then another sender has this one.
		leased := time.Now().Add(s.Lease)
		mine, err := s.Store.Renew(ctx, m.ID, s.owner, s.Now().Add(s.Lease))
		if err != nil {
			return sent, err
		}
		if !mine {
			continue
		}
		resp, err := s.sendOne(ctx, c, m)
		var fault *senderFault
		switch {
		case err == nil:
			sent++
			if s.Sent != nil {
				s.Sent()
			}
			if s.Journal != "" {
				if err := s.journalAdd(m.ID, s.Now(), resp); err != nil {
					s.Log.Warn("mail: not noted in the journal", append(msgAttrs(m), "err", err)...)
				}
			}
			if s.crashAfterAccept != nil && s.crashAfterAccept(m.ID) {
				return sent, errCrashed
			}
			if err := s.markSent(mark, m.ID, resp, leased); err != nil {
				return sent, err
			}
		case errors.As(err, &fault):
			// Our side is wrong (the server refuses us as sender, or the
			// database failed): every message waits; none is given up.
			s.Log.Error("mail: cannot send", "err", err)
			s.retryAll(mark, batch[i:], err)
			return sent, err
		case permanent(err) || m.Attempts >= s.MaxAttempts:
			s.Log.Warn("mail: undeliverable", append(msgAttrs(m), "err", err)...)
			if err := s.fail(mark, m, err); err != nil {
				return sent, err
			}
			c.Reset()
		default:
			// A temporary failure: this message and, when the connection
			// is gone, the rest of the batch wait and try again.
			if err := s.Store.MarkRetry(mark, m.ID, s.owner, err.Error(), s.Now().Add(Backoff(m.Attempts))); err != nil {
				return sent, err
			}
			if c.Reset() != nil {
				s.retryAll(mark, batch[i+1:], err)
				return sent, err
			}
		}
	}
	c.Quit()
	return sent, nil
}

// markSent records that the server accepted a message. The message is out
// whatever the database says: while it is away (restarting, failing over)
// this keeps trying for as long as the lease keeps other senders from
// sending the message again, so an outage shorter than the lease sends
// nothing twice.
func (s *Sender) markSent(ctx context.Context, id, resp string, leased time.Time) error {
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		_, err := s.Store.MarkSent(ctx, id, s.Now(), resp)
		if err == nil || !time.Now().Add(wait).Before(leased) {
			return err
		}
		s.Log.Warn("mail: sent, not yet recorded; trying again", "id", id, "err", err)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// senderFault is a failure on our side of a send, not the message's.
type senderFault struct{ err error }

func (f *senderFault) Error() string { return f.err.Error() }
func (f *senderFault) Unwrap() error { return f.err }

func (s *Sender) retryAll(ctx context.Context, batch []store.OutboxMessage, cause error) {
	for _, m := range batch {
		if err := s.Store.MarkRetry(ctx, m.ID, s.owner, cause.Error(), s.Now().Add(Backoff(m.Attempts))); err != nil {
			s.Log.Warn("mail: mark retry", append(msgAttrs(m), "err", err)...)
		}
	}
}

func (s *Sender) dial() (*smtp.Client, error) {
	host, _, err := net.SplitHostPort(s.SMTP.Addr)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP address %q: %w", s.SMTP.Addr, err)
	}
	cfg := s.SMTP.TLS
	if cfg == nil {
		cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	var c *smtp.Client
	switch s.SMTP.Security {
	case "tls":
		c, err = smtp.DialTLS(s.SMTP.Addr, cfg)
	case "none":
		c, err = smtp.Dial(s.SMTP.Addr)
	case "", "starttls":
		c, err = smtp.DialStartTLS(s.SMTP.Addr, cfg)
	default:
		return nil, fmt.Errorf("mail: SMTP security %q: use starttls, tls or none", s.SMTP.Security)
	}
	if err != nil {
		return nil, fmt.Errorf("mail: connect %s: %w", s.SMTP.Addr, err)
	}
	// A send must end well within the lease, or another sender may claim
	// the message while this one is still at it.
	c.CommandTimeout = min(30*time.Second, s.Lease/8)
	c.SubmissionTimeout = min(2*time.Minute, s.Lease/8)
	if err := c.Hello(s.domain); err != nil {
		c.Close()
		return nil, err
	}
	if s.SMTP.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.SMTP.Username, s.SMTP.Password)); err != nil {
			c.Close()
			return nil, fmt.Errorf("mail: auth: %w", err)
		}
	}
	return c, nil
}

// sendOne sends one message and returns the server's answer to the data.
func (s *Sender) sendOne(ctx context.Context, c *smtp.Client, m store.OutboxMessage) (string, error) {
	raw, err := s.build(ctx, m)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, errBadRecipient) {
		return "", &smtp.SMTPError{Code: 554, Message: "meddelandet kan inte byggas: " + err.Error()}
	}
	if err != nil {
		return "", &senderFault{err}
	}
	to, _ := mail.ParseAddress(m.Recipient)
	if err := c.Mail(s.from.Address, nil); err != nil {
		if permanent(err) {
			return "", &senderFault{fmt.Errorf("the server refuses the sender %s: %w", s.from.Address, err)}
		}
		return "", err
	}
	if err := c.Rcpt(to.Address, nil); err != nil {
		return "", err
	}
	w, err := c.Data()
	if err != nil {
		return "", err
	}
	if _, err := w.Write(raw); err != nil {
		return "", err
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", err
	}
	return "250 " + resp.StatusText, nil
}

func (s *Sender) build(ctx context.Context, m store.OutboxMessage) ([]byte, error) {
	r, err := s.Store.RemissHead(ctx, m.RemissID)
	if err != nil {
		return nil, err
	}
	// The calendar event keeps no personal link: calendars are shared.
	eventURL := footerValue(m.Body, "Öppna ärendet: ")
	if strings.Contains(eventURL, remiss.LinkMarker) {
		eventURL = ""
	}
	if m, err = s.withLink(ctx, m); err != nil {
		return nil, err
	}
	var doc *store.Document
	if m.DocumentID != "" {
		d, err := s.Store.Document(ctx, m.DocumentID)
		if err != nil {
			return nil, err
		}
		if remiss.MayAttach(remiss.Holding{Marked: d.Secrecy != nil}) {
			doc = &d
		} else {
			m = Withheld(m, r, *d.Secrecy)
		}
	}
	html, err := HTMLFor(m, r)
	if err != nil {
		return nil, err
	}
	env := Envelope{From: s.from, Domain: s.domain, Date: s.Now(), HTML: html}
	if m.Deadline != "" {
		uid := m.AssignmentID
		if uid == "" {
			uid = r.ID
		}
		ics, err := Calendar(Event{UID: "svarsdatum." + uid + "@" + s.domain, Date: m.Deadline,
			Summary: "Svarsdatum: " + r.Dnr + " " + r.Title, Description: "Sista dag att svara på remissen " + r.Dnr + ".",
			URL: eventURL, Stamp: m.EventAt})
		if err != nil {
			return nil, err
		}
		env.Attachments = append(env.Attachments, Attachment{Filename: "svarsdatum.ics", ContentType: "text/calendar; charset=utf-8; method=PUBLISH", Data: ics})
	}
	if doc != nil {
		env.Attachments = append(env.Attachments, Attachment{Filename: doc.Filename, ContentType: "application/pdf", Data: doc.Content})
	}
	return Compose(m, env)
}

// msgAttrs are a message's log attributes: its ID, its round's and its
// assignment's; never its recipient, subject or text.
func msgAttrs(m store.OutboxMessage) []any {
	out := []any{"id", m.ID, logging.Remiss(m.RemissID)}
	if m.AssignmentID != "" {
		out = append(out, logging.Assignment(m.AssignmentID))
	}
	return out
}

// withheldNote is what a message says in place of a marked handling it
// would have carried.
const withheldNote = "En handling med sekretessmarkering (%s) finns tillgänglig i Remiss för den som är behörig att öppna den. Den skickas inte med e-post och är därför inte bifogad."

// Withheld is message m without its marked document: the subject names the
// handling by its public title where it named the round's title, and the
// text says that a handling with a sekretessmarkering is available in the
// system. The message is built this way when it is sent, so a marking
// made after it was queued still holds.
func Withheld(m store.OutboxMessage, r store.Remiss, mark store.Secrecy) store.OutboxMessage {
	if r.Title != "" {
		m.Subject = strings.Replace(m.Subject, r.Title, mark.PublicTitle, 1)
	}
	note := fmt.Sprintf(withheldNote, mark.Provision)
	if text, foot, ok := strings.Cut(m.Body, "\n\nRemiss: "); ok {
		m.Body = text + "\n\n" + note + "\n\nRemiss: " + foot
	} else {
		m.Body = strings.TrimRight(m.Body, "\n") + "\n\n" + note + "\n"
	}
	m.DocumentID = ""
	return m
}

// permanent reports an SMTP answer that retrying will not change (5xx).
func permanent(err error) bool {
	var se *smtp.SMTPError
	return errors.As(err, &se) && se.Code >= 500
}

// fail gives a message up and tells the round's Coordinator, unless the
// message was itself such a report or went to the Coordinator.
func (s *Sender) fail(ctx context.Context, m store.OutboxMessage, cause error) error {
	var report *store.Message
	r, err := s.Store.RemissHead(ctx, m.RemissID)
	if err != nil {
		return err
	}
	coord, err := s.Store.User(ctx, r.Coordinator)
	if err == nil && m.Kind != "undeliverable" && !strings.EqualFold(coord.Email, m.Recipient) {
		link := footerValue(m.Body, "Öppna ärendet: ")
		if strings.Contains(link, remiss.LinkMarker) {
			// The outside body's personal link is its own: the Coordinator
			// gets the assignment's page.
			link = s.BaseURL + "/uppdrag/" + m.AssignmentID
		}
		subject, body, err := templates.Mail("undeliverable", templates.MailData{
			Dnr: r.Dnr, Title: r.Title, Deadline: r.Deadline, Link: link,
			Recipient: m.Recipient, Detail: m.Subject, Reason: cause.Error(),
		})
		if err != nil {
			return err
		}
		report = &store.Message{ID: "undeliverable." + m.ID, Kind: "undeliverable", AssignmentID: m.AssignmentID,
			Recipient: coord.Email, Subject: subject, Body: body, EventAt: s.Now()}
	}
	return s.Store.MarkFailed(ctx, m.ID, cause.Error(), s.Now(), report)
}

// withLink puts the live token of the assignment's personal link where
// the message's text holds remiss.LinkMarker: only in a message to the
// outside body's own address, and only a token whose hash is the stored
// one. Anything else is our fault (a message to someone else carrying the
// link, no key or another key than the web's): the message waits, it is
// never sent with a wrong or someone else's link, nor given up.
func (s *Sender) withLink(ctx context.Context, m store.OutboxMessage) (store.OutboxMessage, error) {
	if !strings.Contains(m.Body, remiss.LinkMarker) {
		return m, nil
	}
	if len(s.LinkKey) < remiss.LinkKeySize {
		return m, &senderFault{errors.New("mail: a personal link to send, and no key for links (REMISS_LINK_KEY)")}
	}
	l, err := s.Store.LinkOf(ctx, m.AssignmentID)
	if err != nil {
		return m, &senderFault{fmt.Errorf("mail: message %s carries a personal link: %v", m.ID, err)}
	}
	if !strings.EqualFold(strings.TrimSpace(m.Recipient), strings.TrimSpace(l.Email)) {
		return m, &senderFault{fmt.Errorf("mail: message %s carries a personal link to another address than its body's", m.ID)}
	}
	token := remiss.LinkToken(s.LinkKey, m.AssignmentID, l.Generation, l.Nonce)
	if !bytes.Equal(remiss.LinkHash(token), l.Hash) {
		return m, &senderFault{errors.New("mail: the key for links is not the one the links were made with (REMISS_LINK_KEY differs between web and worker)")}
	}
	m.Body = strings.ReplaceAll(m.Body, remiss.LinkMarker, token)
	return m, nil
}
