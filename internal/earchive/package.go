package earchive

import (
	"archive/zip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

//go:embed schemas/*.xsd
var schemaFiles embed.FS

// Schemas are the schemas every package carries, by file name.
func Schemas() map[string][]byte {
	out := map[string][]byte{}
	names, _ := fs.Glob(schemaFiles, "schemas/*.xsd")
	for _, n := range names {
		b, _ := schemaFiles.ReadFile(n)
		out[strings.TrimPrefix(n, "schemas/")] = b
	}
	return out
}

// Version is the software version a package names: the module's version,
// else the VCS revision it was built from.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "okänd"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return "(devel)"
}

// RepName is the folder of the package's one representation.
const RepName = "rep1"

// entry is one file of a package.
type entry struct {
	path    string // under the package's root folder
	data    []byte
	created time.Time
}

func (e entry) sha256() string {
	sum := sha256.Sum256(e.data)
	return hex.EncodeToString(sum[:])
}

// PackageID is the package's OBJID and root folder: the round and the
// moment of delivery, so that each delivery of a case is its own package.
func PackageID(c Case) string {
	return "remiss-" + unsafeName.ReplaceAllString(c.RemissID, "_") + "-" + c.ExportedAt.UTC().Format("20060102T150405Z")
}

// Write writes the package of c to w as a ZIP.
func Write(w io.Writer, c Case) error {
	files, err := build(c)
	if err != nil {
		return err
	}
	z := zip.NewWriter(w)
	root := PackageID(c) + "/"
	for _, f := range files {
		h := &zip.FileHeader{Name: root + f.path, Method: zip.Deflate, Modified: f.created}
		if strings.HasSuffix(f.path, ".pdf") {
			h.Method = zip.Store // compressed already
		}
		fw, err := z.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return z.Close()
}

// build makes the package's files, the METS files last.
func build(c Case) ([]entry, error) {
	at := c.ExportedAt
	objID := PackageID(c)
	repDir := "representations/" + RepName + "/"

	// The representation: every stored document, byte for byte.
	rep := newMETS(objID+"-"+RepName, "Ärendets handlingar: "+c.Dnr, c, "../../schemas/")
	rep.FileSec.ID = "filesec-" + RepName
	data := fileGrp{ID: "grp-" + RepName + "-data", Use: "Representations/" + RepName + "/data", ContentType: ContentInformationType}
	var files []entry
	for i, r := range c.Records {
		e := entry{path: repDir + "data/" + r.Filename, data: r.Content, created: r.CreatedAt}
		if r.SHA256 != "" && !strings.EqualFold(r.SHA256, e.sha256()) {
			return nil, fmt.Errorf("earchive: dokumentet %s stämmer inte med sin lagrade kontrollsumma", r.DocumentID)
		}
		files = append(files, e)
		data.Files = append(data.Files, file(fmt.Sprintf("file-%s-%d", RepName, i+1), "application/pdf", "data/"+r.Filename, e, "PDF/A"))
	}
	rep.FileSec.Groups = []fileGrp{data}
	rep.StructMap.ID, rep.StructMap.Type, rep.StructMap.Label = "structmap-"+RepName, "PHYSICAL", "CSIP"
	rep.StructMap.Div = metsDiv{ID: "div-" + RepName, Label: objID + "-" + RepName, Divs: []metsDiv{
		{ID: "div-" + RepName + "-metadata", Label: "Metadata"},
		{ID: "div-" + RepName + "-data", Label: "Representations", Fptr: []fptr{{data.ID}}},
	}}
	repMETS, err := marshal(rep)
	if err != nil {
		return nil, err
	}
	repEntry := entry{path: repDir + "METS.xml", data: repMETS, created: at}

	// The descriptive metadata, the documentation and the schemas.
	ermsData, err := ermsXML(c, repDir+"data/")
	if err != nil {
		return nil, err
	}
	ermsEntry := entry{path: "metadata/descriptive/erms.xml", data: ermsData, created: at}
	doc := entry{path: "documentation/leveransbeskrivning.txt", data: []byte(description(c, objID)), created: at}
	files = append(files, ermsEntry, doc)

	m := newMETS(objID, "Ärendeakt "+c.Dnr+": "+c.Title, c, "schemas/")
	m.DmdSecs = []dmdSec{{ID: "dmd-erms", Created: dateTime(at), Status: "CURRENT", MdRef: mdRef{LocType: "URL", XlinkType: "simple",
		Href: ermsEntry.path, MDType: "OTHER", OtherMDType: "ERMS", MimeType: "application/xml", Size: len(ermsData),
		Created: dateTime(at), Checksum: ermsEntry.sha256(), ChecksumType: "SHA-256"}}}
	m.FileSec.ID = "filesec"
	docs := fileGrp{ID: "grp-documentation", Use: "Documentation", Files: []metsFile{file("file-documentation-1", "text/plain", doc.path, doc, "")}}
	schemas := fileGrp{ID: "grp-schemas", Use: "Schemas"}
	for i, name := range sortedKeys(Schemas()) {
		e := entry{path: "schemas/" + name, data: Schemas()[name], created: at}
		files = append(files, e)
		schemas.Files = append(schemas.Files, file(fmt.Sprintf("file-schema-%d", i+1), "application/xml", e.path, e, ""))
	}
	reps := fileGrp{ID: "grp-" + RepName, Use: "Representations/" + RepName, ContentType: ContentInformationType,
		Files: []metsFile{file("file-"+RepName+"-mets", "application/xml", repEntry.path, repEntry, "")}}
	m.FileSec.Groups = []fileGrp{docs, schemas, reps}
	m.StructMap.ID, m.StructMap.Type, m.StructMap.Label = "structmap", "PHYSICAL", "CSIP"
	m.StructMap.Div = metsDiv{ID: "div-package", Label: objID, Divs: []metsDiv{
		{ID: "div-metadata", Label: "Metadata", DMDID: "dmd-erms"},
		{ID: "div-documentation", Label: "Documentation", Fptr: []fptr{{docs.ID}}},
		{ID: "div-schemas", Label: "Schemas", Fptr: []fptr{{schemas.ID}}},
		{ID: "div-" + RepName, Label: "Representations/" + RepName,
			Mptr: &mptr{LocType: "URL", XlinkType: "simple", Href: repEntry.path, Title: reps.ID}},
	}}
	rootMETS, err := marshal(m)
	if err != nil {
		return nil, err
	}
	return append(files, repEntry, entry{path: "METS.xml", data: rootMETS, created: at}), nil
}

// description is the delivery's documentation: what the package holds, in
// words, for the archivist who receives it.
func description(c Case, objID string) string {
	var b strings.Builder
	kind := "Fullständig leverans: ärendet är avslutat."
	if c.Partial {
		kind = "Delleverans: ärendet är inte avslutat, och en senare leverans kan innehålla fler handlingar."
	}
	fmt.Fprintf(&b, "Leveransbeskrivning för %s\n\nÄrende: %s, %s\nArkivbildare: %s\nSkapad: %s av %s (%s)\n%s\n\n",
		objID, c.Dnr, c.Title, c.Owner.Name, dateTime(c.ExportedAt), c.ExportedBy.Name, c.ExportedBy.Organisation, kind)
	fmt.Fprintf(&b, "Ärendeakten beskrivs i metadata/descriptive/erms.xml (FGS Ärendehantering 2.0, E-ARK CITS ERMS 3.0).\n")
	fmt.Fprintf(&b, "Handlingarna ligger oförändrade, med sina elektroniska underskrifter, i representations/%s/data/:\n\n", RepName)
	for _, r := range c.Records {
		fmt.Fprintf(&b, "  %s  %s\n", r.Filename, r.Title)
	}
	fmt.Fprintf(&b, "\nVarje fil anges med storlek, datum och SHA-256-kontrollsumma i METS.xml och representations/%s/METS.xml.\n", RepName)
	return b.String()
}

func sortedKeys(m map[string][]byte) []string { return slices.Sorted(maps.Keys(m)) }
