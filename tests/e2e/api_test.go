package e2e

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/keeper"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// TestAPI runs a round through the JSON API with its access rules, on the
// real server and database.
func TestAPI(t *testing.T) {
	e, ctx, base := served(t)
	c := apiClient{t: t, base: base}

	// Login: wrong password, throttling.
	if r := c.do("", "POST", "/api/v1/tokens", map[string]string{"username": "farsta.chef", "password": "fel"}); r.code != 401 {
		t.Errorf("wrong password: %d", r.code)
	}
	for range 5 {
		c.do("", "POST", "/api/v1/tokens", map[string]string{"username": "alvsjo.chef", "password": "fel"})
	}
	if r := c.do("", "POST", "/api/v1/tokens", map[string]string{"username": "alvsjo.chef", "password": "demo"}); r.code != 429 {
		t.Errorf("after five failures: %d, want 429", r.code)
	}
	if r := c.do("", "POST", "/api/v1/tokens", `{"username": 5}`); r.code != 422 {
		t.Errorf("bad login body: %d", r.code)
	}
	if r := c.do("", "POST", "/api/v1/tokens", `{"username": "a\u0000b", "password": "x"}`); r.code != 401 {
		t.Errorf("a NUL in the username: %d", r.code)
	}
	// Parallel guesses cannot slip past the limit.
	codes := make(chan int, 30)
	var wg sync.WaitGroup
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- c.do("", "POST", "/api/v1/tokens", map[string]string{"username": "bromma.registrator", "password": "fel"}).code
		}()
	}
	wg.Wait()
	close(codes)
	tried := 0
	for code := range codes {
		if code == 401 {
			tried++
		}
	}
	if tried > 5 {
		t.Errorf("%d of 30 parallel guesses were tried, the limit is 5", tried)
	}
	e.store.DB().ExecContext(ctx, `DELETE FROM login_failures WHERE username='bromma.registrator'`)

	coord, bReg, bOff, bChef := c.token("ks.samordnare"), c.token("bromma.registrator"), c.token("bromma.handlaggare"), c.token("bromma.chef")
	fReg, fOff, fChef := c.token("farsta.registrator"), c.token("farsta.handlaggare"), c.token("farsta.chef")
	outsider := c.token("skarholmen.registrator")

	deadline := time.Now().AddDate(0, 2, 0).Format("2006-01-02")
	launch := map[string]any{"dnr": "KS 2026/900-1", "title": "Strategi för Stockholm som smart och uppkopplad stad",
		"deadline": deadline, "recipients": []string{"bromma", "farsta"}, "reminders": []string{"14d"}}
	if r := c.do(bReg, "POST", "/api/v1/remisses", launch); r.code != 403 {
		t.Errorf("launch by a registrator: %d", r.code)
	}
	bad := map[string]any{"dnr": "x", "title": "", "deadline": "2020-01-01", "recipients": []string{"bromma", "bromma", "atlantis"}}
	r := c.do(coord, "POST", "/api/v1/remisses", bad)
	var errBody struct {
		Error  string
		Fields []struct{ Field, Message string }
	}
	r.json(t, &errBody)
	if r.code != 422 || len(errBody.Fields) < 5 {
		t.Errorf("bad launch: %d %s", r.code, r.body)
	}
	// Outside bodies by link: each needs a name and an address, each address
	// once; without the server's key for links none is launched.
	external := map[string]any{"dnr": "KS 2026/900-9", "title": "Remiss till regionen", "deadline": deadline,
		"external": []map[string]string{{"name": "Region Stockholm", "email": "inte-en-adress"}, {"name": "", "email": "a@b.se"}, {"name": "Igen", "email": "a@b.se"}}}
	r = c.do(coord, "POST", "/api/v1/remisses", external)
	errBody.Fields = nil
	r.json(t, &errBody)
	if fields := fmt.Sprint(errBody.Fields); r.code != 422 || !strings.Contains(fields, "external[0].email") || !strings.Contains(fields, "external[1].name") {
		t.Errorf("bad external recipients: %d %s", r.code, r.body)
	}
	external["external"] = []map[string]string{{"name": "Region Stockholm", "email": "registrator@region.example"}, {"name": "Igen", "email": "Registrator@Region.example"}}
	if r := c.do(coord, "POST", "/api/v1/remisses", external); r.code != 422 || !strings.Contains(string(r.body), "external[1].email") {
		t.Errorf("an address twice: %d %s", r.code, r.body)
	}
	external["external"] = []map[string]string{{"name": "Region Stockholm", "email": "registrator@region.example"}}
	if r := c.do(coord, "POST", "/api/v1/remisses", external); r.code != 422 || !strings.Contains(string(r.body), "REMISS_LINK_KEY") {
		t.Errorf("external recipients without a key for links: %d %s", r.code, r.body)
	}
	if r := c.do(coord, "POST", "/api/v1/remisses", `{"dnr": "KS 2026/900-1", "titel": "x"}`); r.code != 422 || !strings.Contains(string(r.body), "okänt fält") {
		t.Errorf("unknown field: %d %s", r.code, r.body)
	}
	r = c.do(coord, "POST", "/api/v1/remisses", launch)
	if r.code != 201 {
		t.Fatalf("launch: %d %s", r.code, r.body)
	}
	var created struct{ ID string }
	r.json(t, &created)
	id := created.ID
	if r := c.do(coord, "POST", "/api/v1/remisses", launch); r.code != 409 {
		t.Errorf("second launch: %d", r.code)
	}
	waitStarted(t, ctx, e.c, []string{"bromma", "farsta"}, id)

	// Reading a round: KS sees all, a recipient only itself, others nothing.
	var full, own struct{ Recipients []map[string]any }
	c.do(coord, "GET", "/api/v1/remisses/"+id, nil).json(t, &full)
	r = c.do(bReg, "GET", "/api/v1/remisses/"+id, nil)
	r.json(t, &own)
	if len(full.Recipients) != 2 || len(own.Recipients) != 1 || strings.Contains(string(r.body), "farsta") {
		t.Errorf("recipients: KS %d, Bromma %d: %s", len(full.Recipients), len(own.Recipients), r.body)
	}
	if r := c.do(outsider, "GET", "/api/v1/remisses/"+id, nil); r.code != 404 {
		t.Errorf("an organisation outside the round: %d", r.code)
	}
	if r := c.do("", "GET", "/api/v1/remisses/"+id, nil); r.code != 401 {
		t.Errorf("logged out: %d", r.code)
	}
	for path, want := range map[string]int{"/api/v1/documents/%FF": 404, "/api/v1/remisses/%00": 404, "/api/v1/documents?remiss=%FF": 422} {
		if r := c.do(coord, "GET", path, nil); r.code != want {
			t.Errorf("GET %s: %d, want %d", path, r.code, want)
		}
	}

	// Uploads: only real PDFs, bounded, by the Coordinator.
	missiv, _ := e.store.Document(ctx, "missiv."+id)
	if r := c.do(coord, "POST", "/api/v1/remisses/"+id+"/documents", []byte("not a pdf, though named .pdf")); r.code != 422 {
		t.Errorf("upload of a non-PDF: %d", r.code)
	}
	if r := c.do(coord, "POST", "/api/v1/remisses/"+id+"/documents", append([]byte("%PDF-1.7\n"), make([]byte, rounds.MaxUpload)...)); r.code != 413 {
		t.Errorf("upload too large: %d", r.code)
	}
	if r := c.do(bOff, "POST", "/api/v1/remisses/"+id+"/documents", missiv.Content); r.code != 403 {
		t.Errorf("upload by an officer: %d", r.code)
	}
	if r := c.do(coord, "POST", "/api/v1/remisses/"+id+"/documents", missiv.Content); r.code != 201 {
		t.Errorf("upload: %d %s", r.code, r.body)
	}

	bromma, farsta := remiss.AssignmentID(id, "bromma"), remiss.AssignmentID(id, "farsta")
	org, _ := e.store.Org(ctx, "bromma")
	answer := demo.SampleResponse(org)
	// Every way in is refused for the wrong person, before any state.
	for _, cell := range []struct {
		name, token, method, path string
		body                      any
		want                      int
	}{
		{"assign logged out", "", "POST", "/api/v1/assignments/" + bromma + "/assign", map[string]string{"officer": "bromma.handlaggare"}, 401},
		{"assign by another org", fReg, "POST", "/api/v1/assignments/" + bromma + "/assign", map[string]string{"officer": "bromma.handlaggare"}, 404},
		{"assign by an officer", bOff, "POST", "/api/v1/assignments/" + bromma + "/assign", map[string]string{"officer": "bromma.handlaggare"}, 403},
		{"assign a foreign officer", bReg, "POST", "/api/v1/assignments/" + bromma + "/assign", map[string]string{"officer": "farsta.handlaggare"}, 422},
		{"draft by another org", fOff, "PUT", "/api/v1/assignments/" + bromma + "/draft", answer, 404},
		{"submit by a registrator", bReg, "POST", "/api/v1/assignments/" + bromma + "/submit", answer, 403},
		{"submit unassigned", bOff, "POST", "/api/v1/assignments/" + bromma + "/submit", answer, 409},
		{"draft unassigned", bOff, "PUT", "/api/v1/assignments/" + bromma + "/draft", answer, 409},
		{"return nothing", bChef, "POST", "/api/v1/assignments/" + bromma + "/return", map[string]string{"comment": "Komplettera."}, 409},
		{"approve by another org", fChef, "POST", "/api/v1/assignments/" + bromma + "/approve", nil, 404},
		{"approve nothing", bChef, "POST", "/api/v1/assignments/" + bromma + "/approve", nil, 409},
		{"return by an officer", bOff, "POST", "/api/v1/assignments/" + bromma + "/return", map[string]string{"comment": "x"}, 403},
		{"decline by another org", fReg, "POST", "/api/v1/assignments/" + bromma + "/decline", map[string]string{"reason": "x"}, 404},
		{"extension by another org", fOff, "POST", "/api/v1/assignments/" + bromma + "/extension", map[string]string{"until": deadline, "reason": "x"}, 404},
		{"extension bad date", bOff, "POST", "/api/v1/assignments/" + bromma + "/extension", map[string]string{"until": "snart", "reason": "x"}, 422},
		{"decide extension as a recipient", bReg, "POST", "/api/v1/remisses/" + id + "/extensions/bromma", map[string]any{"approve": true}, 403},
		{"decide without a request", coord, "POST", "/api/v1/remisses/" + id + "/extensions/bromma", map[string]any{"approve": true}, 409},
		{"close as a recipient", bChef, "POST", "/api/v1/remisses/" + id + "/close", nil, 403},
		{"withdraw as a recipient", bReg, "POST", "/api/v1/remisses/" + id + "/withdraw", nil, 403},
		{"close an unknown round", coord, "POST", "/api/v1/remisses/nope/close", nil, 404},
		{"unknown assignment", bReg, "POST", "/api/v1/assignments/nope.bromma/assign", map[string]string{"officer": "bromma.handlaggare"}, 404},
	} {
		if r := c.do(cell.token, cell.method, cell.path, cell.body); r.code != cell.want {
			t.Errorf("%s: %d, want %d (%s)", cell.name, r.code, cell.want, r.body)
		}
	}

	// Every validation error of every body, by field, before any state.
	long := strings.Repeat("x", 6000)
	for _, cell := range []struct {
		name, token, method, path string
		body                      any
		fields                    []string
	}{
		{"launch", coord, "POST", "/api/v1/remisses", map[string]any{"dnr": "KS\n2016/1", "title": "   ", "description": "\u0007",
			"deadline": "31/12", "recipients": []string{}, "reminders": []string{"två veckor", "3d", "3d"}, "grace": "en vecka"},
			[]string{"dnr", "title", "description", "deadline", "recipients", "reminders[0]", "reminders[2]", "grace"}},
		{"assign", bReg, "POST", "/api/v1/assignments/" + bromma + "/assign", map[string]string{"officer": "ingen.alls"}, []string{"officer"}},
		{"submit", bOff, "POST", "/api/v1/assignments/" + bromma + "/submit", map[string]any{"proposals": []string{""}, "summary": long,
			"opinions": "", "signatories": []map[string]string{{"name": "A"}}, "officerName": "", "officerEmail": "inte-en-adress",
			"attachments": []string{"a\u0000b"}},
			[]string{"proposals[0]", "summary", "opinions", "signatories[0].title", "officerName", "officerEmail", "attachments[0]"}},
		// A draft need not be whole, but what it holds must be well formed.
		{"draft", bOff, "PUT", "/api/v1/assignments/" + bromma + "/draft", map[string]any{"proposals": []string{""}, "summary": long,
			"opinions": "", "officerEmail": "inte-en-adress", "attachments": []string{"a\u0000b"}},
			[]string{"summary", "officerEmail", "attachments[0]"}},
		{"return", bChef, "POST", "/api/v1/assignments/" + bromma + "/return", map[string]string{"comment": "  "}, []string{"comment"}},
		{"decline", bOff, "POST", "/api/v1/assignments/" + bromma + "/decline", map[string]string{"reason": "\u0007"}, []string{"reason"}},
		{"extension", bOff, "POST", "/api/v1/assignments/" + bromma + "/extension", map[string]string{"until": "i morgon", "reason": ""}, []string{"until"}},
		{"decide", coord, "POST", "/api/v1/remisses/" + id + "/extensions/bromma", map[string]any{"approve": true, "until": "snart"}, []string{"until"}},
	} {
		r := c.do(cell.token, cell.method, cell.path, cell.body)
		got := r.fields()
		if r.code != 422 {
			t.Errorf("%s: %d, want 422 (%s)", cell.name, r.code, r.body)
		}
		for _, f := range cell.fields {
			if !got[f] {
				t.Errorf("%s: no error for %s in %s", cell.name, f, r.body)
			}
		}
	}

	// The answers.
	mustOK := func(token, method, path string, body any) {
		t.Helper()
		if r := c.do(token, method, path, body); r.code != 200 {
			t.Fatalf("%s %s: %d %s", method, path, r.code, r.body)
		}
	}
	mustOK(coord, "POST", "/api/v1/remisses/"+id+"/reminders/bromma", nil)
	// The Coordinator extends Farsta's deadline without a request.
	later := time.Now().AddDate(0, 3, 0).Format("2006-01-02")
	mustOK(coord, "POST", "/api/v1/remisses/"+id+"/extensions/farsta", map[string]any{"approve": true, "until": later})
	if a, _ := e.store.Assignment(ctx, remiss.AssignmentID(id, "farsta")); a.Deadline != later {
		t.Errorf("direct extension: deadline %s, want %s", a.Deadline, later)
	}
	if out, _ := e.store.Outbox(ctx, id); !slicesContainsKind(out, "reminder") {
		t.Error("remind now sent no reminder")
	}
	mustOK(bReg, "POST", "/api/v1/assignments/"+bromma+"/assign", map[string]string{"officer": "bromma.handlaggare"})
	incomplete := answer
	incomplete.Proposals = nil
	if r := c.do(bOff, "POST", "/api/v1/assignments/"+bromma+"/submit", incomplete); r.code != 422 || !strings.Contains(string(r.body), `"proposals"`) {
		t.Errorf("submit without proposals: %d %s", r.code, r.body)
	}
	// An activity that fails inside an update is a failure of ours: a 500
	// with a generic message, not a 422 with its internal text, and the
	// draft is not recorded.
	db := e.store.DB()
	if _, err := db.ExecContext(ctx, `CREATE FUNCTION refuse_draft() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.action = 'draft_saved' THEN RAISE EXCEPTION 'test: the audit refuses drafts' USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$;
		CREATE TRIGGER refuse_draft BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION refuse_draft();`); err != nil {
		t.Fatal(err)
	}
	if r := c.do(bOff, "PUT", "/api/v1/assignments/"+bromma+"/draft", answer); r.code != 500 || strings.Contains(string(r.body), "audit") ||
		!strings.Contains(string(r.body), "ett internt fel inträffade") {
		t.Errorf("draft whose record fails: %d %s, want 500 with a generic message", r.code, r.body)
	}
	if a, _ := e.store.Assignment(ctx, bromma); a.State != remiss.StateAssigned {
		t.Errorf("after the failed draft the assignment is %s", a.State)
	}
	if _, err := db.ExecContext(ctx, `DROP TRIGGER refuse_draft ON audit; DROP FUNCTION refuse_draft();`); err != nil {
		t.Fatal(err)
	}
	mustOK(bOff, "PUT", "/api/v1/assignments/"+bromma+"/draft", answer)
	if r := c.do(bOff, "POST", "/api/v1/assignments/"+bromma+"/attachments?name=../../etc/Bilaga%201.pdf", missiv.Content); r.code != 201 || !strings.Contains(string(r.body), `"filename":"Bilaga 1.pdf"`) {
		t.Errorf("attachment: %d %s", r.code, r.body)
	}
	if r := c.do(bOff, "POST", "/api/v1/assignments/"+bromma+"/attachments", []byte("not a pdf")); r.code != 422 {
		t.Errorf("non-PDF attachment: %d", r.code)
	}
	mustOK(bOff, "POST", "/api/v1/assignments/"+bromma+"/submit", answer)
	mustOK(bChef, "POST", "/api/v1/assignments/"+bromma+"/approve", nil)
	mustOK(fReg, "POST", "/api/v1/assignments/"+farsta+"/assign", map[string]string{"officer": "farsta.handlaggare"})
	fo, _ := e.store.Org(ctx, "farsta")
	mustOK(fOff, "POST", "/api/v1/assignments/"+farsta+"/submit", demo.SampleResponse(fo))
	mustOK(fChef, "POST", "/api/v1/assignments/"+farsta+"/approve", nil)

	// The round closes and drafts kommunstyrelsen's own statement: the
	// round's JSON names it, and KS's staff write, return and approve it
	// through the same endpoints as every answer.
	var round struct {
		Statement struct{ Assignment, State string } `json:"statement"`
	}
	for limit := time.Now().Add(time.Minute); round.Statement.Assignment == ""; time.Sleep(100 * time.Millisecond) {
		c.do(coord, "GET", "/api/v1/remisses/"+id, nil).json(t, &round)
		if time.Now().After(limit) {
			t.Fatal("the closed round names no statement of kommunstyrelsen's")
		}
	}
	ks := round.Statement.Assignment
	if ks != remiss.StatementAssignmentID(id) || round.Statement.State != string(remiss.StateSent) {
		t.Errorf("round's statement %+v", round.Statement)
	}
	ksReg, ksOff, ksChef := c.token("ks.registrator"), c.token("ks.handlaggare"), c.token("ks.chef")
	var drafted remiss.Response
	c.do(ksOff, "GET", "/api/v1/assignments/"+ks, nil).json(t, &struct {
		Content *remiss.Response `json:"content"`
	}{&drafted})
	mustOK(ksReg, "POST", "/api/v1/assignments/"+ks+"/assign", map[string]string{"officer": "ks.handlaggare"})
	if r := c.do(ksOff, "POST", "/api/v1/assignments/"+ks+"/decline", map[string]string{"reason": "Vi avstår."}); r.code != 409 {
		t.Errorf("KS declines its own statement: %d %s", r.code, r.body)
	}
	ksText := drafted
	ksText.Proposals = []string{"Kommunstyrelsen antar strategin."}
	ksText.Opinions = "Stadsledningskontoret delar Brommas och Farstas bedömning."
	ksText.Signatories = []remiss.Signatory{{Name: "Anna Stadsdirektör", Title: "Stadsdirektör"}}
	ksText.OfficerName = "Kim Handläggare"
	mustOK(ksOff, "PUT", "/api/v1/assignments/"+ks+"/draft", ksText)
	mustOK(ksOff, "POST", "/api/v1/assignments/"+ks+"/submit", ksText)
	mustOK(ksChef, "POST", "/api/v1/assignments/"+ks+"/return", map[string]string{"comment": "Nämn Farstas förslag."})
	ksText.Opinions += " Farstas förslag om uppföljning bör tas med."
	mustOK(ksOff, "POST", "/api/v1/assignments/"+ks+"/submit", ksText)
	mustOK(ksChef, "POST", "/api/v1/assignments/"+ks+"/approve", nil)
	var st workflows.RemissStatus
	if err := e.c.GetWorkflow(ctx, workflows.RemissWorkflowID(id), "").Get(ctx, &st); err != nil {
		t.Fatal(err)
	}
	// Wrong state: every action on an answered assignment and a closed
	// round is refused with 409 and changes nothing.
	auditBefore, _ := e.store.Audit(ctx, id)
	for _, cell := range []struct {
		name, token, method, path string
		body                      any
	}{
		{"assign answered", bReg, "POST", "/api/v1/assignments/" + bromma + "/assign", map[string]string{"officer": "bromma.handlaggare"}},
		{"draft answered", bOff, "PUT", "/api/v1/assignments/" + bromma + "/draft", answer},
		{"submit answered", bOff, "POST", "/api/v1/assignments/" + bromma + "/submit", answer},
		{"approve answered", bChef, "POST", "/api/v1/assignments/" + bromma + "/approve", nil},
		{"return answered", bChef, "POST", "/api/v1/assignments/" + bromma + "/return", map[string]string{"comment": "Komplettera."}},
		{"decline answered", bReg, "POST", "/api/v1/assignments/" + bromma + "/decline", map[string]string{"reason": "Sent påtänkt."}},
		{"extension answered", bOff, "POST", "/api/v1/assignments/" + bromma + "/extension", map[string]string{"until": later, "reason": "Mer tid."}},
		{"decide extension after close", coord, "POST", "/api/v1/remisses/" + id + "/extensions/bromma", map[string]any{"approve": true, "until": later}},
		{"remind after close", coord, "POST", "/api/v1/remisses/" + id + "/reminders/bromma", nil},
		{"close a closed round", coord, "POST", "/api/v1/remisses/" + id + "/close", nil},
		{"withdraw a closed round", coord, "POST", "/api/v1/remisses/" + id + "/withdraw", nil},
	} {
		if r := c.do(cell.token, cell.method, cell.path, cell.body); r.code != 409 {
			t.Errorf("%s: %d, want 409 (%s)", cell.name, r.code, r.body)
		}
	}
	if after, _ := e.store.Audit(ctx, id); len(after) != len(auditBefore) {
		t.Errorf("refused actions wrote %d audit rows", len(after)-len(auditBefore))
	}

	// Documents: Bromma sees the shared ones and its own statement, not Farsta's.
	var docs []map[string]any
	r = c.do(bReg, "GET", "/api/v1/documents?remiss="+id, nil)
	r.json(t, &docs)
	kinds := map[string]int{}
	for _, d := range docs {
		kinds[d["kind"].(string)]++
	}
	if kinds["statement"] != 2 || kinds["missiv"] != 1 || kinds["summary"] != 0 || strings.Contains(string(r.body), "farsta") {
		t.Errorf("Bromma's documents %v: %s", kinds, r.body)
	}
	if r := c.do(bReg, "GET", "/api/v1/documents/statement."+farsta, nil); r.code != 404 {
		t.Errorf("a foreign statement: %d", r.code)
	}
	r = c.do(bReg, "GET", "/api/v1/documents/statement."+bromma, nil)
	if r.code != 200 || !bytes.HasPrefix(r.body, []byte("%PDF-")) {
		t.Errorf("own statement: %d", r.code)
	}
	// The verification kept when kommunstyrelsen's statement was stored,
	// and run again.
	for _, method := range []string{"GET", "POST"} {
		var v keeper.Verification
		c.do(coord, method, "/api/v1/documents/"+st.SummaryID+"/verification", nil).json(t, &v)
		if !v.Valid || !v.HashMatch || len(v.Signatures) != 1 || !strings.Contains(v.Signatures[0].Signer, "TEST-sigill") || v.CheckedAt.IsZero() {
			t.Errorf("%s verification %+v", method, v)
		}
	}
	var list []map[string]any
	r = c.do(bOff, "GET", "/api/v1/assignments", nil)
	r.json(t, &list)
	if len(list) != 1 || strings.Contains(string(r.body), "farsta") {
		t.Errorf("Bromma's assignments: %s", r.body)
	}

	// The OpenAPI document names every route, and every route it names
	// answers (401 without a token, not 404 or 405).
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	c.do("", "GET", "/api/openapi.json", nil).json(t, &doc)
	n := 0
	for path, ops := range doc.Paths {
		for method := range ops {
			n++
			concrete := strings.NewReplacer("{id}", "x", "{org}", "y", "{step}", "z").Replace(path)
			r := c.do("", strings.ToUpper(method), concrete, "{}")
			if r.code == 404 || r.code == 405 {
				t.Errorf("documented %s %s has no handler (%d)", method, path, r.code)
			}
		}
	}
	if doc.OpenAPI != "3.1.0" || n != 45 {
		t.Errorf("openapi %s with %d operations", doc.OpenAPI, n)
	}
}

func slicesContainsKind(out []store.OutboxMessage, kind string) bool {
	for _, m := range out {
		if m.Kind == kind {
			return true
		}
	}
	return false
}
