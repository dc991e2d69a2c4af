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
// runs, and the CPU spent. It returns the round's id and the time until
// every assignment's workflow ran.
func (l *load) launch(ctx context.Context, round int) (string, time.Duration, error) {
	launched, launchCPU := time.Now(), cpuTimes()
	dnr := fmt.Sprintf("KS 2026/%d-%d", time.Now().Unix()%1000000, round) // a new round each time, also against a kept database
	code, body := l.api.do(l.tokens["ks.samordnare"], "POST", "/api/v1/remisses", map[string]any{
		"dnr": dnr, "title": "Lasttest", "deadline": time.Now().AddDate(0, 2, 0).Format("2006-01-02"), "recipients": l.orgs})
	if code != 201 {
		return "", 0, fmt.Errorf("launch: %d %s", code, body)
	}
	id := remiss.RemissID(dnr)
	// In its inbox: listed by the API to each recipient's officer (the rows
	// are written by the launch itself), and its workflow running, so an
	// action is taken at once instead of waiting for it to start.
	listed := l.listed(id)
	reportListed(time.Since(launched), listed, len(l.orgs))
	for _, org := range l.orgs {
		awaitRunning(ctx, l.t.c, workflows.AssignmentWorkflowID(id, org))
	}
	running := time.Since(launched)
	reportRunning(running)
	reportLaunchCPU(launchCPU, cpuTimes(), len(l.orgs))
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
