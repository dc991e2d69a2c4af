package mail

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is an all-day calendar entry for a svarsdatum.
type Event struct {
	UID         string
	Date        string // YYYY-MM-DD
	Summary     string
	Description string
	URL         string
	Stamp       time.Time
}

// Calendar renders an iCalendar (RFC 5545) file with one all-day event, as
// calendars accept it from a mail attachment.
func Calendar(e Event) ([]byte, error) {
	day, err := time.Parse("2006-01-02", e.Date)
	if err != nil {
		return nil, fmt.Errorf("mail: calendar date %q: %w", e.Date, err)
	}
	// An anstånd moves the event: the calendar takes the update only if its
	// SEQUENCE is higher, and a later date gives a higher number.
	seq := day.Year()*10000 + int(day.Month())*100 + day.Day()
	lines := []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//Remiss//Svarsdatum//SV",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		"BEGIN:VEVENT",
		"UID:" + icsText(e.UID),
		"DTSTAMP:" + e.Stamp.UTC().Format("20060102T150405Z"),
		"DTSTART;VALUE=DATE:" + day.Format("20060102"),
		"DTEND;VALUE=DATE:" + day.AddDate(0, 0, 1).Format("20060102"),
		fmt.Sprintf("SEQUENCE:%d", seq),
		"SUMMARY:" + icsText(e.Summary),
		"DESCRIPTION:" + icsText(e.Description),
	}
	// URL is a URI, not TEXT: written as is, when there is one without
	// characters a content line cannot hold.
	if e.URL != "" && !strings.ContainsAny(e.URL, "\r\n\" \t") {
		lines = append(lines, "URL:"+e.URL)
	}
	lines = append(lines, "TRANSP:TRANSPARENT", "END:VEVENT", "END:VCALENDAR")
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(foldICS(l))
		b.WriteString("\r\n")
	}
	return []byte(b.String()), nil
}

// icsText escapes a TEXT value (RFC 5545 3.3.11) and drops control
// characters that have no place in it.
func icsText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`).Replace(cleanHeader(s))
}

// foldICS folds a content line at 75 octets without splitting a character.
func foldICS(line string) string {
	var b strings.Builder
	n := 0
	for _, r := range line {
		size := utf8.RuneLen(r)
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	return b.String()
}
