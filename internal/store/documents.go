package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/remiss/remiss/internal/remiss"
)

// ResponseVersion is one saved or submitted text of an answer.
type ResponseVersion struct {
	ID           string
	AssignmentID string
	Version      int
	Content      remiss.Response
	SHA256       string
	CreatedBy    string
	CreatedAt    time.Time
}

// SaveResponseVersion stores content as the next version of an answer. The
// ID comes from the content hash, so saving the same text again returns the
// existing version.
func (s *Store) SaveResponseVersion(ctx context.Context, assignmentID string, content remiss.Response, user string) (ResponseVersion, error) {
	body, hash := content.Encode()
	id := VersionID(assignmentID, hash)
	v := ResponseVersion{ID: id, AssignmentID: assignmentID, Content: content, SHA256: hash}
	// One statement, one round trip, no transaction of its own: the next
	// number is counted in the statement's snapshot, and UNIQUE
	// (assignment_id, version) refuses a number a concurrent save took
	// first. Then, or when a concurrent save of the same text held the ID
	// (this statement's snapshot does not see the row it waited for), the
	// statement runs again with a fresh snapshot. Each rerun follows
	// another save that succeeded, so there are no more reruns than saves
	// of other texts at the same moment.
	var err error
	for attempt := 1; ; attempt++ {
		err = s.queryRowPrepared(ctx, `
			WITH added AS (
				INSERT INTO response_versions (id, assignment_id, version, content, sha256, created_by)
				SELECT $1, $2, COALESCE(MAX(version),0)+1, $3, $4, $5 FROM response_versions WHERE assignment_id=$2
				ON CONFLICT (id) DO NOTHING
				RETURNING version, created_by, created_at)
			SELECT version, created_by, created_at FROM added
			UNION ALL
			SELECT version, created_by, created_at FROM response_versions WHERE id=$1 AND NOT EXISTS (SELECT 1 FROM added)`,
			id, assignmentID, string(body), hash, user).Scan(&v.Version, &v.CreatedBy, &v.CreatedAt)
		if attempt >= saveAttempts || !(errors.Is(err, sql.ErrNoRows) || isVersionTaken(err)) {
			break
		}
	}
	if err != nil {
		return ResponseVersion{}, fmt.Errorf("store: save response %s: %w", assignmentID, err)
	}
	return v, nil
}

// SaveResponseVersionIf saves content as a version of assignment
// assignmentID in the same statement that reads the assignment, but only
// if the assignment is org's, of one of kinds and in one of states (what
// the caller's policy allows the action in): the answer's usual path, one
// round trip where the assignment's lookup and the save made two. It
// reports ok=false, having written nothing, when the assignment is not
// found or not so, and also when the save raced another on the same
// assignment (which SaveResponseVersion reruns): the caller then takes
// the long way, which says why or saves.
func (s *Store) SaveResponseVersionIf(ctx context.Context, assignmentID, org string, kinds []remiss.AssignmentKind, states []remiss.AssignmentState,
	content remiss.Response, user string) (Assignment, ResponseVersion, bool, error) {
	body, hash := content.Encode()
	id := VersionID(assignmentID, hash)
	v := ResponseVersion{ID: id, AssignmentID: assignmentID, Content: content, SHA256: hash}
	// The assignment is found by its key alone (MATERIALIZED: given the
	// guard's columns too, the planner chose the index of an
	// organisation's assignments, all of them over the years), then
	// guarded. The next number is counted in a subquery, so that an
	// assignment the guard refuses makes no row at all (an aggregate
	// alone would make one).
	asg, err := scanAssignment(s.queryRowPrepared(ctx, `
		WITH found AS MATERIALIZED (SELECT `+assignmentColumns+` FROM assignments WHERE id=$2),
		a AS (SELECT * FROM found WHERE org_code=$6 AND kind = ANY($7::text[]) AND state = ANY($8::text[])),
		added AS (
			INSERT INTO response_versions (id, assignment_id, version, content, sha256, created_by)
			SELECT $1, $2, m.next, $3, $4, $5
			FROM (SELECT COALESCE(MAX(version),0)+1 AS next FROM response_versions WHERE assignment_id=$2) m
			WHERE EXISTS (SELECT 1 FROM a)
			ON CONFLICT (id) DO NOTHING
			RETURNING version, created_by, created_at),
		v AS (
			SELECT version, created_by, created_at FROM added
			UNION ALL
			SELECT version, created_by, created_at FROM response_versions
			WHERE id=$1 AND NOT EXISTS (SELECT 1 FROM added) AND EXISTS (SELECT 1 FROM a))
		SELECT a.*, v.version, v.created_by, v.created_at FROM a, v`,
		id, assignmentID, string(body), hash, user, org, pq.StringArray(strs(kinds)), pq.StringArray(strs(states))), &v.Version, &v.CreatedBy, &v.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) || isVersionTaken(err) {
		return Assignment{}, ResponseVersion{}, false, nil
	}
	if err != nil {
		return Assignment{}, ResponseVersion{}, false, fmt.Errorf("store: save response %s: %w", assignmentID, err)
	}
	return asg, v, true, nil
}

// strs is a list of string-typed values as strings.
func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// saveAttempts bounds the reruns of a save that raced others on the same
// assignment.
const saveAttempts = 16

// isVersionTaken is the refusal of a version number a concurrent save of
// the same assignment took first.
func isVersionTaken(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505" && pqErr.Constraint == "response_versions_assignment_id_version_key"
}

// VersionID names the version of an answer whose content has the SHA-256
// hash (64 hex digits).
func VersionID(assignmentID, hash string) string { return assignmentID + ".v-" + hash[:16] }

// VersionHead is a version without its text: what checks of ownership
// and hash need.
type VersionHead struct {
	ID, AssignmentID, SHA256 string
}

// VersionHead loads a version's owner and hash.
func (s *Store) VersionHead(ctx context.Context, id string) (VersionHead, error) {
	h := VersionHead{ID: id}
	err := s.queryRowPrepared(ctx, `SELECT assignment_id, sha256 FROM response_versions WHERE id=$1`, id).Scan(&h.AssignmentID, &h.SHA256)
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("store: response version %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return h, fmt.Errorf("store: response version %s: %w", id, err)
	}
	return h, nil
}

// ResponseVersion loads one version.
func (s *Store) ResponseVersion(ctx context.Context, id string) (ResponseVersion, error) {
	var v ResponseVersion
	var body []byte
	err := s.db.QueryRowContext(ctx, `
		SELECT id, assignment_id, version, content, sha256, created_by, created_at FROM response_versions WHERE id=$1`, id).
		Scan(&v.ID, &v.AssignmentID, &v.Version, &body, &v.SHA256, &v.CreatedBy, &v.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("store: response version %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("store: response version %s: %w", id, err)
	}
	if err := json.Unmarshal(body, &v.Content); err != nil {
		return v, fmt.Errorf("store: response version %s: %w", id, err)
	}
	return v, nil
}

// AddNote stores the free text of an action and returns its ID, derived
// from its content so that a repeated call stores it once.
func (s *Store) AddNote(ctx context.Context, assignmentID, kind, body, author string) (string, error) {
	sum := sha256.Sum256([]byte(assignmentID + "\x00" + kind + "\x00" + author + "\x00" + body))
	id := assignmentID + "." + kind + "-" + hex.EncodeToString(sum[:8])
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO notes (id, assignment_id, kind, body, author) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (id) DO NOTHING`,
		id, assignmentID, kind, body, author)
	if err != nil {
		return "", fmt.Errorf("store: add note %s: %w", assignmentID, err)
	}
	return id, nil
}

// Note is the free text of an action, with the assignment it belongs to.
type Note struct {
	Body         string
	AssignmentID string
}

// Note loads a note.
func (s *Store) Note(ctx context.Context, id string) (Note, error) {
	var n Note
	err := s.queryRowPrepared(ctx, `SELECT body, assignment_id FROM notes WHERE id=$1`, id).Scan(&n.Body, &n.AssignmentID)
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("store: note %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return n, fmt.Errorf("store: note %s: %w", id, err)
	}
	return n, nil
}

// Document is a stored file (a PDF) with its SHA-256.
type Document struct {
	ID           string
	RemissID     string
	AssignmentID string
	Kind         string // statement, summary, underlag
	Filename     string
	Content      []byte
	SHA256       string
	CreatedAt    time.Time
	// Verification is the kept result of verifying it when it was stored
	// (internal/keeper's Report, as JSON); nil when never verified.
	Verification []byte
	// Secrecy is its sekretessmarkering; nil when it is not marked.
	Secrecy *Secrecy
}

// PutDocument stores a document under its ID unless one is already there,
// and returns the stored one: a retried render never replaces the bytes that
// were stored first.
func (s *Store) PutDocument(ctx context.Context, d Document) (Document, error) {
	sum := sha256.Sum256(d.Content)
	d.SHA256 = hex.EncodeToString(sum[:])
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO documents (id, remiss_id, assignment_id, kind, filename, content, sha256, verification)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (id) DO NOTHING`,
		d.ID, nullString(d.RemissID), nullString(d.AssignmentID), d.Kind, d.Filename, d.Content, d.SHA256, nullJSON(d.Verification))
	if err != nil {
		return Document{}, fmt.Errorf("store: put document %s: %w", d.ID, err)
	}
	return s.Document(ctx, d.ID)
}

// documentColumns are read FROM documentTables.
const (
	documentColumns = `d.id, COALESCE(d.remiss_id,''), COALESCE(d.assignment_id,''), d.kind, d.filename, d.content, d.sha256, d.created_at, d.verification, ` + secrecyColumns
	documentTables  = `documents d LEFT JOIN document_secrecy ds ON ds.document_id = d.id`
)

func scanDocument(row interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var m secrecyRow
	err := row.Scan(&d.ID, &d.RemissID, &d.AssignmentID, &d.Kind, &d.Filename, &d.Content, &d.SHA256, &d.CreatedAt, &d.Verification,
		&m.provision, &m.title, &m.at, &m.by)
	d.Secrecy = m.secrecy(d.ID)
	return d, err
}

// Document loads one document with its bytes.
func (s *Store) Document(ctx context.Context, id string) (Document, error) {
	d, err := scanDocument(s.db.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM `+documentTables+` WHERE d.id=$1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("store: document %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("store: document %s: %w", id, err)
	}
	return d, nil
}

// Documents lists a round's documents with their bytes, oldest first.
func (s *Store) Documents(ctx context.Context, remissID string) ([]Document, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+documentColumns+` FROM `+documentTables+` WHERE d.remiss_id=$1 ORDER BY d.created_at, d.id`, remissID)
	if err != nil {
		return nil, fmt.Errorf("store: documents %s: %w", remissID, err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("store: documents %s: %w", remissID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DocumentList lists a round's documents without their bytes.
func (s *Store) DocumentList(ctx context.Context, remissID string) ([]Document, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT d.id, d.remiss_id, COALESCE(d.assignment_id,''), d.kind, d.filename, ''::bytea, d.sha256, d.created_at, NULL::jsonb, `+secrecyColumns+`
		FROM `+documentTables+` WHERE d.remiss_id=$1 ORDER BY d.created_at, d.id`, remissID)
	if err != nil {
		return nil, fmt.Errorf("store: documents %s: %w", remissID, err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("store: documents %s: %w", remissID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetVerification keeps a new verification result of a stored document.
func (s *Store) SetVerification(ctx context.Context, id string, report []byte) error {
	res, err := s.db.ExecContext(ctx, `UPDATE documents SET verification=$2 WHERE id=$1`, id, string(report))
	if err != nil {
		return fmt.Errorf("store: verification of %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: verification of %s: %w", id, ErrNotFound)
	}
	return nil
}

// nullBytes stores an empty JSON value as NULL.
// nullJSON is JSON for a jsonb column, as a string (see oneRoundTrip), or
// NULL when there is none.
func nullJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// NoteRecord is a note as its reader sees it: what kind, what it says, who
// wrote it (their name) and when.
type NoteRecord struct {
	Kind, Body, Author string
	CreatedAt          time.Time
}

// LatestNotes returns, for each assignment of a round, its latest note of
// each kind (return, decline, extension).
func (s *Store) LatestNotes(ctx context.Context, remissID string) (map[string]map[string]NoteRecord, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT DISTINCT ON (n.assignment_id, n.kind) n.assignment_id, n.kind, n.body,
			COALESCE(NULLIF(u.display_name, ''), n.author), n.created_at
		FROM notes n JOIN assignments a ON a.id = n.assignment_id LEFT JOIN users u ON u.username = n.author
		WHERE a.remiss_id = $1
		ORDER BY n.assignment_id, n.kind, n.created_at DESC, n.id`, remissID)
	if err != nil {
		return nil, fmt.Errorf("store: notes of %s: %w", remissID, err)
	}
	defer rows.Close()
	out := map[string]map[string]NoteRecord{}
	for rows.Next() {
		var asg string
		var n NoteRecord
		if err := rows.Scan(&asg, &n.Kind, &n.Body, &n.Author, &n.CreatedAt); err != nil {
			return nil, fmt.Errorf("store: notes of %s: %w", remissID, err)
		}
		if out[asg] == nil {
			out[asg] = map[string]NoteRecord{}
		}
		out[asg][n.Kind] = n
	}
	return out, rows.Err()
}

// PendingExtension is an anstånd request that waits for the Coordinator:
// the date asked for and the reason; ok is false when none waits.
func (s *Store) PendingExtension(ctx context.Context, assignmentID string) (until, reason string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `
		SELECT to_char(e.requested_until, 'YYYY-MM-DD'), COALESCE(n.body, '')
		FROM extensions e LEFT JOIN notes n ON n.id = e.reason_note_id
		WHERE e.assignment_id = $1 AND e.decided_at IS NULL
		ORDER BY e.requested_at DESC LIMIT 1`, assignmentID).Scan(&until, &reason)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("store: pending anstånd of %s: %w", assignmentID, err)
	}
	return until, reason, true, nil
}
