package remiss_test

import (
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/remiss"
)

func TestExtensionLimitIsTheEndOfADay(t *testing.T) {
	for deadline, want := range map[string]string{
		"2027-01-15": "2028-01-15", // default: a year (365 days) later
		"2027-03-27": "2028-03-26", // across both summer-time changes and a leap day
		"2027-10-30": "2028-10-29",
	} {
		end, _ := remiss.DeadlineEnd(deadline)
		limit := remiss.ExtensionLimit(end, 0)
		wantEnd, _ := remiss.DeadlineEnd(want)
		if !limit.Equal(wantEnd) {
			t.Errorf("svarsdatum %s: limit %s (%s), want the end of %s", deadline, limit, remiss.DateOf(limit), want)
		}
	}
	end, _ := remiss.DeadlineEnd("2027-01-15")
	if got := remiss.DateOf(remiss.ExtensionLimit(end, 30*24*time.Hour)); got != "2027-02-14" {
		t.Errorf("30 days: %s", got)
	}
}

func TestCheckExtensionUntil(t *testing.T) {
	deadlineAt, _ := remiss.DeadlineEnd("2027-01-15")
	limit := remiss.ExtensionLimit(deadlineAt, 0)
	for _, c := range []struct {
		until string
		limit time.Time
		want  string // in the message on until; "" accepted
	}{
		{"2027-02-01", limit, ""},
		{"2028-01-15", limit, ""},
		{"2028-01-16", limit, "längst till 2028-01-15"},
		{"2999-12-31", limit, "längst till 2028-01-15"},
		{"2999-12-31", time.Time{}, ""},
		{"2027-01-15", limit, "efter nuvarande svarsdatum 2027-01-15"},
		{"2027-01-10", limit, "efter nuvarande svarsdatum"},
		{"15/1 2028", limit, "ÅÅÅÅ-MM-DD"},
	} {
		err := remiss.CheckExtensionUntil(c.until, deadlineAt, c.limit)
		e, _ := remiss.AsError(err)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.until, err)
		case c.want != "" && (e == nil || e.Kind != remiss.KindInvalid || !strings.Contains(e.Fields.For("until"), c.want)):
			t.Errorf("%s: %v, want a message on until mentioning %q", c.until, err, c.want)
		}
	}
}
