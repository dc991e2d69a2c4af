package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// TestOwnDnrIsKeptOnTheAssignment: the recipient's own diarienummer is
// stored with its audit row while the assignment is open, and an
// assignment in another state is left as it was, without an audit row.
func TestOwnDnrIsKeptOnTheAssignment(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	r := newRound(t, s, "KS/2026:77", "bromma")
	asgID := remiss.AssignmentID(r.ID, "bromma")
	change := func(n string) store.Change {
		return store.Change{EventKey: asgID + ".dnr." + n, At: time.Now(), Actor: "bromma.registrator", RemissID: r.ID,
			AssignmentID: asgID, Action: "dnr_registered", Detail: map[string]any{"dnr": "BR 2026/12"}}
	}
	open := []string{string(remiss.StateSent), string(remiss.StateAssigned)}
	if err := s.SetOwnDnr(ctx, change("1"), "BR 2026/12", open); err != nil {
		t.Fatal(err)
	}
	a, _, _, err := s.AssignmentInRound(ctx, asgID)
	if err != nil || a.OwnDnr != "BR 2026/12" {
		t.Fatalf("own dnr %q, %v", a.OwnDnr, err)
	}
	if err := s.SetOwnDnr(ctx, change("2"), "BR 2026/13", []string{string(remiss.StateAnswered)}); !errors.Is(err, store.ErrConflict) {
		t.Errorf("in another state: got %v, want ErrConflict", err)
	}
	if a, _ := s.Assignment(ctx, asgID); a.OwnDnr != "BR 2026/12" {
		t.Errorf("a refused change was stored: %q", a.OwnDnr)
	}
	if audit, _ := s.Audit(ctx, r.ID); len(audit) != 1 || audit[0].Action != "dnr_registered" {
		t.Errorf("audit %+v, want one dnr_registered", audit)
	}
}

// TestOrganisationKeepsItsDnrRule: the rule is stored with the organisation.
func TestOrganisationKeepsItsDnrRule(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	o := remiss.Org{Code: "ubn", Name: "Utbildningsnämnden", Kind: remiss.KindFacknamnd, Email: "ubn@example.se", DnrRule: `^UBN [0-9]{4}/[0-9]+$`}
	if err := s.UpsertOrg(ctx, o); err != nil {
		t.Fatal(err)
	}
	got, err := s.Org(ctx, "ubn")
	if err != nil || got.DnrRule != o.DnrRule {
		t.Errorf("rule %q, %v", got.DnrRule, err)
	}
}
