package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/remiss/remiss/activities"
)

// DelegationListWorkflowID names the workflow that makes the PDF of one
// anmälan av delegationsbeslut.
func DelegationListWorkflowID(reportID string) string { return "delegation-list:" + reportID }

// DelegationListWorkflow renders, seals and stores the list of decisions on
// delegation a registrator reported at a meeting. It carries the report's
// ID only; the list is read from the database.
func DelegationListWorkflow(ctx workflow.Context, in activities.DelegationListInput) (activities.DocumentResult, error) {
	var res activities.DocumentResult
	err := workflow.ExecuteActivity(decisionOptions(ctx), a.RenderDelegationList, in).Get(ctx, &res)
	return res, err
}
