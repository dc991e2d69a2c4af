// Package store is the system of record in PostgreSQL: organisations, users,
// rounds, assignments, response versions, documents, the audit trail and the
// outbox. Hand-written SQL; every write an activity makes is keyed by a
// deterministic ID so that a retry changes nothing.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("finns inte")

// ErrConflict is returned when a row exists with other content.
var ErrConflict = errors.New("finns redan")

//go:embed migrations/*.sql
var migrations embed.FS

// Store wraps a PostgreSQL connection pool.
type Store struct {
	db *sql.DB
	// stmts are the prepared statements by query text (see prepared).
	stmts sync.Map
	// url is the database's, for the session cache's listener.
	url string
	// sessions keeps checked sessions in memory when CacheSessions was
	// called (sessioncache.go); nil otherwise.
	sessions *sessionCache
	// runs counts the statements run through them (see PreparedRuns).
	runs atomic.Int64
}

// DefaultMaxConns bounds each process's connections. A worker, the web
// server and the Temporal server share one PostgreSQL, whose default
// max_connections is 100: unbounded pools under load have it refuse them.
const DefaultMaxConns = 10

// SetMaxConns bounds the connections this store opens (REMISS_DB_MAX_CONNS).
func (s *Store) SetMaxConns(n int) { setMaxConns(s.db, n) }

func setMaxConns(db *sql.DB, n int) {
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n) // as many as may be open: a burst must not close and reopen connections
}

// Open connects to url, waits until the server answers (up to wait), and
// applies pending migrations.
func Open(ctx context.Context, url string, wait time.Duration) (*Store, error) {
	db, err := sql.Open("postgres", oneRoundTrip(url))
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	setMaxConns(db, DefaultMaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	deadline := time.Now().Add(wait)
	for {
		err = db.PingContext(ctx)
		if err == nil || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			db.Close()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	s := &Store{db: db, url: url}
	if err := s.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the session cache's listener, if any, and closes the pool.
func (s *Store) Close() error {
	if s.sessions != nil {
		s.sessions.close()
	}
	return s.db.Close()
}

// DB exposes the pool for tests and health checks.
func (s *Store) DB() *sql.DB { return s.db }

// migrationLock is the advisory lock key that serialises migrations when
// several workers start at once.
const migrationLock = 7_463_001

// Migrate applies each embedded migration not yet applied, in order, one
// transaction each.
func (s *Store) Migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("store: migrate lock: %w", err)
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock)
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("store: migration %s: bad name", name)
		}
		var applied bool
		if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version=$1)`, version).Scan(&applied); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if applied {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version) VALUES ($1)`, version); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
	}
	return nil
}

// inTx runs fn in a transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func isUniqueViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505"
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// oneRoundTrip has lib/pq send a query with parameters in one round trip
// (binary_parameters: parse, bind and execute together) instead of two (an
// unnamed prepare, then its execution), unless the URL says otherwise.
// []byte parameters then go in binary, which suits bytea; JSON for a jsonb
// column is therefore always passed as a string.
func oneRoundTrip(url string) string {
	switch {
	case strings.Contains(url, "binary_parameters"):
		return url
	case !strings.Contains(url, "://"):
		return url + " binary_parameters=yes"
	case strings.Contains(url, "?"):
		return url + "&binary_parameters=yes"
	}
	return url + "?binary_parameters=yes"
}
