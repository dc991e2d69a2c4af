package remiss

import (
	"fmt"
	"slices"
	"strings"
)

// StepKind is the kind of body a step of KS's statement's decision
// path is: what it does with the ärende and whether it meets.
type StepKind string

const (
	// StepOffice: a kontor (stadsledningskontoret) writes and approves the
	// tjänsteutlåtande. It holds no meetings: no §, no justering, no
	// protokollsutdrag; its approval is kept in the audit trail.
	StepOffice StepKind = "kontor"
	// StepBeredning: a beredning (borgarrådsberedningen) meets and
	// tillstyrker, avstyrker or återremitterar the föredragande's proposal.
	StepBeredning StepKind = "beredning"
	// StepBody: a nämnd, kommunstyrelsen or kommunfullmäktige meets and
	// decides; its decision has a §, is justerat and issued as a
	// protokollsutdrag.
	StepBody StepKind = "organ"
)

// StepKindRule is what one kind of step may do.
type StepKindRule struct {
	Kind StepKind
	// Meets: the body holds meetings, so its decision has a §, a justering
	// and a protokollsutdrag.
	Meets bool
	// Verdicts a step of this kind may give when another step follows it.
	Verdicts []Verdict
	// Final are the verdicts it may give as the last step; none means a
	// path may not end with it.
	Final []Verdict
}

// StepKinds is the policy of what each kind of step may decide.
var StepKinds = []StepKindRule{
	{Kind: StepOffice, Verdicts: []Verdict{VerdictGodkanner}},
	{Kind: StepBeredning, Meets: true, Verdicts: []Verdict{VerdictTillstyrker, VerdictAvstyrker, VerdictAterremiss}},
	{Kind: StepBody, Meets: true, Verdicts: []Verdict{VerdictTillstyrker, VerdictAvstyrker, VerdictAterremiss},
		Final: []Verdict{VerdictBeslut, VerdictAterremiss}},
}

// Step is one body in KS's statement's decision path.
type Step struct {
	Code string
	Name string
	Kind StepKind
}

// Steps are the bodies a sammanställning can pass, in their order.
var Steps = []Step{
	{"slk", "Stadsledningskontoret", StepOffice},
	{"borgarradsberedningen", "Borgarrådsberedningen", StepBeredning},
	{"ks", "Kommunstyrelsen", StepBody},
	{"kf", "Kommunfullmäktige", StepBody},
}

// DefaultPath is KS's statement's path unless a round names another.
var DefaultPath = []string{"slk", "borgarradsberedningen", "ks"}

func stepOf(code string) (Step, bool) {
	i := slices.IndexFunc(Steps, func(s Step) bool { return s.Code == code })
	if i < 0 {
		return Step{}, false
	}
	return Steps[i], true
}

// StepName is the Swedish name of a step code.
func StepName(code string) string {
	if s, ok := stepOf(code); ok {
		return s.Name
	}
	return code
}

// StepRule is what the step code may do; an unknown step may do nothing.
func StepRule(code string) StepKindRule {
	s, _ := stepOf(code)
	for _, k := range StepKinds {
		if k.Kind == s.Kind {
			return k
		}
	}
	return StepKindRule{}
}

// StepVerdicts are the verdicts the step code may record, as the last
// step of its path or with another after it.
func StepVerdicts(code string, final bool) []Verdict {
	if final {
		return StepRule(code).Final
	}
	return StepRule(code).Verdicts
}

// CheckPath reports whether path names known steps, each once, in their
// order, ending with a body that may decide.
func CheckPath(path []string) error {
	if len(path) == 0 {
		return fmt.Errorf("beslutsgången måste ha minst ett steg")
	}
	last := -1
	for _, code := range path {
		i := slices.IndexFunc(Steps, func(s Step) bool { return s.Code == code })
		if i < 0 {
			return fmt.Errorf("okänt steg %q i beslutsgången", code)
		}
		if i <= last {
			return fmt.Errorf("stegen i beslutsgången måste komma i ordningen stadsledningskontoret, borgarrådsberedningen, kommunstyrelsen, kommunfullmäktige, och bara en gång var")
		}
		last = i
	}
	if len(StepVerdicts(path[len(path)-1], true)) == 0 {
		return fmt.Errorf("beslutsgången måste sluta hos kommunstyrelsen eller kommunfullmäktige")
	}
	return nil
}

// CheckStepDecision reports what the step's kind asks of a decision: a
// body that meets records its §, when and by whom the protocol is
// justerat (the justerare named also when it is justerat at once); an
// office's approval has none of these.
func CheckStepDecision(code string, sd StepDecision) FieldErrors {
	var errs FieldErrors
	add := func(field, msg string) { errs = append(errs, FieldError{Field: field, Message: msg}) }
	if !StepRule(code).Meets {
		name := StepName(code)
		if strings.TrimSpace(sd.Paragraph) != "" {
			add("paragraph", name+" håller inga sammanträden; godkännandet har ingen paragraf")
		}
		if sd.Immediate || sd.AdjustOn != "" || len(sd.Adjusters) > 0 {
			add("adjustOn", name+" håller inga sammanträden; godkännandet justeras inte")
		}
		return errs
	}
	if strings.TrimSpace(sd.Paragraph) == "" {
		add("paragraph", "Ange paragrafen i protokollet")
	}
	if !sd.Immediate && sd.AdjustOn == "" {
		add("adjustOn", "Ange när protokollet justerades, eller att paragrafen justerades omedelbart")
	}
	if !sd.Immediate && sd.AdjustOn != "" && sd.MeetingDate != "" && sd.AdjustOn < sd.MeetingDate {
		add("adjustOn", "Protokollet kan inte justeras före sammanträdet")
	}
	if len(sd.Adjusters) == 0 {
		add("adjusters", "Ange vem som justerade protokollet")
	}
	return errs
}
