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
// measures the time until it answers (each assignment then in its inbox)
// and until each assignment's workflow runs, and the CPU spent. It returns
// the round's id and the time until every assignment's workflow ran.
func (l *load) launch(ctx context.Context, round int) (string, time.Duration, error) {
	settle()
	launched, launchCPU := time.Now(), cpuTimes()
	dnr := fmt.Sprintf("KS 2026/%d-%d", time.Now().Unix()%1000000, round) // a new round each time, also against a kept database
	code, body := l.api.do(l.tokens["ks.samordnare"], "POST", "/api/v1/remisses", map[string]any{
		"dnr": dnr, "title": "Lasttest", "deadline": time.Now().AddDate(0, 2, 0).Format("2006-01-02"), "recipients": l.orgs})
	if code != 201 {
		return "", 0, fmt.Errorf("launch: %d %s", code, body)
	}
	id := remiss.RemissID(dnr)
	// The launch writes every assignment's row before it answers, so each is
	// in its recipient's inbox from then on. That is checked, through the
	// API, only once the workflows run: 300 inbox requests made meanwhile
	// would load the machine while the launch is measured, which the
	// baseline's launch is not.
	answered := time.Since(launched)
	for _, org := range l.orgs {
		awaitRunning(ctx, l.t.c, workflows.AssignmentWorkflowID(id, org))
	}
	running := time.Since(launched)
	reportRunning(running)
	reportLaunchCPU(launchCPU, cpuTimes(), len(l.orgs))
	listed := l.listed(id)
	reportListed(answered, listed, len(l.orgs))
	if listed != len(l.orgs) {
		return "", 0, fmt.Errorf("launch: %d of %d assignments in their inboxes", listed, len(l.orgs))
	}
	return id, running, nil
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
