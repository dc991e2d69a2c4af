package mail

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// The journal keeps what the database cannot be told yet: that the SMTP
// server accepted a message. A sender writes a line to its journal file,
// and syncs it, right after the server's 250 and before it marks the
// message sent. Any sender later records every line of a file that has
// been idle for a while (recording that a message was accepted is true
// whoever does it, and recording twice changes nothing) and removes the
// file. So a sender killed while the database is away, between the
// acceptance and the record, no longer has its messages sent again once
// their lease runs out: only the moment between the 250 and the sync of
// the line remains, which no protocol closes.

const journalExt = ".journal"

// journalAdd appends the acceptance of message id to this sender's file.
func (s *Sender) journalAdd(id, resp string) error {
	path := filepath.Join(s.Journal, strings.NewReplacer("/", "_", ":", "_").Replace(s.owner)+journalExt)
	line := id + "\t" + strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, resp) + "\n"
	for {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("mail: journal: %w", err)
		}
		// Another sender may be settling this file: wait for its lock, then
		// make sure the file is still the one at the path (it removes a
		// settled file while holding the lock).
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return fmt.Errorf("mail: journal: lock: %w", err)
		}
		if !samePath(f, path) {
			f.Close()
			continue
		}
		_, err = f.WriteString(line)
		if err == nil {
			err = f.Sync()
		}
		f.Close() // and unlock
		if err != nil {
			return fmt.Errorf("mail: journal: %w", err)
		}
		return nil
	}
}

func samePath(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// journalIdle is how long a file must have been left alone before it is
// settled: less than the lease, so its messages are recorded before another
// sender may claim them again.
func (s *Sender) journalIdle() time.Duration { return min(10*time.Second, s.Lease/2) }

// settleJournal records every acceptance in the journal files that have
// been idle for journalIdle, and removes each file once all its lines are
// recorded. A database that is away leaves the files for the next pass.
func (s *Sender) settleJournal(ctx context.Context) error {
	if s.Journal == "" {
		return nil
	}
	paths, err := filepath.Glob(filepath.Join(s.Journal, "*"+journalExt))
	if err != nil {
		return fmt.Errorf("mail: journal: %w", err)
	}
	for _, path := range paths {
		if info, err := os.Stat(path); err != nil || time.Since(info.ModTime()) < s.journalIdle() {
			continue
		}
		if err := s.settleFile(ctx, path); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sender) settleFile(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // settled by another sender meanwhile
	}
	if err != nil {
		return fmt.Errorf("mail: journal: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fmt.Errorf("mail: journal: lock: %w", err)
	}
	if !samePath(f, path) {
		return nil
	}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		id, resp, ok := strings.Cut(sc.Text(), "\t")
		if !ok || id == "" {
			continue // a line cut short by a crash: its message was not yet accepted as far as we know
		}
		if _, err := s.Store.MarkSent(ctx, id, s.Now(), resp); err != nil {
			return err
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("mail: journal %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("mail: journal: %w", err)
	}
	if n > 0 {
		s.Log.Info("mail: recorded accepted messages from a journal", "file", filepath.Base(path), "messages", n)
	}
	return nil
}
