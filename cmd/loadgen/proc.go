package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// processRSS reports the RSS of each process of the topology on this
// machine, found by its command name.
func processRSS() string {
	names := map[string]bool{"worker": true, "remiss-web": true, "remiss-temporal": true}
	dirs, _ := os.ReadDir("/proc")
	var out []string
	for _, d := range dirs {
		comm, err := os.ReadFile(filepath.Join("/proc", d.Name(), "comm"))
		if err != nil || !names[strings.TrimSpace(string(comm))] {
			continue
		}
		out = append(out, fmt.Sprintf("%s (pid %s) RSS %s", strings.TrimSpace(string(comm)), d.Name(), rss(d.Name())))
	}
	sort.Strings(out)
	return "processes: " + strings.Join(out, "; ")
}

// cpuTimes is the CPU time (user and system) used so far by each process
// of interest on this machine, by command name: the topology's processes,
// PostgreSQL's and this one. PostgreSQL's are told apart (postgresRole):
// the backends of the measured database, its autovacuum workers and the
// server's background processes; with onlyDB set, backends of any other
// database (another program's on a shared machine) are not counted.
func cpuTimes() map[string]time.Duration {
	names := map[string]bool{"worker": true, "remiss-web": true, "remiss-temporal": true, "postgres": true}
	self := strconv.Itoa(os.Getpid())
	out := map[string]time.Duration{}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join("/proc", d.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ... utime(14) stime(15), counted after the
		// comm, which may hold spaces.
		text := string(b)
		open, shut := strings.IndexByte(text, '('), strings.LastIndexByte(text, ')')
		if open < 0 || shut < open {
			continue
		}
		comm := text[open+1 : shut]
		if d.Name() == self {
			comm = "loadgen"
		} else if !names[comm] {
			continue
		}
		if comm == "postgres" {
			role, ok := postgresRole(d.Name())
			if !ok {
				continue
			}
			comm = role
		}
		f := strings.Fields(text[shut+1:])
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		out[comm] += time.Duration(ut+st) * time.Second / clockTicks
	}
	return out
}

// onlyDB is the database whose backends are measured (in process: the
// run's own); "" counts every database's (a running topology's: the
// application's and the Temporal server's).
var onlyDB string

// postgresRole names a PostgreSQL process by what its title says it is:
// "postgres" for a backend and "postgres autovacuum" for an autovacuum
// worker (false when either serves a database other than onlyDB), and
// "postgres background" (checkpointer, WAL writer and the other server
// processes, which work for every database).
func postgresRole(pid string) (string, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", pid, "cmdline"))
	if err != nil {
		return "", false
	}
	// "postgres: 15/main: user database 127.0.0.1(port) state", or
	// "postgres: 15/main: walwriter"; the cluster's name may be absent.
	title := strings.TrimRight(string(b), "\x00 ")
	if i := strings.LastIndex(title, ": "); i >= 0 {
		title = title[i+2:]
	}
	switch f := strings.Fields(title); {
	case strings.HasPrefix(title, "autovacuum worker"):
		// "autovacuum worker database"
		return "postgres autovacuum", onlyDB == "" || len(f) >= 3 && f[2] == onlyDB
	case len(f) >= 3 && (strings.Contains(f[2], "(") || f[2] == "[local]"):
		return "postgres", onlyDB == "" || f[1] == onlyDB
	default:
		return "postgres background", true
	}
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on Linux.
const clockTicks = 100

func rss(pid string) string {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:"))
		}
	}
	return "?"
}

// settle waits until the processes measured are nearly idle (under a tenth
// of a core over a quarter of a second), at most 30 seconds, so that one
// phase does not pay for the last one's leftovers: after a round closes or
// is terminated the Temporal server still writes its workflows' closed
// records to visibility for seconds, and whichever phase came next (the
// baseline's or Remiss's) would otherwise be measured with that work
// beside it.
func settle() {
	const window, idle = 250 * time.Millisecond, 25 * time.Millisecond
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		before := cpuTimes()
		time.Sleep(window)
		if cpuTotal(before, cpuTimes()) < idle {
			return
		}
	}
	fmt.Println("(the processes did not settle within 30 s: the next figures were measured beside other work)")
}
