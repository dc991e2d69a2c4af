package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// RecordContext reads in one statement what AssignmentInRound,
// VersionHead, Note, UsersWithRole, User and LinkOf read apart, for each
// action's needs: the same rows, and nothing where they find nothing.
func TestRecordContextReadsWhatEachActionNeedsInOneStatement(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	external := remiss.ExternalRecipient{Name: "Hyresgästföreningen", Email: "info@hyresgastforeningen.example"}
	if err := s.EnsureExternalOrgs(ctx, []remiss.ExternalRecipient{external}); err != nil {
		t.Fatal(err)
	}
	ext := remiss.ExternalCode(external.Email)
	r := newRound(t, s, "KS 2016/180-908", "bromma", "farsta", ext)
	bromma, farsta, byLink := remiss.AssignmentID(r.ID, "bromma"), remiss.AssignmentID(r.ID, "farsta"), remiss.AssignmentID(r.ID, ext)
	v, err := s.SaveResponseVersion(ctx, bromma, demo.SampleResponse(remiss.Org{Name: "Bromma"}), "bromma.handlaggare")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.SaveResponseVersion(ctx, farsta, demo.SampleResponse(remiss.Org{Name: "Farsta"}), "farsta.handlaggare")
	if err != nil {
		t.Fatal(err)
	}
	note, err := s.AddNote(ctx, bromma, "return", "Förtydliga yrkandet.", "bromma.chef")
	if err != nil {
		t.Fatal(err)
	}
	otherNote, err := s.AddNote(ctx, farsta, "decline", "Berör inte nämnden.", "farsta.registrator")
	if err != nil {
		t.Fatal(err)
	}
	officer := "bromma.handlaggare"
	state := string(remiss.StateAssigned)
	if _, err := s.Apply(ctx, store.Change{EventKey: bromma + ".assigned", At: time.Now(), Actor: "bromma.registrator", RemissID: r.ID,
		AssignmentID: bromma, Action: "assigned", Assignment: &store.AssignmentPatch{State: &state, Officer: &officer}}); err != nil {
		t.Fatal(err)
	}
	user := func(name string) store.User {
		u, err := s.User(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	signatories, err := s.UsersWithRole(ctx, "bromma", remiss.RoleSignatory)
	if err != nil || len(signatories) == 0 {
		t.Fatalf("bromma's signatories %v, %v", signatories, err)
	}
	read := func(q store.RecordQuery) (store.RecordContext, error) {
		t.Helper()
		before := s.PreparedRuns()
		c, err := s.RecordContext(ctx, q)
		if n := s.PreparedRuns() - before; n != 1 {
			t.Errorf("%+v: %d statements, want 1", q, n)
		}
		return c, err
	}
	type recordCase struct {
		name     string
		q        store.RecordQuery
		withRole []store.User
		users    []string
		version  *store.VersionHead
		note     *store.Note
		link     bool // an error for the missing link
	}
	cases := []recordCase{
		{name: "assigned: the officer given", q: store.RecordQuery{AssignmentID: bromma, User: "bromma.handlaggare"},
			users: []string{"bromma.handlaggare"}},
		{name: "draft saved: the version", q: store.RecordQuery{AssignmentID: bromma, VersionID: v.ID},
			version: &store.VersionHead{ID: v.ID, AssignmentID: bromma, SHA256: v.SHA256}},
		{name: "submitted: the version, signatories and the actor",
			q:        store.RecordQuery{AssignmentID: bromma, VersionID: v.ID, Role: remiss.RoleSignatory, User: "bromma.handlaggare"},
			withRole: signatories, users: []string{"bromma.handlaggare"},
			version: &store.VersionHead{ID: v.ID, AssignmentID: bromma, SHA256: v.SHA256}},
		{name: "returned: the note and the assignment's officer", q: store.RecordQuery{AssignmentID: bromma, NoteID: note, Officer: true},
			users: []string{officer}, note: &store.Note{AssignmentID: bromma}},
		{name: "returned with no officer", q: store.RecordQuery{AssignmentID: farsta, Officer: true}},
		{name: "declined: the round's Coordinator", q: store.RecordQuery{AssignmentID: farsta, NoteID: otherNote, Coordinator: true},
			users: []string{r.Coordinator}, note: &store.Note{AssignmentID: farsta}},
		{name: "every user at once, once each",
			q:        store.RecordQuery{AssignmentID: bromma, Role: remiss.RoleSignatory, User: "bromma.chef", Officer: true, Coordinator: true},
			withRole: signatories, users: []string{"bromma.chef", "ks.samordnare", officer}},
		{name: "an unknown user", q: store.RecordQuery{AssignmentID: bromma, User: "ingen.alls"}},
		{name: "a missing version and note", q: store.RecordQuery{AssignmentID: bromma, VersionID: bromma + ".v-0000000000000000", NoteID: "saknas"}},
		{name: "another assignment's version and note", q: store.RecordQuery{AssignmentID: bromma, VersionID: other.ID, NoteID: otherNote},
			version: &store.VersionHead{ID: other.ID, AssignmentID: farsta, SHA256: other.SHA256}, note: &store.Note{AssignmentID: farsta}},
		{name: "by link without a link and without signatories", q: store.RecordQuery{AssignmentID: byLink, Role: remiss.RoleSignatory}, link: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := read(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			asg, rr, org, err := s.AssignmentInRound(ctx, tc.q.AssignmentID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Assignment, asg) || !reflect.DeepEqual(c.Remiss, rr) || c.Org != org {
				t.Errorf("read\n%+v\n%+v\n%+v\nAssignmentInRound\n%+v\n%+v\n%+v", c.Assignment, c.Remiss, c.Org, asg, rr, org)
			}
			if !reflect.DeepEqual(c.WithRole, tc.withRole) {
				t.Errorf("with role %+v, want %+v", c.WithRole, tc.withRole)
			}
			want := map[string]store.User{}
			for _, name := range tc.users {
				want[name] = user(name)
			}
			if !reflect.DeepEqual(c.Users, want) {
				t.Errorf("users %+v, want %+v", c.Users, want)
			}
			if !reflect.DeepEqual(c.Version, tc.version) || !reflect.DeepEqual(c.Note, tc.note) {
				t.Errorf("version %+v note %+v, want %+v %+v", c.Version, c.Note, tc.version, tc.note)
			}
			if _, linkErr := s.LinkOf(ctx, tc.q.AssignmentID); (c.Link != nil) != tc.link || (c.Link == nil) != (linkErr == nil || !org.ByLink) ||
				c.Link != nil && c.Link.Error() != linkErr.Error() {
				t.Errorf("link %v, LinkOf %v", c.Link, linkErr)
			}
		})
	}
	// Each combination of parts is planned once for any parameters (a
	// generic plan), not again on every run: after its first five runs
	// PostgreSQL keeps a custom plan only while it promises to be cheaper.
	s.DB().SetMaxOpenConns(1) // pg_prepared_statements is the connection's
	for _, tc := range cases {
		for range 8 {
			if _, err := s.RecordContext(ctx, tc.q); err != nil {
				t.Fatal(err)
			}
		}
	}
	rows, err := s.DB().QueryContext(ctx, `SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%answer_links l%'`)
	if err != nil {
		t.Fatal(err)
	}
	statements := 0
	for rows.Next() {
		var text string
		var generic, custom int
		if err := rows.Scan(&text, &generic, &custom); err != nil {
			t.Fatal(err)
		}
		statements++
		if custom > 5 || generic == 0 {
			t.Errorf("%d generic and %d custom plans of%s", generic, custom, text)
		}
	}
	if rows.Close(); statements < 5 {
		t.Errorf("%d statements prepared on the connection", statements)
	}
	// Its link made, the assignment by link has it.
	if err := s.CreateLinks(ctx, map[string]store.NewLink{byLink: {Nonce: make([]byte, 16), Hash: make([]byte, 32)}}); err != nil {
		t.Fatal(err)
	}
	if c, err := read(store.RecordQuery{AssignmentID: byLink}); err != nil || c.Link != nil || !c.Org.ByLink {
		t.Errorf("by link with its link: %v, %v", c.Link, err)
	}
	// An assignment that does not exist is not found, as by AssignmentInRound.
	if _, err := read(store.RecordQuery{AssignmentID: bromma + "-saknas", VersionID: v.ID, User: officer}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing assignment: %v", err)
	}
}
