package store

import (
	"slices"
	"sync"
	"time"

	"github.com/lib/pq"
)

// Every request of a logged-in user checks its session, which made the
// session statement the one statement all requests share (issue 20: an
// answer through the API must cost little beside its Temporal update). A
// long-running server therefore keeps the sessions it has checked in
// memory (CacheSessions), and a check served from there gives exactly
// what the statement would:
//
//   - An expired session, or a web session past its idle timeout, is not
//     served from memory: the statement decides, and refuses it.
//   - The statement notes a session's use at most once a minute; a copy
//     whose last use is a minute old or more is not served either, so the
//     statement notes it as before, and the idle timeout and "last used"
//     stay as exact as they were (to the minute).
//   - Whatever ends or changes a session or its user, in any process, is
//     announced by the database (migration 0014) on remiss_sessions; the
//     store listens and forgets the copies it names. What this process
//     changes itself it forgets at once as well, so it never serves a
//     session it has just ended.
//   - While the listener is not connected, an announcement may be lost:
//     then nothing is served from memory, and the copies are forgotten
//     when it connects again. A connection that died silently is found
//     by a ping: copies are served only while the last ping, at most
//     listenerLease ago, was answered.
//
// Times from the database are kept on this process's clock, taken before
// the statement was sent: a copy's expiry and last use are thus never
// later than the true ones, whatever the clocks of the two machines say.

// DefaultSessionCacheSize bounds the sessions a store keeps in memory.
const DefaultSessionCacheSize = 10000

const (
	sessionChannel = "remiss_sessions"
	listenerPing   = 5 * time.Second
	listenerLease  = 3 * listenerPing
)

type sessionCache struct {
	max      int
	listener *pq.Listener
	done     chan struct{}
	wg       sync.WaitGroup
	stop     sync.Once

	mu      sync.Mutex
	entries map[string]*cachedSession // by id_hash
	// gen counts what has been forgotten: a lookup that read the database
	// before something was forgotten keeps its result only if gen is
	// unchanged, so it cannot put back what an announcement has just
	// removed.
	gen uint64
	// connected and listening: the listener is connected and its LISTEN
	// answered; leaseUntil: its last ping was answered recently enough.
	connected, listening bool
	leaseUntil           time.Time
	// beforeFill, set by tests, runs between a lookup's statement and the
	// keeping of its result.
	beforeFill func()
}

type cachedSession struct {
	kind string
	sess Session
	// expires and lastUsed are on this process's clock.
	expires, lastUsed time.Time
}

// CacheSessions has the store keep the sessions it checks in memory, at
// most max of them (DefaultSessionCacheSize when max is 0), for a
// long-running server; Close stops it. It holds one connection of its own
// to the database, to listen. It returns at once: until the listener is
// connected, every check goes to the database.
func (s *Store) CacheSessions(max int) {
	if s.sessions != nil {
		return
	}
	if max <= 0 {
		max = DefaultSessionCacheSize
	}
	c := &sessionCache{max: max, done: make(chan struct{}), entries: map[string]*cachedSession{}}
	c.listener = pq.NewListener(s.url, 100*time.Millisecond, 10*time.Second, c.event)
	s.sessions = c
	c.wg.Add(3)
	go func() {
		defer c.wg.Done()
		if c.listener.Listen(sessionChannel) == nil {
			c.mu.Lock()
			c.listening = true
			c.mu.Unlock()
		}
	}()
	go func() {
		defer c.wg.Done()
		for n := range c.listener.Notify {
			c.notified(n)
		}
	}()
	go func() {
		defer c.wg.Done()
		tick := time.NewTicker(listenerPing)
		defer tick.Stop()
		for {
			select {
			case <-c.done:
				return
			case <-tick.C:
			}
			sent := time.Now()
			err := c.listener.Ping()
			c.mu.Lock()
			if err == nil && c.connected {
				c.leaseUntil = sent.Add(listenerLease)
			}
			c.mu.Unlock()
		}
	}()
}

// close stops the listener and waits for its goroutines (once: a store
// may be closed twice).
func (c *sessionCache) close() {
	c.stop.Do(func() {
		close(c.done)
		c.listener.Close()
		c.wg.Wait()
	})
}

// event follows the listener's connection: copies are forgotten whenever
// it connects or is lost, since announcements may have been missed.
func (c *sessionCache) event(ev pq.ListenerEventType, _ error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch ev {
	case pq.ListenerEventConnected, pq.ListenerEventReconnected:
		c.connected = true
		c.leaseUntil = time.Now().Add(listenerLease)
	default:
		c.connected = false
	}
	c.forgetAllLocked()
}

// notified forgets what an announcement names; nil (sent after the
// listener connected again) or anything unknown forgets everything.
func (c *sessionCache) notified(n *pq.Notification) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case n == nil || len(n.Extra) < 2:
		c.forgetAllLocked()
	case n.Extra[:2] == "s:":
		delete(c.entries, n.Extra[2:])
		c.gen++
	case n.Extra[:2] == "u:":
		c.forgetWhereLocked(func(e *cachedSession) bool { return e.sess.User.Username == n.Extra[2:] })
	default:
		c.forgetAllLocked()
	}
}

func (c *sessionCache) trustedLocked(now time.Time) bool {
	return c.connected && c.listening && now.Before(c.leaseUntil)
}

// lookup serves a session of kind from memory when the statement would
// give the same at now, and returns the generation to fill with otherwise.
func (c *sessionCache) lookup(hash, kind string, idle time.Duration, now time.Time) (Session, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[hash]
	if e == nil || !c.trustedLocked(now) {
		return Session{}, c.gen, false
	}
	if !now.Before(e.expires) || (idle > 0 && !e.lastUsed.After(now.Add(-idle))) {
		// The statement refuses it (or, a moment before its end on the
		// database's clock, still gives it): let it decide.
		delete(c.entries, hash)
		return Session{}, c.gen, false
	}
	if e.kind != kind || now.Sub(e.lastUsed) >= time.Minute {
		return Session{}, c.gen, false
	}
	sess := e.sess
	sess.Scopes = slices.Clone(sess.Scopes)
	return sess, c.gen, true
}

// fill keeps what the statement gave, unless something was forgotten
// since gen was read or the listener cannot be trusted.
func (c *sessionCache) fill(gen uint64, hash, kind string, sess Session, expires, lastUsed time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || !c.trustedLocked(time.Now()) {
		return
	}
	if _, ok := c.entries[hash]; !ok && len(c.entries) >= c.max {
		// Full: drop one, whichever the map gives first (at random).
		for h := range c.entries {
			delete(c.entries, h)
			break
		}
	}
	sess.Scopes = slices.Clone(sess.Scopes)
	c.entries[hash] = &cachedSession{kind: kind, sess: sess, expires: expires, lastUsed: lastUsed}
}

func (c *sessionCache) forgetAllLocked() {
	clear(c.entries)
	c.gen++
}

func (c *sessionCache) forgetWhereLocked(match func(*cachedSession) bool) {
	for h, e := range c.entries {
		if match(e) {
			delete(c.entries, h)
		}
	}
	c.gen++
}

// forgetSession forgets a session by its id_hash in this process, once
// the change that ends it has been made (it is announced as well, to
// every process, but not at once).
func (s *Store) forgetSession(hash string) {
	if c := s.sessions; c != nil {
		c.mu.Lock()
		delete(c.entries, hash)
		c.gen++
		c.mu.Unlock()
	}
}

// forgetSessionID forgets a session by its public ID in this process.
func (s *Store) forgetSessionID(id string) {
	if c := s.sessions; c != nil {
		c.mu.Lock()
		c.forgetWhereLocked(func(e *cachedSession) bool { return e.sess.ID == id })
		c.mu.Unlock()
	}
}

// forgetUsers forgets the sessions of users in this process.
func (s *Store) forgetUsers(usernames ...string) {
	if c := s.sessions; c != nil {
		set := make(map[string]bool, len(usernames))
		for _, u := range usernames {
			set[u] = true
		}
		c.mu.Lock()
		c.forgetWhereLocked(func(e *cachedSession) bool { return set[e.sess.User.Username] })
		c.mu.Unlock()
	}
}
