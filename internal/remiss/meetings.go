package remiss

import "time"

// The rules for the meeting at which a nämnd decides its answer. A
// calendar is an organisation's meetings, in any order; only meetings
// whose agenda is still open on the day count.

// Today is the Stockholm date of at, as agendas and deadlines are written.
func Today(at time.Time) string { return at.In(Stockholm).Format(DateLayout) }

// AgendaOpen says whether ärenden can still go on the meeting's agenda on
// today (the zero Meeting has none).
func (m Meeting) AgendaOpen(today string) bool { return m.ID != "" && m.AgendaDeadline >= today }

// NextMeeting is the first meeting of the calendar whose agenda is open on
// today, or the zero Meeting.
func NextMeeting(calendar []Meeting, today string) Meeting {
	var next Meeting
	for _, m := range calendar {
		if m.AgendaOpen(today) && (next.ID == "" || before(m, next)) {
			next = m
		}
	}
	return next
}

// PlanMeeting is the meeting an answer due on deadline is decided at: the
// last meeting on or before the deadline whose agenda is open on today.
// Without one, it is the next meeting (see NextMeeting), and the answer
// needs anstånd (see NeedsExtension).
func PlanMeeting(calendar []Meeting, deadline, today string) Meeting {
	var last Meeting
	for _, m := range calendar {
		if m.AgendaOpen(today) && m.Date <= deadline && (last.ID == "" || before(last, m)) {
			last = m
		}
	}
	if last.ID != "" {
		return last
	}
	return NextMeeting(calendar, today)
}

// AgendaMeeting is the meeting an approved statement goes on the agenda
// of: the planned meeting (by ID) while its agenda is open on today, else
// the next meeting. The zero Meeting: there is none, and the registrator
// picks one when the calendar has one.
func AgendaMeeting(plannedID string, calendar []Meeting, today string) Meeting {
	for _, m := range calendar {
		if plannedID != "" && m.ID == plannedID && m.AgendaOpen(today) {
			return m
		}
	}
	return NextMeeting(calendar, today)
}

// NeedsExtension says whether an answer due on deadline that is decided at
// m needs anstånd: there is no meeting, or it is after the svarsdatum.
func NeedsExtension(m Meeting, deadline string) bool { return m.ID == "" || m.Date > deadline }

// AgendaDeadlineAt is the end of the meeting's last day for ärenden:
// reminders count back from it. Zero for the zero Meeting.
func AgendaDeadlineAt(m Meeting) (time.Time, error) {
	if m.ID == "" {
		return time.Time{}, nil
	}
	return DeadlineEnd(m.AgendaDeadline)
}

// before orders meetings by date (an organisation has one a day).
func before(a, b Meeting) bool {
	if a.Date != b.Date {
		return a.Date < b.Date
	}
	return a.ID < b.ID
}
