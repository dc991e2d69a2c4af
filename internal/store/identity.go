package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
)

// Identity is a person as the identity provider vouched for them, mapped
// to an organisation and a role here.
type Identity struct {
	Subject string // stable at the provider: "oidc <issuer> <sub>" or "saml <entityID> <NameID>"
	Name    string
	Email   string
	Org     string
	Role    remiss.Role
	Via     string // "oidc" or "saml"
}

// ErrUnknownOrg is an identity mapped to an organisation we do not have.
var ErrUnknownOrg = errors.New("organisationen finns inte")

// IdentityEvent is one row of the identity audit trail.
type IdentityEvent struct {
	At      time.Time
	Actor   string
	Subject string
	Event   string
	Detail  map[string]any
}

// The events of the identity audit trail.
const (
	EventLogin       = "login"         // a person signed in (detail: via)
	EventRefused     = "login_refused" // a sign-in refused (detail: via, reason)
	EventCreated     = "user_created"  // a user made at their first sign-in
	EventRoleChanged = "role_changed"  // organisation or role changed at a sign-in
	EventServiceNew  = "service_account_created"
	EventTokenNew    = "service_token_created"
	EventTokenRevoke = "service_token_revoked"
	EventWebhookNew  = "webhook_created" // an events subscription (detail: id, org, url)
	EventWebhookEnd  = "webhook_deleted"
)

func auditIdentity(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, actor, subject, event string, detail map[string]any) error {
	if detail == nil {
		detail = map[string]any{}
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO identity_audit (actor, subject, event, detail) VALUES ($1,$2,$3,$4)`, actor, subject, event, string(b))
	if err != nil {
		return fmt.Errorf("store: identity audit: %w", err)
	}
	return nil
}

// RefuseSignIn notes a refused sign-in; nothing else is written.
func (s *Store) RefuseSignIn(ctx context.Context, subject, via, reason string) error {
	return auditIdentity(ctx, s.db, "", subject, EventRefused, map[string]any{"via": via, "reason": reason})
}

// SignIn finds the user the identity names, or makes one (just in time),
// brings their name, e-mail, organisation and role up to date, and notes
// it all in the identity audit trail, in one transaction. A change of
// organisation or role ends the user's other sessions and tokens, so it
// takes effect at once. ErrUnknownOrg when the organisation is not ours:
// then nothing is written.
func (s *Store) SignIn(ctx context.Context, id Identity) (User, error) {
	if id.Subject == "" || !validRole(id.Role) {
		return User{}, fmt.Errorf("store: sign in: no subject or an unknown role %q", id.Role)
	}
	var username string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var known bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM orgs WHERE code=$1)`, id.Org).Scan(&known); err != nil {
			return err
		}
		if !known {
			return ErrUnknownOrg
		}
		var org, role string
		err := tx.QueryRowContext(ctx, `SELECT username, org_code, role FROM users WHERE subject=$1 FOR UPDATE`, id.Subject).Scan(&username, &org, &role)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if username, err = freeUsername(ctx, tx, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (username, org_code, role, display_name, email, subject) VALUES ($1,$2,$3,$4,$5,$6)`,
				username, id.Org, string(id.Role), id.Name, id.Email, id.Subject); err != nil {
				return fmt.Errorf("store: sign in: %w", err)
			}
			if err := auditIdentity(ctx, tx, username, id.Subject, EventCreated, map[string]any{"via": id.Via, "org": id.Org, "role": id.Role}); err != nil {
				return err
			}
		case err != nil:
			return fmt.Errorf("store: sign in: %w", err)
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE users SET org_code=$2, role=$3, display_name=$4, email=$5 WHERE username=$1`,
				username, id.Org, string(id.Role), id.Name, id.Email); err != nil {
				return fmt.Errorf("store: sign in: %w", err)
			}
			if org != id.Org || role != string(id.Role) {
				if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE username=$1`, username); err != nil {
					return err
				}
				if err := auditIdentity(ctx, tx, username, id.Subject, EventRoleChanged, map[string]any{"via": id.Via,
					"fromOrg": org, "fromRole": role, "org": id.Org, "role": id.Role}); err != nil {
					return err
				}
			}
		}
		return auditIdentity(ctx, tx, username, id.Subject, EventLogin, map[string]any{"via": id.Via})
	})
	// Once committed (or not): the user's sessions kept in memory carried
	// the user as they were.
	s.forgetUsers(username)
	if err != nil {
		return User{}, err
	}
	return s.User(ctx, username)
}

var notUsername = regexp.MustCompile(`[^a-z0-9._-]+`)

// freeUsername is a username for a new user: the e-mail's local part (or
// the name), made to fit, with a number after it when it is taken.
func freeUsername(ctx context.Context, tx *sql.Tx, id Identity) (string, error) {
	base, _, _ := strings.Cut(strings.ToLower(id.Email), "@")
	if base == "" {
		base = strings.ToLower(strings.Join(strings.Fields(id.Name), "."))
	}
	base = strings.Trim(notUsername.ReplaceAllString(base, "."), "._-")
	if len(base) > 56 {
		base = base[:56]
	}
	if base == "" {
		base = "sso"
	}
	for i := 1; i < 1000; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		var taken bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE username=$1)`, name).Scan(&taken); err != nil {
			return "", err
		}
		if !taken {
			return name, nil
		}
	}
	return "", fmt.Errorf("store: no free username for %q", base)
}

// IdentityEvents lists the identity audit trail, the newest first, at most
// limit rows.
func (s *Store) IdentityEvents(ctx context.Context, limit int) ([]IdentityEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, actor, subject, event, detail FROM identity_audit ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: identity events: %w", err)
	}
	defer rows.Close()
	var out []IdentityEvent
	for rows.Next() {
		var e IdentityEvent
		var detail []byte
		if err := rows.Scan(&e.At, &e.Actor, &e.Subject, &e.Event, &detail); err != nil {
			return nil, err
		}
		json.Unmarshal(detail, &e.Detail)
		out = append(out, e)
	}
	return out, rows.Err()
}

// ConsumeAssertion records a SAML assertion's ID until it expires, and
// reports ErrConflict when it was recorded before (a replay).
func (s *Store) ConsumeAssertion(ctx context.Context, id string, expires time.Time) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO saml_assertions (id, expires_at) VALUES ($1,$2) ON CONFLICT (id) DO NOTHING`, id, expires)
	if err != nil {
		return fmt.Errorf("store: assertion: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrConflict
	}
	s.db.ExecContext(ctx, `DELETE FROM saml_assertions WHERE expires_at < now() - interval '1 day'`)
	return nil
}

// SAMLRequest notes an AuthnRequest we sent, under its RelayState.
func (s *Store) SAMLRequest(ctx context.Context, relayState, requestID string, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO saml_requests (relay_state, request_id, expires_at) VALUES ($1,$2,$3)`, relayState, requestID, expires)
	if err == nil {
		s.db.ExecContext(ctx, `DELETE FROM saml_requests WHERE expires_at < now()`)
	}
	return err
}

// SAMLRequestID is the ID of the live AuthnRequest sent under relayState.
func (s *Store) SAMLRequestID(ctx context.Context, relayState string) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT request_id FROM saml_requests WHERE relay_state=$1 AND expires_at > now()`, relayState).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return id, err
}

// validRole says whether r is one of the five roles.
func validRole(r remiss.Role) bool {
	switch r {
	case remiss.RoleCoordinator, remiss.RoleRegistrar, remiss.RoleOfficer, remiss.RoleSignatory, remiss.RoleAdmin:
		return true
	}
	return false
}
