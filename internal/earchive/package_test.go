package earchive_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/earchive"
	"github.com/remiss/remiss/internal/earchive/archivetest"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
)

// TestPackageOfAFinishedRound exports a finished round with a marked
// answer and checks the package as an archive would (archivetest.Validate:
// the checker, xmllint against the schemas, pdfsig on every document),
// then that it holds every stored document byte for byte and describes the
// case file, and that one changed byte fails the checker.
func TestPackageOfAFinishedRound(t *testing.T) {
	ctx := context.Background()
	st := dbtest.OpenSeeded(t)
	archivetest.FinishedRound(t, st)
	at := time.Date(2027, 3, 1, 9, 30, 0, 0, remiss.Stockholm)
	// Bromma's registrator marks its answer, as the pages and the API do.
	bromma := remiss.AssignmentID(archivetest.RemissID, "bromma")
	asg, err := st.Assignment(ctx, bromma)
	if err != nil || asg.DocumentID == "" {
		t.Fatalf("no statement of bromma: %v %+v", err, asg)
	}
	marked := asg.DocumentID
	svc := rounds.New(st, nil)
	registrar := remiss.Actor{User: "bromma.registrator", Org: "bromma", Role: remiss.RoleRegistrar}
	if _, err := svc.MarkSecrecy(ctx, registrar, marked, remiss.SecrecyMarking{Provision: "OSL 18 kap. 8 §", PublicTitle: "Yttrande om trafiksäkerhet"}); err != nil {
		t.Fatal(err)
	}
	c, err := earchive.Load(ctx, st, archivetest.RemissID, "ks.registrator", at)
	if err != nil {
		t.Fatal(err)
	}
	if c.Partial {
		t.Error("a round whose path has ended is delivered as a partial delivery")
	}
	for _, r := range c.Records {
		if r.DocumentID != marked {
			continue
		}
		if len(r.Restrictions) != 1 || r.Restrictions[0].PublicTitle != "Yttrande om trafiksäkerhet" || r.Restrictions[0].MarkedBy.Organisation == "" ||
			r.Restrictions[0].MarkedAt.IsZero() {
			t.Errorf("the marked answer's restrictions as loaded: %+v", r.Restrictions)
		}
	}
	var buf bytes.Buffer
	if err := earchive.Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	pkg := buf.Bytes()
	got := archivetest.Validate(t, pkg)

	// Every stored document, byte for byte, with its stored SHA-256.
	docs, err := st.Documents(ctx, archivetest.RemissID)
	if err != nil {
		t.Fatal(err)
	}
	bySHA := map[string]string{}
	for name, b := range got.Data {
		sum := sha256.Sum256(b)
		bySHA[hex.EncodeToString(sum[:])] = name
	}
	kinds := map[string]int{}
	repMETS := readFile(t, got.Dir, "representations/rep1/METS.xml")
	for _, d := range docs {
		kinds[d.Kind]++
		name, ok := bySHA[d.SHA256]
		if !ok {
			t.Errorf("no file in the package has the stored SHA-256 of document %s", d.ID)
			continue
		}
		if !bytes.Equal(got.Data[name], d.Content) {
			t.Errorf("%s: the package's bytes differ from the stored document %s", name, d.ID)
		}
		if !strings.Contains(repMETS, `CHECKSUM="`+d.SHA256+`"`) {
			t.Errorf("the representation's METS does not list %s with its stored SHA-256", name)
		}
	}
	if len(got.Data) != len(docs) || kinds["statement"] != 3 || kinds["minutes"] != 2 || kinds["missiv"] != 1 {
		t.Errorf("package holds %d files for %d documents %v", len(got.Data), len(docs), kinds)
	}

	// The case file.
	root := readFile(t, got.Dir, "METS.xml")
	for _, want := range []string{`csip:CONTENTINFORMATIONTYPE="citserms_v3_0"`, `csip:OAISPACKAGETYPE="SIP"`, `xlink:href="metadata/descriptive/erms.xml"`} {
		if !strings.Contains(root, want) {
			t.Errorf("the root METS lacks %s", want)
		}
	}
	var erms struct {
		Aggregation struct {
			Type     string `xml:"aggregationType,attr"`
			ObjectID string `xml:"objectId"`
			Title    string `xml:"title"`
			Dates    []struct {
				Type string `xml:"dateType,attr"`
			} `xml:"dates>date"`
			Agents []struct {
				Name string `xml:"name"`
			} `xml:"agents>agent"`
			Records []ermsRecord `xml:"record"`
		} `xml:"aggregations>aggregation"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, got.Dir, "metadata/descriptive/erms.xml")), &erms); err != nil {
		t.Fatal(err)
	}
	agg := erms.Aggregation
	if agg.Type != "caseFile" || agg.ObjectID != archivetest.Dnr || agg.Title != archivetest.Title || len(agg.Dates) < 3 || len(agg.Agents) < 5 {
		t.Errorf("the aggregation: %+v", agg)
	}
	if len(agg.Records) != len(docs) {
		t.Errorf("%d records for %d documents", len(agg.Records), len(docs))
	}
	farstaMinutes := false
	for _, r := range agg.Records {
		if r.Direction.Definition == "" || r.Agent == "" || len(r.Dates) == 0 {
			t.Errorf("record %s lacks its direction, organisation or date: %+v", r.ID, r)
		}
		if (r.ID == marked) != (len(r.Restriction) == 1) {
			t.Errorf("record %s: restrictions %+v (marked: %s)", r.ID, r.Restriction, marked)
		}
		if r.ID == marked && (r.Restriction[0].Type != "confidential" || r.Restriction[0].Regulation != "OSL 18 kap. 8 §") {
			t.Errorf("the marking: %+v", r.Restriction)
		}
		if strings.Contains(strings.Join(r.Actions, "\n"), "Farsta stadsdelsnämnd, § 12: Bifall till förslaget") && r.Direction.Definition == "incoming" {
			farstaMinutes = true
		}
	}
	if !farstaMinutes {
		t.Error("no incoming record carries Farsta's decision")
	}
	if !slices.ContainsFunc(agg.Records, func(r ermsRecord) bool {
		return r.ID == "statement."+remiss.StatementAssignmentID(archivetest.RemissID) && r.RecordType == "tjänsteutlåtande" &&
			len(r.Actions) == 2 && strings.Contains(r.Actions[1], "Kommunstyrelsen antar programmet")
	}) {
		t.Error("kommunstyrelsen's statement's record lacks the decisions of its path")
	}

	// One changed byte, in a document and in the ERMS file, fails the checker.
	for _, file := range []string{"representations/rep1/data/", "metadata/descriptive/erms.xml"} {
		changed := changeByte(t, pkg, file)
		problems := earchive.Check(changed)
		if len(problems) == 0 {
			t.Errorf("a package with a byte changed in %s passes the checker", file)
		}
		for _, p := range problems {
			if !strings.HasPrefix(p.File, file) || !strings.Contains(p.Message, "kontrollsumman") {
				t.Errorf("changed %s: unexpected problem %s", file, p)
			}
		}
	}
}

// TestPartialDelivery exports a round still open: a partial delivery that
// passes the same checks.
func TestPartialDelivery(t *testing.T) {
	ctx := context.Background()
	st := dbtest.OpenSeeded(t)
	archivetest.OpenRound(t, st)
	c, err := earchive.Load(ctx, st, archivetest.RemissID, "admin", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !c.Partial || len(c.Records) < 2 {
		t.Fatalf("partial %v, %d records", c.Partial, len(c.Records))
	}
	var buf bytes.Buffer
	if err := earchive.Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	got := archivetest.Validate(t, buf.Bytes())
	if !strings.Contains(readFile(t, got.Dir, "documentation/leveransbeskrivning.txt"), "Delleverans") {
		t.Error("the documentation does not say it is a partial delivery")
	}
}

// ermsRecord is what the test reads of an ERMS record.
type ermsRecord struct {
	ID         string `xml:"systemIdentifier,attr"`
	RecordType string `xml:"recordType,attr"`
	Direction  struct {
		Definition string `xml:"directionDefinition,attr"`
	} `xml:"direction"`
	Agent       string   `xml:"agents>agent>name"`
	Actions     []string `xml:"action>actionText"`
	Restriction []struct {
		Type       string `xml:"restrictionType,attr"`
		Regulation string `xml:"regulation"`
	} `xml:"restriction"`
	Dates []struct {
		Type string `xml:"dateType,attr"`
	} `xml:"dates>date"`
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// changeByte is pkg with one byte changed in the first file whose path
// under the root folder starts with prefix.
func changeByte(t *testing.T, pkg []byte, prefix string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	done := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		_, rest, _ := strings.Cut(f.Name, "/")
		if !done && strings.HasPrefix(rest, prefix) {
			i := len(b) / 2
			for !unicode.IsLetter(rune(b[i])) && !unicode.IsDigit(rune(b[i])) || b[i] >= 0x80 { // keeps the XML well-formed
				i++
			}
			b[i] ^= 0x01
			done = true
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !done {
		t.Fatalf("no file %s in the package", prefix)
	}
	return out.Bytes()
}
