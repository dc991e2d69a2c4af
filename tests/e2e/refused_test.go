package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
)

// TestRefusedActionsWriteNothing goes through the API's doors with actions
// the round refuses: a submit, a draft, a decline, a return and an anstånd
// answered 409 leave no version and no note behind; anstånd to 2999 is
// refused on until, asked for or granted; a second reminder within the
// hour is refused.
func TestRefusedActionsWriteNothing(t *testing.T) {
	e, ctx, base := served(t)
	c := apiClient{t: t, base: base}
	coord, reg, off, chef := c.token("ks.samordnare"), c.token("bromma.registrator"), c.token("bromma.handlaggare"), c.token("bromma.chef")
	r := c.do(coord, "POST", "/api/v1/remisses", map[string]any{"dnr": "KS 2026/901-1", "title": "Strategi för Stockholm som smart och uppkopplad stad",
		"deadline": time.Now().AddDate(0, 2, 0).Format(remiss.DateLayout), "recipients": []string{"bromma"}})
	if r.code != 201 {
		t.Fatalf("launch: %d %s", r.code, r.body)
	}
	var created struct{ ID string }
	r.json(t, &created)
	id := created.ID
	waitStarted(t, ctx, e.c, []string{"bromma"}, id)
	asg := "/api/v1/assignments/" + remiss.AssignmentID(id, "bromma")
	org, _ := e.store.Org(ctx, "bromma")
	answer := demo.SampleResponse(org)
	rows := func(table string) int {
		var n int
		if err := e.store.DB().QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE assignment_id=$1`, remiss.AssignmentID(id, "bromma")).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	expect := func(name string, r reply, code int, says string) {
		t.Helper()
		if r.code != code || !strings.Contains(string(r.body), says) {
			t.Errorf("%s: %d %s, want %d saying %q", name, r.code, r.body, code, says)
		}
	}

	expect("submit unassigned", c.do(off, "POST", asg+"/submit", answer), 409, "")
	expect("draft unassigned", c.do(off, "PUT", asg+"/draft", answer), 409, "")
	expect("return unsubmitted", c.do(chef, "POST", asg+"/return", map[string]string{"comment": "Komplettera."}), 409, "")
	expect("anstånd to 2999", c.do(reg, "POST", asg+"/extension", map[string]string{"until": "2999-01-01", "reason": "Mer tid."}), 422, "längst till")
	expect("anstånd granted to 2999", c.do(coord, "POST", "/api/v1/remisses/"+id+"/extensions/bromma",
		map[string]any{"approve": true, "until": "2999-01-01"}), 422, "längst till")
	expect("remind", c.do(coord, "POST", "/api/v1/remisses/"+id+"/reminders/bromma", nil), 200, "")
	expect("remind again", c.do(coord, "POST", "/api/v1/remisses/"+id+"/reminders/bromma", nil), 409, "tidigast")
	if n, m := rows("response_versions"), rows("notes"); n != 0 || m != 0 {
		t.Errorf("refused actions before the answer left %d versions and %d notes", n, m)
	}

	expect("assign", c.do(reg, "POST", asg+"/assign", map[string]string{"officer": "bromma.handlaggare"}), 200, "")
	expect("submit", c.do(off, "POST", asg+"/submit", answer), 200, "")
	expect("approve", c.do(chef, "POST", asg+"/approve", nil), 200, "")
	changed := answer
	changed.Summary += " Ändrad efter beslutet."
	expect("submit approved", c.do(off, "POST", asg+"/submit", changed), 409, "")
	expect("draft approved", c.do(off, "PUT", asg+"/draft", changed), 409, "")
	expect("decline approved", c.do(reg, "POST", asg+"/decline", map[string]string{"reason": "Sent påtänkt."}), 409, "")
	expect("return approved", c.do(chef, "POST", asg+"/return", map[string]string{"comment": "Komplettera."}), 409, "")
	expect("anstånd approved", c.do(reg, "POST", asg+"/extension", map[string]string{"until": time.Now().AddDate(0, 4, 0).Format(remiss.DateLayout),
		"reason": "Mer tid."}), 409, "")
	if n, m := rows("response_versions"), rows("notes"); n != 1 || m != 0 {
		t.Errorf("after refused actions on the approved answer: %d versions (want the one submitted) and %d notes", n, m)
	}
}
