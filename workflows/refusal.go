package workflows

import (
	"errors"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/remiss/remiss/internal/remiss"
)

// A workflow refuses an action (in an update's validator or handler) with
// a domain *remiss.Error. It leaves the workflow as an application error
// whose type is refusalType plus the kind's name, with the reason and
// the fields as details, so that Refusal can read it back on the caller's side. Every
// other failure (an activity's, a timeout) is not a refusal: the caller
// answers it as an internal error.
const refusalType = "Refusal."

// refusal turns a domain error into a workflow's refusal; other errors
// and nil pass unchanged.
func refusal(err error) error {
	e, ok := remiss.AsError(err)
	if !ok {
		return err
	}
	return temporal.NewApplicationError(e.Error(), refusalType+e.Kind.String(), e.Reason, e.Fields)
}

func conflict(msg string) error { return refusal(remiss.Refuse(remiss.KindConflict, "%s", msg)) }

// invalid refuses a request that failed its rules (field by field).
func invalid(err error) error { return refusal(remiss.Invalid(err)) }

// invalidField refuses one field of a request.
func invalidField(field, msg string) error { return refusal(remiss.InvalidField(field, msg)) }

// Refusal reads a workflow's refusal back as the domain error it was;
// ok is false for any other failure, including one of an activity that
// the workflow passed on.
func Refusal(err error) (*remiss.Error, bool) {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || !strings.HasPrefix(appErr.Type(), refusalType) {
		return nil, false
	}
	var actErr *temporal.ActivityError
	var childErr *temporal.ChildWorkflowExecutionError
	if errors.As(err, &actErr) || errors.As(err, &childErr) {
		return nil, false
	}
	e := &remiss.Error{Kind: remiss.KindNamed(strings.TrimPrefix(appErr.Type(), refusalType)), Reason: appErr.Message()}
	if e.Kind == remiss.KindInternal {
		return nil, false
	}
	if appErr.HasDetails() {
		var reason string
		var fields remiss.FieldErrors
		if appErr.Details(&reason, &fields) == nil {
			e.Reason, e.Fields = reason, fields
		}
	}
	return e, true
}
