package web

import (
	"cmp"
	"context"
	"net/http"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The rounds list, the inbox and the archive: searched, filtered, sorted
// and paged (see lists.go), open work apart from closed.

var roundStates = []option{{Value: "pagar", Code: string(remiss.RemissOpen), Label: "Pågår"},
	{Value: "avslutad", Code: string(remiss.RemissClosed), Label: "Avslutad", Done: true},
	{Value: "aterkallad", Code: string(remiss.RemissWithdrawn), Label: "Återkallad", Done: true}}

var assignmentStates = func() []option {
	slugs := []struct {
		slug string
		st   remiss.AssignmentState
	}{{"inkommen", remiss.StateSent}, {"fordelad", remiss.StateAssigned}, {"under-arbete", remiss.StateDrafting},
		{"inskickad", remiss.StateSubmitted}, {"godkand", remiss.StateApproved}, {"pa-dagordningen", remiss.StateOnAgenda},
		{"besvarad", remiss.StateAnswered}, {"avstar", remiss.StateDeclined}, {"ej-besvarad", remiss.StateMissed},
		{"aterkallad", remiss.StateWithdrawn}}
	var out []option
	for _, s := range slugs {
		out = append(out, option{Value: s.slug, Code: string(s.st), Label: s.st.Label(), Done: s.st.Done()})
	}
	return out
}()

var documentKinds = []option{{Value: "tjansteutlatande", Code: "statement"},
	{Value: "remissunderlag", Code: "underlag"}, {Value: "missiv", Code: "missiv"}, {Value: "bilaga", Code: "bilaga"},
	{Value: "protokollsutdrag", Code: "minutes"}}

// listSpecOf is a list's offer: its states, and the organisations and
// years to filter by (organisations only for those who follow every round).
func (s *Server) listSpecOf(ctx context.Context, u store.User, path, noun string, states []option) (listSpec, error) {
	spec := listSpec{Path: path, Noun: noun, States: states}
	years, err := s.Store.Years(ctx)
	if err != nil {
		return spec, err
	}
	spec.Years = years
	if remiss.MayFollowRounds(u.Actor()) {
		orgs, err := s.Store.Orgs(ctx)
		if err != nil {
			return spec, err
		}
		for _, o := range orgs {
			if o.Code != remiss.KS {
				spec.Orgs = append(spec.Orgs, option{Value: o.Code, Code: o.Code, Label: o.Name})
			}
		}
	}
	return spec, nil
}

// pageOf runs a list's query for the page asked for, and again for the
// last page when the one asked for is past the end.
func pageOf[T any](v *listView, f store.ListFilter, query func(store.ListFilter) ([]T, int, error)) ([]T, error) {
	rows, total, err := query(f)
	if err != nil {
		return nil, err
	}
	if last := v.paged(total); last > 0 {
		f.Offset = (last - 1) * perPage
		if rows, total, err = query(f); err != nil {
			return nil, err
		}
		v.paged(total)
	}
	return rows, nil
}

func (s *Server) renderList(w http.ResponseWriter, name string, p page, v *listView, data map[string]any) {
	data["List"] = v
	p.Data, p.Error = data, v.Notes()
	s.render(w, http.StatusOK, name, p)
}

func (s *Server) roundsPage(w http.ResponseWriter, r *http.Request, p page) error {
	if !remiss.MayFollowRounds(p.User.Actor()) {
		return errForbidden
	}
	spec, err := s.listSpecOf(r.Context(), p.User, "/remisser", "remissomgångar", roundStates)
	if err != nil {
		return err
	}
	f, v := readList(r.URL.Query(), spec)
	rows, err := pageOf(v, f, func(f store.ListFilter) ([]store.RoundCount, int, error) { return s.Store.RoundList(r.Context(), f) })
	if err != nil {
		return err
	}
	var out []roundRow
	for _, rc := range rows {
		out = append(out, roundRow{RoundCount: rc, StateLabel: roundLabel(rc.State), SentOn: remiss.FormatDate(rc.CreatedAt)})
	}
	p.Title = "Remissomgångar"
	s.renderList(w, "rounds", p, v, map[string]any{"Rows": out, "Launch": remiss.MayAct(remiss.ActLaunch, p.User.Actor(), "") == nil})
	return nil
}

// roundRow is a round in the list, its recipients counted by where they
// stand: answered, declined, still open, left without an answer when the
// round closed (missed) or withdrawn with it.
type roundRow struct {
	store.RoundCount
	StateLabel, SentOn string
}

// Responded is how many recipients have answered or declined.
func (r roundRow) Responded() int { return r.Answered + r.Declined }

// roundLabel is a round's state in words.
func roundLabel(st remiss.RemissState) string {
	return map[remiss.RemissState]string{remiss.RemissOpen: "Pågår", remiss.RemissClosed: "Avslutad", remiss.RemissWithdrawn: "Återkallad"}[st]
}

type inboxRow struct {
	store.InboxItem
	StateLabel, SentOn string
	DaysLeft           int
	Assignable         bool
}

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request, p page) error {
	spec, err := s.listSpecOf(r.Context(), p.User, r.URL.Path, "uppdrag", assignmentStates)
	if err != nil {
		return err
	}
	spec.Orgs = nil // the inbox is the reader's organisation's
	f, v := readList(r.URL.Query(), spec)
	officer := ""
	if p.User.Role == remiss.RoleOfficer {
		officer = p.User.Username // their own, and those not yet assigned
	}
	items, err := pageOf(v, f, func(f store.ListFilter) ([]store.InboxItem, int, error) {
		return s.Store.InboxList(r.Context(), p.User.Org, officer, f)
	})
	if err != nil {
		return err
	}
	var rows []inboxRow
	for _, a := range items {
		// "Återsänt" while the answer is being written again.
		a.Returned = a.Returned && (a.State == remiss.StateAssigned || a.State == remiss.StateDrafting)
		rows = append(rows, inboxRow{InboxItem: a, StateLabel: a.State.Label(), SentOn: remiss.FormatDate(a.SentAt),
			DaysLeft: remiss.DaysLeft(a.Deadline, time.Now()), Assignable: a.State.Open() && remiss.MayAct(remiss.ActAssign, p.User.Actor(), a.Org) == nil})
	}
	data := map[string]any{"Rows": rows}
	p.Title = "Mina uppdrag"
	if p.User.Role == remiss.RoleRegistrar {
		officers, err := s.Store.UsersWithRole(r.Context(), p.User.Org, remiss.RoleOfficer)
		if err != nil {
			return err
		}
		data["Assign"], data["Officers"], p.Title = true, officers, "Inkorg"
	}
	s.renderList(w, "inbox", p, v, data)
	return nil
}

// archiveRow is a document in the archive list; Filename is its public
// title while it is marked.
type archiveRow struct {
	ID, Dnr, Title, Kind, Filename, Date, OrgName string
	Marked, MayOpen                               bool
}

func (s *Server) archivePage(w http.ResponseWriter, r *http.Request, p page) error {
	spec, err := s.listSpecOf(r.Context(), p.User, "/arkiv", "remissers dokument", nil)
	if err != nil {
		return err
	}
	for _, k := range documentKinds {
		spec.States = append(spec.States, option{Value: k.Value, Code: k.Code, Label: docLabel(k.Code)})
	}
	spec.KindsAcrossTabs = true // a kind of document is found in open and closed rounds alike
	f, v := readList(r.URL.Query(), spec)
	items, err := s.Store.ArchiveList(r.Context(), p.User.Org, f)
	if err != nil {
		return err
	}
	var rows []archiveRow
	for _, d := range items {
		recipients := []string(nil)
		if d.SentToReader {
			recipients = []string{p.User.Org}
		}
		if !remiss.MayReadDocument(p.User.Actor(), recipients, d.AssignmentOrg, d.Draft) {
			continue
		}
		rows = append(rows, archiveRow{ID: d.ID, Dnr: d.Dnr, Title: d.Title, Kind: d.Kind, Filename: docName(d.Document),
			Date: remiss.FormatDate(d.CreatedAt), OrgName: d.OrgName, Marked: d.Secrecy != nil,
			MayOpen: remiss.MayOpen(p.User.Actor(), remiss.Holding{Org: cmp.Or(d.AssignmentOrg, remiss.KS), AtKS: !d.Draft, Coordinator: d.Coordinator, Marked: d.Secrecy != nil})})
	}
	shown, err := pageOf(v, f, func(f store.ListFilter) ([]archiveRow, int, error) {
		from := min(len(rows), f.Offset)
		return rows[from:min(len(rows), from+perPage)], len(rows), nil
	})
	if err != nil {
		return err
	}
	p.Title = "Arkiv"
	s.renderList(w, "archive", p, v, map[string]any{"Rows": shown})
	return nil
}
