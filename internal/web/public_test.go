package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/pdfupdate/hostile"
	"github.com/remiss/remiss/internal/remiss"
)

// The public pages: what a published round shows and what it hides.
func TestPublicPages(t *testing.T) {
	ts := worldSite(t)
	get := func(path string) (int, string, http.Header) {
		t.Helper()
		return ts.do(request("GET", path, "", "", nil, ""))
	}
	code, body, _ := get("/offentligt")
	if code != 200 {
		t.Fatalf("/offentligt: %d", code)
	}
	checkWords(t, "/offentligt", body)
	text := visible(body)
	for _, want := range []string{"Strategi för Stockholm som smart och uppkopplad stad", "Program för stadens trafik", "KS 2026/100-1", "Tillgänglighetsredogörelse"} {
		if !strings.Contains(text, want) {
			t.Errorf("/offentligt lacks %q", want)
		}
	}
	if strings.Contains(text, "Plan för stadens parker") {
		t.Error("/offentligt lists a round KS did not publish")
	}

	bromma := remiss.AssignmentID(openRound, "bromma")
	code, body, _ = get("/offentligt/remisser/" + openRound)
	if code != 200 {
		t.Fatalf("public round: %d", code)
	}
	checkWords(t, "public round", body)
	text = visible(body)
	for _, want := range []string{"Remissunderlag", "Missiv", "Bromma stadsdelsnämnd", "Farsta stadsdelsnämnd", "Avstår från att svara", "Yttrande från Bromma stadsdelsnämnd", "Svarsdatum"} {
		if !strings.Contains(text, want) {
			t.Errorf("public round lacks %q", want)
		}
	}
	for _, hidden := range []string{"karta.pdf", "Yttrande från Älvsjö", "Komplettera bakgrunden", "Ärendet berör inte nämnden", "handlaggare"} {
		if strings.Contains(text, hidden) {
			t.Errorf("public round shows %q", hidden)
		}
	}
	if !strings.Contains(body, `href="/offentligt/dokument/`+activities.StatementDocumentID(bromma)+`"`) {
		t.Error("public round does not link Bromma's answer")
	}

	for path, want := range map[string]int{
		"/offentligt/remisser/" + pathRound:                                                                 404, // not published
		"/offentligt/remisser/nope":                                                                         404,
		"/offentligt/dokument/" + activities.StatementDocumentID(bromma):                                    200,
		"/offentligt/dokument/" + activities.MissivDocumentID(openRound):                                    200,
		"/offentligt/dokument/" + activities.StatementDocumentID(remiss.AssignmentID(openRound, "alvsjo")):  404, // not yet registered: before the nämnd
		"/offentligt/dokument/bilaga." + remiss.AssignmentID(openRound, "skarholmen"):                       404, // a draft's bilaga
		"/offentligt/dokument/" + activities.StatementDocumentID(remiss.AssignmentID(pathRound, "bromma")):  404, // round not published
		"/offentligt/dokument/" + activities.StatementDocumentID(remiss.StatementAssignmentID(closedRound)): 404, // KS's own, not an answer
		"/offentligt?efter=bad": 422,
	} {
		code, body, h := get(path)
		if code != want {
			t.Errorf("%s: %d, want %d", path, code, want)
		}
		if code == 200 && strings.HasPrefix(path, "/offentligt/dokument/") && (h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-")) {
			t.Errorf("%s: %s", path, h.Get("Content-Type"))
		}
		if code == 404 && (strings.Contains(body, "Plan för stadens parker") || !strings.Contains(body, "inte offentligt")) {
			t.Errorf("%s: the refusal says too much or too little", path)
		}
	}

	// The footer links the statement on every page, logged in too.
	cookie, _ := ts.session("ks.samordnare")
	if _, body, _ := ts.do(request("GET", "/remisser", "", "", cookie, "")); !strings.Contains(body, `href="/tillganglighet"`) {
		t.Error("a logged-in page does not link the tillgänglighetsredogörelse")
	}
	code, body, _ = get("/tillganglighet")
	if code != 200 || !strings.Contains(body, `href="https://www.digg.se/tdosanmalan"`) || !strings.Contains(body, "Digg") || !strings.Contains(body, "mailto:") {
		t.Errorf("/tillganglighet: %d", code)
	}
	checkWords(t, "/tillganglighet", body)
}

// TestAccessibilityStatementFile: the municipality's own text, whose
// markup cannot become the page's.
func TestAccessibilityStatementFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "redogorelse.md")
	os.WriteFile(file, []byte("# Vår redogörelse\n\nText med <script>alert(1)</script> och [en länk](javascript:alert(1)) och [Digg](https://www.digg.se/tdosanmalan?a=1&b=\"x\").\n\n- punkt <b>ett</b>\n"), 0o600)
	s := &Server{}
	if err := s.LoadAccessibilityStatement(file); err != nil {
		t.Fatal(err)
	}
	out := string(s.statement())
	for _, bad := range []string{"<script", "<b>", `href="javascript`, `"x"`} {
		if strings.Contains(out, bad) {
			t.Errorf("rendered %q: %s", bad, out)
		}
	}
	for _, want := range []string{"<h2>Vår redogörelse</h2>", "&lt;script&gt;", `<a href="https://www.digg.se/tdosanmalan?a=1&amp;b=&#34;x&#34;">Digg</a>`, "<li>punkt &lt;b&gt;ett&lt;/b&gt;</li>"} {
		if !strings.Contains(out, want) {
			t.Errorf("lacks %q: %s", want, out)
		}
	}
	if err := s.LoadAccessibilityStatement(filepath.Join(t.TempDir(), "saknas.md")); err == nil {
		t.Error("a missing file is accepted")
	}
}

// TestPublicFeed: the Atom feed is XML, has Atom's required elements,
// validates against the schema of what it uses, lists the new rounds
// and answers, and nothing unpublished.
func TestPublicFeed(t *testing.T) {
	ts := worldSite(t)
	code, body, h := ts.do(request("GET", "/offentligt/flode.atom", "", "", nil, ""))
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s", code, h.Get("Content-Type"))
	}
	var feed struct {
		XMLName xml.Name
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Summary string `xml:"summary"`
			Links   []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatalf("feed is not XML: %v", err)
	}
	if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || feed.XMLName.Local != "feed" || feed.ID == "" || feed.Title == "" || feed.Author.Name == "" {
		t.Errorf("feed head: %+v", feed.XMLName)
	}
	if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
		t.Errorf("updated: %v", err)
	}
	var titles []string
	for _, e := range feed.Entries {
		titles = append(titles, e.Title)
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil || e.ID == "" || len(e.Links) == 0 {
			t.Errorf("entry %q: id %q updated %q", e.Title, e.ID, e.Updated)
		}
	}
	all := strings.Join(titles, "\n")
	for _, want := range []string{"Ny remiss: Strategi för Stockholm som smart och uppkopplad stad", "Svar från Bromma stadsdelsnämnd: Strategi för Stockholm", "Svar från Bromma stadsdelsnämnd: Program för stadens trafik"} {
		if !strings.Contains(all, want) {
			t.Errorf("feed lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(body, "Plan för stadens parker") || strings.Contains(all, "Älvsjö") {
		t.Errorf("feed shows what is not public:\n%s", all)
	}
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		dbtest.Unavailable(t, "xmllint (libxml2-utils)", err)
	}
	file := filepath.Join(t.TempDir(), "flode.atom")
	os.WriteFile(file, []byte(body), 0o600)
	if out, err := exec.Command(xmllint, "--noout", "--relaxng", "testdata/atom.rng", file).CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}

// upload posts a file to the public verification from addr.
func (ts *testSite) upload(name string, content []byte, addr string) (int, string) {
	ts.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("dokument", name)
	fw.Write(content)
	mw.Close()
	r := httptest.NewRequest("POST", "/offentligt/verifiera", &b)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.RemoteAddr = addr + ":4711"
	code, body, _ := ts.do(r)
	return code, body
}

// TestPublicVerify: anyone checks a file against what we sealed and
// stored, and learns nothing of a document that is not public.
func TestPublicVerify(t *testing.T) {
	ts := worldSite(t)
	ctx := context.Background()
	doc := func(id string) []byte {
		d, err := ts.store.Document(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return d.Content
	}
	published := doc(activities.StatementDocumentID(remiss.AssignmentID(openRound, "bromma")))
	secret := doc(activities.StatementDocumentID(remiss.AssignmentID(pathRound, "bromma")))
	changed := bytes.Clone(published)
	i := bytes.Index(changed, []byte("stream\n")) // inside a stream, covered by the seal
	if i < 0 {
		t.Fatal("no stream in the statement")
	}
	changed[i+40] ^= 0x01
	appended := append(bytes.Clone(published), "\n% tillagt efteråt\n"...)
	stranger := hostile.Build("<</Type /Catalog /Pages 2 0 R>>", "<</Type /Pages /Kids [] /Count 0>>")

	for _, c := range []struct {
		name    string
		content []byte
		code    int
		want    []string
		not     []string
	}{
		{"publicerad.pdf", published, 200, []string{"Handlingen är äkta", "Strategi för Stockholm som smart och uppkopplad stad", "KS 2026/100-1",
			"Yttrande från Bromma stadsdelsnämnd", "Sigillet och certifikatkedjan håller", "inget har lagts till"}, nil},
		{"hemlig.pdf", secret, 200, []string{"Handlingen är äkta", "inte offentlig"},
			[]string{"Plan för stadens parker", "KS 2026/100-3", "Bromma", "Sigill 1", "Yttrande", pathRound}},
		{"andrad.pdf", changed, 200, []string{"finns inte bland de lagrade handlingarna", "signatur som inte håller", "ändrats", "Håller inte: dokumentet har ändrats"}, []string{"Handlingen är äkta"}},
		{"tillagd.pdf", appended, 200, []string{"Något har lagts till efter förseglingen", "Strategi för Stockholm", "TEST-sigill Bromma stadsdelsnämnd",
			"håller för det som förseglades, men något har lagts till"}, []string{"Handlingen är äkta"}},
		{"hemlig-tillagd.pdf", append(bytes.Clone(secret), "\n% tillagt\n"...), 200, []string{"Något har lagts till efter förseglingen", "inte offentlig"},
			[]string{"Plan för stadens parker", "Bromma", "KS 2026/100-3"}},
		{"okand.pdf", stranger, 200, []string{"finns inte bland de lagrade handlingarna", "inget sigill"}, []string{"Handlingen är äkta"}},
		{"inte-pdf.txt", []byte("hej"), 422, []string{"inte en PDF"}, nil},
		{"stor.pdf", append([]byte("%PDF-1.7\n"), make([]byte, maxVerifyUpload)...), 413, []string{"för stor: högst 20 MB"}, nil},
	} {
		start := time.Now()
		code, body := ts.upload(c.name, c.content, "198.51.100.1")
		took := time.Since(start)
		text := visible(body)
		if code != c.code {
			t.Errorf("%s: %d, want %d: %s", c.name, code, c.code, text)
		}
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: lacks %q:\n%s", c.name, w, text)
			}
		}
		for _, n := range c.not {
			if strings.Contains(body, n) {
				t.Errorf("%s: tells %q", c.name, n)
			}
		}
		checkWords(t, c.name, body)
		t.Logf("%s: %v", c.name, took)
		if os.Getenv("SHOWTEXT") != "" {
			t.Log(strings.Join(strings.Fields(text), " "))
		}
	}

	// A hostile file, within the bound: from its own address, as the
	// others have used up theirs.
	start := time.Now()
	code, body := ts.upload("bomb.pdf", hostile.RefBomb(4<<20), "198.51.100.2")
	if took := time.Since(start); took > 8*time.Second || code != 200 || !strings.Contains(visible(body), "finns inte bland de lagrade handlingarna") {
		t.Errorf("hostile file: %d in %v", code, took)
	} else {
		t.Logf("hostile file: %v", took)
	}
}

// TestPublicVerifyThrottled: one client address gets verifyPerMinute
// checks a minute; another is not held up by it.
func TestPublicVerifyThrottled(t *testing.T) {
	ts := worldSite(t)
	for i := 0; i < verifyPerMinute; i++ {
		if code, _ := ts.upload("x.pdf", []byte("%PDF-1.7\n%%EOF\n"), "203.0.113.9"); code != 200 {
			t.Fatalf("check %d: %d", i+1, code)
		}
	}
	if code, body := ts.upload("x.pdf", []byte("%PDF-1.7\n%%EOF\n"), "203.0.113.9"); code != 429 || !strings.Contains(body, "för många kontroller") {
		t.Errorf("over the limit: %d", code)
	}
	if code, _ := ts.upload("x.pdf", []byte("%PDF-1.7\n%%EOF\n"), "203.0.113.10"); code != 200 {
		t.Errorf("another address: %d", code)
	}
	var th throttle
	now := time.Now()
	for i := 0; i < 3; i++ {
		th.allow("a", now, 3, time.Minute)
	}
	if th.allow("a", now, 3, time.Minute) || !th.allow("a", now.Add(61*time.Second), 3, time.Minute) {
		t.Error("the window does not slide")
	}
}

// TestPublicListScales: with thousands of rounds the list is read by an
// index, a page at a time, and follows its cursor to the end.
func TestPublicListScales(t *testing.T) {
	ts := newTestSite(t)
	ctx := context.Background()
	db := ts.store.DB()
	const n = 3000
	if _, err := db.ExecContext(ctx, `
		INSERT INTO remisses (id, dnr, title, deadline, deadline_at, reminders, grace, coordinator, created_at, public)
		SELECT 'ks-2030-' || i, 'KS 2030/' || i, 'Remiss nummer ' || i, DATE '2031-01-01', TIMESTAMPTZ '2031-01-01 23:59:59+01', '{}', '7d', 'ks.samordnare',
			TIMESTAMPTZ '2030-01-01' + i * INTERVAL '1 minute', i % 10 <> 0
		FROM generate_series(1, $1) i`, n); err != nil {
		t.Fatal(err)
	}
	db.ExecContext(ctx, "ANALYZE remisses")
	var plan strings.Builder
	rows, err := db.QueryContext(ctx, `EXPLAIN SELECT id, dnr, title, deadline, state, created_at FROM remisses WHERE public
		AND (created_at, id) < ($1, $2) ORDER BY created_at DESC, id DESC LIMIT 51`, time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC), "ks-2030-1000")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		rows.Scan(&line)
		plan.WriteString(line + "\n")
	}
	rows.Close()
	if !strings.Contains(plan.String(), "remisses_public") || strings.Contains(plan.String(), "Seq Scan") {
		t.Errorf("the public list is not read by its index:\n%s", plan.String())
	}
	// Every published round once, newest first, page by page.
	seen, pages, next := map[string]bool{}, 0, "/offentligt"
	var slowest time.Duration
	for next != "" {
		start := time.Now()
		code, body, _ := ts.do(request("GET", next, "", "", nil, ""))
		slowest = max(slowest, time.Since(start))
		if code != 200 {
			t.Fatalf("%s: %d", next, code)
		}
		pages++
		for _, m := range strings.Split(body, `href="/offentligt/remisser/`)[1:] {
			seen[m[:strings.Index(m, `"`)]] = true
		}
		next = ""
		if i := strings.Index(body, `href="/offentligt?efter=`); i >= 0 {
			rest := body[i+len(`href="`):]
			next = strings.ReplaceAll(rest[:strings.Index(rest, `"`)], "&amp;", "&")
		}
	}
	if want := n - n/10; len(seen) != want || pages != (want+publicPageSize-1)/publicPageSize {
		t.Errorf("%d rounds on %d pages, want %d", len(seen), pages, want)
	}
	if seen["ks-2030-10"] {
		t.Error("an unpublished round is listed")
	}
	if slowest > time.Second {
		t.Errorf("a page took %v", slowest)
	}
	t.Logf("%d pages, the slowest in %v\n%s", pages, slowest, plan.String())
}

// TestPublicHidesAMarkedAnswer: once Bromma's registered answer has a
// sekretessmarkering, no public page, download or feed shows it, and the
// public verification says only that it is authentic.
func TestPublicHidesAMarkedAnswer(t *testing.T) {
	ts := worldSite(t)
	id := activities.StatementDocumentID(remiss.AssignmentID(openRound, "bromma"))
	d, err := ts.store.Document(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	code, body, _ := ts.do(request("POST", "/api/v1/documents/"+id+"/secrecy", "application/json",
		`{"provision": "OSL 18 kap. 8 §", "publicTitle": "Yttrande med sekretess"}`, nil, ts.token("bromma.registrator")))
	if code != 200 {
		t.Fatalf("marking: %d %s", code, body)
	}
	if code, _, _ := ts.do(request("GET", "/offentligt/dokument/"+id, "", "", nil, "")); code != 404 {
		t.Errorf("the marked answer is served publicly: %d", code)
	}
	for _, path := range []string{"/offentligt/remisser/" + openRound, "/offentligt/flode.atom"} {
		_, body, _ := ts.do(request("GET", path, "", "", nil, ""))
		if strings.Contains(body, id) || strings.Contains(body, "Yttrande från Bromma stadsdelsnämnd") {
			t.Errorf("%s shows the marked answer", path)
		}
	}
	code, body = ts.upload("hemlig.pdf", d.Content, "198.51.100.7")
	text := visible(body)
	if code != 200 || !strings.Contains(text, "Handlingen är äkta") || !strings.Contains(text, "inte offentlig") ||
		strings.Contains(body, "Bromma") || strings.Contains(body, "KS 2026/100-1") {
		t.Errorf("verification of the marked answer: %d %s", code, text)
	}
}
