package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/workflows"
)

// The commands on one assignment (--assignment): assign, draft, submit,
// return, approve, decline, extension, decide-extension.

// needAssignment requires --assignment, <remiss-ID>.<organisation>.
func needAssignment(in *args) error {
	if in.assignment == "" {
		return fmt.Errorf("%s: ange --assignment\n\n%s", in.name, usage)
	}
	i := strings.LastIndexByte(in.assignment, '.')
	if i < 0 {
		return fmt.Errorf("ogiltigt uppdrags-ID %q: skriv <remiss-ID>.<organisation>", in.assignment)
	}
	in.org = in.assignment[i+1:]
	return nil
}

// orgUser is the default user of a command: the demo user of the
// assignment's organisation with the role.
func orgUser(role string) func(org string) string {
	return func(org string) string { return org + "." + role }
}

func coordinator(string) string { return "ks.samordnare" }

// assignmentAction is an action on the assignment in.assignment, as actor.
type assignmentAction func(ctx context.Context, a *app, actor remiss.Actor, in args) (workflows.AssignmentStatus, error)

// onAssignment makes the command that does act as --as, or as the user
// defaultUser names for the assignment's organisation, and prints the
// assignment's status after.
func onAssignment(defaultUser func(org string) string, act assignmentAction) func(context.Context, *app, args, io.Writer) error {
	return func(ctx context.Context, a *app, in args, out io.Writer) error {
		actor, err := a.actor(ctx, in.as, defaultUser(in.org))
		if err != nil {
			return err
		}
		st, err := act(ctx, a, actor, in)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, statusText(st).String())
		return nil
	}
}

func assign(ctx context.Context, a *app, actor remiss.Actor, in args) (workflows.AssignmentStatus, error) {
	return a.svc.Assign(ctx, actor, in.assignment, in.officer)
}

func saveDraft(ctx context.Context, a *app, actor remiss.Actor, in args) (workflows.AssignmentStatus, error) {
	resp, err := readResponse(in.file)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	return a.svc.SaveDraft(ctx, actor, in.assignment, resp)
}

func submit(ctx context.Context, a *app, actor remiss.Actor, in args) (workflows.AssignmentStatus, error) {
	resp, err := readResponse(in.file)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	return a.svc.Submit(ctx, actor, in.assignment, resp)
}

func readResponse(path string) (remiss.Response, error) {
	var resp remiss.Response
	err := readYAML(path, &resp)
	return resp, err
}

func returnAssignment(ctx context.Context, a *app, actor remiss.Actor, in args) (workflows.AssignmentStatus, error) {
	return a.svc.Return(ctx, actor, in.assignment, in.comment)
}

func approve(ctx context.Context, a *app, actor remiss.Actor, in args) (workflows.AssignmentStatus, error) {
	return a.svc.Approve(ctx, actor, in.assignment, "")
}

func decline(ctx context.Context, a *app, actor remiss.Actor, in args) (workflows.AssignmentStatus, error) {
	return a.svc.Decline(ctx, actor, in.assignment, in.reason, "")
}

func requestExtension(ctx context.Context, a *app, actor remiss.Actor, in args) (workflows.AssignmentStatus, error) {
	return a.svc.RequestExtension(ctx, actor, in.assignment, in.until, in.reason)
}

func decideExtension(ctx context.Context, a *app, actor remiss.Actor, in args) (workflows.AssignmentStatus, error) {
	if in.approve == in.refuse {
		return workflows.AssignmentStatus{}, errors.New("ange antingen --approve eller --refuse")
	}
	return a.svc.DecideExtension(ctx, actor, in.assignment, in.approve, in.until)
}

type statusText workflows.AssignmentStatus

func (s statusText) String() string {
	text := fmt.Sprintf("%s: %s, svarsdatum %s", s.AssignmentID, s.State.Label(), remiss.DateOf(s.DeadlineAt))
	if s.Officer != "" {
		text += ", handläggare " + s.Officer
	}
	if s.Late {
		text += ", inkom efter svarsdatum"
	}
	if s.Pending != nil {
		text += ", anstånd begärt till " + s.Pending.Until
	}
	return text
}
