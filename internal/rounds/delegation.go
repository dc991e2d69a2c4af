package rounds

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// DelegationReport is a report with the decisions it reported.
type DelegationReport struct {
	store.DelegationReport
	Decisions []store.DelegatedDecision
}

// DelegationOverview is what an organisation's registrator has to report
// to its nämnd (kommunallagen 6 kap. 40 §): the decisions on delegation not
// yet reported, listed for the next meeting; the meetings held that they
// may be reported at; and the reports made.
type DelegationOverview struct {
	Pending []store.DelegatedDecision
	Next    *remiss.Meeting  // the next meeting in the calendar, if any
	Held    []remiss.Meeting // meetings held, the latest first
	Reports []DelegationReport
}

// DelegationRequest reports the pending decisions at a meeting held, under
// a paragraph of its minutes.
type DelegationRequest struct {
	Meeting   string `json:"meeting" validate:"required,max=200,id"`
	Paragraph string `json:"paragraph" validate:"required,paragraph"`
}

// Delegation reads the registrator's own organisation's decisions on
// delegation.
func (s *Service) Delegation(ctx context.Context, actor remiss.Actor) (DelegationOverview, error) {
	var o DelegationOverview
	if err := remiss.MayAct(remiss.ActReportDelegation, actor, actor.Org); err != nil {
		return o, err
	}
	var err error
	if o.Pending, err = s.Store.DelegatedDecisions(ctx, actor.Org, ""); err != nil {
		return o, err
	}
	calendar, err := s.Store.Meetings(ctx, actor.Org, time.Now().AddDate(-1, 0, 0).Format(remiss.DateLayout))
	if err != nil {
		return o, err
	}
	today := todayIn(time.Now())
	for i := len(calendar) - 1; i >= 0; i-- {
		if m := calendar[i]; m.Date <= today {
			o.Held = append(o.Held, m)
		} else {
			o.Next = &calendar[i]
		}
	}
	if len(o.Held) > 0 && o.Held[0].Date == today {
		o.Next = &o.Held[0] // a meeting today is the next one
	}
	reports, err := s.Store.DelegationReports(ctx, actor.Org)
	if err != nil {
		return o, err
	}
	for _, r := range reports {
		d, err := s.Store.DelegatedDecisions(ctx, actor.Org, r.ID)
		if err != nil {
			return o, err
		}
		o.Reports = append(o.Reports, DelegationReport{r, d})
	}
	return o, nil
}

// ReportDelegation marks the pending decisions on delegation taken on or
// before a meeting's day as reported at it, under a paragraph, and has the
// list made a sealed PDF. The same meeting and paragraph again is the same
// report: its PDF is made if it is missing.
func (s *Service) ReportDelegation(ctx context.Context, actor remiss.Actor, in DelegationRequest) (store.DelegationReport, error) {
	var rep store.DelegationReport
	if err := remiss.MayAct(remiss.ActReportDelegation, actor, actor.Org); err != nil {
		return rep, err
	}
	in.Meeting, in.Paragraph = strings.TrimSpace(in.Meeting), strings.TrimSpace(in.Paragraph)
	if err := check(in); err != nil {
		return rep, err
	}
	m, err := s.Store.Meeting(ctx, actor.Org, in.Meeting)
	if errors.Is(err, store.ErrNotFound) {
		return rep, remiss.InvalidField("meeting", "Inget sådant sammanträde i organisationens kalender")
	}
	if err != nil {
		return rep, err
	}
	if m.Date > todayIn(time.Now()) {
		return rep, remiss.InvalidField("meeting", "Sammanträdet har inte hållits än")
	}
	paragraph := remiss.Paragraph(in.Paragraph)
	rep = store.DelegationReport{ID: decisionID(actor.Org+".anmalan", m.ID, paragraph), Org: actor.Org, MeetingID: m.ID,
		HeldOn: m.Date, Paragraph: paragraph, ReportedBy: actor.User, ReportedAt: time.Now()}
	_, err = s.Store.ReportDelegation(ctx, rep)
	switch {
	case errors.Is(err, store.ErrConflict):
		if rep, err = s.Store.DelegationReport(ctx, actor.Org, rep.ID); err != nil {
			return rep, remiss.InvalidField("paragraph", "Paragrafen är redan använd för en annan anmälan vid sammanträdet")
		}
	case errors.Is(err, store.ErrNotFound):
		return rep, remiss.Refuse(remiss.KindConflict, "det finns inga delegationsbeslut fattade till och med %s att anmäla", m.Date)
	case err != nil:
		return rep, err
	}
	return s.delegationList(ctx, rep)
}

// delegationList has the report's PDF made and waits a while for it; a
// list not ready by then is made in the background and shown when it is.
func (s *Service) delegationList(ctx context.Context, rep store.DelegationReport) (store.DelegationReport, error) {
	if rep.DocumentID != "" {
		return rep, nil
	}
	run, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.DelegationListWorkflowID(rep.ID), TaskQueue: s.TaskQueue,
	}, workflows.DelegationListWorkflow, activities.DelegationListInput{Org: rep.Org, ReportID: rep.ID})
	if err != nil {
		slog.Warn("rounds: delegation list not started", "report", rep.ID, "error", err)
		return rep, nil
	}
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var res activities.DocumentResult
	if err := run.Get(wait, &res); err != nil {
		slog.Warn("rounds: delegation list not ready", "report", rep.ID, "error", err)
		return rep, nil
	}
	rep.DocumentID = res.DocumentID
	return rep, nil
}
