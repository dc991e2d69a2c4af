// Command loadgen measures a round under load through the JSON API: it
// starts a Temporal server, a worker and the web server in this process on a
// fresh PostgreSQL database, launches a round to N recipients, lets M
// officers answer concurrently, and reports the figures the issues name.
//
//	go run ./cmd/loadgen -recipients 300 -officers 50 -inbox 10000
//
// With -web it measures a running topology instead (make prod-local: the
// Temporal server, two workers and the web server as processes), and
// reports each process's RSS:
//
//	go run ./cmd/loadgen -web http://127.0.0.1:8080 -temporal 127.0.0.1:7233 \
//	    -appdb 'postgres://postgres@127.0.0.1:5432/remiss?sslmode=disable'
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/remiss/remiss/internal/demo"
)

// options are the command's flags.
type options struct {
	recipients int
	officers   int
	think      time.Duration
	rounds     int
	inbox      int
	cpuprofile string
	// profileRound is the round whose submissions are profiled.
	profileRound int
	admin        string
	webURL       string
	temporal     string
	appDB        string
	wftPollers   int
	baseline     bool
	// baselineAssigned: each baseline child takes an "assign" Update before
	// its answer, as a Remiss assignment is assigned before it is answered.
	baselineAssigned bool
}

func parseFlags() options {
	var o options
	flag.BoolVar(&o.baseline, "baseline", false, "run the bare engine's version of each round beside it (same shape, no Remiss code) and report each figure as a ratio to it")
	flag.BoolVar(&o.baselineAssigned, "baseline-assigned", false, "with -baseline: each child first takes an assign Update (one local activity), as an assignment is assigned before it is answered; its events then come with the answer's workflow task, as an assignment's do")
	flag.IntVar(&o.wftPollers, "wft-pollers", 0, "workflow task pollers of the in-process worker (0: the worker's default)")
	flag.IntVar(&o.recipients, "recipients", 300, "recipients in the round")
	flag.IntVar(&o.officers, "officers", 50, "concurrent officers")
	flag.DurationVar(&o.think, "think", 0, "each officer spends a random time up to this before each submission (0: none, submissions back to back)")
	flag.IntVar(&o.rounds, "rounds", 1, "rounds run one after the other; the medians of their figures are reported")
	flag.IntVar(&o.inbox, "inbox", 10000, "assignments in the database when the inbox is measured")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of one round's submissions (-profile-round) to this file (and, with -baseline, of the baseline's to this file + .baseline), and its allocations (file + .allocs, less file + .allocs.start)")
	flag.IntVar(&o.profileRound, "profile-round", 1, "with -cpuprofile: the round whose submissions are profiled")
	flag.StringVar(&o.admin, "db", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "a PostgreSQL where a fresh database may be created")
	flag.StringVar(&o.webURL, "web", "", "measure the running web server at this address instead of starting everything in this process")
	flag.StringVar(&o.temporal, "temporal", "127.0.0.1:7233", "with -web: the Temporal frontend")
	flag.StringVar(&o.appDB, "appdb", "postgres://postgres@127.0.0.1:5432/remiss?sslmode=disable", "with -web: the application's database")
	flag.Parse()
	return o
}

func main() {
	o := parseFlags()
	if o.cpuprofile != "" && (o.profileRound < 1 || o.profileRound > o.rounds) {
		log.Fatalf("-profile-round %d: there are %d rounds (-rounds)", o.profileRound, o.rounds)
	}
	ctx := context.Background()
	var t *target
	var err error
	if o.webURL != "" {
		t, err = external(ctx, o.webURL, o.temporal, o.appDB)
	} else {
		t, err = inProcess(ctx, o.admin, o.wftPollers)
	}
	if err != nil {
		log.Fatal(err)
	}
	err = run(ctx, t, o)
	t.close()
	if err != nil {
		log.Fatal(err)
	}
}

// load is one measurement: its target, the API, every user's API session
// and the options.
type load struct {
	t      *target
	api    *apiClient
	tokens map[string]string
	orgs   []string
	o      options
}

// run measures the rounds, then the inbox, then the memory.
func run(ctx context.Context, t *target, o options) error {
	orgs, err := demo.LoadOrgs(ctx, t.st, o.recipients)
	if err != nil {
		return err
	}
	tokens, err := apiSessions(ctx, t.st, orgs)
	if err != nil {
		return err
	}
	l := &load{t: t, api: newAPIClient(t.base), tokens: tokens, orgs: orgs, o: o}

	reportStart(o.recipients, o.officers, o.think)
	if o.baseline {
		stop, err := startBaselineWorker(t.c, o.wftPollers)
		if err != nil {
			return err
		}
		defer stop()
	}
	var ours, base []figures
	for round := 1; round <= o.rounds; round++ {
		if o.rounds > 1 {
			reportRound(round, o.rounds)
		}
		// The baseline goes first in odd rounds and last in even ones, so
		// that neither always runs on the warmer (or fuller) machine.
		baseFirst := o.baseline && round%2 == 1
		if baseFirst {
			if err := l.baselineRound(ctx, round, &base); err != nil {
				return err
			}
		}
		f, err := l.round(ctx, round)
		if err != nil {
			return err
		}
		ours = append(ours, f)
		if o.baseline && !baseFirst {
			if err := l.baselineRound(ctx, round, &base); err != nil {
				return err
			}
		}
	}
	if o.rounds > 1 {
		m := medianFigures(ours)
		reportMedians(o.rounds, m.p50, m.p99)
	}
	if o.baseline {
		reportComparison(ours, base)
	}

	if err := fillAssignments(ctx, t.st, orgs, o.inbox); err != nil {
		return err
	}
	if err := l.inbox(); err != nil {
		return err
	}
	if err := l.inboxPage(ctx); err != nil {
		return err
	}
	fmt.Println(t.rss())
	return nil
}

// round runs one round: the launch, the assignments, the submissions and
// the approvals, and returns its figures.
func (l *load) round(ctx context.Context, round int) (figures, error) {
	var f figures
	id, running, err := l.launch(ctx, round)
	if err != nil {
		return f, err
	}
	f.running = running
	if err := l.assign(id); err != nil {
		return f, err
	}
	if err := l.submit(id, round, &f); err != nil {
		return f, err
	}
	return f, l.approve(ctx, id)
}

// baselineRound runs the baseline's round and adds its figures to base.
func (l *load) baselineRound(ctx context.Context, round int, base *[]figures) error {
	fmt.Println("baseline (the bare engine, same shape):")
	f, err := l.baseline(ctx, round)
	if err != nil {
		return err
	}
	*base = append(*base, f)
	fmt.Println("Remiss:")
	return nil
}
