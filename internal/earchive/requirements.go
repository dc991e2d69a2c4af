package earchive

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The MUST requirements of E-ARK CSIP 2.2 (E-ARK-CSIP-v2-2-0.profile.xml)
// and SIP 2.2 (E-ARK-SIP-v2-2-0.profile.xml), each with the XPath and the
// cardinality the profile gives. How they are read where the profile's
// XPaths say less than its text:
//
//   - A requirement on an element's attributes applies to each such
//     element that is there; whether the element must be there is its own
//     requirement (a dmdSec, amdSec or rightsMD is SHOULD or MAY, so their
//     MUST requirements apply when they are used).
//   - CSIP11 to CSIP16 are about the one software agent (ROLE CREATOR,
//     TYPE OTHER, OTHERTYPE SOFTWARE); the SIP profile adds the submitting
//     organisation and contact persons, also with ROLE CREATOR.
//   - The package METS has the Documentation and Schemas file groups and
//     divisions and a division per representation with its mptr (CSIP106
//     to CSIP112, divisions labelled "Representations/<name>"); a
//     representation's METS has a division labelled "Representations"
//     pointing to its data file group (CSIP102, CSIP103, CSIP119), which the
//     package METS may also have.
//   - The test compares this list with the profiles: every MUST is here.

type scope int

const (
	everyMETS   scope = iota // the package's METS and each representation's
	packageOnly              // the package's METS
)

type requirement struct {
	id    string
	also  []string // further requirements of the profiles this test checks
	xpath string   // as the profile gives it
	scope scope
	test  func(t *target) []string
}

var requirements = func() []requirement {
	r := []requirement{
		{id: "CSIP1", xpath: "mets/@OBJID", test: each("", "OBJID")},
		{id: "CSIP2", xpath: "mets/@TYPE", test: contentCategory},
		{id: "CSIP6", xpath: "mets/@PROFILE", test: each("", "PROFILE")},
		{id: "CSIP117", xpath: "mets/metsHdr", test: count("metsHdr", 1, 1)},
		{id: "CSIP7", xpath: "mets/metsHdr/@CREATEDATE", test: dates("metsHdr", "CREATEDATE")},
		{id: "CSIP9", xpath: "mets/metsHdr/@csip:OAISPACKAGETYPE", test: oneOf("metsHdr", "csip:OAISPACKAGETYPE", "SIP", "AIP", "DIP", "AIU", "AIC")},
		{id: "CSIP10", xpath: "mets/metsHdr/agent", test: count("metsHdr/agent", 1, -1)},
		{id: "CSIP11", also: []string{"CSIP12", "CSIP13"}, xpath: "mets/metsHdr/agent[@ROLE='CREATOR']", test: softwareAgent},
		{id: "CSIP14", xpath: "mets/metsHdr/agent/name", test: softwareAgentHas("name", "")},
		{id: "CSIP15", xpath: "mets/metsHdr/agent/note", test: softwareAgentHas("note", "")},
		{id: "CSIP16", xpath: "mets/metsHdr/agent/note[@csip:NOTETYPE='SOFTWARE VERSION']", test: softwareAgentHas("note", "SOFTWARE VERSION")},
		{id: "CSIP18", xpath: "mets/dmdSec/@ID", test: each("dmdSec", "ID")},
		{id: "CSIP19", xpath: "mets/dmdSec/@CREATED", test: dates("dmdSec", "CREATED")},
		{id: "CSIP33", xpath: "mets/amdSec/digiprovMD/@ID", test: each("amdSec/digiprovMD", "ID")},
		{id: "CSIP46", xpath: "mets/amdSec/rightsMD/@ID", test: each("amdSec/rightsMD", "ID")},
	}
	// The references to metadata files: dmdSec, digiprovMD and rightsMD.
	for _, sec := range []struct {
		path  string
		first int
	}{{"dmdSec", 22}, {"amdSec/digiprovMD", 36}, {"amdSec/rightsMD", 49}} {
		p := sec.path + "/mdRef"
		id := func(i int) string { return "CSIP" + strconv.Itoa(sec.first+i) }
		r = append(r,
			requirement{id: id(0), xpath: "mets/" + p + "[@LOCTYPE='URL']", test: value(p, "LOCTYPE", "URL")},
			requirement{id: id(1), xpath: "mets/" + p + "[@xlink:type='simple']", test: value(p, "xlink:type", "simple")},
			requirement{id: id(2), xpath: "mets/" + p + "/@xlink:href", test: each(p, "xlink:href")},
			requirement{id: id(3), xpath: "mets/" + p + "/@MDTYPE", test: each(p, "MDTYPE")},
			requirement{id: id(4), xpath: "mets/" + p + "/@MIMETYPE", test: each(p, "MIMETYPE")},
			requirement{id: id(5), xpath: "mets/" + p + "/@SIZE", test: sizes(p)},
			requirement{id: id(6), xpath: "mets/" + p + "/@CREATED", test: dates(p, "CREATED")},
			requirement{id: id(7), xpath: "mets/" + p + "/@CHECKSUM", test: each(p, "CHECKSUM")},
			requirement{id: id(8), xpath: "mets/" + p + "/@CHECKSUMTYPE", test: each(p, "CHECKSUMTYPE")},
		)
	}
	const csipMap = "mets/structMap[@LABEL='CSIP']"
	r = append(r,
		requirement{id: "CSIP59", xpath: "mets/fileSec/@ID", test: each("fileSec", "ID")},
		requirement{id: "CSIP60", xpath: "mets/fileSec/fileGrp[@USE='Documentation']", scope: packageOnly, test: groups("Documentation", false)},
		requirement{id: "CSIP113", xpath: "mets/fileSec/fileGrp[@USE='Schemas']", scope: packageOnly, test: groups("Schemas", false)},
		requirement{id: "CSIP114", xpath: "mets/fileSec/fileGrp[@USE=[starts-with('Representations')]]", test: groups("Representations", true)},
		requirement{id: "CSIP64", xpath: "mets/fileSec/fileGrp/@USE", test: each("fileSec/fileGrp", "USE")},
		requirement{id: "CSIP65", xpath: "mets/fileSec/fileGrp/@ID", test: each("fileSec/fileGrp", "ID")},
		requirement{id: "CSIP66", xpath: "mets/fileSec/fileGrp/file", test: within("fileSec/fileGrp", "file", 1, -1)},
		requirement{id: "CSIP67", xpath: "mets/fileSec/fileGrp/file/@ID", test: each("fileSec/fileGrp/file", "ID")},
		requirement{id: "CSIP68", xpath: "mets/fileSec/fileGrp/file/@MIMETYPE", test: each("fileSec/fileGrp/file", "MIMETYPE")},
		requirement{id: "CSIP69", xpath: "mets/fileSec/fileGrp/file/@SIZE", test: sizes("fileSec/fileGrp/file")},
		requirement{id: "CSIP70", xpath: "mets/fileSec/fileGrp/file/@CREATED", test: dates("fileSec/fileGrp/file", "CREATED")},
		requirement{id: "CSIP71", xpath: "mets/fileSec/fileGrp/file/@CHECKSUM", test: each("fileSec/fileGrp/file", "CHECKSUM")},
		requirement{id: "CSIP72", xpath: "mets/fileSec/fileGrp/file/@CHECKSUMTYPE", test: each("fileSec/fileGrp/file", "CHECKSUMTYPE")},
		requirement{id: "CSIP76", xpath: "mets/fileSec/fileGrp/file/FLocat", test: within("fileSec/fileGrp/file", "FLocat", 1, 1)},
		requirement{id: "CSIP77", xpath: "mets/fileSec/fileGrp/file/FLocat[@LOCTYPE='URL']", test: value("fileSec/fileGrp/file/FLocat", "LOCTYPE", "URL")},
		requirement{id: "CSIP78", xpath: "mets/fileSec/fileGrp/file/FLocat[@xlink:type='simple']", test: value("fileSec/fileGrp/file/FLocat", "xlink:type", "simple")},
		requirement{id: "CSIP79", xpath: "mets/fileSec/fileGrp/file/FLocat/@xlink:href", test: each("fileSec/fileGrp/file/FLocat", "xlink:href")},
		requirement{id: "CSIP80", xpath: "mets/structMap", test: count("structMap", 1, -1)},
		requirement{id: "CSIP82", xpath: "mets/structMap[@LABEL='CSIP']", test: csipStructMap},
		requirement{id: "CSIP81", xpath: "mets/structMap[@TYPE='PHYSICAL']", test: onCSIPMap(func(m *node) []string {
			if v := m.a("TYPE"); v != "PHYSICAL" {
				return []string{fmt.Sprintf("strukturkartan CSIP har TYPE %q, ska vara \"PHYSICAL\"", v)}
			}
			return nil
		})},
		requirement{id: "CSIP83", xpath: csipMap + "/@ID", test: onCSIPMap(func(m *node) []string { return need(m, "ID") })},
		requirement{id: "CSIP84", xpath: csipMap + "/div", test: onCSIPMap(func(m *node) []string { return cardinality(m, "div", 1, 1) })},
		requirement{id: "CSIP85", xpath: csipMap + "/div/@ID", test: onPackageDiv(func(d *node) []string { return need(d, "ID") })},
		requirement{id: "CSIP88", also: []string{"CSIP90"}, xpath: csipMap + "/div/div[@LABEL='Metadata']", test: division("Metadata", true)},
		requirement{id: "CSIP89", xpath: csipMap + "/div/div[@LABEL='Metadata']/@ID", test: onDivision("Metadata", func(d *node) []string { return need(d, "ID") })},
		requirement{id: "CSIP95", xpath: csipMap + "/div/div[@LABEL='Documentation']", scope: packageOnly, test: division("Documentation", true)},
		requirement{id: "CSIP94", xpath: csipMap + "/div/div[@LABEL='Documentation']/@ID", test: onDivision("Documentation", func(d *node) []string { return need(d, "ID") })},
		requirement{id: "CSIP116", xpath: csipMap + "/div/div[@LABEL='Documentation']/fptr/@FILEID", test: pointsToGroups("Documentation", false)},
		requirement{id: "CSIP99", xpath: csipMap + "/div/div[@LABEL='Schemas']", scope: packageOnly, test: division("Schemas", true)},
		requirement{id: "CSIP98", xpath: csipMap + "/div/div[@LABEL='Schemas']/@ID", test: onDivision("Schemas", func(d *node) []string { return need(d, "ID") })},
		requirement{id: "CSIP118", xpath: csipMap + "/div/div[@LABEL='Schemas']/fptr/@FILEID", test: pointsToGroups("Schemas", false)},
		requirement{id: "CSIP103", xpath: csipMap + "/div/div[@LABEL='Representations']", test: func(t *target) []string { return division("Representations", t.rep)(t) }},
		requirement{id: "CSIP102", xpath: csipMap + "/div/div[@LABEL='Representations']/@ID", test: onDivision("Representations", func(d *node) []string { return need(d, "ID") })},
		requirement{id: "CSIP119", xpath: csipMap + "/div/div[@LABEL='Representations']/fptr/@FILEID", test: pointsToGroups("Representations", true)},
		requirement{id: "CSIP106", xpath: csipMap + "/div/div/@ID", test: onRepDivs(func(_ *target, d *node) []string { return need(d, "ID") })},
		requirement{id: "CSIP107", xpath: csipMap + "/div/div/@LABEL", test: repDivLabels},
		requirement{id: "CSIP108", xpath: csipMap + "/div/div/mptr/@xlink:title", test: onRepDivs(repGroupTitle)},
		requirement{id: "CSIP109", xpath: csipMap + "/div/div/mptr", test: onRepDivs(func(_ *target, d *node) []string { return cardinality(d, "mptr", 1, 1) })},
		requirement{id: "CSIP110", xpath: "mets/structMap/div/div/mptr/@xlink:href", test: onMptrs(func(m *node) []string { return need(m, "xlink:href") })},
		requirement{id: "CSIP111", xpath: "mets/structMap/div/div/mptr[@xlink:type='simple']", test: onMptrs(func(m *node) []string { return equal(m, "xlink:type", "simple") })},
		requirement{id: "CSIP112", xpath: "mets/structMap/div/div/mptr[@LOCTYPE='URL']", test: onMptrs(func(m *node) []string { return equal(m, "LOCTYPE", "URL") })},

		// The SIP profile.
		requirement{id: "SIP2", xpath: "mets/@PROFILE", test: value("", "PROFILE", ProfileSIP)},
		requirement{id: "SIP4", xpath: "metsHdr/@csip:OAISPACKAGETYPE", test: value("metsHdr", "csip:OAISPACKAGETYPE", "SIP")},
		requirement{id: "SIP10", also: []string{"SIP11", "SIP12"}, xpath: "metsHdr/agent/@ROLE", test: agents("ARCHIVIST", "ORGANIZATION", "INDIVIDUAL")},
		requirement{id: "SIP14", xpath: "metsHdr/agent/note/@csip:NOTETYPE", test: agentNotes("ARCHIVIST", "")},
		requirement{id: "SIP15", also: []string{"SIP16", "SIP17", "SIP18", "SIP22", "SIP23", "SIP24"}, xpath: "metsHdr/agent", test: submitter},
		requirement{id: "SIP20", xpath: "metsHdr/agent/note/@csip:NOTETYPE", test: agentNotes("CREATOR", "ORGANIZATION")},
		requirement{id: "SIP27", also: []string{"SIP28", "SIP29"}, xpath: "metsHdr/agent/@ROLE", test: agents("PRESERVATION", "ORGANIZATION")},
		requirement{id: "SIP31", xpath: "metsHdr/agent/note/@csip:NOTETYPE", test: agentNotes("PRESERVATION", "")},
	)
	return r
}()

// each: every element at p has the attributes, not blank.
func each(p string, attrs ...string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, n := range t.root.path(p) {
			out = append(out, need(n, attrs...)...)
		}
		return out
	}
}

func need(n *node, attrs ...string) []string {
	var out []string
	for _, a := range attrs {
		if !n.has(a) {
			out = append(out, fmt.Sprintf("%s saknar @%s", n.label(), a))
		}
	}
	return out
}

func equal(n *node, attr, want string) []string {
	if v := n.a(attr); v != want {
		return []string{fmt.Sprintf("%s har @%s %q, ska vara %q", n.label(), attr, v, want)}
	}
	return nil
}

// value: every element at p has the attribute with the value want.
func value(p, attr, want string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, n := range t.root.path(p) {
			out = append(out, equal(n, attr, want)...)
		}
		return out
	}
}

// oneOf: every element at p has the attribute with one of the values.
func oneOf(p, attr string, values ...string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, n := range t.root.path(p) {
			if v := n.a(attr); !slices.Contains(values, v) {
				out = append(out, fmt.Sprintf("%s har @%s %q, ska vara en av %s", n.label(), attr, v, strings.Join(values, ", ")))
			}
		}
		return out
	}
}

// dates: every element at p has the attribute, an xs:dateTime.
func dates(p, attr string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, n := range t.root.path(p) {
			if !n.has(attr) {
				out = append(out, fmt.Sprintf("%s saknar @%s", n.label(), attr))
			} else if !isDateTime(n.a(attr)) {
				out = append(out, fmt.Sprintf("%s: @%s %q är ingen tidpunkt (xs:dateTime)", n.label(), attr, n.a(attr)))
			}
		}
		return out
	}
}

// sizes: every element at p has a SIZE in bytes.
func sizes(p string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, n := range t.root.path(p) {
			if v := n.a("SIZE"); v == "" {
				out = append(out, fmt.Sprintf("%s saknar @SIZE", n.label()))
			} else if s, err := strconv.ParseInt(v, 10, 64); err != nil || s < 0 {
				out = append(out, fmt.Sprintf("%s: @SIZE %q är inget antal byte", n.label(), v))
			}
		}
		return out
	}
}

func cardinality(n *node, child string, lo, hi int) []string {
	got := len(n.kids(child))
	if got < lo || hi >= 0 && got > hi {
		return []string{fmt.Sprintf("%s har %d %s, ska ha %s", n.label(), got, child, between(lo, hi))}
	}
	return nil
}

func between(lo, hi int) string {
	switch {
	case hi < 0:
		return fmt.Sprintf("minst %d", lo)
	case lo == hi:
		return fmt.Sprintf("exakt %d", lo)
	}
	return fmt.Sprintf("%d till %d", lo, hi)
}

// count: the number of elements at p.
func count(p string, lo, hi int) func(*target) []string {
	return func(t *target) []string {
		got := len(t.root.path(p))
		if got < lo || hi >= 0 && got > hi {
			return []string{fmt.Sprintf("mets/%s finns %d gånger, ska finnas %s", p, got, between(lo, hi))}
		}
		return nil
	}
}

// within: each element at p has between lo and hi children named child.
func within(p, child string, lo, hi int) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, n := range t.root.path(p) {
			out = append(out, cardinality(n, child, lo, hi)...)
		}
		return out
	}
}

func contentCategory(t *target) []string {
	out := need(t.root, "TYPE")
	if t.root.a("TYPE") == "OTHER" && !t.root.has("csip:OTHERTYPE") {
		out = append(out, `mets har TYPE "OTHER" men saknar @csip:OTHERTYPE`)
	}
	return out
}

func agentsWith(t *target, role string, types ...string) []*node {
	var out []*node
	for _, a := range t.root.path("metsHdr/agent") {
		if a.a("ROLE") == role && (len(types) == 0 || slices.Contains(types, a.a("TYPE"))) {
			out = append(out, a)
		}
	}
	return out
}

func softwareAgents(t *target) []*node {
	var out []*node
	for _, a := range agentsWith(t, "CREATOR", "OTHER") {
		if a.a("OTHERTYPE") == "SOFTWARE" {
			out = append(out, a)
		}
	}
	return out
}

func softwareAgent(t *target) []string {
	if n := len(softwareAgents(t)); n != 1 {
		return []string{fmt.Sprintf(`metsHdr har %d agenter med ROLE "CREATOR", TYPE "OTHER" och OTHERTYPE "SOFTWARE" (programvaran som skapade paketet), ska ha exakt 1`, n)}
	}
	return nil
}

// softwareAgentHas: the software agent has one child element, with the
// csip:NOTETYPE noteType when that is set.
func softwareAgentHas(child, noteType string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, a := range softwareAgents(t) {
			kids := a.kids(child)
			if len(kids) != 1 || strings.TrimSpace(kids[0].text) == "" {
				out = append(out, fmt.Sprintf("programvaruagenten ska ha exakt ett %s med innehåll, har %d", child, len(kids)))
				continue
			}
			if noteType != "" {
				out = append(out, equal(kids[0], "csip:NOTETYPE", noteType)...)
			}
		}
		return out
	}
}

// agents: each agent in role is of one of the types and has one name.
func agents(role string, types ...string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, a := range agentsWith(t, role) {
			if !slices.Contains(types, a.a("TYPE")) {
				out = append(out, fmt.Sprintf("agenten med ROLE %q har TYPE %q, ska vara %s", role, a.a("TYPE"), strings.Join(types, " eller ")))
			}
			if n := a.kids("name"); len(n) != 1 || strings.TrimSpace(n[0].text) == "" {
				out = append(out, fmt.Sprintf("agenten med ROLE %q ska ha exakt ett name med innehåll", role))
			}
		}
		return out
	}
}

// agentNotes: the notes of the agents in role (and of type, if set) are
// typed IDENTIFICATIONCODE.
func agentNotes(role, typ string) func(*target) []string {
	return func(t *target) []string {
		var types []string
		if typ != "" {
			types = []string{typ}
		}
		var out []string
		for _, a := range agentsWith(t, role, types...) {
			for _, n := range a.kids("note") {
				if v := n.a("csip:NOTETYPE"); v != "IDENTIFICATIONCODE" {
					out = append(out, fmt.Sprintf("anteckningen till agenten med ROLE %q har csip:NOTETYPE %q, ska vara \"IDENTIFICATIONCODE\"", role, v))
				}
			}
		}
		return out
	}
}

// submitter: the submitting agent (SIP15 to SIP18) and the contact persons
// (SIP22 to SIP24), ROLE CREATOR, an organisation or a person, named.
func submitter(t *target) []string {
	list := agentsWith(t, "CREATOR", "ORGANIZATION", "INDIVIDUAL")
	if len(list) == 0 {
		return []string{`metsHdr saknar den inlämnande agenten (ROLE "CREATOR", TYPE "ORGANIZATION" eller "INDIVIDUAL")`}
	}
	var out []string
	for _, a := range list {
		if n := a.kids("name"); len(n) != 1 || strings.TrimSpace(n[0].text) == "" {
			out = append(out, fmt.Sprintf("den inlämnande agenten (TYPE %q) ska ha exakt ett name med innehåll", a.a("TYPE")))
		}
	}
	return out
}

// groups: at least one file group used for use (or, with prefix, whose
// use starts with it).
func groups(use string, prefix bool) func(*target) []string {
	return func(t *target) []string {
		if len(groupsFor(t, use, prefix)) == 0 {
			return []string{fmt.Sprintf("fileSec saknar fileGrp med USE %q", use)}
		}
		return nil
	}
}

func groupsFor(t *target, use string, prefix bool) []*node {
	var out []*node
	for _, g := range t.root.path("fileSec/fileGrp") {
		if u := g.a("USE"); u == use || prefix && strings.HasPrefix(u, use+"/") {
			out = append(out, g)
		}
	}
	return out
}

func csipMaps(t *target) []*node {
	var out []*node
	for _, m := range t.root.kids("structMap") {
		if m.a("LABEL") == "CSIP" {
			out = append(out, m)
		}
	}
	return out
}

func csipStructMap(t *target) []string {
	if n := len(csipMaps(t)); n != 1 {
		return []string{fmt.Sprintf(`mets har %d structMap med LABEL "CSIP", ska ha exakt 1`, n)}
	}
	return nil
}

func onCSIPMap(f func(*node) []string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, m := range csipMaps(t) {
			out = append(out, f(m)...)
		}
		return out
	}
}

// packageDivs are the CSIP structural map's top divisions.
func packageDivs(t *target) []*node {
	var out []*node
	for _, m := range csipMaps(t) {
		out = append(out, m.kids("div")...)
	}
	return out
}

func onPackageDiv(f func(*node) []string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, d := range packageDivs(t) {
			out = append(out, f(d)...)
		}
		return out
	}
}

// divisions are the divisions under the package division labelled label.
func divisions(t *target, label string) []*node {
	var out []*node
	for _, p := range packageDivs(t) {
		for _, d := range p.kids("div") {
			if d.a("LABEL") == label {
				out = append(out, d)
			}
		}
	}
	return out
}

// division: exactly one division labelled label (none allowed unless
// required).
func division(label string, required bool) func(*target) []string {
	return func(t *target) []string {
		n := len(divisions(t, label))
		if n > 1 || required && n == 0 {
			return []string{fmt.Sprintf("strukturkartan CSIP har %d div med LABEL %q, ska ha exakt 1", n, label)}
		}
		return nil
	}
}

func onDivision(label string, f func(*node) []string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, d := range divisions(t, label) {
			out = append(out, f(d)...)
		}
		return out
	}
}

// pointsToGroups: the division labelled use points (fptr/@FILEID) to the
// file groups for use, and to nothing else.
func pointsToGroups(use string, prefix bool) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, d := range divisions(t, use) {
			ptrs := d.kids("fptr")
			if len(ptrs) == 0 {
				out = append(out, fmt.Sprintf("div %q saknar fptr till fileGrp %q", use, use))
			}
			for _, p := range ptrs {
				id := p.a("FILEID")
				if !slices.ContainsFunc(groupsFor(t, use, prefix), func(g *node) bool { return g.a("ID") == id }) {
					out = append(out, fmt.Sprintf("div %q: fptr FILEID %q är inte ID för en fileGrp med USE %q", use, id, use))
				}
			}
		}
		return out
	}
}

// repDivs are the representations' divisions: labelled
// "Representations/<name>".
func repDivs(t *target) []*node {
	var out []*node
	for _, p := range packageDivs(t) {
		for _, d := range p.kids("div") {
			if strings.HasPrefix(d.a("LABEL"), "Representations/") {
				out = append(out, d)
			}
		}
	}
	return out
}

func onRepDivs(f func(*target, *node) []string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, d := range repDivs(t) {
			out = append(out, f(t, d)...)
		}
		return out
	}
}

func onMptrs(f func(*node) []string) func(*target) []string {
	return func(t *target) []string {
		var out []string
		for _, m := range t.root.path("structMap/div/div/mptr") {
			out = append(out, f(m)...)
		}
		return out
	}
}

// repGroup is the file group a representation's mptr names by its
// xlink:title.
func repGroup(t *target, d *node) *node {
	for _, m := range d.kids("mptr") {
		for _, g := range groupsFor(t, "Representations", true) {
			if g.a("ID") == m.a("xlink:title") {
				return g
			}
		}
	}
	return nil
}

func repGroupTitle(t *target, d *node) []string {
	if repGroup(t, d) == nil {
		return []string{fmt.Sprintf("%s: mptr/@xlink:title är inte ID för en fileGrp med USE \"Representations/…\"", d.label())}
	}
	return nil
}

// repDivLabels: the package has a division per representation, each
// labelled with the use of its file group: "Representations/<name>".
func repDivLabels(t *target) []string {
	if t.rep {
		return nil
	}
	divs := repDivs(t)
	if len(divs) == 0 {
		return []string{`strukturkartan CSIP saknar div med LABEL "Representations/<namn>" för representationerna`}
	}
	var out []string
	for _, d := range divs {
		if g := repGroup(t, d); g != nil && g.a("USE") != d.a("LABEL") {
			out = append(out, fmt.Sprintf("%s har LABEL %q men dess fileGrp har USE %q", d.label(), d.a("LABEL"), g.a("USE")))
		}
	}
	return out
}
