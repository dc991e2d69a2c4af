package web

import (
	"context"
	"slices"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// What a user may see of rounds and documents, for the API and the pages
// alike.

// visibleRemiss loads a round and the assignments u may see: all for KS,
// only their own for a recipient; another organisation gets not found.
func (s *Server) visibleRemiss(ctx context.Context, u store.User, id string) (store.Remiss, []store.Assignment, error) {
	rm, err := s.Store.Remiss(ctx, id)
	if err != nil {
		return rm, nil, err
	}
	asgs, err := s.Store.Assignments(ctx, id)
	if err != nil {
		return rm, nil, err
	}
	if u.Org == remiss.KS {
		return rm, asgs, nil
	}
	for _, a := range asgs {
		if a.Org == u.Org {
			rm.Recipients = []string{u.Org}
			return rm, []store.Assignment{a}, nil
		}
	}
	return rm, nil, store.ErrNotFound
}

// mayRead says whether u may read document d: KS reads all; a recipient
// reads the round's shared documents and its own statement.
func mayRead(u store.User, d store.Document, asgs []store.Assignment) bool {
	if u.Org == remiss.KS {
		return true
	}
	own := slices.ContainsFunc(asgs, func(a store.Assignment) bool { return a.Org == u.Org })
	if !own {
		return false
	}
	if d.AssignmentID == "" {
		return true
	}
	return d.AssignmentID == remiss.AssignmentID(d.RemissID, u.Org)
}

// readableDocument loads a document u may read, or not found.
func (s *Server) readableDocument(ctx context.Context, u store.User, id string) (store.Document, error) {
	d, err := s.Store.Document(ctx, id)
	if err != nil {
		return d, err
	}
	_, asgs, err := s.visibleRemiss(ctx, u, d.RemissID)
	if err != nil || !mayRead(u, d, asgs) {
		return store.Document{}, store.ErrNotFound
	}
	return d, nil
}
