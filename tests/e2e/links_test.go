package e2e

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/devmail"
	imail "github.com/remiss/remiss/internal/mail"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/workflows"
)

// siteBase is where the worker's links point (startWorker's BaseURL).
const siteBase = "http://localhost:8080"

// TestEveryLinkLands runs a whole round (an answer returned and approved, a
// decline, an anstånd, a reminder, a close, the decision path to its
// outcome), sends every message to a real SMTP catcher, and opens every
// link of every message, as the person it was sent to, and of every PDF of
// the round, as each person who may read it: each must land on a page that
// person may see, with the round on it.
func TestEveryLinkLands(t *testing.T) {
	e, ctx, base := served(t)
	id := linkRound(t, ctx, e)

	catcher, err := devmail.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer catcher.Close()
	sender := &imail.Sender{Store: e.store, BaseURL: siteBase,
		SMTP: imail.SMTPConfig{Addr: catcher.Addr(), Security: "none", From: "Remiss <remiss@localhost>"}}
	if _, err := sender.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := catcher.Messages()
	if len(msgs) < 10 {
		t.Fatalf("only %d messages reached the catcher", len(msgs))
	}
	r, err := e.store.Remiss(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	opener := &linkOpener{t: t, base: base, browsers: map[string]*browser{}, want: r.Dnr}
	opened := 0
	for _, m := range msgs {
		links := messageLinks(t, m.Raw)
		if len(links) == 0 {
			t.Errorf("message %q to %v has no link", m.Subject, m.To)
		}
		for _, to := range m.To {
			user := addressee(t, ctx, e, to)
			for _, l := range links {
				opener.open(user, l, "message "+m.Subject)
				opened++
			}
		}
	}
	docs, err := e.store.Documents(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	readers := []string{"ks.samordnare", "ks.registrator"}
	for _, org := range r.Recipients {
		readers = append(readers, org+".registrator", org+".handlaggare")
	}
	pdfs := 0
	for _, d := range docs {
		if !strings.HasPrefix(string(d.Content), "%PDF-") {
			continue
		}
		pdfs++
		links := pdfLinks(t, d.Content)
		for _, user := range readers {
			if code, _, _ := opener.browser(user).get("/dokument/" + url.PathEscape(d.ID)); code != http.StatusOK {
				continue // not written to this reader
			}
			for _, l := range links {
				opener.open(user, l, "document "+d.ID)
				opened++
			}
		}
	}
	t.Logf("opened %d links: %d messages, %d PDFs", opened, len(msgs), pdfs)
	if opened < len(msgs) {
		t.Errorf("opened %d links for %d messages", opened, len(msgs))
	}
}

// linkRound launches a round to three recipients and takes it through
// every kind of message the system writes, to its outcome.
func linkRound(t *testing.T, ctx context.Context, e *env) string {
	t.Helper()
	recipients := []string{"bromma", "farsta", "kungsholmen"}
	id, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{
		Dnr: "KS 2026/960-1", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Description: "Kommunfullmäktige har beslutat att en strategi ska tas fram.",
		Deadline:    time.Now().AddDate(0, 1, 0).Format(remiss.DateLayout), Recipients: recipients,
	})
	if err != nil {
		t.Fatal(err)
	}
	waitStarted(t, ctx, e.c, recipients, id)
	missiv, err := e.store.Document(ctx, "missiv."+id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UploadUnderlag(ctx, e.user("ks.samordnare"), id, missiv.Content); err != nil {
		t.Fatal(err)
	}
	asg := func(org string) string { return remiss.AssignmentID(id, org) }
	must := func(_ workflows.AssignmentStatus, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Bromma: assigned, submitted, returned with a comment, approved.
	bromma, _ := e.store.Org(ctx, "bromma")
	must(e.svc.Assign(ctx, e.user("bromma.registrator"), asg("bromma"), "bromma.handlaggare"))
	must(e.svc.Submit(ctx, e.user("bromma.handlaggare"), asg("bromma"), demo.SampleResponse(bromma)))
	must(e.svc.Return(ctx, e.user("bromma.chef"), asg("bromma"), "Komplettera bakgrunden, tack."))
	if err := e.answer(ctx, asg("bromma"), "bromma"); err != nil {
		t.Fatal(err)
	}
	// Farsta declines; Kungsholmen asks for anstånd, gets it, is reminded
	// and never answers.
	must(e.svc.Decline(ctx, e.user("farsta.chef"), asg("farsta"), "Ärendet berör inte nämnden.", ""))
	must(e.svc.Assign(ctx, e.user("kungsholmen.registrator"), asg("kungsholmen"), "kungsholmen.handlaggare"))
	until := time.Now().AddDate(0, 1, 14).Format(remiss.DateLayout)
	must(e.svc.RequestExtension(ctx, e.user("kungsholmen.handlaggare"), asg("kungsholmen"), until, "Nämnden sammanträder senare."))
	must(e.svc.DecideExtension(ctx, e.user("ks.samordnare"), asg("kungsholmen"), true, ""))
	must(e.svc.RemindNow(ctx, e.user("ks.samordnare"), asg("kungsholmen")))
	waitFor(t, ctx, "bromma's statement", func() bool {
		a, err := e.store.Assignment(ctx, asg("bromma"))
		return err == nil && a.DocumentID != ""
	})
	if _, err := e.svc.Close(ctx, e.user("ks.samordnare"), id); err != nil {
		t.Fatal(err)
	}
	e.writeKSStatement(ctx, id, false)
	waitFor(t, ctx, "the decision path", func() bool {
		_, err := e.svc.PathStatus(ctx, id)
		return err == nil
	})
	// Stadsledningskontoret approves (an office: no §); the bodies that
	// meet record their § and justering.
	for _, s := range []struct {
		code string
		sd   remiss.StepDecision
	}{
		{"slk", remiss.StepDecision{Verdict: remiss.VerdictGodkanner}},
		{"borgarradsberedningen", remiss.StepDecision{Paragraph: "§ 7", Verdict: remiss.VerdictTillstyrker, Immediate: true, Adjusters: []string{"Cecilia Ek"}}},
		{"ks", remiss.StepDecision{Paragraph: "§ 8", Verdict: remiss.VerdictBeslut, Wording: "Kommunstyrelsen beslutar i enlighet med stadsledningskontorets förslag.",
			Immediate: true, Adjusters: []string{"Anna Andersson"}}},
	} {
		if _, err := e.svc.RecordStepDecision(ctx, e.user("ks.registrator"), id, s.code, s.sd); err != nil {
			t.Fatalf("%s: %v", s.code, err)
		}
	}
	waitFor(t, ctx, "the outcome messages", func() bool {
		out, err := e.store.Outbox(ctx, id)
		return err == nil && slicesContainsKind(out, "outcome")
	})
	return id
}

func waitFor(t *testing.T, ctx context.Context, what string, done func() bool) {
	t.Helper()
	for !done() {
		if ctx.Err() != nil {
			t.Fatalf("waited in vain for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// addressee is the user who reads mail sent to an address: the user with
// that address, or the registrator of the organisation whose mailbox it is.
func addressee(t *testing.T, ctx context.Context, e *env, address string) string {
	t.Helper()
	var user string
	err := e.store.DB().QueryRowContext(ctx, `SELECT username FROM users WHERE email=$1
		UNION ALL SELECT code || '.registrator' FROM orgs WHERE email=$1 LIMIT 1`, address).Scan(&user)
	if err != nil {
		t.Fatalf("nobody reads %s: %v", address, err)
	}
	return user
}

var (
	reTextLink = regexp.MustCompile(`https?://[^\s<>"')]+`)
	reHref     = regexp.MustCompile(`href="([^"]+)"`)
	rePDFURI   = regexp.MustCompile(`/URI\s*\(([^)]*)\)`)
)

// messageLinks reads every link of a message: in its plain text and in
// the href of its HTML part.
func messageLinks(t *testing.T, raw []byte) []string {
	t.Helper()
	_, parts, err := devmail.Parts(raw)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range parts {
		switch p.ContentType {
		case "text/plain":
			for _, l := range reTextLink.FindAllString(string(p.Body), -1) {
				seen[l] = true
			}
		case "text/html":
			for _, l := range reHref.FindAllStringSubmatch(string(p.Body), -1) {
				seen[strings.ReplaceAll(l[1], "&amp;", "&")] = true
			}
		}
	}
	var out []string
	for l := range seen {
		if !strings.HasPrefix(l, "mailto:") {
			out = append(out, l)
		}
	}
	return out
}

// pdfLinks reads every link of a PDF: the link annotations (through qpdf,
// which uncompresses the objects) and the addresses in its text.
func pdfLinks(t *testing.T, pdf []byte) []string {
	t.Helper()
	bin, err := exec.LookPath("qpdf")
	if err != nil {
		dbtest.Unavailable(t, "qpdf", err)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(bin, "--qdf", "--object-streams=disable", in, out).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v %s", err, b)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range rePDFURI.FindAllSubmatch(raw, -1) {
		seen[string(m[1])] = true
	}
	for _, l := range reTextLink.FindAllString(pdftotext(t, pdf), -1) {
		seen[strings.TrimRight(l, ".,;:")] = true
	}
	var links []string
	for l := range seen {
		links = append(links, l)
	}
	return links
}

// linkOpener opens links as the people they were written to.
type linkOpener struct {
	t        *testing.T
	base     string
	want     string // on every page a link lands on: the round's Dnr
	browsers map[string]*browser
}

func (o *linkOpener) browser(user string) *browser {
	b, ok := o.browsers[user]
	if !ok {
		b = newBrowser(o.t, o.base)
		b.login(user)
		o.browsers[user] = b
	}
	return b
}

// open follows a link, and the redirects it leads to, as user: it must end
// on a page of the site (a PDF, or an HTML page naming the round whose
// fragment, if any, is on it).
func (o *linkOpener) open(user, link, where string) {
	o.t.Helper()
	if !strings.HasPrefix(link, siteBase+"/") {
		o.t.Errorf("%s: a link outside the site: %s", where, link)
		return
	}
	target := strings.TrimPrefix(link, siteBase)
	b := o.browser(user)
	for hops := 0; ; hops++ {
		path, frag, _ := strings.Cut(target, "#")
		code, body, h := b.get(path)
		if code == http.StatusSeeOther || code == http.StatusFound {
			loc := h.Get("Location")
			if hops > 3 || !strings.HasPrefix(loc, "/") || loc == "/logga-in" {
				o.t.Errorf("%s: %s as %s is sent to %s", where, link, user, loc)
				return
			}
			if !strings.Contains(loc, "#") && frag != "" {
				loc += "#" + frag
			}
			target = loc
			continue
		}
		switch {
		case code != http.StatusOK:
			o.t.Errorf("%s: %s as %s answers %d", where, link, user, code)
		case strings.HasPrefix(body, "%PDF-"):
		case !strings.Contains(body, o.want):
			o.t.Errorf("%s: %s as %s lands on a page without the round (%s)", where, link, user, target)
		case frag != "" && !strings.Contains(body, `id="`+frag+`"`):
			o.t.Errorf("%s: %s as %s lands on %s, without #%s", where, link, user, target, frag)
		}
		return
	}
}
