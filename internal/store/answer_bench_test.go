package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// BenchmarkAnswerStatements runs each statement an answer makes, on one
// connection, and reports beside the time per call the CPU the server's
// backend spent on it (pg-µs/op) when PostgreSQL runs on this machine:
//
//	go test ./internal/store/ -run '^$' -bench AnswerStatements
func BenchmarkAnswerStatements(b *testing.B) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(b)
	pid := dbtest.OneBackend(b, s)
	r := newRound(b, s, "KS 2016/179-908", "bromma")
	asg := remiss.AssignmentID(r.ID, "bromma")
	token, _, err := s.CreateSession(ctx, "bromma.handlaggare", "api", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	content := demo.SampleResponse(remiss.Org{Name: "Bromma"})
	v, err := s.SaveResponseVersion(ctx, asg, content, "bromma.handlaggare")
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, bm := range []struct {
		name string
		run  func() error
	}{
		{"Session", func() error { _, err := s.Session(ctx, token, "api"); return err }},
		{"Assignment", func() error { _, err := s.Assignment(ctx, asg); return err }},
		{"SaveSameVersion", func() error { _, err := s.SaveResponseVersion(ctx, asg, content, "bromma.handlaggare"); return err }},
		// A new version each time, as an answer saves it (the statement
		// that reads the assignment and saves the version at once).
		{"SaveVersionIf", func() error {
			n++
			c := content
			c.Summary = fmt.Sprintf("%s (%d)", content.Summary, n)
			_, _, ok, err := s.SaveResponseVersionIf(ctx, asg, "bromma", []remiss.AssignmentKind{remiss.KindAnswer},
				[]remiss.AssignmentState{remiss.StateSent, remiss.StateAssigned, remiss.StateDrafting}, c, "bromma.handlaggare")
			if err == nil && !ok {
				err = fmt.Errorf("the guard refused the version")
			}
			return err
		}},
		{"AssignmentInRound", func() error { _, _, _, err := s.AssignmentInRound(ctx, asg); return err }},
		{"VersionHead", func() error { _, err := s.VersionHead(ctx, v.ID); return err }},
		{"UsersWithRole", func() error { _, err := s.UsersWithRole(ctx, "bromma", remiss.RoleSignatory); return err }},
		{"User", func() error { _, err := s.User(ctx, "bromma.handlaggare"); return err }},
		// What Record reads for a saved draft in one statement, instead of
		// AssignmentInRound and VersionHead, and for a submission, instead
		// of the four above.
		{"RecordContextDraft", func() error {
			_, err := s.RecordContext(ctx, store.RecordQuery{AssignmentID: asg, VersionID: v.ID})
			return err
		}},
		{"RecordContext", func() error {
			_, err := s.RecordContext(ctx, store.RecordQuery{AssignmentID: asg, VersionID: v.ID, Role: remiss.RoleSignatory, User: "bromma.handlaggare"})
			return err
		}},
		{"ApplySubmitted", func() error {
			n++
			state, key := string(remiss.StateSubmitted), fmt.Sprintf("%s.%06d.submitted", asg, n)
			_, err := s.Apply(ctx, store.Change{EventKey: key, At: time.Now(), Actor: "bromma.handlaggare", RemissID: r.ID,
				AssignmentID: asg, Action: "submitted", Detail: map[string]any{"state": state},
				Assignment: &store.AssignmentPatch{State: &state, ResponseVersionID: &v.ID},
				Messages: []store.Message{
					{ID: key + ".0", Kind: "submitted", AssignmentID: asg, Recipient: "chef@example.se", Subject: "Att godkänna", Body: strings.Repeat("text ", 200), EventAt: time.Now()},
					{ID: key + ".1", Kind: "receipt", AssignmentID: asg, Recipient: "handlaggare@example.se", Subject: "Kvitto", Body: strings.Repeat("text ", 200), EventAt: time.Now()},
				}})
			return err
		}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			before, ok := dbtest.BackendCPU(pid)
			for b.Loop() {
				if err := bm.run(); err != nil {
					b.Fatal(err)
				}
			}
			if after, ok2 := dbtest.BackendCPU(pid); ok && ok2 {
				b.ReportMetric(float64(after-before)/float64(time.Microsecond)/float64(b.N), "pg-µs/op")
			}
		})
	}
}

// BenchmarkRecordReads compares what Record reads for an answer as the
// statements it made apart (AssignmentInRound, VersionHead, and for a
// submission UsersWithRole and User) with the one RecordContext makes,
// in alternating blocks of calls on one connection so that both meet the
// same load on the machine. It reports the server's backend CPU (pg-) and
// this process's CPU (go-) per call of each:
//
//	go test ./internal/store/ -run '^$' -bench RecordReads -benchtime 20x
func BenchmarkRecordReads(b *testing.B) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(b)
	pid := dbtest.OneBackend(b, s)
	r := newRound(b, s, "KS 2016/181-908", "bromma")
	asg := remiss.AssignmentID(r.ID, "bromma")
	v, err := s.SaveResponseVersion(ctx, asg, demo.SampleResponse(remiss.Org{Name: "Bromma"}), "bromma.handlaggare")
	if err != nil {
		b.Fatal(err)
	}
	apartReads := func(users bool) func() error {
		return func() error {
			if _, _, _, err := s.AssignmentInRound(ctx, asg); err != nil {
				return err
			}
			if _, err := s.VersionHead(ctx, v.ID); err != nil || !users {
				return err
			}
			if _, err := s.UsersWithRole(ctx, "bromma", remiss.RoleSignatory); err != nil {
				return err
			}
			_, err := s.User(ctx, "bromma.handlaggare")
			return err
		}
	}
	oneRead := func(q store.RecordQuery) func() error {
		return func() error { _, err := s.RecordContext(ctx, q); return err }
	}
	for _, bm := range []struct {
		name       string
		apart, one func() error
	}{
		{"DraftSaved", apartReads(false), oneRead(store.RecordQuery{AssignmentID: asg, VersionID: v.ID})},
		{"Submitted", apartReads(true), oneRead(store.RecordQuery{AssignmentID: asg, VersionID: v.ID, Role: remiss.RoleSignatory, User: "bromma.handlaggare"})},
	} {
		b.Run(bm.name, func(b *testing.B) {
			const block = 200
			var pg, cpu [2]time.Duration
			for b.Loop() {
				for i, run := range []func() error{bm.apart, bm.one} {
					pg0, _ := dbtest.BackendCPU(pid)
					cpu0 := dbtest.ProcessCPU()
					for range block {
						if err := run(); err != nil {
							b.Fatal(err)
						}
					}
					pg1, _ := dbtest.BackendCPU(pid)
					pg[i] += pg1 - pg0
					cpu[i] += dbtest.ProcessCPU() - cpu0
				}
			}
			calls := float64(b.N * block)
			for i, name := range []string{"apart", "one"} {
				b.ReportMetric(float64(pg[i])/float64(time.Microsecond)/calls, name+"-pg-µs/call")
				b.ReportMetric(float64(cpu[i])/float64(time.Microsecond)/calls, name+"-go-µs/call")
			}
		})
	}
}

// BenchmarkSessionCheck compares the session check an API request makes,
// by its statement (Statement) and served from memory (Cached: a store
// that keeps sessions, as the web server's does), each store on one
// connection, with the CPU the server's backends spent per check
// (pg-µs/op; for Cached, its listener's connection too) and the
// statements run per check:
//
//	go test ./internal/store/ -run '^$' -bench SessionCheck
func BenchmarkSessionCheck(b *testing.B) {
	ctx := context.Background()
	url := dbtest.URL(b)
	plain := openAt(b, url)
	if err := demo.Seed(ctx, plain); err != nil {
		b.Fatal(err)
	}
	cached := openAt(b, url)
	cached.CacheSessions(0)
	waitFor(b, "the listener", func() bool { return store.SessionCacheTrusted(cached) })
	token, _, err := plain.CreateSession(ctx, "bromma.handlaggare", "api", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct {
		name string
		s    *store.Store
	}{{"Statement", plain}, {"Cached", cached}} {
		b.Run(bm.name, func(b *testing.B) {
			s := bm.s
			pid := dbtest.OneBackend(b, s)
			pids := []int{pid}
			if s == cached {
				if err := s.DB().QueryRowContext(ctx, `SELECT pid FROM pg_stat_activity
					WHERE datname = current_database() AND (query LIKE 'LISTEN %' OR query = '')`).Scan(&pid); err != nil {
					b.Fatal(err)
				}
				pids = append(pids, pid)
			}
			cpu := func() (sum time.Duration, ok bool) {
				for _, pid := range pids {
					d, ok := dbtest.BackendCPU(pid)
					if !ok {
						return 0, false
					}
					sum += d
				}
				return sum, true
			}
			queries := s.PreparedRuns()
			before, ok := cpu()
			for b.Loop() {
				if _, err := s.Session(ctx, token, "api"); err != nil {
					b.Fatal(err)
				}
			}
			if after, ok2 := cpu(); ok && ok2 {
				b.ReportMetric(float64(after-before)/float64(time.Microsecond)/float64(b.N), "pg-µs/op")
			}
			b.ReportMetric(float64(s.PreparedRuns()-queries)/float64(b.N), "statements/op")
		})
	}
}
