package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/textdiff"
)

// An ärende's history: the timeline of its audit trail in words, oldest
// first, and every version of the answer submitted for approval, read
// only, each with what changed since the one before.

func (s *Server) historyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /uppdrag/{id}/historik", s.page(s.historyPage))
}

// historyEvent is one line of the timeline.
type historyEvent struct {
	At        time.Time
	Who, What string
	// NoteLabel and Note are the words written with the action, when the
	// reader may read them (remiss.MayReadNote).
	NoteLabel, Note string
}

// historySection is one section of a version: its text compared with the
// same section of the version before.
type historySection struct {
	Title      string
	Paragraphs []textdiff.Paragraph
	Changed    bool
}

// historyVersion is one submitted version.
type historyVersion struct {
	N, Prev  int // its number, and the number of the one before
	At       time.Time
	By       string
	Sections []historySection
	Changed  bool // anything changed since the version before
}

var noteLabels = map[string]string{"return": "Kommentar", "decline": "Skäl", "extension": "Skäl"}

func (s *Server) historyPage(w http.ResponseWriter, r *http.Request, p page) error {
	ctx := r.Context()
	a, rm, org, err := s.Store.AssignmentInRound(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	actor := p.User.Actor()
	if !remiss.MaySeeHistory(actor, a.Org) {
		return store.ErrNotFound
	}
	entries, err := s.Store.History(ctx, rm.ID, a.ID)
	if err != nil {
		return err
	}
	events, err := s.historyEvents(ctx, actor, a.Org, org.Kind, entries)
	if err != nil {
		return err
	}
	data := map[string]any{"Assignment": a, "Remiss": rm, "OrgName": org.Name, "Events": events,
		"SeesVersions": remiss.MaySeeDraft(actor, a.Org), "Back": "/uppdrag/" + a.ID}
	if remiss.MayFollowRounds(actor) && !remiss.MaySeeDraft(actor, a.Org) {
		data["Back"] = "/remisser/" + rm.ID + "#" + a.Org
	}
	if data["SeesVersions"] == true {
		subs, err := s.Store.SubmittedVersions(ctx, a.ID)
		if err != nil {
			return err
		}
		data["Versions"] = historyVersions(subs)
	}
	if data["Decisions"], err = s.decisionsOf(ctx, a); err != nil {
		return err
	}
	p.Title, p.Data = "Historik – "+rm.Title, data
	s.render(w, http.StatusOK, "history", p)
	return nil
}

// historyEvents writes the audit trail as the reader may read it.
func (s *Server) historyEvents(ctx context.Context, actor remiss.Actor, org string, kind remiss.OrgKind, entries []store.HistoryEntry) ([]historyEvent, error) {
	names, err := s.officerNames(ctx, entries)
	if err != nil {
		return nil, err
	}
	out := make([]historyEvent, 0, len(entries))
	for _, e := range entries {
		ev := historyEvent{At: e.At, What: eventWords(e, kind, names), Who: "Systemet"}
		if e.ActorName != "" {
			ev.Who = who(e.ActorName, e.ActorOrg)
		}
		if e.NoteBody != "" && remiss.MayReadNote(actor, org, e.NoteKind) {
			ev.NoteLabel, ev.Note = noteLabels[e.NoteKind], e.NoteBody
		}
		out = append(out, ev)
	}
	return out, nil
}

// who names a person with their organisation, once: a name that already
// says the organisation ("Registrator, Bromma stadsdelsnämnd") is enough.
func who(name, org string) string {
	if org == "" || strings.Contains(name, org) {
		return name
	}
	return name + ", " + org
}

// officerNames are the names of the officers the entries assign, by
// username.
func (s *Server) officerNames(ctx context.Context, entries []store.HistoryEntry) (map[string]string, error) {
	names := map[string]string{}
	for _, e := range entries {
		var d auditDetail
		if json.Unmarshal(e.Detail, &d) != nil || d.Officer == "" || names[d.Officer] != "" {
			continue
		}
		u, err := s.Store.User(ctx, d.Officer)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		names[d.Officer] = u.DisplayName
	}
	return names, nil
}

// responseSections are the sections of an answer as text, in the order of
// the document, each list one line per item.
func responseSections(c remiss.Response) [][2]string {
	var sigs []string
	for _, s := range c.Signatories {
		sigs = append(sigs, strings.TrimSpace(s.Name+", "+s.Title))
	}
	contact := slices.DeleteFunc([]string{c.OfficerName, c.OfficerPhone, c.OfficerEmail}, func(s string) bool { return s == "" })
	return [][2]string{{"Förslag till beslut", strings.Join(c.Proposals, "\n")}, {"Sammanfattning", c.Summary},
		{"Bakgrund", c.Background}, {"Ärendets beredning", c.Preparation}, {"Förvaltningens synpunkter och bedömning", c.Opinions},
		{"Undertecknare", strings.Join(sigs, "\n")}, {"Bilagor", strings.Join(c.Attachments, "\n")},
		{"Handläggare", strings.Join(contact, "\n")}}
}

// historyVersions compares each submitted version with the one before; the
// first is shown as it is. Sections empty in both are left out.
func historyVersions(subs []store.SubmittedVersion) []historyVersion {
	var out []historyVersion
	var prev [][2]string
	for i, sv := range subs {
		cur := responseSections(sv.Content)
		v := historyVersion{N: i + 1, Prev: i, At: sv.SubmittedAt, By: sv.SubmitterName}
		for j, sec := range cur {
			old := sec[1]
			if prev != nil {
				old = prev[j][1]
			}
			if old == "" && sec[1] == "" {
				continue
			}
			ps := textdiff.Paragraphs(old, sec[1])
			hs := historySection{Title: sec[0], Paragraphs: ps, Changed: prev != nil && textdiff.Changes(ps)}
			v.Changed = v.Changed || hs.Changed
			v.Sections = append(v.Sections, hs)
		}
		out = append(out, v)
		prev = cur
	}
	return out
}

// decisionsOf lists the decisions that concern an assignment: its own
// organisation's on the answer, then kommunstyrelsen's path on the round's
// sammanställning, with their wording and reason.
func (s *Server) decisionsOf(ctx context.Context, a store.Assignment) ([]decisionRow, error) {
	ds, err := s.Store.Decisions(ctx, a.RemissID)
	if err != nil {
		return nil, err
	}
	var out []decisionRow
	for _, d := range ds {
		if d.AssignmentID == a.ID || d.AssignmentID == "" && d.Step != "" {
			out = append(out, decisionRow{Decision: d, Verdict: d.Verdict.Label()})
		}
	}
	return out, nil
}

// decisionWord adds to the assignment page the decisions on the answer and
// on the round, with their reasons.
func (s *Server) decisionWord(ctx context.Context, a store.Assignment, data map[string]any) error {
	ds, err := s.decisionsOf(ctx, a)
	data["Decisions"] = ds
	return err
}
