// Package validate applies one set of rules, with Swedish messages, at every
// door: the starter file, the workflow Update validators, and the web and API.
// Rules live as struct tags on the domain types; this package gives them
// their custom checks and turns failures into messages a user can act on.
package validate

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/go-playground/validator/v10"

	"github.com/remiss/remiss/internal/remiss"
)

// Validator checks values against their tags. It is safe for concurrent use.
type Validator struct {
	v *validator.Validate
	// now is the clock for "deadline in the future"; the workflow never uses
	// that rule, so reading the wall clock here is safe.
	now func() time.Time
}

// OrgLookup reports whether an organisation code is known. Rules naming
// "knownorg" fail when no lookup is given.
type OrgLookup func(code string) bool

var (
	usernamePattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
	orgCodePattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	hashPattern      = regexp.MustCompile(`^[0-9a-f]{64}$`)
	idPattern        = regexp.MustCompile(`^[a-z0-9][a-z0-9._:-]*$`)
	paragraphPattern = regexp.MustCompile(`^(?:§ ?)?[0-9]{1,4}(?: ?[a-z])?$`)
)

// New returns a Validator; orgs may be nil where no rule needs it.
func New(orgs OrgLookup) *Validator { return newValidator(orgs, time.Now) }

// WithClock returns a Validator that judges "in the future" against now
// (tests).
func WithClock(orgs OrgLookup, now func() time.Time) *Validator { return newValidator(orgs, now) }

func newValidator(orgs OrgLookup, now func() time.Time) *Validator {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name := strings.SplitN(f.Tag.Get("json"), ",", 2)[0]
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	val := &Validator{v: v, now: now}
	must := func(tag string, fn validator.Func) {
		if err := v.RegisterValidation(tag, fn); err != nil {
			panic(err)
		}
	}
	must("dnr", func(fl validator.FieldLevel) bool { return remiss.ValidDnr(fl.Field().String()) })
	must("username", func(fl validator.FieldLevel) bool { return usernamePattern.MatchString(fl.Field().String()) })
	must("orgcode", func(fl validator.FieldLevel) bool { return orgCodePattern.MatchString(fl.Field().String()) })
	must("sha256", func(fl validator.FieldLevel) bool { return hashPattern.MatchString(fl.Field().String()) })
	must("id", func(fl validator.FieldLevel) bool { return idPattern.MatchString(fl.Field().String()) })
	must("notblank", func(fl validator.FieldLevel) bool { return strings.TrimSpace(fl.Field().String()) != "" })
	must("nocontrol", func(fl validator.FieldLevel) bool { return noControl(fl.Field().String(), false) })
	must("nocontrolml", func(fl validator.FieldLevel) bool { return noControl(fl.Field().String(), true) })
	must("date", func(fl validator.FieldLevel) bool {
		d, err := time.Parse(remiss.DateLayout, fl.Field().String())
		return err == nil && d.Year() >= 2000 && d.Year() <= 2999 // what a case can be about, and what PostgreSQL takes
	})
	must("futuredate", func(fl validator.FieldLevel) bool {
		end, err := remiss.DeadlineEnd(fl.Field().String())
		return err == nil && end.After(val.now().Add(24*time.Hour))
	})
	must("reminder", func(fl validator.FieldLevel) bool {
		d, err := remiss.ParseDays(fl.Field().String())
		return err == nil && d > 0 && d <= 365*24*time.Hour
	})
	must("knownorg", func(fl validator.FieldLevel) bool {
		return orgs != nil && orgs(fl.Field().String())
	})
	must("provision", func(fl validator.FieldLevel) bool {
		return remiss.ValidProvision(remiss.NormalProvision(fl.Field().String()))
	})
	must("paragraph", func(fl validator.FieldLevel) bool { return paragraphPattern.MatchString(fl.Field().String()) })
	must("path", func(fl validator.FieldLevel) bool {
		p, _ := fl.Field().Interface().([]string)
		return p == nil || remiss.CheckPath(p) == nil
	})
	v.RegisterStructValidation(checkMinutes, remiss.Minutes{})
	v.RegisterStructValidation(checkStepDecision, remiss.StepDecision{})
	v.RegisterStructValidation(func(sl validator.StructLevel) {
		m := sl.Current().Interface().(remiss.NewMeeting)
		if m.AgendaDeadline > m.Date && m.Date != "" {
			sl.ReportError(m.AgendaDeadline, "agendaDeadline", "AgendaDeadline", "agendadeadline", "")
		}
	}, remiss.NewMeeting{})
	v.RegisterStructValidation(func(sl validator.StructLevel) {
		l := sl.Current().Interface().(remiss.Launch)
		reportRepeats(sl, "recipients", "Recipients", l.Recipients)
		reportRepeats(sl, "reminders", "Reminders", l.Reminders)
	}, remiss.Launch{})
	val.v = v
	return val
}

// checkMinutes requires what each verdict needs: a new wording, a reason, a
// later meeting, and the justering.
func checkMinutes(sl validator.StructLevel) {
	m := sl.Current().Interface().(remiss.Minutes)
	need := func(ok bool, field, structField string) {
		if !ok {
			sl.ReportError("", field, structField, "required", "")
		}
	}
	switch m.Verdict {
	case remiss.VerdictAndrat:
		need(strings.TrimSpace(m.Wording) != "", "wording", "Wording")
	case remiss.VerdictAterremiss:
		need(strings.TrimSpace(m.Reason) != "", "reason", "Reason")
	case remiss.VerdictBordlagd:
		need(m.NextMeeting != "", "nextMeeting", "NextMeeting")
		if m.NextMeeting != "" && m.NextMeeting == m.Meeting {
			sl.ReportError(m.NextMeeting, "nextMeeting", "NextMeeting", "latermeeting", "")
		}
	}
	checkJustering(sl, m.Immediate, m.AdjustOn, m.Adjusters)
}

func checkStepDecision(sl validator.StructLevel) {
	d := sl.Current().Interface().(remiss.StepDecision)
	if (d.Verdict == remiss.VerdictBeslut || d.Verdict == remiss.VerdictAterremiss) && strings.TrimSpace(d.Wording) == "" {
		sl.ReportError("", "wording", "Wording", "required", "")
	}
	// The §, the justering and its justerare depend on the step's kind:
	// remiss.CheckStepDecision.
}

// checkJustering: minutes are adjusted at once, or on a date by named
// justerare.
func checkJustering(sl validator.StructLevel, immediate bool, on string, by []string) {
	if immediate {
		return
	}
	if on == "" {
		sl.ReportError("", "adjustOn", "AdjustOn", "required", "")
	}
	if len(by) == 0 {
		sl.ReportError(by, "adjusters", "Adjusters", "required", "")
	}
}

// reportRepeats flags each element that repeats an earlier one.
func reportRepeats(sl validator.StructLevel, field, structField string, values []string) {
	seen := map[string]bool{}
	for i, v := range values {
		if seen[v] {
			sl.ReportError(v, fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("%s[%d]", structField, i), "unique", "")
		}
		seen[v] = true
	}
}

// Struct checks s and returns remiss.FieldErrors listing every failing field, or nil.
func (val *Validator) Struct(s any) error { return val.check(s, false) }

// Draft checks s as work in progress: what is written must be well formed
// (lengths, characters, formats), but nothing is required yet, so half an
// answer can be saved. The rules that say something must be there
// ("required", and "min" on lists) are left for Struct, on submit.
func (val *Validator) Draft(s any) error { return val.check(s, true) }

func (val *Validator) check(s any, draft bool) error {
	err := val.v.Struct(s)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Errorf("validate: %w", err)
	}
	out := make(remiss.FieldErrors, 0, len(verrs))
	for _, fe := range verrs {
		if draft && (fe.Tag() == "required" || fe.Tag() == "min" && (fe.Kind() == reflect.Slice || fe.Kind() == reflect.Array)) {
			continue
		}
		out = append(out, remiss.FieldError{Field: fieldPath(fe), Message: message(fe)})
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// fieldPath drops the top-level struct name: "Launch.recipients[2]" → "recipients[2]".
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if i := strings.IndexByte(ns, '.'); i >= 0 {
		return ns[i+1:]
	}
	return ns
}

func noControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return false
		}
	}
	return true
}

func message(fe validator.FieldError) string {
	isSlice := fe.Kind() == reflect.Slice
	switch fe.Tag() {
	case "isdefault":
		return "Fältet kan inte anges här"
	case "excluded_with":
		if fe.Field() == "text" {
			return "Yttrandet är den uppladdade PDF-filen; skriv inte också en text, eller markera att filen inte ska skickas"
		}
		return "Får inte anges tillsammans med " + fe.Param()
	case "required_without":
		if fe.Field() == "text" {
			return "Skriv yttrandet eller ladda upp det som en PDF-fil"
		}
		return "Ange minst en remissinstans eller en extern remissinstans"
	case "required", "notblank":
		if isSlice {
			return "Minst en måste anges"
		}
		return "Får inte vara tomt"
	case "min":
		if isSlice {
			return "Minst " + fe.Param() + " måste anges"
		}
		return "Måste vara minst " + fe.Param() + " tecken"
	case "max":
		if isSlice {
			return "Högst " + fe.Param() + " får anges"
		}
		return "Får vara högst " + fe.Param() + " tecken"
	case "oneof":
		return "Måste vara något av: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "unique":
		return "Samma värde får inte förekomma två gånger"
	case "dnr":
		return "Ogiltigt diarienummer; skriv t.ex. KS 2016/171-908 eller Dnr 007-983/2009"
	case "username":
		return "Ogiltigt användarnamn"
	case "orgcode":
		return "Ogiltig organisationskod (små bokstäver, siffror och bindestreck)"
	case "knownorg":
		return fmt.Sprintf("Okänd remissinstans %q", fe.Value())
	case "sha256":
		return "Ogiltig kontrollsumma (SHA-256 i hex)"
	case "id":
		return "Ogiltigt ID"
	case "nocontrol", "nocontrolml":
		return "Innehåller otillåtna styrtecken"
	case "date":
		return "Ogiltigt datum; skriv ÅÅÅÅ-MM-DD (år 2000–2999)"
	case "futuredate":
		return "Datumet måste ligga i framtiden"
	case "reminder":
		return "Ange antal dagar, t.ex. 14d (1–365 dagar)"
	case "email":
		return "Ogiltig e-postadress"
	case "paragraph":
		return "Ange paragrafen som i protokollet, t.ex. § 12"
	case "provision":
		return "Ange bestämmelsen i offentlighets- och sekretesslagen som kapitel och paragraf, t.ex. OSL 18 kap. 8 § (gärna med stycke eller punkt: OSL 26 kap. 1 § första stycket)"
	case "path":
		return "Ogiltig beslutsgång: stegen stadsledningskontoret, borgarrådsberedningen, kommunstyrelsen och kommunfullmäktige i den ordningen, som slutar hos kommunstyrelsen eller kommunfullmäktige"
	case "agendadeadline":
		return "Sista dag för ärenden kan inte vara efter sammanträdet"
	case "latermeeting":
		return "Ett bordlagt ärende måste föras till ett senare sammanträde"
	}
	return "Ogiltigt värde (" + fe.Tag() + ")"
}
