package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/templates"
)

// messageSet builds a change's messages from templates/mail, with
// deterministic IDs and the Dnr and title in every subject.
type messageSet struct {
	asgID  string
	key    string
	at     time.Time
	data   templates.MailData
	digest bool // the round's Coordinator takes a daily digest
	list   []store.Message
	err    error
	// personal is an outside body's personal link, for the messages to
	// its own address (bodyEmail) only: whoever else is told of its
	// assignment (the Coordinator) gets the assignment's page.
	personal, bodyEmail string
	// byLink: the assignment is an outside body's, whose link is looked up.
	byLink bool
}

// calendarKinds carry the recipient's svarsdatum as an .ics event.
var calendarKinds = map[string]bool{"remiss_sent": true, "assigned": true, "reminder": true, "extension_decided": true}

// digestKinds are news for the Coordinator that the daily digest can carry
// instead of a message each.
var digestKinds = map[string]bool{"escalation": true, "declined": true}

func (a *Activities) messages(ctx context.Context, r store.Remiss, org remiss.Org, asg store.Assignment, key string, at time.Time) *messageSet {
	m := a.newMessages(r, org, asg, key, at)
	if m.byLink {
		_, err := a.Store.LinkOf(ctx, asg.ID)
		m.link(a.BaseURL, err)
	}
	return m
}

// newMessages is messages without the look-up of an outside body's link:
// when m.byLink, the caller gives m.link what LinkOf says of it.
func (a *Activities) newMessages(r store.Remiss, org remiss.Org, asg store.Assignment, key string, at time.Time) *messageSet {
	d := templates.MailData{Org: org.Name, OrgKind: org.Kind, Dnr: r.Dnr, Title: r.Title, Deadline: r.Deadline, RoundDeadline: r.Deadline,
		Link: a.BaseURL + "/remisser/" + r.ID}
	m := &messageSet{asgID: asg.ID, key: key, at: at, digest: r.Digest}
	if asg.ID != "" {
		d.Deadline, d.Link, d.OwnDnr = asg.Deadline, a.BaseURL+"/uppdrag/"+asg.ID, asg.OwnDnr
		d.Statement = asg.Kind == remiss.KindStatement
		if org.ByLink {
			// An outside body opens its assignment through its personal
			// link, derived again here: no table holds it.
			m.byLink, m.bodyEmail = true, org.Email
		}
	}
	m.data = d
	return m
}

// link gives the messages to an outside body its personal link, with
// remiss.LinkMarker where the mail sender puts the live token; err is what
// LinkOf said of the assignment's link (one that is missing fails for good).
func (m *messageSet) link(baseURL string, err error) {
	if err != nil {
		m.err = nonRetryableIfNotFound(err)
		return
	}
	m.personal = baseURL + "/svar/" + remiss.LinkMarker
}

func (m *messageSet) add(kind, to string) {
	if to == "" || m.err != nil {
		return
	}
	data := m.data
	if m.personal != "" && to == m.bodyEmail {
		data.Link, data.ByLink = m.personal, true
	}
	subject, body, err := templates.Mail(kind, data)
	if err != nil {
		m.err = temporal.NewNonRetryableApplicationError(err.Error(), "Template", err)
		return
	}
	msg := store.Message{
		ID:           fmt.Sprintf("%s.%s.%d", m.key, kind, len(m.list)),
		Kind:         kind,
		AssignmentID: m.asgID,
		Recipient:    to,
		Subject:      subject,
		Body:         body,
		EventAt:      m.at,
		Digest:       m.digest && digestKinds[kind],
	}
	if calendarKinds[kind] {
		msg.Deadline = m.data.Deadline
		if kind == "extension_decided" {
			msg.Deadline = ""
			if m.data.Approved {
				msg.Deadline = m.data.Until
			}
		}
	}
	m.list = append(m.list, msg)
}

// toEveryRecipient renders one message of a kind to each recipient's
// registrator mailbox; fill adds to what the message says.
func (a *Activities) toEveryRecipient(ctx context.Context, r store.Remiss, kind, key string, at time.Time, fill ...func(*templates.MailData)) ([]store.Message, error) {
	return a.toRecipients(ctx, r, func(store.Assignment) string { return kind }, key, at, fill...)
}

// toRecipients renders to each recipient's registrator mailbox the
// message of the kind kindFor chooses for its assignment (none when it
// chooses ""); fill adds to what the message says.
func (a *Activities) toRecipients(ctx context.Context, r store.Remiss, kindFor func(store.Assignment) string, key string, at time.Time, fill ...func(*templates.MailData)) ([]store.Message, error) {
	asgs, err := a.Store.Assignments(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	var msgs []store.Message
	for _, asg := range asgs {
		kind := kindFor(asg)
		if kind == "" {
			continue
		}
		org, err := a.Store.Org(ctx, asg.Org)
		if err != nil {
			return nil, nonRetryableIfNotFound(err)
		}
		m := a.messages(ctx, r, org, asg, key+"."+org.Code, at)
		for _, f := range fill {
			f(&m.data)
		}
		m.add(kind, org.Email)
		if m.err != nil {
			return nil, m.err
		}
		msgs = append(msgs, m.list...)
	}
	return msgs, nil
}
