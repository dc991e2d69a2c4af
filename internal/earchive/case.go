// Package earchive delivers a round to the e-archive: a submission
// information package (SIP) as Riksarkivet's FGS 2.0 asks for it, which is
// E-ARK's CSIP with the SIP profile (FGS Paketstruktur 2.0) and E-ARK's
// CITS ERMS 3.0 (FGS Ärendehantering 2.0) for the case file.
//
// A package is one ZIP with one root folder:
//
//	<OBJID>/METS.xml                           the package (CSIP, citserms_v3_0)
//	<OBJID>/metadata/descriptive/erms.xml      the case file (ERMS)
//	<OBJID>/documentation/leveransbeskrivning.txt
//	<OBJID>/schemas/*.xsd                      the schemas the XML files follow
//	<OBJID>/representations/rep1/METS.xml      the representation
//	<OBJID>/representations/rep1/data/*.pdf    every stored document, byte for byte
//
// Load reads a round from the store, Write makes the package and Check
// checks one against the CSIP and SIP profiles' MUST requirements.
package earchive

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Case is a round as the archive gets it: a case file (ERMS caseFile)
// with one record per handling.
type Case struct {
	RemissID    string
	Dnr         string
	Title       string
	Description string
	State       remiss.RemissState
	// Partial is a delivery before the case is done: the round is open, or
	// its sammanställning has not yet passed its decision path.
	Partial     bool
	CreatedAt   time.Time
	ClosedAt    *time.Time
	DecidedAt   *time.Time
	Deadline    time.Time // the svarsdatum
	Owner       Agent     // kommunstyrelsen, whose case it is
	Coordinator Agent     // the remissamordnare responsible for it
	Recipients  []Agent   // the remissinstanser, in launch order
	Records     []Record
	ExportedBy  Agent // who made the package
	ExportedAt  time.Time
}

// Agent is an organisation or a person named in the package.
type Agent struct {
	Name         string
	Organisation string // a person's organisation
	Code         string // an organisation's code in Remiss
}

// Direction is how a handling moved: ERMS's directionDefinition.
type Direction string

const (
	Incoming         Direction = "incoming"
	Outgoing         Direction = "outgoing"
	InternalFollowUp Direction = "internal_memo_for_follow-up"
	Internal         Direction = "internal_memo_without_follow-up"
)

// Record is one handling: a stored document with what the diarium says
// of it.
type Record struct {
	DocumentID   string
	Kind         string // the documents table's kind
	Title        string
	Direction    Direction
	Organisation Agent // who wrote or sent it
	CreatedAt    time.Time
	Decisions    []Decision // the decisions it carries or records
	// Restrictions are the secrecy markings on the handling (OSL 5 kap.
	// 5 §), each written as an ERMS restriction: Load gives the document's
	// sekretessmarkering (document_secrecy).
	Restrictions []Restriction
	Filename     string // the file's name under data/
	Content      []byte
	SHA256       string // as stored
}

// Decision is a decision on a handling: a nämnd's or a step of the
// sammanställning's path, or the approval on delegation.
type Decision struct {
	Body      string // who decided
	Verdict   string // in words: "Bifall till förslaget"
	Paragraph string // "§ 12", "" on delegation
	Date      time.Time
	Wording   string // the wording of a changed decision
	Final     bool   // the final body's decision on the sammanställning
}

// Restriction is a secrecy marking: the provision that covers the handling,
// when and by whom it was marked, and the title the public may see.
type Restriction struct {
	Provision   string // "OSL 18 kap. 8 §"
	PublicTitle string
	MarkedAt    time.Time
	MarkedBy    Agent
}

// Load reads the round id as a case file, for a package made by the user
// by at at.
func Load(ctx context.Context, st *store.Store, id, by string, at time.Time) (Case, error) {
	r, err := st.Remiss(ctx, id)
	if err != nil {
		return Case{}, err
	}
	orgs := map[string]remiss.Org{}
	org := func(code string) Agent {
		o, ok := orgs[code]
		if !ok {
			if o, err = st.Org(ctx, code); err != nil {
				o = remiss.Org{Code: code, Name: code}
			}
			orgs[code] = o
		}
		return Agent{Name: o.Name, Code: o.Code}
	}
	person := func(username string) Agent {
		u, err := st.User(ctx, username)
		if err != nil {
			return Agent{Name: username}
		}
		return Agent{Name: nonEmpty(u.DisplayName, u.Username), Organisation: org(u.Org).Name, Code: u.Org}
	}
	c := Case{
		RemissID: r.ID, Dnr: r.Dnr, Title: r.Title, Description: r.Description, State: r.State,
		Partial:   r.State == remiss.RemissOpen || r.State == remiss.RemissClosed && r.DecidedAt == nil,
		CreatedAt: r.CreatedAt, ClosedAt: r.ClosedAt, DecidedAt: r.DecidedAt,
		Owner: org(remiss.KS), Coordinator: person(r.Coordinator),
		ExportedBy: person(by), ExportedAt: at,
	}
	if d, err := time.ParseInLocation(remiss.DateLayout, r.Deadline, remiss.Stockholm); err == nil {
		c.Deadline = d
	}
	for _, code := range r.Recipients {
		c.Recipients = append(c.Recipients, org(code))
	}
	asgs, err := st.Assignments(ctx, id)
	if err != nil {
		return Case{}, err
	}
	orgOf := map[string]string{}
	for _, a := range asgs {
		orgOf[a.ID] = a.Org
	}
	decisions, err := st.Decisions(ctx, id)
	if err != nil {
		return Case{}, err
	}
	docs, err := st.Documents(ctx, id)
	if err != nil {
		return Case{}, err
	}
	names := map[string]bool{}
	for _, d := range docs {
		kind := d.Kind
		if ksStatement(d) {
			kind = "ks-statement"
		}
		rec := Record{DocumentID: d.ID, Kind: kind, CreatedAt: d.CreatedAt, Content: d.Content, SHA256: d.SHA256,
			Filename: fileName(d.ID, names), Organisation: c.Owner}
		if code := orgOf[d.AssignmentID]; code != "" {
			rec.Organisation = org(code)
		}
		if m := d.Secrecy; m != nil {
			rec.Restrictions = []Restriction{{Provision: m.Provision, PublicTitle: m.PublicTitle, MarkedAt: m.MarkedAt, MarkedBy: person(m.MarkedBy)}}
		}
		rec.Decisions = decisionsOf(d, decisions)
		rec.Title, rec.Direction = describe(d, r, rec.Organisation, rec.Decisions)
		c.Records = append(c.Records, rec)
	}
	return c, nil
}

// ksStatement reports whether d is kommunstyrelsen's own tjänsteutlåtande
// on the round's answers.
func ksStatement(d store.Document) bool {
	return d.Kind == "statement" && d.AssignmentID == remiss.StatementAssignmentID(d.RemissID)
}

// describe is a handling's title and direction, seen from kommunstyrelsen,
// whose case file it is.
func describe(d store.Document, r store.Remiss, from Agent, decisions []Decision) (string, Direction) {
	if ksStatement(d) {
		return "Kommunstyrelsens tjänsteutlåtande över remissvaren: " + r.Title, InternalFollowUp
	}
	switch d.Kind {
	case "missiv":
		return "Missiv: " + r.Title, Outgoing
	case "underlag":
		return "Remissunderlag: " + r.Title, Outgoing
	case "statement":
		return "Yttrande från " + from.Name, Incoming
	case "bilaga":
		return "Bilaga till yttrande från " + from.Name + ": " + d.Filename, Incoming
	case "received":
		return "Yttrande från " + from.Name + " som det inkom, före kommunstyrelsens försegling", Incoming
	case "minutes":
		if d.AssignmentID != "" {
			return "Protokollsutdrag, " + from.Name, Incoming
		}
		if len(decisions) == 0 {
			return "Protokollsutdrag i beslutsgången", Internal
		}
		// The final body's goes to every recipient.
		if decisions[0].Final {
			return "Protokollsutdrag, " + decisions[0].Body, Outgoing
		}
		return "Protokollsutdrag, " + decisions[0].Body, Internal
	}
	return d.Filename, Internal
}

// decisionsOf are the decisions a document records (a protokollsutdrag),
// carries (a statement, decided on delegation or by its nämnd) or passes
// through (kommunstyrelsen's own statement, on its decision path), in order.
func decisionsOf(d store.Document, all []store.Decision) []Decision {
	var out []Decision
	for _, x := range all {
		var of bool
		switch {
		case d.Kind == "minutes":
			of = x.DocumentID == d.ID
		case ksStatement(d):
			of = x.Step != ""
		case d.Kind == "statement":
			of = d.AssignmentID != "" && x.AssignmentID == d.AssignmentID && (x.Verdict.Final() || x.Verdict == remiss.VerdictDelegation)
		}
		if !of {
			continue
		}
		date := x.RecordedAt
		if t, err := time.ParseInLocation(remiss.DateLayout, x.HeldOn, remiss.Stockholm); err == nil {
			date = t
		}
		out = append(out, Decision{Body: x.Body, Verdict: x.Verdict.Label(), Paragraph: x.Paragraph, Date: date, Wording: x.Wording,
			Final: x.Verdict == remiss.VerdictBeslut})
	}
	slices.SortStableFunc(out, func(a, b Decision) int { return a.Date.Compare(b.Date) })
	return out
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName is a document's file name under data/: its ID, made safe for
// every file system, and unique in the package.
func fileName(id string, taken map[string]bool) string {
	base := unsafeName.ReplaceAllString(id, "_")
	name := base + ".pdf"
	for n := 2; taken[name]; n++ {
		name = fmt.Sprintf("%s-%d.pdf", base, n)
	}
	taken[name] = true
	return name
}

func nonEmpty(values ...string) string {
	if i := slices.IndexFunc(values, func(v string) bool { return v != "" }); i >= 0 {
		return values[i]
	}
	return ""
}
