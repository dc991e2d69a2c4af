package web

import (
	"context"
	"slices"

	"github.com/remiss/remiss/internal/remiss"
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
// attachment to an answer not yet sealed as a draft.
func mayRead(u store.User, rm store.Remiss, asgs []store.Assignment, d store.Document) bool {
	org, draft := "", false
	if d.AssignmentID != "" {
		i := slices.IndexFunc(asgs, func(a store.Assignment) bool { return a.ID == d.AssignmentID })
		switch {
		case i >= 0:
			org, draft = asgs[i].Org, d.Kind == "bilaga" && asgs[i].DocumentID == ""
		case d.AssignmentID == remiss.StatementAssignmentID(rm.ID):
			// Kommunstyrelsen's own statement: a bilaga is its draft until
			// the statement is sealed.
			org, draft = remiss.KS, d.Kind == "bilaga" && rm.SummaryID == ""
		default:
			return false
		}
	}
	return remiss.MayReadDocument(u.Actor(), rm.Recipients, org, draft)
}

// readableDocument loads a document u may read, or not found.
func (s *Server) readableDocument(ctx context.Context, u store.User, id string) (store.Document, error) {
	d, err := s.Store.Document(ctx, id)
	if err != nil {
		return d, err
	}
	rm, asgs, err := s.remissWithAssignments(ctx, u, d.RemissID)
	if err != nil || !mayRead(u, rm, asgs, d) {
		return store.Document{}, store.ErrNotFound
	}
	return d, nil
}
