package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"
)

// ClaimDue leases up to limit messages that are due at now and not being
// sent by another sender. A lease that runs out (its sender died) makes the
// message due again; it is then sent with the same Message-ID.
func (s *Store) ClaimDue(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error) {
	list, err := s.queryOutbox(ctx, `
		UPDATE outbox SET leased_until=$1, lease_owner=$4, attempts=attempts+1
		WHERE id IN (
			SELECT id FROM outbox
			WHERE sent_at IS NULL AND failed_at IS NULL AND NOT digest AND next_attempt_at <= $2
			  AND (leased_until IS NULL OR leased_until < $2)
			ORDER BY next_attempt_at, id LIMIT $3
			FOR UPDATE SKIP LOCKED)
		RETURNING `+outboxColumns, now.Add(lease), now, limit, owner)
	sort.Slice(list, func(i, j int) bool {
		return list[i].EventAt.Before(list[j].EventAt) || (list[i].EventAt.Equal(list[j].EventAt) && list[i].ID < list[j].ID)
	})
	return list, err
}

// Renew extends owner's lease on a message just before it is sent. It reports false when the lease is no longer owner's (it ran
// out and another sender took the message) or the message is settled.
func (s *Store) Renew(ctx context.Context, id, owner string, until time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE outbox SET leased_until=$3
		WHERE id=$1 AND lease_owner=$2 AND sent_at IS NULL AND failed_at IS NULL`, id, owner, until)
	if err != nil {
		return false, fmt.Errorf("store: renew %s: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MarkSent records the server's acceptance. It reports false when the row
// was already marked (a second sender after a lease ran out).
func (s *Store) MarkSent(ctx context.Context, id string, at time.Time, response string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE outbox SET sent_at=$2, smtp_response=$3, leased_until=NULL WHERE id=$1 AND sent_at IS NULL`, id, at, response)
	if err != nil {
		return false, fmt.Errorf("store: mark sent %s: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MarkRetry records a temporary failure and when to try again, unless
// another sender holds the message now.
func (s *Store) MarkRetry(ctx context.Context, id, owner, reason string, next time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE outbox SET last_error=$2, next_attempt_at=$3, leased_until=NULL
		WHERE id=$1 AND sent_at IS NULL AND lease_owner=$4`, id, reason, next, owner)
	if err != nil {
		return fmt.Errorf("store: mark retry %s: %w", id, err)
	}
	return nil
}

// MarkFailed records a permanent failure and, in the same transaction,
// queues report (when given) to tell someone.
func (s *Store) MarkFailed(ctx context.Context, id, reason string, at time.Time, report *Message) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var remissID string
		err := tx.QueryRowContext(ctx, `
			UPDATE outbox SET failed_at=$2, last_error=$3, leased_until=NULL WHERE id=$1 AND sent_at IS NULL
			RETURNING remiss_id`, id, at, reason).Scan(&remissID)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: mark failed %s: %w", id, err)
		}
		if report == nil {
			return nil
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO outbox (id, kind, remiss_id, assignment_id, recipient, subject, body, event_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (id) DO NOTHING`,
			report.ID, report.Kind, remissID, nullString(report.AssignmentID), report.Recipient, report.Subject, report.Body, report.EventAt)
		return err
	})
}

// Digested returns the held messages of a round not yet in a digest.
func (s *Store) Digested(ctx context.Context, remissID string) ([]OutboxMessage, error) {
	return s.outbox(ctx, `WHERE remiss_id=$1 AND digest AND sent_at IS NULL ORDER BY event_at, id`, remissID)
}

// OutboxMessage loads one message.
func (s *Store) OutboxMessage(ctx context.Context, id string) (OutboxMessage, error) {
	list, err := s.outbox(ctx, `WHERE id=$1`, id)
	if err != nil {
		return OutboxMessage{}, err
	}
	if len(list) == 0 {
		return OutboxMessage{}, fmt.Errorf("store: message %s: %w", id, ErrNotFound)
	}
	return list[0], nil
}
