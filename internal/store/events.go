package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/remiss/remiss/internal/remiss"
)

// Events for diarium systems (issue 18). Each handling a diarium registers
// is derived from the change that makes it, inside Apply's transaction:
// the event is there exactly when the change is, and a retried change
// (its event key already in the audit trail) adds none. internal/events
// renders them as CloudEvents and delivers them to webhooks.

// Event types.
const (
	EventRemissSent        = "se.remiss.remiss.sent"
	EventRemissWithdrawn   = "se.remiss.remiss.withdrawn"
	EventAnswerReceived    = "se.remiss.answer.received"
	EventDecisionRecorded  = "se.remiss.decision.recorded"
	EventStatementApproved = "se.remiss.statement.approved"
	EventOutcomeDecided    = "se.remiss.outcome.decided"
)

// EventTypes are the types, in the order a round meets them.
var EventTypes = []string{EventRemissSent, EventAnswerReceived, EventDecisionRecorded, EventStatementApproved, EventOutcomeDecided, EventRemissWithdrawn}

// Event is one announced handling as stored. What a reader is shown of it
// (its title, a link to the document) is decided by events.View.
type Event struct {
	Seq            int64 // the feed's cursor: commit-ordered
	ID             string
	Type           string
	At             time.Time
	RemissID       string
	AssignmentID   string
	Org            string // the organisation holding the handling
	Dnr            string // kommunstyrelsen's
	OwnDnr         string // the holding organisation's own, when it has one
	Title          string // the handling's own title
	DocumentID     string
	DocumentSHA256 string
	Data           map[string]any
	RecordedAt     time.Time
	// Marking is the document's sekretessmarkering when it has one, read
	// when the event is (markEvents); nil when it has none.
	Marking *Marking
}

// Marking is what an event's reader needs of a sekretessmarkering.
type Marking struct {
	Provision   string // e.g. "OSL 18 kap. 8 §"
	PublicTitle string // shown instead of the handling's own title
}

// markEvents gives each event its document's sekretessmarkering, if any
// (document_secrecy): the one place events learn of secrecy (events.View
// decides what each reader then sees). The marking is read when the event
// is, so one made after the event was written applies to every later read
// and delivery.
func (s *Store) markEvents(ctx context.Context, evs []Event) error {
	var ids []string
	for i := range evs {
		evs[i].Marking = nil
		if evs[i].DocumentID != "" {
			ids = append(ids, evs[i].DocumentID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT document_id, provision, public_title FROM document_secrecy WHERE document_id = ANY($1)`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("store: markings of events: %w", err)
	}
	defer rows.Close()
	marks := map[string]*Marking{}
	for rows.Next() {
		var id string
		var m Marking
		if err := rows.Scan(&id, &m.Provision, &m.PublicTitle); err != nil {
			return fmt.Errorf("store: markings of events: %w", err)
		}
		marks[id] = &m
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: markings of events: %w", err)
	}
	for i := range evs {
		evs[i].Marking = marks[evs[i].DocumentID]
	}
	return nil
}

// eventsLock is the advisory lock under which events take their seq; it is
// held until the transaction ends, so events commit in seq order.
const eventsLock = 7_463_011

// announcing are the actions whose changes may announce a handling.
var announcing = map[string]bool{"remiss_sent": true, "remiss_withdrawn": true, "statement_stored": true, "declined": true,
	"namnd_decided": true, "step_decided": true, "step_approved": true}

// deriveEvents reads, inside the change's transaction and after it has
// been applied, the events the change announces (none for most changes).
func deriveEvents(ctx context.Context, tx *sql.Tx, c Change) ([]Event, error) {
	if !announcing[c.Action] {
		return nil, nil
	}
	var dnr, title string
	err := tx.QueryRowContext(ctx, `SELECT dnr, title FROM remisses WHERE id=$1`, c.RemissID).Scan(&dnr, &title)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	detail := func(k string) string {
		if v, ok := c.Detail[k]; ok && v != nil {
			return fmt.Sprint(v)
		}
		return ""
	}
	var out []Event
	add := func(typ, suffix, org, heading string, data map[string]any) *Event {
		if data == nil {
			data = map[string]any{}
		}
		out = append(out, Event{ID: c.EventKey + "/" + suffix, Type: typ, At: c.At, RemissID: c.RemissID,
			Org: org, Dnr: dnr, Title: heading + title, Data: data})
		return &out[len(out)-1]
	}
	switch c.Action {
	case "remiss_sent":
		add(EventRemissSent, "sent", remiss.KS, "Remiss: ", nil).DocumentID = detail("document")
	case "remiss_withdrawn":
		add(EventRemissWithdrawn, "withdrawn", remiss.KS, "Återkallad remiss: ", nil)
	case "statement_stored", "declined", "namnd_decided":
		a, err := eventAssignment(ctx, tx, c.AssignmentID)
		if err != nil {
			return nil, err
		}
		answer := func(doc string, data map[string]any) {
			data["late"] = a.late
			e := add(EventAnswerReceived, "answer", a.org, "Svar på remiss från "+a.orgName+": ", data)
			e.AssignmentID, e.OwnDnr, e.DocumentID = a.id, a.ownDnr, doc
		}
		decision := func(data map[string]any) *Event {
			e := add(EventDecisionRecorded, "decision", a.org, "Beslut i "+a.orgName+": ", data)
			e.AssignmentID, e.OwnDnr = a.id, a.ownDnr
			return e
		}
		switch {
		case c.Action == "statement_stored" && a.kind == string(remiss.KindStatement):
			add(EventStatementApproved, "statement", remiss.KS, "Kommunstyrelsens tjänsteutlåtande: ", nil).DocumentID = detail("document")
		case c.Action == "statement_stored" && c.Decided != nil:
			// On delegation the approval is the decision and the answer.
			answer(detail("document"), map[string]any{"declined": false})
			decision(map[string]any{"decisionId": c.Decided.ID, "verdict": string(c.Decided.Verdict),
				"delegationRef": c.Decided.DelegationRef}).DocumentID = detail("document")
		case c.Action == "declined":
			answer("", map[string]any{"declined": true})
		case c.Action == "namnd_decided":
			decision(map[string]any{"decisionId": detail("decision"), "verdict": detail("verdict"),
				"paragraph": detail("paragraph"), "meeting": detail("meeting")}).DocumentID = detail("document")
			switch a.state {
			case string(remiss.StateAnswered):
				answer(a.documentID, map[string]any{"declined": false, "minutesId": detail("document")})
			case string(remiss.StateDeclined):
				answer(detail("document"), map[string]any{"declined": true, "minutesId": detail("document")})
			}
		}
	case "step_decided", "step_approved":
		body := remiss.StepName(detail("step"))
		data := map[string]any{"decisionId": detail("decision"), "verdict": detail("verdict"), "step": detail("step"),
			"paragraph": detail("paragraph")}
		add(EventDecisionRecorded, "decision", remiss.KS, "Beslut i "+body+": ", data).DocumentID = detail("document")
		if final, _ := c.Detail["final"].(bool); final {
			add(EventOutcomeDecided, "outcome", remiss.KS, "Slutligt beslut i "+body+": ", map[string]any{
				"decisionId": detail("decision"), "verdict": detail("verdict"), "step": detail("step"),
			}).DocumentID = detail("document")
		}
	}
	for i := range out {
		if out[i].DocumentID == "" {
			continue
		}
		if err := tx.QueryRowContext(ctx, `SELECT sha256 FROM documents WHERE id=$1`, out[i].DocumentID).Scan(&out[i].DocumentSHA256); err != nil {
			return nil, fmt.Errorf("event %s: document %s: %w", out[i].ID, out[i].DocumentID, err)
		}
	}
	return out, nil
}

type eventAsg struct {
	id, org, orgName, ownDnr, kind, state, documentID string
	late                                              bool
}

func eventAssignment(ctx context.Context, tx *sql.Tx, id string) (eventAsg, error) {
	a := eventAsg{id: id}
	err := tx.QueryRowContext(ctx, `
		SELECT a.org_code, o.name, a.own_dnr, a.kind, a.state, COALESCE(a.document_id,''), a.late
		FROM assignments a JOIN orgs o ON o.code=a.org_code WHERE a.id=$1`, id).
		Scan(&a.org, &a.orgName, &a.ownDnr, &a.kind, &a.state, &a.documentID, &a.late)
	if err != nil {
		return a, fmt.Errorf("event: assignment %s: %w", id, err)
	}
	return a, nil
}

// appendEvents stores events under the events lock, each with the next
// seq, and queues a delivery of each to every live subscription.
func appendEvents(ctx context.Context, tx *sql.Tx, evs []Event) error {
	if len(evs) == 0 {
		return nil
	}
	// Taken last in the transaction, so it is held briefly: from here to
	// the commit, no other transaction takes a seq.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, eventsLock); err != nil {
		return err
	}
	for _, e := range evs {
		data, err := json.Marshal(e.Data)
		if err != nil {
			return err
		}
		var seq int64
		err = tx.QueryRowContext(ctx, `
			INSERT INTO events (seq, id, type, at, remiss_id, assignment_id, org_code, dnr, own_dnr, title, document_id, document_sha256, data)
			VALUES (nextval('event_seq'),$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (id) DO NOTHING RETURNING seq`,
			e.ID, e.Type, e.At, e.RemissID, nullString(e.AssignmentID), e.Org, e.Dnr, e.OwnDnr, e.Title,
			nullString(e.DocumentID), nullString(e.DocumentSHA256), string(data)).Scan(&seq)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return fmt.Errorf("event %s: %w", e.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO event_deliveries (subscription_id, event_seq)
			SELECT id, $1 FROM event_subscriptions WHERE deleted_at IS NULL`, seq); err != nil {
			return fmt.Errorf("event %s: deliveries: %w", e.ID, err)
		}
	}
	return nil
}

// eventCols are the columns scanEvent reads, of the events table named p
// ("" or an alias with its dot).
func eventCols(p string) string {
	return p + `seq, ` + p + `id, ` + p + `type, ` + p + `at, ` + p + `remiss_id, COALESCE(` + p + `assignment_id,''), ` +
		p + `org_code, ` + p + `dnr, ` + p + `own_dnr, ` + p + `title, COALESCE(` + p + `document_id,''), COALESCE(` +
		p + `document_sha256,''), ` + p + `data, ` + p + `recorded_at`
}

var eventColumns = eventCols("")

func scanEvent(row interface{ Scan(...any) error }) (Event, error) {
	var e Event
	var data []byte
	err := row.Scan(&e.Seq, &e.ID, &e.Type, &e.At, &e.RemissID, &e.AssignmentID, &e.Org, &e.Dnr, &e.OwnDnr, &e.Title,
		&e.DocumentID, &e.DocumentSHA256, &data, &e.RecordedAt)
	if err == nil {
		err = json.Unmarshal(data, &e.Data)
	}
	return e, err
}

// EventsAfter lists up to limit events after the cursor seq, in order.
// Seqs are handed out under a lock held to commit, so an event committed
// later always has a higher seq than any a reader has seen: the cursor
// never passes over one.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) ([]Event, error) {
	out, err := collect(ctx, s.db, "events", scanEvent, `SELECT `+eventColumns+` FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, err
	}
	return out, s.markEvents(ctx, out)
}

// RoundEvents lists a round's events in order.
func (s *Store) RoundEvents(ctx context.Context, remissID string) ([]Event, error) {
	out, err := collect(ctx, s.db, "events of "+remissID, scanEvent, `SELECT `+eventColumns+` FROM events WHERE remiss_id=$1 ORDER BY seq`, remissID)
	if err != nil {
		return nil, err
	}
	return out, s.markEvents(ctx, out)
}
