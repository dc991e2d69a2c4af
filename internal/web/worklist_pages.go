package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// "Att göra": the start page of every role, what waits for the reader now,
// most urgent first, each with a link to where it is done. Whether
// something waits for the reader is remiss.AwaitsFrom's (and MayAct's) to
// say; the store's queries only cut coarsely.

func (s *Server) worklistRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.page(s.todoPage))
}

// todoItem is one thing to do.
type todoItem struct {
	Do, Link, Dnr, Title, OrgName string
	Due, DueWhat                  string // the date that matters and what it is ("" for none)
	DaysLeft                      int
	Returned                      bool
	Detail                        string // a reason or a person, when the item has one
}

// Days is the days left in words.
func (t todoItem) Days() string {
	switch n := t.DaysLeft; {
	case t.Due == "":
		return ""
	case n == 0:
		return "I dag"
	case n == 1:
		return "1 dag kvar"
	case n > 1:
		return remiss.Number(n) + " dagar kvar"
	case n == -1:
		return "1 dag sedan"
	default:
		return remiss.Number(-n) + " dagar sedan"
	}
}

// Late reports whether the date that matters has passed.
func (t todoItem) Late() bool { return t.Due != "" && t.DaysLeft < 0 }

// doWords is what an action asks of the reader, for an assignment.
var doWords = map[remiss.Action]string{
	remiss.ActAssign: "Fördela till en handläggare", remiss.ActSubmit: "Skriv och skicka in yttrandet",
	remiss.ActApprove: "Granska och godkänn yttrandet", remiss.ActDecide: "Registrera nämndens beslut",
	remiss.ActDecideExtension: "Besluta om anstånd",
}

func (s *Server) todoPage(w http.ResponseWriter, r *http.Request, p page) error {
	items, err := s.todo(r.Context(), p.User.Actor(), time.Now())
	if err != nil {
		return err
	}
	p.Title, p.Data = "Att göra", items
	s.render(w, http.StatusOK, "todo", p)
	return nil
}

// todo is what waits for actor at now, most urgent first; items without a
// date last, in the order found.
func (s *Server) todo(ctx context.Context, actor remiss.Actor, now time.Time) ([]todoItem, error) {
	var out []todoItem
	for _, part := range []func(context.Context, remiss.Actor, time.Time) ([]todoItem, error){s.todoAssignments, s.todoExtensions, s.todoRounds} {
		items, err := part(ctx, actor, now)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if (out[i].Due == "") != (out[j].Due == "") {
			return out[j].Due == ""
		}
		return out[i].Due < out[j].Due
	})
	return out, nil
}

// workItem is a stored assignment as an item, with its date that matters.
func workItem(it store.WorkItem, do, link string, now time.Time) todoItem {
	due, what := remiss.DueDate(it.State, it.Deadline, it.MeetingDate, it.AgendaDeadline)
	return todoItem{Do: do, Link: link, Dnr: it.Dnr, Title: it.Title, OrgName: it.OrgName, Due: due, DueWhat: what,
		DaysLeft: remiss.DaysLeft(due, now), Returned: it.Returned}
}

// todoAssignments are the reader's organisation's answers that wait for
// the reader: to assign, write, approve, or have the nämnd's decision
// registered.
func (s *Server) todoAssignments(ctx context.Context, actor remiss.Actor, now time.Time) ([]todoItem, error) {
	if actor.Org == "" || actor.Role == remiss.RoleAdmin || actor.Role == remiss.RoleCoordinator {
		return nil, nil
	}
	list, err := s.Store.OrgWork(ctx, actor.Org, []remiss.AssignmentState{remiss.StateSent, remiss.StateAssigned,
		remiss.StateDrafting, remiss.StateSubmitted, remiss.StateOnAgenda})
	if err != nil {
		return nil, err
	}
	var out []todoItem
	for _, it := range list {
		action, ok := remiss.AwaitsFrom(actor, remiss.Waiting{Org: it.Org, State: it.State, Officer: it.Officer,
			RoundClosing: it.RoundState != remiss.RemissOpen})
		if !ok {
			continue
		}
		link := "/uppdrag/" + url.PathEscape(it.ID)
		if action == remiss.ActAssign { // assigned from the inbox
			link = "/inkorg?" + url.Values{"lage": {"inkommen"}, "q": {it.Dnr}}.Encode()
		}
		out = append(out, workItem(it, doWords[action], link, now))
	}
	return out, nil
}

// todoExtensions are, for the Coordinator, the anstånd requests to decide
// and the declines of open rounds to read.
func (s *Server) todoExtensions(ctx context.Context, actor remiss.Actor, now time.Time) ([]todoItem, error) {
	if remiss.MayAct(remiss.ActDecideExtension, actor, "") != nil {
		return nil, nil
	}
	asked, err := s.Store.PendingExtensions(ctx)
	if err != nil {
		return nil, err
	}
	var out []todoItem
	for _, it := range asked {
		if remiss.PossibleNow(remiss.ActDecideExtension, it.State, it.RoundState != remiss.RemissOpen) != nil {
			continue
		}
		item := workItem(it, doWords[remiss.ActDecideExtension], "/remisser/"+url.PathEscape(it.RemissID), now)
		item.Detail = "Begärt till " + it.Until + " av " + it.RequestedBy + ". Skäl: " + it.Reason
		out = append(out, item)
	}
	declines, err := s.Store.OpenDeclines(ctx)
	if err != nil {
		return nil, err
	}
	for _, it := range declines {
		item := workItem(it, "Läs skälet till att avstå", "/remisser/"+url.PathEscape(it.RemissID), now)
		item.Due, item.Detail = "", "Skäl: "+it.Reason
		out = append(out, item)
	}
	return out, nil
}

// todoRounds are the rounds past their svarsdatum to close, for the
// Coordinator, and the sammanställningar whose decision path waits for a
// decision to be registered, for kommunstyrelsens registrator.
func (s *Server) todoRounds(ctx context.Context, actor remiss.Actor, now time.Time) ([]todoItem, error) {
	var out []todoItem
	if remiss.MayAct(remiss.ActClose, actor, "") == nil {
		list, err := s.Store.RoundsPastDeadline(ctx, now)
		if err != nil {
			return nil, err
		}
		for _, rm := range list {
			out = append(out, todoItem{Do: "Stäng remissomgången och sammanställ svaren", Link: "/remisser/" + url.PathEscape(rm.ID) + "/stang",
				Dnr: rm.Dnr, Title: rm.Title, Due: rm.Deadline, DueWhat: "svarsdatum", DaysLeft: remiss.DaysLeft(rm.Deadline, now)})
		}
	}
	if remiss.MayAct(remiss.ActDecideStep, actor, "") == nil {
		list, err := s.Store.RoundsAwaitingStep(ctx)
		if err != nil {
			return nil, err
		}
		for _, rm := range list {
			step := ""
			if path := pathOf(rm); rm.Step < len(path) {
				step = remiss.StepName(path[rm.Step])
			}
			out = append(out, todoItem{Do: "Registrera beslut i beslutsgången", Link: "/remisser/" + url.PathEscape(rm.ID),
				Dnr: rm.Dnr, Title: rm.Title, Detail: "Bereds nu: " + step})
		}
	}
	return out, nil
}
