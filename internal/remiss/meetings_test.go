package remiss_test

import (
	"testing"
	"time"

	"github.com/remiss/remiss/internal/remiss"
)

func meeting(date, agenda string) remiss.Meeting {
	return remiss.Meeting{ID: remiss.MeetingID("bromma", date), Org: "bromma", Date: date, AgendaDeadline: agenda}
}

// The calendar, out of order: the rules must not depend on it.
var calendar = []remiss.Meeting{
	meeting("2027-03-18", "2027-03-04"),
	meeting("2027-01-21", "2027-01-07"),
	meeting("2027-02-18", "2027-02-04"),
	meeting("2027-04-22", "2027-04-08"),
}

func TestPlanMeetingIsTheLastBeforeTheDeadlineWithAnOpenAgenda(t *testing.T) {
	for _, c := range []struct {
		name, deadline, today, want string
		extension                   bool
	}{
		{"last before the deadline", "2027-03-31", "2027-01-01", "2027-03-18", false},
		{"on the deadline counts", "2027-03-18", "2027-01-01", "2027-03-18", false},
		{"the agenda's last day still counts", "2027-03-31", "2027-03-04", "2027-03-18", false},
		{"closed agendas and meetings after the deadline left out", "2027-03-10", "2027-02-01", "2027-02-18", false},
		{"every agenda before the deadline closed: the next, with anstånd", "2027-03-31", "2027-03-05", "2027-04-22", true},
		{"none before the deadline: the first, with anstånd", "2027-01-10", "2027-01-01", "2027-01-21", true},
		{"no open agenda at all: none, with anstånd", "2027-05-31", "2027-04-09", "", true},
	} {
		m := remiss.PlanMeeting(calendar, c.deadline, c.today)
		if m.Date != c.want || remiss.NeedsExtension(m, c.deadline) != c.extension {
			t.Errorf("%s: %q (anstånd %v), want %q (anstånd %v)", c.name, m.Date, remiss.NeedsExtension(m, c.deadline), c.want, c.extension)
		}
	}
	if m := remiss.PlanMeeting(nil, "2027-03-31", "2027-01-01"); m.ID != "" || !remiss.NeedsExtension(m, "2027-03-31") {
		t.Errorf("empty calendar: %+v", m)
	}
}

func TestAgendaMeetingKeepsThePlanWhileItsAgendaIsOpen(t *testing.T) {
	planned := remiss.MeetingID("bromma", "2027-03-18")
	for _, c := range []struct {
		name, planned, today, want string
	}{
		{"planned, agenda open", planned, "2027-02-10", "2027-03-18"},
		{"planned, agenda's last day", planned, "2027-03-04", "2027-03-18"},
		{"planned, agenda closed: the next", planned, "2027-03-05", "2027-04-22"},
		{"nothing planned: the next", "", "2027-01-08", "2027-02-18"},
		{"planned meeting gone: the next", remiss.MeetingID("bromma", "2027-03-25"), "2027-01-01", "2027-01-21"},
		{"no open agenda: none", planned, "2027-04-09", ""},
	} {
		if m := remiss.AgendaMeeting(c.planned, calendar, c.today); m.Date != c.want {
			t.Errorf("%s: %q, want %q", c.name, m.Date, c.want)
		}
	}
}

func TestNeedsExtensionAndAgendaDeadline(t *testing.T) {
	m := meeting("2027-03-18", "2027-03-04")
	if remiss.NeedsExtension(m, "2027-03-18") || !remiss.NeedsExtension(m, "2027-03-17") || !remiss.NeedsExtension(remiss.Meeting{}, "2027-12-31") {
		t.Error("anstånd: needed after the svarsdatum and without a meeting only")
	}
	at, err := remiss.AgendaDeadlineAt(m)
	if err != nil || !at.Equal(time.Date(2027, 3, 5, 0, 0, 0, 0, remiss.Stockholm)) {
		t.Errorf("agenda deadline ends %v (%v), want midnight after 2027-03-04 in Stockholm", at, err)
	}
	if at, err := remiss.AgendaDeadlineAt(remiss.Meeting{}); err != nil || !at.IsZero() {
		t.Errorf("no meeting: %v %v", at, err)
	}
	if d := remiss.Today(time.Date(2027, 3, 4, 23, 30, 0, 0, time.UTC)); d != "2027-03-05" {
		t.Errorf("today in Stockholm %s", d)
	}
}
