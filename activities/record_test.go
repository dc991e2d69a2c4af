package activities_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Record reads what an action needs in one statement: an answer saved or
// submitted, an assignment, a return and the others cost that read and
// their write. Each tells whom it told before, a user that does not exist
// is told nothing, and a version or note that is not the assignment's is
// refused for good, as is an assignment that does not exist.
func TestRecordReadsOnceAndTellsWhomEachActionNeeds(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	a := &activities.Activities{Store: s, BaseURL: "http://localhost:8080"}
	outside := []remiss.ExternalRecipient{{Name: "Hyresgästföreningen", Email: "info@hyresgast.example"}, {Name: "Naturskyddsföreningen", Email: "info@natur.example"}}
	if err := s.EnsureExternalOrgs(ctx, outside); err != nil {
		t.Fatal(err)
	}
	linked, unlinked := remiss.ExternalCode(outside[0].Email), remiss.ExternalCode(outside[1].Email)
	r := store.Remiss{ID: "ks-2016-171-911", Dnr: "KS 2016/171-911", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: "2027-01-15", DeadlineAt: time.Date(2027, 1, 16, 0, 0, 0, 0, remiss.Stockholm),
		Reminders: []string{"14d"}, Grace: "7d", Coordinator: "ks.samordnare", Recipients: []string{"bromma", "farsta", "alvsjo", linked, unlinked}}
	if _, err := s.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	asg := func(org string) string { return remiss.AssignmentID(r.ID, org) }
	if err := s.CreateLinks(ctx, map[string]store.NewLink{asg(linked): {Nonce: make([]byte, 16), Hash: make([]byte, 32)}}); err != nil {
		t.Fatal(err)
	}
	version := func(org string) store.ResponseVersion {
		v, err := s.SaveResponseVersion(ctx, asg(org), demo.SampleResponse(remiss.Org{Name: org}), "bromma.handlaggare")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	note := func(org, kind string) string {
		id, err := s.AddNote(ctx, asg(org), kind, "Motivering för "+kind, org+".chef")
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	bv, fv, ev := version("bromma"), version("farsta"), version(linked)
	at := time.Date(2026, 12, 10, 10, 0, 0, 0, remiss.Stockholm)
	officer := remiss.Actor{User: "bromma.handlaggare", Org: "bromma", Role: remiss.RoleOfficer}
	chef := remiss.Actor{User: "bromma.chef", Org: "bromma", Role: remiss.RoleSignatory}
	mail := func(user string) string { return user + "@" + demo.Domain }
	for i, tc := range []struct {
		rec        activities.RecordInput
		told       []string // kind→recipient, in order
		err        string   // the refusal's type, "" for none
		statements int64    // run through the store's prepared statements
	}{
		{rec: activities.RecordInput{AssignmentID: asg("bromma"), Action: activities.ActionAssigned, State: remiss.StateAssigned, Officer: "bromma.handlaggare"},
			told: []string{"assigned→" + mail("bromma.handlaggare")}, statements: 2},
		{rec: activities.RecordInput{AssignmentID: asg("bromma"), Action: activities.ActionDraftSaved, State: remiss.StateDrafting, VersionID: bv.ID, SHA256: bv.SHA256},
			statements: 2},
		{rec: activities.RecordInput{AssignmentID: asg("bromma"), Action: activities.ActionSubmitted, State: remiss.StateSubmitted, VersionID: bv.ID, SHA256: bv.SHA256},
			told: []string{"submitted→" + mail("bromma.chef"), "receipt→" + mail("bromma.handlaggare")}, statements: 2},
		{rec: activities.RecordInput{AssignmentID: asg("bromma"), Action: activities.ActionReturned, State: remiss.StateDrafting, NoteID: note("bromma", "return"), Actor: chef},
			told: []string{"returned→" + mail("bromma.handlaggare")}, statements: 2},
		{rec: activities.RecordInput{AssignmentID: asg("bromma"), Action: activities.ActionSubmitted, State: remiss.StateSubmitted, VersionID: bv.ID, SHA256: bv.SHA256, Late: true},
			told: []string{"submitted→" + mail("bromma.chef"), "receipt→" + mail("bromma.handlaggare")}, statements: 2},
		{rec: activities.RecordInput{AssignmentID: asg("bromma"), Action: activities.ActionApproved, State: remiss.StateApproved, Actor: chef},
			statements: 2},
		{rec: activities.RecordInput{AssignmentID: asg("farsta"), Action: activities.ActionDeclineProposed, State: remiss.StateDeclineProposed, NoteID: note("farsta", "decline")},
			told: []string{"decline_proposed→" + mail("farsta.chef")}, statements: 2},
		// Nobody has Farsta's assignment: its registrator's mailbox hears.
		{rec: activities.RecordInput{AssignmentID: asg("farsta"), Action: activities.ActionReturned, State: remiss.StateSent, NoteID: note("farsta", "return")},
			told: []string{"returned→registrator.farsta@" + demo.Domain}, statements: 2},
		// A decline, freeing a meeting, and an extension go through a
		// transaction of statements of their own.
		{rec: activities.RecordInput{AssignmentID: asg("farsta"), Action: activities.ActionDeclined, State: remiss.StateDeclined, NoteID: note("farsta", "decline")},
			told: []string{"declined→" + mail("ks.samordnare")}, statements: 1},
		{rec: activities.RecordInput{AssignmentID: asg("alvsjo"), Action: activities.ActionExtensionAsked, State: remiss.StateSent, NoteID: note("alvsjo", "extension"),
			ExtensionID: asg("alvsjo") + ".anstand-1", Until: "2027-02-15"},
			told: []string{"extension_requested→" + mail("ks.samordnare")}, statements: 1},
		{rec: activities.RecordInput{AssignmentID: asg("alvsjo"), Action: activities.ActionExtensionDecided, State: remiss.StateSent,
			ExtensionID: asg("alvsjo") + ".anstand-1", Until: "2027-02-15", UntilAt: time.Date(2027, 2, 16, 0, 0, 0, 0, remiss.Stockholm), Approved: true},
			told: []string{"extension_decided→registrator.alvsjo@" + demo.Domain}, statements: 1},
		// A user removed since is told nothing.
		{rec: activities.RecordInput{AssignmentID: asg("alvsjo"), Action: activities.ActionSubmitted, State: remiss.StateSubmitted,
			Actor: remiss.Actor{User: "ingen.alls", Org: "alvsjo", Role: remiss.RoleOfficer}},
			told: []string{"submitted→" + mail("alvsjo.chef")}, statements: 2},
		{rec: activities.RecordInput{AssignmentID: asg(linked), Action: activities.ActionReceived, State: remiss.StateApproved, VersionID: ev.ID, SHA256: ev.SHA256},
			statements: 2},
		{rec: activities.RecordInput{AssignmentID: asg("alvsjo"), Action: activities.ActionAssignmentRevoked, State: remiss.StateWithdrawn},
			statements: 2},
		// Refused for good, having written nothing.
		{rec: activities.RecordInput{AssignmentID: asg(unlinked), Action: activities.ActionMissed, State: remiss.StateMissed},
			err: "NotFound", statements: 1},
		{rec: activities.RecordInput{AssignmentID: asg("bromma"), Action: activities.ActionSubmitted, State: remiss.StateSubmitted, VersionID: fv.ID, SHA256: fv.SHA256},
			err: "BadInput", statements: 1},
		{rec: activities.RecordInput{AssignmentID: asg("bromma"), Action: activities.ActionSubmitted, State: remiss.StateSubmitted, VersionID: bv.ID, SHA256: fv.SHA256},
			err: "BadInput", statements: 1},
		{rec: activities.RecordInput{AssignmentID: asg("bromma"), Action: activities.ActionReturned, State: remiss.StateDrafting, NoteID: note("farsta", "return")},
			err: "BadInput", statements: 1},
		{rec: activities.RecordInput{AssignmentID: asg("stokab"), Action: activities.ActionSubmitted, State: remiss.StateSubmitted, VersionID: bv.ID},
			err: "NotFound", statements: 1},
		{rec: activities.RecordInput{AssignmentID: asg("bromma"), Action: "okänd", State: remiss.StateSubmitted},
			err: "BadInput", statements: 1},
	} {
		in := tc.rec
		in.EventKey, in.At = fmt.Sprintf("%s.%03d.%s", in.AssignmentID, i, in.Action), at
		if in.Actor.User == "" {
			in.Actor = officer
		}
		t.Run(string(in.Action)+" "+in.AssignmentID, func(t *testing.T) {
			audit, _ := s.Audit(ctx, r.ID)
			before := s.PreparedRuns()
			_, err := a.Record(ctx, in)
			if n := s.PreparedRuns() - before; n != tc.statements {
				t.Errorf("%d statements, want %d", n, tc.statements)
			}
			var appErr *temporal.ApplicationError
			switch {
			case tc.err == "" && err != nil:
				t.Fatal(err)
			case tc.err != "" && !(errors.As(err, &appErr) && appErr.Type() == tc.err && appErr.NonRetryable()):
				t.Fatalf("error %v, want a non-retryable %s", err, tc.err)
			}
			after, _ := s.Audit(ctx, r.ID)
			if wrote := len(after) - len(audit); wrote != map[bool]int{true: 1, false: 0}[tc.err == ""] {
				t.Errorf("%d audit rows", wrote)
			}
			out, err := s.Outbox(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			var told []string
			for _, m := range out {
				if strings.HasPrefix(m.ID, in.EventKey+".") {
					told = append(told, m.ID[len(in.EventKey)+1:]+"→"+m.Recipient)
				}
			}
			slices.Sort(told)
			var want []string
			for i, k := range tc.told {
				kind, _, _ := strings.Cut(k, "→")
				want = append(want, kind+"."+string(rune('0'+i))+k[len(kind):])
			}
			slices.Sort(want)
			if !slices.Equal(told, want) {
				t.Errorf("told %q, want %q", told, want)
			}
		})
	}
}
