package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/remiss/remiss/internal/remiss"
)

// OrgRoute is an organisation's default decision route and its delegation
// reference (the point of its delegationsordning).
func (s *Store) OrgRoute(ctx context.Context, org string) (remiss.Route, string, error) {
	var route, ref string
	err := s.db.QueryRowContext(ctx, `SELECT decision_route, delegation_ref FROM orgs WHERE code=$1`, org).Scan(&route, &ref)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("store: org %s: %w", org, ErrNotFound)
	}
	if err != nil {
		return "", "", fmt.Errorf("store: org route %s: %w", org, err)
	}
	return remiss.Route(route), ref, nil
}

// SetOrgRoute sets an organisation's default decision route.
func (s *Store) SetOrgRoute(ctx context.Context, org string, route remiss.Route, ref string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE orgs SET decision_route=$2, delegation_ref=$3 WHERE code=$1`, org, string(route), ref)
	if err != nil {
		return fmt.Errorf("store: org route %s: %w", org, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: org %s: %w", org, ErrNotFound)
	}
	return nil
}

const meetingColumns = `id, org_code, held_on, agenda_deadline, place`

func scanMeeting(row interface{ Scan(...any) error }) (remiss.Meeting, error) {
	var m remiss.Meeting
	var on, agenda time.Time
	err := row.Scan(&m.ID, &m.Org, &on, &agenda, &m.Place)
	m.Date, m.AgendaDeadline = on.Format(remiss.DateLayout), agenda.Format(remiss.DateLayout)
	return m, err
}

// AddMeeting puts a meeting in an organisation's calendar. A second meeting
// on the same day is ErrConflict.
func (s *Store) AddMeeting(ctx context.Context, org string, n remiss.NewMeeting, by string) (remiss.Meeting, error) {
	id := remiss.MeetingID(org, n.Date)
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO meetings (id, org_code, held_on, agenda_deadline, place, created_by) VALUES ($1,$2,$3,$4,$5,$6)`,
		id, org, n.Date, n.AgendaDeadline, n.Place, by)
	if isUniqueViolation(err) {
		return remiss.Meeting{}, fmt.Errorf("store: meeting %s: %w", id, ErrConflict)
	}
	if err != nil {
		return remiss.Meeting{}, fmt.Errorf("store: meeting %s: %w", id, err)
	}
	return remiss.Meeting{ID: id, Org: org, Date: n.Date, AgendaDeadline: n.AgendaDeadline, Place: n.Place}, nil
}

// DeleteMeeting removes a meeting of org. A meeting an ärende is planned
// for, or was decided at, is ErrConflict. Decisions proposed for it and
// never recorded go with it.
func (s *Store) DeleteMeeting(ctx context.Context, org, id string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM decisions WHERE state='proposed' AND (meeting_id=$1 OR next_meeting_id=$1)
		AND EXISTS (SELECT 1 FROM meetings WHERE id=$1 AND org_code=$2)
		AND NOT EXISTS (SELECT 1 FROM assignments WHERE meeting_id=$1)`, id, org); err != nil {
		return fmt.Errorf("store: delete meeting %s: %w", id, err)
	}
	res, err := s.db.ExecContext(ctx, `
		DELETE FROM meetings m WHERE id=$1 AND org_code=$2
		AND NOT EXISTS (SELECT 1 FROM assignments WHERE meeting_id=m.id)
		AND NOT EXISTS (SELECT 1 FROM decisions WHERE state='recorded' AND (meeting_id=m.id OR next_meeting_id=m.id))`, id, org)
	if err != nil {
		return fmt.Errorf("store: delete meeting %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := s.Meeting(ctx, org, id); err != nil {
		return err
	}
	return fmt.Errorf("store: meeting %s has ärenden: %w", id, ErrConflict)
}

// Meeting loads one meeting of org.
func (s *Store) Meeting(ctx context.Context, org, id string) (remiss.Meeting, error) {
	m, err := scanMeeting(s.db.QueryRowContext(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE id=$1 AND org_code=$2`, id, org))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("store: meeting %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("store: meeting %s: %w", id, err)
	}
	return m, nil
}

// Meetings lists an organisation's meetings from a date on, in order.
func (s *Store) Meetings(ctx context.Context, org, from string) ([]remiss.Meeting, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE org_code=$1 AND held_on >= $2 ORDER BY held_on`, org, from)
	if err != nil {
		return nil, fmt.Errorf("store: meetings %s: %w", org, err)
	}
	defer rows.Close()
	var out []remiss.Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, fmt.Errorf("store: meetings %s: %w", org, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Decision is a recorded (or proposed) decision.
type Decision struct {
	ID            string
	RemissID      string
	AssignmentID  string // a nämnd's decision on its answer
	Step          string // a step of KS's statement's path
	Body          string // who decided, as printed
	MeetingID     string
	HeldOn        string
	Paragraph     string
	Verdict       remiss.Verdict
	Wording       string
	Reason        string
	NextMeetingID string
	Immediate     bool
	AdjustOn      string
	Adjusters     []string
	Reservations  string
	DelegationRef string
	DocumentID    string
	State         string
	RecordedBy    string
	RecordedAt    time.Time
}

// ProposeDecision stores a decision before the workflow accepts it. The
// same ID again is ErrConflict.
func (s *Store) ProposeDecision(ctx context.Context, d Decision) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO decisions (id, remiss_id, assignment_id, step, body, meeting_id, held_on, paragraph, verdict, wording,
			reason, next_meeting_id, immediate, adjust_on, adjusters, reservations, delegation_ref, recorded_by, recorded_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)`,
		d.ID, d.RemissID, nullString(d.AssignmentID), nullString(d.Step), d.Body, nullString(d.MeetingID), nullString(d.HeldOn),
		d.Paragraph, string(d.Verdict), d.Wording, d.Reason, nullString(d.NextMeetingID), d.Immediate, nullString(d.AdjustOn),
		pq.Array(nonNil(d.Adjusters)), d.Reservations, d.DelegationRef, d.RecordedBy, d.RecordedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: decision %s: %w", d.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: decision %s: %w", d.ID, err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const decisionColumns = `id, remiss_id, assignment_id, step, body, meeting_id, held_on, paragraph, verdict, wording, reason,
	next_meeting_id, immediate, adjust_on, adjusters, reservations, delegation_ref, document_id, state, recorded_by, recorded_at`

func scanDecision(row interface{ Scan(...any) error }) (Decision, error) {
	var d Decision
	var asg, step, meeting, next, doc sql.NullString
	var held, adjust sql.NullTime
	var verdict string
	err := row.Scan(&d.ID, &d.RemissID, &asg, &step, &d.Body, &meeting, &held, &d.Paragraph, &verdict, &d.Wording, &d.Reason,
		&next, &d.Immediate, &adjust, pq.Array(&d.Adjusters), &d.Reservations, &d.DelegationRef, &doc, &d.State, &d.RecordedBy, &d.RecordedAt)
	d.AssignmentID, d.Step, d.MeetingID, d.NextMeetingID, d.DocumentID = asg.String, step.String, meeting.String, next.String, doc.String
	d.Verdict = remiss.Verdict(verdict)
	if held.Valid {
		d.HeldOn = held.Time.Format(remiss.DateLayout)
	}
	if adjust.Valid {
		d.AdjustOn = adjust.Time.Format(remiss.DateLayout)
	}
	return d, err
}

// DiscardDecision removes a decision that was proposed and never
// recorded.
func (s *Store) DiscardDecision(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM decisions WHERE id=$1 AND state='proposed'`, id); err != nil {
		return fmt.Errorf("store: discard decision %s: %w", id, err)
	}
	return nil
}

// Decision loads one decision, proposed or recorded.
func (s *Store) Decision(ctx context.Context, id string) (Decision, error) {
	d, err := scanDecision(s.db.QueryRowContext(ctx, `SELECT `+decisionColumns+` FROM decisions WHERE id=$1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("store: decision %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("store: decision %s: %w", id, err)
	}
	return d, nil
}

// Decisions lists a round's recorded decisions in the order they were
// made: the nämnder's and KS's statement's path.
func (s *Store) Decisions(ctx context.Context, remissID string) ([]Decision, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+decisionColumns+` FROM decisions
		WHERE remiss_id=$1 AND state='recorded' ORDER BY recorded_at, id`, remissID)
	if err != nil {
		return nil, fmt.Errorf("store: decisions %s: %w", remissID, err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, fmt.Errorf("store: decisions %s: %w", remissID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// AgendaItem is an ärende waiting for a nämnd's decision.
type AgendaItem struct {
	Assignment
	Dnr, Title string
	Meeting    remiss.Meeting
}

// Agenda lists an organisation's ärenden on the agenda of its meetings, by
// meeting date.
func (s *Store) Agenda(ctx context.Context, org string) ([]AgendaItem, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT `+prefixed("a", assignmentColumns)+`, r.dnr, r.title,
		       COALESCE(m.id,''), COALESCE(m.held_on, '0001-01-01'), COALESCE(m.agenda_deadline, '0001-01-01'), COALESCE(m.place,'')
		FROM assignments a JOIN remisses r ON r.id = a.remiss_id LEFT JOIN meetings m ON m.id = a.meeting_id
		WHERE a.org_code=$1 AND a.state=$2 ORDER BY m.held_on NULLS LAST, a.id`, org, string(remiss.StateOnAgenda))
	if err != nil {
		return nil, fmt.Errorf("store: agenda %s: %w", org, err)
	}
	defer rows.Close()
	var out []AgendaItem
	for rows.Next() {
		var it AgendaItem
		var on, agenda time.Time
		a, err := scanAssignment(rows, &it.Dnr, &it.Title, &it.Meeting.ID, &on, &agenda, &it.Meeting.Place)
		if err != nil {
			return nil, fmt.Errorf("store: agenda %s: %w", org, err)
		}
		it.Assignment = a
		if it.Meeting.ID != "" {
			it.Meeting.Org, it.Meeting.Date, it.Meeting.AgendaDeadline = org, on.Format(remiss.DateLayout), agenda.Format(remiss.DateLayout)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// PlanningAssignments lists the open assignments of org, in open rounds,
// that decide by nämnd and are not yet on an agenda: a change of the
// calendar may change their meeting.
func (s *Store) PlanningAssignments(ctx context.Context, org string) ([]Assignment, error) {
	return s.assignments(ctx, `WHERE org_code=$1 AND route='namnd' AND state = ANY($2)
		AND remiss_id IN (SELECT id FROM remisses WHERE state='open')`,
		org, pq.Array([]string{string(remiss.StateSent), string(remiss.StateAssigned), string(remiss.StateDrafting), string(remiss.StateSubmitted), string(remiss.StateDeclineProposed)}))
}
