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
	admin      string
	webURL     string
	temporal   string
	appDB      string
	wftPollers int
}

func parseFlags() options {
	var o options
	flag.IntVar(&o.wftPollers, "wft-pollers", 0, "workflow task pollers of the in-process worker (0: the worker's default)")
	flag.IntVar(&o.recipients, "recipients", 300, "recipients in the round")
	flag.IntVar(&o.officers, "officers", 50, "concurrent officers")
	flag.DurationVar(&o.think, "think", 0, "each officer spends a random time up to this before each submission (0: none, submissions back to back)")
	flag.IntVar(&o.rounds, "rounds", 1, "rounds run one after the other; the medians of their figures are reported")
	flag.IntVar(&o.inbox, "inbox", 10000, "assignments in the database when the inbox is measured")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the submissions to this file")
	flag.StringVar(&o.admin, "db", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "a PostgreSQL where a fresh database may be created")
	flag.StringVar(&o.webURL, "web", "", "measure the running web server at this address instead of starting everything in this process")
	flag.StringVar(&o.temporal, "temporal", "127.0.0.1:7233", "with -web: the Temporal frontend")
	flag.StringVar(&o.appDB, "appdb", "postgres://postgres@127.0.0.1:5432/remiss?sslmode=disable", "with -web: the application's database")
	flag.Parse()
	return o
}

func main() {
	o := parseFlags()
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
	var p50s, p99s []time.Duration
	for round := 1; round <= o.rounds; round++ {
		if o.rounds > 1 {
			reportRound(round, o.rounds)
		}
		lat, err := l.round(ctx, round)
		if err != nil {
			return err
		}
		p50s, p99s = append(p50s, pct(lat, 50)), append(p99s, pct(lat, 99))
	}
	if o.rounds > 1 {
		reportMedians(o.rounds, p50s, p99s)
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

// round runs one round: the launch, the assignments, the submissions (whose
// latencies it returns) and the approvals.
func (l *load) round(ctx context.Context, round int) ([]time.Duration, error) {
	id, err := l.launch(ctx, round)
	if err != nil {
		return nil, err
	}
	if err := l.assign(id); err != nil {
		return nil, err
	}
	lat, err := l.submit(id, round)
	if err != nil {
		return nil, err
	}
	if err := l.approve(ctx, id); err != nil {
		return nil, err
	}
	return lat, nil
}
