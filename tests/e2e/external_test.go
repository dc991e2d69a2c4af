package e2e

import (
	"bytes"

	"crypto/rand"
	"encoding/base64"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/devmail"
	imail "github.com/remiss/remiss/internal/mail"
	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/workflows"
)

var reAnswerLink = regexp.MustCompile(`/svar/[A-Za-z0-9_-]{43}`)

// TestExternalRecipientsAnswerByLink runs a round with three outside
// bodies besides a nämnd: each gets the missiv with a personal link by
// e-mail (a real SMTP catcher); one answers in the form with a bilaga, one
// uploads its answer as a PDF, the third's link is replaced by the
// Coordinator and the old one stops working. Each answer is sealed by
// kommunstyrelsen on receipt with a receipt mailed back, and both appear
// in kommunstyrelsen's statement on the round. A wrong token, a replaced
// one and one after the round closed are refused in the same words, and
// an address that keeps trying is held off.
func TestExternalRecipientsAnswerByLink(t *testing.T) {
	e, ctx, base := served(t)
	key := make([]byte, remiss.LinkKeySize)
	rand.Read(key)
	e.svc.LinkKey = key
	external := []remiss.ExternalRecipient{
		{Name: "Region Stockholm", Email: "registrator@region.example"},
		{Name: "Hyresgästföreningen Region Stockholm", Email: "info@hgf.example"},
		{Name: "Stockholms Handelskammare", Email: "kansli@chamber.example"},
	}
	coord := e.user("ks.samordnare")
	id, err := e.svc.Launch(ctx, coord, remiss.Launch{
		Dnr: "KS 2026/970-1", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Description: "Kommunfullmäktige har beslutat att en strategi ska tas fram.",
		Deadline:    time.Now().AddDate(0, 1, 0).Format(remiss.DateLayout), Recipients: []string{"bromma"}, External: external,
	})
	if err != nil {
		t.Fatal(err)
	}
	codes := make([]string, len(external))
	for i, x := range external {
		codes[i] = remiss.ExternalCode(x.Email)
	}
	waitStarted(t, ctx, e.c, append([]string{"bromma"}, codes...), id)

	catcher, err := devmail.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer catcher.Close()
	sender := &imail.Sender{Store: e.store, BaseURL: siteBase, LinkKey: key,
		SMTP: imail.SMTPConfig{Addr: catcher.Addr(), Security: "none", From: "Remiss <remiss@localhost>"}}
	seen := 0
	inbox := map[string][]devmail.Message{} // every message, per address
	// mail sends what is due and returns, per address, the messages that
	// came since the last call.
	mail := func() map[string][]devmail.Message {
		t.Helper()
		if _, err := sender.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
		all := catcher.Messages()
		out := map[string][]devmail.Message{}
		for _, m := range all[seen:] {
			for _, to := range m.To {
				out[to] = append(out[to], m)
				inbox[to] = append(inbox[to], m)
			}
		}
		seen = len(all)
		return out
	}
	linkIn := func(m devmail.Message) string {
		t.Helper()
		for _, l := range messageLinks(t, m.Raw) {
			if p := reAnswerLink.FindString(l); p != "" {
				return p
			}
		}
		t.Fatalf("message %q has no personal link", m.Subject)
		return ""
	}
	var links []string
	deadline := time.Now().Add(time.Minute)
	for got := map[string][]devmail.Message{}; ; {
		for to, ms := range mail() {
			got[to] = append(got[to], ms...)
		}
		if len(got[external[0].Email])+len(got[external[1].Email])+len(got[external[2].Email]) >= 3 {
			for _, x := range external {
				if len(got[x.Email]) != 1 || !strings.Contains(got[x.Email][0].Subject, "Remiss till "+x.Name) {
					t.Fatalf("missiv to %s: %v", x.Email, got[x.Email])
				}
				links = append(links, linkIn(got[x.Email][0]))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the missiv did not reach every outside body: %v", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// No stored text holds a token: only its hash is kept.
	out, err := e.store.Outbox(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range out {
		for _, l := range links {
			if strings.Contains(m.Body, strings.TrimPrefix(l, "/svar/")) {
				t.Errorf("message %s stores the token", m.ID)
			}
		}
	}

	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(path string, fields map[string]string, files map[string][]byte) (int, string) {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		for k, v := range files {
			fw, _ := mw.CreateFormFile(k, k+".pdf")
			fw.Write(v)
		}
		mw.Close()
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Post(base+path, mw.FormDataContentType(), &buf)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	refused := func(what, path string) {
		t.Helper()
		code, body := get(path)
		if code != http.StatusNotFound || !strings.Contains(body, "Länken fungerar inte") {
			t.Errorf("%s: %d\n%s", what, code, body)
		}
		for _, x := range external {
			if strings.Contains(body, x.Name) || strings.Contains(body, "Strategi för Stockholm") {
				t.Errorf("%s tells what exists:\n%s", what, body)
			}
		}
	}

	// The page: the remiss, its underlag and the forms, without login.
	code, page := get(links[0])
	if code != http.StatusOK || !strings.Contains(page, "Strategi för Stockholm som smart och uppkopplad stad") ||
		!strings.Contains(page, "KS 2026/970-1") || !strings.Contains(page, "Skicka yttrandet") || !strings.Contains(page, "Begär anstånd") {
		t.Fatalf("the link's page: %d\n%s", code, page)
	}
	wrong := make([]byte, 32)
	rand.Read(wrong)
	refused("a wrong token", "/svar/"+base64.RawURLEncoding.EncodeToString(wrong))
	refused("a malformed token", "/svar/not-a-token")

	missiv, err := e.store.Document(ctx, "missiv."+id)
	if err != nil {
		t.Fatal(err)
	}
	// Region Stockholm: the answer in the form with a bilaga; the first
	// try without a name is refused, keeps the text and the bilaga.
	answer := map[string]string{"action": "answer", "for": "Region Stockholm", "position": "tillstyrker",
		"summary": "Regionen ser positivt på strategin.", "text": "Region Stockholm delar bedömningen att digitala tjänster kan förbättra servicen för invånarna."}
	if code, body := post(links[0], answer, map[string][]byte{"bilaga": missiv.Content}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Region Stockholm delar bedömningen") || !strings.Contains(body, "Uppladdade bilagor") {
		t.Errorf("an answer without a name: %d\n%s", code, body)
	}
	answer["name"], answer["title"] = "Anna Regional", "Regiondirektör"
	if code, body := post(links[0], answer, nil); code != http.StatusSeeOther {
		t.Fatalf("answer by form: %d\n%s", code, body)
	}
	// Hyresgästföreningen: its own PDF.
	theirs, err := pdf.Statement(pdf.StatementOf(pdf.Case{Dnr: "KS 2026/970-1", Title: "Strategi för Stockholm"},
		remiss.Org{Name: external[1].Name, Kind: remiss.KindExternal},
		remiss.Response{Summary: "Föreningen avstyrker.", Opinions: "Hyresgästerna behöver andra tjänster.", Signatories: []remiss.Signatory{{Name: "Bo Boende", Title: "Ordförande"}}}, time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if code, body := post(links[1], map[string]string{"action": "answer", "name": "Bo Boende", "for": external[1].Name, "position": "avstyrker"},
		map[string][]byte{"file": theirs}); code != http.StatusSeeOther {
		t.Fatalf("answer by PDF: %d\n%s", code, body)
	}
	if code, body := post(links[1], map[string]string{"action": "answer", "name": "Bo Boende", "for": external[1].Name, "text": "Igen."}, nil); code != http.StatusConflict {
		t.Errorf("a second answer: %d\n%s", code, body)
	}

	// Handelskammaren's link is replaced: the old one stops working, the
	// new one comes by mail and opens.
	chamber := remiss.AssignmentID(id, codes[2])
	if err := e.svc.ReplaceLink(ctx, coord, chamber, siteBase); err != nil {
		t.Fatal(err)
	}
	refused("a replaced link", links[2])
	fresh := mail()[external[2].Email]
	if len(fresh) != 1 || !strings.Contains(fresh[0].Subject, "Ny länk") {
		t.Fatalf("the new link: %v", fresh)
	}
	newLink := linkIn(fresh[0])
	if code, _ := get(newLink); code != http.StatusOK || newLink == links[2] {
		t.Errorf("the new link: %d", code)
	}
	// Handelskammaren asks for anstånd through its link, gets it (told by
	// mail, with its link), then declines.
	until := time.Now().AddDate(0, 1, 14).Format(remiss.DateLayout)
	if code, body := post(newLink, map[string]string{"action": "extension", "until": until, "extensionReason": "Styrelsen sammanträder senare.", "extensionName": "Karin Kansli"}, nil); code != http.StatusSeeOther {
		t.Fatalf("anstånd by link: %d\n%s", code, body)
	}
	if _, page := get(newLink); !strings.Contains(page, "Anstånd till "+until+" är begärt") {
		t.Errorf("the pending anstånd is not on the page:\n%s", page)
	}
	if _, err := e.svc.DecideExtension(ctx, coord, chamber, true, ""); err != nil {
		t.Fatal(err)
	}
	decided := mail()[external[2].Email]
	if len(decided) != 1 || !strings.Contains(decided[0].Subject, "anstånd") || linkIn(decided[0]) != newLink {
		t.Errorf("the anstånd decision: %v", decided)
	}
	if code, body := post(newLink, map[string]string{"action": "decline", "declineReason": "Frågan rör inte handeln.", "declineName": "Karin Kansli"}, nil); code != http.StatusSeeOther {
		t.Fatalf("decline by link: %d\n%s", code, body)
	}
	if a, _ := e.store.Assignment(ctx, chamber); a.State != remiss.StateDeclined || a.Deadline != until {
		t.Errorf("Handelskammaren: %s until %s", a.State, a.Deadline)
	}

	// Both answers are sealed by kommunstyrelsen on receipt, and each body
	// gets its receipt with the sealed document.
	for i, x := range external[:2] {
		asg := remiss.AssignmentID(id, codes[i])
		var doc []byte
		for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
			a, err := e.store.Assignment(ctx, asg)
			if err != nil {
				t.Fatal(err)
			}
			if a.State == remiss.StateAnswered {
				d, err := e.store.Document(ctx, a.DocumentID)
				if err != nil {
					t.Fatal(err)
				}
				doc = d.Content
				break
			}
			if time.Since(start) > 30*time.Second {
				t.Fatalf("%s: still %s", x.Name, a.State)
			}
		}
		pdfsigValid(t, doc)
		if i == 1 && !bytes.HasPrefix(doc, theirs) {
			t.Errorf("the uploaded answer is not kept as it came")
		}
	}
	mail()
	for _, x := range external[:2] {
		var ms []devmail.Message
		for _, m := range inbox[x.Email] {
			if strings.Contains(m.Subject, "Kvittens") {
				ms = append(ms, m)
			}
		}
		if len(ms) != 1 {
			t.Fatalf("receipts to %s: %v", x.Email, inbox[x.Email])
		}
		_, parts, _ := devmail.Parts(ms[0].Raw)
		attached := false
		for _, p := range parts {
			attached = attached || p.ContentType == "application/pdf"
		}
		if !attached {
			t.Errorf("the receipt to %s has no sealed answer", x.Email)
		}
	}
	if code, page := get(links[0]); code != http.StatusOK || !strings.Contains(page, "Kommunstyrelsen har tagit emot ert yttrande") {
		t.Errorf("the answered link's page: %d\n%s", code, page)
	}

	// Bromma answers; the round closes; every link stops working.
	if err := e.answer(ctx, remiss.AssignmentID(id, "bromma"), "bromma"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Close(ctx, coord, id); err != nil {
		t.Fatal(err)
	}
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		r, err := e.store.RemissHead(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.State != remiss.RemissOpen {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("the round did not close")
		}
	}
	refused("a declined body's link after close", newLink)
	refused("an answered body's link after close", links[0])

	// Kommunstyrelsen's statement lists both answers with their stands.
	summary := e.writeKSStatement(ctx, id, false)
	d, err := e.store.Document(ctx, summary)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(pdftotext(t, d.Content)), " ")
	for _, want := range []string{"Region Stockholm", "Hyresgästföreningen Region Stockholm", "Stockholms Handelskammare",
		"Tillstyrker", "Avstyrker", "Avstår", "Anstånd till " + until, "yttrande inkommet med personlig länk"} {
		if !strings.Contains(text, want) {
			t.Errorf("KS's statement lacks %q:\n%s", want, text)
		}
	}

	// The personal link goes to the body's own address only: the
	// Coordinator, told of its anstånd and its decline, gets the
	// assignment's page.
	all, err := e.store.Outbox(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	toBody := map[string]bool{}
	for _, x := range external {
		toBody[x.Email] = true
	}
	toCoordinator := 0
	for _, m := range all {
		if has := strings.Contains(m.Body, remiss.LinkMarker); has != toBody[m.Recipient] {
			t.Errorf("message %s (%s) to %s: personal link %v", m.ID, m.Kind, m.Recipient, has)
		}
		if !toBody[m.Recipient] && m.AssignmentID == chamber {
			toCoordinator++
		}
	}
	if toCoordinator == 0 {
		t.Error("nobody at KS was told of Handelskammaren's anstånd or decline")
	}

	// The history names the body that acted through its link.
	hist, err := e.store.History(ctx, id, remiss.AssignmentID(id, codes[0]))
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, h := range hist {
		named = named || h.Action == "received" && h.ActorName == "Region Stockholm (personlig länk)"
	}
	if !named {
		t.Errorf("the history does not name Region Stockholm as who answered: %+v", hist)
	}

	// A link of a round withdrawn has expired with it.
	gone, err := e.svc.Launch(ctx, coord, remiss.Launch{Dnr: "KS 2026/970-2", Title: "Remiss som återkallas",
		Deadline: time.Now().AddDate(0, 1, 0).Format(remiss.DateLayout), External: external[:1]})
	if err != nil {
		t.Fatal(err)
	}
	waitStarted(t, ctx, e.c, codes[:1], gone)
	goneLink := func() string {
		l, err := e.store.LinkOf(ctx, remiss.AssignmentID(gone, codes[0]))
		if err != nil {
			t.Fatal(err)
		}
		return "/svar/" + remiss.LinkToken(key, remiss.AssignmentID(gone, codes[0]), l.Generation, l.Nonce)
	}()
	if code, _ := get(goneLink); code != http.StatusOK {
		t.Fatalf("the second round's link: %d", code)
	}
	if _, err := e.svc.Withdraw(ctx, coord, gone); err != nil {
		t.Fatal(err)
	}
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if r, _ := e.store.RemissHead(ctx, gone); r.State == remiss.RemissWithdrawn {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatal("the round was not withdrawn")
		}
	}
	refused("a link of a withdrawn round", goneLink)

	// An address that keeps trying wrong links is held off, and a link
	// that works still opens from it.
	open, err := e.svc.Launch(ctx, coord, remiss.Launch{Dnr: "KS 2026/970-3", Title: "Remiss som är öppen",
		Deadline: time.Now().AddDate(0, 1, 0).Format(remiss.DateLayout), External: external[1:2]})
	if err != nil {
		t.Fatal(err)
	}
	waitStarted(t, ctx, e.c, codes[1:2], open)
	ol, err := e.store.LinkOf(ctx, remiss.AssignmentID(open, codes[1]))
	if err != nil {
		t.Fatal(err)
	}
	openLink := "/svar/" + remiss.LinkToken(key, remiss.AssignmentID(open, codes[1]), ol.Generation, ol.Nonce)
	for range 10 {
		rand.Read(wrong)
		get("/svar/" + base64.RawURLEncoding.EncodeToString(wrong))
	}
	if code, body := get("/svar/" + base64.RawURLEncoding.EncodeToString(wrong)); code != http.StatusTooManyRequests || strings.Contains(body, "Remiss som är öppen") {
		t.Errorf("after many wrong links: %d", code)
	}
	if code, _ := get(openLink); code != http.StatusOK {
		t.Errorf("a working link from a held-off address: %d", code)
	}
	// An answer that is both a text and a file is refused, the file kept;
	// ticked off, the text is the answer.
	theirs2, _ := e.store.Document(ctx, "missiv."+open)
	both := map[string]string{"action": "answer", "name": "Bo Boende", "for": external[1].Name, "text": "Vi svarar med text."}
	code, body := post(openLink, both, map[string][]byte{"file": theirs2.Content})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "dropKept") || !strings.Contains(body, "Vi svarar med text.") {
		t.Errorf("text and file at once: %d\n%s", code, body)
	}
	kept := regexp.MustCompile(`name="kept" value="([^"]+)"`).FindStringSubmatch(body)
	if kept == nil {
		t.Fatalf("the kept file is not in the form:\n%s", body)
	}
	both["kept"], both["dropKept"] = kept[1], "1"
	if code, body := post(openLink, both, nil); code != http.StatusSeeOther {
		t.Errorf("the text without the kept file: %d\n%s", code, body)
	}

	checkReplay(t, ctx, e.c, workflows.RemissWorkflowID(id), workflows.AssignmentWorkflowID(id, codes[0]),
		workflows.AssignmentWorkflowID(id, codes[1]), workflows.AssignmentWorkflowID(id, codes[2]))
}
