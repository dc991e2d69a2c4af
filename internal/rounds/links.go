package rounds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/templates"
	"github.com/remiss/remiss/workflows"
)

// Linked is an outside body's assignment as its personal link opens it.
type Linked struct {
	Actor      remiss.Actor
	Assignment store.Assignment
	Remiss     store.Remiss
	Org        remiss.Org
}

// errNoLink is every refusal of a link: a wrong token, a replaced one, one
// whose round has closed or been withdrawn. It says nothing of which.
var errNoLink = remiss.Refuse(remiss.KindNotFound, "länken gäller inte: den kan ha ersatts av en ny, eller så är remissen avslutad")

// tokenRune is what a token (base64url) is made of.
func tokenRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}

// Link opens the assignment of a personal link while its round is open.
func (s *Service) Link(ctx context.Context, token string) (Linked, error) {
	if len(token) != remiss.LinkTokenLen || strings.IndexFunc(token, func(r rune) bool { return !tokenRune(r) }) >= 0 {
		return Linked{}, errNoLink
	}
	id, err := s.Store.LinkAssignment(ctx, remiss.LinkHash(token))
	if errors.Is(err, store.ErrNotFound) {
		return Linked{}, errNoLink
	}
	if err != nil {
		return Linked{}, err
	}
	a, rm, org, err := s.Store.AssignmentInRound(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return Linked{}, errNoLink
	}
	if err != nil {
		return Linked{}, err
	}
	if !org.ByLink || rm.State != remiss.RemissOpen || a.State == remiss.StateWithdrawn || a.State == remiss.StateMissed {
		return Linked{}, errNoLink
	}
	return Linked{Actor: remiss.LinkActor(org.Code), Assignment: a, Remiss: rm, Org: org}, nil
}

// Receive takes an outside body's answer through its link: the text of
// the answer, or the PDF that is the answer, kept first by KeepReceived
// (so that a refusal of the rest loses nothing of it) and named by its ID
// in ans.File.
func (s *Service) Receive(ctx context.Context, l Linked, ans remiss.ExternalAnswer) (workflows.AssignmentStatus, error) {
	if err := remiss.PossibleIn(remiss.ActReceive, l.Assignment.State); err != nil {
		return workflows.AssignmentStatus{}, err
	}
	if ans.File != "" {
		d, err := s.Store.Document(ctx, ans.File)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return workflows.AssignmentStatus{}, err
		}
		if err != nil || d.AssignmentID != l.Assignment.ID || d.Kind != "received" {
			return workflows.AssignmentStatus{}, remiss.InvalidField("file", "Filen finns inte; ladda upp den igen")
		}
	}
	if err := check(ans); err != nil {
		return workflows.AssignmentStatus{}, err
	}
	content := ans.Response()
	docs, err := s.Store.DocumentList(ctx, l.Remiss.ID)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	for _, d := range docs {
		if d.AssignmentID == l.Assignment.ID && d.Kind == "bilaga" {
			content.Attachments = append(content.Attachments, strings.TrimSuffix(d.Filename, ".pdf"))
		}
	}
	v, err := s.Store.SaveResponseVersion(ctx, l.Assignment.ID, content, l.Actor.User)
	if err != nil {
		return workflows.AssignmentStatus{}, err
	}
	st, err := s.updateAssignment(ctx, l.Assignment, workflows.UpdateReceive, workflows.VersionRequest{Actor: l.Actor, VersionID: v.ID, SHA256: v.SHA256})
	return st, discardRefused(ctx, err, s.Store.DiscardResponseVersion, v.ID)
}

// KeepReceived stores the PDF an outside body answers with, as it came,
// once CheckPDF has passed it.
func (s *Service) KeepReceived(ctx context.Context, l Linked, body []byte) (store.Document, error) {
	if err := remiss.PossibleIn(remiss.ActReceive, l.Assignment.State); err != nil {
		return store.Document{}, err
	}
	if err := CheckPDF(ctx, "file", body); err != nil {
		return store.Document{}, err
	}
	sum := sha256.Sum256(body)
	return s.keeper().Put(ctx, store.Document{ID: "received." + l.Assignment.ID + "." + hex.EncodeToString(sum[:8]),
		RemissID: l.Remiss.ID, AssignmentID: l.Assignment.ID, Kind: "received",
		Filename: fmt.Sprintf("yttrande-%s-%s-inkommet.pdf", l.Remiss.ID, l.Org.Code), Content: body})
}

// AttachByLink stores a bilaga to an outside body's answer before it is
// sent.
func (s *Service) AttachByLink(ctx context.Context, l Linked, name string, body []byte) (store.Document, error) {
	if err := remiss.PossibleIn(remiss.ActReceive, l.Assignment.State); err != nil {
		return store.Document{}, err
	}
	return s.keepBilaga(ctx, l.Assignment, name, body)
}

// ReplaceLink gives an outside body a new personal link, sent to its
// address; the old one stops working at once. The Coordinator does it
// when a link went astray or the contact changed.
func (s *Service) ReplaceLink(ctx context.Context, actor remiss.Actor, assignmentID, baseURL string) error {
	if err := remiss.MayAct(remiss.ActReplaceLink, actor, ""); err != nil {
		return err
	}
	a, rm, org, err := s.Store.AssignmentInRound(ctx, assignmentID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !org.ByLink {
		return remiss.Refuse(remiss.KindNotFound, "uppdraget %s har ingen personlig länk", assignmentID)
	}
	if err != nil {
		return err
	}
	if rm.State != remiss.RemissOpen {
		return remiss.Refuse(remiss.KindConflict, "remissen är avslutad; länken kan inte ersättas")
	}
	if a.State == remiss.StateWithdrawn || a.State == remiss.StateMissed {
		return remiss.Refuse(remiss.KindConflict, "uppdraget är avslutat (%s); länken kan inte ersättas", a.State.Label())
	}
	if len(s.LinkKey) < remiss.LinkKeySize {
		return remiss.Refuse(remiss.KindConflict, "servern saknar nyckel för personliga länkar (REMISS_LINK_KEY)")
	}
	old, err := s.Store.LinkOf(ctx, a.ID)
	if err != nil {
		return err
	}
	g, nonce := old.Generation+1, remiss.NewLinkNonce()
	token := remiss.LinkToken(s.LinkKey, a.ID, g, nonce)
	subject, body, err := templates.Mail("link_replaced", templates.MailData{Org: org.Name, OrgKind: org.Kind, Dnr: rm.Dnr,
		Title: rm.Title, Deadline: a.Deadline, RoundDeadline: rm.Deadline, Link: strings.TrimRight(baseURL, "/") + "/svar/" + remiss.LinkMarker, ByLink: true})
	if err != nil {
		return err
	}
	key := fmt.Sprintf("%s.link.%d", a.ID, g)
	now := time.Now()
	_, err = s.Store.Apply(ctx, store.Change{
		EventKey: key, At: now, Actor: actor.User, RemissID: rm.ID, AssignmentID: a.ID, Action: "link_replaced",
		Detail: map[string]any{"generation": g, "role": actor.Role, "org": actor.Org},
		Link:   &store.LinkPatch{Generation: g, Nonce: nonce, Hash: remiss.LinkHash(token)},
		Messages: []store.Message{{ID: key + ".link_replaced.0", Kind: "link_replaced", AssignmentID: a.ID,
			Recipient: org.Email, Subject: subject, Body: body, EventAt: now}},
	})
	if errors.Is(err, store.ErrConflict) {
		return remiss.Refuse(remiss.KindConflict, "länken ersattes nyss av någon annan")
	}
	return err
}
