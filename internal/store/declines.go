package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// DeclineNote is the reason the body declines for (proposed, approved or
// decided): the note the assignment holds, with its author's name; ok is
// false when the assignment holds none.
func (s *Store) DeclineNote(ctx context.Context, assignmentID string) (id string, n NoteRecord, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `
		SELECT n.id, n.kind, n.body, COALESCE(NULLIF(u.display_name, ''), n.author), n.created_at
		FROM assignments a JOIN notes n ON n.id = a.decline_note_id LEFT JOIN users u ON u.username = n.author
		WHERE a.id = $1`, assignmentID).Scan(&id, &n.Kind, &n.Body, &n.Author, &n.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return "", n, false, nil
	}
	if err != nil {
		return "", n, false, fmt.Errorf("store: decline of %s: %w", assignmentID, err)
	}
	return id, n, true, nil
}
