package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/workflows"
)

// launch launches a round to every organisation through the API, and
// measures the time until each assignment is in its inbox and its workflow
// runs, and the CPU spent. It returns the round's id.
func (l *load) launch(ctx context.Context, round int) (string, error) {
	launched, launchCPU := time.Now(), cpuTimes()
	dnr := fmt.Sprintf("KS 2026/%d-%d", time.Now().Unix()%1000000, round) // a new round each time, also against a kept database
	code, body := l.api.do(l.tokens["ks.samordnare"], "POST", "/api/v1/remisses", map[string]any{
		"dnr": dnr, "title": "Lasttest", "deadline": time.Now().AddDate(0, 2, 0).Format("2006-01-02"), "recipients": l.orgs})
	if code != 201 {
		return "", fmt.Errorf("launch: %d %s", code, body)
	}
	id := remiss.RemissID(dnr)
	// In its inbox: listed by the API to each recipient's officer (the rows
	// are written by the launch itself), and its workflow running, so an
	// action is taken at once instead of waiting for it to start.
	listed := l.listed(id)
	reportListed(time.Since(launched), listed, len(l.orgs))
	l.awaitWorkflows(ctx, id)
	reportRunning(time.Since(launched))
	reportLaunchCPU(launchCPU, cpuTimes(), len(l.orgs))
	return id, nil
}

// listed counts the organisations whose officer's inbox lists their
// assignment of round id.
func (l *load) listed(id string) int {
	listed := 0
	for _, org := range l.orgs {
		code, body := l.api.do(l.tokens[org+".handlaggare"], "GET", "/api/v1/assignments", nil)
		if code == 200 && strings.Contains(string(body), remiss.AssignmentID(id, org)) {
			listed++
		}
	}
	return listed
}

// awaitWorkflows waits until the workflow of every assignment of round id
// runs.
func (l *load) awaitWorkflows(ctx context.Context, id string) {
	for _, org := range l.orgs {
		for {
			d, err := l.t.c.DescribeWorkflowExecution(ctx, workflows.AssignmentWorkflowID(id, org), "")
			if err == nil && d.WorkflowExecutionInfo.Status == 1 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}
