package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/remiss/remiss/internal/remiss"
)

// What the public remiss page reads: the published rounds a page at a
// time, their recipients, and the facts by which remiss.MayPublish
// decides whether a document is public.

// PublicRound is a published round as the public list shows it.
type PublicRound struct {
	ID, Dnr, Title, Deadline string
	State                    remiss.RemissState
	CreatedAt                time.Time
}

// PublicCursor is where a page of the public list ends: the last round
// shown. The zero cursor is the first page.
type PublicCursor struct {
	At time.Time
	ID string
}

// PublicRounds lists up to limit published rounds, newest first, after
// the cursor (keyset: an index scan of remisses_public, however many
// rounds there are), and whether more follow.
func (s *Store) PublicRounds(ctx context.Context, after PublicCursor, limit int) ([]PublicRound, bool, error) {
	q := `SELECT id, dnr, title, deadline, state, created_at FROM remisses WHERE public`
	args := []any{limit + 1}
	if after.ID != "" {
		q += ` AND (created_at, id) < ($2, $3)`
		args = append(args, after.At, after.ID)
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY created_at DESC, id DESC LIMIT $1`, args...)
	if err != nil {
		return nil, false, fmt.Errorf("store: public rounds: %w", err)
	}
	defer rows.Close()
	var out []PublicRound
	for rows.Next() {
		var r PublicRound
		var deadline time.Time
		var state string
		if err := rows.Scan(&r.ID, &r.Dnr, &r.Title, &deadline, &state, &r.CreatedAt); err != nil {
			return nil, false, fmt.Errorf("store: public rounds: %w", err)
		}
		r.Deadline, r.State = deadline.Format(remiss.DateLayout), remiss.RemissState(state)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("store: public rounds: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// PublicRemiss loads a published round with its recipients; a round KS
// did not publish is not found.
func (s *Store) PublicRemiss(ctx context.Context, id string) (Remiss, error) {
	r, err := s.remiss(ctx, s.db, id, true)
	if err == nil && !r.Public {
		err = fmt.Errorf("store: remiss %s: %w", id, ErrNotFound)
	}
	return r, err
}

// PublicRecipient is a remissinstans as the public page lists it.
type PublicRecipient struct {
	Org, Name string
	State     remiss.AssignmentState
}

// PublicRecipients lists a round's remissinstanser in launch order.
func (s *Store) PublicRecipients(ctx context.Context, remissID string) ([]PublicRecipient, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT a.org_code, o.name, a.state FROM assignments a JOIN orgs o ON o.code = a.org_code
		WHERE a.remiss_id = $1 AND a.kind = 'answer' ORDER BY a.position`, remissID)
	if err != nil {
		return nil, fmt.Errorf("store: recipients of %s: %w", remissID, err)
	}
	defer rows.Close()
	var out []PublicRecipient
	for rows.Next() {
		var p PublicRecipient
		var state string
		if err := rows.Scan(&p.Org, &p.Name, &state); err != nil {
			return nil, fmt.Errorf("store: recipients of %s: %w", remissID, err)
		}
		p.State = remiss.AssignmentState(state)
		out = append(out, p)
	}
	return out, rows.Err()
}

// DocumentFacts is a stored document without its bytes, with its round,
// the recipient it belongs to and remiss.PublicFacts: whether it is
// public is remiss.MayPublish(d.PublicFacts), nowhere else.
type DocumentFacts struct {
	ID, RemissID, AssignmentID, Kind, Filename, SHA256 string
	Size                                               int
	CreatedAt                                          time.Time
	Dnr, Title                                         string // the round's
	Org, OrgName                                       string // the recipient's, for a document of an answer
	remiss.PublicFacts
}

// Public reports whether anyone may see the document (remiss.MayPublish).
func (d DocumentFacts) Public() bool { return remiss.MayPublish(d.PublicFacts) }

// secretSQL is whether the document d has a sekretessmarkering: then no
// public reader (page, download, feed, verification) shows it.
const secretSQL = `EXISTS (SELECT 1 FROM document_secrecy s WHERE s.document_id = d.id)`

const factsQuery = `
	SELECT d.id, COALESCE(d.remiss_id,''), COALESCE(d.assignment_id,''), d.kind, d.filename, d.sha256,
		octet_length(d.content), d.created_at, COALESCE(r.dnr,''), COALESCE(r.title,''),
		COALESCE(a.org_code,''), COALESCE(o.name,''), COALESCE(r.public, false),
		CASE WHEN a.kind = 'answer' THEN a.state ELSE '' END, ` + secretSQL + `
	FROM documents d LEFT JOIN remisses r ON r.id = d.remiss_id
		LEFT JOIN assignments a ON a.id = d.assignment_id LEFT JOIN orgs o ON o.code = a.org_code`

func (s *Store) facts(ctx context.Context, what, where string, args ...any) ([]DocumentFacts, error) {
	rows, err := s.db.QueryContext(ctx, factsQuery+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []DocumentFacts
	for rows.Next() {
		var d DocumentFacts
		var state string
		if err := rows.Scan(&d.ID, &d.RemissID, &d.AssignmentID, &d.Kind, &d.Filename, &d.SHA256, &d.Size, &d.CreatedAt,
			&d.Dnr, &d.Title, &d.Org, &d.OrgName, &d.RoundPublic, &state, &d.Secret); err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		d.PublicFacts.Kind, d.AnswerState = d.Kind, remiss.AssignmentState(state)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// RoundDocumentFacts lists a round's documents, oldest first.
func (s *Store) RoundDocumentFacts(ctx context.Context, remissID string) ([]DocumentFacts, error) {
	return s.facts(ctx, "documents of "+remissID, `d.remiss_id = $1 ORDER BY d.created_at, d.id`, remissID)
}

// DocumentFactsByID loads one document's facts.
func (s *Store) DocumentFactsByID(ctx context.Context, id string) (DocumentFacts, error) {
	out, err := s.facts(ctx, "document "+id, `d.id = $1`, id)
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("store: document %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return DocumentFacts{}, err
	}
	return out[0], nil
}

// DocumentsBySHA256 lists the stored documents whose bytes have the
// SHA-256 sum (64 lowercase hex digits), oldest first.
func (s *Store) DocumentsBySHA256(ctx context.Context, sum string) ([]DocumentFacts, error) {
	return s.facts(ctx, "documents by hash", `d.sha256 = $1 ORDER BY d.created_at, d.id LIMIT 20`, sum)
}

// LatestAnswers lists up to limit sealed answers (statements of answered
// assignments) of published rounds, newest first: the public feed's
// answers. The caller still asks each whether it is public (secrecy).
func (s *Store) LatestAnswers(ctx context.Context, limit int) ([]DocumentFacts, error) {
	return s.facts(ctx, "latest answers", `d.kind = 'statement' AND r.public AND a.kind = 'answer' AND a.state = 'answered'
		ORDER BY d.created_at DESC, d.id DESC LIMIT $1`, limit)
}

// PublicDocument loads a public document with its bytes; a document that
// is not public is not found, as one that does not exist.
func (s *Store) PublicDocument(ctx context.Context, id string) (Document, error) {
	f, err := s.DocumentFactsByID(ctx, id)
	if errors.Is(err, ErrNotFound) || err == nil && !f.Public() {
		return Document{}, fmt.Errorf("store: public document %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Document{}, err
	}
	return s.Document(ctx, id)
}
