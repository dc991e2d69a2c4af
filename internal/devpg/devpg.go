// Package devpg finds a PostgreSQL for development, or starts a private one:
// `make dev` uses DATABASE_URL when set, else a server answering on
// 127.0.0.1:5432, else a cluster it creates under the data directory with
// the local initdb and pg_ctl.
package devpg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	_ "github.com/lib/pq"
)

// Server is a PostgreSQL the dev command uses; Stop is a no-op unless it
// started the server itself.
type Server struct {
	URL     string
	Started bool
	dir     string
	pgCtl   string
	asUser  string
	port    int
}

const localAdmin = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable&connect_timeout=2"

// Ensure returns a server holding database dbName, starting one under
// dataDir when none answers.
func Ensure(ctx context.Context, explicitURL, dataDir, dbName string, logf func(string, ...any)) (*Server, error) {
	if explicitURL != "" {
		return &Server{URL: explicitURL}, nil
	}
	if err := createDatabase(ctx, localAdmin, dbName); err == nil {
		logf("PostgreSQL: using the server on 127.0.0.1:5432, database %s", dbName)
		return &Server{URL: withDB(localAdmin, dbName)}, nil
	}
	s, err := StartPrivate(filepath.Join(dataDir, "postgres"), 5432, logf)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		err = createDatabase(ctx, s.AdminURL(), dbName)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if err != nil {
		s.Stop()
		return nil, fmt.Errorf("devpg: %w", err)
	}
	s.URL = withDB(s.AdminURL(), dbName)
	return s, nil
}

// StartPrivate creates (once) and starts a private cluster in dir,
// listening on 127.0.0.1:port with trust authentication for postgres.
func StartPrivate(dir string, port int, logf func(string, ...any)) (*Server, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, pgCtl: filepath.Join(bin, "pg_ctl"), Started: true, port: port}
	if os.Geteuid() == 0 {
		s.asUser = "postgres" // initdb refuses to run as root
	}
	if s.dir, err = filepath.Abs(s.dir); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(s.dir, "PG_VERSION")); err != nil {
		logf("PostgreSQL: creating a private cluster in %s", s.dir)
		// The parents must let the postgres user through when we are root.
		if err := os.MkdirAll(filepath.Dir(s.dir), 0o755); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return nil, err
		}
		if err := s.chown(); err != nil {
			return nil, err
		}
		if err := s.run(filepath.Join(bin, "initdb"), "-D", s.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"); err != nil {
			return nil, fmt.Errorf("devpg: initdb: %w", err)
		}
	}
	logf("PostgreSQL: starting the private cluster on 127.0.0.1:%d", port)
	if err := s.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

// AdminURL is the postgres database of the server.
func (s *Server) AdminURL() string {
	if s.port == 0 {
		return localAdmin
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", s.port)
}

// Start starts a private cluster that was stopped.
func (s *Server) Start() error {
	if err := s.run(s.pgCtl, "-D", s.dir, "-l", filepath.Join(s.dir, "server.log"), "-w", "-t", "60",
		"-o", fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -k %s", s.port, s.dir), "start"); err != nil {
		return fmt.Errorf("devpg: pg_ctl start (see %s): %w", filepath.Join(s.dir, "server.log"), err)
	}
	return nil
}

// Kill stops a private cluster at once, as a crash would (immediate mode:
// no checkpoint, recovery at the next start).
func (s *Server) Kill() error {
	return s.run(s.pgCtl, "-D", s.dir, "-m", "immediate", "-w", "stop")
}

// Stop stops a server this package started.
func (s *Server) Stop() error {
	if !s.Started {
		return nil
	}
	return s.run(s.pgCtl, "-D", s.dir, "-m", "fast", "-w", "stop")
}

func (s *Server) run(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	if s.asUser != "" {
		cmd = exec.Command("runuser", append([]string{"-u", s.asUser, "--", name}, args...)...)
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func (s *Server) chown() error {
	if s.asUser == "" {
		return nil
	}
	u, err := user.Lookup(s.asUser)
	if err != nil {
		return fmt.Errorf("devpg: running as root needs the %s user: %w", s.asUser, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(s.dir, uid, gid)
}

func findBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		return "", errors.New("no PostgreSQL found: set DATABASE_URL, start a server on 127.0.0.1:5432, " +
			"or install one (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql)")
	}
	sort.Slice(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	return filepath.Dir(matches[0]), nil
}

func version(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

func createDatabase(ctx context.Context, adminURL, name string) error {
	db, err := sql.Open("postgres", adminURL)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname=$1)`, name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err = db.ExecContext(ctx, `CREATE DATABASE "`+name+`"`)
	return err
}

func withDB(admin, name string) string {
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	q := u.Query()
	q.Del("connect_timeout")
	u.RawQuery = q.Encode()
	return u.String()
}
