package dbtest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/store"
)

// BackendCPU is the CPU time a local PostgreSQL backend has used, read
// from /proc (in clock ticks of 10 ms); false when the server is not on
// this machine.
func BackendCPU(pid int) (time.Duration, bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	text := string(stat)
	f := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
	if len(f) < 13 {
		return 0, false
	}
	user, _ := strconv.ParseInt(f[11], 10, 64)
	system, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(user+system) * 10 * time.Millisecond, true
}

// ProcessCPU is the CPU time this process has used, user and system: what
// a benchmark's Go side costs, its garbage collection included.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// OneBackend has s run every statement on one connection, and returns the
// process ID of the PostgreSQL backend serving it, whose CPU BackendCPU
// reads: a benchmark's server side.
func OneBackend(tb testing.TB, s *store.Store) int {
	tb.Helper()
	s.DB().SetMaxOpenConns(1)
	var pid int
	if err := s.DB().QueryRow(`SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		tb.Fatal(err)
	}
	return pid
}
