package e2e

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// TestApprovalShowsWhatIsSealed: the signatory approves from a page that
// shows the whole submitted answer as its tjänsteutlåtande will be (every
// section, the signatories, the bilagor, the handläggare), with the draft
// PDF marked UTKAST one click away; approving with the hash of a version
// that has since been replaced is refused and changes nothing, and the
// sealed statement carries exactly the version approved, unmarked.
func TestApprovalShowsWhatIsSealed(t *testing.T) {
	e, ctx, base := served(t)
	id, err := e.svc.Launch(ctx, e.user("ks.samordnare"), remiss.Launch{Dnr: "KS 2026/970-1", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Deadline: time.Now().AddDate(0, 2, 0).Format(remiss.DateLayout), Recipients: []string{"bromma"}})
	if err != nil {
		t.Fatal(err)
	}
	waitStarted(t, ctx, e.c, []string{"bromma"}, id)
	asg := remiss.AssignmentID(id, "bromma")
	officer := e.user("bromma.handlaggare")
	if _, err := e.svc.Assign(ctx, e.user("bromma.registrator"), asg, "bromma.handlaggare"); err != nil {
		t.Fatal(err)
	}
	missiv, err := e.store.Document(ctx, "missiv."+id)
	if err != nil {
		t.Fatal(err)
	}
	bilaga, err := e.svc.Attach(ctx, officer, asg, "Kartbilaga.pdf", missiv.Content)
	if err != nil {
		t.Fatal(err)
	}
	org, err := e.store.Org(ctx, "bromma")
	if err != nil {
		t.Fatal(err)
	}
	first := demo.SampleResponse(org)
	first.Summary = "Förvaltningen tillstyrker strategin i huvudsak."
	first.Background = "Första stycket i bakgrunden.\n\nAndra stycket i bakgrunden, om <Bromma> & ”Vällingby”."
	first.Signatories = append(first.Signatories, remiss.Signatory{Name: "Eva Ek", Title: "avdelningschef"})
	first.Attachments = []string{"Kartbilaga över Bromma"}
	// The officer's preview of what they write is marked UTKAST too.
	off := newBrowser(t, base)
	off.login("bromma.handlaggare")
	resp, err := off.c.PostForm(base+"/uppdrag/"+asg+"/svar", url.Values{"csrf": {off.csrf("/uppdrag/" + asg)}, "action": {"preview"},
		"proposals": {"Nämnden godkänner tjänsteutlåtandet."}, "summary": {"Förhandsgranskningens sammanfattning."}, "opinions": {"Bra."},
		"signatories": {"Lars Wennberg, tf stadsdelsdirektör"}, "officerName": {"Monica Slama"}})
	if err != nil {
		t.Fatal(err)
	}
	preview, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if text := pdftotext(t, preview); !strings.Contains(text, "UTKAST") || !strings.Contains(text, "Förhandsgranskningens sammanfattning.") {
		t.Errorf("the officer's preview is not marked UTKAST:\n%s", text)
	}
	st1, err := e.svc.Submit(ctx, officer, asg, first)
	if err != nil {
		t.Fatal(err)
	}

	chef := newBrowser(t, base)
	chef.login("bromma.chef")
	if _, body, _ := chef.get("/uppdrag/" + asg); !strings.Contains(body, `href="/uppdrag/`+asg+`/godkann">Granska och godkänn</a>`) {
		t.Errorf("the assignment page does not lead to the approval page:\n%s", body)
	}
	code, body, _ := chef.get("/uppdrag/" + asg + "/godkann")
	if code != http.StatusOK {
		t.Fatalf("approval page: %d\n%s", code, body)
	}
	want := []string{"TJÄNSTEUTLÅTANDE", "KS 2026/970-1", "Till Bromma stadsdelsnämnd", "Förslag till beslut", "Sammanfattning", "Bakgrund",
		"Ärendets beredning", "Förvaltningens synpunkter och bedömning", "Monica Slama", "08-508 23 092", "monica.slama@example.stockholm.se",
		"<strong>Lars Wennberg</strong><br>tf stadsdelsdirektör", "<strong>Eva Ek</strong><br>avdelningschef", "<li>Kartbilaga över Bromma</li>",
		`<a href="/dokument/` + bilaga.ID + `">Kartbilaga.pdf</a>`, "Kontrollsumma", "<code>" + st1.SHA256 + "</code>",
		`name="sha256" value="` + st1.SHA256 + `"`, `href="/uppdrag/` + asg + `/utkast.pdf?version=` + st1.SHA256 + `"`,
		"Det här händer när du godkänner", `action="/uppdrag/` + asg + `/atersand"`, "Återsänd för komplettering"}
	for _, p := range first.Proposals {
		want = append(want, "<li>"+template.HTMLEscapeString(p)+"</li>")
	}
	for _, text := range []string{first.Summary, first.Background, first.Preparation, first.Opinions} {
		for _, p := range pdf.Paragraphs(text) {
			want = append(want, `<p class="text">`+template.HTMLEscapeString(p)+"</p>")
		}
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("the approval page lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("approval page:\n%s", body)
	}

	// The draft PDF: the submitted version through the statement's renderer,
	// marked UTKAST; only the organisation's own may fetch it.
	draft := fetchPDF(t, chef, "/uppdrag/"+asg+"/utkast.pdf?version="+st1.SHA256)
	keepPDF(t, "utkast.pdf", draft)
	text := pdftotext(t, draft)
	for _, w := range []string{"UTKAST", "TJÄNSTEUTLÅTANDE", first.Summary, "Första stycket i bakgrunden.", "Eva Ek avdelningschef", "Kartbilaga över Bromma"} {
		if !strings.Contains(text, w) {
			t.Errorf("the draft PDF lacks %q:\n%s", w, text)
		}
	}
	for user, path := range map[string]string{"farsta.chef": "/utkast.pdf", "ks.samordnare": "/utkast.pdf", "bromma.handlaggare": "/godkann"} {
		b := newBrowser(t, base)
		b.login(user)
		if code, _, _ := b.get("/uppdrag/" + asg + path); code != http.StatusNotFound && code != http.StatusForbidden {
			t.Errorf("%s fetches %s: %d", user, path, code)
		}
	}
	if code, body, _ := chef.get("/uppdrag/" + asg + "/utkast.pdf?version=inte-en-kontrollsumma"); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Ogiltig kontrollsumma") {
		t.Errorf("a draft of a malformed version: %d\n%s", code, body)
	}

	// The officer submits a new version after the chef read the first: the
	// chef's approval of what they read is refused, changes nothing, and
	// the page shows the new version with its hash.
	second := first
	second.Summary = "Förvaltningen tillstyrker strategin, med ett förbehåll om <skolorna>."
	st2, err := e.svc.Submit(ctx, officer, asg, second)
	if err != nil || st2.SHA256 == st1.SHA256 {
		t.Fatalf("second submission: %+v %v", st2, err)
	}
	code, body, _ = chef.post("/uppdrag/"+asg+"/godkann", url.Values{"csrf": {chef.csrf("/uppdrag/" + asg)}, "sha256": {st1.SHA256}})
	if code != http.StatusConflict || !strings.Contains(body, "Yttrandet har ändrats sedan du läste det") ||
		!strings.Contains(body, template.HTMLEscapeString(second.Summary)) || strings.Contains(body, first.Summary) ||
		!strings.Contains(body, `name="sha256" value="`+st2.SHA256+`"`) || strings.Contains(body, st1.SHA256) {
		t.Errorf("approving a replaced version: %d\n%s", code, body)
	}
	if code, body, _ := chef.post("/uppdrag/"+asg+"/godkann", url.Values{"csrf": {chef.csrf("/uppdrag/" + asg)}}); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Kontrollsumman för den version du läste saknas") {
		t.Errorf("approving without a hash: %d\n%s", code, body)
	}
	if st, err := e.svc.AssignmentStatus(ctx, asg); err != nil || st.State != remiss.StateSubmitted || st.SHA256 != st2.SHA256 {
		t.Errorf("a refused approval changed the answer: %+v %v", st, err)
	}
	if a, err := e.store.Assignment(ctx, asg); err != nil || a.State != remiss.StateSubmitted || a.DocumentID != "" {
		t.Errorf("a refused approval changed the assignment: %+v %v", a, err)
	}

	// Approving what is shown seals exactly that version, unmarked.
	if code, _, loc := chef.post("/uppdrag/"+asg+"/godkann", url.Values{"csrf": {chef.csrf("/uppdrag/" + asg)}, "sha256": {st2.SHA256}}); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/uppdrag/"+asg) {
		t.Fatalf("approve: %d %s", code, loc)
	}
	doc := sealedStatement(t, ctx, e.store, asg)
	keepPDF(t, "tjansteutlatande.pdf", doc.Content)
	text = pdftotext(t, doc.Content)
	if strings.Contains(text, "UTKAST") || !strings.Contains(text, second.Summary) || strings.Contains(text, first.Summary) || !strings.Contains(text, "Eva Ek avdelningschef") {
		t.Errorf("the sealed statement is not the version approved, or is marked UTKAST:\n%s", text)
	}
	if code, _, _ := chef.get("/uppdrag/" + asg + "/godkann"); code != http.StatusConflict {
		t.Errorf("the approval page after approval: %d", code)
	}
}

// fetchPDF gets a PDF as b's user.
func fetchPDF(t *testing.T, b *browser, path string) []byte {
	t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(body), "%PDF-") {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return body
}

// keepPDF writes a PDF to REMISS_PDF_OUT, when set, to look at.
func keepPDF(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("REMISS_PDF_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sealedStatement waits for an approved answer's statement.
func sealedStatement(t *testing.T, ctx context.Context, st *store.Store, asg string) store.Document {
	t.Helper()
	for {
		a, err := st.Assignment(ctx, asg)
		if err != nil {
			t.Fatal(err)
		}
		if a.DocumentID != "" {
			d, err := st.Document(ctx, a.DocumentID)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no statement for %s", asg)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
