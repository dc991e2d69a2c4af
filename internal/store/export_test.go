package store

import "time"

// AppendEvents lets a test hold an event's transaction open.
var AppendEvents = appendEvents

// SessionCacheTrusted says whether s now serves sessions from memory.
func SessionCacheTrusted(s *Store) bool {
	c := s.sessions
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.trustedLocked(time.Now())
}

// SessionCacheGeneration counts what s's session cache has forgotten.
func SessionCacheGeneration(s *Store) uint64 {
	c := s.sessions
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// BeforeSessionFill has f run between a session statement and the keeping
// of its result (nil: nothing).
func BeforeSessionFill(s *Store, f func()) { s.sessions.beforeFill = f }

// AgeCachedSessions moves the last use of every session s keeps in memory
// d back.
func AgeCachedSessions(s *Store, d time.Duration) {
	c := s.sessions
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		e.lastUsed = e.lastUsed.Add(-d)
	}
}

// CacheSessionsListeningAt is CacheSessions with the listener connecting
// to url instead of the store's database.
func CacheSessionsListeningAt(s *Store, url string) {
	s.url = url
	s.CacheSessions(0)
}
