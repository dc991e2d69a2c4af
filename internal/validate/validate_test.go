package validate_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/validate"
)

func known(code string) bool { return code == "bromma" || code == "farsta" }

func TestLaunchRules(t *testing.T) {
	v := validate.WithClock(known, func() time.Time { return time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) })
	good := remiss.Launch{Dnr: "KS 2016/171-908", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: "2027-01-31", Recipients: []string{"bromma", "farsta"}, Reminders: []string{"14d", "3d"}}
	if err := v.Struct(good); err != nil {
		t.Fatalf("valid launch rejected: %v", err)
	}
	late := validate.WithClock(known, func() time.Time { return time.Date(2027, 2, 1, 12, 0, 0, 0, time.UTC) })
	if err := late.Struct(good); err == nil || !strings.Contains(err.Error(), "framtiden") {
		t.Errorf("the clock is not used: %v", err)
	}
	blank := good
	blank.Title = "    "
	if err := v.Struct(blank); err == nil {
		t.Error("a blank title passed")
	}
	bad := remiss.Launch{Dnr: "171908", Title: "Ti\x07tel", Deadline: "2026-11-01",
		Recipients: []string{"bromma", "bromma", "nowhere"}, Reminders: []string{"två veckor"}}
	err := v.Struct(bad)
	var fields remiss.FieldErrors
	if !errors.As(err, &fields) {
		t.Fatalf("got %v", err)
	}
	want := map[string]string{
		"dnr":           "diarienummer",
		"title":         "styrtecken",
		"deadline":      "framtiden",
		"recipients[1]": "två gånger",
		"recipients[2]": "Okänd remissinstans",
		"reminders[0]":  "antal dagar",
	}
	for field, msg := range want {
		if got := fields.For(field); !strings.Contains(got, msg) {
			t.Errorf("%s: %q, want it to mention %q (all: %v)", field, got, msg, fields)
		}
	}
}

func TestDnrFormats(t *testing.T) {
	for _, dnr := range []string{"KS 2016/171-908", "Dnr 007-983/2009", "171-908/2016", "SDN 2016/1234"} {
		if !remiss.ValidDnr(dnr) {
			t.Errorf("%q rejected", dnr)
		}
	}
	for _, dnr := range []string{"", "KS", "2016", "KS 2016/171-908\nBcc: x", "<script>/2016", "KS\n2016/171-908", "Dnr\r\n2016/171-908", "KS\t2016/1"} {
		if remiss.ValidDnr(dnr) {
			t.Errorf("%q accepted", dnr)
		}
	}
	if id := remiss.RemissID("Dnr 007-983/2009"); id != "007-983-2009" {
		t.Errorf("RemissID = %q", id)
	}
}

func TestResponseRules(t *testing.T) {
	v := validate.New(nil)
	err := v.Struct(remiss.Response{Summary: strings.Repeat("x", 6000), Opinions: "ok", OfficerName: "A",
		Signatories: []remiss.Signatory{{Name: "Lars Wennberg"}}})
	var fields remiss.FieldErrors
	if !errors.As(err, &fields) {
		t.Fatalf("got %v", err)
	}
	for field, msg := range map[string]string{"proposals": "Minst en", "summary": "högst 5000", "signatories[0].title": "tomt"} {
		if got := fields.For(field); !strings.Contains(got, msg) {
			t.Errorf("%s: %q, want %q (all %v)", field, got, msg, fields)
		}
	}
	// A field is named as the JSON API and the starter files spell it.
	err = v.Struct(remiss.Response{Proposals: []string{"Ja"}, Summary: "ok", OfficerName: "A",
		Signatories: []remiss.Signatory{{Name: "Lars Wennberg", Title: "Direktör"}}})
	if !errors.As(err, &fields) || len(fields) != 1 || !strings.Contains(fields.For("opinions"), "tomt") {
		t.Errorf("without opinions: %v", err)
	}
}

func TestDecisionRules(t *testing.T) {
	v := validate.New(known)
	fieldsOf := func(x any) remiss.FieldErrors {
		t.Helper()
		var fields remiss.FieldErrors
		if err := v.Struct(x); err != nil && !errors.As(err, &fields) {
			t.Fatalf("got %v", err)
		}
		return fields
	}
	ok := remiss.Minutes{Meeting: "bromma.2027-01-12", Paragraph: "§ 12", Verdict: remiss.VerdictBifall, Immediate: true}
	if f := fieldsOf(ok); len(f) != 0 {
		t.Errorf("a valid decision rejected: %v", f)
	}
	cases := []struct {
		m     remiss.Minutes
		field string
		want  string
	}{
		{remiss.Minutes{Meeting: "m", Paragraph: "tolv", Verdict: remiss.VerdictBifall, Immediate: true}, "paragraph", "§ 12"},
		{remiss.Minutes{Meeting: "m", Paragraph: "12", Verdict: remiss.VerdictAndrat, Immediate: true}, "wording", "tomt"},
		{remiss.Minutes{Meeting: "m", Paragraph: "12", Verdict: remiss.VerdictAterremiss, Immediate: true}, "reason", "tomt"},
		{remiss.Minutes{Meeting: "m", Paragraph: "12", Verdict: remiss.VerdictBordlagd, Immediate: true}, "nextMeeting", "tomt"},
		{remiss.Minutes{Meeting: "m", Paragraph: "12", Verdict: remiss.VerdictBordlagd, NextMeeting: "m", Immediate: true}, "nextMeeting", "senare"},
		{remiss.Minutes{Meeting: "m", Paragraph: "12", Verdict: remiss.VerdictBifall}, "adjustOn", "tomt"},
		{remiss.Minutes{Meeting: "m", Paragraph: "12", Verdict: remiss.VerdictBifall}, "adjusters", "Minst en"},
		{remiss.Minutes{Meeting: "m", Paragraph: "12", Verdict: "tillstyrker", Immediate: true}, "decision", "bifall"},
	}
	for _, c := range cases {
		if got := fieldsOf(c.m).For(c.field); !strings.Contains(got, c.want) {
			t.Errorf("%+v: %s = %q, want it to mention %q", c.m, c.field, got, c.want)
		}
	}
	if got := fieldsOf(remiss.StepDecision{Paragraph: "§ 4", Verdict: remiss.VerdictBeslut, Immediate: true}).For("wording"); got == "" {
		t.Error("a final decision without its wording passed")
	}
	if got := fieldsOf(remiss.NewMeeting{Date: "2027-01-10", AgendaDeadline: "2027-01-12"}).For("agendaDeadline"); !strings.Contains(got, "efter sammanträdet") {
		t.Errorf("agenda deadline after the meeting: %q", got)
	}
	launch := remiss.Launch{Dnr: "KS 2016/171-908", Title: "Strategi", Deadline: "2099-01-31", Recipients: []string{"bromma"}}
	for path, ok := range map[string]bool{"slk,borgarradsberedningen,ks": true, "ks,kf": true, "slk,kf": true,
		"ks,slk": false, "slk": false, "slk,slk,ks": false, "slk,nowhere,ks": false} {
		launch.Path = strings.Split(path, ",")
		if got := fieldsOf(launch).For("path") == ""; got != ok {
			t.Errorf("path %s accepted=%v, want %v", path, got, ok)
		}
	}
}

// TestDraftNeedsNothingYet: half an answer is a draft that may be saved;
// what is written must still be well formed.
func TestDraftNeedsNothingYet(t *testing.T) {
	v := validate.New(nil)
	half := remiss.Response{Summary: "Vi har börjat skriva."}
	if err := v.Draft(half); err != nil {
		t.Errorf("half an answer as a draft: %v", err)
	}
	if err := v.Struct(half); err == nil {
		t.Error("half an answer passed as a submission")
	}
	bad := remiss.Response{Summary: "kontroll\x00tecken", OfficerEmail: "inte en adress"}
	var fields remiss.FieldErrors
	if err := v.Draft(bad); !errors.As(err, &fields) || fields.For("summary") == "" || fields.For("officerEmail") == "" {
		t.Errorf("a malformed draft: %v", err)
	}
}
