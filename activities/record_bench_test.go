package activities_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// BenchmarkRecord runs Record for an answer saved and submitted against a
// real PostgreSQL on one connection, and reports beside the time per call
// the statements it ran, the CPU this process (go-µs/op) and the server's
// backend (pg-µs/op) spent on it, the latter when PostgreSQL runs on this
// machine:
//
//	go test ./activities -run '^$' -bench Record
func BenchmarkRecord(b *testing.B) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(b)
	pid := dbtest.OneBackend(b, s)
	a := &activities.Activities{Store: s, BaseURL: "http://localhost:8080"}
	r := store.Remiss{ID: "ks-2016-171-910", Dnr: "KS 2016/171-910", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: "2027-01-15", DeadlineAt: time.Date(2027, 1, 16, 0, 0, 0, 0, remiss.Stockholm),
		Reminders: []string{"14d"}, Grace: "7d", Coordinator: "ks.samordnare", Recipients: []string{"bromma"}}
	if _, err := s.CreateRound(ctx, r); err != nil {
		b.Fatal(err)
	}
	asg := remiss.AssignmentID(r.ID, "bromma")
	v, err := s.SaveResponseVersion(ctx, asg, demo.SampleResponse(remiss.Org{Name: "Bromma"}), "bromma.handlaggare")
	if err != nil {
		b.Fatal(err)
	}
	officer := remiss.Actor{User: "bromma.handlaggare", Org: "bromma", Role: remiss.RoleOfficer}
	n := 0
	for _, bm := range []struct {
		action activities.Action
		state  remiss.AssignmentState
	}{
		{activities.ActionDraftSaved, remiss.StateDrafting},
		{activities.ActionSubmitted, remiss.StateSubmitted},
	} {
		b.Run(string(bm.action), func(b *testing.B) {
			statements := s.PreparedRuns()
			pgBefore, ok := dbtest.BackendCPU(pid)
			goBefore := dbtest.ProcessCPU()
			for b.Loop() {
				n++
				if _, err := a.Record(ctx, activities.RecordInput{EventKey: fmt.Sprintf("%s.%06d.%s", asg, n, bm.action), At: time.Now(),
					Actor: officer, AssignmentID: asg, Action: bm.action, State: bm.state, VersionID: v.ID, SHA256: v.SHA256}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(s.PreparedRuns()-statements)/float64(b.N), "statements/op")
			b.ReportMetric(float64(dbtest.ProcessCPU()-goBefore)/float64(time.Microsecond)/float64(b.N), "go-µs/op")
			if pgAfter, ok2 := dbtest.BackendCPU(pid); ok && ok2 {
				b.ReportMetric(float64(pgAfter-pgBefore)/float64(time.Microsecond)/float64(b.N), "pg-µs/op")
			}
		})
	}
}
