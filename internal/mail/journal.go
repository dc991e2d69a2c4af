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
	"unicode"
)

// The journal keeps what the database cannot be told yet: that the SMTP
// server accepted a message. A sender appends a line to its journal file,
// and syncs it, right after the server's 250 and before it marks the
// message sent. Before every claim, a sender records every line of every
// journal file (recording that a message was accepted is true whoever
// does it, and recording twice changes nothing) and removes the file. So a
// sender killed while the database is away, between the acceptance and the
// record, no longer has its messages sent again once their lease runs out:
// only the moment between the 250 and the sync of the line remains, which
// no protocol closes.
//
// A settler takes a file by renaming it, under the file's lock, to a name
// of its own, and records it after letting go of the lock, so a writer
// never waits on the database. A writer that finds, once it holds the
// lock, that its file is no longer at its path starts a new one.

const (
	journalExt  = ".journal"
	settlingExt = ".settling"
)

// journalInit makes the directory and checks that it can be written, so a
// journal that cannot protect anything fails the sender at start.
func (s *Sender) journalInit() error {
	if err := os.MkdirAll(s.Journal, 0o750); err != nil {
		return fmt.Errorf("mail: journal: %w", err)
	}
	probe, err := os.CreateTemp(s.Journal, "probe-*")
	if err != nil {
		return fmt.Errorf("mail: journal %s cannot be written: %w", s.Journal, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

func (s *Sender) journalPath() string {
	return filepath.Join(s.Journal, strings.NewReplacer("/", "_", ":", "_").Replace(s.owner)+journalExt)
}

// journalAdd appends the acceptance of message id at at to this sender's
// file and syncs it.
func (s *Sender) journalAdd(id string, at time.Time, resp string) error {
	line := id + "\t" + at.UTC().Format(time.RFC3339Nano) + "\t" + cleanResponse(resp) + "\n"
	path := s.journalPath()
	for {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("mail: journal: %w", err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return fmt.Errorf("mail: journal: lock: %w", err)
		}
		info, err := f.Stat()
		if err != nil || !samePath(info, path) {
			f.Close() // a settler took it: start a new file
			continue
		}
		_, err = f.WriteString(line)
		if err == nil {
			err = f.Sync()
		} else {
			f.Truncate(info.Size()) // no half line for the next to be glued to
		}
		if err == nil && info.Size() == 0 {
			err = syncDir(s.Journal) // a new file: its name must survive a crash too
		}
		f.Close() // and unlock
		if err != nil {
			return fmt.Errorf("mail: journal: %w", err)
		}
		return nil
	}
}

// cleanResponse keeps a server's response to one line of valid UTF-8 that
// PostgreSQL accepts, and short.
func cleanResponse(resp string) string {
	resp = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(resp, "?"))
	if len(resp) > 500 {
		resp = strings.ToValidUTF8(resp[:500], "")
	}
	return resp
}

func samePath(info os.FileInfo, path string) bool {
	at, err := os.Stat(path)
	return err == nil && os.SameFile(info, at)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// settleJournal records every acceptance in the journal and removes the
// files it recorded. It returns an error only when the database cannot
// take the records (claiming would fail too); a file it cannot read is
// logged and left for the next pass.
func (s *Sender) settleJournal(ctx context.Context) error {
	if s.Journal == "" {
		return nil
	}
	live, _ := filepath.Glob(filepath.Join(s.Journal, "*"+journalExt))
	for _, path := range live {
		taken, err := s.take(path)
		if err != nil {
			s.Log.Error("mail: journal: cannot take a file", "file", path, "err", err)
			continue
		}
		if taken == "" {
			continue
		}
		if err := s.settle(ctx, taken); err != nil {
			return err
		}
	}
	// Files a settler took and did not finish (it died, or the database
	// went away): recorded again, which changes nothing for what was.
	stale, _ := filepath.Glob(filepath.Join(s.Journal, "*"+settlingExt))
	for _, path := range stale {
		if err := s.settle(ctx, path); err != nil {
			return err
		}
	}
	return nil
}

// take renames a journal file, under its lock, to a name of this settler's;
// "" when there is nothing to take.
func (s *Sender) take(path string) (string, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0) // read-write: NFS locks need it
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	info, err := f.Stat()
	if err != nil || !samePath(info, path) {
		return "", nil // another settler has it
	}
	if info.Size() == 0 {
		return "", nil
	}
	taken := strings.TrimSuffix(path, journalExt) + "." + strings.NewReplacer("/", "_", ":", "_").Replace(s.owner) + settlingExt
	if err := os.Rename(path, taken); err != nil {
		return "", err
	}
	return taken, nil
}

// settle records each line of a taken file, then removes it.
func (s *Sender) settle(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // another settler finished it
	}
	if err != nil {
		s.Log.Error("mail: journal: cannot read a file", "file", path, "err", err)
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		id, rest, ok := strings.Cut(sc.Text(), "\t")
		stamp, resp, ok2 := strings.Cut(rest, "\t")
		if !ok || !ok2 || id == "" {
			continue // cut short by a crash before its sync: not known to be accepted
		}
		at, err := time.Parse(time.RFC3339Nano, stamp)
		if err != nil {
			at = s.Now()
		}
		if _, err := s.Store.MarkSent(ctx, id, at, resp); err != nil {
			return err
		}
		n++
	}
	if err := sc.Err(); err != nil {
		s.Log.Error("mail: journal: cannot read a file", "file", path, "err", err)
		return nil
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		s.Log.Error("mail: journal: cannot remove a recorded file", "file", path, "err", err)
	}
	if n > 0 {
		s.Log.Debug("mail: recorded accepted messages from the journal", "file", filepath.Base(path), "messages", n)
	}
	return nil
}
