package store

import (
	"context"
	"database/sql"
	"time"
)

// Secrecy is a document's sekretessmarkering (OSL 5 kap. 5 §): the
// provision that covers it, the title shown in its place, and when and by
// whom it was marked (or the marking last changed).
type Secrecy struct {
	DocumentID  string
	Provision   string
	PublicTitle string
	MarkedAt    time.Time
	MarkedBy    string
}

// secrecyColumns are a marking's columns of documentTables (NULL when the
// document is not marked).
const secrecyColumns = `ds.provision, ds.public_title, ds.marked_at, ds.marked_by`

type secrecyRow struct {
	provision, title, by sql.NullString
	at                   sql.NullTime
}

func (m secrecyRow) secrecy(documentID string) *Secrecy {
	if !m.provision.Valid {
		return nil
	}
	return &Secrecy{DocumentID: documentID, Provision: m.provision.String, PublicTitle: m.title.String, MarkedAt: m.at.Time, MarkedBy: m.by.String}
}

// SecrecyPatch marks a document (Set) or removes its marking (Set nil) in
// the same transaction as the change's audit row.
type SecrecyPatch struct {
	DocumentID string
	Set        *Secrecy
}

// applySecrecy writes or removes the change's marking.
func applySecrecy(ctx context.Context, tx *sql.Tx, c Change) error {
	p := c.Secrecy
	if p == nil {
		return nil
	}
	if p.Set == nil {
		_, err := tx.ExecContext(ctx, `DELETE FROM document_secrecy WHERE document_id=$1`, p.DocumentID)
		return err
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO document_secrecy (document_id, provision, public_title, marked_at, marked_by) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (document_id) DO UPDATE SET provision=$2, public_title=$3, marked_at=$4, marked_by=$5`,
		p.DocumentID, p.Set.Provision, p.Set.PublicTitle, p.Set.MarkedAt, p.Set.MarkedBy)
	return err
}
