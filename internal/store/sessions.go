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
	"regexp"
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
	defer s.forgetUsers(username)
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
	defer s.forgetUsers(usernames...)
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
	ID        string // public: names the session to its owner, never lets anyone in
	User      User
	CSRF      string
	ExpiresAt time.Time
	// Scopes bound a service account's token; nil for a person's token or
	// session, which may do whatever the user may.
	Scopes []string
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
	return s.CreateLabeledSession(ctx, username, kind, "", ttl)
}

// CreateLabeledSession is CreateSession with a label: how the session was
// begun ("oidc", "saml"; "" for a password).
func (s *Store) CreateLabeledSession(ctx context.Context, username, kind, label string, ttl time.Duration) (string, Session, error) {
	secretID, csrf := secret(), secret()
	sess := Session{CSRF: csrf, ExpiresAt: time.Now().Add(ttl)}
	if err := s.db.QueryRowContext(ctx, `
		INSERT INTO sessions (id_hash, username, csrf, kind, expires_at, label) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
		hashSecret(secretID), username, csrf, kind, sess.ExpiresAt, label).Scan(&sess.ID); err != nil {
		return "", Session{}, fmt.Errorf("store: create session: %w", err)
	}
	u, err := s.User(ctx, username)
	sess.User = u
	return secretID, sess, err
}

// Session looks a live session of kind up by its secret, and notes that
// it was used (at most once a minute).
func (s *Store) Session(ctx context.Context, secretID, kind string) (Session, error) {
	return s.session(ctx, secretID, kind, 0)
}

// WebSession is Session for a web session that also ends when it has not
// been used for idle (kept to the minute); 0 is no idle timeout.
func (s *Store) WebSession(ctx context.Context, secretID string, idle time.Duration) (Session, error) {
	return s.session(ctx, secretID, "web", idle)
}

func (s *Store) session(ctx context.Context, secretID, kind string, idle time.Duration) (Session, error) {
	hash := hashSecret(secretID)
	var gen uint64
	if s.sessions != nil {
		sess, g, ok := s.sessions.lookup(hash, kind, idle, time.Now())
		if ok {
			return sess, nil
		}
		gen = g
	}
	// One statement: every request of a logged-in user not served from
	// memory makes it. Beside the session it gives its last use as it is
	// after the statement (noted now, or left as it was) and the
	// database's now, for the cache.
	var sess Session
	var scopes pq.StringArray
	var lastUsed, dbNow time.Time
	sent := time.Now()
	u, err := scanUser(s.queryRowPrepared(ctx, `
		WITH live AS (
			SELECT id, username, csrf, expires_at, last_used_at, scopes FROM sessions
			WHERE id_hash=$1 AND kind=$2 AND expires_at > now()
			AND ($3::float8 = 0 OR COALESCE(last_used_at, created_at) > now() - make_interval(secs => $3::float8))),
		touched AS (
			UPDATE sessions SET last_used_at = now()
			WHERE id_hash=$1 AND id IN (SELECT id FROM live WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
		SELECT `+prefixed("u", userColumns)+`, s.csrf, s.expires_at, s.id, s.scopes,
			CASE WHEN s.last_used_at IS NULL OR s.last_used_at < now() - interval '1 minute' THEN now() ELSE s.last_used_at END, now()
		FROM live s JOIN users u ON u.username = s.username`,
		hash, kind, idle.Seconds()), &sess.CSRF, &sess.ExpiresAt, &sess.ID, &scopes, &lastUsed, &dbNow)
	if errors.Is(err, sql.ErrNoRows) {
		return sess, ErrNotFound
	}
	if err != nil {
		return sess, fmt.Errorf("store: session: %w", err)
	}
	sess.User = u
	if scopes != nil {
		sess.Scopes = []string(scopes)
	}
	if c := s.sessions; c != nil {
		if c.beforeFill != nil {
			c.beforeFill()
		}
		// On this process's clock, from when the statement was sent: never
		// later than the database's.
		c.fill(gen, hash, kind, sess, sent.Add(sess.ExpiresAt.Sub(dbNow)), sent.Add(lastUsed.Sub(dbNow)))
	}
	return sess, nil
}

// DeleteSession ends a session by its secret (logout).
func (s *Store) DeleteSession(ctx context.Context, secretID string) error {
	_, err := s.EndSession(ctx, secretID)
	return err
}

// EndSession ends a session by its secret and says how it was begun (its
// label; "" when there was none).
func (s *Store) EndSession(ctx context.Context, secretID string) (string, error) {
	var label string
	hash := hashSecret(secretID)
	defer s.forgetSession(hash)
	err := s.db.QueryRowContext(ctx, `DELETE FROM sessions WHERE id_hash=$1 RETURNING label`, hash).Scan(&label)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return label, err
}

// Token is what its owner sees of an API token: never its secret.
type Token struct {
	ID         string
	CreatedAt  time.Time
	LastUsedAt *time.Time // nil: never used
	ExpiresAt  time.Time
}

// Tokens lists a user's live API tokens, the oldest first.
func (s *Store) Tokens(ctx context.Context, username string) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT id, created_at, last_used_at, expires_at FROM sessions
		WHERE username=$1 AND kind='api' AND expires_at > now() ORDER BY created_at, id`, username)
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	defer rows.Close()
	out := []Token{}
	for rows.Next() {
		var t Token
		var used sql.NullTime
		if err := rows.Scan(&t.ID, &t.CreatedAt, &used, &t.ExpiresAt); err != nil {
			return nil, fmt.Errorf("store: tokens: %w", err)
		}
		if used.Valid {
			t.LastUsedAt = &used.Time
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken ends a user's API token by its ID; ErrNotFound when the user
// has no such token (another's is not found either).
func (s *Store) RevokeToken(ctx context.Context, username, id string) error {
	if !uuidPattern.MatchString(id) {
		return fmt.Errorf("store: token %q: %w", id, ErrNotFound)
	}
	defer s.forgetSessionID(id)
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id=$1 AND username=$2 AND kind='api'`, id, username)
	if err != nil {
		return fmt.Errorf("store: revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: token %s: %w", id, ErrNotFound)
	}
	return nil
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
