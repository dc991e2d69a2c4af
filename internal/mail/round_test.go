package mail_test

import (
	"context"
	"fmt"
	"log/slog"
	"mime"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	imail "github.com/remiss/remiss/internal/mail"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/workflows"
)

// TestRoundSendsExactlyTheExpectedMessages runs a whole round with time
// skipping (the real activities, PostgreSQL), then the sender against a real
// SMTP server on loopback, and checks every message: who gets it, for which
// event, at which simulated time, and that it is well-formed MIME with a
// parsable .ics where a deadline belongs.
func TestRoundSendsExactlyTheExpectedMessages(t *testing.T) {
	f := newFixture(t, "unused")
	ctx := context.Background()
	orgs := []string{"bromma", "farsta", "alvsjo", "skarholmen"}
	r := f.remiss
	r.ID, r.Dnr, r.Title = "ks-2016-200-1", "KS 2016/200-1", "Strategi för Stockholm som smart och uppkopplad stad"
	r.Recipients = orgs
	if _, err := f.store.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, remiss.Stockholm)
	day := 24 * time.Hour
	deadlineAt := r.DeadlineAt // 2027-01-16 00:00

	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	// The decision path outlives the round; these tests end with the round.
	env.SetDetachedChildWait(false)
	env.RegisterWorkflow(workflows.RemissWorkflow)
	env.RegisterWorkflow(workflows.AssignmentWorkflow)
	env.RegisterWorkflow(workflows.DecisionWorkflow)
	env.RegisterActivity(&activities.Activities{Store: f.store, BaseURL: "http://localhost:8080", Seals: dbtest.Seals(t)})

	act := func(org string, role remiss.Role) remiss.Actor {
		u := map[remiss.Role]string{remiss.RoleRegistrar: ".registrator", remiss.RoleOfficer: ".handlaggare", remiss.RoleSignatory: ".chef"}[role]
		return remiss.Actor{User: org + u, Org: org, Role: role}
	}
	coord := remiss.Actor{User: "ks.samordnare", Org: "ks", Role: remiss.RoleCoordinator}
	var failures []string
	at := func(d time.Duration, org, name string, arg any) {
		env.RegisterDelayedCallback(func() {
			err := env.UpdateWorkflowByID(workflows.AssignmentWorkflowID(r.ID, org), name, name+org, &testsuite.TestUpdateCallback{
				OnReject: func(err error) { failures = append(failures, fmt.Sprintf("%s %s: %v", org, name, err)) },
				OnAccept: func() {},
				OnComplete: func(_ any, err error) {
					if err != nil {
						failures = append(failures, fmt.Sprintf("%s %s: %v", org, name, err))
					}
				},
			}, arg)
			if err != nil {
				failures = append(failures, err.Error())
			}
		}, d)
	}
	version := func(org string) workflows.VersionRequest {
		o, _ := f.store.Org(ctx, org)
		v, err := f.store.SaveResponseVersion(ctx, remiss.AssignmentID(r.ID, org), demo.SampleResponse(o), org+".handlaggare")
		if err != nil {
			t.Fatal(err)
		}
		return workflows.VersionRequest{Actor: act(org, remiss.RoleOfficer), VersionID: v.ID, SHA256: v.SHA256}
	}
	note := func(org, kind string) string {
		id, err := f.store.AddNote(ctx, remiss.AssignmentID(r.ID, org), kind, "Motivering.", org+".registrator")
		if err != nil {
			t.Fatal(err)
		}
		return id
	}

	b, a := version("bromma"), version("alvsjo")
	at(time.Hour, "bromma", workflows.UpdateAssign, workflows.AssignRequest{Actor: act("bromma", remiss.RoleRegistrar), Officer: "bromma.handlaggare"})
	at(time.Hour, "alvsjo", workflows.UpdateAssign, workflows.AssignRequest{Actor: act("alvsjo", remiss.RoleRegistrar), Officer: "alvsjo.handlaggare"})
	at(2*day, "bromma", workflows.UpdateSubmit, b)
	at(3*day, "bromma", workflows.UpdateApprove, workflows.ApproveRequest{Actor: act("bromma", remiss.RoleSignatory), SHA256: b.SHA256})
	at(5*day, "farsta", workflows.UpdateDecline, workflows.NoteRequest{Actor: act("farsta", remiss.RoleSignatory), NoteID: note("farsta", "decline")})
	at(10*day, "alvsjo", workflows.UpdateRequestExtension, workflows.ExtensionRequest{Actor: act("alvsjo", remiss.RoleRegistrar), Until: "2027-02-15", NoteID: note("alvsjo", "extension")})
	at(11*day, "alvsjo", workflows.UpdateDecideExtension, workflows.ExtensionDecision{Actor: coord, Approve: true})
	answerAlvsjo := time.Date(2027, 2, 10, 10, 0, 0, 0, remiss.Stockholm).Sub(start)
	at(answerAlvsjo, "alvsjo", workflows.UpdateSubmit, a)
	at(answerAlvsjo+time.Hour, "alvsjo", workflows.UpdateApprove, workflows.ApproveRequest{Actor: act("alvsjo", remiss.RoleSignatory), SHA256: a.SHA256})

	// The round closes a week after Älvsjö's new svarsdatum; KS's own
	// statement is then assigned, written and approved.
	closed := time.Date(2027, 2, 23, 0, 0, 0, 0, remiss.Stockholm).Sub(start)
	at(closed+time.Hour, remiss.KS, workflows.UpdateAssign, workflows.AssignRequest{Actor: act(remiss.KS, remiss.RoleRegistrar), Officer: "ks.handlaggare"})
	ksVersion := func() workflows.VersionRequest {
		o, _ := f.store.Org(ctx, remiss.KS)
		v, err := f.store.SaveResponseVersion(ctx, remiss.StatementAssignmentID(r.ID), demo.SampleResponse(o), "ks.handlaggare")
		if err != nil {
			t.Error(err)
		}
		return workflows.VersionRequest{Actor: act(remiss.KS, remiss.RoleOfficer), VersionID: v.ID, SHA256: v.SHA256}
	}
	env.RegisterDelayedCallback(func() {
		at(time.Hour, remiss.KS, workflows.UpdateSubmit, ksVersion())
		at(2*time.Hour, remiss.KS, workflows.UpdateApprove, workflows.ApproveRequest{Actor: act(remiss.KS, remiss.RoleSignatory), SHA256: ksVersion().SHA256})
	}, closed+2*time.Hour)
	env.ExecuteWorkflow(workflows.RemissWorkflow, workflows.RemissInput{RemissID: r.ID, DeadlineAt: deadlineAt, Recipients: orgs,
		Reminders: []string{"14d", "3d"}, EscalateAfter: "3d", Grace: "7d", Coordinator: coord})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if len(failures) > 0 {
		t.Fatalf("updates failed: %v", failures)
	}

	newEnd := time.Date(2027, 2, 16, 0, 0, 0, 0, remiss.Stockholm)
	reg := func(org string) string { return "registrator." + org + "@" + demo.Domain }
	user := func(name string) string { return name + "@" + demo.Domain }
	type exp struct {
		kind, to string
		at       time.Time
	}
	want := []exp{
		{"remiss_sent", reg("bromma"), start}, {"remiss_sent", reg("farsta"), start},
		{"remiss_sent", reg("alvsjo"), start}, {"remiss_sent", reg("skarholmen"), start},
		{"assigned", user("bromma.handlaggare"), start.Add(time.Hour)}, {"assigned", user("alvsjo.handlaggare"), start.Add(time.Hour)},
		{"submitted", user("bromma.chef"), start.Add(2 * day)}, {"receipt", user("bromma.handlaggare"), start.Add(2 * day)},
		{"statement_ready", reg("bromma"), start.Add(3 * day)},
		{"declined", user("ks.samordnare"), start.Add(5 * day)},
		{"extension_requested", user("ks.samordnare"), start.Add(10 * day)},
		{"extension_decided", reg("alvsjo"), start.Add(11 * day)},
		{"reminder", reg("skarholmen"), deadlineAt.Add(-14 * day)}, {"reminder", reg("skarholmen"), deadlineAt.Add(-3 * day)},
		{"overdue", reg("skarholmen"), deadlineAt}, {"escalation", user("ks.samordnare"), deadlineAt.Add(3 * day)},
		{"reminder", user("alvsjo.handlaggare"), newEnd.Add(-14 * day)},
		{"submitted", user("alvsjo.chef"), start.Add(answerAlvsjo)}, {"receipt", user("alvsjo.handlaggare"), start.Add(answerAlvsjo)},
		{"statement_ready", reg("alvsjo"), start.Add(answerAlvsjo + time.Hour)},
		{"round_closed", reg("bromma"), newEnd.Add(7 * day)}, {"round_closed", reg("farsta"), newEnd.Add(7 * day)},
		{"round_closed", reg("alvsjo"), newEnd.Add(7 * day)}, {"round_closed", reg("skarholmen"), newEnd.Add(7 * day)},
		{"statement_drafted", reg("ks"), newEnd.Add(7 * day)}, {"statement_drafted", user("ks.samordnare"), newEnd.Add(7 * day)},
		{"assigned", user("ks.handlaggare"), newEnd.Add(7*day + time.Hour)},
		{"submitted", user("ks.chef"), newEnd.Add(7*day + 3*time.Hour)}, {"receipt", user("ks.handlaggare"), newEnd.Add(7*day + 3*time.Hour)},
		{"statement_approved", reg("ks"), newEnd.Add(7*day + 4*time.Hour)}, {"statement_approved", user("ks.samordnare"), newEnd.Add(7*day + 4*time.Hour)},
	}
	key := func(e exp) string { return e.at.UTC().Format(time.RFC3339) + " " + e.kind + " " + e.to }
	var wantKeys, gotKeys []string
	for _, e := range want {
		wantKeys = append(wantKeys, key(e))
	}
	out, err := f.store.Outbox(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range out {
		gotKeys = append(gotKeys, key(exp{m.Kind, m.Recipient, m.EventAt}))
	}
	sort.Strings(wantKeys)
	sort.Strings(gotKeys)
	if strings.Join(gotKeys, "\n") != strings.Join(wantKeys, "\n") {
		t.Errorf("outbox:\n%s\n\nwant:\n%s", strings.Join(gotKeys, "\n"), strings.Join(wantKeys, "\n"))
	}

	// Deliver them all over SMTP and read them as a mail client would.
	if n, err := f.sender().SendDue(ctx); err != nil || n != len(want) {
		t.Fatalf("sent %d of %d: %v", n, len(want), err)
	}
	byID := map[string]bool{}
	var dec mime.WordDecoder
	kindOf := map[string]string{}
	for _, m := range out {
		kindOf[imail.MessageID(m.ID, "example.stockholm.se")] = m.Kind
	}
	for _, got := range f.catcher.Messages() {
		kind := kindOf[got.MessageID]
		if kind == "" || byID[got.MessageID] {
			t.Errorf("unexpected or repeated message %s", got.MessageID)
			continue
		}
		byID[got.MessageID] = true
		msg, parts := parse(t, got.Raw)
		subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
		if !strings.Contains(subject, "KS 2016/200-1 Strategi för Stockholm som smart och uppkopplad stad") {
			t.Errorf("%s: subject %q", kind, subject)
		}
		text := find(parts, "text/plain")
		if text == nil || find(parts, "text/html") == nil || !strings.Contains(string(text.Body), "http://localhost:8080/") {
			t.Errorf("%s: text or html part missing, or no link", kind)
		}
		ics := find(parts, "text/calendar")
		switch kind {
		case "remiss_sent", "assigned", "reminder", "extension_decided":
			if ics == nil {
				t.Errorf("%s: no .ics", kind)
				break
			}
			props := parseICS(t, ics.Body)
			wantDate := "20270115"
			if kind == "extension_decided" || strings.Contains(got.To[0], "alvsjo.handlaggare") && kind == "reminder" {
				wantDate = "20270215"
			}
			if strings.Contains(got.To[0], "ks.handlaggare") {
				wantDate = "20270325" // KS's own statement: thirty days from the close
			}
			if props["SEQUENCE"] != wantDate {
				t.Errorf("%s: SEQUENCE %s, want %s (a moved date must have a higher one)", kind, props["SEQUENCE"], wantDate)
			}
			if props["DTSTART;VALUE=DATE"] != wantDate {
				t.Errorf("%s to %s: .ics on %s, want %s", kind, got.To[0], props["DTSTART;VALUE=DATE"], wantDate)
			}
		default:
			if ics != nil {
				t.Errorf("%s: unexpected .ics", kind)
			}
		}
		pdfPart := find(parts, "application/pdf")
		switch kind {
		case "remiss_sent", "statement_ready", "statement_approved":
			if pdfPart == nil || !strings.HasPrefix(string(pdfPart.Body), "%PDF-") {
				t.Errorf("%s: no PDF attached", kind)
			}
		}
	}
	if len(byID) != len(want) {
		t.Errorf("delivered %d distinct messages, want %d", len(byID), len(want))
	}
}
