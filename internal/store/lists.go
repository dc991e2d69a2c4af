package store

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"

	"github.com/remiss/remiss/internal/remiss"
)

// The rounds list, the inbox and the archive, searched, filtered, sorted
// and cut into pages in PostgreSQL. Every value from outside goes as a
// bound parameter; the order is chosen from a fixed list.

// ListFilter is what a list is asked for. The zero value is the first
// page of open work, nearest deadline first.
type ListFilter struct {
	Text   string   // free text over title and Dnr
	Done   bool     // closed work (Avslutade) instead of open
	States []string // states of the tab to keep; none keeps all of it
	Org    string   // an organisation code; "" for all
	Year   int      // the year sent; 0 for all
	Sort   string   // a key of sortColumns; another sorts by deadline
	Desc   bool
	Limit  int // rows on a page; 0 for all
	Offset int
}

// sortColumns are the orders a list may take, by key.
var sortColumns = map[string]string{"deadline": "r.deadline_at", "sent": "r.created_at", "title": "lower(r.title)"}

// SortKeys are the keys ListFilter.Sort takes.
var SortKeys = []string{"deadline", "sent", "title"}

// conds builds a WHERE clause of bound parameters.
type conds struct {
	parts []string
	args  []any
}

// add appends cond, with "?" standing for arg.
func (c *conds) add(cond string, arg any) {
	c.args = append(c.args, arg)
	c.parts = append(c.parts, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(c.args))))
}

func (c *conds) where() string {
	if len(c.parts) == 0 {
		return "TRUE"
	}
	return strings.Join(c.parts, " AND ")
}

// likePattern is text as a LIKE pattern that matches it anywhere, its own
// wildcards taken literally.
func likePattern(text string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(text) + "%"
}

// common adds the filters every list shares: text, organisation, year.
func (f ListFilter) common(c *conds, orgCond string) {
	if t := strings.TrimSpace(f.Text); t != "" {
		c.add(`(r.title ILIKE ? OR r.dnr ILIKE ?)`, likePattern(t))
	}
	if f.Org != "" {
		c.add(orgCond, f.Org)
	}
	if f.Year != 0 {
		c.add(`EXTRACT(YEAR FROM r.created_at AT TIME ZONE 'Europe/Stockholm') = ?`, f.Year)
	}
}

// orderBy is the ORDER BY of f (then tie by id), and its LIMIT; own
// names a list's own column for a sort key.
func (f ListFilter) orderBy(tie string, own map[string]string) string {
	col, ok := own[f.Sort]
	if !ok {
		col, ok = sortColumns[f.Sort]
	}
	if !ok {
		col = cmp.Or(own["deadline"], sortColumns["deadline"])
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	out := " ORDER BY " + col + dir + ", " + tie + dir
	if f.Limit > 0 {
		out += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	return out
}

// RoundCount is a round in the list with its recipients counted by where
// they stand; Late counts the answers that came after the svarsdatum.
type RoundCount struct {
	Remiss
	CoordinatorName                                          string
	Total, Answered, Declined, Missed, Withdrawn, Late, Open int
}

// RoundList is a page of rounds as f asks, with how many match in all.
func (s *Store) RoundList(ctx context.Context, f ListFilter) ([]RoundCount, int, error) {
	var c conds
	if f.Done {
		c.add(`r.state <> ?`, string(remiss.RemissOpen))
	} else {
		c.add(`r.state = ?`, string(remiss.RemissOpen))
	}
	if len(f.States) > 0 {
		c.add(`r.state = ANY(?)`, pq.Array(f.States))
	}
	f.common(&c, `EXISTS (SELECT 1 FROM assignments x WHERE x.remiss_id = r.id AND x.org_code = ?)`)
	rows, err := s.db.QueryContext(ctx, `
		SELECT `+prefixed("r", remissColumns)+`, COALESCE(NULLIF(u.display_name, ''), r.coordinator),
			count(a.id), count(a.id) FILTER (WHERE a.state = 'answered'), count(a.id) FILTER (WHERE a.state = 'declined'),
			count(a.id) FILTER (WHERE a.state = 'missed'), count(a.id) FILTER (WHERE a.state = 'withdrawn'),
			count(a.id) FILTER (WHERE a.late), count(*) OVER ()
		FROM remisses r LEFT JOIN users u ON u.username = r.coordinator LEFT JOIN assignments a ON a.remiss_id = r.id AND a.kind = 'answer'
		WHERE `+c.where()+` GROUP BY r.id, u.display_name`+f.orderBy("r.id", nil), c.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: round list: %w", err)
	}
	defer rows.Close()
	var out []RoundCount
	total := 0
	for rows.Next() {
		var x remissScan
		var rc RoundCount
		if err := rows.Scan(append(x.targets(), &rc.CoordinatorName, &rc.Total, &rc.Answered, &rc.Declined, &rc.Missed,
			&rc.Withdrawn, &rc.Late, &total)...); err != nil {
			return nil, 0, fmt.Errorf("store: round list: %w", err)
		}
		rc.Remiss = x.done()
		rc.Open = rc.Total - rc.Answered - rc.Declined - rc.Missed - rc.Withdrawn
		out = append(out, rc)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && f.Offset > 0 { // past the end: how many there are
		_, total, err = s.RoundList(ctx, ListFilter{Text: f.Text, Done: f.Done, States: f.States, Org: f.Org, Year: f.Year, Limit: 1})
	}
	return out, total, err
}

// doneStates are the states of closed work: an answer given, declined,
// missed or withdrawn.
var doneStates = pq.Array([]string{string(remiss.StateAnswered), string(remiss.StateDeclined), string(remiss.StateMissed), string(remiss.StateWithdrawn)})

// InboxList is a page of org's assignments as f asks (Org is ignored: the
// list is org's), with how many match in all. A non-empty officer keeps
// the assignments of that officer and those not yet assigned.
func (s *Store) InboxList(ctx context.Context, org, officer string, f ListFilter) ([]InboxItem, int, error) {
	var c conds
	c.add(`a.org_code = ?`, org)
	if f.Done {
		c.add(`a.state = ANY(?)`, doneStates)
	} else {
		c.add(`NOT a.state = ANY(?)`, doneStates)
	}
	if len(f.States) > 0 {
		c.add(`a.state = ANY(?)`, pq.Array(f.States))
	}
	if officer != "" {
		c.add(`(a.officer IS NULL OR a.officer = ?)`, officer)
	}
	f.Org = ""
	f.common(&c, "")
	order := f.orderBy("a.id", map[string]string{"deadline": "a.deadline_at"})
	rows, err := s.db.QueryContext(ctx, `
		SELECT `+prefixed("a", assignmentColumns)+`, r.dnr, r.title, COALESCE(NULLIF(u.display_name, ''), a.officer, ''),
			EXISTS (SELECT 1 FROM notes n WHERE n.assignment_id = a.id AND n.kind = 'return'), r.created_at, count(*) OVER ()
		FROM assignments a JOIN remisses r ON r.id = a.remiss_id LEFT JOIN users u ON u.username = a.officer
		WHERE `+c.where()+order, c.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: inbox %s: %w", org, err)
	}
	defer rows.Close()
	var out []InboxItem
	total := 0
	for rows.Next() {
		var it InboxItem
		a, err := scanAssignment(rows, &it.Dnr, &it.Title, &it.OfficerName, &it.Returned, &it.SentAt, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("store: inbox %s: %w", org, err)
		}
		it.Assignment = a
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(out) == 0 && f.Offset > 0 { // past the end: how many there are
		f.Offset, f.Limit = 0, 1
		_, total, err = s.InboxList(ctx, org, officer, f)
	}
	return out, total, err
}

// ArchiveItem is a stored document as the archive lists it, with what
// deciding whether a reader may open it takes: the organisation of the
// answer it belongs to ("" for the round's own), whether that answer is
// still a draft (not sealed), and whether the round was sent to the
// reader's organisation.
type ArchiveItem struct {
	Document
	Dnr, Title, OrgName, AssignmentOrg string
	Deadline                           string
	Coordinator                        string // the round's
	RoundState                         remiss.RemissState
	Draft, SentToReader                bool
}

// ArchiveList lists every document matching f (Limit and Offset are
// ignored: the caller pages what the reader may open). Only rounds sent to
// readerOrg are read, unless it is kommunstyrelsen; States are document
// kinds; Done keeps the documents of finished rounds.
func (s *Store) ArchiveList(ctx context.Context, readerOrg string, f ListFilter) ([]ArchiveItem, error) {
	const sentTo = `EXISTS (SELECT 1 FROM assignments x WHERE x.remiss_id = r.id AND x.org_code = $1)`
	c := conds{parts: []string{map[bool]string{true: `r.state <> 'open'`, false: `r.state = 'open'`}[f.Done]}, args: []any{readerOrg}}
	if readerOrg != remiss.KS {
		c.parts = append(c.parts, sentTo) // a coarse cut; the reader's right is remiss.MayReadDocument
	}
	if len(f.States) > 0 {
		c.add(`d.kind = ANY(?)`, pq.Array(f.States))
	}
	f.common(&c, `a.org_code = ?`)
	f.Limit = 0
	order := f.orderBy("d.id", map[string]string{"sent": "d.created_at"})
	rows, err := s.db.QueryContext(ctx, `
		SELECT d.id, d.remiss_id, COALESCE(d.assignment_id, ''), d.kind, d.filename, d.created_at, r.dnr, r.title, r.deadline, r.state,
			COALESCE(o.name, ''), COALESCE(a.org_code, ''), a.id IS NOT NULL AND a.document_id IS NULL, `+sentTo+`, r.coordinator, `+secrecyColumns+`
		FROM documents d LEFT JOIN document_secrecy ds ON ds.document_id = d.id JOIN remisses r ON r.id = d.remiss_id
			LEFT JOIN assignments a ON a.id = d.assignment_id LEFT JOIN orgs o ON o.code = a.org_code
		WHERE `+c.where()+order, c.args...)
	if err != nil {
		return nil, fmt.Errorf("store: archive: %w", err)
	}
	defer rows.Close()
	var out []ArchiveItem
	for rows.Next() {
		var it ArchiveItem
		var deadline time.Time
		var state string
		var m secrecyRow
		if err := rows.Scan(&it.ID, &it.RemissID, &it.AssignmentID, &it.Kind, &it.Filename, &it.CreatedAt, &it.Dnr, &it.Title,
			&deadline, &state, &it.OrgName, &it.AssignmentOrg, &it.Draft, &it.SentToReader, &it.Coordinator, &m.provision, &m.title, &m.at, &m.by); err != nil {
			return nil, fmt.Errorf("store: archive: %w", err)
		}
		it.Secrecy = m.secrecy(it.ID)
		it.Deadline, it.RoundState = deadline.Format(remiss.DateLayout), remiss.RemissState(state)
		it.Draft = it.Draft && it.Kind == "bilaga"
		out = append(out, it)
	}
	return out, rows.Err()
}

// Years are the years rounds were sent in, newest first: the choices of a
// list's year filter.
func (s *Store) Years(ctx context.Context) ([]int, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT DISTINCT EXTRACT(YEAR FROM created_at AT TIME ZONE 'Europe/Stockholm')::int FROM remisses ORDER BY 1 DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: years: %w", err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}
