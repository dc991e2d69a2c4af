package remiss

import (
	"slices"
	"testing"
)

// The kinds of step and what each may decide: an office approves, a
// beredning prepares, a body that meets decides as the last step.
func TestStepKindsTable(t *testing.T) {
	cases := []struct {
		code          string
		meets         bool
		verdicts      []Verdict
		finalVerdicts []Verdict
	}{
		{"slk", false, []Verdict{VerdictGodkanner}, nil},
		{"borgarradsberedningen", true, []Verdict{VerdictTillstyrker, VerdictAvstyrker, VerdictAterremiss}, nil},
		{"ks", true, []Verdict{VerdictTillstyrker, VerdictAvstyrker, VerdictAterremiss}, []Verdict{VerdictBeslut, VerdictAterremiss}},
		{"kf", true, []Verdict{VerdictTillstyrker, VerdictAvstyrker, VerdictAterremiss}, []Verdict{VerdictBeslut, VerdictAterremiss}},
		{"nowhere", false, nil, nil},
	}
	for _, c := range cases {
		if got := StepRule(c.code).Meets; got != c.meets {
			t.Errorf("%s meets=%v, want %v", c.code, got, c.meets)
		}
		if got := StepVerdicts(c.code, false); !slices.Equal(got, c.verdicts) {
			t.Errorf("%s with a step after it may give %v, want %v", c.code, got, c.verdicts)
		}
		if got := StepVerdicts(c.code, true); !slices.Equal(got, c.finalVerdicts) {
			t.Errorf("%s as the last step may give %v, want %v", c.code, got, c.finalVerdicts)
		}
	}
	// Every step has a kind of the table, and every verdict a Swedish label.
	for _, s := range Steps {
		if !slices.ContainsFunc(StepKinds, func(k StepKindRule) bool { return k.Kind == s.Kind }) {
			t.Errorf("step %s has kind %q, not in the table", s.Code, s.Kind)
		}
	}
	for _, k := range StepKinds {
		for _, v := range append(slices.Clone(k.Verdicts), k.Final...) {
			if v.Label() == string(v) {
				t.Errorf("verdict %s has no Swedish label", v)
			}
		}
	}
	if err := CheckPath([]string{"slk", "borgarradsberedningen"}); err == nil {
		t.Error("a path ending with a beredning was accepted")
	}
	if err := CheckPath(DefaultPath); err != nil {
		t.Errorf("the default path: %v", err)
	}
}

// What a decision must carry follows its step's kind.
func TestCheckStepDecisionByKind(t *testing.T) {
	cases := []struct {
		name   string
		code   string
		sd     StepDecision
		fields []string
	}{
		{"office approves", "slk", StepDecision{Verdict: VerdictGodkanner}, nil},
		{"office with a §", "slk", StepDecision{Verdict: VerdictGodkanner, Paragraph: "3"}, []string{"paragraph"}},
		{"office with a justering", "slk", StepDecision{Verdict: VerdictGodkanner, Immediate: true, Adjusters: []string{"A"}}, []string{"adjustOn"}},
		{"beredning without § or justering", "borgarradsberedningen", StepDecision{Verdict: VerdictTillstyrker}, []string{"paragraph", "adjustOn", "adjusters"}},
		{"justerad at once without its justerare", "ks", StepDecision{Verdict: VerdictBeslut, Paragraph: "4", Immediate: true}, []string{"adjusters"}},
		{"justerad at once", "ks", StepDecision{Verdict: VerdictBeslut, Paragraph: "4", Immediate: true, Adjusters: []string{"A"}}, nil},
		{"justerad before the meeting", "ks", StepDecision{Verdict: VerdictBeslut, Paragraph: "4", MeetingDate: "2027-02-03", AdjustOn: "2027-02-01", Adjusters: []string{"A"}}, []string{"adjustOn"}},
		{"justerad after", "ks", StepDecision{Verdict: VerdictBeslut, Paragraph: "4", MeetingDate: "2027-02-03", AdjustOn: "2027-02-07", Adjusters: []string{"A", "B"}}, nil},
	}
	for _, c := range cases {
		errs := CheckStepDecision(c.code, c.sd)
		var got []string
		for _, e := range errs {
			got = append(got, e.Field)
			if e.Message == "" {
				t.Errorf("%s: %s without a message", c.name, e.Field)
			}
		}
		if !slices.Equal(got, c.fields) {
			t.Errorf("%s: fields %v, want %v (%v)", c.name, got, c.fields, errs)
		}
	}
}
