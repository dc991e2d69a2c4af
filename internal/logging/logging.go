// Package logging makes the processes' logger: JSON lines in production,
// text in development, each line about a round or an assignment carrying
// its ID ("remiss", "assignment"), and no e-mail address in any line.
//
// The IDs: code that logs about a round or an assignment passes them as
// attributes (Remiss, Assignment); a line of the Temporal SDK's (which
// names the workflow, "WorkflowID") gets them from the workflow's ID, as
// workflows.RemissWorkflowID, AssignmentWorkflowID and DecisionWorkflowID
// make it. Personal free text (names, addresses, answers) is never passed
// to a logger; as a net for what a peer's error echoes (an SMTP server's
// "550 <anna@example.se>: no such user"), every e-mail address in a value
// is replaced by "<e-post>".
package logging

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
)

// New is the logger for a process: JSON when production, else text.
func New(w io.Writer, production bool, level slog.Leveler) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: redact}
	var h slog.Handler
	if production {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(&idHandler{next: h})
}

// The attribute keys of the IDs.
const (
	RemissKey     = "remiss"
	AssignmentKey = "assignment"
)

// Remiss and Assignment are the attributes of a round's and an
// assignment's ID (an assignment's ID is "<round>.<org>").
func Remiss(id string) slog.Attr { return slog.String(RemissKey, id) }
func Assignment(id string) slog.Attr {
	return slog.String(AssignmentKey, id)
}

// AssignmentAttrs are the attributes of an assignment and its round.
func AssignmentAttrs(id string) []any {
	round, _, _ := strings.Cut(id, ".")
	return []any{Remiss(round), Assignment(id)}
}

var email = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// Redact replaces every e-mail address in s.
func Redact(s string) string { return email.ReplaceAllString(s, "<e-post>") }

func redact(_ []string, a slog.Attr) slog.Attr {
	switch v := a.Value.Resolve(); v.Kind() {
	case slog.KindString:
		if s := v.String(); strings.Contains(s, "@") {
			a.Value = slog.StringValue(Redact(s))
		}
	case slog.KindAny:
		if err, ok := v.Any().(error); ok && strings.Contains(err.Error(), "@") {
			a.Value = slog.StringValue(Redact(err.Error()))
		}
	}
	return a
}

// idHandler adds the round's and the assignment's IDs to a line that
// names a workflow of ours and does not carry them already.
type idHandler struct {
	next slog.Handler
	// From WithAttrs: the workflow named, and whether the IDs are there.
	workflowID string
	hasIDs     bool
}

func (h *idHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *idHandler) Handle(ctx context.Context, r slog.Record) error {
	wf, has := h.workflowID, h.hasIDs
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "WorkflowID":
			wf = a.Value.String()
		case RemissKey:
			has = true
		}
		return true
	})
	if !has && wf != "" {
		if attrs := fromWorkflowID(wf); attrs != nil {
			r = r.Clone()
			r.AddAttrs(attrs...)
		}
	}
	return h.next.Handle(ctx, r)
}

func (h *idHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	n := &idHandler{next: h.next.WithAttrs(attrs), workflowID: h.workflowID, hasIDs: h.hasIDs}
	for _, a := range attrs {
		switch a.Key {
		case "WorkflowID":
			n.workflowID = a.Value.String()
		case RemissKey:
			n.hasIDs = true
		}
	}
	if n.workflowID != "" && !n.hasIDs {
		// Add them once, here, rather than on every line.
		if ids := fromWorkflowID(n.workflowID); ids != nil {
			n.next, n.hasIDs = n.next.WithAttrs(ids), true
		}
	}
	return n
}

func (h *idHandler) WithGroup(name string) slog.Handler {
	return &idHandler{next: h.next.WithGroup(name), workflowID: h.workflowID, hasIDs: h.hasIDs}
}

// fromWorkflowID reads the IDs from one of our workflow IDs:
// remiss:<round>, path:<round> or assignment:<round>.<org>.
func fromWorkflowID(wf string) []slog.Attr {
	kind, id, ok := strings.Cut(wf, ":")
	if !ok || id == "" {
		return nil
	}
	switch kind {
	case "remiss", "path":
		return []slog.Attr{Remiss(id)}
	case "assignment":
		round, _, _ := strings.Cut(id, ".")
		return []slog.Attr{Remiss(round), Assignment(id)}
	}
	return nil
}
