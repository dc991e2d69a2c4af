package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
)

// each runs f for every organisation on as many goroutines as there are
// officers, and returns the first error.
func (l *load) each(f func(org string) error) error {
	jobs := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for range l.o.officers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for org := range jobs {
				if err := f(org); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, org := range l.orgs {
		jobs <- org
	}
	close(jobs)
	wg.Wait()
	return first
}

// assign has each organisation's registrator assign its assignment of round
// id to its officer.
func (l *load) assign(id string) error {
	return l.each(func(org string) error {
		code, body := l.api.do(l.tokens[org+".registrator"], "POST", "/api/v1/assignments/"+remiss.AssignmentID(id, org)+"/assign", map[string]string{"officer": org + ".handlaggare"})
		if code != 200 {
			return fmt.Errorf("assign %s: %d %s", org, code, body)
		}
		return nil
	})
}

// submit has the officers submit an answer to each assignment of round id
// concurrently, and measures their latencies and the CPU spent into f. The
// round -profile-round is profiled when -cpuprofile is given.
func (l *load) submit(id string, round int, f *figures) error {
	var mu sync.Mutex
	var lat []time.Duration
	answer := demo.SampleResponse(remiss.Org{Name: "Lastnämnden", Forvaltning: "Lastförvaltningen"})
	run, err := l.startAnswers(round, l.o.cpuprofile)
	if err != nil {
		return err
	}
	if err := l.each(func(org string) error {
		if l.o.think > 0 {
			// The officer writes before submitting: up to think.
			time.Sleep(rand.N(l.o.think))
		}
		t0 := time.Now()
		code, body := l.api.do(l.tokens[org+".handlaggare"], "POST", "/api/v1/assignments/"+remiss.AssignmentID(id, org)+"/submit", answer)
		d := time.Since(t0)
		if code != 200 {
			return fmt.Errorf("submit %s: %d %s", org, code, body)
		}
		mu.Lock()
		lat = append(lat, d)
		mu.Unlock()
		return nil
	}); err != nil {
		return err
	}
	run.finish(lat, f)
	return nil
}

// approve has each organisation's chef approve its answer to round id, and
// measures the time from the last approval until the round has closed and
// kommunstyrelsen's statement on the answers is drafted.
func (l *load) approve(ctx context.Context, id string) error {
	var mu sync.Mutex
	var lastApproval time.Time
	if err := l.each(func(org string) error {
		code, body := l.api.do(l.tokens[org+".chef"], "POST", "/api/v1/assignments/"+remiss.AssignmentID(id, org)+"/approve", nil)
		if code != 200 {
			return fmt.Errorf("approve %s: %d %s", org, code, body)
		}
		mu.Lock()
		lastApproval = time.Now()
		mu.Unlock()
		return nil
	}); err != nil {
		return err
	}
	for {
		r, err := l.t.st.Remiss(ctx, id)
		if err != nil {
			return err
		}
		if _, err := l.t.st.Statement(ctx, id); err == nil && r.State == remiss.RemissClosed {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	reportSummary(time.Since(lastApproval))
	return nil
}
