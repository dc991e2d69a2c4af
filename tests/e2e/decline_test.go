package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
)

// TestDeclineThroughTheConfirmationPages: the officer proposes that the
// nämnd declines through a page that says what follows; the proposal
// waits for the chef like an answer, and kommunstyrelsen hears nothing
// yet; the chef reads the reason, approves through the same kind of page,
// and only then does the decline take effect and KS see it with its reason.
func TestDeclineThroughTheConfirmationPages(t *testing.T) {
	e, ctx, base := served(t)
	id, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{
		Dnr: "KS 2026/960-1", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: time.Now().AddDate(0, 2, 0).Format(remiss.DateLayout), Recipients: []string{"farsta", "bromma"},
	})
	if err != nil {
		t.Fatal(err)
	}
	waitStarted(t, ctx, e.c, []string{"farsta", "bromma"}, id)
	asg := remiss.AssignmentID(id, "farsta")
	if _, err := e.svc.Assign(ctx, e.user("farsta.registrator"), asg, "farsta.handlaggare"); err != nil {
		t.Fatal(err)
	}
	const reason = "Strategin berör inte stadsdelsnämndens ansvarsområden."
	page, confirm := "/uppdrag/"+asg, "/uppdrag/"+asg+"/avsta"
	postsTo := regexp.MustCompile(`<form method="post" action="` + regexp.QuoteMeta(confirm) + `"`)

	// The assignment page leads to the confirmation page; it does not decline.
	off := newBrowser(t, base)
	off.login("farsta.handlaggare")
	if _, body, _ := off.get(page); !strings.Contains(body, `href="`+confirm+`"`) || postsTo.MatchString(body) {
		t.Errorf("the assignment page declines without a confirmation:\n%s", body)
	}
	code, body, _ := off.get(confirm)
	for _, want := range []string{"Föreslå att nämnden avstår från att yttra sig?", "inte att ångra", "remissamordnare",
		"chefen för godkännande", `name="reason"`, "Ja, föreslå att avstå"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("officer's confirmation page (%d) lacks %q:\n%s", code, want, body)
		}
	}
	// Without a reason: the page again, the field marked, nothing done.
	if code, body, _ := off.post(confirm, url.Values{"csrf": {off.csrf(confirm)}, "reason": {"  "}}); code != 422 || !strings.Contains(body, `id="reason-error"`) {
		t.Errorf("a proposal without a reason: %d\n%s", code, body)
	}
	if a, _ := e.store.Assignment(ctx, asg); a.State != remiss.StateAssigned {
		t.Errorf("a refused proposal changed the state to %s", a.State)
	}
	code, _, loc := off.post(confirm, url.Values{"csrf": {off.csrf(confirm)}, "reason": {reason}})
	if code != http.StatusSeeOther || loc != page+"?ok=avstar_forslag" {
		t.Fatalf("proposal: %d %s", code, loc)
	}
	if _, body, _ := off.get(loc); !strings.Contains(body, "Förslaget att avstå är skickat till chefen") || !strings.Contains(body, "Avstående väntar på godkännande") ||
		!strings.Contains(body, reason) {
		t.Errorf("the officer's page after proposing:\n%s", body)
	}
	if a, _ := e.store.Assignment(ctx, asg); a.State != remiss.StateDeclineProposed {
		t.Errorf("after the proposal: %s, want it to wait for approval", a.State)
	}
	coord := newBrowser(t, base)
	coord.login("ks.samordnare")
	if _, body, _ := coord.get("/remisser/" + id); strings.Contains(body, reason) {
		t.Errorf("KS sees a decline not yet approved:\n%s", body)
	}

	// The chef sees that what waits is a decline, with its reason.
	chef := newBrowser(t, base)
	chef.login("farsta.chef")
	_, body, _ = chef.get(page)
	if !strings.Contains(body, "Att godkänna") || !strings.Contains(body, "Förslag: nämnden avstår från att yttra sig") ||
		!strings.Contains(body, reason) || !strings.Contains(body, `href="`+confirm+`"`) || strings.Contains(body, `/godkann"`) {
		t.Errorf("the chef's page does not show the proposed decline:\n%s", body)
	}
	code, body, _ = chef.get(confirm)
	if code != 200 || !strings.Contains(body, "Godkänna att nämnden avstår från att yttra sig?") || !strings.Contains(body, reason) ||
		!strings.Contains(body, "Avståendet gäller direkt") || !strings.Contains(body, "inte att ångra") || !strings.Contains(body, `name="proposal"`) {
		t.Errorf("chef's confirmation page: %d\n%s", code, body)
	}
	proposal := regexp.MustCompile(`name="proposal" value="([^"]+)"`).FindStringSubmatch(body)
	if proposal == nil {
		t.Fatal("no proposal on the chef's confirmation page")
	}
	if n := messages(t, e, id, "declined"); n != 0 {
		t.Errorf("%d messages to KS before the approval", n)
	}
	code, _, loc = chef.post(confirm, url.Values{"csrf": {chef.csrf(confirm)}, "proposal": {proposal[1]}})
	if code != http.StatusSeeOther || loc != page+"?ok=avstar" {
		t.Fatalf("approval: %d %s", code, loc)
	}
	if a, _ := e.store.Assignment(ctx, asg); a.State != remiss.StateDeclined {
		t.Errorf("after the approval: %s", a.State)
	}
	if n := messages(t, e, id, "declined"); n != 1 {
		t.Errorf("%d messages to KS after the approval, want 1", n)
	}
	// KS's round page shows the decline with its reason; it cannot be
	// declined again.
	if _, body, _ := coord.get("/remisser/" + id); !strings.Contains(body, "Skäl: "+reason) {
		t.Errorf("KS does not see why Farsta declined:\n%s", body)
	}
	if code, _, _ := off.get(confirm); code != http.StatusConflict {
		t.Errorf("confirmation page for a declined assignment: %d", code)
	}
}

// messages counts the messages of kind to kommunstyrelsen's coordinator in
// the round's outbox.
func messages(t *testing.T, e *env, remissID, kind string) int {
	t.Helper()
	msgs, err := e.store.Outbox(t.Context(), remissID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Kind == kind && m.Recipient == "ks.samordnare@"+demo.Domain {
			n++
		}
	}
	return n
}
