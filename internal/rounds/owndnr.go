package rounds

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Register records the recipient's own diarienummer on its assignment: the
// number under which its registrator has entered the remiss in its own
// diarium, printed as the Dnr of its documents. It is a fact of the
// database, not of the workflow, and is checked against the recipient's
// rule for diarienummer. It can be changed until the answer is approved.
func (s *Service) Register(ctx context.Context, actor remiss.Actor, assignmentID, dnr string) (store.Assignment, error) {
	asg, err := s.assignment(ctx, actor, assignmentID, remiss.ActRegister)
	if err != nil {
		return asg, err
	}
	dnr = strings.TrimSpace(dnr)
	org, err := s.Store.Org(ctx, asg.Org)
	if err != nil {
		return asg, err
	}
	if err := checkOwnDnr(org, dnr); err != nil {
		return asg, err
	}
	if err := remiss.PossibleIn(remiss.ActRegister, asg.State); err != nil {
		return asg, err
	}
	var states []string
	for _, st := range remiss.ActionStates(remiss.ActRegister) {
		states = append(states, string(st))
	}
	now := time.Now()
	err = s.Store.SetOwnDnr(ctx, store.Change{EventKey: fmt.Sprintf("%s.dnr.%d", asg.ID, now.UnixNano()), At: now,
		Actor: actor.User, RemissID: asg.RemissID, AssignmentID: asg.ID, Action: "dnr_registered",
		Detail: map[string]any{"dnr": dnr}}, dnr, states)
	if errors.Is(err, store.ErrConflict) {
		return asg, remiss.Refuse(remiss.KindConflict, "diarienumret kan bara ändras innan svaret är godkänt")
	}
	if err != nil {
		return asg, err
	}
	asg.OwnDnr = dnr
	return asg, nil
}

// checkOwnDnr checks a diarienummer against org's rule, by the field "dnr".
func checkOwnDnr(org remiss.Org, dnr string) error {
	switch {
	case dnr == "":
		return remiss.InvalidField("dnr", "Ange diarienumret som ärendet har i ert diarium")
	case !org.DnrRule.Valid(dnr) && org.DnrRule == "":
		return remiss.InvalidField("dnr", fmt.Sprintf("Ogiltigt diarienummer; högst %d tecken på en rad, t.ex. KS 2016/171-908 eller 2022-00001", remiss.MaxDnr))
	case !org.DnrRule.Valid(dnr):
		return remiss.InvalidField("dnr", "Diarienumret följer inte "+org.Name+"s regel för diarienummer")
	}
	return nil
}
