// Package dbtest gives tests a real PostgreSQL: each call creates a fresh,
// empty database with the schema applied, and drops it when the test ends.
// Without a server the test is skipped, except under CI, where it fails.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
)

// AdminURL is the server tests create databases on; REMISS_TEST_DATABASE_URL
// overrides it.
func AdminURL() string {
	if u := os.Getenv("REMISS_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Unavailable stops a test that needs a real service it cannot reach: a
// failure under CI, a skip elsewhere.
func Unavailable(t testing.TB, what string, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is required under CI: %v", what, err)
	}
	t.Skipf("%s not available: %v", what, err)
}

// URL creates a fresh database and returns its URL.
func URL(t testing.TB) string {
	t.Helper()
	admin := AdminURL()
	db, err := sql.Open("postgres", admin)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
	}
	if err != nil {
		Unavailable(t, "PostgreSQL at "+admin, err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "remiss_test_" + hex.EncodeToString(b[:])
	if _, err := db.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		db.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Open returns a Store on a fresh database with the schema applied.
func Open(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), URL(t), 10*time.Second)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// OpenSeeded is Open with the demo organisations and users loaded.
func OpenSeeded(t testing.TB) *store.Store {
	t.Helper()
	s := Open(t)
	if err := demo.Seed(context.Background(), s); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return s
}

// Seals returns TEST seals for every demo organisation, made in a
// temporary directory, for tests that run the activities.
func Seals(t testing.TB) *sign.Keyring {
	t.Helper()
	k, err := demo.Seals(t.TempDir())
	if err != nil {
		t.Fatalf("seals: %v", err)
	}
	return k
}
