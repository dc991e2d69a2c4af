package activities_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// hexHash is a run of hex digits long enough to be a hash or a key (a
// SHA-256 is 64), with at least one letter so that a long number is not one.
var hexHash = regexp.MustCompile(`(?i)\b[0-9a-f]*[a-f][0-9a-f]*\b`)

// englishLabels are words a document of the city's own would say in
// Swedish.
var englishLabels = regexp.MustCompile(`(?i)\b(statements?|summary|minutes|missive|cover letter|page|date|approved|approval|signed|signatures?|attachments?|drafts?|decisions?|proposals?|documents?|answered|declined|missed|late)\b`)

// TestDocumentsReadAsTheCitysOwn makes every document of a round through
// the activities (the missiv, a statement decided on delegation, a
// statement decided by the nämnd with its protokollsutdrag, the
// sammanställning and the protokollsutdrag of its step) and reads each as
// a person would: no hash in the text, no English in the text, the
// metadata or the seal, and the approval on the statement.
func TestDocumentsReadAsTheCitysOwn(t *testing.T) {
	ctx := context.Background()
	s := dbtest.OpenSeeded(t)
	a := &activities.Activities{Store: s, BaseURL: "http://localhost:8080", Seals: dbtest.Seals(t)}
	r := store.Remiss{ID: "ks-2016-171-909", Dnr: "KS 2016/171-909", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Description: "Stadsledningskontoret har tagit fram ett förslag till strategi.", Deadline: "2027-01-15",
		DeadlineAt: time.Date(2027, 1, 16, 0, 0, 0, 0, remiss.Stockholm), Reminders: []string{"14d"}, Grace: "7d",
		Coordinator: "ks.samordnare", Recipients: []string{"bromma", "farsta", "stokab"}}
	if _, err := s.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 10, 10, 0, 0, 0, remiss.Stockholm)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.AnnounceRound(ctx, activities.RoundInput{EventKey: r.ID + ".sent", RemissID: r.ID, At: at}))
	for _, code := range []string{"bromma", "farsta", "stokab"} {
		asg := remiss.AssignmentID(r.ID, code)
		org, _ := s.Org(ctx, code)
		v, err := s.SaveResponseVersion(ctx, asg, demo.SampleResponse(org), code+".handlaggare")
		if err != nil {
			t.Fatal(err)
		}
		officer := remiss.Actor{User: code + ".handlaggare", Org: code, Role: remiss.RoleOfficer}
		must(a.Record(ctx, activities.RecordInput{EventKey: asg + ".submitted", At: at, Actor: officer, AssignmentID: asg,
			Action: activities.ActionSubmitted, State: remiss.StateSubmitted, VersionID: v.ID, SHA256: v.SHA256}))
		route := remiss.RouteDelegation
		if code == "farsta" || code == "stokab" {
			route = remiss.RouteNamnd
		}
		must(a.RenderStatement(ctx, activities.StatementInput{EventKey: asg + ".statement", AssignmentID: asg, VersionID: v.ID,
			At: at, Route: route, ApprovedBy: code + ".chef"}))
	}
	farsta := remiss.AssignmentID(r.ID, "farsta")
	decisions := []store.Decision{
		{ID: farsta + ".d-1", RemissID: r.ID, AssignmentID: farsta, Body: "Farsta stadsdelsnämnd", HeldOn: "2026-12-17",
			Paragraph: "§ 12", Verdict: remiss.VerdictBifall, Immediate: true, RecordedBy: "farsta.registrator"},
		{ID: r.ID + ".brb.d-1", RemissID: r.ID, Step: "borgarradsberedningen", Body: "Borgarrådsberedningen", HeldOn: "2027-01-20",
			Paragraph: "§ 3", Verdict: remiss.VerdictTillstyrker, Immediate: true, Adjusters: []string{"Cecilia Ek"}, RecordedBy: "ks.samordnare"},
	}
	stokab := remiss.AssignmentID(r.ID, "stokab")
	board := store.Decision{ID: stokab + ".d-1", RemissID: r.ID, AssignmentID: stokab, Body: "AB Stokab", HeldOn: "2026-12-17",
		Paragraph: "§ 4", Verdict: remiss.VerdictBifall, Immediate: true, RecordedBy: "stokab.registrator"}
	for _, d := range []store.Decision{decisions[0], board} {
		if err := s.ProposeDecision(ctx, d); err != nil {
			t.Fatal(err)
		}
		must(a.RenderMinutes(ctx, activities.MinutesInput{EventKey: d.ID, At: at.AddDate(0, 0, 7), DecisionID: d.ID}))
	}
	must(a.CloseRound(ctx, activities.RoundInput{EventKey: r.ID + ".closed", RemissID: r.ID, At: at.AddDate(0, 0, 40), Reason: "deadline"}))
	// Kommunstyrelsen's own statement, written on the close's draft.
	ksAsg := remiss.StatementAssignmentID(r.ID)
	ks, _ := s.Org(ctx, remiss.KS)
	kv, err := s.SaveResponseVersion(ctx, ksAsg, demo.SampleResponse(ks), "ks.handlaggare")
	if err != nil {
		t.Fatal(err)
	}
	must(a.RenderStatement(ctx, activities.StatementInput{EventKey: ksAsg + ".statement", AssignmentID: ksAsg, VersionID: kv.ID,
		At: at.AddDate(0, 0, 40), Route: remiss.RouteDelegation, ApprovedBy: "ks.chef"}))
	if err := s.ProposeDecision(ctx, decisions[1]); err != nil {
		t.Fatal(err)
	}
	must(a.RenderMinutes(ctx, activities.MinutesInput{EventKey: decisions[1].ID, At: at.AddDate(0, 0, 41), DecisionID: decisions[1].ID, NextStep: 1}))

	docs, err := s.Documents(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, d := range docs {
		kinds[d.Kind]++
		full, err := s.Document(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		text, meta := readPDF(t, full.Content)
		for _, h := range hexHash.FindAllString(text, -1) {
			if len(h) >= 12 {
				t.Errorf("%s shows a hash %q to its reader", d.Filename, h)
			}
		}
		if strings.Contains(text, "SHA-256") {
			t.Errorf("%s shows a SHA-256 to its reader", d.Filename)
		}
		if w := englishLabels.FindAllString(text+"\n"+meta, -1); len(w) > 0 {
			t.Errorf("%s has English words %q", d.Filename, w)
		}
		// A bolag answers with a yttrande to its styrelse, in its own
		// words, and the styrelse's protokollsutdrag rests on it.
		if d.AssignmentID == remiss.AssignmentID(r.ID, "stokab") {
			for _, not := range []string{"Förvaltningens", "förvaltningens", "Förvaltningschef", "Nämnden", "TJÄNSTEUTLÅTANDE", "tjänsteutlåtande"} {
				if strings.Contains(text, not) {
					t.Errorf("the bolag's %s says %q:\n%.1500s", d.Kind, not, text)
				}
			}
			want := []string{"YTTRANDE", "Till styrelsen för AB Stokab", "Bolagets synpunkter", "AB Stokab delar stadsledningskontorets bedömning"}
			if d.Kind == "minutes" {
				want = []string{"Förslag till yttrande daterat", "i enlighet med verkställande direktörens förslag"}
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("the bolag's %s lacks %q:\n%.1500s", d.Kind, w, text)
				}
			}
		}
		if d.AssignmentID == remiss.AssignmentID(r.ID, "bromma") && d.Kind == "statement" {
			if want := "Godkänt av Förvaltningschef, Bromma stadsdelsnämnd, Stadsdelsdirektör, 2026-12-10."; !strings.Contains(text, want) {
				t.Errorf("the statement lacks its approval %q:\n%.1500s", want, text)
			}
		}
	}
	if kinds["missiv"] != 1 || kinds["statement"] != 4 || kinds["minutes"] != 3 || len(kinds) != 3 {
		t.Errorf("documents %v", kinds)
	}
}

// readPDF gives a document's text (words joined by single spaces) and what
// a reader sees of it besides: its title, subject and author and its seal's
// field name, reason and location.
func readPDF(t *testing.T, b []byte) (text, meta string) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdfinfo", "pdfsig"} {
		if _, err := exec.LookPath(tool); err != nil {
			dbtest.Unavailable(t, tool+" (poppler-utils)", err)
		}
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := func(name string, args ...string) string {
		b, _ := exec.Command(name, args...).Output() // pdfsig exits non-zero on a seal it cannot trust
		return string(b)
	}
	text = strings.Join(strings.Fields(out("pdftotext", "-enc", "UTF-8", path, "-")), " ")
	var lines []string
	for _, l := range strings.Split(out("pdfinfo", path)+out("pdfsig", path), "\n") {
		l = strings.TrimSpace(l)
		for _, label := range []string{"Title:", "Subject:", "Author:", "Signature Field Name:", "Signing Reason:", "Signing Location:"} {
			if v, ok := strings.CutPrefix(l, label); ok {
				lines = append(lines, strings.TrimSpace(v))
			}
		}
	}
	return text, strings.Join(lines, "\n")
}
