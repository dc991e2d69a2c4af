package web

import (
	"context"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

// What a user may see of rounds and documents, for the API and the pages
// alike.

// visibleRemiss loads a round and the assignments u may see (see
// remiss.MaySeeRound and MaySeeAssignment); a round u may not see is not
// found. Recipients lists only the recipients u may see.
func (s *Server) visibleRemiss(ctx context.Context, u store.User, id string) (store.Remiss, []store.Assignment, error) {
	rm, asgs, err := s.remissWithAssignments(ctx, u, id)
	if err != nil {
		return rm, nil, err
	}
	var seen []store.Assignment
	for _, a := range asgs {
		if remiss.MaySeeAssignment(u.Actor(), a.Org) {
			seen = append(seen, a)
		}
	}
	rm.Recipients = nil
	for _, a := range seen {
		rm.Recipients = append(rm.Recipients, a.Org)
	}
	return rm, seen, nil
}

// remissWithAssignments loads a round u may see with all its assignments.
func (s *Server) remissWithAssignments(ctx context.Context, u store.User, id string) (store.Remiss, []store.Assignment, error) {
	rm, err := s.Store.Remiss(ctx, id)
	if err != nil {
		return rm, nil, err
	}
	if !remiss.MaySeeRound(u.Actor(), rm.Recipients) {
		return store.Remiss{}, nil, store.ErrNotFound
	}
	asgs, err := s.Store.Assignments(ctx, id)
	return rm, asgs, err
}

// mayRead says whether u may read document d of round rm, whose
// assignments are asgs (all of them): remiss.MayReadDocument, with an
// attachment to an answer not yet sealed as a draft (rounds.HoldingOf). A
// marked document u may read is listed under its public title; opening it
// asks remiss.MayOpen too (openableDocument).
func mayRead(u store.User, rm store.Remiss, asgs []store.Assignment, d store.Document) bool {
	h, draft, ok := rounds.HoldingOf(rm, asgs, d)
	return ok && remiss.MayReadDocument(u.Actor(), rm.Recipients, h.Org, draft)
}

// openable is the set of docs (which u may read) that u may also open: all
// but those with a sekretessmarkering that u may not open, which a page
// names by their public title without a link (a link would lead nowhere).
func openable(u store.User, rm store.Remiss, asgs []store.Assignment, docs ...[]store.Document) map[string]bool {
	out := map[string]bool{}
	for _, ds := range docs {
		for _, d := range ds {
			h, _, ok := rounds.HoldingOf(rm, asgs, d)
			out[d.ID] = ok && remiss.MayOpen(u.Actor(), h)
		}
	}
	return out
}
