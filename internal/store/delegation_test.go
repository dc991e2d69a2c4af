package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// TestDelegationReport: an organisation's decisions on delegation taken on
// or before a meeting's day are reported at it under a paragraph, with an
// audit row each; a later one, and another organisation's, stay pending; a
// report again under the same paragraph, or with nothing to report,
// changes nothing; the list's PDF belongs to no round.
func TestDelegationReport(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	m, err := s.AddMeeting(ctx, "bromma", remiss.NewMeeting{Date: "2027-02-10", AgendaDeadline: "2027-02-01"}, "bromma.registrator")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2027, 2, 10, 23, 30, 0, 0, remiss.Stockholm) // late on the meeting's day
	decide := func(r store.Remiss, org string, at time.Time) string {
		t.Helper()
		asg := remiss.AssignmentID(r.ID, org)
		id := "delegation." + asg + ".r1"
		if _, err := s.Apply(ctx, store.Change{EventKey: asg + ".approved", At: at, Actor: org + ".chef", RemissID: r.ID, AssignmentID: asg,
			Action: "approved", Decided: &store.Decision{ID: id, AssignmentID: asg, Body: org, Verdict: remiss.VerdictDelegation,
				DelegationRef: "punkt 3.1", RecordedBy: org + ".chef"}}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	r1, r2 := newRound(t, s, "KS 2027/11-1", "bromma", "farsta"), newRound(t, s, "KS 2027/12-1", "bromma")
	reported := decide(r1, "bromma", day)
	decide(r1, "farsta", day.AddDate(0, 0, -1))
	later := decide(r2, "bromma", day.Add(time.Hour)) // the day after, in Stockholm

	rep := store.DelegationReport{ID: "bromma.anmalan.1", Org: "bromma", MeetingID: m.ID, HeldOn: m.Date, Paragraph: "§ 14",
		ReportedBy: "bromma.registrator", ReportedAt: day.AddDate(0, 0, 1)}
	if n, err := s.ReportDelegation(ctx, rep); err != nil || n != 1 {
		t.Fatalf("report: %d %v", n, err)
	}
	ids := func(org, report string) string {
		ds, err := s.DelegatedDecisions(ctx, org, report)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			out = append(out, d.ID)
			if report != "" && (d.Report.Paragraph != "§ 14" || d.Report.HeldOn != "2027-02-10" || d.Dnr != "KS 2027/11-1" || d.DecidedOn() != "2027-02-10") {
				t.Errorf("reported decision %+v", d)
			}
		}
		return strings.Join(out, ",")
	}
	if got := ids("bromma", rep.ID); got != reported {
		t.Errorf("reported %q, want %q", got, reported)
	}
	if got := ids("bromma", ""); got != later {
		t.Errorf("bromma pending %q, want the later decision %q", got, later)
	}
	if got := ids("farsta", ""); !strings.Contains(got, "farsta") {
		t.Errorf("farsta's decision was reported by bromma: pending %q", got)
	}
	audit, _ := s.Audit(ctx, r1.ID)
	if last := audit[len(audit)-1]; last.Action != "delegation_reported" || !strings.Contains(string(last.Detail), "§ 14") {
		t.Errorf("audit %+v", last)
	}

	// Refused: the same paragraph again; nothing to report.
	if _, err := s.ReportDelegation(ctx, store.DelegationReport{ID: "bromma.anmalan.2", Org: "bromma", MeetingID: m.ID, HeldOn: m.Date,
		Paragraph: "§ 14", ReportedBy: "bromma.registrator", ReportedAt: day}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("the same paragraph again: %v", err)
	}
	if _, err := s.ReportDelegation(ctx, store.DelegationReport{ID: "bromma.anmalan.3", Org: "bromma", MeetingID: m.ID, HeldOn: m.Date,
		Paragraph: "§ 15", ReportedBy: "bromma.registrator", ReportedAt: day}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("nothing to report: %v", err)
	}
	if reps, _ := s.DelegationReports(ctx, "bromma"); len(reps) != 1 || reps[0].DocumentID != "" {
		t.Errorf("reports after the refusals: %+v", reps)
	}
	if got := ids("bromma", ""); got != later {
		t.Errorf("a refused report changed the pending list: %q", got)
	}

	// The list's document belongs to the organisation, not to a round.
	doc, err := s.PutDocument(ctx, store.Document{ID: "delegation_list." + rep.ID, Kind: "delegation_list", Filename: "d.pdf", Content: []byte("%PDF-1.7")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetDelegationReportDocument(ctx, rep.ID, doc.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.DelegationReport(ctx, "bromma", rep.ID); err != nil || got.DocumentID != doc.ID {
		t.Errorf("report %+v %v", got, err)
	}
	if _, err := s.DelegationReport(ctx, "farsta", rep.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another organisation's report: %v", err)
	}
	if got, err := s.Document(ctx, doc.ID); err != nil || got.RemissID != "" {
		t.Errorf("document %+v %v", got, err)
	}
}
