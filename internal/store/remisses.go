package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/remiss/remiss/internal/remiss"
)

// Remiss is one round as stored.
type Remiss struct {
	ID          string
	Dnr         string
	Title       string
	Description string
	Deadline    string    // YYYY-MM-DD
	DeadlineAt  time.Time // end of that day in Stockholm
	Reminders   []string
	Grace       string
	Coordinator string
	State       remiss.RemissState
	CreatedAt   time.Time
	ClosedAt    *time.Time
	SummaryID   string
	Path        []string // KS's statement's decision path
	Step        int      // where on the path it is
	DecidedAt   *time.Time
	OutcomeID   string   // the final body's protokollsutdrag
	Recipients  []string // org codes, in launch order
	Digest      bool     // the Coordinator takes a daily digest
	Public      bool     // shown on the public remiss page (/offentligt)
}

// Assignment is one recipient's duty to answer.
type Assignment struct {
	ID                string
	RemissID          string
	Org               string
	State             remiss.AssignmentState
	Deadline          string
	DeadlineAt        time.Time
	Officer           string
	Late              bool
	SubmittedAt       *time.Time
	ResponseVersionID string
	DeclineNoteID     string
	DocumentID        string
	Route             remiss.Route
	MeetingID         string // the meeting the nämnd decides at
	NeedsExtension    bool   // no meeting before the svarsdatum
	MinutesID         string // the protokollsutdrag of the nämnd's decision
	OwnDnr            string // the recipient's own diarienummer ("" until its registrator sets it)
	// Kind is what the assignment produces: a recipient's answer, or
	// kommunstyrelsen's own tjänsteutlåtande on the answers.
	Kind remiss.AssignmentKind
}

func pathOrDefault(p []string) []string {
	if len(p) == 0 {
		return remiss.DefaultPath
	}
	return p
}

// CreateRound stores a new round and one assignment per recipient in one
// transaction. Storing the same round again is a no-op that returns
// created=false; a different round under the same Dnr is ErrConflict.
func (s *Store) CreateRound(ctx context.Context, r Remiss) (created bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO remisses (id, dnr, title, description, deadline, deadline_at, reminders, grace, coordinator, digest, path, public)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT DO NOTHING`,
			r.ID, r.Dnr, r.Title, r.Description, r.Deadline, r.DeadlineAt, pq.Array(r.Reminders), r.Grace, r.Coordinator, r.Digest,
			pq.Array(pathOrDefault(r.Path)), r.Public)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			existing, err := s.remiss(ctx, tx, r.ID, true)
			if err != nil {
				return fmt.Errorf("%w (diarienummer %s)", ErrConflict, r.Dnr)
			}
			if existing.Dnr != r.Dnr || existing.Title != r.Title || existing.Deadline != r.Deadline ||
				!slices.Equal(existing.Recipients, r.Recipients) {
				return fmt.Errorf("%w: en annan remiss med diarienummer %s", ErrConflict, r.Dnr)
			}
			return nil
		}
		created = true
		for i, org := range r.Recipients {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO assignments (id, remiss_id, org_code, position, state, deadline, deadline_at, route)
				VALUES ($1,$2,$3,$4,'sent',$5,$6,(SELECT decision_route FROM orgs WHERE code=$3))`,
				remiss.AssignmentID(r.ID, org), r.ID, org, i, r.Deadline, r.DeadlineAt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: create round %s: %w", r.Dnr, err)
	}
	return created, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Remiss loads a round with its recipients.
func (s *Store) Remiss(ctx context.Context, id string) (Remiss, error) {
	return s.remiss(ctx, s.db, id, true)
}

// RemissHead loads a round without its list of recipients, which a large
// round makes costly and most readers do not need.
func (s *Store) RemissHead(ctx context.Context, id string) (Remiss, error) {
	return s.remiss(ctx, s.db, id, false)
}

const remissColumns = `id, dnr, title, description, deadline, deadline_at, reminders, grace, coordinator, state,
	created_at, closed_at, summary_document_id, digest, path, step, decided_at, outcome_id, public`

// remissScan reads remissColumns into a Remiss: scan the row with its
// targets, then call done.
type remissScan struct {
	r                Remiss
	deadline         time.Time
	state            string
	summary, outcome sql.NullString
}

func (x *remissScan) targets() []any {
	r := &x.r
	return []any{&r.ID, &r.Dnr, &r.Title, &r.Description, &x.deadline, &r.DeadlineAt, pq.Array(&r.Reminders), &r.Grace,
		&r.Coordinator, &x.state, &r.CreatedAt, &r.ClosedAt, &x.summary, &r.Digest, pq.Array(&r.Path), &r.Step, &r.DecidedAt, &x.outcome, &r.Public}
}

func (x *remissScan) done() Remiss {
	x.r.Deadline = x.deadline.Format(remiss.DateLayout)
	x.r.State = remiss.RemissState(x.state)
	x.r.SummaryID, x.r.OutcomeID = x.summary.String, x.outcome.String
	return x.r
}

// AssignmentInRound loads an assignment with its round (without the list
// of recipients) and its organisation, in one query: what every activity
// on an assignment starts from.
func (s *Store) AssignmentInRound(ctx context.Context, id string) (Assignment, Remiss, remiss.Org, error) {
	var x remissScan
	var o remiss.Org
	var kind string
	a, err := scanAssignment(s.queryRowPrepared(ctx, `
		SELECT `+prefixed("a", assignmentColumns)+`, `+prefixed("r", remissColumns)+`, o.code, o.name, o.kind, o.forvaltning, o.email, o.dnr_rule, o.by_link
		FROM assignments a JOIN remisses r ON r.id = a.remiss_id JOIN orgs o ON o.code = a.org_code
		WHERE a.id=$1`, id), append(x.targets(), &o.Code, &o.Name, &kind, &o.Forvaltning, &o.Email, &o.DnrRule, &o.ByLink)...)
	if errors.Is(err, sql.ErrNoRows) {
		return a, Remiss{}, o, fmt.Errorf("store: assignment %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, Remiss{}, o, fmt.Errorf("store: assignment %s: %w", id, err)
	}
	o.Kind = remiss.OrgKind(kind)
	return a, x.done(), o, nil
}

func (s *Store) remiss(ctx context.Context, q querier, id string, withRecipients bool) (Remiss, error) {
	var x remissScan
	err := q.QueryRowContext(ctx, `SELECT `+remissColumns+` FROM remisses WHERE id=$1`, id).Scan(x.targets()...)
	if errors.Is(err, sql.ErrNoRows) {
		return x.r, fmt.Errorf("store: remiss %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return x.r, fmt.Errorf("store: remiss %s: %w", id, err)
	}
	r := x.done()
	if !withRecipients {
		return r, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT org_code FROM assignments WHERE remiss_id=$1 AND kind='answer' ORDER BY position`, id)
	if err != nil {
		return r, fmt.Errorf("store: remiss %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return r, err
		}
		r.Recipients = append(r.Recipients, org)
	}
	return r, rows.Err()
}

// Remisses lists rounds, newest first.
func (s *Store) Remisses(ctx context.Context) ([]Remiss, error) {
	return s.remissesWhere(ctx, `TRUE`)
}

// OpenDigestRounds lists the open rounds whose Coordinator takes a digest.
func (s *Store) OpenDigestRounds(ctx context.Context) ([]Remiss, error) {
	return s.remissesWhere(ctx, `state='open' AND digest`)
}

func (s *Store) remissesWhere(ctx context.Context, where string) ([]Remiss, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM remisses WHERE `+where+` ORDER BY created_at DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: remisses: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]Remiss, 0, len(ids))
	for _, id := range ids {
		r, err := s.Remiss(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

const assignmentColumns = `id, remiss_id, org_code, state, deadline, deadline_at, officer, late, submitted_at,
	response_version_id, decline_note_id, document_id, route, meeting_id, needs_extension, minutes_id, own_dnr, kind`

// prefixed qualifies a column list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// scanAssignment reads assignmentColumns, then extra columns into extra.
func scanAssignment(row interface{ Scan(...any) error }, extra ...any) (Assignment, error) {
	var a Assignment
	var state, route, kind string
	var deadline time.Time
	var officer, version, decline, doc, meeting, minutes sql.NullString
	err := row.Scan(append([]any{&a.ID, &a.RemissID, &a.Org, &state, &deadline, &a.DeadlineAt, &officer, &a.Late, &a.SubmittedAt,
		&version, &decline, &doc, &route, &meeting, &a.NeedsExtension, &minutes, &a.OwnDnr, &kind}, extra...)...)
	a.Kind = remiss.AssignmentKind(kind)
	a.State = remiss.AssignmentState(state)
	a.Deadline = deadline.Format(remiss.DateLayout)
	a.Officer, a.ResponseVersionID, a.DeclineNoteID, a.DocumentID = officer.String, version.String, decline.String, doc.String
	a.Route, a.MeetingID, a.MinutesID = remiss.Route(route), meeting.String, minutes.String
	return a, err
}

// Assignment loads one assignment.
func (s *Store) Assignment(ctx context.Context, id string) (Assignment, error) {
	a, err := scanAssignment(s.queryRowPrepared(ctx, `SELECT `+assignmentColumns+` FROM assignments WHERE id=$1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("store: assignment %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("store: assignment %s: %w", id, err)
	}
	return a, nil
}

// Assignments lists a round's recipients' assignments in launch order
// (not kommunstyrelsen's own statement: see Statement).
func (s *Store) Assignments(ctx context.Context, remissID string) ([]Assignment, error) {
	return s.assignments(ctx, `WHERE remiss_id=$1 AND kind='answer' ORDER BY position`, remissID)
}

// Statement loads kommunstyrelsen's own tjänsteutlåtande on a round
// (ErrNotFound until the round has closed and drafted it).
func (s *Store) Statement(ctx context.Context, remissID string) (Assignment, error) {
	return s.Assignment(ctx, remiss.StatementAssignmentID(remissID))
}

// DraftStatement creates kommunstyrelsen's own tjänsteutlåtande on a round
// with its first draft, written by author, in one transaction: an
// assignment of KS, due on deadline (a date, due at the end of the day
// deadlineAt), that the round's answers no longer change. A second call
// finds it and changes nothing.
func (s *Store) DraftStatement(ctx context.Context, remissID, deadline string, deadlineAt time.Time, draft remiss.Response, author string) (Assignment, error) {
	id := remiss.StatementAssignmentID(remissID)
	body, hash := draft.Encode()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO assignments (id, remiss_id, org_code, position, state, deadline, deadline_at, route, kind, response_version_id)
			SELECT $1, $2, $3, COALESCE(MAX(position), 0) + 1, 'sent', $4, $5, 'delegation', 'statement', $6
			FROM assignments WHERE remiss_id = $2
			ON CONFLICT DO NOTHING`, id, remissID, remiss.KS, deadline, deadlineAt, VersionID(id, hash))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO response_versions (id, assignment_id, version, content, sha256, created_by) VALUES ($1,$2,1,$3,$4,$5)`,
			VersionID(id, hash), id, string(body), hash, author)
		return err
	})
	if err != nil {
		return Assignment{}, fmt.Errorf("store: draft statement of %s: %w", remissID, err)
	}
	return s.Assignment(ctx, id)
}

func (s *Store) assignments(ctx context.Context, where string, args ...any) ([]Assignment, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+assignmentColumns+` FROM assignments `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: assignments: %w", err)
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, fmt.Errorf("store: assignments: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// InboxItem is an assignment with its round's Dnr and title, for inboxes.
type InboxItem struct {
	Assignment
	Dnr, Title string
	// OfficerName is the name of the officer the answer is assigned to
	// (their username when they have no name).
	OfficerName string
	// Returned is set when the signatory has sent the answer back once.
	Returned bool
	SentAt   time.Time // when the round was sent (InboxList)
}

// Inbox lists an organisation's assignments with their rounds' Dnr and
// title in one query, nearest deadline first.
func (s *Store) Inbox(ctx context.Context, org string) ([]InboxItem, error) {
	rows, err := s.queryPrepared(ctx, `
		SELECT `+prefixed("a", assignmentColumns)+`, r.dnr, r.title, COALESCE(NULLIF(u.display_name, ''), a.officer, '')
		FROM assignments a JOIN remisses r ON r.id = a.remiss_id LEFT JOIN users u ON u.username = a.officer
		WHERE a.org_code=$1 ORDER BY a.deadline_at, a.id`, org)
	if err != nil {
		return nil, fmt.Errorf("store: inbox %s: %w", org, err)
	}
	defer rows.Close()
	var out []InboxItem
	for rows.Next() {
		var it InboxItem
		a, err := scanAssignment(rows, &it.Dnr, &it.Title, &it.OfficerName)
		if err != nil {
			return nil, fmt.Errorf("store: inbox %s: %w", org, err)
		}
		it.Assignment = a
		out = append(out, it)
	}
	return out, rows.Err()
}
