// Package devmail is a small SMTP server that keeps what it receives in
// memory: `make dev` points the sender at it and shows the messages at
// /dev/mail, and the tests use it as the real SMTP peer on loopback.
package devmail

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/mail"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one received message.
type Message struct {
	At        time.Time `json:"at"`
	From      string    `json:"from"`
	To        []string  `json:"to"`
	MessageID string    `json:"messageId"`
	Subject   string    `json:"subject"`
	Raw       []byte    `json:"-"`
}

// Options configure a catcher beyond the defaults (plain SMTP, no login).
type Options struct {
	// TLS enables STARTTLS with this configuration.
	TLS *tls.Config
	// Username and Password, when set, require AUTH PLAIN before MAIL.
	Username, Password string
}

// Catcher is the server.
type Catcher struct {
	// Reject, when set, refuses a recipient permanently (550), as a server
	// does for an address that does not exist.
	Reject func(rcpt string) bool
	// RejectSender, when set, refuses the envelope sender (553).
	RejectSender func(from string) bool

	opts Options
	mu   sync.Mutex
	msgs []Message
	srv  *smtp.Server
	addr string
}

// Start listens on addr (host:port; port 0 picks one) and serves until Close.
func Start(addr string) (*Catcher, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return Serve(ln), nil
}

// Serve serves on a listener the caller made.
func Serve(ln net.Listener) *Catcher { return ServeWith(ln, Options{}) }

// ServeWith serves with options; a TLS listener gives implicit TLS.
func ServeWith(ln net.Listener, opts Options) *Catcher {
	c := &Catcher{addr: ln.Addr().String(), opts: opts}
	c.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{c: c}, nil }))
	c.srv.TLSConfig = opts.TLS
	c.srv.Domain = "localhost"
	c.srv.AllowInsecureAuth = true
	c.srv.MaxMessageBytes = 30 << 20
	c.srv.ErrorLog = discard{}
	go c.srv.Serve(ln)
	return c
}

type discard struct{}

func (discard) Printf(string, ...any) {}
func (discard) Println(...any)        {}

// Addr is where the server listens.
func (c *Catcher) Addr() string { return c.addr }

// Close stops the server.
func (c *Catcher) Close() error { return c.srv.Close() }

// Messages returns what has arrived, oldest first.
func (c *Catcher) Messages() []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Message(nil), c.msgs...)
}

type session struct {
	c      *Catcher
	authed bool
	from   string
	to     []string
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.c.opts.Username != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	if s.c.RejectSender != nil && s.c.RejectSender(from) {
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Sender not allowed: " + from}
	}
	s.from = from
	return nil
}

func (s *session) AuthMechanisms() []string {
	if s.c.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.c.opts.Username || pass != s.c.opts.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication failed"}
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.c.Reject != nil && s.c.Reject(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "Mailbox unavailable: " + to}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Message{At: time.Now(), From: s.from, To: s.to, Raw: raw}
	if parsed, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.MessageID = parsed.Header.Get("Message-ID")
		dec := new(mimeDecoder)
		m.Subject = dec.header(parsed.Header.Get("Subject"))
	}
	s.c.mu.Lock()
	s.c.msgs = append(s.c.msgs, m)
	s.c.mu.Unlock()
	return nil
}

var errNotLoopback = errors.New("devmail: only from this machine")

// Handler serves GET /dev/mail (a page) and GET /dev/mail.json, to
// loopback clients only.
func (c *Catcher) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /dev/mail.json", func(w http.ResponseWriter, r *http.Request) {
		if !loopback(r) {
			http.Error(w, errNotLoopback.Error(), http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		list := c.Messages()
		if list == nil {
			list = []Message{}
		}
		json.NewEncoder(w).Encode(list)
	})
	mux.HandleFunc("GET /dev/mail/{n}", func(w http.ResponseWriter, r *http.Request) {
		list := c.Messages()
		n, err := strconv.Atoi(r.PathValue("n"))
		if !loopback(r) || err != nil || n < 0 || n >= len(list) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(list[n].Raw)
	})
	mux.HandleFunc("GET /dev/mail", func(w http.ResponseWriter, r *http.Request) {
		if !loopback(r) {
			http.Error(w, errNotLoopback.Error(), http.StatusForbidden)
			return
		}
		var buf bytes.Buffer
		if err := page.Execute(&buf, c.Messages()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(buf.Bytes())
	})
	return mux
}

func loopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

var page = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Utvecklingspost</title>
<meta http-equiv="refresh" content="5"></head>
<body style="font-family: Arial, Helvetica, sans-serif">
<h1>Utvecklingspost ({{len .}} meddelanden)</h1>
<p>Allt som systemet har skickat med e-post sedan start. Sidan uppdateras var femte sekund.</p>
<table>
<caption>Mottagna meddelanden, äldst först</caption>
<thead><tr><th scope="col">Tid</th><th scope="col">Till</th><th scope="col">Ämne</th><th scope="col">Message-ID</th></tr></thead>
<tbody>
{{range $i, $m := .}}<tr><td>{{$m.At.Format "2006-01-02 15:04:05"}}</td><td>{{range $m.To}}{{.}} {{end}}</td><td><a href="/dev/mail/{{$i}}">{{$m.Subject}}</a></td><td><code>{{$m.MessageID}}</code></td></tr>
{{end}}</tbody></table></body></html>
`))
