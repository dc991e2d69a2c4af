package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/remiss/remiss/internal/remiss"
)

// DelegationReport is an anmälan av delegationsbeslut: an organisation's
// decisions on delegation, reported to its nämnd at a meeting under a
// paragraph.
type DelegationReport struct {
	ID         string
	Org        string
	MeetingID  string
	HeldOn     string
	Paragraph  string // "§ 14"
	ReportedBy string
	ReportedAt time.Time
	DocumentID string // the list as a PDF; empty until it is stored
}

// DelegatedDecision is a decision on delegation with what its list prints.
type DelegatedDecision struct {
	Decision
	Dnr, Title                    string
	DecidedByName, DecidedByTitle string
	Report                        DelegationReport // empty while pending
}

// withExtra scans a row's leading columns with a scanner that knows them,
// and the rest into more.
type withExtra struct {
	row  interface{ Scan(...any) error }
	more []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.more...)...) }

// DelegatedDecisions lists an organisation's decisions on delegation in the
// order they were taken: those not yet reported (reportID empty), or those
// of one report.
func (s *Store) DelegatedDecisions(ctx context.Context, org, reportID string) ([]DelegatedDecision, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT `+prefixed("d", decisionColumns)+`, r.dnr, r.title, COALESCE(u.display_name,''), COALESCE(u.title,''),
		       COALESCE(dr.id,''), COALESCE(dr.meeting_id,''), COALESCE(m.held_on,'0001-01-01'), COALESCE(dr.paragraph,'')
		FROM decisions d JOIN assignments a ON a.id = d.assignment_id JOIN remisses r ON r.id = d.remiss_id
		LEFT JOIN users u ON u.username = d.recorded_by
		LEFT JOIN delegation_reports dr ON dr.id = d.report_id LEFT JOIN meetings m ON m.id = dr.meeting_id
		WHERE a.org_code=$1 AND d.verdict='delegation' AND d.state='recorded' AND COALESCE(d.report_id,'') = $2
		ORDER BY d.recorded_at, d.id`, org, reportID)
	if err != nil {
		return nil, fmt.Errorf("store: delegated decisions %s: %w", org, err)
	}
	defer rows.Close()
	var out []DelegatedDecision
	for rows.Next() {
		var dd DelegatedDecision
		var held time.Time
		dd.Decision, err = scanDecision(withExtra{rows, []any{&dd.Dnr, &dd.Title, &dd.DecidedByName, &dd.DecidedByTitle,
			&dd.Report.ID, &dd.Report.MeetingID, &held, &dd.Report.Paragraph}})
		if err != nil {
			return nil, fmt.Errorf("store: delegated decisions %s: %w", org, err)
		}
		if dd.Report.ID != "" {
			dd.Report.Org, dd.Report.HeldOn = org, held.Format(remiss.DateLayout)
		}
		out = append(out, dd)
	}
	return out, rows.Err()
}

// ReportDelegation stores a report and marks as reported in it every
// decision of its organisation not yet reported and taken on or before the
// meeting's day, with an audit row for each ärende. No such decision is
// ErrNotFound; the same meeting and paragraph again is ErrConflict.
// Nothing is changed then.
func (s *Store) ReportDelegation(ctx context.Context, r DelegationReport) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO delegation_reports (id, org_code, meeting_id, paragraph, reported_by, reported_at) VALUES ($1,$2,$3,$4,$5,$6)`,
			r.ID, r.Org, r.MeetingID, r.Paragraph, r.ReportedBy, r.ReportedAt)
		if isUniqueViolation(err) {
			return ErrConflict
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `
			UPDATE decisions d SET report_id=$1 FROM assignments a
			WHERE a.id = d.assignment_id AND a.org_code=$2 AND d.verdict='delegation' AND d.state='recorded'
			  AND d.report_id IS NULL AND (d.recorded_at AT TIME ZONE 'Europe/Stockholm')::date <= $3
			RETURNING d.id, d.remiss_id, d.assignment_id`, r.ID, r.Org, r.HeldOn)
		if err != nil {
			return err
		}
		var reported []Change
		for rows.Next() {
			c := Change{Actor: r.ReportedBy, At: r.ReportedAt, Action: "delegation_reported"}
			var id string
			if err := rows.Scan(&id, &c.RemissID, &c.AssignmentID); err != nil {
				rows.Close()
				return err
			}
			c.EventKey = "delegation_reported." + id
			reported = append(reported, c)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if n = int64(len(reported)); n == 0 {
			return ErrNotFound
		}
		return auditReported(ctx, tx, reported, r)
	})
	if err != nil {
		return 0, fmt.Errorf("store: delegation report %s: %w", r.ID, err)
	}
	return int(n), nil
}

// auditReported writes the audit row of each ärende whose decision was
// reported.
func auditReported(ctx context.Context, tx *sql.Tx, reported []Change, r DelegationReport) error {
	detail, err := json.Marshal(map[string]string{"meeting": r.MeetingID, "paragraph": r.Paragraph})
	if err != nil {
		return err
	}
	for _, c := range reported {
		if _, err := insertAudit(ctx, tx, c, detail); err != nil {
			return err
		}
	}
	return nil
}

const reportColumns = `dr.id, dr.org_code, dr.meeting_id, m.held_on, dr.paragraph, dr.reported_by, dr.reported_at, COALESCE(dr.document_id,'')`

func scanReport(row interface{ Scan(...any) error }) (DelegationReport, error) {
	var r DelegationReport
	var held time.Time
	err := row.Scan(&r.ID, &r.Org, &r.MeetingID, &held, &r.Paragraph, &r.ReportedBy, &r.ReportedAt, &r.DocumentID)
	r.HeldOn = held.Format(remiss.DateLayout)
	return r, err
}

// DelegationReports lists an organisation's reports, the latest first.
func (s *Store) DelegationReports(ctx context.Context, org string) ([]DelegationReport, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+reportColumns+` FROM delegation_reports dr JOIN meetings m ON m.id = dr.meeting_id
		WHERE dr.org_code=$1 ORDER BY m.held_on DESC, dr.reported_at DESC`, org)
	if err != nil {
		return nil, fmt.Errorf("store: delegation reports %s: %w", org, err)
	}
	defer rows.Close()
	var out []DelegationReport
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, fmt.Errorf("store: delegation reports %s: %w", org, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DelegationReport loads one report of org.
func (s *Store) DelegationReport(ctx context.Context, org, id string) (DelegationReport, error) {
	r, err := scanReport(s.db.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM delegation_reports dr JOIN meetings m ON m.id = dr.meeting_id
		WHERE dr.id=$1 AND dr.org_code=$2`, id, org))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: delegation report %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: delegation report %s: %w", id, err)
	}
	return r, nil
}

// SetDelegationReportDocument names the stored PDF of a report.
func (s *Store) SetDelegationReportDocument(ctx context.Context, id, documentID string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE delegation_reports SET document_id=$2 WHERE id=$1`, id, documentID); err != nil {
		return fmt.Errorf("store: delegation report %s: %w", id, err)
	}
	return nil
}

// DecidedOn is the day the decision was taken, in Stockholm.
func (d DelegatedDecision) DecidedOn() string {
	return d.RecordedAt.In(remiss.Stockholm).Format(remiss.DateLayout)
}

// DecidedBy is who took the decision: name and title, or the username.
func (d DelegatedDecision) DecidedBy() string {
	name := d.DecidedByName
	if name == "" {
		name = d.RecordedBy
	}
	if d.DecidedByTitle != "" {
		name += ", " + d.DecidedByTitle
	}
	return name
}
