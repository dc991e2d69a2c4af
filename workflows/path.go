package workflows

import (
	"fmt"
	"slices"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/remiss"
	"go.temporal.io/sdk/workflow"
)

type path struct {
	in        PathInput
	step      int
	done      bool
	decisions []string
	outcomeID string
	mu        workflow.Mutex
}

// DecisionWorkflow carries a closed round's sammanställning through its
// decision path: an office approves it, each body that meets records its
// decision with a protokollsutdrag; an återremiss sends it back to the first step; when the final body has
// decided, every recipient is told the outcome.
func DecisionWorkflow(ctx workflow.Context, in PathInput) (PathStatus, error) {
	p := &path{in: in, mu: workflow.NewMutex(ctx)}
	ctx = activityOptions(ctx)
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (PathStatus, error) { return p.status(), nil }); err != nil {
		return PathStatus{}, err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateDecideStep, p.decide,
		workflow.UpdateHandlerOptions{Validator: func(_ workflow.Context, r StepRequest) error { return p.check(r) }}); err != nil {
		return PathStatus{}, err
	}
	if err := workflow.Await(ctx, func() bool { return p.done }); err != nil {
		return PathStatus{}, err
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return PathStatus{}, err
	}
	return p.status(), nil
}

func (p *path) status() PathStatus {
	return PathStatus{RemissID: p.in.RemissID, Path: slices.Clone(p.in.Path), Step: p.step, Done: p.done,
		Decisions: slices.Clone(p.decisions), OutcomeID: p.outcomeID}
}

func (p *path) check(r StepRequest) error {
	if err := rules.Struct(r); err != nil {
		return invalid(err)
	}
	if err := remiss.MayAct(remiss.ActDecideStep, r.Actor, ""); err != nil {
		return refusal(err)
	}
	if slices.Contains(p.decisions, r.DecisionID) {
		return nil // recorded already: its answer was lost on the way
	}
	if p.done {
		return conflict("beslutsgången är avslutad")
	}
	if r.Step != p.in.Path[p.step] {
		return conflict(fmt.Sprintf("tjänsteutlåtandet ligger hos %s", remiss.StepName(p.in.Path[p.step])))
	}
	final := p.step == len(p.in.Path)-1
	if !slices.Contains(remiss.StepVerdicts(r.Step, final), r.Verdict) {
		switch {
		case final:
			return invalidField("verdict", "den sista instansen fattar beslut eller återremitterar")
		case !remiss.StepRule(r.Step).Meets:
			return invalidField("verdict", remiss.StepName(r.Step)+" godkänner tjänsteutlåtandet")
		}
		return invalidField("verdict", "beslutet kan bara fattas av den sista instansen; här tillstyrks, avstyrks eller återremitteras")
	}
	return nil
}

func (p *path) decide(ctx workflow.Context, r StepRequest) (PathStatus, error) {
	if err := p.mu.Lock(ctx); err != nil {
		return p.status(), err
	}
	defer p.mu.Unlock()
	if err := p.check(r); err != nil {
		return p.status(), err
	}
	if slices.Contains(p.decisions, r.DecisionID) {
		return p.status(), nil
	}
	next, final := p.step+1, false
	switch r.Verdict {
	case remiss.VerdictAterremiss:
		next = 0
	case remiss.VerdictBeslut:
		next, final = p.step, true
	}
	// A body that meets issues a protokollsutdrag; an office's approval is
	// kept in the audit trail.
	record := a.RenderMinutes
	if !remiss.StepRule(r.Step).Meets {
		record = a.RecordApproval
	}
	var res activities.DocumentResult
	if err := workflow.ExecuteActivity(decisionOptions(ctx), record, activities.MinutesInput{
		EventKey: r.DecisionID + ".recorded", At: workflow.Now(ctx), DecisionID: r.DecisionID,
		NextStep: next, Final: final,
	}).Get(ctx, &res); err != nil {
		return p.status(), err
	}
	p.step, p.done = next, final
	p.decisions = append(p.decisions, r.DecisionID)
	if final {
		p.outcomeID = res.DocumentID
	}
	return p.status(), nil
}
