package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/remiss/remiss/internal/remiss"
)

// EnsureExternalOrgs makes each outside body of a launch an organisation
// answering by link (remiss.ExternalCode of its address), with the name
// the launch gives it. An organisation with users is never turned into
// one by link.
func (s *Store) EnsureExternalOrgs(ctx context.Context, list []remiss.ExternalRecipient) error {
	if len(list) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, e := range list {
			code := remiss.ExternalCode(e.Email)
			res, err := tx.ExecContext(ctx, `
				INSERT INTO orgs (code, name, kind, email, by_link, decision_route) VALUES ($1,$2,'external',$3,true,'delegation')
				ON CONFLICT (code) DO UPDATE SET name=EXCLUDED.name, email=EXCLUDED.email WHERE orgs.by_link`,
				code, strings.TrimSpace(e.Name), strings.TrimSpace(e.Email))
			if err != nil {
				return fmt.Errorf("store: external org %s: %w", code, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("store: external org %s: %w: the code belongs to an organisation with users", code, ErrConflict)
			}
		}
		return nil
	})
}

// CreateLinks stores the first link of each assignment by link: hashes
// maps an assignment to its token's hash. A launch run again keeps the
// links it made.
func (s *Store) CreateLinks(ctx context.Context, hashes map[string][]byte) error {
	if len(hashes) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for id, h := range hashes {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO answer_links (assignment_id, generation, token_hash) VALUES ($1, 1, $2)
				ON CONFLICT (assignment_id) DO NOTHING`, id, h); err != nil {
				return fmt.Errorf("store: link of %s: %w", id, err)
			}
		}
		return nil
	})
}

// LinkAssignment finds the assignment whose live link has the token hash
// h; ErrNotFound for any other.
func (s *Store) LinkAssignment(ctx context.Context, h []byte) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT assignment_id FROM answer_links WHERE token_hash=$1`, h).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: link: %w", err)
	}
	return id, nil
}

// LinkGeneration is the generation of an assignment's live link.
func (s *Store) LinkGeneration(ctx context.Context, assignmentID string) (int, error) {
	var g int
	err := s.db.QueryRowContext(ctx, `SELECT generation FROM answer_links WHERE assignment_id=$1`, assignmentID).Scan(&g)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: link of %s: %w", assignmentID, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: link of %s: %w", assignmentID, err)
	}
	return g, nil
}

// LinkPatch replaces an assignment's link with the next generation's.
type LinkPatch struct {
	Generation int
	Hash       []byte
}

// applyLink moves the change's assignment to its new link, if the change
// replaces it: only from the generation before, so two replacements at
// once do not both stand.
func applyLink(ctx context.Context, tx *sql.Tx, c Change) error {
	if c.Link == nil {
		return nil
	}
	res, err := tx.ExecContext(ctx, `
		UPDATE answer_links SET generation=$2, token_hash=$3, issued_at=$4
		WHERE assignment_id=$1 AND generation=$2-1`, c.AssignmentID, c.Link.Generation, c.Link.Hash, c.At)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: the link of %s was replaced meanwhile", ErrConflict, c.AssignmentID)
	}
	return nil
}
