package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/remiss/remiss/internal/remiss"
)

// User is a person who logs in; bound to one organisation.
type User struct {
	Username    string
	Org         string
	Role        remiss.Role
	DisplayName string
	Title       string
	Email       string
	Phone       string
}

// Actor is the user as the workflows see them.
func (u User) Actor() remiss.Actor {
	return remiss.Actor{User: u.Username, Org: u.Org, Role: u.Role}
}

// UpsertOrg creates or updates an organisation.
func (s *Store) UpsertOrg(ctx context.Context, o remiss.Org) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO orgs (code, name, kind, forvaltning, email, dnr_rule) VALUES ($1,$2,$3,$4,$5,$6)
		ON CONFLICT (code) DO UPDATE SET name=EXCLUDED.name, kind=EXCLUDED.kind,
			forvaltning=EXCLUDED.forvaltning, email=EXCLUDED.email, dnr_rule=EXCLUDED.dnr_rule`,
		o.Code, o.Name, string(o.Kind), o.Forvaltning, o.Email, string(o.DnrRule))
	if err != nil {
		return fmt.Errorf("store: upsert org %s: %w", o.Code, err)
	}
	return nil
}

// Org loads one organisation.
func (s *Store) Org(ctx context.Context, code string) (remiss.Org, error) {
	var o remiss.Org
	var kind string
	err := s.db.QueryRowContext(ctx, `SELECT code, name, kind, forvaltning, email, dnr_rule, by_link FROM orgs WHERE code=$1`, code).
		Scan(&o.Code, &o.Name, &kind, &o.Forvaltning, &o.Email, &o.DnrRule, &o.ByLink)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("store: org %s: %w", code, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("store: org %s: %w", code, err)
	}
	o.Kind = remiss.OrgKind(kind)
	return o, nil
}

// Orgs lists every organisation with users, by kind and name: the
// catalogue a launch picks recipients from. An outside body answering by
// link is named by its address in a launch's external list instead.
func (s *Store) Orgs(ctx context.Context) ([]remiss.Org, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT code, name, kind, forvaltning, email, dnr_rule FROM orgs WHERE NOT by_link ORDER BY kind, name`)
	if err != nil {
		return nil, fmt.Errorf("store: orgs: %w", err)
	}
	defer rows.Close()
	var out []remiss.Org
	for rows.Next() {
		var o remiss.Org
		var kind string
		if err := rows.Scan(&o.Code, &o.Name, &kind, &o.Forvaltning, &o.Email, &o.DnrRule); err != nil {
			return nil, fmt.Errorf("store: orgs: %w", err)
		}
		o.Kind = remiss.OrgKind(kind)
		out = append(out, o)
	}
	return out, rows.Err()
}

// OrgCodes returns the set of known organisation codes, for validation.
func (s *Store) OrgCodes(ctx context.Context) (map[string]bool, error) {
	orgs, err := s.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(orgs))
	for _, o := range orgs {
		set[o.Code] = true
	}
	return set, nil
}

// UpsertUser creates or updates a user; the password hash is left alone.
func (s *Store) UpsertUser(ctx context.Context, u User) error {
	defer s.forgetUsers(u.Username)
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO users (username, org_code, role, display_name, title, email, phone) VALUES ($1,$2,$3,$4,$5,$6,$7)
		ON CONFLICT (username) DO UPDATE SET org_code=EXCLUDED.org_code, role=EXCLUDED.role,
			display_name=EXCLUDED.display_name, title=EXCLUDED.title, email=EXCLUDED.email, phone=EXCLUDED.phone`,
		u.Username, u.Org, string(u.Role), u.DisplayName, u.Title, u.Email, u.Phone)
	if err != nil {
		return fmt.Errorf("store: upsert user %s: %w", u.Username, err)
	}
	return nil
}

const userColumns = `username, org_code, role, display_name, title, email, phone`

// scanUser reads userColumns, then extra columns into extra.
func scanUser(row interface{ Scan(...any) error }, extra ...any) (User, error) {
	var u User
	var role string
	err := row.Scan(append([]any{&u.Username, &u.Org, &role, &u.DisplayName, &u.Title, &u.Email, &u.Phone}, extra...)...)
	u.Role = remiss.Role(role)
	return u, err
}

// User loads one user.
func (s *Store) User(ctx context.Context, username string) (User, error) {
	u, err := scanUser(s.queryRowPrepared(ctx, `SELECT `+userColumns+` FROM users WHERE username=$1`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("store: user %s: %w", username, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("store: user %s: %w", username, err)
	}
	return u, nil
}

// UsersWithRole lists an organisation's users in one role, by username.
func (s *Store) UsersWithRole(ctx context.Context, org string, role remiss.Role) ([]User, error) {
	rows, err := s.queryPrepared(ctx, `SELECT `+userColumns+` FROM users WHERE org_code=$1 AND role=$2 ORDER BY username`, org, string(role))
	if err != nil {
		return nil, fmt.Errorf("store: users of %s: %w", org, err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: users of %s: %w", org, err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
