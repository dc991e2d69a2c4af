package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/store"
)

// TestTokensAreListedAndRevokedByTheirOwner lists a user's API tokens
// (not its web sessions, not another's), notes their use, and revokes one:
// it then lets nobody in, and nobody may revoke another's.
func TestTokensAreListedAndRevokedByTheirOwner(t *testing.T) {
	s := dbtest.OpenSeeded(t)
	ctx := context.Background()
	first, a1, err := s.CreateSession(ctx, "bromma.registrator", "api", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_, a2, _ := s.CreateSession(ctx, "bromma.registrator", "api", time.Hour)
	web, w1, _ := s.CreateSession(ctx, "bromma.registrator", "web", time.Hour)
	_, b1, _ := s.CreateSession(ctx, "farsta.registrator", "api", time.Hour)
	if a1.ID == "" || a1.ID == a2.ID {
		t.Fatalf("token IDs %q %q", a1.ID, a2.ID)
	}
	sess, err := s.Session(ctx, first, "api")
	if err != nil || sess.ID != a1.ID {
		t.Fatalf("session: %+v %v", sess, err)
	}
	tokens, err := s.Tokens(ctx, "bromma.registrator")
	if err != nil || len(tokens) != 2 || tokens[0].ID != a1.ID || tokens[1].ID != a2.ID {
		t.Fatalf("tokens: %+v %v", tokens, err)
	}
	if tokens[0].LastUsedAt == nil || time.Since(*tokens[0].LastUsedAt) > time.Minute || tokens[1].LastUsedAt != nil {
		t.Errorf("last used: %v, %v", tokens[0].LastUsedAt, tokens[1].LastUsedAt)
	}
	if tokens[0].ExpiresAt.Before(time.Now().Add(59*time.Minute)) || tokens[0].CreatedAt.After(time.Now()) {
		t.Errorf("times: %+v", tokens[0])
	}

	for _, id := range []string{b1.ID, w1.ID, "nonsense", "", "00000000-0000-0000-0000-000000000000"} {
		if err := s.RevokeToken(ctx, "bromma.registrator", id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoke %q: %v", id, err)
		}
	}
	if err := s.RevokeToken(ctx, "bromma.registrator", a1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, first, "api"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a revoked token: %v", err)
	}
	if err := s.RevokeToken(ctx, "bromma.registrator", a1.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked twice: %v", err)
	}
	if tokens, _ := s.Tokens(ctx, "bromma.registrator"); len(tokens) != 1 || tokens[0].ID != a2.ID {
		t.Errorf("after revoking: %+v", tokens)
	}
	if _, err := s.Session(ctx, web, "web"); err != nil {
		t.Errorf("the web session ended with a token: %v", err)
	}
	if tokens, _ := s.Tokens(ctx, "farsta.registrator"); len(tokens) != 1 {
		t.Errorf("another's tokens: %+v", tokens)
	}
}

// TestWebSessionIdleTimeoutAndLifetime: a web session ends when it has
// not been used for the idle timeout, and at its absolute end whatever
// its use.
func TestWebSessionIdleTimeoutAndLifetime(t *testing.T) {
	s := dbtest.OpenSeeded(t)
	ctx := context.Background()
	idle, _, err := s.CreateSession(ctx, "bromma.registrator", "web", 10*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WebSession(ctx, idle, 30*time.Minute); err != nil {
		t.Fatalf("a fresh session: %v", err)
	}
	// Last used 45 minutes ago.
	if _, err := s.DB().Exec(`UPDATE sessions SET created_at = now() - interval '2 hours', last_used_at = now() - interval '45 minutes' WHERE id_hash=$1`, hashOf(idle)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WebSession(ctx, idle, time.Hour); err != nil {
		t.Errorf("used 45 minutes ago, idle timeout an hour: %v", err)
	}
	if _, err := s.DB().Exec(`UPDATE sessions SET last_used_at = now() - interval '45 minutes' WHERE id_hash=$1`, hashOf(idle)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WebSession(ctx, idle, 30*time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("used 45 minutes ago, idle timeout 30 minutes: %v", err)
	}
	// Never used since it began, 45 minutes ago.
	fresh, _, _ := s.CreateSession(ctx, "bromma.registrator", "web", 10*time.Hour)
	s.DB().Exec(`UPDATE sessions SET created_at = now() - interval '45 minutes' WHERE id_hash=$1`, hashOf(fresh))
	if _, err := s.WebSession(ctx, fresh, 30*time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unused for 45 minutes, idle timeout 30 minutes: %v", err)
	}
	// In use, but past its absolute end.
	busy, _, _ := s.CreateSession(ctx, "bromma.registrator", "web", 10*time.Hour)
	s.DB().Exec(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id_hash=$1`, hashOf(busy))
	if _, err := s.WebSession(ctx, busy, time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("past its lifetime: %v", err)
	}
}

func hashOf(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
