package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Subscription is a webhook an administrator configured for an
// organisation: every event from its making on is delivered to URL,
// signed with Secret.
type Subscription struct {
	ID        string
	Org       string
	URL       string
	Secret    string
	CreatedBy string
	CreatedAt time.Time
}

// CreateSubscription stores a subscription, in the identity audit trail
// too; ErrConflict when its ID is taken.
func (s *Store) CreateSubscription(ctx context.Context, sub Subscription) (Subscription, error) {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO event_subscriptions (id, org_code, url, secret, created_by) VALUES ($1,$2,$3,$4,$5)
			RETURNING created_at`, sub.ID, sub.Org, sub.URL, sub.Secret, sub.CreatedBy).Scan(&sub.CreatedAt); err != nil {
			return err
		}
		return auditIdentity(ctx, tx, sub.CreatedBy, "", EventWebhookNew, map[string]any{"id": sub.ID, "org": sub.Org, "url": sub.URL})
	})
	if isUniqueViolation(err) {
		return sub, fmt.Errorf("store: subscription %s: %w", sub.ID, ErrConflict)
	}
	if err != nil {
		return sub, fmt.Errorf("store: subscription %s: %w", sub.ID, err)
	}
	return sub, nil
}

// Subscriptions lists the live subscriptions of org ("" for every
// organisation's), oldest first.
func (s *Store) Subscriptions(ctx context.Context, org string) ([]Subscription, error) {
	return collect(ctx, s.db, "subscriptions", func(row interface{ Scan(...any) error }) (Subscription, error) {
		var sub Subscription
		err := row.Scan(&sub.ID, &sub.Org, &sub.URL, &sub.Secret, &sub.CreatedBy, &sub.CreatedAt)
		return sub, err
	}, `
		SELECT id, org_code, url, secret, created_by, created_at FROM event_subscriptions
		WHERE deleted_at IS NULL AND ($1='' OR org_code=$1) ORDER BY created_at, id`, org)
}

// DeleteSubscription ends a live subscription of org ("" for any
// organisation); nothing more is delivered to it. ErrNotFound when there
// is none.
func (s *Store) DeleteSubscription(ctx context.Context, admin, org, id string, at time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var subOrg string
		err := tx.QueryRowContext(ctx, `
			UPDATE event_subscriptions SET deleted_at=$3 WHERE id=$1 AND ($2='' OR org_code=$2) AND deleted_at IS NULL
			RETURNING org_code`, id, org, at).Scan(&subOrg)
		if err == sql.ErrNoRows {
			return fmt.Errorf("store: subscription %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: delete subscription %s: %w", id, err)
		}
		return auditIdentity(ctx, tx, admin, "", EventWebhookEnd, map[string]any{"id": id, "org": subOrg})
	})
}

// Delivery is one event leased for delivery to one subscription.
type Delivery struct {
	Subscription Subscription
	Event        Event
	Attempts     int // including this one
}

// ClaimDeliveries leases up to limit deliveries due at now, to live
// subscriptions, that no other deliverer holds (the mail outbox's design:
// a lease that runs out makes the delivery due again, with the same event
// ID, so the receiver can drop the copy). Oldest events first.
func (s *Store) ClaimDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Delivery, error) {
	rows, err := s.db.QueryContext(ctx, `
		WITH claimed AS (
			UPDATE event_deliveries SET leased_until=$1, lease_owner=$4, attempts=attempts+1
			WHERE (subscription_id, event_seq) IN (
				SELECT d.subscription_id, d.event_seq FROM event_deliveries d
				JOIN event_subscriptions s ON s.id=d.subscription_id AND s.deleted_at IS NULL
				WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= $2
				  AND (d.leased_until IS NULL OR d.leased_until < $2)
				ORDER BY d.event_seq, d.subscription_id LIMIT $3
				FOR UPDATE OF d SKIP LOCKED)
			RETURNING subscription_id, event_seq, attempts)
		SELECT c.attempts, s.id, s.org_code, s.url, s.secret, s.created_by, s.created_at, `+eventCols("e.")+`
		FROM claimed c JOIN event_subscriptions s ON s.id=c.subscription_id JOIN events e ON e.seq=c.event_seq
		ORDER BY e.seq, s.id`, now.Add(lease), now, limit, owner)
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var data []byte
		e := &d.Event
		if err := rows.Scan(&d.Attempts, &d.Subscription.ID, &d.Subscription.Org, &d.Subscription.URL, &d.Subscription.Secret,
			&d.Subscription.CreatedBy, &d.Subscription.CreatedAt,
			&e.Seq, &e.ID, &e.Type, &e.At, &e.RemissID, &e.AssignmentID, &e.Org, &e.Dnr, &e.OwnDnr, &e.Title,
			&e.DocumentID, &e.DocumentSHA256, &data, &e.RecordedAt); err != nil {
			return nil, fmt.Errorf("store: claim deliveries: %w", err)
		}
		if err := json.Unmarshal(data, &e.Data); err != nil {
			return nil, fmt.Errorf("store: claim deliveries: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	evs := make([]Event, len(out))
	for i := range out {
		evs[i] = out[i].Event
	}
	if err := s.markEvents(ctx, evs); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Event = evs[i]
	}
	return out, nil
}

// RenewDelivery extends owner's lease just before the delivery is sent;
// false when the lease is no longer owner's or the delivery is settled.
func (s *Store) RenewDelivery(ctx context.Context, sub string, seq int64, owner string, until time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE event_deliveries SET leased_until=$4
		WHERE subscription_id=$1 AND event_seq=$2 AND lease_owner=$3 AND delivered_at IS NULL AND failed_at IS NULL`, sub, seq, owner, until)
	if err != nil {
		return false, fmt.Errorf("store: renew delivery %s/%d: %w", sub, seq, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MarkDelivered records the receiver's acceptance; false when it was
// already recorded.
func (s *Store) MarkDelivered(ctx context.Context, sub string, seq int64, at time.Time, status int) (bool, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE event_deliveries SET delivered_at=$3, last_status=$4, leased_until=NULL
		WHERE subscription_id=$1 AND event_seq=$2 AND delivered_at IS NULL`, sub, seq, at, status)
	if err != nil {
		return false, fmt.Errorf("store: mark delivered %s/%d: %w", sub, seq, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MarkDeliveryRetry records a failed attempt and when to try again, unless
// another deliverer holds the delivery now.
func (s *Store) MarkDeliveryRetry(ctx context.Context, sub string, seq int64, owner string, status int, reason string, next time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE event_deliveries SET last_status=NULLIF($4,0), last_error=$5, next_attempt_at=$6, leased_until=NULL
		WHERE subscription_id=$1 AND event_seq=$2 AND lease_owner=$3 AND delivered_at IS NULL`, sub, seq, owner, status, reason, next)
	if err != nil {
		return fmt.Errorf("store: delivery retry %s/%d: %w", sub, seq, err)
	}
	return nil
}

// MarkDeliveryFailed gives a delivery up after its last attempt.
func (s *Store) MarkDeliveryFailed(ctx context.Context, sub string, seq int64, owner string, status int, reason string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE event_deliveries SET last_status=NULLIF($4,0), last_error=$5, failed_at=$6, leased_until=NULL
		WHERE subscription_id=$1 AND event_seq=$2 AND lease_owner=$3 AND delivered_at IS NULL`, sub, seq, owner, status, reason, at)
	if err != nil {
		return fmt.Errorf("store: delivery failed %s/%d: %w", sub, seq, err)
	}
	return nil
}

// DeliveryState is how one delivery stands, for tests and operators.
type DeliveryState struct {
	SubscriptionID string
	EventID        string
	Attempts       int
	Delivered      bool
	Failed         bool
	LastError      string
}

// Deliveries lists the deliveries to a subscription in event order.
func (s *Store) Deliveries(ctx context.Context, sub string) ([]DeliveryState, error) {
	return collect(ctx, s.db, "deliveries "+sub, func(row interface{ Scan(...any) error }) (DeliveryState, error) {
		var d DeliveryState
		err := row.Scan(&d.SubscriptionID, &d.EventID, &d.Attempts, &d.Delivered, &d.Failed, &d.LastError)
		return d, err
	}, `
		SELECT d.subscription_id, e.id, d.attempts, d.delivered_at IS NOT NULL, d.failed_at IS NOT NULL, COALESCE(d.last_error,'')
		FROM event_deliveries d JOIN events e ON e.seq=d.event_seq WHERE d.subscription_id=$1 ORDER BY d.event_seq`, sub)
}
