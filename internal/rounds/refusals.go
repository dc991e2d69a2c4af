package rounds

import (
	"context"
	"errors"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// A refused action writes nothing. An action that stores text first (a
// version, a note, a proposed decision) asks the workflow before storing
// whether it is possible now (precheck); when the workflow refuses it all
// the same (it changed in between), what was stored for it is discarded
// (discardRefused). The workflow's update decides in the end: it checks
// again under its lock.

// precheckWait bounds how long an action waits for its workflow's status
// before storing: a workflow that does not answer in time is left to the
// update, which decides.
const precheckWait = 10 * time.Second

// precheck asks the assignment's workflow, before anything is stored,
// whether action is possible in its state, then the action's own checks
// on its status (more, when set). A workflow that has not started yet or
// does not answer passes: the update decides, and what was stored for a
// refused one is discarded.
func (s *Service) precheck(ctx context.Context, asg store.Assignment, action remiss.Action, more func(workflows.AssignmentStatus) error) error {
	qctx, cancel := context.WithTimeout(ctx, precheckWait)
	defer cancel()
	st, err := s.AssignmentStatus(qctx, asg.ID)
	if err != nil {
		return ctx.Err() // nil unless the caller gave up
	}
	if err := remiss.PossibleNow(action, st.State, st.RoundClosing); err != nil {
		return err
	}
	if more != nil {
		return more(st)
	}
	return nil
}

// discardRefused removes what was stored for an action its workflow
// refused, by discard (which keeps anything that something refers to): a
// refusal changes nothing.
func discardRefused(ctx context.Context, err error, discard func(context.Context, string) error, id string) error {
	if errors.Is(err, remiss.ErrRefused) {
		if derr := discard(ctx, id); derr != nil {
			return errors.Join(err, derr)
		}
	}
	return err
}

// extensionLimit is the end of the last day anstånd may reach in the
// assignment's round: MaxExtension past its svarsdatum.
func (s *Service) extensionLimit(ctx context.Context, asg store.Assignment) (time.Time, error) {
	r, err := s.Store.RemissHead(ctx, asg.RemissID)
	if err != nil {
		return time.Time{}, err
	}
	return remiss.ExtensionLimit(r.DeadlineAt, s.MaxExtension), nil
}
