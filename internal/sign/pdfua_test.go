package sign_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
)

// The PDF/UA-1 test: every kind of document the system renders, as
// rendered and as sealed, is read back with qpdf (an independent parser)
// and poppler, and checked against the machine-checkable conditions of
// ISO 14289-1 and the Matterhorn Protocol that the renderer implements.
// The README (Documents anyone can read) lists which are checked here and
// which are not.

// uaDoc is one document of the test, with the texts its structure must
// give in this order.
type uaDoc struct {
	name  string
	pdf   []byte
	order []string
}

func uaDocuments(t *testing.T) []uaDoc {
	t.Helper()
	seed, err := os.ReadFile(filepath.Join("..", "pdf", "testdata", "003_2d0d60f02e7e50f4.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var docs []uaDoc
	add := func(name string, b []byte, err error, order ...string) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		docs = append(docs, uaDoc{name, b, order})
	}
	at := time.Date(2016, 8, 30, 10, 0, 0, 0, time.UTC)

	// A nämnd's tjänsteutlåtande whose Ärendet is seed 003's text, with
	// lists of bullets and numbers, over many pages; and the same as a
	// draft.
	s := twoPageStatement()
	s.Reference, s.Meeting, s.OfficerEmail = "KS 2016/171-908", "2016-09-22", "monica.slama@stockholm.se"
	s.Sections = append(s.Sections, pdf.Section{Heading: "Ärendet", Body: string(seed)},
		pdf.Section{Heading: "Punkter", Body: "Förvaltningen vill särskilt nämna:\n- tillgänglighet\n- öppna data\n\n1. Först detta.\n2. Sedan detta."})
	s.Sources, s.Attachments = []string{"E-strategi för utbildningsförvaltningen."}, []string{"Remissunderlaget"}
	s.Approved = pdf.Approval{Name: "Lars Wennberg", Title: "tf stadsdelsdirektör", Date: at}
	seedStart := strings.Fields(string(seed))
	b, err := pdf.Statement(s)
	add("statement", b, err, "STOCKHOLMS STAD", "TJÄNSTEUTLÅTANDE", "Datum", "2016-08-30", "Diarienummer", "KS 2016/171-908",
		s.Title, "Er referens: KS 2016/171-908", "Förslag till beslut", "1.", s.Proposals[0], "Lars Wennberg", "Godkänt av Lars Wennberg",
		"Sammanfattning", s.Sections[0].Body, s.Sections[1].Heading, s.Sections[1].Body, "Ärendet", strings.Join(seedStart[:12], " "), strings.Join(seedStart[len(seedStart)-8:], " "),
		"Punkter", "Förvaltningen vill särskilt nämna:", "•", "tillgänglighet", "•", "öppna data", "1.", "Först detta.", "Källmaterial", "Bilagor", "Remissunderlaget")
	s.Draft, s.Approved = true, pdf.Approval{}
	b, err = pdf.Statement(s)
	add("draft", b, err, "UTKAST – inte godkänt, inte förseglat", "STOCKHOLMS STAD", s.Title, strings.Join(seedStart[:12], " "), "Bilagor")

	// Kommunstyrelsen's own, with its table of the answers.
	c := pdf.KSCase{Dnr: "KS 2016/171-908", Title: "Strategi för Stockholm som smart och uppkopplad stad",
		Org: remiss.Org{Code: remiss.KS, Name: "Kommunstyrelsen", Kind: remiss.KindKS, Forvaltning: "Stadsledningskontoret"},
		Answers: []pdf.AnswerRow{{Org: "Farsta stadsdelsnämnd", Position: "Tillstyrker", Date: "2016-09-20"},
			{Org: "Skärholmens stadsdelsnämnd", Position: "Avstyrker", Date: "2016-10-02", Note: "Inkom efter svarsdatum"},
			{Org: "Älvsjö stadsdelsnämnd", Position: "Har inte svarat"}},
		Received: []string{"Farsta stadsdelsnämnd, tjänsteutlåtande."}}
	r := remiss.Response{Proposals: []string{"Kommunstyrelsen antar strategin."}, Summary: "Två av tre har svarat.",
		Background: "Stadsledningskontoret har tagit fram en strategi.", Preparation: "Farsta: tillstyrker.", Opinions: "Bra.",
		Signatories: []remiss.Signatory{{Name: "Anna Stadsdirektör", Title: "Stadsdirektör"}}, OfficerName: "Per Handläggare"}
	b, err = pdf.Statement(pdf.KSStatementOf(c, r, at))
	add("ks", b, err, "TJÄNSTEUTLÅTANDE", c.Title, "Förslag till beslut", "Beredning", "Remissinstanserna", "Ställningstagande", "Inkom",
		"Farsta stadsdelsnämnd", "Tillstyrker", "2016-09-20", "Skärholmens stadsdelsnämnd", "Avstyrker", "Inkom efter svarsdatum", "2016-10-02",
		"Älvsjö stadsdelsnämnd", "Har inte svarat", "Farsta: tillstyrker.", "Stadsledningskontorets synpunkter", "Bilagor")

	// An outside body's yttrande, headed by its own name, by an officer
	// whose name and text have characters the faces lack.
	ext := r
	ext.OfficerName, ext.Summary = "Zhang Wei 张伟", "Vi svarar 😀\tgärna."
	b, err = pdf.Statement(pdf.StatementOf(pdf.Case{Dnr: "KS/2026:77", Title: "Strategi"},
		remiss.Org{Name: "Länsstyrelsen i Stockholms län", Kind: remiss.KindExternal}, ext, at))
	add("external", b, err, "Länsstyrelsen i Stockholms län", "YTTRANDE", "Handläggare", "Zhang Wei ??", "Strategi", "Förslag till beslut",
		"Sammanfattning", "Vi svarar ? gärna.")

	b, err = pdf.Missiv(pdf.MissivData{Dnr: "KS 2016/171-908", Title: "Strategi", Date: at, Deadline: "2016-10-01",
		Description: "Staden tar fram en strategi.\n\n- för invånare\n- för företag", Recipients: []string{"Farsta stadsdelsnämnd", "AB Stokab"},
		Coordinator: pdf.Signatory{Name: "Eva Ek", Title: "Registrator"}, Contact: "eva.ek@stockholm.se", Link: "https://remiss.stockholm.se/"})
	add("missiv", b, err, "MISSIV", "Svarsdatum", "2016-10-01", "Remiss: Strategi", "Till remissinstanserna", "1.", "Farsta stadsdelsnämnd",
		"Ärendet", "Staden tar fram en strategi.", "för invånare", "Så svarar ni", "Eva Ek Registrator")

	m := pdf.MinutesData{Body: "Hägersten-Liljeholmens stadsdelsnämnd", MeetingDate: "2027-01-12", Date: time.Date(2027, 1, 15, 18, 0, 0, 0, time.UTC),
		Dnr: "KS 2016/171-908", Paragraph: "§ 12", Title: "Svar på remiss", Proposal: []string{"Nämnden godkänner."},
		Decision: []string{"Nämnden beslutar enligt förslaget."}, Reservations: "Åsa Öberg (V) reserverar sig.", AdjustOn: "2027-01-15",
		Adjusters: []string{"Anna Andersson"}, Secretary: pdf.Signatory{Name: "Karin Sekreterare", Title: "Nämndsekreterare"}, Documents: []string{"Tjänsteutlåtande"}}
	b, err = pdf.Minutes(m)
	add("minutes", b, err, "PROTOKOLLSUTDRAG", "§ 12 Svar på remiss", "Handlingar", "Förslag till beslut", "Beslut", "Reservationer", "Justering",
		"Rätt utdraget intygar:", "Karin Sekreterare Nämndsekreterare")
	m.Date = time.Date(2027, 1, 12, 18, 0, 0, 0, time.UTC)
	b, err = pdf.Minutes(m)
	add("minutes-ojusterat", b, err, "PROTOKOLLSUTDRAG – OJUSTERAT", "Justering", "Ojusterat utdrag")

	l := pdf.DelegationListData{Body: "Farsta stadsdelsnämnd", Date: at, MeetingDate: "2016-09-22", Paragraph: "§ 14",
		Registrar: pdf.Signatory{Name: "Eva Ek", Title: "Registrator"}}
	for i := range 40 {
		l.Decisions = append(l.Decisions, pdf.DelegatedDecision{Dnr: fmt.Sprintf("1.5.1-%d-2016", i), Title: "Svar på remiss", Date: "2016-09-01",
			DecidedBy: pdf.Signatory{Name: "Lars Wennberg", Title: "stadsdelsdirektör"}, Delegation: "D 4.2"})
	}
	b, err = pdf.DelegationList(l)
	add("delegation", b, err, "DELEGATIONSBESLUT", "Anmälan av delegationsbeslut", "Beslut", "Dnr 1.5.1-0-2016 · Svar på remiss",
		"Beslutat 2016-09-01 av Lars Wennberg", "Dnr 1.5.1-39-2016", "Anmält av", "Eva Ek")
	return docs
}

// TestEveryDocumentIsTaggedPDFUA checks each document as rendered and as
// sealed.
func TestEveryDocumentIsTaggedPDFUA(t *testing.T) {
	p := newPKI(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	seal := p.seal(t, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
	dir := os.Getenv("REMISS_PDF_OUT")
	if dir == "" {
		dir = t.TempDir()
	}
	for _, d := range uaDocuments(t) {
		sealed, err := seal.SignPDF(d.pdf, opts())
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct {
			name   string
			b      []byte
			sealed bool
		}{{d.name, d.pdf, false}, {d.name + "-sealed", sealed, true}} {
			t.Run(v.name, func(t *testing.T) {
				path := filepath.Join(dir, "ua-"+v.name+".pdf")
				if err := os.WriteFile(path, v.b, 0o644); err != nil {
					t.Fatal(err)
				}
				checkPDFUA(t, path, d.order, v.sealed)
				if v.sealed {
					out, _ := exec.Command(tool(t, "pdfsig"), path).CombinedOutput()
					if !strings.Contains(string(out), "Signature Validation: Signature is Valid.") {
						t.Errorf("pdfsig:\n%s", out)
					}
				}
			})
		}
	}
}

// qobj is an object as qpdf --json=2 gives it: a value, or a stream with
// its dictionary and its decoded data.
type qobj struct {
	Value  any `json:"value"`
	Stream *struct {
		Dict map[string]any `json:"dict"`
		Data []byte         `json:"data"`
	} `json:"stream"`
}

type qpdfFile struct {
	objs    map[string]qobj
	trailer map[string]any
}

var refPattern = regexp.MustCompile(`^\d+ \d+ R$`)

// get resolves v: a reference to the object's value (a stream's
// dictionary), anything else to itself.
func (f qpdfFile) get(v any) any {
	s, ok := v.(string)
	if !ok || !refPattern.MatchString(s) {
		return v
	}
	o := f.objs["obj:"+s]
	if o.Stream != nil {
		return o.Stream.Dict
	}
	return o.Value
}

func (f qpdfFile) dict(v any) map[string]any { d, _ := f.get(v).(map[string]any); return d }

func (f qpdfFile) data(ref any) []byte {
	s, _ := ref.(string)
	if o := f.objs["obj:"+s]; o.Stream != nil {
		return o.Stream.Data
	}
	return nil
}

// text decodes qpdf's JSON string: "u:" and text, or "b:" and hex.
func text(v any) string {
	s, _ := v.(string)
	if rest, ok := strings.CutPrefix(s, "u:"); ok {
		return rest
	}
	return ""
}

func readQPDF(t *testing.T, path string) qpdfFile {
	t.Helper()
	out, err := exec.Command(tool(t, "qpdf"), "--json=2", "--json-stream-data=inline", "--decode-level=generalized", path, "-").Output()
	if err != nil {
		t.Fatalf("qpdf --json: %v", err)
	}
	var j struct {
		QPDF [2]json.RawMessage `json:"qpdf"`
	}
	if err := json.Unmarshal(out, &j); err != nil {
		t.Fatal(err)
	}
	f := qpdfFile{}
	if err := json.Unmarshal(j.QPDF[1], &f.objs); err != nil {
		t.Fatal(err)
	}
	f.trailer, _ = f.objs["trailer"].Value.(map[string]any)
	return f
}

// standard are the standard structure types (ISO 32000-1 14.8.4) the
// renderer and the sealer use; anything else would need a role map.
var standard = map[string]bool{"Document": true, "P": true, "H1": true, "H2": true, "H3": true, "H4": true, "H5": true, "H6": true,
	"L": true, "LI": true, "Lbl": true, "LBody": true, "Table": true, "TR": true, "TH": true, "TD": true, "Form": true}

// uaElem is a structure element as the test reads it.
type uaElem struct {
	ref, typ string
	dict     map[string]any
}

func checkPDFUA(t *testing.T, path string, order []string, sealed bool) {
	f := readQPDF(t, path)
	catalog := f.dict(f.trailer["/Root"])

	// Catalog: marked, language, title shown, a tree, no encryption (ISO
	// 14289-1 7.1, 7.2, 7.16; Matterhorn checkpoints 01, 06, 07, 11, 26).
	if f.trailer["/Encrypt"] != nil {
		t.Error("the file is encrypted")
	}
	if mi := f.dict(catalog["/MarkInfo"]); mi["/Marked"] != true {
		t.Errorf("MarkInfo %v", catalog["/MarkInfo"])
	}
	if mi := f.dict(catalog["/MarkInfo"]); mi["/Suspects"] == true {
		t.Error("Suspects is true")
	}
	if text(catalog["/Lang"]) != "sv-SE" {
		t.Errorf("Lang %v", catalog["/Lang"])
	}
	if vp := f.dict(catalog["/ViewerPreferences"]); vp["/DisplayDocTitle"] != true {
		t.Errorf("ViewerPreferences %v", catalog["/ViewerPreferences"])
	}
	// XMP: dc:title as in Info, PDF/UA-1 and PDF/A-2a declared, the
	// pdfuaid schema described for PDF/A (Matterhorn checkpoint 06; PDF/A-2
	// 6.6.2.3).
	xmp := string(f.data(catalog["/Metadata"]))
	title := text(f.dict(f.trailer["/Info"])["/Title"])
	for _, want := range []string{"<pdfuaid:part>1</pdfuaid:part>", "<pdfaid:part>2</pdfaid:part>", "<pdfaid:conformance>A</pdfaid:conformance>",
		"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>", "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>",
		`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + xmlEscape(title) + "</rdf:li>"} {
		if title == "" || !strings.Contains(xmp, want) {
			t.Errorf("XMP lacks %s (Info title %q)", want, title)
		}
	}

	// The structure tree: standard types, each element's /P its parent,
	// and the marked content each claims (Matterhorn checkpoints 01, 02).
	treeRoot := catalog["/StructTreeRoot"]
	tree := f.dict(treeRoot)
	if text(tree["/Type"]) != "" || tree["/Type"] != "/StructTreeRoot" {
		t.Fatalf("StructTreeRoot %v", tree)
	}
	pages := f.pages(catalog)
	claimed := map[[2]string]string{} // page ref and MCID → element ref
	objrs := map[string]string{}      // annotation ref → element ref
	var elems []uaElem
	var walk func(ref, parent string, depth int)
	walk = func(ref, parent string, depth int) {
		e := f.dict(ref)
		typ := strings.TrimPrefix(fmt.Sprint(e["/S"]), "/")
		if e["/Type"] != "/StructElem" || !standard[typ] || e["/P"] != parent || depth > 20 {
			t.Errorf("element %s: %v (parent %s)", ref, e, parent)
			return
		}
		elems = append(elems, uaElem{ref, typ, e})
		kids, ok := e["/K"].([]any)
		if !ok {
			kids = []any{e["/K"]}
		}
		for _, k := range kids {
			switch k := k.(type) {
			case float64:
				pg, _ := e["/Pg"].(string)
				claim(t, claimed, pg, int(k), ref)
			case string:
				walk(k, ref, depth+1)
			case map[string]any:
				switch k["/Type"] {
				case "/MCR":
					pg, _ := k["/Pg"].(string)
					claim(t, claimed, pg, int(k["/MCID"].(float64)), ref)
				case "/OBJR":
					objrs[k["/Obj"].(string)] = ref
				default:
					t.Errorf("element %s: kid %v", ref, k)
				}
			default:
				t.Errorf("element %s: kid %v", ref, k)
			}
		}
	}
	top, _ := tree["/K"].(string)
	walk(top, treeRoot.(string), 0)
	if len(elems) == 0 || elems[0].typ != "Document" {
		t.Fatalf("the tree's top is not a Document")
	}
	checkStructure(t, f, elems)

	// Pages: every piece of content is tagged or an artifact, and the
	// parent tree maps each page's MCIDs back to the elements that claim
	// them (Matterhorn checkpoint 01; ISO 32000-1 14.7.4.4).
	parentTree := f.numberTree(tree["/ParentTree"])
	next, _ := tree["/ParentTreeNextKey"].(float64)
	for key := range parentTree {
		if key >= int(next) {
			t.Errorf("parent tree key %d not under ParentTreeNextKey %v", key, next)
		}
	}
	used := map[[2]string]bool{}
	for i, pg := range pages {
		page := f.dict(pg)
		sp, ok := page["/StructParents"].(float64)
		if !ok {
			t.Errorf("page %d has no StructParents", i+1)
			continue
		}
		ids := checkContent(t, f, pg, i+1)
		arr, _ := parentTree[int(sp)].([]any)
		for _, id := range ids {
			used[[2]string{pg, strconv.Itoa(id)}] = true
			owner := claimed[[2]string{pg, strconv.Itoa(id)}]
			if owner == "" || id >= len(arr) || arr[id] != owner {
				t.Errorf("page %d MCID %d: element %q, parent tree %v", i+1, id, owner, arr)
			}
		}
		// Annotations: Tabs /S, and each one tagged through its
		// StructParent (Matterhorn checkpoint 28; ISO 14289-1 7.18.1,
		// 7.18.3, 7.18.4: a widget in a Form element).
		annots, _ := f.get(page["/Annots"]).([]any)
		if len(annots) > 0 && page["/Tabs"] != "/S" {
			t.Errorf("page %d has annotations and Tabs %v", i+1, page["/Tabs"])
		}
		for _, a := range annots {
			ref, _ := a.(string)
			ad := f.dict(a)
			owner := objrs[ref]
			k, ok := ad["/StructParent"].(float64)
			if !ok || owner == "" || parentTree[int(k)] != owner || f.dict(owner)["/S"] != "/Form" {
				t.Errorf("annotation %s (%v) is not tagged in a Form element: %q, StructParent %v", ref, ad["/Subtype"], owner, ad["/StructParent"])
			}
			if ad["/Subtype"] == "/Widget" && text(ad["/TU"]) == "" && text(f.dict(owner)["/Alt"]) == "" {
				t.Errorf("widget %s has no TU and its Form element no Alt", ref)
			}
		}
	}
	for c := range claimed {
		if !used[c] {
			t.Errorf("the tree claims MCID %s on %s, which no page has", c[1], c[0])
		}
	}
	if sealed && len(objrs) != 1 {
		t.Errorf("sealed, with %d tagged annotations, want the seal's", len(objrs))
	}
	checkFonts(t, f, pages)
	checkReadingOrder(t, path, order, len(pages))
}

func claim(t *testing.T, claimed map[[2]string]string, page string, mcid int, elem string) {
	k := [2]string{page, strconv.Itoa(mcid)}
	if page == "" || claimed[k] != "" {
		t.Errorf("MCID %d on page %q claimed by %s and %q", mcid, page, elem, claimed[k])
	}
	claimed[k] = elem
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// pages lists the page refs through the page tree.
func (f qpdfFile) pages(catalog map[string]any) []string {
	var out []string
	var walk func(ref any, depth int)
	walk = func(ref any, depth int) {
		d := f.dict(ref)
		if d["/Type"] == "/Page" {
			out = append(out, ref.(string))
			return
		}
		kids, _ := d["/Kids"].([]any)
		for _, k := range kids {
			if depth < 10 {
				walk(k, depth+1)
			}
		}
	}
	walk(catalog["/Pages"], 0)
	return out
}

// numberTree flattens a number tree.
func (f qpdfFile) numberTree(ref any) map[int]any {
	out := map[int]any{}
	var walk func(ref any, depth int)
	walk = func(ref any, depth int) {
		d := f.dict(ref)
		nums, _ := d["/Nums"].([]any)
		for i := 0; i+1 < len(nums); i += 2 {
			k, _ := nums[i].(float64)
			v := nums[i+1]
			if r, ok := v.(string); ok && refPattern.MatchString(r) {
				if arr, ok := f.get(r).([]any); ok {
					v = arr
				}
			}
			out[int(k)] = v
		}
		kids, _ := d["/Kids"].([]any)
		for _, k := range kids {
			if depth < 10 {
				walk(k, depth+1)
			}
		}
	}
	walk(ref, 0)
	return out
}

// checkStructure checks headings, lists and tables (Matterhorn checkpoints
// 14, 15, 16; ISO 32000-1 14.8.4.3).
func checkStructure(t *testing.T, f qpdfFile, elems []uaElem) {
	types := map[string]string{}
	for _, e := range elems {
		types[e.ref] = e.typ
	}
	kidTypes := func(e uaElem) []string {
		kids, _ := e.dict["/K"].([]any)
		var out []string
		for _, k := range kids {
			if s, ok := k.(string); ok {
				out = append(out, types[s])
			}
		}
		return out
	}
	level := 0
	for _, e := range elems {
		switch e.typ {
		case "H1", "H2", "H3", "H4", "H5", "H6":
			n := int(e.typ[1] - '0')
			if (level == 0 && n != 1) || n > level+1 {
				t.Errorf("heading %s after H%d", e.typ, level)
			}
			level = n
		case "L":
			for _, k := range kidTypes(e) {
				if k != "LI" {
					t.Errorf("L %s has a %s", e.ref, k)
				}
			}
			if a := f.dict(e.dict["/A"]); a["/O"] != "/List" || a["/ListNumbering"] == nil {
				t.Errorf("L %s has no ListNumbering: %v", e.ref, e.dict["/A"])
			}
		case "LI":
			kt := kidTypes(e)
			ok := len(kt) > 0 && types[fmt.Sprint(e.dict["/P"])] == "L"
			for _, k := range kt {
				ok = ok && (k == "Lbl" || k == "LBody")
			}
			if !ok {
				t.Errorf("LI %s has %v", e.ref, kt)
			}
		case "Lbl", "LBody":
			if types[fmt.Sprint(e.dict["/P"])] != "LI" {
				t.Errorf("%s %s is not in an LI", e.typ, e.ref)
			}
		case "Table":
			cells := -1
			for _, k := range e.dict["/K"].([]any) {
				row := f.dict(k)
				if row["/S"] != "/TR" {
					t.Errorf("Table %s has a %v", e.ref, row["/S"])
					continue
				}
				rk, _ := row["/K"].([]any)
				if cells >= 0 && len(rk) != cells {
					t.Errorf("Table %s: a row of %d cells after one of %d", e.ref, len(rk), cells)
				}
				cells = len(rk)
			}
		case "TR":
			for _, k := range kidTypes(e) {
				if k != "TH" && k != "TD" {
					t.Errorf("TR %s has a %s", e.ref, k)
				}
			}
		case "TH":
			if a := f.dict(e.dict["/A"]); a["/O"] != "/Table" || (a["/Scope"] != "/Row" && a["/Scope"] != "/Column") {
				t.Errorf("TH %s has no Scope: %v", e.ref, e.dict["/A"])
			}
		}
	}
	if level == 0 {
		t.Error("no headings")
	}
}

// checkContent reads a page's content stream: every operator that paints
// (text, paths, images, shadings) is inside a marked-content sequence that
// is an /Artifact or carries an MCID, never a real one inside an artifact;
// the sequences balance; each MCID once. It returns the MCIDs.
func checkContent(t *testing.T, f qpdfFile, pg string, n int) []int {
	page := f.dict(pg)
	var content []byte
	switch c := page["/Contents"].(type) {
	case string:
		content = f.data(c)
	case []any:
		for _, s := range c {
			content = append(append(content, f.data(s)...), '\n')
		}
	}
	type mark struct {
		artifact bool
		mcid     int
	}
	var stack []mark
	var ids []int
	seen := map[int]bool{}
	var operands []string
	painted := 0
	for _, tok := range contentTokens(content) {
		if !tok.op {
			operands = append(operands, tok.s)
			continue
		}
		switch tok.s {
		case "BMC", "BDC":
			m := mark{mcid: -1}
			if len(operands) > 0 && operands[0] == "/Artifact" {
				m.artifact = true
			} else if tok.s == "BDC" && len(operands) == 2 {
				if i := strings.Index(operands[1], "/MCID"); i >= 0 {
					fmt.Sscanf(strings.TrimSpace(operands[1][i+5:]), "%d", &m.mcid)
				}
			}
			inArtifact := len(stack) > 0 && stack[len(stack)-1].artifact
			if m.mcid >= 0 {
				if inArtifact || seen[m.mcid] {
					t.Errorf("page %d: MCID %d inside an artifact or used twice", n, m.mcid)
				}
				seen[m.mcid] = true
				ids = append(ids, m.mcid)
			} else if len(stack) > 0 {
				m = stack[len(stack)-1] // a sequence inside another is covered by it
			}
			stack = append(stack, m)
		case "EMC":
			if len(stack) == 0 {
				t.Errorf("page %d: EMC without BMC/BDC", n)
			} else {
				stack = stack[:len(stack)-1]
			}
		case "Tj", "TJ", "'", "\"", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "BI":
			painted++
			if len(stack) == 0 || (!stack[len(stack)-1].artifact && stack[len(stack)-1].mcid < 0) {
				t.Errorf("page %d: %s (after %v) is neither tagged nor an artifact", n, tok.s, operands)
			}
		}
		operands = operands[:0]
	}
	if len(stack) != 0 {
		t.Errorf("page %d: %d marked-content sequences not closed", n, len(stack))
	}
	if painted == 0 {
		t.Errorf("page %d paints nothing: the content was not read", n)
	}
	return ids
}

type ctok struct {
	s  string
	op bool
}

// contentTokens splits a content stream into operands (numbers, names,
// strings, arrays and dictionaries, each one token) and operators.
func contentTokens(b []byte) []ctok {
	var out []ctok
	i := 0
	isDelim := func(c byte) bool { return strings.IndexByte("()<>[]{}/%", c) >= 0 }
	isSpace := func(c byte) bool { return strings.IndexByte(" \t\r\n\f\x00", c) >= 0 }
	// skip returns the end of the object starting at i.
	var skip func(i int) int
	skip = func(i int) int {
		switch {
		case b[i] == '(':
			depth := 0
			for ; i < len(b); i++ {
				switch b[i] {
				case '\\':
					i++
				case '(':
					depth++
				case ')':
					if depth--; depth == 0 {
						return i + 1
					}
				}
			}
			return i
		case b[i] == '<' && i+1 < len(b) && b[i+1] == '<':
			i += 2
			for i < len(b) && !(b[i] == '>' && i+1 < len(b) && b[i+1] == '>') {
				if isSpace(b[i]) {
					i++
					continue
				}
				i = skip(i)
			}
			return i + 2
		case b[i] == '<':
			return bytes.IndexByte(b[i:], '>') + i + 1
		case b[i] == '[':
			i++
			for i < len(b) && b[i] != ']' {
				if isSpace(b[i]) {
					i++
					continue
				}
				i = skip(i)
			}
			return i + 1
		case b[i] == '/':
			i++
			for i < len(b) && !isSpace(b[i]) && !isDelim(b[i]) {
				i++
			}
			return i
		}
		for i < len(b) && !isSpace(b[i]) && !isDelim(b[i]) {
			i++
		}
		return i
	}
	for i < len(b) {
		c := b[i]
		if isSpace(c) {
			i++
			continue
		}
		if c == '%' {
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
			continue
		}
		j := skip(i)
		if j <= i {
			j = i + 1
		}
		s := string(b[i:j])
		op := !strings.ContainsAny(s[:1], "()<>[]/+-.0123456789") && s != "true" && s != "false" && s != "null"
		out = append(out, ctok{s, op})
		i = j
	}
	return out
}

// checkFonts: every font embedded, with a ToUnicode map, and every code a
// page shows maps to a real character and a glyph that is not .notdef
// (ISO 14289-1 7.21.4.1, 7.21.7, 7.21.8; Matterhorn checkpoint 31). The
// fonts are fpdf's Type0/Identity-H: codes are two bytes.
func checkFonts(t *testing.T, f qpdfFile, pages []string) {
	for i, pg := range pages {
		page := f.dict(pg)
		res := f.dict(page["/Resources"])
		fonts := f.dict(res["/Font"])
		codes := shownCodes(t, f, pg)
		for name, ref := range fonts {
			font := f.dict(ref)
			if font["/Subtype"] != "/Type0" || font["/Encoding"] != "/Identity-H" {
				t.Errorf("font %s: %v", name, font)
				continue
			}
			cmap := parseToUnicode(f.data(font["/ToUnicode"]))
			desc, _ := font["/DescendantFonts"].([]any)
			cid := f.dict(desc[0])
			fd := f.dict(cid["/FontDescriptor"])
			if fd["/FontFile2"] == nil {
				t.Errorf("font %s is not embedded", name)
			}
			gidMap := f.data(cid["/CIDToGIDMap"])
			for code := range codes[name] {
				u, ok := cmap(code)
				if !ok || u == 0 || u == 0xFEFF || u == 0xFFFE || (u >= 0xD800 && u <= 0xDFFF) || !unicode.IsPrint(rune(u)) && u != ' ' {
					t.Errorf("page %d font %s: code %04X maps to %U", i+1, name, code, u)
				}
				if 2*code+1 >= len(gidMap) || gidMap[2*code] == 0 && gidMap[2*code+1] == 0 {
					t.Errorf("page %d font %s: code %04X (%q) shows .notdef", i+1, name, code, rune(u))
				}
			}
		}
	}
}

// shownCodes lists, by font resource name, the codes a page shows.
func shownCodes(t *testing.T, f qpdfFile, pg string) map[string]map[int]bool {
	page := f.dict(pg)
	content := f.data(page["/Contents"])
	out := map[string]map[int]bool{}
	font := ""
	var operands []string
	for _, tok := range contentTokens(content) {
		if !tok.op {
			operands = append(operands, tok.s)
			continue
		}
		switch tok.s {
		case "Tf":
			if len(operands) == 2 {
				font = operands[0]
			}
		case "Tj", "'", "\"", "TJ":
			for _, o := range operands {
				for _, s := range pdfStrings(o) {
					if out[font] == nil {
						out[font] = map[int]bool{}
					}
					for k := 0; k+1 < len(s); k += 2 {
						out[font][int(s[k])<<8|int(s[k+1])] = true
					}
				}
			}
		}
		operands = operands[:0]
	}
	return out
}

// pdfStrings decodes the strings in an operand (a string, or an array).
func pdfStrings(o string) [][]byte {
	var out [][]byte
	for i := 0; i < len(o); i++ {
		switch o[i] {
		case '(':
			var s []byte
			depth := 1
			for i++; i < len(o) && depth > 0; i++ {
				c := o[i]
				switch {
				case c == '\\' && i+1 < len(o):
					i++
					switch e := o[i]; e {
					case 'n':
						s = append(s, '\n')
					case 'r':
						s = append(s, '\r')
					case 't':
						s = append(s, '\t')
					case 'b':
						s = append(s, '\b')
					case 'f':
						s = append(s, '\f')
					case '0', '1', '2', '3', '4', '5', '6', '7':
						v, k := 0, 0
						for ; k < 3 && i < len(o) && o[i] >= '0' && o[i] <= '7'; k++ {
							v = v*8 + int(o[i]-'0')
							i++
						}
						i--
						s = append(s, byte(v))
					default:
						s = append(s, e)
					}
				case c == '(':
					depth++
					s = append(s, c)
				case c == ')':
					if depth--; depth > 0 {
						s = append(s, c)
					}
				default:
					s = append(s, c)
				}
			}
			i--
			out = append(out, s)
		case '<':
			j := strings.IndexByte(o[i:], '>')
			h, _ := hex.DecodeString(strings.Join(strings.Fields(o[i+1:i+j]), ""))
			out = append(out, h)
			i += j
		}
	}
	return out
}

var (
	bfrange = regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
	bfchar  = regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
)

// parseToUnicode reads the bfrange and bfchar sections of a ToUnicode
// CMap (single UTF-16 units, as fpdf writes them).
func parseToUnicode(b []byte) func(code int) (int, bool) {
	type rng struct{ lo, hi, dst int }
	var ranges []rng
	chars := map[int]int{}
	hexInt := func(s string) int { v, _ := strconv.ParseInt(s, 16, 64); return int(v) }
	s := string(b)
	for _, sec := range strings.Split(s, "beginbfrange")[1:] {
		sec, _, _ = strings.Cut(sec, "endbfrange")
		for _, m := range bfrange.FindAllStringSubmatch(sec, -1) {
			ranges = append(ranges, rng{hexInt(m[1]), hexInt(m[2]), hexInt(m[3])})
		}
	}
	for _, sec := range strings.Split(s, "beginbfchar")[1:] {
		sec, _, _ = strings.Cut(sec, "endbfchar")
		for _, m := range bfchar.FindAllStringSubmatch(sec, -1) {
			chars[hexInt(m[1])] = hexInt(m[2])
		}
	}
	return func(code int) (int, bool) {
		if u, ok := chars[code]; ok {
			return u, true
		}
		for _, r := range ranges {
			if code >= r.lo && code <= r.hi {
				return r.dst + code - r.lo, true
			}
		}
		return 0, false
	}
}

// checkReadingOrder: poppler's view of the structure gives the document's
// texts in order, and none of the artifacts: a footer's "Sida n" is in
// the page's text, not in the structure (Matterhorn checkpoints 09, 18).
func checkReadingOrder(t *testing.T, path string, order []string, pages int) {
	out, err := exec.Command(tool(t, "pdfinfo"), "-struct-text", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo -struct-text: %v", err)
	}
	var b strings.Builder
	for _, line := range strings.Split(string(out), "\n") {
		if s := strings.TrimSpace(line); strings.HasPrefix(s, `"`) {
			b.WriteString(strings.Trim(s, `"`) + " ")
		}
	}
	// Words are words: a line broken at a space keeps it (multiCell), so
	// the words of the text are found with single spaces between them.
	squash := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	all := squash(b.String())
	at := 0
	for _, want := range order {
		i := strings.Index(all[at:], squash(want))
		if i < 0 {
			t.Errorf("the structure lacks %q after %q", want, all[max(0, at-60):at])
			return
		}
		at += i + len(squash(want))
	}
	plain, err := exec.Command(tool(t, "pdftotext"), "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if n, m := strings.Count(string(plain), "Sida "), strings.Count(b.String(), "Sida "); n-m != pages {
		t.Errorf("%d pages, %d footers in the text, %d in the structure", pages, n, m)
	}
}
