package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/remiss/remiss/internal/remiss"
)

// What waits for someone: the queries behind each role's "Att göra". They
// cut coarsely (an organisation, some states); whether the reader may and
// can act is remiss.AwaitsFrom's to say.

// WorkItem is an assignment on a work list with what the list shows of it.
type WorkItem struct {
	Assignment
	Dnr, Title, OrgName string
	RoundState          remiss.RemissState
	// The meeting the nämnd decides at and its agenda deadline
	// (YYYY-MM-DD), "" without one.
	MeetingDate, AgendaDeadline string
	Returned                    bool // sent back by the signatory once
	// An anstånd asked for: until when, why, by whom (their name).
	Until, Reason, RequestedBy string
}

const workColumns = `, r.dnr, r.title, o.name, r.state, COALESCE(to_char(m.held_on, 'YYYY-MM-DD'), ''),
	COALESCE(to_char(m.agenda_deadline, 'YYYY-MM-DD'), ''),
	EXISTS (SELECT 1 FROM notes n WHERE n.assignment_id = a.id AND n.kind = 'return')`

const workFrom = ` FROM assignments a JOIN remisses r ON r.id = a.remiss_id JOIN orgs o ON o.code = a.org_code
	LEFT JOIN meetings m ON m.id = a.meeting_id`

func (s *Store) workItems(ctx context.Context, extraCols, extraFrom, where string, args ...any) ([]WorkItem, error) {
	// Prepared: an inbox is read on every visit, and planning this join
	// costs several times running it.
	rows, err := s.queryPrepared(ctx, `SELECT `+prefixed("a", assignmentColumns)+workColumns+extraCols+workFrom+extraFrom+
		` WHERE `+where+` ORDER BY a.deadline_at, a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: work list: %w", err)
	}
	defer rows.Close()
	var out []WorkItem
	for rows.Next() {
		var it WorkItem
		var state string
		targets := []any{&it.Dnr, &it.Title, &it.OrgName, &state, &it.MeetingDate, &it.AgendaDeadline, &it.Returned}
		if extraCols != "" {
			targets = append(targets, &it.Until, &it.Reason, &it.RequestedBy)
		}
		a, err := scanAssignment(rows, targets...)
		if err != nil {
			return nil, fmt.Errorf("store: work list: %w", err)
		}
		it.Assignment, it.RoundState = a, remiss.RemissState(state)
		out = append(out, it)
	}
	return out, rows.Err()
}

// OrgWork lists org's assignments in states, nearest deadline first.
func (s *Store) OrgWork(ctx context.Context, org string, states []remiss.AssignmentState) ([]WorkItem, error) {
	names := make([]string, len(states))
	for i, st := range states {
		names[i] = string(st)
	}
	return s.workItems(ctx, "", "", `a.org_code = $1 AND a.state = ANY($2)`, org, pq.Array(names))
}

// PendingExtensions lists the anstånd requests no one has decided, of
// assignments still open, with their reasons.
func (s *Store) PendingExtensions(ctx context.Context) ([]WorkItem, error) {
	return s.workItems(ctx, `, to_char(e.requested_until, 'YYYY-MM-DD'), COALESCE(nt.body, ''),
		COALESCE(NULLIF(u.display_name, ''), e.requested_by)`,
		` JOIN extensions e ON e.assignment_id = a.id LEFT JOIN notes nt ON nt.id = e.reason_note_id
		LEFT JOIN users u ON u.username = e.requested_by`,
		`e.decided_at IS NULL AND NOT a.state = ANY($1)`, doneStates)
}

// OpenDeclines lists the declines in rounds still open, with their
// reasons: what the Coordinator reads before closing.
func (s *Store) OpenDeclines(ctx context.Context) ([]WorkItem, error) {
	return s.workItems(ctx, `, '', COALESCE(nt.body, ''), COALESCE(NULLIF(u.display_name, ''), nt.author, '')`,
		` LEFT JOIN notes nt ON nt.id = a.decline_note_id LEFT JOIN users u ON u.username = nt.author`,
		`a.state = 'declined' AND r.state = 'open'`)
}

// RoundsPastDeadline lists the open rounds whose svarsdatum has passed at
// now, oldest svarsdatum first.
func (s *Store) RoundsPastDeadline(ctx context.Context, now time.Time) ([]Remiss, error) {
	return s.remissesOrdered(ctx, `state = 'open' AND deadline_at < $1`, `deadline_at, id`, now)
}

// RoundsAwaitingStep lists the closed rounds whose sammanställning is on
// its decision path and not yet finally decided, longest waiting first.
func (s *Store) RoundsAwaitingStep(ctx context.Context) ([]Remiss, error) {
	return s.remissesOrdered(ctx, `state = 'closed' AND summary_document_id IS NOT NULL AND decided_at IS NULL`, `closed_at, id`)
}

func (s *Store) remissesOrdered(ctx context.Context, where, order string, args ...any) ([]Remiss, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+remissColumns+` FROM remisses WHERE `+where+` ORDER BY `+order, args...)
	if err != nil {
		return nil, fmt.Errorf("store: remisses: %w", err)
	}
	defer rows.Close()
	var out []Remiss
	for rows.Next() {
		var x remissScan
		if err := rows.Scan(x.targets()...); err != nil {
			return nil, fmt.Errorf("store: remisses: %w", err)
		}
		out = append(out, x.done())
	}
	return out, rows.Err()
}
