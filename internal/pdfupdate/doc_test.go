package pdfupdate_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/pdfupdate"
	"github.com/remiss/remiss/internal/pdfupdate/hostile"
)

const (
	catalog = "<</Type /Catalog /Pages 2 0 R>>"
	pages   = "<</Type /Pages /Kids [] /Count 0>>"
)

func objects(t *testing.T, raw []byte) map[int]pdfupdate.Object {
	t.Helper()
	d, err := pdfupdate.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := d.Objects()
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func TestReadsCrossReferenceAndObjectStreams(t *testing.T) {
	raw := hostile.Packed(map[int]string{1: catalog, 2: pages, 3: "<</Length 4 0 R>>\nstream\nabcd\nendstream"},
		map[int]string{4: "4", 5: "<</Type /Font /Name (in a stream)>>"})
	d, err := pdfupdate.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !d.XrefStream || d.Root != (pdfupdate.Ref{Num: 1}) {
		t.Errorf("doc %+v", d)
	}
	objs, err := d.Objects()
	if err != nil {
		t.Fatal(err)
	}
	if s := objs[3].(*pdfupdate.Stream); string(s.Raw) != "abcd" {
		t.Errorf("stream by an indirect /Length: %q", s.Raw)
	}
	if f := objs[5].(pdfupdate.Dict); f["Name"].(pdfupdate.String).Text() != "in a stream" {
		t.Errorf("object in an object stream: %#v", f)
	}
	if len(objs) != 7 { // 1-5, the object stream and the cross-reference stream
		t.Errorf("%d objects, want 7", len(objs))
	}
}

func TestTheNewestDefinitionWins(t *testing.T) {
	base := hostile.Build(catalog, pages, "(old three)", "(old four)")
	d, _ := pdfupdate.Parse(base)
	raw := appendRevision(base, int(d.StartXref), 5, map[int]string{3: "(new three)"}, 4)
	objs := objects(t, raw)
	if objs[3].(pdfupdate.String).Text() != "new three" {
		t.Errorf("object 3: %v", objs[3])
	}
	if _, ok := objs[4]; ok {
		t.Errorf("a freed object is still read: %v", objs[4])
	}
}

func TestAHybridFileReadsItsStream(t *testing.T) {
	base := hostile.Packed(map[int]string{1: catalog, 2: pages}, map[int]string{3: "(packed)"})
	d, _ := pdfupdate.Parse(base)
	var b bytes.Buffer
	b.Write(base)
	at := b.Len()
	fmt.Fprintf(&b, "xref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 6 /Root 1 0 R /XRefStm %d>>\nstartxref\n%d\n%%%%EOF\n", d.StartXref, at)
	if objs := objects(t, b.Bytes()); objs[3].(pdfupdate.String).Text() != "packed" {
		t.Errorf("object 3 through /XRefStm: %v", objs[3])
	}
}

// TestTextIsNeverStructure puts whole objects, as the injection
// did, into a string and a stream: the file still has only its own.
func TestTextIsNeverStructure(t *testing.T) {
	fake := "\n3 0 obj <</Type /Page /AA <</O <</S /JavaScript /JS (app.alert(1))>>>>>>\nendobj\n"
	raw := hostile.Build("<</Type /Catalog /Pages 3 0 R>>",
		"<</Title ("+fake+")>>",
		"<</Type /Pages /Kids [] /Count 0>>",
		"<</Length "+fmt.Sprint(len(fake))+">>\nstream\n"+fake+"\nendstream")
	d, err := pdfupdate.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := d.Objects()
	if err != nil || len(objs) != 4 {
		t.Fatalf("%d objects, %v", len(objs), err)
	}
	if typ, _ := objs[3].(pdfupdate.Dict).Name("Type"); typ != "Pages" {
		t.Errorf("object 3 is %v", objs[3])
	}
	if found, err := pdfupdate.ActiveContent(d); err != nil || len(found) != 0 {
		t.Errorf("active content %v %v", found, err)
	}
}

func TestReadsWhatWeRender(t *testing.T) {
	raw := statement(t, "Strategi för Stockholm")
	d, err := pdfupdate.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	root, err := d.Catalog()
	if err != nil || root["Lang"].(pdfupdate.String).Text() != "sv-SE" {
		t.Fatalf("catalog %v %v", root, err)
	}
	info, err := d.Dict(d.Info)
	if err != nil || info["Title"].(pdfupdate.String).Text() != "Strategi för Stockholm" {
		t.Errorf("info %v %v", info, err)
	}
	if found, err := pdfupdate.ActiveContent(d); err != nil || len(found) != 0 {
		t.Errorf("active content %v %v", found, err)
	}
}

func statement(t testing.TB, title string) []byte {
	b, err := pdf.Statement(pdf.StatementData{Org: "Bromma stadsdelsnämnd", Dnr: "KS 2016/171-908", Date: time.Now(),
		Title: title, Proposals: []string{"Godkänns."}, Signatories: []pdf.Signatory{{Name: "A", Title: "B"}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// qpdf is an independent reader and writer: files it rewrites with object
// streams must read, and our updates to them must pass its check.
func qpdf(t *testing.T, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("qpdf")
	if err != nil {
		dbtest.Unavailable(t, "qpdf", err)
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil && !strings.Contains(string(out), "operation succeeded with warnings") {
		t.Fatalf("qpdf %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestReadsAndUpdatesWhatQpdfWritesWithObjectStreams(t *testing.T) {
	dir := t.TempDir()
	in, out := dir+"/in.pdf", dir+"/out.pdf"
	os.WriteFile(in, statement(t, "Från qpdf"), 0o600)
	qpdf(t, "--object-streams=generate", "--compress-streams=y", in, out)
	raw, _ := os.ReadFile(out)
	d, err := pdfupdate.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !d.XrefStream {
		t.Fatal("qpdf wrote no cross-reference stream")
	}
	if _, err := d.Objects(); err != nil {
		t.Fatal(err)
	}
	info, err := d.Dict(d.Info)
	if err != nil || info["Title"].(pdfupdate.String).Text() != "Från qpdf" {
		t.Errorf("info %v %v", info, err)
	}
	u := d.Update()
	info = info.Clone()
	info["Title"] = pdfupdate.TextString("Uppdaterad ) /AA <</S/JavaScript>> (")
	u.Object(d.Info, info)
	updated, err := u.Finish()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(out, updated, 0o600)
	if check := qpdf(t, "--check", out); !strings.Contains(check, "No syntax or stream encoding errors found") {
		t.Errorf("qpdf --check:\n%s", check)
	}
	d2, err := pdfupdate.Parse(updated)
	if err != nil {
		t.Fatal(err)
	}
	info2, err := d2.Dict(d2.Info)
	if err != nil || info2["Title"].(pdfupdate.String).Text() != "Uppdaterad ) /AA <</S/JavaScript>> (" {
		t.Errorf("updated info %v %v", info2, err)
	}
}

func TestMalformedAndOversizedFilesAreRefused(t *testing.T) {
	good := hostile.Build(catalog, pages)
	d, _ := pdfupdate.Parse(good)
	small := pdfupdate.DefaultLimits
	small.MaxSize, small.MaxObjects, small.MaxRevisions, small.MaxChain = len(good)+4096, 10, 2, 4
	chain := []string{catalog, pages}
	for i := 3; i < 9; i++ {
		chain = append(chain, fmt.Sprintf("%d 0 R", i+1))
	}
	chain = append(chain, "(end)")
	twice := appendRevision(good, int(d.StartXref), 3, map[int]string{2: pages})
	d2, _ := pdfupdate.Parse(twice)
	for name, c := range map[string]struct {
		raw    []byte
		budget bool
	}{
		"not a PDF":             {raw: []byte("GIF89a" + string(good))},
		"too large":             {raw: append(append([]byte{}, good...), make([]byte, 8192)...), budget: true},
		"no startxref":          {raw: bytes.ReplaceAll(good, []byte("startxref"), []byte("startxreg"))},
		"data after the end":    {raw: append(append([]byte{}, good...), "junk"...)},
		"a /Prev loop":          {raw: appendRevision(good, len(good), 3, map[int]string{2: pages})},
		"too many revisions":    {raw: appendRevision(twice, int(d2.StartXref), 3, map[int]string{2: pages}), budget: true},
		"too many objects":      {raw: hostile.Build(catalog, pages, "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"), budget: true},
		"a long chain":          {raw: hostile.Build(chain...), budget: true},
		"a wrong offset":        {raw: bytes.Replace(good, []byte("0000000013 00000 n"), []byte("0000000014 00000 n"), 1)},
		"a /Length on itself":   {raw: hostile.Build(catalog, pages, "<</Length 3 0 R>>\nstream\nxx\nendstream")},
		"a /Length too long":    {raw: hostile.Build(catalog, pages, "<</Length 9999>>\nstream\nxx\nendstream")},
		"a /Length too short":   {raw: hostile.Build(catalog, pages, "<</Length 1>>\nstream\nxx\nendstream")},
		"a key with two values": {raw: hostile.Build("<</Type /Catalog /Pages 2 0 R /Pages 3 0 R>>", pages)},
		"no /Root":              {raw: bytes.Replace(good, []byte("/Root 1 0 R"), []byte("/Rot 1 0 R"), 1)},
		"deep nesting":          {raw: hostile.Build(catalog, pages, strings.Repeat("[", 100)+strings.Repeat("]", 100)), budget: true},
	} {
		d, err := pdfupdate.Open(context.Background(), c.raw, small)
		if err == nil {
			_, err = d.Objects()
		}
		if err == nil {
			_, err = d.Resolve(pdfupdate.Ref{Num: 3})
		}
		var e *pdfupdate.Error
		if !errors.As(err, &e) || errors.Is(err, pdfupdate.ErrBudget) != c.budget {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := pdfupdate.Open(context.Background(), good, small); err != nil {
		t.Errorf("the good file: %v", err)
	}
}

func TestAnUpdateKeepsTheFileAndAddsOnlyItsObjects(t *testing.T) {
	for name, base := range map[string][]byte{
		"table":  hostile.Build(catalog, pages, "(three)"),
		"stream": hostile.Packed(map[int]string{1: catalog, 2: pages}, map[int]string{3: "(three)"}),
	} {
		d, err := pdfupdate.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := d.Objects()
		u := d.Update()
		n := u.New()
		u.Object(n, pdfupdate.Dict{"Title": pdfupdate.TextString("\n3 0 obj (fake) endobj")})
		u.Stream(u.New(), pdfupdate.Dict{"Type": pdfupdate.Name("Metadata")}, []byte("\n2 0 obj (fake) endobj\n"))
		root, _ := d.Catalog()
		root = root.Clone()
		root["Info"] = n
		u.Object(d.Root, root)
		raw, err := u.Finish()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(raw, base) {
			t.Errorf("%s: the update rewrote the file", name)
		}
		after := objects(t, raw)
		for num, o := range before {
			if num != 1 && !reflect.DeepEqual(after[num], o) {
				t.Errorf("%s: object %d changed: %v", name, num, after[num])
			}
		}
		if want := len(before) + 2; len(after) != want && len(after) != want+1 { // a stream lists itself
			t.Errorf("%s: %d objects after the update, want %d", name, len(after), want)
		}
		if after[1].(pdfupdate.Dict)["Info"] != n {
			t.Errorf("%s: catalog %v", name, after[1])
		}
	}
}

// TestReadsWhatOtherWritersWrite reads a statement as cairo (poppler's
// pdftocairo), qpdf linearized and pdfunite rewrite it: each parses, every
// object reads, and none has active content.
func TestReadsWhatOtherWritersWrite(t *testing.T) {
	dir := t.TempDir()
	in := dir + "/in.pdf"
	os.WriteFile(in, statement(t, "Andra skrivare"), 0o600)
	for name, args := range map[string][]string{
		"pdftocairo": {"pdftocairo", "-pdf", in, dir + "/cairo.pdf"},
		"linearized": {"qpdf", "--linearize", in, dir + "/linearized.pdf"},
		"pdfunite":   {"pdfunite", in, in, dir + "/unite.pdf"},
	} {
		bin, err := exec.LookPath(args[0])
		if err != nil {
			dbtest.Unavailable(t, args[0], err)
		}
		if out, err := exec.Command(bin, args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		raw, _ := os.ReadFile(args[len(args)-1])
		d, err := pdfupdate.Parse(raw)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if found, err := pdfupdate.ActiveContent(d); err != nil || len(found) > 0 {
			t.Errorf("%s: %v %v", name, found, err)
		}
	}
}

func TestAnUpdateWithoutRootTakesTheOlderTrailers(t *testing.T) {
	base := hostile.Build(catalog, pages, "(three)")
	d, _ := pdfupdate.Parse(base)
	raw := appendRevision(base, int(d.StartXref), 4, map[int]string{3: "(new)"})
	raw = bytes.Replace(raw, []byte("/Size 4 /Root 1 0 R /Prev"), []byte("/Size 4 /Prev"), 1)
	d2, err := pdfupdate.Parse(raw)
	if err != nil || d2.Root != (pdfupdate.Ref{Num: 1}) {
		t.Fatalf("%v %v", d2, err)
	}
}

// TestAnIndexOfManyObjectsCostsLinearMemory: an update of 40 000 objects
// (a structure tree writes thousands) is indexed in memory proportional
// to them; the index once grew by one entry at a time, copying itself
// for each (gigabytes for this file).
func TestAnIndexOfManyObjectsCostsLinearMemory(t *testing.T) {
	d, err := pdfupdate.Parse(statement(t, "Strategi"))
	if err != nil {
		t.Fatal(err)
	}
	u := d.Update()
	var last pdfupdate.Ref
	for range 40000 {
		last = u.New()
		u.Object(last, pdfupdate.Array{int64(1)})
	}
	raw, err := u.Finish()
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	big, err := pdfupdate.Parse(raw)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if o, err := big.Resolve(last); err != nil || len(o.(pdfupdate.Array)) != 1 {
		t.Errorf("the last object: %v %v", o, err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<20 {
		t.Errorf("parsing 40 000 objects allocated %d MB", n>>20)
	}
}
