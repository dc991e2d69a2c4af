package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/lib/pq"
)

// Message is one e-mail to send, queued in the outbox.
type Message struct {
	ID           string // deterministic: a retry queues nothing new
	Kind         string // remiss_sent, reminder, overdue, escalation, ...
	AssignmentID string
	Recipient    string // e-mail address
	Subject      string
	Body         string
	EventAt      time.Time // when the event happened (simulated time in tests)
	Deadline     string    // YYYY-MM-DD: the message carries it as a calendar event
	DocumentID   string    // a document to attach
	Digest       bool      // held for the Coordinator's daily digest instead of sent
}

// AssignmentPatch names the assignment fields a change sets; nil leaves a
// field alone.
type AssignmentPatch struct {
	State             *string
	Officer           *string
	Late              *bool
	SubmittedAt       *time.Time
	ResponseVersionID *string
	DeclineNoteID     *string
	DocumentID        *string
	Deadline          *string // with DeadlineAt
	DeadlineAt        *time.Time
	Route             *string
	MeetingID         *string // "" clears it
	NeedsExtension    *bool
	MinutesID         *string
}

// RemissPatch names the round fields a change sets.
type RemissPatch struct {
	State     *string
	ClosedAt  *time.Time
	SummaryID *string
	Step      *int
	DecidedAt *time.Time
	OutcomeID *string
}

// ExtensionRequest records an anstånd request.
type ExtensionRequest struct {
	ID           string
	Until        string
	ReasonNoteID string
}

// ExtensionDecision records a Coordinator's decision on a request.
type ExtensionDecision struct {
	ID       string
	Approved bool
	Until    string // granted date when approved
}

// RecordedDecision names a decision the workflow has accepted.
type RecordedDecision struct {
	ID         string
	DocumentID string
}

// Change is one state change with its audit row and messages, applied in one
// transaction. EventKey makes it idempotent: a change whose key is already in
// the audit trail is skipped whole.
type Change struct {
	EventKey     string
	At           time.Time
	Actor        string
	RemissID     string
	AssignmentID string
	Action       string
	Detail       map[string]any
	Assignment   *AssignmentPatch
	// AllAssignments applies Assignment to every assignment of the round
	// still in one of these states (withdraw, close).
	AllAssignmentsIn []string
	Remiss           *RemissPatch
	Request          *ExtensionRequest
	Decision         *ExtensionDecision
	// Recorded marks a proposed decision as recorded, with its document.
	Recorded *RecordedDecision
	// Decided stores a decision made by the change itself (delegation).
	Decided  *Decision
	Messages []Message
	// Digested marks these held messages as delivered in this change's
	// digest message, in the same transaction.
	Digested []string
	// ReleaseHeld sends the round's messages still held for a digest one by
	// one: there will be no further digest (the round ends).
	ReleaseHeld bool
	// Secrecy marks a document, or removes its marking.
	Secrecy *SecrecyPatch
	// Link replaces an outside body's personal link.
	Link *LinkPatch
}

// Apply writes the change. It reports applied=false when the event was
// already recorded.
func (s *Store) Apply(ctx context.Context, c Change) (applied bool, err error) {
	detail, err := json.Marshal(c.Detail)
	if err != nil {
		return false, fmt.Errorf("store: apply %s: %w", c.EventKey, err)
	}
	if c.Detail == nil {
		detail = []byte("{}")
	}
	if c.simple() {
		applied, err = s.applySimple(ctx, c, detail)
		if err != nil {
			return false, fmt.Errorf("store: apply %s: %w", c.EventKey, err)
		}
		return applied, nil
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if applied, err = insertAudit(ctx, tx, c, detail); err != nil || !applied {
			return err
		}
		if err := applyChange(ctx, tx, c); err != nil {
			return err
		}
		evs, err := deriveEvents(ctx, tx, c)
		if err != nil {
			return err
		}
		return appendEvents(ctx, tx, evs)
	})
	if err != nil {
		return false, fmt.Errorf("store: apply %s: %w", c.EventKey, err)
	}
	return applied, nil
}

// simple says the change is an audit row, a patch of its one assignment
// and messages, and announces nothing: what most actions on an assignment
// are (an answer saved or submitted, an assignment, a return).
// Any field it does not name (those to come too) sends a change to the
// transaction.
func (c Change) simple() bool {
	rest := c
	rest.EventKey, rest.At, rest.Actor, rest.RemissID, rest.AssignmentID, rest.Action = "", time.Time{}, "", "", "", ""
	rest.Detail, rest.Assignment, rest.Messages = nil, nil, nil
	return c.AssignmentID != "" && !announcing[c.Action] && reflect.ValueOf(rest).IsZero()
}

// applySimple writes a simple change as one statement, in one round trip:
// the audit row, and only when it is new (its event key not yet in the
// audit trail) the assignment's patch and the messages. One statement is
// one transaction: all of it or nothing.
func (s *Store) applySimple(ctx context.Context, c Change, detail []byte) (bool, error) {
	args := []any{c.EventKey, c.At, c.Actor, c.RemissID, c.AssignmentID, c.Action, string(detail)}
	n := len(c.Messages)
	ids, kinds, asgs, to, subjects, bodies, ats, deadlines, docs := make(pq.StringArray, n), make(pq.StringArray, n),
		make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n),
		make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
	digests := make(pq.BoolArray, n)
	for i, m := range c.Messages {
		ids[i], kinds[i], asgs[i], to[i], subjects[i], bodies[i] = m.ID, m.Kind, m.AssignmentID, m.Recipient, m.Subject, m.Body
		ats[i], deadlines[i], docs[i], digests[i] = m.EventAt.Format(time.RFC3339Nano), m.Deadline, m.DocumentID, m.Digest
	}
	args = append(args, ids, kinds, asgs, to, subjects, bodies, ats, deadlines, docs, digests)
	patch := ""
	if c.Assignment != nil {
		var set string
		set, args = assignmentSet(c.Assignment, args)
		patch = `,
		patched AS (UPDATE assignments SET ` + set + ` WHERE id=$5 AND EXISTS (SELECT 1 FROM recorded))`
	}
	var applied bool
	err := s.queryRowPrepared(ctx, `
		WITH recorded AS (
			INSERT INTO audit (event_key, at, actor, remiss_id, assignment_id, action, detail)
			VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (event_key) DO NOTHING RETURNING 1)`+patch+`,
		queued AS (
			INSERT INTO outbox (id, kind, remiss_id, assignment_id, recipient, subject, body, event_at, deadline, document_id, digest)
			SELECT m.id, m.kind, $4, NULLIF(m.asg,''), m.rcpt, m.subject, m.body, m.at::timestamptz, NULLIF(m.deadline,'')::date,
				NULLIF(m.doc,''), m.digest
			FROM unnest($8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
				$16::text[], $17::boolean[]) AS m(id, kind, asg, rcpt, subject, body, at, deadline, doc, digest)
			WHERE EXISTS (SELECT 1 FROM recorded)
			ON CONFLICT (id) DO NOTHING)
		SELECT EXISTS (SELECT 1 FROM recorded)`, args...).Scan(&applied)
	return applied, err
}

// insertAudit writes the change's audit row, and reports false when its
// event key is already in the audit trail.
func insertAudit(ctx context.Context, tx *sql.Tx, c Change, detail []byte) (bool, error) {
	res, err := tx.ExecContext(ctx, `
		INSERT INTO audit (event_key, at, actor, remiss_id, assignment_id, action, detail)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (event_key) DO NOTHING`,
		c.EventKey, c.At, c.Actor, c.RemissID, nullString(c.AssignmentID), c.Action, string(detail))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n != 0, nil
}

// applyChange writes everything of the change but its audit row, in order:
// the assignments, the round, the anstånd, the decisions, the outbox.
func applyChange(ctx context.Context, tx *sql.Tx, c Change) error {
	for _, step := range []func(context.Context, *sql.Tx, Change) error{
		applyAssignment, applyRemiss, applyExtension, applyDecision, applyOutbox, applySecrecy, applyLink,
	} {
		if err := step(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}

// applyAssignment patches the change's assignment, or every assignment of
// the round in one of AllAssignmentsIn.
func applyAssignment(ctx context.Context, tx *sql.Tx, c Change) error {
	p := c.Assignment
	if p == nil {
		return nil
	}
	where, args := `id=$1`, []any{c.AssignmentID}
	if c.AllAssignmentsIn != nil {
		where, args = `remiss_id=$1 AND kind='answer' AND state = ANY($2)`, []any{c.RemissID, pq.Array(c.AllAssignmentsIn)}
	}
	return patchAssignment(ctx, tx, p, where, args)
}

// applyRemiss patches the round.
func applyRemiss(ctx context.Context, tx *sql.Tx, c Change) error {
	p := c.Remiss
	if p == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE remisses SET state=COALESCE($2, state), closed_at=COALESCE($3, closed_at),
			summary_document_id=COALESCE($4, summary_document_id), step=COALESCE($5, step),
			decided_at=COALESCE($6, decided_at), outcome_id=COALESCE($7, outcome_id) WHERE id=$1`,
		c.RemissID, p.State, p.ClosedAt, p.SummaryID, p.Step, p.DecidedAt, p.OutcomeID)
	return err
}

// applyExtension records an anstånd request, then a decision on one.
func applyExtension(ctx context.Context, tx *sql.Tx, c Change) error {
	if r := c.Request; r != nil {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO extensions (id, assignment_id, requested_until, reason_note_id, requested_by, requested_at)
			VALUES ($1,$2,$3,$4,$5,$6)`, r.ID, c.AssignmentID, r.Until, r.ReasonNoteID, c.Actor, c.At); err != nil {
			return err
		}
	}
	if d := c.Decision; d != nil {
		// A decision without a request is an extension the Coordinator
		// grants on their own initiative.
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO extensions (id, assignment_id, requested_until, requested_by, requested_at, decided_by, decided_at, approved, granted_until)
			VALUES ($1,$6,$5,$2,$3,$2,$3,$4,$5)
			ON CONFLICT (id) DO UPDATE SET decided_by=$2, decided_at=$3, approved=$4, granted_until=$5`,
			d.ID, c.Actor, c.At, d.Approved, nullString(d.Until), c.AssignmentID); err != nil {
			return err
		}
	}
	return nil
}

// applyDecision marks a proposed decision as recorded, then stores a
// decision made by the change itself.
func applyDecision(ctx context.Context, tx *sql.Tx, c Change) error {
	if d := c.Recorded; d != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET state='recorded', document_id=$2 WHERE id=$1`,
			d.ID, nullString(d.DocumentID)); err != nil {
			return err
		}
	}
	if d := c.Decided; d != nil {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO decisions (id, remiss_id, assignment_id, body, verdict, delegation_ref, document_id, state, recorded_by, recorded_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,'recorded',$8,$9) ON CONFLICT (id) DO NOTHING`,
			d.ID, c.RemissID, nullString(d.AssignmentID), d.Body, string(d.Verdict), d.DelegationRef, nullString(d.DocumentID),
			d.RecordedBy, c.At); err != nil {
			return err
		}
	}
	return nil
}

// applyOutbox marks digested messages as delivered, releases the round's
// held messages, then queues the change's messages.
func applyOutbox(ctx context.Context, tx *sql.Tx, c Change) error {
	if len(c.Digested) > 0 {
		if _, err := tx.ExecContext(ctx, `
			UPDATE outbox SET sent_at=$2, smtp_response=$3 WHERE id = ANY($1) AND sent_at IS NULL`,
			pq.Array(c.Digested), c.At, "i sammandrag "+c.EventKey); err != nil {
			return err
		}
	}
	if c.ReleaseHeld {
		if _, err := tx.ExecContext(ctx, `
			UPDATE outbox SET digest=false WHERE remiss_id=$1 AND digest AND sent_at IS NULL`, c.RemissID); err != nil {
			return err
		}
	}
	for _, m := range c.Messages {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO outbox (id, kind, remiss_id, assignment_id, recipient, subject, body, event_at, deadline, document_id, digest)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (id) DO NOTHING`,
			m.ID, m.Kind, c.RemissID, nullString(m.AssignmentID), m.Recipient, m.Subject, m.Body, m.EventAt,
			nullString(m.Deadline), nullString(m.DocumentID), m.Digest); err != nil {
			return err
		}
	}
	return nil
}

func patchAssignment(ctx context.Context, tx *sql.Tx, p *AssignmentPatch, where string, args []any) error {
	set, args := assignmentSet(p, args)
	_, err := tx.ExecContext(ctx, `UPDATE assignments SET `+set+` WHERE `+where, args...)
	return err
}

// assignmentSet is the SET list of an assignment's patch, its values
// appended to args as the parameters after theirs.
func assignmentSet(p *AssignmentPatch, args []any) (string, []any) {
	n := len(args)
	arg := func(v any) string {
		args = append(args, v)
		n++
		return fmt.Sprintf("$%d", n)
	}
	set := "updated_at=now()"
	add := func(col string, v any) { set += ", " + col + "=" + arg(v) }
	if p.State != nil {
		add("state", *p.State)
	}
	if p.Officer != nil {
		add("officer", *p.Officer)
	}
	if p.Late != nil {
		add("late", *p.Late)
	}
	if p.SubmittedAt != nil {
		add("submitted_at", *p.SubmittedAt)
	}
	if p.ResponseVersionID != nil {
		add("response_version_id", *p.ResponseVersionID)
	}
	if p.DeclineNoteID != nil {
		add("decline_note_id", *p.DeclineNoteID)
	}
	if p.DocumentID != nil {
		add("document_id", *p.DocumentID)
	}
	if p.Route != nil {
		add("route", *p.Route)
	}
	if p.MeetingID != nil {
		add("meeting_id", nullString(*p.MeetingID))
	}
	if p.NeedsExtension != nil {
		add("needs_extension", *p.NeedsExtension)
	}
	if p.MinutesID != nil {
		add("minutes_id", *p.MinutesID)
	}
	if p.Deadline != nil && p.DeadlineAt != nil {
		add("deadline", *p.Deadline)
		add("deadline_at", *p.DeadlineAt)
	}
	return set, args
}

// AuditEntry is one row of the audit trail.
type AuditEntry struct {
	ID           int64
	At           time.Time
	Actor        string
	AssignmentID string
	Action       string
	Detail       json.RawMessage
}

// Audit lists a round's audit trail in order.
func (s *Store) Audit(ctx context.Context, remissID string) ([]AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT id, at, actor, COALESCE(assignment_id,''), action, detail FROM audit WHERE remiss_id=$1 ORDER BY id`, remissID)
	if err != nil {
		return nil, fmt.Errorf("store: audit %s: %w", remissID, err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.AssignmentID, &e.Action, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: audit %s: %w", remissID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// OutboxMessage is a queued message as stored.
type OutboxMessage struct {
	Message
	RemissID     string
	CreatedAt    time.Time
	SentAt       *time.Time
	FailedAt     *time.Time
	Attempts     int
	SMTPResponse string
	LastError    string
}

const outboxColumns = `id, kind, remiss_id, COALESCE(assignment_id,''), recipient, subject, body, event_at,
	COALESCE(to_char(deadline,'YYYY-MM-DD'),''), COALESCE(document_id,''), digest, created_at, sent_at, failed_at,
	attempts, COALESCE(smtp_response,''), COALESCE(last_error,'')`

func scanOutbox(row interface{ Scan(...any) error }) (OutboxMessage, error) {
	var m OutboxMessage
	err := row.Scan(&m.ID, &m.Kind, &m.RemissID, &m.AssignmentID, &m.Recipient, &m.Subject, &m.Body, &m.EventAt,
		&m.Deadline, &m.DocumentID, &m.Digest, &m.CreatedAt, &m.SentAt, &m.FailedAt, &m.Attempts, &m.SMTPResponse, &m.LastError)
	return m, err
}

// Outbox lists a round's messages in the order of their events.
func (s *Store) Outbox(ctx context.Context, remissID string) ([]OutboxMessage, error) {
	return s.outbox(ctx, `WHERE remiss_id=$1 ORDER BY event_at, id`, remissID)
}

func (s *Store) outbox(ctx context.Context, where string, args ...any) ([]OutboxMessage, error) {
	return s.queryOutbox(ctx, `SELECT `+outboxColumns+` FROM outbox `+where, args...)
}

func (s *Store) queryOutbox(ctx context.Context, query string, args ...any) ([]OutboxMessage, error) {
	return collect(ctx, s.db, "outbox", scanOutbox, query, args...)
}

// collect runs query and scans each of its rows with scan; what names the
// rows in an error.
func collect[T any](ctx context.Context, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, what string, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}
