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
// answering by link (remiss.ExternalCode of its address), named as the
// launch names it when it is new; NameExternalOrgs renames one known
// already, once its round is stored. An organisation with users is never
// turned into one by link.
func (s *Store) EnsureExternalOrgs(ctx context.Context, list []remiss.ExternalRecipient) error {
	if len(list) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, e := range list {
			code := remiss.ExternalCode(e.Email)
			res, err := tx.ExecContext(ctx, `
				INSERT INTO orgs (code, name, kind, email, by_link, decision_route) VALUES ($1,$2,'external',$3,true,'delegation')
				ON CONFLICT (code) DO UPDATE SET by_link=orgs.by_link WHERE orgs.by_link`,
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

// NewLink is an assignment's first link: its nonce and its token's hash.
type NewLink struct {
	Nonce, Hash []byte
}

// NameExternalOrgs gives outside bodies by link the names a stored
// round's launch gave them (a later launch may name one anew).
func (s *Store) NameExternalOrgs(ctx context.Context, list []remiss.ExternalRecipient) error {
	for _, e := range list {
		if _, err := s.db.ExecContext(ctx, `UPDATE orgs SET name=$2 WHERE code=$1 AND by_link`,
			remiss.ExternalCode(e.Email), strings.TrimSpace(e.Name)); err != nil {
			return fmt.Errorf("store: name external org: %w", err)
		}
	}
	return nil
}

// CreateLinks stores the first link of each assignment by link. A launch
// run again keeps the links it made.
func (s *Store) CreateLinks(ctx context.Context, links map[string]NewLink) error {
	if len(links) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for id, l := range links {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO answer_links (assignment_id, generation, nonce, token_hash) VALUES ($1, 1, $2, $3)
				ON CONFLICT (assignment_id) DO NOTHING`, id, l.Nonce, l.Hash); err != nil {
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

// Link is an assignment's live link as the server derives its token:
// its generation and nonce, the hash the token must have, and the
// organisation's address, the only one the link may be sent to.
type Link struct {
	Generation int
	Nonce      []byte
	Hash       []byte
	Email      string
}

// LinkOf loads the live link of an assignment by link.
func (s *Store) LinkOf(ctx context.Context, assignmentID string) (Link, error) {
	var l Link
	err := s.db.QueryRowContext(ctx, `
		SELECT l.generation, l.nonce, l.token_hash, o.email
		FROM answer_links l JOIN assignments a ON a.id = l.assignment_id JOIN orgs o ON o.code = a.org_code AND o.by_link
		WHERE l.assignment_id=$1`, assignmentID).Scan(&l.Generation, &l.Nonce, &l.Hash, &l.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("store: link of %s: %w", assignmentID, ErrNotFound)
	}
	if err != nil {
		return l, fmt.Errorf("store: link of %s: %w", assignmentID, err)
	}
	return l, nil
}

// LinkPatch replaces an assignment's link with the next generation's.
type LinkPatch struct {
	Generation int
	Nonce      []byte
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
		UPDATE answer_links SET generation=$2, nonce=$3, token_hash=$4, issued_at=$5
		WHERE assignment_id=$1 AND generation=$2-1`, c.AssignmentID, c.Link.Generation, c.Link.Nonce, c.Link.Hash, c.At)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: the link of %s was replaced meanwhile", ErrConflict, c.AssignmentID)
	}
	return nil
}
