package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
)

// refusedAs checks that err is a workflow's refusal of kind whose reason
// mentions want.
func refusedAs(t *testing.T, what string, err error, kind remiss.Kind, want string) *remiss.Error {
	t.Helper()
	e, ok := Refusal(err)
	if !ok || e.Kind != kind || !strings.Contains(e.Error(), want) {
		t.Errorf("%s: %v, want a %s refusal mentioning %q", what, err, kind, want)
	}
	return e
}

// TestRemindNowOnceAnHourMocked: the Coordinator may remind a recipient on
// demand once an hour; a second reminder within the hour is refused,
// saying when the next is possible, and sends nothing.
func TestRemindNowOnceAnHourMocked(t *testing.T) {
	m := newMocked(t)
	var first, again, later, other error
	m.update(time.Hour, UpdateRemindNow, RemindRequest{Actor: coord}, &first)
	m.update(time.Hour+59*time.Minute, UpdateRemindNow, RemindRequest{Actor: coord}, &again)
	m.update(2*time.Hour, UpdateRemindNow, RemindRequest{Actor: coord}, &later)
	m.update(2*time.Hour+time.Minute, UpdateRemindNow, RemindRequest{Actor: coord}, &other)
	m.run(day)
	if first != nil || later != nil {
		t.Fatalf("reminders an hour apart refused: %v, %v", first, later)
	}
	refusedAs(t, "a second reminder within the hour", again, remiss.KindConflict, "tidigast 2026-12-01 kl. 11.00")
	refusedAs(t, "a third a minute after the second", other, remiss.KindConflict, "tidigast 2026-12-01 kl. 12.00")
	want := []string{stamp(activities.NoticeReminder, start.Add(time.Hour)), stamp(activities.NoticeReminder, start.Add(2*time.Hour))}
	if strings.Join(m.notices, ",") != strings.Join(want, ",") {
		t.Errorf("notices %v, want %v", m.notices, want)
	}
}

// TestExtensionHasAnUpperBoundMocked: anstånd cannot reach past the
// round's limit (by default a year past the svarsdatum), neither asked for
// nor granted; up to the limit it can. A round launched before the limit
// was in its input has the default one.
func TestExtensionHasAnUpperBoundMocked(t *testing.T) {
	limit := remiss.ExtensionLimit(deadlineAt, remiss.DefaultMaxExtension)
	last := remiss.DateOf(limit)
	if last != "2028-01-15" {
		t.Fatalf("a year past 2027-01-15 is %s", last)
	}
	for name, set := range map[string]time.Time{"the round's limit": limit, "an older round": {}} {
		t.Run(name, func(t *testing.T) {
			m := newMocked(t)
			m.edit = func(in *AssignmentInput) { in.ExtensionLimit = set }
			officer := actor("bromma", remiss.RoleOfficer)
			var asked, granted, askedFar, askedOK, grantedOK error
			m.update(time.Hour, UpdateRequestExtension, ExtensionRequest{Actor: officer, Until: "2999-01-01", NoteID: "n1"}, &asked)
			m.update(2*time.Hour, UpdateDecideExtension, ExtensionDecision{Actor: coord, Approve: true, Until: "2999-01-01"}, &granted)
			m.update(3*time.Hour, UpdateRequestExtension, ExtensionRequest{Actor: officer, Until: "2028-01-16", NoteID: "n1"}, &askedFar)
			m.update(4*time.Hour, UpdateRequestExtension, ExtensionRequest{Actor: officer, Until: last, NoteID: "n1"}, &askedOK)
			m.update(5*time.Hour, UpdateDecideExtension, ExtensionDecision{Actor: coord, Approve: true}, &grantedOK)
			m.run(day)
			for what, err := range map[string]error{"asked until 2999": asked, "granted until 2999": granted, "asked a day past the limit": askedFar} {
				if e := refusedAs(t, what, err, remiss.KindInvalid, "längst till 2028-01-15"); e != nil && e.Fields.For("until") == "" {
					t.Errorf("%s: refused without a message on until: %+v", what, e)
				}
			}
			if askedOK != nil || grantedOK != nil {
				t.Errorf("anstånd to the limit: asked %v, granted %v", askedOK, grantedOK)
			}
		})
	}
}
