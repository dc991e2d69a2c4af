package web

import (
	"net/http"
	"strings"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Reading forms and showing them again with their problems.

// splitList reads the non-empty parts of s between separators.
func splitList(s string, sep string) []string {
	var out []string
	for _, part := range strings.Split(s, sep) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// fieldsTop files errors of list elements ("recipients[2]") under the list.
func fieldsTop(fields remiss.FieldErrors) remiss.FieldErrors {
	out := remiss.FieldErrors{}
	for _, f := range fields {
		name, _, _ := strings.Cut(f.Field, "[")
		if out.For(name) == "" {
			out = append(out, remiss.FieldError{Field: name, Message: f.Message})
		}
	}
	return out
}

// pageKeys are, for each form of the assignment page (by the last part
// of the path it posts to), the fields the page keys by another ID than
// their name because another form on the page has a field of that name.
// The form posts the API's name; the page shows the value and its
// problem under the ID.
var pageKeys = map[string]map[string]string{
	"anstand":    {"reason": "extensionReason"},
	"beslut":     {"reason": "minutesReason"},
	"beslutsvag": {"meeting": "routeMeeting"},
}

// keepForm shows a form again with what was typed and its problems next
// to the fields, keyed by their IDs (the names, but where ids says otherwise).
func keepForm(r *http.Request, p *page, rej *remiss.Error, ids map[string]string) {
	key := func(name string) string {
		if id, ok := ids[name]; ok {
			return id
		}
		return name
	}
	for k, v := range r.PostForm {
		if k != "csrf" && len(v) > 0 {
			p.Form[key(k)] = v[0]
		}
	}
	fields := fieldsTop(rej.Fields)
	for i, f := range fields {
		fields[i].Field = key(f.Field)
	}
	p.Errors, p.Error = fields, rej.Reason
	if len(fields) > 0 && rej.Kind != remiss.KindTooLarge {
		p.Error = "Formuläret innehåller fel; se markerade fält."
	}
}

// rejected is the refusal to show on the form, with its status, or nil
// when err should be an error page (a failure of ours, or something the
// user may not see or do at all).
func rejected(err error) *remiss.Error {
	if e, ok := remiss.AsError(err); ok && (e.Kind == remiss.KindInvalid || e.Kind == remiss.KindConflict || e.Kind == remiss.KindTooLarge) {
		return e
	}
	return nil
}

// may says whether actor may take action on assignment a now: the policy's
// who and when, for showing a form only to those it will serve.
func may(action remiss.Action, actor remiss.Actor, a store.Assignment) bool {
	return remiss.MayAct(action, actor, a.Org) == nil && remiss.PossibleFor(action, a.Kind) == nil && remiss.PossibleIn(action, a.State) == nil
}
