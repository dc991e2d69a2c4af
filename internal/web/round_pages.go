package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

// The remissamordnare's pages: the rounds, a new round, and one round with
// its actions (close, withdraw, decide an extension, remind now).

type orgGroup struct {
	Kind, Label, All string
	Orgs             []remiss.Org
}

// reminderOption is a reminder the new-round form offers: the offset the
// API takes ("14d") and its words.
type reminderOption struct {
	Offset, Label string
	Checked       bool
}

// reminderOffsets are the reminders the form offers, the defaults among
// them.
var reminderOffsets = []reminderOption{{"14d", "14 dagar före", false}, {"7d", "7 dagar före", false},
	{"3d", "3 dagar före", false}, {"1d", "1 dag före", false}}

// reminderOptions are the form's reminders with chosen checked.
func reminderOptions(chosen []string) []reminderOption {
	out := slices.Clone(reminderOffsets)
	for i := range out {
		out[i].Checked = slices.Contains(chosen, out[i].Offset)
	}
	return out
}

func (s *Server) newRoundData(ctx context.Context, checked, reminders []string) (any, error) {
	orgs, err := s.Store.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	groups := []orgGroup{{Kind: "stadsdelsnamnd", Label: "Stadsdelsnämnder", All: "Alla stadsdelsnämnder"},
		{Kind: "facknamnd", Label: "Facknämnder", All: "Alla facknämnder"}, {Kind: "bolag", Label: "Bolag", All: "Alla bolag"}, {Kind: "rad", Label: "Råd", All: "Alla råd"},
		{Kind: "office", Label: "Förvaltningar och kontor", All: "Alla förvaltningar och kontor"},
		{Kind: "external", Label: "Externa remissinstanser", All: "Alla externa remissinstanser"}}
	for _, o := range orgs {
		switch o.Kind {
		case remiss.KindStadsdelsnamnd:
			groups[0].Orgs = append(groups[0].Orgs, o)
		case remiss.KindFacknamnd:
			groups[1].Orgs = append(groups[1].Orgs, o)
		case remiss.KindBolag:
			groups[2].Orgs = append(groups[2].Orgs, o)
		case remiss.KindRad:
			groups[3].Orgs = append(groups[3].Orgs, o)
		case remiss.KindOffice:
			groups[4].Orgs = append(groups[4].Orgs, o)
		case remiss.KindExternal:
			groups[5].Orgs = append(groups[5].Orgs, o)
		}
	}
	set := map[string]bool{}
	for _, c := range checked {
		set[c] = true
	}
	return map[string]any{"Groups": groups, "Checked": set, "Reminders": reminderOptions(reminders)}, nil
}

func (s *Server) newRoundPage(w http.ResponseWriter, r *http.Request, p page) error {
	if err := remiss.MayAct(remiss.ActLaunch, p.User.Actor(), ""); err != nil {
		return err
	}
	data, err := s.newRoundData(r.Context(), nil, remiss.DefaultReminders)
	if err != nil {
		return err
	}
	p.Title, p.Data = "Ny remiss", data
	p.Form["public"] = "1" // published unless KS unticks it
	s.render(w, http.StatusOK, "new_round", p)
	return nil
}

// withGroups adds every organisation of the groups chosen whole ("alla
// stadsdelsnämnder"), so the form needs no script to select a group.
func (s *Server) withGroups(ctx context.Context, picked, groups []string) ([]string, error) {
	if len(groups) == 0 {
		return picked, nil
	}
	orgs, err := s.Store.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	out := append([]string(nil), picked...)
	seen := map[string]bool{}
	for _, c := range picked {
		seen[c] = true
	}
	for _, o := range orgs {
		kind := string(o.Kind)
		for _, g := range groups {
			if g == kind && !seen[o.Code] {
				out, seen[o.Code] = append(out, o.Code), true
			}
		}
	}
	return out, nil
}

func (s *Server) postRound(w http.ResponseWriter, r *http.Request, p page) error {
	recipients, err := s.withGroups(r.Context(), r.PostForm["recipients"], r.PostForm["groups"])
	if err != nil {
		return err
	}
	// The reminders ticked; none ticked is none sent (not the defaults).
	l := remiss.Launch{Dnr: strings.TrimSpace(r.PostFormValue("dnr")), Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description"), Deadline: strings.TrimSpace(r.PostFormValue("deadline")),
		Recipients: recipients, Reminders: append([]string{}, r.PostForm["reminders"]...)}
	if r.PostFormValue("kf") != "" {
		l.Path = append(slices.Clone(remiss.DefaultPath), "kf")
	}
	external, xerr := parseExternal(r.PostFormValue("external"))
	l.External = external
	// The box is ticked when the form is first shown; unticked posts nothing.
	public := r.PostFormValue("public") != ""
	l.Public = &public
	var underlag []byte
	if f, _, ferr := r.FormFile("underlag"); ferr == nil {
		underlag, err = io.ReadAll(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	var id string
	err = xerr
	if err == nil && underlag != nil {
		err = rounds.CheckPDF(r.Context(), "underlag", underlag)
	}
	if err == nil {
		id, err = s.Rounds.Launch(r.Context(), p.User.Actor(), l)
	}
	if err == nil && underlag != nil {
		_, err = s.Rounds.UploadUnderlag(r.Context(), p.User.Actor(), id, underlag)
	}
	if rej := rejected(err); rej != nil {
		numberExternal(rej)
		keepForm(r, &p, rej, nil)
		data, err := s.newRoundData(r.Context(), l.Recipients, l.Reminders)
		if err != nil {
			return err
		}
		p.Title, p.Data = "Ny remiss", data
		s.render(w, kindStatus[rej.Kind], "new_round", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/remisser/"+id, "skickad")
}

type recipientRow struct {
	ID, Org, OrgName, State, Deadline, PendingUntil string
	StateCode                                       remiss.AssignmentState // for its tag
	// The reasons the recipient gave: for the anstånd it asks, for declining.
	PendingReason, DeclineReason string
	Late, Open                   bool
	Answered                     bool // done, or approved and its statement on the way
	Reminders                    int
	// ByLink: an outside body answering through its personal link, to
	// the address Email.
	ByLink bool
	Email  string
	recipientRoute
}

func (s *Server) roundPage(w http.ResponseWriter, r *http.Request, p page) error {
	if !remiss.MayFollowRounds(p.User.Actor()) {
		// A recipient who follows a link to the round (the missiv's) lands
		// on its own part of it.
		if a, err := s.Store.Assignment(r.Context(), remiss.AssignmentID(r.PathValue("id"), p.User.Org)); err == nil {
			http.Redirect(w, r, "/uppdrag/"+url.PathEscape(a.ID), http.StatusSeeOther)
			return nil
		}
		return store.ErrNotFound
	}
	data, err := s.roundData(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	p.Title, p.Data = data["Remiss"].(store.Remiss).Title, data
	s.render(w, http.StatusOK, "round", p)
	return nil
}

// roundData is what the round page shows of round id.
func (s *Server) roundData(ctx context.Context, p page, id string) (map[string]any, error) {
	rm, err := s.Store.Remiss(ctx, id)
	if err != nil {
		return nil, err
	}
	asgs, err := s.Store.Assignments(ctx, rm.ID)
	if err != nil {
		return nil, err
	}
	out, err := s.Store.Outbox(ctx, rm.ID)
	if err != nil {
		return nil, err
	}
	reminders := map[string]int{}
	for _, m := range out {
		if m.Kind == "reminder" {
			reminders[m.AssignmentID]++
		}
	}
	notes, err := s.Store.LatestNotes(ctx, rm.ID)
	if err != nil {
		return nil, err
	}
	var rows []recipientRow
	for _, a := range asgs {
		org, err := s.Store.Org(ctx, a.Org)
		if err != nil {
			return nil, err
		}
		row := recipientRow{ID: a.ID, Org: a.Org, OrgName: org.Name, State: a.State.Label(), StateCode: a.State, Deadline: a.Deadline, Late: a.Late,
			Reminders: reminders[a.ID], Open: a.State.Open() && rm.State == remiss.RemissOpen,
			Answered: a.State.Done() || a.State == remiss.StateApproved, ByLink: org.ByLink}
		if org.ByLink {
			row.Email = org.Email
		}
		if !a.State.Done() {
			// From the database, where the request is recorded as it is
			// accepted: no query to a workflow that may be busy.
			if row.PendingUntil, row.PendingReason, _, err = s.Store.PendingExtension(ctx, a.ID); err != nil {
				return nil, err
			}
		}
		if a.State == remiss.StateDeclined {
			row.DeclineReason = notes[a.ID]["decline"].Body
		}
		if row.recipientRoute, err = s.recipientRoute(ctx, a, org.Kind); err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	data := map[string]any{"Remiss": rm, "State": roundLabel(rm.State), "Rows": rows, "SummaryID": rm.SummaryID}
	// Kommunstyrelsen's own tjänsteutlåtande, from the close of the round.
	if st, err := s.Store.Statement(ctx, rm.ID); err == nil {
		data["Statement"] = map[string]any{"ID": st.ID, "State": st.State, "Officer": st.Officer}
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if err := s.pathData(ctx, p, rm, data); err != nil {
		return nil, err
	}
	return data, nil
}

func (s *Server) postRoundAction(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	if strings.HasSuffix(r.URL.Path, "/stang") {
		if _, err := s.Rounds.Close(r.Context(), p.User.Actor(), id); err != nil {
			return err
		}
		return redirect(w, r, "/remisser/"+id, "stangs")
	}
	if _, err := s.Rounds.Withdraw(r.Context(), p.User.Actor(), id); err != nil {
		return err
	}
	return redirect(w, r, "/remisser/"+id, "aterkallas")
}

func (s *Server) postDecideExtension(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	if err := remiss.MayAct(remiss.ActDecideExtension, p.User.Actor(), ""); err != nil {
		return err
	}
	org, until := r.PathValue("org"), strings.TrimSpace(r.PostFormValue("until"))
	_, err := s.Rounds.DecideExtension(r.Context(), p.User.Actor(), remiss.AssignmentID(id, org), r.PostFormValue("approve") == "true", until)
	if rej := rejected(err); rej != nil {
		// The round page again, with the date as typed and why it was
		// refused.
		data, err := s.roundData(r.Context(), p, id)
		if err != nil {
			return err
		}
		name := org
		if o, err := s.Store.Org(r.Context(), org); err == nil {
			name = o.Name
		}
		reason := rej.Reason
		if f := rej.Fields.For("until"); f != "" {
			reason = f
		}
		p.Title, p.Data, p.Error = data["Remiss"].(store.Remiss).Title, data, "Anstånd för "+name+": "+reason
		p.Form["until-"+org], p.Form["failed"] = until, org
		s.render(w, kindStatus[rej.Kind], "round", p)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/remisser/"+id, "beslut")
}

// postReplaceLink gives an outside body a new personal link; the old one
// stops working.
func (s *Server) postReplaceLink(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	if err := s.Rounds.ReplaceLink(r.Context(), p.User.Actor(), remiss.AssignmentID(id, r.PathValue("org")), s.BaseURL); err != nil {
		return err
	}
	return redirect(w, r, "/remisser/"+id, "ny-lank")
}

func (s *Server) postRemindNow(w http.ResponseWriter, r *http.Request, p page) error {
	id := r.PathValue("id")
	if err := remiss.MayAct(remiss.ActRemindNow, p.User.Actor(), ""); err != nil {
		return err
	}
	if _, err := s.Rounds.RemindNow(r.Context(), p.User.Actor(), remiss.AssignmentID(id, r.PathValue("org"))); err != nil {
		return err
	}
	return redirect(w, r, "/remisser/"+id, "paminnelse")
}

// confirmRoundAction says what closing or withdrawing the round will do,
// before it is done: who has not answered, which anstånd wait for a
// decision, who will be told.
func (s *Server) confirmRoundAction(w http.ResponseWriter, r *http.Request, p page) error {
	withdraw := strings.HasSuffix(r.URL.Path, "/aterkalla")
	action := remiss.ActClose
	if withdraw {
		action = remiss.ActWithdraw
	}
	if err := remiss.MayAct(action, p.User.Actor(), ""); err != nil {
		return err
	}
	data, err := s.roundData(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	rm := data["Remiss"].(store.Remiss)
	if rm.State != remiss.RemissOpen {
		return remiss.Refuse(remiss.KindConflict, "remissomgången är redan avslutad")
	}
	var unanswered, pending, recipients []string
	for _, row := range data["Rows"].([]recipientRow) {
		recipients = append(recipients, row.OrgName)
		if !row.Answered {
			unanswered = append(unanswered, row.OrgName+" ("+row.State+")")
		}
		if row.PendingUntil != "" {
			pending = append(pending, row.OrgName+": till "+row.PendingUntil)
		}
	}
	p.Title = "Stäng remissomgången"
	if withdraw {
		p.Title = "Återkalla remissen"
	}
	p.Data = map[string]any{"Remiss": rm, "Withdraw": withdraw, "Unanswered": unanswered, "OpenExtensions": pending, "Recipients": recipients}
	s.render(w, http.StatusOK, "confirm_round", p)
	return nil
}

// parseExternal reads the launch form's outside bodies: one per line, a
// name and an e-mail address ("Region Stockholm <registrator@region.se>",
// or the address last on the line).
func parseExternal(text string) ([]remiss.ExternalRecipient, error) {
	var out []remiss.ExternalRecipient
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var name, email string
		if open := strings.LastIndex(line, "<"); open >= 0 && strings.HasSuffix(line, ">") {
			name, email = line[:open], line[open+1:len(line)-1]
		} else if cut := strings.LastIndexAny(line, " \t,;"); cut >= 0 {
			name, email = line[:cut], line[cut+1:]
		}
		name = strings.TrimRight(strings.TrimSpace(name), ",;")
		if name == "" || !strings.Contains(email, "@") {
			return nil, remiss.InvalidField("external", fmt.Sprintf("Rad %d: skriv namnet och e-postadressen, t.ex. Region Stockholm <registrator@regionstockholm.se>", i+1))
		}
		out = append(out, remiss.ExternalRecipient{Name: strings.TrimSpace(name), Email: strings.TrimSpace(email)})
	}
	return out, nil
}

// numberExternal says which outside body a problem is with: the form's
// line, counted among the bodies named.
func numberExternal(rej *remiss.Error) {
	for i, f := range rej.Fields {
		var n int
		if _, err := fmt.Sscanf(f.Field, "external[%d]", &n); err == nil {
			rej.Fields[i].Message = fmt.Sprintf("Remissinstans %d: %s", n+1, f.Message)
		}
	}
}
