package store

import (
	"context"
	"database/sql"
	"fmt"
)

// A version or a note is stored before its workflow hears of the action
// it belongs to; when the workflow refuses the action, the discard
// functions below remove it again, so that a refusal writes nothing. They
// keep anything something refers to: the same text saved by an action that
// was accepted (IDs derive from the content, so a refused action may name
// an accepted one's row). Each checks and deletes under the lock of the
// assignment's row that saving a version also takes. The same text sent
// again at the very moment of a refusal may still find its row gone: its
// record activity then fails (the version or note is not the
// assignment's) and the action is not taken; sending it again stores it
// again.

// DiscardResponseVersion removes a response version that no assignment
// holds and no audit row names.
func (s *Store) DiscardResponseVersion(ctx context.Context, id string) error {
	return s.discard(ctx, "version", id, `
		DELETE FROM response_versions v WHERE v.id=$1
		AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.response_version_id=v.id)
		AND NOT EXISTS (SELECT 1 FROM audit u JOIN assignments a ON a.id=v.assignment_id
			WHERE u.remiss_id=a.remiss_id AND u.assignment_id=v.assignment_id AND u.detail->>'version'=v.id)`,
		`SELECT assignment_id FROM response_versions WHERE id=$1`)
}

// DiscardNote removes a note that no assignment holds as its decline, no
// anstånd request gives as its reason and no audit row names.
func (s *Store) DiscardNote(ctx context.Context, id string) error {
	return s.discard(ctx, "note", id, `
		DELETE FROM notes n WHERE n.id=$1
		AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.decline_note_id=n.id)
		AND NOT EXISTS (SELECT 1 FROM extensions e WHERE e.reason_note_id=n.id)
		AND NOT EXISTS (SELECT 1 FROM audit u JOIN assignments a ON a.id=n.assignment_id
			WHERE u.remiss_id=a.remiss_id AND u.assignment_id=n.assignment_id AND u.detail->>'note'=n.id)`,
		`SELECT assignment_id FROM notes WHERE id=$1`)
}

// discard runs del on id under the lock of the assignment owner finds.
func (s *Store) discard(ctx context.Context, what, id, del, owner string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var asg string
		switch err := tx.QueryRowContext(ctx, owner, id).Scan(&asg); err {
		case sql.ErrNoRows:
			return nil // gone already
		case nil:
		default:
			return err
		}
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM assignments WHERE id=$1 FOR UPDATE`, asg); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, del, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: discard %s %s: %w", what, id, err)
	}
	return nil
}
