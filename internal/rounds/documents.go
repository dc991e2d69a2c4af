package rounds

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"

	"github.com/remiss/remiss/internal/compose"
	"github.com/remiss/remiss/internal/keeper"
	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/pdfupdate"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// MaxUpload bounds an uploaded PDF (a remissunderlag or a bilaga).
const MaxUpload = 20 << 20

// isPDF checks by content, not by name: a PDF header and, as every
// complete PDF has, an end-of-file marker near the end.
func isPDF(b []byte) bool {
	tail := b[max(0, len(b)-1024):]
	return (bytes.HasPrefix(b, []byte("%PDF-1.")) || bytes.HasPrefix(b, []byte("%PDF-2."))) && bytes.Contains(tail, []byte("%%EOF"))
}

// UploadUnderlag stores a round's remissunderlag (the Coordinator's) while
// the round is open, after checking by its content that it is a PDF
// without active content (CheckPDF).
func (s *Service) UploadUnderlag(ctx context.Context, actor remiss.Actor, remissID string, body []byte) (store.Document, error) {
	if err := remiss.MayAct(remiss.ActUploadUnderlag, actor, ""); err != nil {
		return store.Document{}, err
	}
	rm, err := s.Store.RemissHead(ctx, remissID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Document{}, remiss.Refuse(remiss.KindNotFound, "remissen %s finns inte", remissID)
	}
	if err != nil {
		return store.Document{}, err
	}
	if rm.State != remiss.RemissOpen {
		return store.Document{}, remiss.Refuse(remiss.KindConflict, "remissen %s är %s; remissunderlaget kan bara laddas upp medan den är öppen",
			rm.ID, map[remiss.RemissState]string{remiss.RemissClosed: "avslutad", remiss.RemissWithdrawn: "återkallad"}[rm.State])
	}
	if err := CheckPDF(ctx, "underlag", body); err != nil {
		return store.Document{}, err
	}
	sum := sha256.Sum256(body)
	return s.keeper().Put(ctx, store.Document{ID: "underlag." + rm.ID + "." + hex.EncodeToString(sum[:8]),
		RemissID: rm.ID, Kind: "underlag", Filename: "remissunderlag-" + rm.ID + ".pdf", Content: body})
}

// Attach stores a bilaga to an answer still being written (the assignment
// open), by an officer of the assignment's organisation, after CheckPDF.
func (s *Service) Attach(ctx context.Context, actor remiss.Actor, assignmentID, name string, body []byte) (store.Document, error) {
	a, err := s.assignment(ctx, actor, assignmentID, remiss.ActAttach)
	if err != nil {
		return store.Document{}, err
	}
	if err := remiss.PossibleIn(remiss.ActAttach, a.State); err != nil {
		return store.Document{}, err
	}
	return s.keepBilaga(ctx, a, name, body)
}

// keepBilaga stores a bilaga to assignment a's answer after CheckPDF.
func (s *Service) keepBilaga(ctx context.Context, a store.Assignment, name string, body []byte) (store.Document, error) {
	if err := CheckPDF(ctx, "bilaga", body); err != nil {
		return store.Document{}, err
	}
	sum := sha256.Sum256(body)
	return s.keeper().Put(ctx, store.Document{ID: "bilaga." + a.ID + "." + hex.EncodeToString(sum[:8]),
		RemissID: a.RemissID, AssignmentID: a.ID, Kind: "bilaga", Filename: safeFilename(name), Content: body})
}

// checkTimeout bounds reading an upload; a hostile file costs less.
const checkTimeout = 5 * time.Second

// CheckPDF refuses an upload that is too large, not a PDF, cannot be read
// by the parsing reader within its limits, is encrypted, or holds active
// content (JavaScript, /Launch, actions on opening, /AA, embedded files,
// rich media, XFA). Such a file is refused, not cleaned: removing parts of
// it could change what its author meant, and they can save it without them.
func CheckPDF(ctx context.Context, field string, body []byte) error {
	if len(body) > MaxUpload {
		return remiss.Refuse(remiss.KindTooLarge, "filen är för stor (högst %d MB)", MaxUpload>>20)
	}
	if !isPDF(body) {
		return remiss.InvalidField(field, "Filen är inte en PDF")
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	doc, err := pdfupdate.Open(ctx, body, pdfupdate.DefaultLimits)
	if err != nil {
		return remiss.InvalidField(field, err.Error())
	}
	if doc.Encrypted {
		return remiss.InvalidField(field, "PDF-filen är krypterad eller lösenordsskyddad; spara den utan skydd och ladda upp den igen")
	}
	found, err := pdfupdate.ActiveContent(doc)
	if err != nil {
		return remiss.InvalidField(field, err.Error())
	}
	if len(found) > 0 {
		return remiss.InvalidField(field, "PDF-filen innehåller "+strings.Join(found, ", ")+
			" och tas inte emot; spara den utan aktivt innehåll (till exempel som PDF/A) och ladda upp den igen")
	}
	return nil
}

// safeFilename keeps letters, digits and a few marks of an uploaded name.
func safeFilename(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	clean := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" ._-()", r) {
			return r
		}
		return '_'
	}, name)
	clean = strings.TrimSpace(clean)
	if clean == "" || clean == "." {
		clean = "bilaga"
	}
	if r := []rune(clean); len(r) > 100 {
		clean = string(r[:100])
	}
	if !strings.HasSuffix(strings.ToLower(clean), ".pdf") {
		clean += ".pdf"
	}
	return clean
}

// Retry runs again a step that waits for an operator (a seal that was
// missing or expired): target is an assignment ID or a round's Dnr or ID.
// It returns the workflow told.
func (s *Service) Retry(ctx context.Context, actor remiss.Actor, target string) (string, error) {
	if err := remiss.MayAct(remiss.ActRetry, actor, ""); err != nil {
		return "", err
	}
	wid := workflows.RemissWorkflowID(remiss.RemissID(target))
	if a, err := s.Store.Assignment(ctx, target); err == nil {
		wid = workflows.AssignmentWorkflowID(a.RemissID, a.Org)
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	if err := s.Temporal.SignalWorkflow(ctx, wid, "", workflows.SignalRetry, nil); err != nil {
		return wid, fmt.Errorf("rounds: retry %s: %w", wid, err)
	}
	return wid, nil
}

// Preview renders an answer as its tjänsteutlåtande would look, marked
// UTKAST, unsealed and unstored, for whoever may see the assignment's
// drafts.
func (s *Service) Preview(ctx context.Context, actor remiss.Actor, assignmentID string, content remiss.Response, at time.Time) ([]byte, error) {
	a, rm, org, err := s.draftable(ctx, actor, assignmentID)
	if err != nil {
		return nil, err
	}
	if err := check(content); err != nil {
		return nil, err
	}
	return s.draftStatement(ctx, a, rm, org, content, at)
}

// DraftStatement renders a stored version of an answer as its
// tjänsteutlåtande would look, marked UTKAST, for whoever may see the
// assignment's drafts: the version whose SHA-256 is sha, or the
// assignment's current one (the submitted one while it waits for
// approval) when sha is "". It returns the version rendered.
func (s *Service) DraftStatement(ctx context.Context, actor remiss.Actor, assignmentID, sha string, at time.Time) ([]byte, store.ResponseVersion, error) {
	a, rm, org, err := s.draftable(ctx, actor, assignmentID)
	if err != nil {
		return nil, store.ResponseVersion{}, err
	}
	id := a.ResponseVersionID
	if sha != "" {
		if err := check(struct {
			Version string `json:"version" validate:"sha256"`
		}{sha}); err != nil {
			return nil, store.ResponseVersion{}, remiss.InvalidField("version", "ogiltig kontrollsumma: en version anges med sin SHA-256 (64 tecken 0–9 och a–f)")
		}
		id = store.VersionID(a.ID, sha)
	}
	v, err := s.Store.ResponseVersion(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && (v.AssignmentID != a.ID || sha != "" && v.SHA256 != sha) || id == "" {
		return nil, v, remiss.Refuse(remiss.KindNotFound, "yttrandet finns inte i den versionen")
	}
	if err != nil {
		return nil, v, err
	}
	b, err := s.draftStatement(ctx, a, rm, org, v.Content, at)
	return b, v, err
}

// draftable loads an assignment whose drafts actor may see.
func (s *Service) draftable(ctx context.Context, actor remiss.Actor, assignmentID string) (store.Assignment, store.Remiss, remiss.Org, error) {
	a, rm, org, err := s.Store.AssignmentInRound(ctx, assignmentID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !remiss.MaySeeDraft(actor, a.Org) {
		return a, rm, org, remiss.Refuse(remiss.KindNotFound, "uppdraget %s finns inte", assignmentID)
	}
	return a, rm, org, err
}

func (s *Service) draftStatement(ctx context.Context, a store.Assignment, rm store.Remiss, org remiss.Org, c remiss.Response, at time.Time) ([]byte, error) {
	d, err := compose.Statement(ctx, s.Store, a, rm, org, c, at)
	if err != nil {
		return nil, err
	}
	d.Draft = true
	return pdf.Statement(d)
}

// keeper stores documents with their verification.
func (s *Service) keeper() *keeper.Keeper { return &keeper.Keeper{Store: s.Store, Roots: s.Roots} }
