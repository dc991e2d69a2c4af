package remiss

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// who is an actor as the table below names it: a role at the recipient
// itself ("own"), at another recipient ("other") or at kommunstyrelsen.
type who struct {
	role Role
	at   string // "own", "other", "ks"
}

func (w who) String() string { return string(w.role) + "@" + w.at }

func (w who) actor() Actor {
	org := map[string]string{"own": "bromma", "other": "farsta", "ks": KS}[w.at]
	return Actor{User: "u", Org: org, Role: w.role}
}

// allowed is the whole policy written out by hand, action by action: the
// actors who may take it on bromma's assignment (for a round's actions
// the organisation is "", for the calendar the actor's own). Every other
// pair of action and actor must be refused.
var allowed = map[Action][]string{
	ActAssign:           {"registrar@own"},
	ActSaveDraft:        {"officer@own"},
	ActAttach:           {"officer@own"},
	ActSubmit:           {"officer@own"},
	ActReturn:           {"signatory@own"},
	ActApprove:          {"signatory@own"},
	ActProposeDecline:   {"officer@own", "registrar@own"},
	ActDecline:          {"signatory@own", "external@own"},
	ActRequestExtension: {"officer@own", "registrar@own", "external@own"},
	ActReceive:          {"external@own"},
	ActReplaceLink:      {"coordinator@ks"},
	ActDecideExtension:  {"coordinator@ks"},
	ActRemindNow:        {"coordinator@ks"},
	ActRoute:            {"registrar@own"},
	ActDecide:           {"registrar@own"},
	ActRegister:         {"registrar@own"},
	ActLaunch:           {"coordinator@ks"},
	ActClose:            {"coordinator@ks"},
	ActWithdraw:         {"coordinator@ks"},
	ActUploadUnderlag:   {"coordinator@ks"},
	ActDecideStep:       {"registrar@ks"},
	ActEditCalendar:     {"registrar@own", "registrar@other", "registrar@ks"},
	ActReportDelegation: {"registrar@own", "registrar@other", "registrar@ks"},
	ActRetry:            {"coordinator@ks", "admin@ks"},
	ActArchive:          {"registrar@ks", "admin@ks"},
}

var everyone = func() []who {
	var out []who
	for _, at := range []string{"own", "other", "ks"} {
		for _, r := range []Role{RoleCoordinator, RoleRegistrar, RoleOfficer, RoleSignatory, RoleAdmin, RoleExternal} {
			out = append(out, who{r, at})
		}
	}
	return out
}()

func TestPolicyEveryActionRoleAndOrganisation(t *testing.T) {
	actions := append(slices.Clone(AssignmentActions), RoundActions...)
	if len(actions) != len(allowed) {
		t.Fatalf("the table names %d actions, the policy %d", len(allowed), len(actions))
	}
	for _, action := range actions {
		want, ok := allowed[action]
		if !ok {
			t.Errorf("%s: not in the table", action)
			continue
		}
		for _, w := range everyone {
			org := "bromma"
			switch {
			case slices.Contains(RoundActions, action) && action != ActEditCalendar && action != ActReportDelegation:
				org = ""
			case action == ActEditCalendar || action == ActReportDelegation:
				org = w.actor().Org // one's own calendar
			}
			err := MayAct(action, w.actor(), org)
			if may := slices.Contains(want, w.String()); may != (err == nil) {
				t.Errorf("%s by %s: got %v, want allowed=%v", action, w, err, may)
			}
			if err != nil {
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindForbidden || e.Reason == "" {
					t.Errorf("%s by %s: refusal %#v is not a Swedish KindForbidden", action, w, err)
				}
			}
		}
	}
	if err := MayAct("no-such-action", Actor{Org: KS, Role: RoleAdmin}, ""); err == nil {
		t.Error("an unknown action was allowed")
	}
}

func TestPolicyStates(t *testing.T) {
	cases := []struct {
		action Action
		state  AssignmentState
		ok     bool
		says   string
	}{
		{ActAssign, StateSent, true, ""},
		{ActReceive, StateSent, true, ""}, // an outside body's answer through its link
		{ActReceive, StateApproved, false, "redan svarat"},

		{ActAssign, StateSubmitted, false, "Inskickad"},
		{ActSaveDraft, StateSent, false, "nuvarande läge"},
		{ActSubmit, StateSubmitted, true, ""}, // a new version before approval
		{ActSubmit, StateApproved, false, "Godkänd"},
		{ActApprove, StateSubmitted, true, ""},
		{ActDecline, StateSubmitted, true, ""},
		{ActDecline, StateOnAgenda, false, ""},
		{ActProposeDecline, StateDrafting, true, ""},
		{ActProposeDecline, StateSubmitted, true, ""},
		{ActProposeDecline, StateDeclineProposed, false, "bereds"},
		{ActProposeDecline, StateOnAgenda, false, "bereds"},
		{ActDecline, StateDeclineProposed, true, ""}, // the signatory approves the proposal
		{ActReturn, StateDeclineProposed, true, ""},
		{ActApprove, StateDeclineProposed, false, "Avstående väntar på godkännande"},
		{ActSubmit, StateDeclineProposed, false, "Avstående väntar"},
		{ActSaveDraft, StateDeclineProposed, false, ""},
		{ActRequestExtension, StateDeclineProposed, true, ""},
		{ActRequestExtension, StateOnAgenda, true, ""},
		{ActDecide, StateOnAgenda, true, ""},
		{ActDecide, StateDrafting, false, ""},
		{ActRemindNow, StateSubmitted, false, "redan svarat"},
		{ActRemindNow, StateAssigned, true, ""},
		{ActRoute, StateAnswered, false, "avslutat"},
		{ActDecideExtension, StateWithdrawn, false, "avslutat"},
		{ActRegister, StateSent, true, ""},
		{ActRegister, StateDeclineProposed, true, ""},
		{ActRegister, StateOnAgenda, false, "innan svaret är godkänt"},
		{ActRegister, StateApproved, false, "innan svaret är godkänt"},
		{ActRegister, StateAnswered, false, "avslutat"},
	}
	for _, c := range cases {
		err := PossibleIn(c.action, c.state)
		if (err == nil) != c.ok {
			t.Errorf("%s in %s: got %v, want ok=%v", c.action, c.state, err, c.ok)
		}
		if err != nil {
			if e, ok := AsError(err); !ok || e.Kind != KindConflict || !strings.Contains(e.Reason, c.says) {
				t.Errorf("%s in %s: %v, want a conflict saying %q", c.action, c.state, err, c.says)
			}
		}
	}
}

func TestDeclineActionByRole(t *testing.T) {
	for role, want := range map[Role]Action{RoleOfficer: ActProposeDecline, RoleRegistrar: ActProposeDecline, RoleSignatory: ActDecline} {
		if got := DeclineAction(Actor{User: "u", Org: "bromma", Role: role}); got != want {
			t.Errorf("%s declines by %s, want %s", role, got, want)
		}
	}
}

func TestPossibleNowWhileTheRoundCloses(t *testing.T) {
	if err := PossibleNow(ActSubmit, StateDrafting, false); err != nil {
		t.Errorf("submit while drafting: %v", err)
	}
	if e, ok := AsError(PossibleNow(ActSubmit, StateDrafting, true)); !ok || e.Kind != KindConflict || !strings.Contains(e.Reason, "avslutas") {
		t.Errorf("submit while the round closes: %v", e)
	}
	if e, ok := AsError(PossibleNow(ActSubmit, StateAnswered, true)); !ok || !strings.Contains(e.Reason, "avslutat") {
		t.Errorf("submit when answered and the round closes: %v", e)
	}
}

func TestVisibility(t *testing.T) {
	recipients := []string{"bromma", "kungsholmen"}
	for _, w := range everyone {
		a := w.actor()
		seesRound := w.at != "other" // farsta is not a recipient
		if got := MaySeeRound(a, recipients); got != seesRound {
			t.Errorf("%s sees the round: %v", w, got)
		}
		if got := MaySeeAssignment(a, "bromma"); got != (w.at != "other") {
			t.Errorf("%s sees bromma's assignment: %v", w, got)
		}
		if got := MaySeeDraft(a, "bromma"); got != (w.at == "own") {
			t.Errorf("%s sees bromma's drafts: %v", w, got)
		}
		if got := MayReadDocument(a, recipients, "", false); got != seesRound {
			t.Errorf("%s reads the round's missiv: %v", w, got)
		}
		if got := MayReadDocument(a, recipients, "bromma", false); got != (w.at != "other") {
			t.Errorf("%s reads bromma's statement: %v", w, got)
		}
		if got := MayReadDocument(a, recipients, "bromma", true); got != (w.at == "own") {
			t.Errorf("%s reads bromma's draft attachment: %v", w, got)
		}
		if got := MayReadDocument(a, recipients, "kungsholmen", false); got != (w.at == "ks") {
			t.Errorf("%s reads kungsholmen's statement: %v", w, got)
		}
		if got := MayReadCalendar(a, "bromma"); got != (w.at == "own" || w.at == "ks" && w.role == RoleCoordinator) {
			t.Errorf("%s reads bromma's calendar: %v", w, got)
		}
	}
}

func TestKinds(t *testing.T) {
	for k := KindInternal; k <= KindTooLarge; k++ {
		if KindNamed(k.String()) != k {
			t.Errorf("%d does not survive its name %q", k, k.String())
		}
	}
	if KindNamed("BadInput") != KindInternal || Kind(99).String() != "Internal" {
		t.Error("an unknown kind is not internal")
	}
	err := InvalidField("until", "ange ett datum")
	if !errors.Is(err, ErrRefused) || err.Error() != "ange ett datum" {
		t.Errorf("InvalidField: %v", err)
	}
	if Invalid(errors.New("x")).Error() != "x" || Invalid(nil) != nil {
		t.Error("Invalid changed an error that is no validation failure")
	}
}

// TestHistoryVisibility: the timeline of bromma's answer is bromma's and
// kommunstyrelsen's; of the words written with its actions, kommunstyrelsen
// reads the reasons addressed to it and not the signatory's return
// comment, and another recipient reads none.
func TestHistoryVisibility(t *testing.T) {
	for _, w := range everyone {
		a := w.actor()
		if got := MaySeeHistory(a, "bromma"); got != (w.at != "other") {
			t.Errorf("%s sees bromma's history: %v", w, got)
		}
		for _, kind := range []string{"return", "decline", "extension"} {
			want := w.at == "own" || w.at == "ks" && kind != "return"
			if got := MayReadNote(a, "bromma", kind); got != want {
				t.Errorf("%s reads bromma's %s note: %v", w, kind, got)
			}
		}
		if MayReadNote(a, "bromma", "okänd") != (w.at == "own") {
			t.Errorf("%s reads a note of an unknown kind", w)
		}
	}
}

// TestPolicyServiceAccounts: an organisation's administrator, and no one
// else, manages its service accounts.
func TestPolicyServiceAccounts(t *testing.T) {
	for _, w := range everyone {
		err := MayAct(ActManageServiceAccounts, w.actor(), "bromma")
		if may := w.String() == "admin@own"; may != (err == nil) {
			t.Errorf("%s: got %v, want allowed=%v", w, err, may)
		}
	}
}

func TestWhoReadsEventsAndManagesWebhooks(t *testing.T) {
	for _, c := range []struct {
		actor   Actor
		service bool
		read    bool
	}{
		{Actor{User: "r", Org: KS, Role: RoleRegistrar}, false, true},
		{Actor{User: "a", Org: KS, Role: RoleAdmin}, false, true},
		{Actor{User: "a", Org: "bromma", Role: RoleAdmin}, false, true},
		{Actor{User: "d", Org: "bromma", Role: RoleRegistrar}, true, true},
		{Actor{User: "c", Org: KS, Role: RoleCoordinator}, false, false},
		{Actor{User: "r", Org: "bromma", Role: RoleRegistrar}, false, false},
		{Actor{User: "o", Org: KS, Role: RoleOfficer}, false, false},
	} {
		if got := MayReadEvents(c.actor, c.service) == nil; got != c.read {
			t.Errorf("%s (service %v) reads events: %v", c.actor, c.service, got)
		}
	}
	ksAdmin, brAdmin := Actor{User: "a", Org: KS, Role: RoleAdmin}, Actor{User: "b", Org: "bromma", Role: RoleAdmin}
	if MayManageWebhooks(ksAdmin, "bromma") != nil || MayManageWebhooks(brAdmin, "bromma") != nil {
		t.Error("an admin may not manage webhooks it should")
	}
	if MayManageWebhooks(brAdmin, "farsta") == nil || MayManageWebhooks(Actor{User: "r", Org: KS, Role: RoleRegistrar}, KS) == nil {
		t.Error("webhooks managed by the wrong person")
	}
}
