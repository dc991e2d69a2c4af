// Package templates holds the texts the system sends and prints, embedded in
// the binary: one file per e-mail kind under mail/, whose first line is the
// subject and the rest the body. Every message ends with the Dnr, the title,
// the svarsdatum and a link to the case.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"text/template"

	"github.com/remiss/remiss/internal/remiss"
)

//go:embed mail/*.txt mail/*.html
var mailFS embed.FS

// mailFuncs are the words a message may bend: "{{capital .OrgKind.Body}}"
// begins a sentence with who decides ("Styrelsen"); .OrgKind.Self is the
// organisation ("bolaget") and .OrgKind.Words the rest of its kind's words
// (remiss.KindWords); "{{genitive …}}" makes
// it own something ("styrelsens"), "{{number …}}" writes a count.
var mailFuncs = template.FuncMap{
	"capital":  remiss.Capital,
	"genitive": func(s string) string { return s + "s" },
	"number":   remiss.Number,
}

var (
	mail       = template.Must(template.New("").Option("missingkey=error").Funcs(mailFuncs).ParseFS(mailFS, "mail/*.txt"))
	mailLayout = htmltemplate.Must(htmltemplate.ParseFS(mailFS, "mail/layout.html"))
)

// MailData fills a message.
type MailData struct {
	Org            string         // the recipient organisation's name
	OrgKind        remiss.OrgKind // its kind: its words (OrgKind.Words), who decides for it (OrgKind.Body)
	Dnr            string         // kommunstyrelsens diarienummer
	OwnDnr         string         // the recipient's own, once its registrator has set it
	Title          string
	Deadline       string // this recipient's svarsdatum
	RoundDeadline  string // the round's svarsdatum
	Until          string // anstånd date
	Approved       bool
	Link           string
	Recipient      string   // undeliverable: the address that failed
	Detail         string   // undeliverable: the failed message's subject
	Reason         string   // undeliverable: the server's answer
	Items          []string // digest: who has not answered
	Events         []string // digest: what happened since the last one
	Body           string   // decision: who decided
	Verdict        string   // decision: what, in words
	Paragraph      string   // decision: § in the minutes
	Meeting        string   // decision: the meeting's date
	AgendaDeadline string   // the meeting's last day for ärenden
	Decline        bool     // the body's answer is that it declines
	// Statement: the assignment is kommunstyrelsen's own tjänsteutlåtande
	// on the answers, not an answer to the remiss.
	Statement bool
	// ByLink: the recipient is an outside body answering through its
	// personal link (Link), without an account.
	ByLink bool
}

const footer = `

Remiss: {{.Title}}
Diarienummer: {{.Dnr}}{{with .OwnDnr}}
Diarienummer hos {{$.Org}}: {{.}}{{end}}
Svarsdatum: {{.Deadline}}
Öppna ärendet: {{.Link}}
`

var footerTmpl = template.Must(template.New("footer").Parse(strings.TrimPrefix(footer, "\n")))

// Mail renders the message of one kind.
func Mail(kind string, d MailData) (subject, body string, err error) {
	var buf bytes.Buffer
	if err := mail.ExecuteTemplate(&buf, kind+".txt", d); err != nil {
		return "", "", fmt.Errorf("templates: mail %s: %w", kind, err)
	}
	subject, body, ok := strings.Cut(buf.String(), "\n")
	if !ok {
		return "", "", fmt.Errorf("templates: mail %s has no body", kind)
	}
	buf.Reset()
	if err := footerTmpl.Execute(&buf, d); err != nil {
		return "", "", err
	}
	return strings.TrimSpace(subject), strings.TrimSpace(body) + "\n" + buf.String(), nil
}

// Kinds lists every message kind there is a template for.
func Kinds() []string {
	var out []string
	for _, t := range mail.Templates() {
		if name, ok := strings.CutSuffix(t.Name(), ".txt"); ok {
			out = append(out, name)
		}
	}
	return out
}

// HTML renders the HTML alternative of a message from its subject and the
// plain body Mail returned: the same words, escaped, with the case link as a
// button.
func HTML(subject, body string, d MailData) (string, error) {
	text, _, _ := strings.Cut(body, "\n\nRemiss: ")
	var paragraphs [][]string
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		paragraphs = append(paragraphs, strings.Split(p, "\n"))
	}
	var buf bytes.Buffer
	err := mailLayout.Execute(&buf, struct {
		MailData
		Subject    string
		Paragraphs [][]string
	}{d, subject, paragraphs})
	if err != nil {
		return "", fmt.Errorf("templates: html: %w", err)
	}
	return buf.String(), nil
}
