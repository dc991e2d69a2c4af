package web

import (
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The patterns people know from public-sector services: a trail of
// breadcrumbs above every page below the start, and status tags.

// crumb is a step of the breadcrumb trail: a page above the one shown.
type crumb struct{ Label, Href string }

// crumbs is the trail above page name for p's reader: the start, and the
// lists and the round the page belongs to. Login and error pages have
// none (an error page links to the start itself); a page sets its own
// in p.Crumbs. A crumb to the page itself is left out.
func crumbs(name string, p page) []crumb {
	if p.User.Username == "" || name == "login" || name == "error" {
		return nil
	}
	trail := []crumb{{"Start", "/"}}
	data, _ := p.Data.(map[string]any)
	switch name {
	case "new_round", "round":
		trail = append(trail, crumb{"Remissomgångar", "/remisser"})
	case "confirm_round":
		trail = append(trail, crumb{"Remissomgångar", "/remisser"})
		if rm, ok := data["Remiss"].(store.Remiss); ok {
			trail = append(trail, crumb{rm.Title, "/remisser/" + rm.ID})
		}
	case "assignment":
		trail = append(trail, listCrumb(p.User.Role)...)
	case "verification":
		trail = append(trail, crumb{"Arkiv", "/arkiv"})
	}
	out := trail[:0]
	for _, c := range trail {
		if c.Href != p.Path {
			out = append(out, c)
		}
	}
	return out
}

// listCrumb is the list an assignment is reached from, by role.
func listCrumb(role remiss.Role) []crumb {
	switch role {
	case remiss.RoleRegistrar:
		return []crumb{{"Inkorg", "/inkorg"}}
	case remiss.RoleOfficer, remiss.RoleSignatory:
		return []crumb{{"Mina uppdrag", "/uppdrag"}}
	}
	return nil
}

// tagView is a state shown as a status tag: its class (tag-<state>) and
// its Swedish label.
type tagView struct{ Class, Label string }

// tag is the status tag of an assignment's or a round's state.
func tag(state any) tagView {
	switch s := state.(type) {
	case remiss.AssignmentState:
		return tagView{"tag-" + string(s), s.Label()}
	case remiss.RemissState:
		return tagView{"tag-" + string(s), roundLabel(s)}
	}
	return tagView{"", ""}
}
