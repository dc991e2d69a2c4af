package earchive

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxPackage is the most a package may unpack to for Check, which reads it
// into memory.
const MaxPackage = 8 << 30

// Problem is one way a package fails the CSIP or SIP profile.
type Problem struct {
	File        string // the package's file it concerns, from the root folder
	Requirement string // the profile's ID (CSIP27, SIP2), or the structure rule (CSIPSTR1)
	Message     string // in Swedish
}

func (p Problem) String() string {
	return fmt.Sprintf("%s: %s: %s", p.File, p.Requirement, p.Message)
}

// CheckFile checks the package in the ZIP file at name.
func CheckFile(name string) ([]Problem, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return Check(data), nil
}

// Check checks a package (a ZIP) against the MUST requirements of the
// E-ARK CSIP 2.2 and SIP 2.2 profiles that apply to it (requirements
// lists them, each with the profile's XPath), and against its own
// listing: every file listed where it says, with the size and checksum it
// says, and every file of the package listed.
func Check(data []byte) []Problem {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return []Problem{{File: "", Requirement: "CSIPSTR1", Message: "filen är inte en läsbar ZIP: " + err.Error()}}
	}
	c := &checker{files: map[string][]byte{}, listed: map[string]bool{}}
	roots := map[string]bool{}
	var total uint64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		name := f.Name
		if strings.HasPrefix(name, "/") || slices.Contains(strings.Split(name, "/"), "..") || strings.Contains(name, "\\") {
			c.fail(name, "CSIPSTR1", "otillåten sökväg i paketet")
			continue
		}
		root, rest, ok := strings.Cut(name, "/")
		if !ok {
			c.fail(name, "CSIPSTR1", "filen ligger utanför paketets rotmapp")
			continue
		}
		roots[root] = true
		if total += f.UncompressedSize64; total > MaxPackage {
			c.fail(name, "CSIPSTR1", fmt.Sprintf("paketet packas upp till mer än %d GiB, mer än kontrollen läser", MaxPackage>>30))
			return c.problems
		}
		rc, err := f.Open()
		if err != nil {
			c.fail(name, "CSIPSTR1", "kan inte läsas: "+err.Error())
			continue
		}
		// The ZIP's stated size bounds what is read; a file longer than it
		// says fails its CRC.
		b, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
		rc.Close()
		if err == nil && uint64(len(b)) > f.UncompressedSize64 {
			err = errors.New("filen är längre än ZIP-filen anger")
		}
		if err != nil {
			c.fail(name, "CSIPSTR1", "kan inte läsas: "+err.Error())
			continue
		}
		c.files[rest] = b
	}
	if len(roots) != 1 {
		c.fail("", "CSIPSTR1", fmt.Sprintf("paketet ska ligga i exakt en rotmapp, har %d", len(roots)))
		return c.problems
	}
	for r := range roots {
		c.root = r
	}
	pkg := c.mets("METS.xml", false)
	if pkg == nil {
		return c.problems
	}
	if v := pkg.root.a("OBJID"); v != "" && v != c.root {
		c.fail("METS.xml", "CSIP1", fmt.Sprintf("OBJID %q är inte paketets rotmapp %q", v, c.root))
	}
	for _, div := range repDivs(pkg) {
		for _, m := range div.kids("mptr") {
			if href, ok := c.resolve(pkg, m.a("xlink:href")); ok {
				c.mets(href, true)
			}
		}
	}
	for _, name := range sortedKeys(c.files) {
		if !c.listed[name] {
			c.fail(name, "CSIPSTR", "filen finns i paketet men anges inte i någon METS-fil")
		}
	}
	return c.problems
}

type checker struct {
	root     string
	files    map[string][]byte // by path under the root folder
	listed   map[string]bool
	problems []Problem
}

func (c *checker) fail(file, req, msg string) {
	c.problems = append(c.problems, Problem{File: file, Requirement: req, Message: msg})
}

// target is a METS file under check.
type target struct {
	path string // under the root folder
	root *node
	rep  bool // a representation's METS, not the package's
}

// mets checks the METS file at p and the files it lists.
func (c *checker) mets(p string, rep bool) *target {
	data, ok := c.files[p]
	if !ok {
		req := "CSIPSTR4"
		if rep {
			req = "CSIP110"
		}
		c.fail(p, req, "METS-filen saknas")
		return nil
	}
	c.listed[p] = true
	root, err := parseXML(data)
	if err != nil {
		c.fail(p, "CSIPSTR4", "METS-filen är inte välformad XML: "+err.Error())
		return nil
	}
	if root.space != nsMETS || root.local != "mets" {
		c.fail(p, "CSIPSTR4", "rotelementet är inte METS:s mets")
		return nil
	}
	t := &target{path: p, root: root, rep: rep}
	for _, r := range requirements {
		if r.scope == packageOnly && rep {
			continue
		}
		for _, msg := range r.test(t) {
			c.fail(p, r.id, msg)
		}
	}
	c.uniqueIDs(t)
	for _, ref := range listings(t) {
		c.listing(t, ref)
	}
	return t
}

// uniqueIDs checks that each ID is used once (every CSIP identifier "must
// be unique within the XML-document") and that every reference by ID
// names an element of the file.
func (c *checker) uniqueIDs(t *target) {
	seen := map[string]bool{}
	var walk func(n *node)
	var refs []string
	walk = func(n *node) {
		if id, ok := n.attr("", "ID"); ok {
			if seen[id] {
				req, ok := idRequirement[n.local]
				if !ok {
					req = "CSIP67"
				}
				c.fail(t.path, req, fmt.Sprintf("ID %q används mer än en gång", id))
			}
			seen[id] = true
		}
		for _, name := range []string{"FILEID", "DMDID", "ADMID"} {
			if v, ok := n.attr("", name); ok {
				refs = append(refs, strings.Fields(v)...)
			}
		}
		for _, k := range n.children {
			walk(k)
		}
	}
	walk(t.root)
	for _, r := range refs {
		if !seen[r] {
			c.fail(t.path, "CSIP65", fmt.Sprintf("hänvisningen %q pekar inte på något ID i filen", r))
		}
	}
}

// idRequirement is the requirement that an element's ID be unique.
var idRequirement = map[string]string{"dmdSec": "CSIP18", "digiprovMD": "CSIP33", "rightsMD": "CSIP46", "fileSec": "CSIP59",
	"fileGrp": "CSIP65", "file": "CSIP67", "structMap": "CSIP83", "div": "CSIP85"}

// listed is a file a METS file lists, with what it says of it.
type listed struct {
	el                               *node // the file or mdRef element
	href                             string
	sizeReq, createdReq, checksumReq string
}

func listings(t *target) []listed {
	var out []listed
	for _, sec := range []struct{ path, size, created, checksum string }{
		{"dmdSec/mdRef", "CSIP27", "CSIP28", "CSIP29"},
		{"amdSec/digiprovMD/mdRef", "CSIP41", "CSIP42", "CSIP43"},
		{"amdSec/rightsMD/mdRef", "CSIP54", "CSIP55", "CSIP56"},
	} {
		for _, n := range t.root.path(sec.path) {
			out = append(out, listed{n, n.a("xlink:href"), sec.size, sec.created, sec.checksum})
		}
	}
	for _, f := range t.root.path("fileSec/fileGrp/file") {
		for _, l := range f.kids("FLocat") {
			out = append(out, listed{f, l.a("xlink:href"), "CSIP69", "CSIP70", "CSIP71"})
		}
	}
	return out
}

// resolve is href, a reference from the METS file t, as a path under the
// root folder; ok is false (and the problem recorded) when it leaves the
// package or is not a relative reference.
func (c *checker) resolve(t *target, href string) (string, bool) {
	if href == "" {
		return "", false
	}
	u, err := url.Parse(href)
	if err != nil || u.Scheme != "" && u.Scheme != "file" || u.Host != "" || strings.HasPrefix(u.Path, "/") {
		c.fail(t.path, "CSIP79", fmt.Sprintf("%q är inte en relativ hänvisning inom paketet", href))
		return "", false
	}
	p := path.Clean(path.Join(path.Dir(t.path), u.Path))
	if p == ".." || strings.HasPrefix(p, "../") {
		c.fail(t.path, "CSIP79", fmt.Sprintf("%q pekar utanför paketet", href))
		return "", false
	}
	return p, true
}

// listing checks a listed file: that it is there, with the size and the
// checksum the METS file gives, and a creation date that is a date.
func (c *checker) listing(t *target, l listed) {
	p, ok := c.resolve(t, l.href)
	if !ok {
		return
	}
	data, there := c.files[p]
	if !there {
		c.fail(t.path, l.checksumReq, fmt.Sprintf("%s anger %s, som saknas i paketet", l.el.label(), p))
		return
	}
	c.listed[p] = true
	if size, err := strconv.ParseInt(l.el.a("SIZE"), 10, 64); err == nil && size != int64(len(data)) {
		c.fail(p, l.sizeReq, fmt.Sprintf("storleken är %d byte, %s anger %d", len(data), t.path, size))
	}
	if v := l.el.a("CREATED"); v != "" && !isDateTime(v) {
		c.fail(t.path, l.createdReq, fmt.Sprintf("%s: CREATED %q är ingen tidpunkt (xs:dateTime)", l.el.label(), v))
	}
	want := l.el.a("CHECKSUM")
	if want == "" {
		return
	}
	h := hasher(l.el.a("CHECKSUMTYPE"))
	if h == nil {
		c.fail(t.path, l.checksumReq, fmt.Sprintf("%s: kontrollsummetypen %q kan inte kontrolleras", l.el.label(), l.el.a("CHECKSUMTYPE")))
		return
	}
	h.Write(data)
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, want) {
		c.fail(p, l.checksumReq, fmt.Sprintf("kontrollsumman är %s, %s anger %s: filen har ändrats", got, t.path, want))
	}
}

func hasher(kind string) hash.Hash {
	switch kind {
	case "SHA-256":
		return sha256.New()
	case "SHA-512":
		return sha512.New()
	case "SHA-1":
		return sha1.New()
	case "MD5":
		return md5.New()
	}
	return nil
}

// isDateTime reports whether s is an xs:dateTime.
func isDateTime(s string) bool {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
