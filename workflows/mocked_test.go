package workflows

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
)

// These tests run the assignment workflow with every activity mocked
// (env.OnActivity): no database, milliseconds each. They check what the
// workflow itself decides: when notices are due, and who may act when.
// The tests beside them run the real activities on PostgreSQL.

// mocked is an assignment workflow in the SDK's test environment with
// mocked activities; it records the notices the workflow asks for.
type mocked struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	notices []string // kind and time of each Notify, in order
	records []activities.Action
	plan    activities.DecisionPlan
	edit    func(*AssignmentInput) // changes the input before the run, when set
}

func newMocked(t *testing.T) *mocked {
	var suite testsuite.WorkflowTestSuite
	m := &mocked{t: t, env: suite.NewTestWorkflowEnvironment(), plan: activities.DecisionPlan{Route: remiss.RouteDelegation}}
	m.env.SetStartTime(start)
	m.env.RegisterActivity(&activities.Activities{})
	m.env.OnActivity(a.Notify, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.NotifyInput) (activities.RecordResult, error) {
			m.notices = append(m.notices, fmt.Sprintf("%s %s", in.Kind, in.At.In(remiss.Stockholm).Format("2006-01-02 15:04")))
			return activities.RecordResult{Applied: true}, nil
		})
	m.env.OnActivity(a.Record, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RecordInput) (activities.RecordResult, error) {
			m.records = append(m.records, in.Action)
			return activities.RecordResult{Applied: true}, nil
		})
	m.env.OnActivity(a.PlanDecision, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.PlanInput) (activities.DecisionPlan, error) {
			p := m.plan
			if in.Route != "" {
				p.Route = in.Route
			}
			return p, nil
		})
	m.env.OnActivity(a.RenderStatement, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.StatementInput) (activities.DocumentResult, error) {
			return activities.DocumentResult{DocumentID: "statement." + in.AssignmentID, MeetingID: m.plan.MeetingID,
				AgendaDeadlineAt: m.plan.AgendaDeadlineAt}, nil
		})
	m.env.OnActivity(a.RenderMinutes, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.MinutesInput) (activities.DocumentResult, error) {
			return activities.DocumentResult{DocumentID: "minutes." + in.DecisionID}, nil
		})
	return m
}

func (m *mocked) input() AssignmentInput {
	in := AssignmentInput{RemissID: "ks-2026-200-1", Org: "bromma", DeadlineAt: deadlineAt,
		Reminders: []string{"14d", "3d"}, EscalateAfter: "3d", Route: m.plan.Route}
	if m.edit != nil {
		m.edit(&in)
	}
	return in
}

// update sends an update after d; its outcome lands in *got (nil: accepted).
func (m *mocked) update(d time.Duration, name string, arg any, got *error) {
	m.env.RegisterDelayedCallback(func() {
		m.env.UpdateWorkflow(name, name+fmt.Sprint(d), &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { *got = err },
			OnComplete: func(_ any, err error) { *got = err },
		}, arg)
	}, d)
}

func (m *mocked) run(end time.Duration) AssignmentResult {
	m.env.RegisterDelayedCallback(func() { m.env.SignalWorkflow(SignalClose, nil) }, end)
	m.env.ExecuteWorkflow(AssignmentWorkflow, m.input())
	if err := m.env.GetWorkflowError(); err != nil {
		m.t.Fatal(err)
	}
	var res AssignmentResult
	if err := m.env.GetWorkflowResult(&res); err != nil {
		m.t.Fatal(err)
	}
	return res
}

func stamp(kind activities.NoticeKind, t time.Time) string {
	return fmt.Sprintf("%s %s", kind, t.In(remiss.Stockholm).Format("2006-01-02 15:04"))
}

func TestNoticeScheduleMocked(t *testing.T) {
	t.Run("untouched", func(t *testing.T) {
		m := newMocked(t)
		if res := m.run(60 * day); res.State != remiss.StateMissed {
			t.Errorf("state %s, want missed", res.State)
		}
		want := []string{stamp(activities.NoticeReminder, deadlineAt.Add(-14*day)), stamp(activities.NoticeReminder, deadlineAt.Add(-3*day)),
			stamp(activities.NoticeOverdue, deadlineAt), stamp(activities.NoticeEscalation, deadlineAt.Add(3*day))}
		if fmt.Sprint(m.notices) != fmt.Sprint(want) {
			t.Errorf("notices %v, want %v", m.notices, want)
		}
	})
	t.Run("answered before the second reminder", func(t *testing.T) {
		m := newMocked(t)
		officer := actor("bromma", remiss.RoleOfficer)
		var assigned, submitted, approved error
		m.update(time.Hour, UpdateAssign, AssignRequest{Actor: actor("bromma", remiss.RoleRegistrar), Officer: officer.User}, &assigned)
		sha := fmt.Sprintf("%064x", 1)
		m.update(deadlineAt.Sub(start)-10*day, UpdateSubmit, VersionRequest{Actor: officer, VersionID: "v1", SHA256: sha}, &submitted)
		m.update(deadlineAt.Sub(start)-9*day, UpdateApprove, ApproveRequest{Actor: actor("bromma", remiss.RoleSignatory), SHA256: sha}, &approved)
		if res := m.run(60 * day); res.State != remiss.StateAnswered || res.Late {
			t.Errorf("result %+v, want answered in time", res)
		}
		for _, err := range []error{assigned, submitted, approved} {
			if err != nil {
				t.Error(err)
			}
		}
		if want := []string{stamp(activities.NoticeReminder, deadlineAt.Add(-14*day))}; fmt.Sprint(m.notices) != fmt.Sprint(want) {
			t.Errorf("notices %v, want %v", m.notices, want)
		}
	})
	t.Run("anstånd moves every notice after it", func(t *testing.T) {
		m := newMocked(t)
		newDeadline, _ := remiss.DeadlineEnd("2027-02-05")
		var extended error
		m.update(deadlineAt.Sub(start)-10*day, UpdateDecideExtension, ExtensionDecision{Actor: coord, Approve: true, Until: "2027-02-05"}, &extended)
		m.run(80 * day)
		if extended != nil {
			t.Fatal(extended)
		}
		want := []string{stamp(activities.NoticeReminder, deadlineAt.Add(-14*day)), stamp(activities.NoticeReminder, newDeadline.Add(-14*day)),
			stamp(activities.NoticeReminder, newDeadline.Add(-3*day)), stamp(activities.NoticeOverdue, newDeadline),
			stamp(activities.NoticeEscalation, newDeadline.Add(3*day))}
		if fmt.Sprint(m.notices) != fmt.Sprint(want) {
			t.Errorf("notices %v, want %v", m.notices, want)
		}
	})
	t.Run("a nämnd is reminded before its agenda deadline", func(t *testing.T) {
		m := newMocked(t)
		agenda := deadlineAt.Add(-7 * day)
		m.plan = activities.DecisionPlan{Route: remiss.RouteNamnd, MeetingID: "m1", AgendaDeadlineAt: agenda}
		m.run(60 * day)
		want := []string{stamp(activities.NoticeReminder, agenda.Add(-14*day)), stamp(activities.NoticeReminder, agenda.Add(-3*day)),
			stamp(activities.NoticeOverdue, deadlineAt), stamp(activities.NoticeEscalation, deadlineAt.Add(3*day))}
		if fmt.Sprint(m.notices) != fmt.Sprint(want) {
			t.Errorf("notices %v, want %v", m.notices, want)
		}
	})
}

// TestPermissionTableMocked sends every assignment action, by every role
// at the recipient, at another recipient and at kommunstyrelsen, to an
// assignment in a state that allows the action, and checks that the
// workflow accepts exactly what the policy permits, and that a refusal
// records nothing.
func TestPermissionTableMocked(t *testing.T) {
	sha := fmt.Sprintf("%064x", 7)
	officer, registrar, signatory := actor("bromma", remiss.RoleOfficer), actor("bromma", remiss.RoleRegistrar), actor("bromma", remiss.RoleSignatory)
	type step struct {
		name string
		arg  func(remiss.Actor) any
	}
	assign := step{UpdateAssign, func(a remiss.Actor) any { return AssignRequest{Actor: a, Officer: officer.User} }}
	submit := step{UpdateSubmit, func(a remiss.Actor) any { return VersionRequest{Actor: a, VersionID: "v1", SHA256: sha} }}
	approve := step{UpdateApprove, func(a remiss.Actor) any { return ApproveRequest{Actor: a, SHA256: sha} }}
	ask := step{UpdateRequestExtension, func(a remiss.Actor) any { return ExtensionRequest{Actor: a, Until: "2027-02-01", NoteID: "n1"} }}
	cases := []struct {
		action remiss.Action
		setup  []step
		by     remiss.Actor // who takes the setup steps
		test   step
		namnd  bool
	}{
		{remiss.ActAssign, nil, registrar, assign, false},
		{remiss.ActSaveDraft, []step{assign}, registrar, step{UpdateSaveDraft, submit.arg}, false},
		{remiss.ActSubmit, []step{assign}, registrar, submit, false},
		{remiss.ActReturn, []step{assign, submit}, officer, step{UpdateReturn, func(a remiss.Actor) any { return NoteRequest{Actor: a, NoteID: "n1"} }}, false},
		{remiss.ActApprove, []step{assign, submit}, officer, approve, false},
		{remiss.ActProposeDecline, nil, registrar, step{UpdateProposeDecline, func(a remiss.Actor) any { return NoteRequest{Actor: a, NoteID: "n1"} }}, false},
		{remiss.ActDecline, nil, registrar, step{UpdateDecline, func(a remiss.Actor) any { return NoteRequest{Actor: a, NoteID: "n1"} }}, false},
		{remiss.ActRequestExtension, nil, registrar, ask, false},
		{remiss.ActDecideExtension, []step{ask}, registrar, step{UpdateDecideExtension, func(a remiss.Actor) any { return ExtensionDecision{Actor: a, Approve: true} }}, false},
		{remiss.ActRemindNow, nil, registrar, step{UpdateRemindNow, func(a remiss.Actor) any { return RemindRequest{Actor: a} }}, false},
		{remiss.ActRoute, nil, registrar, step{UpdateRoute, func(a remiss.Actor) any { return RouteRequest{Actor: a, Route: remiss.RouteDelegation} }}, false},
		{remiss.ActDecide, []step{assign, submit, approve}, signatory, step{UpdateDecide, func(a remiss.Actor) any {
			return MinutesRequest{Actor: a, DecisionID: "d1", MeetingID: "m1", Verdict: remiss.VerdictBifall}
		}}, true},
	}
	var actors []remiss.Actor
	for _, org := range []string{"bromma", "farsta", remiss.KS} {
		for _, role := range []remiss.Role{remiss.RoleCoordinator, remiss.RoleRegistrar, remiss.RoleOfficer, remiss.RoleSignatory, remiss.RoleAdmin} {
			actors = append(actors, remiss.Actor{User: "u." + string(role), Org: org, Role: role})
		}
	}
	for _, c := range cases {
		for _, who := range actors {
			t.Run(fmt.Sprintf("%s by %s@%s", c.action, who.Role, who.Org), func(t *testing.T) {
				m := newMocked(t)
				if c.namnd {
					m.plan = activities.DecisionPlan{Route: remiss.RouteNamnd, MeetingID: "m1", AgendaDeadlineAt: deadlineAt.Add(-7 * day)}
				}
				setupErrs := make([]error, len(c.setup))
				for i, s := range c.setup {
					by := c.by
					switch s.name {
					case UpdateAssign:
						by = registrar
					case UpdateSubmit:
						by = officer
					case UpdateApprove:
						by = signatory
					case UpdateRequestExtension:
						by = officer
					}
					m.update(time.Duration(i+1)*time.Hour, s.name, s.arg(by), &setupErrs[i])
				}
				var got error
				m.update(time.Duration(len(c.setup)+1)*time.Hour, c.test.name, c.test.arg(who), &got)
				var recordsBefore int
				m.env.RegisterDelayedCallback(func() { recordsBefore = len(m.records) }, time.Duration(len(c.setup)+1)*time.Hour-time.Minute)
				var recordsAfter int
				m.env.RegisterDelayedCallback(func() { recordsAfter = len(m.records) }, time.Duration(len(c.setup)+1)*time.Hour+time.Minute)
				m.run(2 * day)
				for i, err := range setupErrs {
					if err != nil {
						t.Fatalf("setup %s: %v", c.setup[i].name, err)
					}
				}
				want := remiss.MayAct(c.action, who, "bromma") == nil
				if (got == nil) != want {
					t.Errorf("accepted=%v, want %v (%v)", got == nil, want, got)
				}
				if got != nil {
					if e, ok := Refusal(got); !ok || e.Kind != remiss.KindForbidden {
						t.Errorf("refusal %v is not a forbidden refusal", got)
					}
					if recordsAfter != recordsBefore {
						t.Errorf("a refused update recorded %v", m.records[recordsBefore:recordsAfter])
					}
				}
			})
		}
	}
}
