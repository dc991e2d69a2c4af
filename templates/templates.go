// Package templates holds the texts the system sends and prints, embedded in
// the binary: one file per e-mail kind under mail/, whose first line is the
// subject and the rest the body. Every message ends with the Dnr, the title,
// the svarsdatum and a link to the case.
package templates

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

//go:embed mail/*.txt
var mailFS embed.FS

var mail = template.Must(template.New("").Option("missingkey=error").ParseFS(mailFS, "mail/*.txt"))

// MailData fills a message.
type MailData struct {
	Org           string // the recipient organisation's name
	Dnr           string
	Title         string
	Deadline      string // this recipient's svarsdatum
	RoundDeadline string // the round's svarsdatum
	Until         string // anstånd date
	Approved      bool
	Link          string
}

const footer = `

Remiss: {{.Title}}
Diarienummer: {{.Dnr}}
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
