package e2e

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// TestAPIDecisions runs decision routing through the API: the calendar,
// routes, the nämnd's decision with its protokollsutdrag, and the
// sammanställning's decision path, with every validation error and wrong
// state.
func TestAPIDecisions(t *testing.T) {
	e, ctx, base := served(t)
	c := apiClient{t: t, base: base}
	coord, bReg, bOff, fReg, ksReg, outsider := c.token("ks.samordnare"), c.token("bromma.registrator"), c.token("bromma.handlaggare"),
		c.token("farsta.registrator"), c.token("ks.registrator"), c.token("skarholmen.registrator")
	day := func(d int) string { return time.Now().In(remiss.Stockholm).AddDate(0, 0, d).Format("2006-01-02") }
	type cell struct {
		name, token, method, path string
		body                      any
		want                      int
		fields                    []string
	}
	try := func(cells []cell) {
		t.Helper()
		for _, cl := range cells {
			r := c.do(cl.token, cl.method, cl.path, cl.body)
			if r.code != cl.want {
				t.Errorf("%s: %d, want %d (%s)", cl.name, r.code, cl.want, r.body)
				continue
			}
			got := r.fields()
			for _, f := range cl.fields {
				if !got[f] {
					t.Errorf("%s: no error for %s in %s", cl.name, f, r.body)
				}
			}
		}
	}

	// The calendar.
	today, later := remiss.MeetingID("bromma", day(0)), remiss.MeetingID("bromma", day(21))
	try([]cell{
		{"meeting by an officer", bOff, "POST", "/api/v1/meetings", map[string]string{"date": day(7), "agendaDeadline": day(1)}, 403, nil},
		{"meeting invalid", bReg, "POST", "/api/v1/meetings", map[string]string{"date": "snart", "agendaDeadline": "31/12", "place": "a\u0007"}, 422,
			[]string{"date", "agendaDeadline", "place"}},
		{"meeting in the past", bReg, "POST", "/api/v1/meetings", map[string]string{"date": "2020-01-01", "agendaDeadline": "2019-12-20"}, 422, []string{"date"}},
		{"agenda after the meeting", bReg, "POST", "/api/v1/meetings", map[string]string{"date": day(7), "agendaDeadline": day(8)}, 422, []string{"agendaDeadline"}},
		{"meeting today", bReg, "POST", "/api/v1/meetings", map[string]string{"date": day(0), "agendaDeadline": day(0), "place": "Brommasalen"}, 201, nil},
		{"meeting later", bReg, "POST", "/api/v1/meetings", map[string]string{"date": day(21), "agendaDeadline": day(14)}, 201, nil},
		{"two meetings a day", bReg, "POST", "/api/v1/meetings", map[string]string{"date": day(0), "agendaDeadline": day(0)}, 409, []string{"date"}},
		{"another's calendar", fReg, "GET", "/api/v1/meetings?org=bromma", nil, 404, nil},
		{"delete another's meeting", fReg, "DELETE", "/api/v1/meetings/" + later, nil, 404, nil},
		{"delete as an officer", bOff, "DELETE", "/api/v1/meetings/" + later, nil, 403, nil},
		{"delete an unknown meeting", bReg, "DELETE", "/api/v1/meetings/bromma.2099-01-01", nil, 404, nil},
		{"default route invalid", fReg, "PUT", "/api/v1/route", map[string]string{"route": "kanske", "delegationRef": "a\u0007"}, 422, []string{"route", "delegationRef"}},
		{"default route by an officer", bOff, "PUT", "/api/v1/route", map[string]string{"route": "namnd"}, 403, nil},
		{"default route", fReg, "PUT", "/api/v1/route", map[string]string{"route": "delegation", "delegationRef": "3.2"}, 200, nil},
	})
	var ms []remiss.Meeting
	c.do(coord, "GET", "/api/v1/meetings?org=bromma", nil).json(t, &ms)
	if len(ms) != 2 || ms[0].ID != today || ms[0].Place != "Brommasalen" || ms[1].ID != later {
		t.Errorf("Bromma's calendar as the Coordinator: %+v", ms)
	}
	var own []remiss.Meeting
	c.do(bOff, "GET", "/api/v1/meetings", nil).json(t, &own)
	if len(own) != 2 {
		t.Errorf("Bromma's calendar as its officer: %+v", own)
	}

	// A round with its own decision path.
	deadline := day(60)
	try([]cell{{"launch with a bad path", coord, "POST", "/api/v1/remisses", map[string]any{"dnr": "KS 2026/980-2", "title": "Beslutsvägar",
		"deadline": deadline, "recipients": []string{"bromma"}, "path": []string{"ks", "slk"}}, 422, []string{"path"}}})
	r := c.do(coord, "POST", "/api/v1/remisses", map[string]any{"dnr": "KS 2026/980-1", "title": "Beslutsvägar",
		"deadline": deadline, "recipients": []string{"bromma", "farsta"}, "path": []string{"slk", "ks"}})
	if r.code != 201 {
		t.Fatalf("launch: %d %s", r.code, r.body)
	}
	id := "ks-2026-980-1"
	waitStarted(t, ctx, e.c, []string{"bromma", "farsta"}, id)
	bromma, farsta := remiss.AssignmentID(id, "bromma"), remiss.AssignmentID(id, "farsta")
	minutes := map[string]any{"meeting": today, "paragraph": "12", "decision": "bifall", "immediate": true}
	try([]cell{
		{"route invalid", bReg, "POST", "/api/v1/assignments/" + bromma + "/route", map[string]string{"route": "kanske", "meeting": "a b"}, 422, []string{"route", "meeting"}},
		{"route to an unknown meeting", bReg, "POST", "/api/v1/assignments/" + bromma + "/route", map[string]string{"route": "namnd", "meeting": "bromma.2099-01-01"}, 422, []string{"meeting"}},
		{"route to another's meeting", fReg, "POST", "/api/v1/assignments/" + farsta + "/route", map[string]string{"route": "namnd", "meeting": today}, 422, []string{"meeting"}},
		{"route by an officer", bOff, "POST", "/api/v1/assignments/" + bromma + "/route", map[string]string{"route": "namnd"}, 403, nil},
		{"route by another org", fReg, "POST", "/api/v1/assignments/" + bromma + "/route", map[string]string{"route": "namnd"}, 404, nil},
		{"route", bReg, "POST", "/api/v1/assignments/" + bromma + "/route", map[string]string{"route": "namnd", "meeting": today}, 200, nil},
		{"decision before the agenda", bReg, "POST", "/api/v1/assignments/" + bromma + "/decision", minutes, 409, nil},
		{"step before the close", ksReg, "POST", "/api/v1/remisses/" + id + "/decisions/slk", map[string]any{"decision": "godkanner"}, 409, nil},
		{"step by the Coordinator", coord, "POST", "/api/v1/remisses/" + id + "/decisions/slk", map[string]any{"decision": "godkanner"}, 403, nil},
	})
	var round struct {
		Path       []string
		Step       int
		Recipients []map[string]any
	}
	c.do(bReg, "GET", "/api/v1/remisses/"+id, nil).json(t, &round)
	if strings.Join(round.Path, ",") != "slk,ks" || len(round.Recipients) != 1 || round.Recipients[0]["route"] != "namnd" || round.Recipients[0]["meeting"] != today {
		t.Errorf("round as Bromma: %+v", round)
	}

	// Bromma's answer goes on the agenda when approved; the nämnd decides.
	if err := e.answer(ctx, bromma, "bromma"); err != nil {
		t.Fatal(err)
	}
	waitState := func(asg string, st remiss.AssignmentState) store.Assignment {
		t.Helper()
		for limit := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			a, _ := e.store.Assignment(ctx, asg)
			if a.State == st {
				return a
			}
			if time.Now().After(limit) {
				t.Fatalf("%s is %s, want %s", asg, a.State, st)
			}
		}
	}
	waitState(bromma, remiss.StateOnAgenda)
	var agenda []map[string]any
	c.do(bReg, "GET", "/api/v1/agenda", nil).json(t, &agenda)
	if len(agenda) != 1 || agenda[0]["id"] != bromma || agenda[0]["meeting"].(map[string]any)["id"] != today {
		t.Errorf("Bromma's agenda: %+v", agenda)
	}
	if r := c.do(fReg, "GET", "/api/v1/agenda", nil); r.code != 200 || strings.Contains(string(r.body), "bromma") {
		t.Errorf("Farsta's agenda: %d %s", r.code, r.body)
	}
	try([]cell{
		{"decision invalid", bReg, "POST", "/api/v1/assignments/" + bromma + "/decision", map[string]any{"meeting": "", "paragraph": "",
			"decision": "ja", "adjustOn": "snart", "adjusters": []string{""}, "reservations": "a\u0007"}, 422,
			[]string{"meeting", "paragraph", "decision", "adjustOn", "adjusters[0]", "reservations"}},
		{"decision at an unknown meeting", bReg, "POST", "/api/v1/assignments/" + bromma + "/decision", map[string]any{"meeting": "bromma.2099-01-01", "paragraph": "12", "decision": "bifall", "immediate": true}, 422, []string{"meeting"}},
		{"decision before the meeting", bReg, "POST", "/api/v1/assignments/" + bromma + "/decision", map[string]any{"meeting": later, "paragraph": "12", "decision": "bifall", "immediate": true}, 422, []string{"meeting"}},
		{"postponed without a next meeting", bReg, "POST", "/api/v1/assignments/" + bromma + "/decision", map[string]any{"meeting": today, "paragraph": "12", "decision": "bordlagd", "immediate": true}, 422, []string{"nextMeeting"}},
		{"decision by a signatory", c.token("bromma.chef"), "POST", "/api/v1/assignments/" + bromma + "/decision", minutes, 403, nil},
		{"decision by another org", fReg, "POST", "/api/v1/assignments/" + bromma + "/decision", minutes, 404, nil},
		{"decision", bReg, "POST", "/api/v1/assignments/" + bromma + "/decision", minutes, 200, nil},
		// The same decision again (a retry whose answer was lost) is the
		// decision already recorded; another one is refused.
		{"the same decision again", bReg, "POST", "/api/v1/assignments/" + bromma + "/decision", minutes, 200, nil},
		{"a second decision", bReg, "POST", "/api/v1/assignments/" + bromma + "/decision", map[string]any{"meeting": today, "paragraph": "13", "decision": "bifall", "immediate": true}, 409, nil},
		{"delete a meeting with a decision", bReg, "DELETE", "/api/v1/meetings/" + today, nil, 409, nil},
		{"delete a free meeting", bReg, "DELETE", "/api/v1/meetings/" + later, nil, 204, nil},
	})
	a := waitState(bromma, remiss.StateAnswered)
	for limit := time.Now().Add(30 * time.Second); a.MinutesID == "" && time.Now().Before(limit); time.Sleep(100 * time.Millisecond) {
		a, _ = e.store.Assignment(ctx, bromma)
	}
	if a.MinutesID == "" {
		t.Fatal("no protokollsutdrag")
	}
	if r := c.do(bReg, "GET", "/api/v1/documents/"+a.MinutesID, nil); r.code != 200 || !bytes.HasPrefix(r.body, []byte("%PDF-")) {
		t.Errorf("Bromma's protokollsutdrag: %d", r.code)
	}
	if r := c.do(fReg, "GET", "/api/v1/documents/"+a.MinutesID, nil); r.code != 404 {
		t.Errorf("Bromma's protokollsutdrag as Farsta: %d", r.code)
	}

	// Farsta answers on delegation; the round closes, KS writes its
	// statement, and once it is approved its path begins.
	if err := e.answer(ctx, farsta, "farsta"); err != nil {
		t.Fatal(err)
	}
	e.writeKSStatement(ctx, id, false)
	step := func(body any) reply { return c.do(ksReg, "POST", "/api/v1/remisses/"+id+"/decisions/slk", body) }
	try([]cell{
		{"step invalid", ksReg, "POST", "/api/v1/remisses/" + id + "/decisions/slk", map[string]any{"paragraph": "tre", "decision": "kanske",
			"adjustOn": "snart", "adjusters": []string{""}}, 422, []string{"paragraph", "decision", "adjustOn", "adjusters[0]"}},
		// Stadsledningskontoret is an office: it approves, without a § or a
		// justering, and does not tillstyrka.
		{"an office's step with a § and a justering", ksReg, "POST", "/api/v1/remisses/" + id + "/decisions/slk", map[string]any{"paragraph": "3", "decision": "godkanner",
			"immediate": true, "adjusters": []string{"Anna Andersson"}}, 422, []string{"paragraph", "adjustOn"}},
		{"an office that tillstyrker", ksReg, "POST", "/api/v1/remisses/" + id + "/decisions/slk", map[string]any{"decision": "tillstyrker"}, 422, []string{"decision"}},
		{"step of an unknown round", ksReg, "POST", "/api/v1/remisses/nope/decisions/slk", map[string]any{"decision": "godkanner"}, 404, nil},
		{"step by Bromma", bReg, "POST", "/api/v1/remisses/" + id + "/decisions/slk", map[string]any{"decision": "godkanner"}, 403, nil},
	})
	if r := step(map[string]any{"decision": "godkanner"}); r.code != 200 {
		t.Fatalf("step: %d %s", r.code, r.body)
	} else {
		var st struct {
			Step int
			Done bool
		}
		r.json(t, &st)
		if st.Step != 1 || st.Done {
			t.Errorf("path after the first step: %s", r.body)
		}
	}
	// The same approval again is the one recorded; another is refused.
	if r := step(map[string]any{"decision": "godkanner", "meetingDate": day(-1)}); r.code != 409 && r.code != 422 {
		t.Errorf("a step already decided: %d %s", r.code, r.body)
	}

	// The recorded decisions: all for KS (Bromma's nämnd, Farsta on
	// delegation, the first step), only its own for a recipient.
	var decisions []map[string]any
	byKey := map[string]map[string]any{}
	for limit := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		decisions = nil
		c.do(coord, "GET", "/api/v1/remisses/"+id+"/decisions", nil).json(t, &decisions)
		documented := 0
		for _, d := range decisions {
			byKey[d["assignmentId"].(string)+d["step"].(string)] = d
			if d["documentId"] != "" {
				documented++
			}
		}
		if len(decisions) == 3 && documented == 2 { // the office's approval has no protokollsutdrag
			break
		}
		if time.Now().After(limit) {
			t.Fatalf("decisions: %+v", decisions)
		}
	}
	if d := byKey[bromma]; d["paragraph"] != "§ 12" || d["meetingDate"] != day(0) || d["decision"] != "bifall" {
		t.Errorf("Bromma's decision: %+v", d)
	}
	if d := byKey[farsta]; d["decision"] != "delegation" || d["delegationRef"] != "3.2" {
		t.Errorf("Farsta's decision: %+v", d)
	}
	if d := byKey["slk"]; d["decision"] != "godkanner" || d["paragraph"] != "" || d["documentId"] != "" {
		t.Errorf("the first step: %+v", d)
	}
	var mine []map[string]any
	r = c.do(bReg, "GET", "/api/v1/remisses/"+id+"/decisions", nil)
	r.json(t, &mine)
	// A recipient reads its own nämnd's decisions and those of the
	// sammanställning's path (whose protokollsutdrag it may read), never
	// another recipient's.
	if len(mine) != 2 || mine[0]["assignmentId"] != bromma || mine[1]["assignmentId"] != "" || mine[1]["step"] != "slk" {
		t.Errorf("Bromma's decisions: %s", r.body)
	}
	if r := c.do(fReg, "GET", "/api/v1/remisses/"+id+"/decisions", nil); r.code != 200 || strings.Contains(string(r.body), "bromma") || !strings.Contains(string(r.body), farsta) {
		t.Errorf("Farsta's decisions: %d %s", r.code, r.body)
	}
	if r := c.do(outsider, "GET", "/api/v1/remisses/"+id+"/decisions", nil); r.code != 404 {
		t.Errorf("decisions as an outsider: %d", r.code)
	}
	var full map[string]any
	c.do(coord, "GET", "/api/v1/remisses/"+id, nil).json(t, &full)
	if full["step"] != float64(1) {
		t.Errorf("round after the first step: %+v", full)
	}

	// The diarium hears of each: Bromma's nämnd's decision, with its
	// protokollsutdrag, and then its answer, the sealed statement.
	evs, err := e.store.RoundEvents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var brommaEvents []store.Event
	for _, ev := range evs {
		if ev.AssignmentID == bromma {
			brommaEvents = append(brommaEvents, ev)
		}
	}
	if len(brommaEvents) != 2 || brommaEvents[0].Type != store.EventDecisionRecorded || brommaEvents[0].DocumentID != a.MinutesID ||
		brommaEvents[0].Data["verdict"] != "bifall" || brommaEvents[0].Data["paragraph"] != "§ 12" ||
		brommaEvents[1].Type != store.EventAnswerReceived || brommaEvents[1].DocumentID != a.DocumentID || brommaEvents[1].Data["minutesId"] != a.MinutesID {
		t.Errorf("Bromma's events: %+v", brommaEvents)
	}
}
