package rounds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Sekretessmarkering (OSL 5 kap. 5 §, issue 18): a registrator marks a
// stored document of a round; while it is marked it is shown under its
// public title, opened only by those remiss.MayOpen names, with every
// opening in the audit trail, never attached to a message and never
// published.

// HoldingOf is what the policy knows of document d of round rm, whose
// assignments are asgs (all of them): who holds it and whether it has
// reached kommunstyrelsen (remiss.Holding), and whether it is a draft (an
// attachment to an answer not yet sealed). ok is false for a document of
// no assignment of the round.
func HoldingOf(rm store.Remiss, asgs []store.Assignment, d store.Document) (h remiss.Holding, draft, ok bool) {
	h = remiss.Holding{Org: remiss.KS, AtKS: true, Coordinator: rm.Coordinator, Marked: d.Secrecy != nil}
	if d.AssignmentID == "" {
		return h, false, true
	}
	i := slices.IndexFunc(asgs, func(a store.Assignment) bool { return a.ID == d.AssignmentID })
	switch {
	case i >= 0 && asgs[i].Org != remiss.KS:
		// An answer reaches kommunstyrelsen when it is sealed and sent;
		// its bilagor with it.
		draft = d.Kind == "bilaga" && asgs[i].DocumentID == ""
		h.Org, h.AtKS = asgs[i].Org, !draft
		return h, draft, true
	case i >= 0 || d.AssignmentID == remiss.StatementAssignmentID(rm.ID):
		// Kommunstyrelsen's own statement: a bilaga is its draft until the
		// statement is sealed.
		return h, d.Kind == "bilaga" && rm.SummaryID == "", true
	}
	return h, false, false
}

// documentFor loads a document of a round that actor may read, with the
// round, or refuses it as not found.
func (s *Service) documentFor(ctx context.Context, actor remiss.Actor, id string) (store.Document, store.Remiss, remiss.Holding, error) {
	notFound := remiss.Refuse(remiss.KindNotFound, "dokumentet %s finns inte", id)
	d, err := s.Store.Document(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && d.RemissID == "" {
		return d, store.Remiss{}, remiss.Holding{}, notFound
	}
	if err != nil {
		return d, store.Remiss{}, remiss.Holding{}, err
	}
	rm, err := s.Store.Remiss(ctx, d.RemissID)
	if err != nil {
		return d, rm, remiss.Holding{}, err
	}
	asgs, err := s.Store.Assignments(ctx, rm.ID)
	if err != nil {
		return d, rm, remiss.Holding{}, err
	}
	h, draft, ok := HoldingOf(rm, asgs, d)
	if !ok || !remiss.MayReadDocument(actor, rm.Recipients, h.Org, draft) {
		return d, rm, h, notFound
	}
	return d, rm, h, nil
}

// OpenDocument loads a document for actor to open (its bytes): one actor
// may read and, when it is marked, may open (remiss.MayOpen). Every
// opening of a marked document is recorded in the audit trail, who and
// when, before the bytes are given. Anything else is not found.
func (s *Service) OpenDocument(ctx context.Context, actor remiss.Actor, id string) (store.Document, error) {
	d, _, h, err := s.documentFor(ctx, actor, id)
	if err != nil {
		return store.Document{}, err
	}
	if !remiss.MayOpen(actor, h) {
		return store.Document{}, remiss.Refuse(remiss.KindNotFound, "dokumentet %s finns inte", id)
	}
	if h.Marked {
		now := time.Now()
		if _, err := s.Store.Apply(ctx, store.Change{EventKey: fmt.Sprintf("opened.%s.%s.%d", d.ID, actor.User, now.UnixNano()), At: now,
			Actor: actor.User, RemissID: d.RemissID, AssignmentID: d.AssignmentID, Action: "document_opened",
			Detail: map[string]any{"document": d.ID, "kind": d.Kind, "provision": d.Secrecy.Provision, "publicTitle": d.Secrecy.PublicTitle}}); err != nil {
			return store.Document{}, err
		}
	}
	return d, nil
}

// MarkSecrecy marks a document with a sekretessmarkering, or changes its
// marking, for a registrator remiss.MayMarkSecrecy allows. The public title
// is the default when none is given.
func (s *Service) MarkSecrecy(ctx context.Context, actor remiss.Actor, id string, m remiss.SecrecyMarking) (store.Secrecy, error) {
	d, _, h, err := s.documentFor(ctx, actor, id)
	if err != nil {
		return store.Secrecy{}, err
	}
	if err := remiss.MayMarkSecrecy(actor, h); err != nil {
		return store.Secrecy{}, err
	}
	if err := check(m); err != nil {
		return store.Secrecy{}, err
	}
	m = m.Normal()
	now := time.Now()
	set := store.Secrecy{DocumentID: d.ID, Provision: m.Provision, PublicTitle: m.PublicTitle, MarkedAt: now, MarkedBy: actor.User}
	c := store.Change{Action: "secrecy_marked"}
	if h.Marked {
		if d.Secrecy.Provision == set.Provision && d.Secrecy.PublicTitle == set.PublicTitle {
			return *d.Secrecy, nil // nothing changes
		}
		c = store.Change{Action: "secrecy_changed"}
	}
	c.EventKey, c.At, c.Actor, c.RemissID, c.AssignmentID = fmt.Sprintf("secrecy.%s.%d", d.ID, now.UnixNano()), now, actor.User, d.RemissID, d.AssignmentID
	c.Detail = map[string]any{"document": d.ID, "kind": d.Kind, "provision": set.Provision, "publicTitle": set.PublicTitle}
	c.Secrecy = &store.SecrecyPatch{DocumentID: d.ID, Set: &set}
	_, err = s.Store.Apply(ctx, c)
	if err != nil {
		return store.Secrecy{}, err
	}
	return set, nil
}

// UnmarkSecrecy removes a document's sekretessmarkering, for whoever may
// mark it. A document without one is a conflict.
func (s *Service) UnmarkSecrecy(ctx context.Context, actor remiss.Actor, id string) error {
	d, _, h, err := s.documentFor(ctx, actor, id)
	if err != nil {
		return err
	}
	if err := remiss.MayMarkSecrecy(actor, h); err != nil {
		return err
	}
	if !h.Marked {
		return remiss.Refuse(remiss.KindConflict, "handlingen har ingen sekretessmarkering")
	}
	now := time.Now()
	_, err = s.Store.Apply(ctx, store.Change{EventKey: fmt.Sprintf("secrecy.%s.%d", d.ID, now.UnixNano()), At: now,
		Actor: actor.User, RemissID: d.RemissID, AssignmentID: d.AssignmentID, Action: "secrecy_removed",
		Detail:  map[string]any{"document": d.ID, "kind": d.Kind, "provision": d.Secrecy.Provision, "publicTitle": d.Secrecy.PublicTitle},
		Secrecy: &store.SecrecyPatch{DocumentID: d.ID}})
	return err
}
