package remiss

import (
	"fmt"
	"time"
)

// DefaultMaxExtension is how far past a round's svarsdatum anstånd may
// reach unless the installation says otherwise (REMISS_MAX_EXTENSION): a
// year.
const DefaultMaxExtension = 365 * 24 * time.Hour

// ExtensionLimit is the last instant anstånd may reach in a round whose
// svarsdatum ends at deadlineAt: max later, counted in whole calendar days
// in Stockholm (so the limit is the end of a day whatever summer time does);
// zero or less means DefaultMaxExtension.
func ExtensionLimit(deadlineAt time.Time, max time.Duration) time.Time {
	if max <= 0 {
		max = DefaultMaxExtension
	}
	days := int(max / (24 * time.Hour))
	return deadlineAt.In(Stockholm).AddDate(0, 0, days)
}

// CheckExtensionUntil refuses an anstånd date that is malformed, does not
// move the current deadline (ending at deadlineAt) forward, or reaches past
// limit (the end of the last day anstånd may reach; zero: no limit). The
// refusal is an *Error on the field "until".
func CheckExtensionUntil(until string, deadlineAt, limit time.Time) error {
	end, err := DeadlineEnd(until)
	if err != nil {
		return InvalidField("until", err.Error())
	}
	if !end.After(deadlineAt) {
		return InvalidField("until", "anstånd måste gälla till ett datum efter nuvarande svarsdatum "+DateOf(deadlineAt))
	}
	if !limit.IsZero() && end.After(limit) {
		return InvalidField("until", fmt.Sprintf("anstånd kan gälla längst till %s", DateOf(limit)))
	}
	return nil
}

// ExtensionPending refuses a request for anstånd while another waits for
// the Coordinator's decision.
func ExtensionPending() error {
	return Refuse(KindConflict, "en begäran om anstånd väntar redan på beslut")
}
