package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Service accounts (issue 17): users of an organisation that sign in only
// by their tokens, each token with scopes and an expiry, its secret shown
// once. An organisation's admin makes, lists and revokes them; each is in
// the identity audit trail.

// ServiceAccount is a service account with its live tokens.
type ServiceAccount struct {
	User
	Tokens []ServiceToken
}

// ServiceToken is what is shown of a service account's token: never its
// secret.
type ServiceToken struct {
	Token
	Label  string
	Scopes []string
}

// CreateServiceAccount makes a service account in org; ErrConflict when
// the username is taken.
func (s *Store) CreateServiceAccount(ctx context.Context, admin string, u User) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (username, org_code, role, display_name, service) VALUES ($1,$2,$3,$4,true)`,
			u.Username, u.Org, string(u.Role), u.DisplayName)
		if isUniqueViolation(err) {
			return fmt.Errorf("store: service account %s: %w", u.Username, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store: service account: %w", err)
		}
		return auditIdentity(ctx, tx, admin, "", EventServiceNew, map[string]any{"account": u.Username, "org": u.Org, "role": u.Role})
	})
}

// serviceAccount is org's service account username, or ErrNotFound.
func serviceAccount(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, org, username string) error {
	var ok bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE username=$1 AND org_code=$2 AND service)`, username, org).Scan(&ok)
	if err == nil && !ok {
		err = fmt.Errorf("store: service account %s: %w", username, ErrNotFound)
	}
	return err
}

// CreateServiceToken gives org's service account a token with scopes,
// valid for ttl, and returns its secret (shown once; only its hash is
// kept).
func (s *Store) CreateServiceToken(ctx context.Context, admin, org, account, label string, scopes []string, ttl time.Duration) (string, ServiceToken, error) {
	if len(scopes) == 0 {
		return "", ServiceToken{}, errors.New("store: a service token needs a scope")
	}
	secretID := secret()
	t := ServiceToken{Label: label, Scopes: scopes}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := serviceAccount(ctx, tx, org, account); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO sessions (id_hash, username, csrf, kind, expires_at, scopes, label) VALUES ($1,$2,$3,'api',now() + make_interval(secs => $4),$5,$6)
			RETURNING id, created_at, expires_at`,
			hashSecret(secretID), account, secret(), ttl.Seconds(), pq.Array(scopes), label).Scan(&t.ID, &t.CreatedAt, &t.ExpiresAt); err != nil {
			return fmt.Errorf("store: service token: %w", err)
		}
		return auditIdentity(ctx, tx, admin, "", EventTokenNew, map[string]any{"account": account, "token": t.ID, "scopes": scopes, "expiresAt": t.ExpiresAt})
	})
	return secretID, t, err
}

// ServiceAccounts lists org's service accounts with their live tokens.
func (s *Store) ServiceAccounts(ctx context.Context, org string) ([]ServiceAccount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE org_code=$1 AND service ORDER BY username`, org)
	if err != nil {
		return nil, fmt.Errorf("store: service accounts: %w", err)
	}
	out := []ServiceAccount{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, ServiceAccount{User: u, Tokens: []ServiceToken{}})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		trows, err := s.db.QueryContext(ctx, `
			SELECT id, created_at, last_used_at, expires_at, label, COALESCE(scopes, '{}') FROM sessions
			WHERE username=$1 AND kind='api' AND expires_at > now() ORDER BY created_at, id`, out[i].Username)
		if err != nil {
			return nil, fmt.Errorf("store: service tokens: %w", err)
		}
		for trows.Next() {
			var t ServiceToken
			var used sql.NullTime
			var scopes pq.StringArray
			if err := trows.Scan(&t.ID, &t.CreatedAt, &used, &t.ExpiresAt, &t.Label, &scopes); err != nil {
				trows.Close()
				return nil, err
			}
			if used.Valid {
				t.LastUsedAt = &used.Time
			}
			t.Scopes = []string(scopes)
			out[i].Tokens = append(out[i].Tokens, t)
		}
		trows.Close()
	}
	return out, nil
}

// RevokeServiceToken ends one token of org's service account.
func (s *Store) RevokeServiceToken(ctx context.Context, admin, org, account, id string) error {
	if !uuidPattern.MatchString(id) {
		return fmt.Errorf("store: token %q: %w", id, ErrNotFound)
	}
	defer s.forgetSessionID(id)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := serviceAccount(ctx, tx, org, account); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id=$1 AND username=$2 AND kind='api'`, id, account)
		if err != nil {
			return fmt.Errorf("store: revoke service token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: token %s: %w", id, ErrNotFound)
		}
		return auditIdentity(ctx, tx, admin, "", EventTokenRevoke, map[string]any{"account": account, "token": id})
	})
}
