package store

import (
	"context"
	"database/sql"
)

// The statements an answer makes on its way (the session, the assignment,
// the version, what Record reads and writes) run as prepared statements:
// PostgreSQL then parses and plans each once per connection instead of on
// every call. Planning was most of their cost: a lookup of an assignment
// with its round and organisation took about 0.3 ms of the server's CPU to
// plan and 0.04 ms to run.

// row is a result row to scan: a *sql.Row, or an error in its place.
type row interface{ Scan(...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// prepared is the statement of query, prepared once for the store (and by
// database/sql once on each connection that runs it). Only texts from a
// fixed set go here (the code's own; a patch's SET list is one of a few, what
// RecordContext reads one of at most 64 combinations of parts):
// the cache keeps every text it is given. A prepared statement names its
// columns, so a migration that adds one leaves it valid (PostgreSQL
// replans it).
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// PreparedRuns is how many statements have run through the prepared
// helpers (one round trip each) since the store was opened: tests count by
// it what a path costs. Reads and writes outside them are not counted.
func (s *Store) PreparedRuns() int64 { return s.runs.Load() }

// queryRowPrepared is QueryRowContext on the prepared statement of query.
func (s *Store) queryRowPrepared(ctx context.Context, query string, args ...any) row {
	s.runs.Add(1)
	st, err := s.prepared(ctx, query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, args...)
}

// queryPrepared is QueryContext on the prepared statement of query.
func (s *Store) queryPrepared(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s.runs.Add(1)
	st, err := s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}
