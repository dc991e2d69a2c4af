package main

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"time"
)

// The report: one line per figure, printed as it is measured.

func reportStart(recipients, officers int, think time.Duration) {
	fmt.Printf("Rounds to %d recipients, %d concurrent officers (think time up to %v), on %d cores\n", recipients, officers, think, runtime.NumCPU())
}

func reportRound(round, rounds int) {
	fmt.Printf("-- round %d of %d\n", round, rounds)
}

func reportListed(d time.Duration, listed, recipients int) {
	fmt.Printf("launch until it answers, every assignment in its inbox: %v (listed when checked after: %d of %d)\n", d.Round(time.Millisecond), listed, recipients)
}

func reportRunning(d time.Duration) {
	fmt.Printf("launch until every assignment's workflow runs: %v\n", d.Round(time.Millisecond))
}

func reportLaunchCPU(before, after map[string]time.Duration, recipients int) {
	fmt.Printf("launch: %s\n", strings.Replace(cpuPerAnswer(before, after, recipients), "per answer", "per recipient", 1))
}

func reportSubmissions(lat []time.Duration, elapsed time.Duration) {
	fmt.Printf("submissions: %d in %v, %.1f answers/s; latency p50 %v, p99 %v\n", len(lat), elapsed.Round(time.Millisecond),
		float64(len(lat))/elapsed.Seconds(), pct(lat, 50), pct(lat, 99))
}

func reportSubmissionCPU(before, after map[string]time.Duration, answers int) {
	fmt.Printf("submissions: %s\n", cpuPerAnswer(before, after, answers))
}

// reportSubmissionMemory reports what the process (with -web: loadgen
// alone) allocated per answer and the garbage collections meanwhile, with
// the goroutines at the start: the workflows' coroutines among them.
func reportSubmissionMemory(before, after runtime.MemStats, answers, goroutines int) {
	fmt.Printf("submissions: allocated %.1f KB per answer, %d GC cycles; before: heap %.0f MB, stacks %.0f MB, %d goroutines\n",
		float64(after.TotalAlloc-before.TotalAlloc)/1024/float64(max(answers, 1)), after.NumGC-before.NumGC,
		float64(before.HeapAlloc)/(1<<20), float64(before.StackInuse)/(1<<20), goroutines)
}

func reportSummary(d time.Duration) {
	fmt.Printf("last approval until the round is closed and KS's statement drafted: %v\n", d.Round(time.Millisecond))
}

func reportMedians(rounds int, p50, p99 time.Duration) {
	fmt.Printf("median over %d rounds: submission latency p50 %v, p99 %v\n", rounds, p50, p99)
}

func reportInbox(assignments int, lat []time.Duration) {
	fmt.Printf("inbox (GET /api/v1/assignments) with %d assignments in the database: p50 %v, p99 %v\n", assignments, pct(lat, 50), pct(lat, 99))
}

func reportInboxPage(assignments int, lat []time.Duration) {
	fmt.Printf("inbox page (GET /inkorg?visa=avslutade) with %d assignments in the database: p50 %v, p99 %v\n", assignments, pct(lat, 50), pct(lat, 99))
}

// cpuPerAnswer says how much CPU each process spent per answer between two
// readings of cpuTimes.
func cpuPerAnswer(before, after map[string]time.Duration, answers int) string {
	var parts []string
	var total time.Duration
	for name, t := range after {
		d := t - before[name]
		if d <= 0 {
			continue
		}
		total += d
		parts = append(parts, fmt.Sprintf("%s %.1f ms", name, float64(d.Microseconds())/1000/float64(answers)))
	}
	sort.Strings(parts)
	return fmt.Sprintf("CPU per answer %.1f ms: %s", float64(total.Microseconds())/1000/float64(answers), strings.Join(parts, ", "))
}

// pct is the p-th percentile of d, to 100 µs.
func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))].Round(100 * time.Microsecond)
}
