package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// HistoryEntry is one row of the audit trail as a person reads it: who
// acted by their name and organisation, and the free text that belongs to
// the action (the comment on a return, the reason for declining or for an
// anstånd), with the note's kind so that the reader's right to it can be
// checked.
type HistoryEntry struct {
	AuditEntry
	ActorName, ActorOrg string // the actor's display name and organisation's name; "" for the system
	NoteKind, NoteBody  string
}

// History lists the audit trail of one assignment, oldest first, with the
// round's own events (sent, closed, withdrawn, the decision path) that
// concern every recipient. An empty assignmentID lists the round's whole
// trail. The daily digest is a message, not an event of the ärende, and is
// left out.
func (s *Store) History(ctx context.Context, remissID, assignmentID string) ([]HistoryEntry, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT a.id, a.at, a.actor, COALESCE(a.assignment_id,''), a.action, a.detail,
			CASE WHEN a.actor = 'extern' AND xo.by_link THEN xo.name || ' (personlig länk)'
				ELSE COALESCE(NULLIF(u.display_name,''), CASE WHEN u.username IS NULL THEN '' ELSE a.actor END) END,
			COALESCE(o.name,''), COALESCE(n.kind,''), COALESCE(n.body,'')
		FROM audit a
		LEFT JOIN users u ON u.username = a.actor
		LEFT JOIN orgs o ON o.code = u.org_code
		LEFT JOIN assignments xa ON a.actor = 'extern' AND xa.id = a.assignment_id
		LEFT JOIN orgs xo ON xo.code = xa.org_code
		LEFT JOIN extensions e ON e.id = a.detail->>'extension' AND a.action = 'extension_requested'
		LEFT JOIN notes n ON n.id = COALESCE(a.detail->>'note', e.reason_note_id)
		WHERE a.remiss_id = $1 AND a.action <> 'digest'
			AND ($2 = '' OR a.assignment_id = $2 OR a.assignment_id IS NULL)
		ORDER BY a.at, a.id`, remissID, assignmentID)
	if err != nil {
		return nil, fmt.Errorf("store: history %s: %w", remissID, err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		e := &h.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.AssignmentID, &e.Action, &e.Detail,
			&h.ActorName, &h.ActorOrg, &h.NoteKind, &h.NoteBody); err != nil {
			return nil, fmt.Errorf("store: history %s: %w", remissID, err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// SubmittedVersion is a version of an answer as it was submitted for
// approval: when, and by whom (their name).
type SubmittedVersion struct {
	ResponseVersion
	SubmittedAt   time.Time
	SubmitterName string
}

// SubmittedVersions lists every submission of an answer in order, each
// with the version it submitted. A version submitted twice (returned, then
// sent again unchanged) is listed twice: it was submitted twice.
func (s *Store) SubmittedVersions(ctx context.Context, assignmentID string) ([]SubmittedVersion, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT v.id, v.assignment_id, v.version, v.content, v.sha256, v.created_by, v.created_at,
			a.at, COALESCE(NULLIF(u.display_name,''), a.actor)
		FROM audit a JOIN response_versions v ON v.id = a.detail->>'version' AND v.assignment_id = a.assignment_id
		LEFT JOIN users u ON u.username = a.actor
		WHERE a.assignment_id = $1 AND a.action = 'submitted'
		ORDER BY a.at, a.id`, assignmentID)
	if err != nil {
		return nil, fmt.Errorf("store: submitted versions %s: %w", assignmentID, err)
	}
	defer rows.Close()
	var out []SubmittedVersion
	for rows.Next() {
		var sv SubmittedVersion
		v := &sv.ResponseVersion
		var body []byte
		if err := rows.Scan(&v.ID, &v.AssignmentID, &v.Version, &body, &v.SHA256, &v.CreatedBy, &v.CreatedAt,
			&sv.SubmittedAt, &sv.SubmitterName); err != nil {
			return nil, fmt.Errorf("store: submitted versions %s: %w", assignmentID, err)
		}
		if err := json.Unmarshal(body, &v.Content); err != nil {
			return nil, fmt.Errorf("store: submitted versions %s: %w", assignmentID, err)
		}
		out = append(out, sv)
	}
	return out, rows.Err()
}
