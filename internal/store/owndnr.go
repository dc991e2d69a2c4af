package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/lib/pq"

	"github.com/remiss/remiss/internal/remiss"
)

// SetOwnDnr records the recipient's own diarienummer on the assignment of
// c, with c's audit row, in one transaction, while the assignment is in
// one of states; in another state it changes nothing and returns
// ErrConflict.
func (s *Store) SetOwnDnr(ctx context.Context, c Change, dnr string, states []string) error {
	detail, err := json.Marshal(c.Detail)
	if err != nil {
		return fmt.Errorf("store: own dnr %s: %w", c.AssignmentID, err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE assignments SET own_dnr=$2, updated_at=now() WHERE id=$1 AND state = ANY($3)`,
			c.AssignmentID, dnr, pq.Array(states))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
		_, err = insertAudit(ctx, tx, c, detail)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: own dnr %s: %w", c.AssignmentID, err)
	}
	return nil
}

// DecidingMeeting is the meeting of a's organisation at which its nämnd
// decides on the answer when route is the nämnd's, as of today: the
// planned meeting while its agenda is open, else the next one
// (remiss.AgendaMeeting). The zero Meeting on delegation or when the
// calendar has none.
func (s *Store) DecidingMeeting(ctx context.Context, a Assignment, route remiss.Route, today string) (remiss.Meeting, error) {
	if route != remiss.RouteNamnd {
		return remiss.Meeting{}, nil
	}
	calendar, err := s.Meetings(ctx, a.Org, today)
	if err != nil {
		return remiss.Meeting{}, err
	}
	return remiss.AgendaMeeting(a.MeetingID, calendar, today), nil
}
