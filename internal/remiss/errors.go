package remiss

import (
	"errors"
	"fmt"
	"strings"
)

// Kind says why an action failed, so every door (the pages, the API, the
// starter) answers the same failure the same way. The zero Kind is an
// internal failure: a cause nobody classified is never shown to a user as
// their mistake.
type Kind int

const (
	KindInternal     Kind = iota // a failure of ours: a generic message, the cause logged
	KindInvalid                  // the input is malformed
	KindForbidden                // the actor's role or organisation may not do it
	KindConflict                 // not possible in the current state, or a duplicate
	KindNotFound                 // no such thing, or not visible to the actor
	KindUnauthorized             // nobody is logged in
	KindTooLarge                 // an upload or body over its limit
)

var kindNames = [...]string{"Internal", "Invalid", "Forbidden", "Conflict", "NotFound", "Unauthorized", "TooLarge"}

// String is the kind's name; a workflow's refusal carries it as its
// application error type.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return kindNames[KindInternal]
	}
	return kindNames[k]
}

// KindNamed is the kind a name from String stands for; any other name is
// KindInternal.
func KindNamed(name string) Kind {
	for i, n := range kindNames {
		if n == name {
			return Kind(i)
		}
	}
	return KindInternal
}

// FieldError is one problem with one field, in Swedish.
type FieldError struct {
	Field   string `json:"field"`   // path as the user wrote it, e.g. "recipients[2]"
	Message string `json:"message"` // e.g. "Okänd remissinstans"
}

// FieldErrors lists every problem found in an input; it is an error.
type FieldErrors []FieldError

func (e FieldErrors) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Field + ": " + f.Message
	}
	return "ogiltiga uppgifter: " + strings.Join(parts, "; ")
}

// For returns the message for one field, or "".
func (e FieldErrors) For(field string) string {
	for _, f := range e {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// Error is a refusal a user should read: its kind, the reason in Swedish,
// and the problems by field when the input was at fault.
type Error struct {
	Kind   Kind
	Reason string
	Fields FieldErrors
}

// ErrRefused is in the chain of every Error: errors.Is(err, ErrRefused)
// tells a refusal a user should read from a failure of ours.
var ErrRefused = errors.New("åtgärden avvisades")

func (e *Error) Unwrap() error { return ErrRefused }

func (e *Error) Error() string {
	if len(e.Fields) > 1 || len(e.Fields) == 1 && e.Fields[0].Message != e.Reason {
		return e.Reason + ": " + strings.TrimPrefix(e.Fields.Error(), "ogiltiga uppgifter: ")
	}
	return e.Reason
}

// Refuse is an Error of kind with a Swedish reason.
func Refuse(kind Kind, format string, args ...any) error {
	return &Error{Kind: kind, Reason: fmt.Sprintf(format, args...)}
}

// InvalidField refuses one field of an input; the message is the reason.
func InvalidField(field, message string) error {
	return &Error{Kind: KindInvalid, Reason: message, Fields: FieldErrors{{Field: field, Message: message}}}
}

// Invalid turns a validation failure (FieldErrors) into an Error of kind
// KindInvalid; any other error is returned as it is, and nil stays nil.
func Invalid(err error) error {
	var fields FieldErrors
	if errors.As(err, &fields) {
		return &Error{Kind: KindInvalid, Reason: "ogiltiga uppgifter", Fields: fields}
	}
	return err
}

// AsError finds the Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
