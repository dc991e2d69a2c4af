package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// listRound stores an open round titled title with deadline days from now.
func listRound(t *testing.T, s *store.Store, dnr, title string, days int, orgs ...string) string {
	t.Helper()
	d := time.Now().In(remiss.Stockholm).AddDate(0, 0, days)
	r := store.Remiss{ID: remiss.RemissID(dnr), Dnr: dnr, Title: title, Deadline: d.Format(remiss.DateLayout),
		DeadlineAt: time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, remiss.Stockholm), Reminders: []string{"3d"}, Grace: "7d",
		Coordinator: "ks.samordnare", Recipients: orgs}
	if _, err := s.CreateRound(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func exec(t *testing.T, s *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := s.DB().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestRoundListSearchesFiltersSortsAndPages(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	for i := 1; i <= 27; i++ {
		org := "bromma"
		if i%3 == 0 {
			org = "farsta"
		}
		listRound(t, s, fmt.Sprintf("KS 2026/%d-1", 100+i), fmt.Sprintf("Remiss nr %02d", i), 30+i, org)
	}
	listRound(t, s, "KS 2026/300-1", "Taxa med 50% rabatt", 90, "bromma")
	closed := listRound(t, s, "KS 2026/301-1", "Avslutad remiss", -10, "bromma", "farsta", "kungsholmen", "norrmalm")
	exec(t, s, `UPDATE remisses SET state='closed', closed_at=now() WHERE id=$1`, closed)
	for org, st := range map[string]string{"bromma": "answered", "farsta": "declined", "kungsholmen": "missed", "norrmalm": "missed"} {
		exec(t, s, `UPDATE assignments SET state=$1 WHERE id=$2`, st, remiss.AssignmentID(closed, org))
	}

	page, total, err := s.RoundList(ctx, store.ListFilter{Limit: 25})
	if err != nil || total != 28 || len(page) != 25 || page[0].Title != "Remiss nr 01" || page[24].Title != "Remiss nr 25" {
		t.Fatalf("first page: %d of %d, %v", len(page), total, err)
	}
	if page[0].CoordinatorName != "Remissamordnare, Stadsledningskontoret" {
		t.Errorf("the coordinator is named %q, want their name", page[0].CoordinatorName)
	}
	page, total, err = s.RoundList(ctx, store.ListFilter{Limit: 25, Offset: 25})
	if err != nil || total != 28 || len(page) != 3 || page[2].Title != "Taxa med 50% rabatt" {
		t.Errorf("second page: %d of %d, %v", len(page), total, err)
	}
	if page, total, err = s.RoundList(ctx, store.ListFilter{Limit: 25, Offset: 100}); err != nil || total != 28 || len(page) != 0 {
		t.Errorf("past the end: %d of %d, %v", len(page), total, err)
	}
	count := func(f store.ListFilter) int {
		t.Helper()
		_, n, err := s.RoundList(ctx, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		return n
	}
	for _, c := range []struct {
		f    store.ListFilter
		want int
	}{
		{store.ListFilter{Text: "nr 07"}, 1},
		{store.ListFilter{Text: "ks 2026/1"}, 27},
		{store.ListFilter{Text: "%"}, 1}, // a wildcard is a character like any other
		{store.ListFilter{Text: "_"}, 0},
		{store.ListFilter{Text: "'; drop table remisses; --"}, 0},
		{store.ListFilter{Org: "farsta"}, 9},
		{store.ListFilter{Year: time.Now().In(remiss.Stockholm).Year()}, 28},
		{store.ListFilter{Year: 2001}, 0},
		{store.ListFilter{Done: true}, 1},
		{store.ListFilter{Done: true, States: []string{"withdrawn"}}, 0},
		{store.ListFilter{Done: true, Org: "norrmalm"}, 1},
	} {
		if got := count(c.f); got != c.want {
			t.Errorf("%+v: %d rounds, want %d", c.f, got, c.want)
		}
	}
	if page, _, _ := s.RoundList(ctx, store.ListFilter{Sort: "title", Desc: true, Limit: 1}); len(page) != 1 || page[0].Title != "Taxa med 50% rabatt" {
		t.Errorf("by title, descending: %+v", page)
	}
	if page, _, _ := s.RoundList(ctx, store.ListFilter{Sort: "deadline; DROP TABLE remisses", Limit: 1}); len(page) != 1 || page[0].Title != "Remiss nr 01" {
		t.Errorf("an unknown order is by deadline: %+v", page)
	}
	// Counts after closing: the two that never answered are a count of
	// their own.
	page, _, _ = s.RoundList(ctx, store.ListFilter{Done: true})
	if len(page) != 1 || page[0].Total != 4 || page[0].Answered != 1 || page[0].Declined != 1 || page[0].Missed != 2 || page[0].Open != 0 {
		t.Errorf("closed round counts %+v", page)
	}
}

func TestInboxListAndWorkQueries(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	id := listRound(t, s, "KS 2026/400-1", "Strategi för en smart stad", 20, "bromma", "farsta")
	other := listRound(t, s, "KS 2026/401-1", "Äldre remiss", -2, "bromma")
	a := remiss.AssignmentID(id, "bromma")
	exec(t, s, `UPDATE assignments SET state='drafting', officer='bromma.handlaggare' WHERE id=$1`, a)
	if _, err := s.AddNote(ctx, a, "return", "Komplettera, tack.", "bromma.chef"); err != nil {
		t.Fatal(err)
	}
	m, err := s.AddMeeting(ctx, "bromma", remiss.NewMeeting{Date: time.Now().AddDate(0, 0, 15).Format(remiss.DateLayout),
		AgendaDeadline: time.Now().AddDate(0, 0, 5).Format(remiss.DateLayout)}, "bromma.registrator")
	if err != nil {
		t.Fatal(err)
	}
	exec(t, s, `UPDATE assignments SET route='namnd', meeting_id=$1 WHERE id=$2`, m.ID, a)

	items, total, err := s.InboxList(ctx, "bromma", "bromma.handlaggare", store.ListFilter{Limit: 25})
	if err != nil || total != 2 || items[0].RemissID != other || !items[1].Returned || items[1].OfficerName != "Handläggare, Bromma stadsdelsnämnd" {
		t.Fatalf("the officer's inbox: %+v %d %v", items, total, err)
	}
	if _, total, _ := s.InboxList(ctx, "bromma", "bromma.nagon-annan", store.ListFilter{}); total != 1 {
		t.Errorf("another officer sees %d, want only the unassigned one", total)
	}
	if items, _, _ := s.InboxList(ctx, "bromma", "", store.ListFilter{States: []string{"sent"}}); len(items) != 1 || items[0].RemissID != other {
		t.Errorf("inkommen: %+v", items)
	}
	if _, total, _ := s.InboxList(ctx, "bromma", "", store.ListFilter{Done: true}); total != 0 {
		t.Errorf("closed work: %d", total)
	}

	work, err := s.OrgWork(ctx, "bromma", []remiss.AssignmentState{remiss.StateDrafting})
	if err != nil || len(work) != 1 || work[0].MeetingDate != m.Date || work[0].AgendaDeadline != m.AgendaDeadline || !work[0].Returned || work[0].OrgName != "Bromma stadsdelsnämnd" {
		t.Errorf("org work %+v %v", work, err)
	}
	note, _ := s.AddNote(ctx, remiss.AssignmentID(id, "farsta"), "extension", "Nämnden sammanträder i april.", "farsta.handlaggare")
	exec(t, s, `INSERT INTO extensions (id, assignment_id, requested_until, reason_note_id, requested_by, requested_at) VALUES ('e1',$1,'2027-04-30',$2,'farsta.handlaggare',now())`,
		remiss.AssignmentID(id, "farsta"), note)
	if ext, err := s.PendingExtensions(ctx); err != nil || len(ext) != 1 || ext[0].Until != "2027-04-30" || ext[0].Reason != "Nämnden sammanträder i april." || ext[0].RequestedBy != "Handläggare, Farsta stadsdelsnämnd" {
		t.Errorf("pending anstånd %+v %v", ext, err)
	}
	exec(t, s, `UPDATE extensions SET decided_at=now(), decided_by='ks.samordnare', approved=true`)
	if ext, _ := s.PendingExtensions(ctx); len(ext) != 0 {
		t.Errorf("a decided anstånd still waits: %+v", ext)
	}
	decline, _ := s.AddNote(ctx, remiss.AssignmentID(id, "farsta"), "decline", "Frågan berör inte nämnden.", "farsta.chef")
	exec(t, s, `UPDATE assignments SET state='declined', decline_note_id=$1 WHERE id=$2`, decline, remiss.AssignmentID(id, "farsta"))
	if ds, err := s.OpenDeclines(ctx); err != nil || len(ds) != 1 || ds[0].Reason != "Frågan berör inte nämnden." {
		t.Errorf("declines %+v %v", ds, err)
	}
	if past, err := s.RoundsPastDeadline(ctx, time.Now()); err != nil || len(past) != 1 || past[0].ID != other {
		t.Errorf("past svarsdatum %+v %v", past, err)
	}
	exec(t, s, `UPDATE remisses SET state='closed', closed_at=now(), summary_document_id='sum' WHERE id=$1`, other)
	if steps, err := s.RoundsAwaitingStep(ctx); err != nil || len(steps) != 1 || steps[0].ID != other {
		t.Errorf("awaiting a step %+v %v", steps, err)
	}
	if years, err := s.Years(ctx); err != nil || len(years) != 1 || years[0] != time.Now().In(remiss.Stockholm).Year() {
		t.Errorf("years %v %v", years, err)
	}
}
