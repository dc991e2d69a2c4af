package rounds

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// fakeTemporal answers the status query with status and every update with
// refuse; any other call panics (the embedded client is nil).
type fakeTemporal struct {
	client.Client
	status  workflows.AssignmentStatus
	refuse  error
	updates []string
	queries int
}

type value struct{ v any }

func (v value) HasValue() bool { return true }
func (v value) Get(ptr any) error {
	b, err := json.Marshal(v.v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, ptr)
}

func (f *fakeTemporal) QueryWorkflow(context.Context, string, string, string, ...any) (converter.EncodedValue, error) {
	f.queries++
	return value{f.status}, nil
}

func (f *fakeTemporal) UpdateWorkflow(_ context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
	f.updates = append(f.updates, o.UpdateName)
	if f.refuse != nil {
		return nil, f.refuse
	}
	return handle{f.status}, nil
}

// handle is an accepted update's, answering with the status.
type handle struct{ status workflows.AssignmentStatus }

func (handle) WorkflowID() string                     { return "" }
func (handle) RunID() string                          { return "" }
func (handle) UpdateID() string                       { return "" }
func (h handle) Get(_ context.Context, out any) error { return value{h.status}.Get(out) }

// workflowConflict is a workflow's refusal as the client hands it back:
// the state changed between the status and the update.
func workflowConflict(t *testing.T) error {
	err := temporal.NewApplicationError("ändrat", "Refusal."+remiss.KindConflict.String(), "åtgärden är inte möjlig i uppdragets nuvarande läge", remiss.FieldErrors(nil))
	if _, ok := workflows.Refusal(err); !ok {
		t.Fatal("the fake refusal is not one the workflows' Refusal reads")
	}
	return err
}

type refusalFixture struct {
	svc   *Service
	tc    *fakeTemporal
	asg   string
	reply remiss.Response
}

func newRefusalFixture(t *testing.T) *refusalFixture {
	ctx := context.Background()
	st := dbtest.OpenSeeded(t)
	deadlineAt := time.Date(2027, 1, 16, 0, 0, 0, 0, remiss.Stockholm)
	r := store.Remiss{ID: "ks-2026-404-1", Dnr: "KS 2026/404-1", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: "2027-01-15", DeadlineAt: deadlineAt, Reminders: []string{"14d"}, Grace: "7d", Coordinator: "ks.samordnare",
		Recipients: []string{"bromma"}}
	if _, err := st.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	o, err := st.Org(ctx, "bromma")
	if err != nil {
		t.Fatal(err)
	}
	tc := &fakeTemporal{status: workflows.AssignmentStatus{State: remiss.StateDrafting, DeadlineAt: deadlineAt}}
	return &refusalFixture{svc: &Service{Store: st, Temporal: tc}, tc: tc, asg: remiss.AssignmentID(r.ID, "bromma"), reply: demo.SampleResponse(o)}
}

func (f *refusalFixture) rows(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.svc.Store.DB().QueryRow(`SELECT count(*) FROM `+table+` WHERE assignment_id=$1`, f.asg).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func refused(t *testing.T, what string, err error, kind remiss.Kind) *remiss.Error {
	t.Helper()
	e, ok := remiss.AsError(err)
	if !ok || e.Kind != kind {
		t.Fatalf("%s: %v, want a %s refusal", what, err, kind)
	}
	return e
}

var (
	officer   = remiss.Actor{User: "bromma.handlaggare", Org: "bromma", Role: remiss.RoleOfficer}
	registrar = remiss.Actor{User: "bromma.registrator", Org: "bromma", Role: remiss.RoleRegistrar}
	signatory = remiss.Actor{User: "bromma.chef", Org: "bromma", Role: remiss.RoleSignatory}
	coord     = remiss.Actor{User: "ks.samordnare", Org: remiss.KS, Role: remiss.RoleCoordinator}
)

// TestRefusedActionWritesNothing: an action the workflow refuses after
// its status said it was possible (it changed in between) leaves no
// version and no note behind.
func TestRefusedActionWritesNothing(t *testing.T) {
	ctx := context.Background()
	f := newRefusalFixture(t)
	f.tc.refuse = workflowConflict(t)
	for what, act := range map[string]func() error{
		"submit":     func() error { _, err := f.svc.Submit(ctx, officer, f.asg, f.reply); return err },
		"save draft": func() error { _, err := f.svc.SaveDraft(ctx, officer, f.asg, f.reply); return err },
		"decline": func() error {
			_, err := f.svc.Decline(ctx, registrar, f.asg, "Ärendet berör inte nämnden", "")
			return err
		},
		"return": func() error { _, err := f.svc.Return(ctx, signatory, f.asg, "Komplettera"); return err },
		"anstånd": func() error {
			_, err := f.svc.RequestExtension(ctx, registrar, f.asg, "2027-02-15", "Nämnden sammanträder i februari")
			return err
		},
	} {
		if what == "return" {
			f.tc.status.State = remiss.StateSubmitted
		}
		refused(t, what, act(), remiss.KindConflict)
		f.tc.status.State = remiss.StateDrafting
	}
	if len(f.tc.updates) != 5 {
		t.Errorf("updates sent %v, want each action's", f.tc.updates)
	}
	if n, m := f.rows(t, "response_versions"), f.rows(t, "notes"); n != 0 || m != 0 {
		t.Errorf("refused actions left %d versions and %d notes", n, m)
	}
}

// TestActionImpossibleNowIsNotStored: an action the workflow's status
// already rules out is refused before anything is stored or sent.
func TestActionImpossibleNowIsNotStored(t *testing.T) {
	ctx := context.Background()
	f := newRefusalFixture(t)
	f.tc.status.State = remiss.StateAnswered
	_, err := f.svc.Submit(ctx, officer, f.asg, f.reply)
	refused(t, "submit when answered", err, remiss.KindConflict)
	_, err = f.svc.Decline(ctx, registrar, f.asg, "Avstår", "")
	refused(t, "decline when answered", err, remiss.KindConflict)
	f.tc.status.State, f.tc.status.RoundClosing = remiss.StateDrafting, true
	_, err = f.svc.SaveDraft(ctx, officer, f.asg, f.reply)
	if e := refused(t, "draft while the round closes", err, remiss.KindConflict); !strings.Contains(e.Reason, "avslutas") {
		t.Errorf("draft while the round closes: %v", e)
	}
	f.tc.status.RoundClosing = false
	f.tc.status.Pending = &workflows.Extension{ID: f.asg + ".ext-1", Until: "2027-02-01"}
	_, err = f.svc.RequestExtension(ctx, registrar, f.asg, "2027-02-15", "Sammanträde i februari")
	if e := refused(t, "a second anstånd request", err, remiss.KindConflict); !strings.Contains(e.Reason, "väntar redan") {
		t.Errorf("a second anstånd request: %v", e)
	}
	if len(f.tc.updates) != 0 {
		t.Errorf("updates sent %v", f.tc.updates)
	}
	if n, m := f.rows(t, "response_versions"), f.rows(t, "notes"); n != 0 || m != 0 {
		t.Errorf("refused actions left %d versions and %d notes", n, m)
	}
}

// TestAnswerAllowedByTheDatabaseAsksNoQuery: an answer whose state in the
// database allows it goes to the update without the status query; when the
// workflow refuses it all the same (its round closing, say) the version is
// discarded, and an accepted one is stored once.
func TestAnswerAllowedByTheDatabaseAsksNoQuery(t *testing.T) {
	ctx := context.Background()
	f := newRefusalFixture(t)
	drafting := string(remiss.StateDrafting)
	if _, err := f.svc.Store.Apply(ctx, store.Change{EventKey: f.asg + ".001.assigned", At: time.Now(), Actor: registrar.User,
		RemissID: "ks-2026-404-1", AssignmentID: f.asg, Action: "assigned",
		Assignment: &store.AssignmentPatch{State: &drafting}}); err != nil {
		t.Fatal(err)
	}
	f.tc.status.State, f.tc.status.RoundClosing = remiss.StateDrafting, true
	f.tc.refuse = workflowConflict(t)
	_, err := f.svc.Submit(ctx, officer, f.asg, f.reply)
	refused(t, "submit while the round closes", err, remiss.KindConflict)
	_, err = f.svc.SaveDraft(ctx, officer, f.asg, f.reply)
	refused(t, "draft while the round closes", err, remiss.KindConflict)
	if n := f.rows(t, "response_versions"); n != 0 {
		t.Errorf("refused answers left %d versions", n)
	}
	f.tc.refuse, f.tc.status.RoundClosing = nil, false
	if _, err := f.svc.Submit(ctx, officer, f.asg, f.reply); err != nil {
		t.Fatal(err)
	}
	if n := f.rows(t, "response_versions"); n != 1 {
		t.Errorf("an accepted answer left %d versions, want 1", n)
	}
	if f.tc.queries != 0 || len(f.tc.updates) != 3 {
		t.Errorf("%d status queries and updates %v, want none and each answer's", f.tc.queries, f.tc.updates)
	}
}

// TestRefusedSubmitKeepsAnAcceptedDraft: the same text saved as a draft
// (accepted: the audit trail names it) stays when its submission is
// refused.
func TestRefusedSubmitKeepsAnAcceptedDraft(t *testing.T) {
	ctx := context.Background()
	f := newRefusalFixture(t)
	v, err := f.svc.Store.SaveResponseVersion(ctx, f.asg, f.reply, officer.User)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Store.Apply(ctx, store.Change{EventKey: f.asg + ".001.draft-saved", At: time.Now(), Actor: officer.User,
		RemissID: "ks-2026-404-1", AssignmentID: f.asg, Action: "draft-saved", Detail: map[string]any{"version": v.ID},
		Assignment: &store.AssignmentPatch{ResponseVersionID: &v.ID}}); err != nil {
		t.Fatal(err)
	}
	f.tc.refuse = workflowConflict(t)
	_, err = f.svc.Submit(ctx, officer, f.asg, f.reply)
	refused(t, "submit", err, remiss.KindConflict)
	if _, err := f.svc.Store.VersionHead(ctx, v.ID); err != nil {
		t.Errorf("the accepted draft is gone: %v", err)
	}
}

// TestExtensionPastTheLimitIsRefused: anstånd to 2999 is refused on until,
// asked for or granted, before the workflow hears of it; to the limit
// (MaxExtension past the svarsdatum) it goes on.
func TestExtensionPastTheLimitIsRefused(t *testing.T) {
	ctx := context.Background()
	f := newRefusalFixture(t)
	_, err := f.svc.RequestExtension(ctx, registrar, f.asg, "2999-01-01", "Vi behöver tid")
	if e := refused(t, "asked until 2999", err, remiss.KindInvalid); !strings.Contains(e.Fields.For("until"), "längst till 2028-01-15") {
		t.Errorf("asked until 2999: %+v", e)
	}
	_, err = f.svc.DecideExtension(ctx, coord, f.asg, true, "2999-01-01")
	if e := refused(t, "granted until 2999", err, remiss.KindInvalid); !strings.Contains(e.Fields.For("until"), "längst till 2028-01-15") {
		t.Errorf("granted until 2999: %+v", e)
	}
	f.svc.MaxExtension = 30 * 24 * time.Hour
	_, err = f.svc.DecideExtension(ctx, coord, f.asg, true, "2027-02-15")
	if e := refused(t, "granted past 30 days", err, remiss.KindInvalid); !strings.Contains(e.Fields.For("until"), "längst till 2027-02-14") {
		t.Errorf("granted past 30 days: %+v", e)
	}
	if len(f.tc.updates) != 0 || f.rows(t, "notes") != 0 {
		t.Errorf("updates %v, notes %d", f.tc.updates, f.rows(t, "notes"))
	}
	if _, err := f.svc.DecideExtension(ctx, coord, f.asg, true, "2027-02-14"); err != nil || len(f.tc.updates) != 1 {
		t.Errorf("granted to the limit: %v, updates %v", err, f.tc.updates)
	}
}

// TestPreparedRoundCarriesTheExtensionLimit: the workflow's input has the
// limit of the installation's setting.
func TestPreparedRoundCarriesTheExtensionLimit(t *testing.T) {
	f := newRefusalFixture(t)
	f.svc.MaxExtension = 100 * 24 * time.Hour
	deadline := time.Now().AddDate(0, 2, 0).Format(remiss.DateLayout)
	p, err := f.svc.Prepare(context.Background(), coord, remiss.Launch{Dnr: "KS 2026/405-1", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: deadline, Recipients: []string{"bromma"}})
	if err != nil {
		t.Fatal(err)
	}
	end, _ := remiss.DeadlineEnd(deadline)
	if want := end.AddDate(0, 0, 100); !p.Input.ExtensionLimit.Equal(want) {
		t.Errorf("limit %s, want %s", p.Input.ExtensionLimit, want)
	}
}
