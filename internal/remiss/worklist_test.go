package remiss

import (
	"testing"
	"time"
)

func TestAwaitsFromEachRole(t *testing.T) {
	reg := Actor{User: "bromma.registrator", Org: "bromma", Role: RoleRegistrar}
	off := Actor{User: "bromma.handlaggare", Org: "bromma", Role: RoleOfficer}
	chef := Actor{User: "bromma.chef", Org: "bromma", Role: RoleSignatory}
	other := Actor{User: "farsta.registrator", Org: "farsta", Role: RoleRegistrar}
	for _, c := range []struct {
		who  Actor
		w    Waiting
		want Action
	}{
		{reg, Waiting{Org: "bromma", State: StateSent}, ActAssign},
		{reg, Waiting{Org: "bromma", State: StateAssigned, Officer: "bromma.handlaggare"}, ""},
		{reg, Waiting{Org: "bromma", State: StateOnAgenda}, ActDecide},
		{reg, Waiting{Org: "bromma", State: StateSent, RoundClosing: true}, ""},
		{other, Waiting{Org: "bromma", State: StateSent}, ""},
		{off, Waiting{Org: "bromma", State: StateDrafting, Officer: "bromma.handlaggare"}, ActSubmit},
		{off, Waiting{Org: "bromma", State: StateAssigned, Officer: "bromma.annan"}, ""},
		{off, Waiting{Org: "bromma", State: StateSubmitted, Officer: "bromma.handlaggare"}, ""},
		{chef, Waiting{Org: "bromma", State: StateSubmitted}, ActApprove},
		{chef, Waiting{Org: "bromma", State: StateApproved}, ""},
	} {
		got, ok := AwaitsFrom(c.who, c.w)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%s, %+v: %q %v, want %q", c.who, c.w, got, ok, c.want)
		}
	}
}

func TestDueDateAndDaysLeft(t *testing.T) {
	if d, what := DueDate(StateDrafting, "2027-03-31", "2027-03-20", "2027-03-10"); d != "2027-03-10" || what != "sista dag för dagordningen" {
		t.Errorf("with a meeting: %s %s", d, what)
	}
	if d, _ := DueDate(StateOnAgenda, "2027-03-31", "2027-03-20", "2027-03-10"); d != "2027-03-20" {
		t.Errorf("on the agenda: %s", d)
	}
	if d, what := DueDate(StateSubmitted, "2027-03-31", "", ""); d != "2027-03-31" || what != "svarsdatum" {
		t.Errorf("on delegation: %s %s", d, what)
	}
	now := time.Date(2027, 3, 1, 23, 30, 0, 0, Stockholm)
	for date, want := range map[string]int{"2027-03-01": 0, "2027-03-02": 1, "2027-03-31": 30, "2027-02-27": -2, "2027-04-01": 31} {
		if got := DaysLeft(date, now); got != want {
			t.Errorf("%s: %d days left, want %d", date, got, want)
		}
	}
}
