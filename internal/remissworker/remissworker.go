// Package remissworker registers every workflow and activity on a Temporal
// worker, so the worker binary, the dev command and the end-to-end tests run
// the same set.
package remissworker

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/workflows"
)

// Register adds the workflows and the activities to r.
func Register(r worker.Registry, acts *activities.Activities) {
	r.RegisterWorkflow(workflows.RemissWorkflow)
	r.RegisterWorkflow(workflows.AssignmentWorkflow)
	r.RegisterWorkflow(workflows.DecisionWorkflow)
	r.RegisterWorkflow(workflows.DelegationListWorkflow)
	r.RegisterActivity(acts)
}

// New returns a worker on the remiss task queue with everything registered.
func New(c client.Client, acts *activities.Activities, opts worker.Options) worker.Worker {
	w := worker.New(c, workflows.TaskQueue, opts)
	Register(w, acts)
	return w
}
