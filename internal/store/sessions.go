package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lib/pq"
	"golang.org/x/crypto/bcrypt"
)

// ErrBadLogin is a wrong username or password (never which of them).
var ErrBadLogin = errors.New("fel användarnamn eller lösenord")

var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("ingen"), bcrypt.DefaultCost)
	return h
})

// SetPassword stores a bcrypt hash of password for a user.
func (s *Store) SetPassword(ctx context.Context, username, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET password_hash=$2 WHERE username=$1`, username, string(hash))
	if err != nil {
		return fmt.Errorf("store: set password %s: %w", username, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: user %s: %w", username, ErrNotFound)
	}
	return nil
}

// SetPasswords stores one password for many users with one hash (demo data).
func (s *Store) SetPasswords(ctx context.Context, password string, usernames []string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `UPDATE users SET password_hash=$2 WHERE username = ANY($1)`, pq.Array(usernames), string(hash))
	return err
}

// Authenticate checks a password and returns the user.
func (s *Store) Authenticate(ctx context.Context, username, password string) (User, error) {
	var hash sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE username=$1`, username).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !hash.Valid) {
		// Spend the same time as a real check, so a missing user does not show.
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return User{}, ErrBadLogin
	}
	if err != nil {
		return User{}, fmt.Errorf("store: authenticate: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash.String), []byte(password)) != nil {
		return User{}, ErrBadLogin
	}
	return s.User(ctx, username)
}

// RecordLoginFailure notes a login attempt as failed and returns its ID,
// to take it back with ForgetLoginAttempt if the password was right.
func (s *Store) RecordLoginFailure(ctx context.Context, username string, at time.Time) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO login_failures(username, at) VALUES ($1,$2) RETURNING id`, username, at).Scan(&id)
	return id, err
}

// ForgetLoginAttempt takes back an attempt that succeeded.
func (s *Store) ForgetLoginAttempt(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE id=$1`, id)
	return err
}

// LoginFailures counts a username's failed logins since a time.
func (s *Store) LoginFailures(ctx context.Context, username string, since time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM login_failures WHERE username=$1 AND at > $2`, username, since).Scan(&n)
	return n, err
}

// Session is a logged-in user: a web session or an API token.
type Session struct {
	User      User
	CSRF      string
	ExpiresAt time.Time
}

func secret() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// CreateSession starts a session of kind "web" or "api" and returns its
// secret (the cookie value or bearer token); only its hash is stored.
func (s *Store) CreateSession(ctx context.Context, username, kind string, ttl time.Duration) (string, Session, error) {
	id, csrf := secret(), secret()
	expires := time.Now().Add(ttl)
	if _, err := s.db.ExecContext(ctx, `
		INSERT INTO sessions (id_hash, username, csrf, kind, expires_at) VALUES ($1,$2,$3,$4,$5)`,
		hashSecret(id), username, csrf, kind, expires); err != nil {
		return "", Session{}, fmt.Errorf("store: create session: %w", err)
	}
	u, err := s.User(ctx, username)
	return id, Session{User: u, CSRF: csrf, ExpiresAt: expires}, err
}

// Session looks a live session of kind up by its secret.
func (s *Store) Session(ctx context.Context, id, kind string) (Session, error) {
	// One query: every request of a logged-in user asks it.
	var sess Session
	u, err := scanUser(s.db.QueryRowContext(ctx, `
		SELECT `+prefixed("u", userColumns)+`, s.csrf, s.expires_at
		FROM sessions s JOIN users u ON u.username = s.username
		WHERE s.id_hash=$1 AND s.kind=$2 AND s.expires_at > now()`,
		hashSecret(id), kind), &sess.CSRF, &sess.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, ErrNotFound
	}
	if err != nil {
		return sess, fmt.Errorf("store: session: %w", err)
	}
	sess.User = u
	return sess, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash=$1`, hashSecret(id))
	return err
}
