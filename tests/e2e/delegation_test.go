package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

// TestDelegationDecisionsReported: two answers Farsta's chef approves on
// delegation are decisions on delegation; they are listed for the nämnd's
// next meeting on the registrator's page (Bromma's is not), a bad § and a
// meeting not yet held are refused by field in Swedish with nothing
// changed, the registrator marks them reported at today's meeting under
// § 14, the sealed list names each Dnr, ärende, date, who decided and
// where it was reported, and they leave the pending list.
func TestDelegationDecisionsReported(t *testing.T) {
	e, ctx, base := served(t)
	today := time.Now().In(remiss.Stockholm).Format(remiss.DateLayout)
	later := time.Now().AddDate(0, 0, 14).Format(remiss.DateLayout)
	reg := e.user("farsta.registrator")
	for _, on := range []string{today, later} {
		if _, err := e.svc.AddMeeting(ctx, reg, remiss.NewMeeting{Date: on, AgendaDeadline: on, Place: "Farsta stadsdelsförvaltning"}); err != nil {
			t.Fatal(err)
		}
	}
	answers := []struct{ dnr, title string }{
		{"KS 2026/701-1", "Förslag till ny cykelplan för Stockholm"},
		{"KS 2026/702-1", "Program för offentliga toaletter"},
	}
	for i, r := range answers {
		orgs := []string{"farsta"}
		if i == 0 {
			orgs = append(orgs, "bromma")
		}
		id, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{Dnr: r.dnr, Title: r.title,
			Deadline: time.Now().AddDate(0, 1, 0).Format(remiss.DateLayout), Recipients: orgs})
		if err != nil {
			t.Fatal(err)
		}
		waitStarted(t, ctx, e.c, orgs, id)
		if err := inParallel(orgs, func(org string) error { return e.answer(ctx, remiss.AssignmentID(id, org), org) }); err != nil {
			t.Fatal(err)
		}
	}
	pending := func(org string, want int) []store.DelegatedDecision {
		t.Helper()
		for limit := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			ds, err := e.store.DelegatedDecisions(ctx, org, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) == want || time.Now().After(limit) {
				if len(ds) != want {
					t.Fatalf("%s: %d decisions on delegation pending, want %d", org, len(ds), want)
				}
				return ds
			}
		}
	}
	pending("farsta", 2)
	pending("bromma", 1)
	chef, err := e.store.User(ctx, "farsta.chef")
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, base)
	b.login("farsta.registrator")
	code, body, _ := b.get("/delegationsbeslut")
	for _, want := range []string{`href="/delegationsbeslut"`, "Anmäls vid sammanträdet " + today, answers[0].dnr, answers[0].title,
		answers[1].dnr, answers[1].title, chef.DisplayName, "Markera som anmälda", "Inga delegationsbeslut har anmälts än."} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("the registrator's page (%d) lacks %q:\n%s", code, want, body)
		}
	}
	screenshotPage(t, base, "farsta.registrator", "/delegationsbeslut", "delegationsbeslut-att-anmala")
	if strings.Contains(body, `value="`+remiss.MeetingID("farsta", later)+`"`) {
		t.Error("a meeting not yet held is offered to report at")
	}

	// Refusals by field, in Swedish, that change nothing.
	meeting := remiss.MeetingID("farsta", today)
	for _, bad := range []struct{ meeting, paragraph, field, says string }{
		{meeting, "fjorton", "paragraph", "Ange paragrafen som i protokollet"},
		{meeting, "", "paragraph", ""},
		{remiss.MeetingID("farsta", later), "14", "meeting", "Sammanträdet har inte hållits än"},
		{remiss.MeetingID("bromma", today), "14", "meeting", "Inget sådant sammanträde"},
	} {
		code, body, _ := b.post("/delegationsbeslut", url.Values{"csrf": {b.csrf("/delegationsbeslut")}, "meeting": {bad.meeting}, "paragraph": {bad.paragraph}})
		if code != 422 || !strings.Contains(body, `id="`+bad.field+`-error"`) || !strings.Contains(body, bad.says) || !strings.Contains(body, "Formuläret innehåller fel") {
			t.Errorf("report at %s under %q: %d, want %s refused with %q:\n%s", bad.meeting, bad.paragraph, code, bad.field, bad.says, body)
		}
	}
	if reps, _ := e.store.DelegationReports(ctx, "farsta"); len(reps) != 0 {
		t.Errorf("refused reports stored %d reports", len(reps))
	}
	pending("farsta", 2)
	// Only the registrator reports.
	off := newBrowser(t, base)
	off.login("farsta.handlaggare")
	if code, _, _ := off.get("/delegationsbeslut"); code != http.StatusForbidden {
		t.Errorf("an officer reads the list: %d", code)
	}

	code, _, loc := b.post("/delegationsbeslut", url.Values{"csrf": {b.csrf("/delegationsbeslut")}, "meeting": {meeting}, "paragraph": {"14"}})
	if code != http.StatusSeeOther || loc != "/delegationsbeslut?ok=anmalda" {
		t.Fatalf("report: %d %s", code, loc)
	}
	pending("farsta", 0)
	pending("bromma", 1)
	_, body, _ = b.get(loc)
	for _, want := range []string{"Delegationsbesluten är anmälda", "Inga delegationsbeslut väntar på att anmälas.",
		"Anmälda vid sammanträdet " + today + ", § 14", answers[0].dnr, answers[1].dnr} {
		if !strings.Contains(body, want) {
			t.Errorf("the page after reporting lacks %q:\n%s", want, body)
		}
	}
	link := regexp.MustCompile(`href="(/delegationsbeslut/[^"]+/pdf)"`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no link to the list:\n%s", body)
	}
	code, pdf, head := b.get(link[1])
	if code != 200 || head.Get("Content-Type") != "application/pdf" {
		t.Fatalf("the list: %d %s", code, head.Get("Content-Type"))
	}
	pdfsigValid(t, []byte(pdf))
	screenshotPage(t, base, "farsta.registrator", "/delegationsbeslut", "delegationsbeslut-anmalda")
	if dir := os.Getenv("REMISS_SCREENSHOT_DIR"); dir != "" {
		os.WriteFile(filepath.Join(dir, "delegationsbeslut.pdf"), []byte(pdf), 0o644)
	}
	text := strings.Join(strings.Fields(pdftotext(t, []byte(pdf))), " ")
	for _, want := range []string{"DELEGATIONSBESLUT", "Anmälan av delegationsbeslut", "Farsta stadsdelsnämnd", "6 kap. 40 §",
		answers[0].dnr, answers[0].title, answers[1].dnr, answers[1].title, "Beslutat " + today + " av " + chef.DisplayName,
		"Anmält vid sammanträdet " + today + ", § 14"} {
		if !strings.Contains(text, want) {
			t.Errorf("the list lacks %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "Anmält vid sammanträdet") != 2 {
		t.Errorf("the list names %d decisions, want 2:\n%s", strings.Count(text, "Anmält vid sammanträdet"), text)
	}
	// Another organisation's registrator does not reach it.
	other := newBrowser(t, base)
	other.login("bromma.registrator")
	if code, _, _ := other.get(link[1]); code != http.StatusNotFound {
		t.Errorf("Bromma's registrator reads Farsta's list: %d", code)
	}
	// Nothing more to report: refused, in Swedish.
	if _, err := e.svc.ReportDelegation(ctx, reg, rounds.DelegationRequest{Meeting: meeting, Paragraph: "15"}); err == nil || !strings.Contains(err.Error(), "inga delegationsbeslut") {
		t.Errorf("a second report with nothing pending: %v", err)
	}
}
