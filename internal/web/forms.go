package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/validate"
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
func fieldsTop(fields validate.Errors) validate.Errors {
	out := validate.Errors{}
	for _, f := range fields {
		name, _, _ := strings.Cut(f.Field, "[")
		if out.For(name) == "" {
			out = append(out, validate.FieldError{Field: name, Message: f.Message})
		}
	}
	return out
}

// keepForm shows a form again with what was typed and its problems next
// to the fields (renamed where the page names a field otherwise).
func keepForm(r *http.Request, p *page, rej *rounds.Rejection, rename map[string]string) {
	for k, v := range r.PostForm {
		if k != "csrf" && len(v) > 0 {
			p.Form[k] = v[0]
		}
	}
	fields := fieldsTop(rej.Fields)
	for i, f := range fields {
		if to, ok := rename[f.Field]; ok {
			fields[i].Field = to
		}
	}
	p.Errors, p.Error = fields, rej.Reason
	if len(fields) > 0 {
		p.Error = "Formuläret innehåller fel; se markerade fält."
	}
}

// rejected is the rejection to show on the form, or nil when err should be
// an error page.
func rejected(err error) *rounds.Rejection {
	var rej *rounds.Rejection
	if errors.As(err, &rej) && rej.Kind != rounds.NotFound && rej.Kind != rounds.Forbidden {
		return rej
	}
	return nil
}

var rejectionCode = map[rounds.Kind]int{rounds.Invalid: http.StatusUnprocessableEntity, rounds.Conflict: http.StatusConflict}

// renameFields files a rejection's field errors under the names the form
// uses for those fields.
func renameFields(rej *rounds.Rejection, rename map[string]string) {
	for i, f := range rej.Fields {
		if to, ok := rename[f.Field]; ok {
			rej.Fields[i].Field = to
		}
	}
}
