package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// openAt opens a store on the database at url, closed when the test ends.
func openAt(t testing.TB, url string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), url, 10*time.Second)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openCached is a seeded database and a store on it that keeps sessions
// in memory, its listener connected; the URL opens another (a replica).
func openCached(t testing.TB) (*store.Store, string) {
	t.Helper()
	url := dbtest.URL(t)
	s := openAt(t, url)
	if err := demo.Seed(context.Background(), s); err != nil {
		t.Fatalf("seed: %v", err)
	}
	s.CacheSessions(0)
	waitFor(t, "the listener", func() bool { return store.SessionCacheTrusted(s) })
	return s, url
}

// waitFor polls cond for up to 2 seconds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("waited 2 s for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checks is how many session statements a check made.
func checks(t testing.TB, s *store.Store, check func() (store.Session, error)) (store.Session, int64, error) {
	t.Helper()
	before := s.PreparedRuns()
	sess, err := check()
	return sess, s.PreparedRuns() - before, err
}

// TestSessionCacheServesWithoutTheDatabase: a session checked once is then
// served from memory, with no round trip: the pool's only connection is
// held while it is checked again.
func TestSessionCacheServesWithoutTheDatabase(t *testing.T) {
	s, _ := openCached(t)
	ctx := context.Background()
	token, created, err := s.CreateSession(ctx, "bromma.handlaggare", "api", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	first, n, err := checks(t, s, func() (store.Session, error) { return s.Session(ctx, token, "api") })
	if err != nil || n != 1 || first.ID != created.ID || first.User.Role != remiss.RoleOfficer {
		t.Fatalf("first check: %+v %v (%d statements)", first, err, n)
	}
	s.DB().SetMaxOpenConns(1)
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	again, n, err := checks(t, s, func() (store.Session, error) { return s.Session(short, token, "api") })
	cancel()
	conn.Close()
	if err != nil || n != 0 || again.ID != first.ID || again.CSRF != first.CSRF || again.User != first.User || !again.ExpiresAt.Equal(first.ExpiresAt) {
		t.Fatalf("from memory: %+v %v (%d statements), want %+v", again, err, n, first)
	}
	// Another kind is not served from memory: the statement refuses it.
	if _, n, err := checks(t, s, func() (store.Session, error) { return s.WebSession(ctx, token, 0) }); !errors.Is(err, store.ErrNotFound) || n != 1 {
		t.Errorf("a token as a web session: %v (%d statements)", err, n)
	}
	// Its last use a minute old, the check goes to the database, which
	// notes the use.
	store.AgeCachedSessions(s, time.Minute)
	if _, n, err := checks(t, s, func() (store.Session, error) { return s.Session(ctx, token, "api") }); err != nil || n != 1 {
		t.Errorf("a minute after its last use: %v (%d statements)", err, n)
	}
	if _, n, err := checks(t, s, func() (store.Session, error) { return s.Session(ctx, token, "api") }); err != nil || n != 0 {
		t.Errorf("just noted: %v (%d statements)", err, n)
	}
	// The database's own note of a use is not announced: it would forget
	// at once what the check has just kept. A last use moved back is.
	gen := store.SessionCacheGeneration(s)
	if _, err := s.DB().Exec(`UPDATE sessions SET last_used_at = now() - interval '2 minutes' WHERE id_hash=$1`, hashOf(token)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the last use moved back", func() bool { return store.SessionCacheGeneration(s) != gen })
	if _, n, err := checks(t, s, func() (store.Session, error) { return s.Session(ctx, token, "api") }); err != nil || n != 1 {
		t.Errorf("its last use moved back: %v (%d statements)", err, n)
	}
	time.Sleep(200 * time.Millisecond)
	if _, n, err := checks(t, s, func() (store.Session, error) { return s.Session(ctx, token, "api") }); err != nil || n != 0 {
		t.Errorf("after its use was noted: %v (%d statements)", err, n)
	}
	if tokens, err := s.Tokens(ctx, "bromma.handlaggare"); err != nil || len(tokens) != 1 || tokens[0].LastUsedAt == nil || time.Since(*tokens[0].LastUsedAt) > 10*time.Second {
		t.Errorf("its use not noted: %+v %v", tokens, err)
	}
}

// TestSessionCacheForgetsWhatAnotherReplicaEnds: a logout, a token
// revoked or a role changed by another process (or directly in the
// database, as a directory sync would) is seen within a moment; what this
// process ends itself, at once.
func TestSessionCacheForgetsWhatAnotherReplicaEnds(t *testing.T) {
	s, url := openCached(t)
	other := openAt(t, url)
	ctx := context.Background()
	cached := func(secret, kind string) {
		t.Helper()
		s.Session(ctx, secret, kind)
		if _, n, err := checks(t, s, func() (store.Session, error) { return s.Session(ctx, secret, kind) }); err != nil || n != 0 {
			t.Fatalf("not served from memory: %v (%d statements)", err, n)
		}
	}
	refused := func(what, secret, kind string) {
		t.Helper()
		waitFor(t, what, func() bool {
			_, err := s.Session(ctx, secret, kind)
			return errors.Is(err, store.ErrNotFound)
		})
	}

	web, _, _ := s.CreateSession(ctx, "bromma.registrator", "web", time.Hour)
	cached(web, "web")
	if _, err := other.EndSession(ctx, web); err != nil {
		t.Fatal(err)
	}
	refused("a logout elsewhere", web, "web")

	token, tok, _ := s.CreateSession(ctx, "bromma.registrator", "api", time.Hour)
	cached(token, "api")
	if err := other.RevokeToken(ctx, "bromma.registrator", tok.ID); err != nil {
		t.Fatal(err)
	}
	refused("a token revoked elsewhere", token, "api")

	chef, _, _ := s.CreateSession(ctx, "bromma.handlaggare", "web", time.Hour)
	cached(chef, "web")
	if _, err := other.DB().Exec(`UPDATE users SET role='signatory', display_name='Ny Chef' WHERE username='bromma.handlaggare'`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a new role", func() bool {
		sess, err := s.Session(ctx, chef, "web")
		return err == nil && sess.User.Role == remiss.RoleSignatory && sess.User.DisplayName == "Ny Chef"
	})

	expired, _, _ := s.CreateSession(ctx, "bromma.handlaggare", "web", time.Hour)
	cached(expired, "web")
	if _, err := other.DB().Exec(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id_hash=$1`, hashOf(expired)); err != nil {
		t.Fatal(err)
	}
	refused("a session ended in the database", expired, "web")

	// In this process: refused at once, without waiting for the
	// announcement.
	mine, _, _ := s.CreateSession(ctx, "bromma.registrator", "web", time.Hour)
	cached(mine, "web")
	if err := s.DeleteSession(ctx, mine); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, mine, "web"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("just logged out: %v", err)
	}
	mine, _, _ = s.CreateSession(ctx, "bromma.registrator", "web", time.Hour)
	cached(mine, "web")
	if err := s.UpsertUser(ctx, store.User{Username: "bromma.registrator", Org: "bromma", Role: remiss.RoleOfficer, DisplayName: "Flyttad"}); err != nil {
		t.Fatal(err)
	}
	if sess, err := s.Session(ctx, mine, "web"); err != nil || sess.User.Role != remiss.RoleOfficer {
		t.Errorf("just changed: %+v %v", sess.User, err)
	}
}

// TestSessionCacheHonoursExpiryAndIdleTimeout: a session kept in memory
// ends at its end and after its idle timeout, as in the database.
func TestSessionCacheHonoursExpiryAndIdleTimeout(t *testing.T) {
	s, _ := openCached(t)
	ctx := context.Background()
	short, _, _ := s.CreateSession(ctx, "bromma.registrator", "api", 1200*time.Millisecond)
	s.Session(ctx, short, "api")
	if _, n, err := checks(t, s, func() (store.Session, error) { return s.Session(ctx, short, "api") }); err != nil || n != 0 {
		t.Fatalf("not served from memory: %v (%d statements)", err, n)
	}
	time.Sleep(1300 * time.Millisecond)
	if _, err := s.Session(ctx, short, "api"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("past its end: %v", err)
	}

	const idle = time.Second
	web, _, _ := s.CreateSession(ctx, "bromma.registrator", "web", time.Hour)
	if _, err := s.WebSession(ctx, web, idle); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	// Used again, but its use is noted only once a minute: the idle
	// timeout runs from the first.
	if _, n, err := checks(t, s, func() (store.Session, error) { return s.WebSession(ctx, web, idle) }); err != nil || n != 0 {
		t.Fatalf("within its idle timeout: %v (%d statements)", err, n)
	}
	time.Sleep(700 * time.Millisecond)
	if _, err := s.WebSession(ctx, web, idle); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("past its idle timeout: %v", err)
	}
	if _, err := s.WebSession(ctx, web, time.Hour); err != nil {
		t.Errorf("a longer idle timeout: %v", err)
	}
}

// TestSessionCacheKeepsNoStaleFill: a check that read the session before
// it ended, and would keep it after the announcement was handled, keeps
// nothing.
func TestSessionCacheKeepsNoStaleFill(t *testing.T) {
	s, url := openCached(t)
	other := openAt(t, url)
	ctx := context.Background()
	web, _, _ := s.CreateSession(ctx, "bromma.registrator", "web", time.Hour)
	store.BeforeSessionFill(s, func() {
		gen := store.SessionCacheGeneration(s)
		if _, err := other.EndSession(ctx, web); err != nil {
			t.Error(err)
		}
		waitFor(t, "the announcement", func() bool { return store.SessionCacheGeneration(s) != gen })
	})
	if _, err := s.Session(ctx, web, "web"); err != nil {
		t.Fatalf("read before it ended: %v", err)
	}
	store.BeforeSessionFill(s, nil)
	if _, n, err := checks(t, s, func() (store.Session, error) { return s.Session(ctx, web, "web") }); !errors.Is(err, store.ErrNotFound) || n != 1 {
		t.Errorf("after it ended: %v (%d statements)", err, n)
	}
}

// TestSessionCacheWithoutListener: while the listener is not connected,
// every check goes to the database; when it connects again, what was kept
// is forgotten.
func TestSessionCacheWithoutListener(t *testing.T) {
	url := dbtest.URL(t)
	s := openAt(t, url)
	ctx := context.Background()
	if err := demo.Seed(ctx, s); err != nil {
		t.Fatal(err)
	}
	store.CacheSessionsListeningAt(s, "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1")
	web, _, _ := s.CreateSession(ctx, "bromma.registrator", "web", time.Hour)
	for i := 0; i < 3; i++ {
		if _, n, err := checks(t, s, func() (store.Session, error) { return s.Session(ctx, web, "web") }); err != nil || n != 1 {
			t.Fatalf("check %d without a listener: %v (%d statements)", i, err, n)
		}
	}

	// A listener whose connection is lost: what it kept is forgotten.
	c, _ := openCached(t)
	token, _, _ := c.CreateSession(ctx, "bromma.registrator", "api", time.Hour)
	c.Session(ctx, token, "api")
	if _, n, err := checks(t, c, func() (store.Session, error) { return c.Session(ctx, token, "api") }); err != nil || n != 0 {
		t.Fatalf("not served from memory: %v (%d statements)", err, n)
	}
	gen := store.SessionCacheGeneration(c)
	var killed int
	if err := c.DB().QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND (query LIKE 'LISTEN %' OR query = '')`).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminating the listener's connection: %d %v", killed, err)
	}
	waitFor(t, "the lost connection", func() bool { return store.SessionCacheGeneration(c) != gen })
	if _, n, err := checks(t, c, func() (store.Session, error) { return c.Session(ctx, token, "api") }); err != nil || n != 1 {
		t.Errorf("after the connection was lost: %v (%d statements)", err, n)
	}
	waitFor(t, "the listener again", func() bool { return store.SessionCacheTrusted(c) })
	c.Session(ctx, token, "api")
	if _, n, err := checks(t, c, func() (store.Session, error) { return c.Session(ctx, token, "api") }); err != nil || n != 0 {
		t.Errorf("connected again, not served from memory: %v (%d statements)", err, n)
	}
}
