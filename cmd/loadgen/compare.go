package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/store"
)

// figures are one round's measurements, of a Remiss round or of the
// baseline's.
type figures struct {
	running  time.Duration // launch until every assignment's workflow runs
	rate     float64       // answers per second
	p50, p99 time.Duration // answer latency
	cpu      time.Duration // CPU per answer, every process measured
	db       time.Duration // of which PostgreSQL's (its processes of every role)
	rest     time.Duration // and the other processes' (cpu - db)
}

func (f *figures) setAnswers(lat []time.Duration, elapsed, cpu, db time.Duration) {
	f.rate = float64(len(lat)) / elapsed.Seconds()
	f.p50, f.p99 = pct(lat, 50), pct(lat, 99)
	if len(lat) > 0 {
		f.cpu, f.db = cpu/time.Duration(len(lat)), db/time.Duration(len(lat))
		f.rest = f.cpu - f.db
	}
}

// cpuTotal is the CPU time every process measured spent between two
// readings of cpuTimes.
func cpuTotal(before, after map[string]time.Duration) time.Duration {
	var total time.Duration
	for name, t := range after {
		if d := t - before[name]; d > 0 {
			total += d
		}
	}
	return total
}

// dbTotal is cpuTotal of PostgreSQL's processes alone.
func dbTotal(before, after map[string]time.Duration) time.Duration {
	db := map[string]time.Duration{}
	for name, t := range after {
		if strings.HasPrefix(name, "postgres") {
			db[name] = t
		}
	}
	return cpuTotal(before, db)
}

// median of each figure over the rounds.
func medianFigures(fs []figures) figures {
	pick := func(get func(figures) float64) float64 {
		v := make([]float64, len(fs))
		for i, f := range fs {
			v[i] = get(f)
		}
		sort.Float64s(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	d := func(get func(figures) time.Duration) time.Duration {
		return time.Duration(pick(func(f figures) float64 { return float64(get(f)) }))
	}
	return figures{
		running: d(func(f figures) time.Duration { return f.running }),
		rate:    pick(func(f figures) float64 { return f.rate }),
		p50:     d(func(f figures) time.Duration { return f.p50 }),
		p99:     d(func(f figures) time.Duration { return f.p99 }),
		cpu:     d(func(f figures) time.Duration { return f.cpu }),
		db:      d(func(f figures) time.Duration { return f.db }),
		rest:    d(func(f figures) time.Duration { return f.rest }),
	}
}

// reportComparison prints the medians of Remiss's rounds beside the
// baseline's, each with its ratio, and the targets.
func reportComparison(ours, base []figures) {
	o, b := medianFigures(ours), medianFigures(base)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	ratio := func(x, y float64) string {
		if y == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f×", x/y)
	}
	fmt.Printf("\nMedians of %d rounds, Remiss beside the bare engine (baseline) in this run:\n", len(ours))
	fmt.Printf("%-44s %12s %12s %8s %s\n", "figure", "Remiss", "baseline", "ratio", "target")
	row := func(name, ov, bv, r, target string) { fmt.Printf("%-44s %12s %12s %8s %s\n", name, ov, bv, r, target) }
	row("launch until every assignment's workflow runs", ms(o.running), ms(b.running), ratio(float64(o.running), float64(b.running)), "≤ 1.15×")
	row("answers per second", fmt.Sprintf("%.1f", o.rate), fmt.Sprintf("%.1f", b.rate), ratio(o.rate, b.rate), "≥ 0.77×")
	row("answer latency p50", ms(o.p50), ms(b.p50), ratio(float64(o.p50), float64(b.p50)), "")
	row("answer latency p99", ms(o.p99), ms(b.p99), ratio(float64(o.p99), float64(b.p99)), "≤ 1.3×")
	row("CPU per answer", ms(o.cpu), ms(b.cpu), ratio(float64(o.cpu), float64(b.cpu)), "")
	// The same apart: PostgreSQL's CPU (the baseline has none) and the
	// rest's, so that a ratio says which side of an answer it comes from.
	row("  of it PostgreSQL", ms(o.db), ms(b.db), "", "")
	row("  of it the other processes", ms(o.rest), ms(b.rest), ratio(float64(o.rest), float64(b.rest)), "")
}

// answersRun measures one round's answers, the round's or the baseline's:
// the time they took, the processes' CPU and, in the round -profile-round
// names, a CPU profile.
type answersRun struct {
	started time.Time
	cpu     map[string]time.Duration
	mem     runtime.MemStats
	// goroutines when the answers start: the workflows' coroutines among
	// them, which every garbage collection scans.
	goroutines int
	profile    *os.File
	allocs     string // where the allocations at the end are written (at the start: + ".start")
	rpcs       map[string]int64
	st         *store.Store
	statements int64 // st.PreparedRuns() at the start
}

// startAnswers starts measuring the answers of round, profiling them to
// path in the profiled round.
func (l *load) startAnswers(round int, path string) (*answersRun, error) {
	settle()
	run := &answersRun{}
	if l.o.cpuprofile != "" && round == l.o.profileRound {
		// The allocations so far first: writing them collects garbage,
		// which is not the answers' work.
		run.allocs = path + ".allocs"
		if err := writeAllocs(run.allocs + ".start"); err != nil {
			return nil, err
		}
		out, err := os.Create(path)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(out); err != nil {
			out.Close()
			return nil, err
		}
		run.profile = out
	}
	runtime.ReadMemStats(&run.mem)
	run.goroutines = runtime.NumGoroutine()
	run.rpcs = rpcs.snapshot()
	run.st, run.statements = l.t.st, l.t.st.PreparedRuns()
	run.started, run.cpu = time.Now(), cpuTimes()
	return run, nil
}

// finish reports the answers measured and keeps their figures in f.
func (run *answersRun) finish(lat []time.Duration, f *figures) {
	elapsed, after, calls := time.Since(run.started), cpuTimes(), rpcs.snapshot()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	statements := run.st.PreparedRuns() - run.statements
	if run.profile != nil {
		pprof.StopCPUProfile()
		run.profile.Close()
		if err := writeAllocs(run.allocs); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
		}
	}
	reportSubmissions(lat, elapsed)
	reportSubmissionCPU(run.cpu, after, len(lat))
	reportSubmissionMemory(run.mem, mem, len(lat), run.goroutines)
	if c := perAnswer(run.rpcs, calls, len(lat)); c != "" {
		fmt.Printf("submissions: Temporal calls per answer (this process's client): %s\n", c)
	}
	if t := polledTasks(run.rpcs, calls, len(lat)); t != "" {
		fmt.Printf("submissions: workflow tasks polled: %s\n", t)
	}
	if statements > 0 && len(lat) > 0 {
		// Every statement of this process's store: in process the web
		// server's and the worker's; with -web only loadgen's own.
		fmt.Printf("submissions: %.2f statements per answer through this process's store\n", float64(statements)/float64(len(lat)))
	}
	f.setAnswers(lat, elapsed, cpuTotal(run.cpu, after), dbTotal(run.cpu, after))
}

// writeAllocs writes the heap profile of every allocation so far to path:
// the profiled answers' own are what the end's has beyond the start's
// (go tool pprof -sample_index=alloc_space -diff_base F.allocs.start F.allocs).
func writeAllocs(path string) error {
	// The profile is as of the last garbage collection: one now makes it
	// as of this moment.
	runtime.GC()
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(out, 0); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
