package workflows

import (
	"fmt"
	"slices"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
	"go.temporal.io/sdk/workflow"
)

// reminderBase is what reminders count back from: the svarsdatum, or for
// a nämnd the agenda deadline of its meeting when that comes first.
func (w *assignment) reminderBase() time.Time {
	if w.route == remiss.RouteNamnd && !w.agendaAt.IsZero() && w.agendaAt.Before(w.deadlineAt) {
		return w.agendaAt
	}
	return w.deadlineAt
}

// owing reports whether reminders go out: an answer is still owed, or a
// postponed ärende waits for a later meeting.
func (w *assignment) owing() bool {
	if w.in.Statement {
		return false // KS's own statement: no one to remind but itself
	}
	return w.state.Open() || (w.state == remiss.StateOnAgenda && w.postponed)
}

type notice struct {
	at     time.Time
	kind   activities.NoticeKind
	offset string
	key    string
}

// nextNotice is the earliest notice not yet sent for the current deadline,
// while an answer is still owed.
func (w *assignment) nextNotice() (notice, bool) {
	if !w.owing() {
		return notice{}, false
	}
	date := remiss.DateOf(w.deadlineAt)
	base := w.reminderBase()
	var candidates []notice
	for _, r := range w.in.Reminders {
		d, err := remiss.ParseOffset(r)
		if err != nil {
			continue
		}
		at := base.Add(-d)
		if at.Before(w.scheduledAt) {
			continue // already past when the deadline was set: a stale reminder helps nobody
		}
		candidates = append(candidates, notice{at: at, kind: activities.NoticeReminder, offset: r, key: "reminder-" + r + "-" + remiss.DateOf(base)})
	}
	candidates = append(candidates, notice{at: w.deadlineAt, kind: activities.NoticeOverdue, key: "overdue-" + date})
	if d, err := remiss.ParseOffset(w.in.EscalateAfter); err == nil {
		candidates = append(candidates, notice{at: w.deadlineAt.Add(d), kind: activities.NoticeEscalation, key: "escalation-" + date})
	}
	var best notice
	found := false
	for _, c := range candidates {
		if slices.Contains(w.fired, c.key) {
			continue
		}
		if !found || c.at.Before(best.at) {
			best, found = c, true
		}
	}
	return best, found
}

// awaitNotice waits for the next notice or a change, whichever comes
// first, and sends the notice if it is still due.
func (w *assignment) awaitNotice(ctx workflow.Context) error {
	seen := w.changes
	wake := func() bool { return w.changes != seen || w.closing || w.withdrawing }
	n, ok := w.nextNotice()
	if !ok {
		// Nothing is owed now (an answer waits for approval, or is done):
		// the timer of the notice that was next is left to run out rather
		// than cancelled. Most often the assignment ends first, and its
		// timers with it; cancelling would cost every answer a command, an
		// event and a timer task's removal. If it fires, nothing is sent
		// (nothing is owed); if the answer comes back, the same timer is
		// the next notice's again.
		return w.timer.idle(ctx, wake)
	}
	if n.at.After(workflow.Now(ctx)) {
		if woken, err := w.timer.await(ctx, n.at, wake); err != nil || woken {
			return err
		}
	}
	return w.locked(ctx, func() error {
		// An action may have moved the deadline while we waited for the
		// lock: send only a notice that is still the due one.
		if cur, ok := w.nextNotice(); ok && cur.key == n.key && !cur.at.After(workflow.Now(ctx)) {
			return w.sendNotice(ctx, cur)
		}
		return nil
	})
}

func (w *assignment) sendNotice(ctx workflow.Context, n notice) error {
	if !w.owing() || slices.Contains(w.fired, n.key) {
		return nil
	}
	err := workflow.ExecuteActivity(ctx, a.Notify, activities.NotifyInput{
		EventKey: w.id + "." + n.key, At: n.at, AssignmentID: w.id, Kind: n.kind, Offset: n.offset,
	}).Get(ctx, nil)
	if err != nil {
		return err
	}
	w.fired = append(w.fired, n.key)
	return nil
}

// remindInterval is how long after a reminder sent on the Coordinator's
// word the next one may go: once an hour per recipient.
const remindInterval = time.Hour

func (w *assignment) checkRemindNow(ctx workflow.Context, r RemindRequest) error {
	if err := w.check(remiss.ActRemindNow, r, r.Actor); err != nil {
		return err
	}
	return w.checkRemindInterval(ctx)
}

// checkRemindInterval refuses a reminder on demand within remindInterval
// of the last one, saying when the next is possible.
func (w *assignment) checkRemindInterval(ctx workflow.Context) error {
	if w.remindedAt.IsZero() {
		return nil
	}
	next := w.remindedAt.Add(remindInterval)
	if !workflow.Now(ctx).Before(next) {
		return nil
	}
	return conflict(fmt.Sprintf("en påminnelse skickades %s; nästa kan skickas tidigast %s",
		w.remindedAt.In(remiss.Stockholm).Format("kl. 15.04"), next.In(remiss.Stockholm).Format("2006-01-02 kl. 15.04")))
}

// remindNow sends a reminder at once, on the Coordinator's word.
func (w *assignment) remindNow(ctx workflow.Context, r RemindRequest) (AssignmentStatus, error) {
	ctx = updateOptions(ctx)
	return w.handle(ctx, func() error {
		return w.checkRemindNow(ctx, r)
	}, func() error {
		w.seq++
		key, at := fmt.Sprintf("reminder-now-%03d", w.seq), workflow.Now(ctx)
		if err := workflow.ExecuteActivity(ctx, a.Notify, activities.NotifyInput{
			EventKey: w.id + "." + key, At: at, AssignmentID: w.id, Kind: activities.NoticeReminder, Offset: "nu",
		}).Get(ctx, nil); err != nil {
			return err
		}
		w.fired = append(w.fired, key)
		w.remindedAt = at
		return nil
	})
}
