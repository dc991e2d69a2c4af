package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strings"
	"unicode"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// Uploaded PDFs: the remissunderlag and an answer's bilagor, for the API
// and the pages alike.

// isPDF checks content, not the name: a PDF header at the start and an
// end-of-file marker near the end.
func isPDF(b []byte) bool {
	tail := b[max(0, len(b)-1024):]
	return (bytes.HasPrefix(b, []byte("%PDF-1.")) || bytes.HasPrefix(b, []byte("%PDF-2."))) && bytes.Contains(tail, []byte("%%EOF"))
}

// storeUnderlag stores a remissunderlag after checking, by its content,
// that it is a PDF.
func (s *Server) storeUnderlag(ctx context.Context, remissID string, body []byte) (store.Document, error) {
	if !isPDF(body) {
		return store.Document{}, rejectField("underlag", "Filen är inte en PDF")
	}
	sum := sha256.Sum256(body)
	return s.Store.PutDocument(ctx, store.Document{ID: "underlag." + remissID + "." + hex.EncodeToString(sum[:8]),
		RemissID: remissID, Kind: "underlag", Filename: "remissunderlag-" + remissID + ".pdf", Content: body})
}

// storeAttachment stores a bilaga to an answer still being written, by an
// officer of the assignment's organisation.
func (s *Server) storeAttachment(ctx context.Context, u store.User, assignmentID, name string, body []byte) (store.Document, error) {
	a, err := s.Store.Assignment(ctx, assignmentID)
	if err != nil {
		return store.Document{}, err
	}
	if a.Org != u.Org && u.Org != remiss.KS {
		return store.Document{}, store.ErrNotFound
	}
	if err := workflows.Permitted(workflows.UpdateSaveDraft, u.Actor(), a.Org); err != nil {
		return store.Document{}, errForbidden
	}
	if !a.State.Open() {
		return store.Document{}, &rounds.Rejection{Kind: rounds.Conflict, Reason: "bilagor kan bara läggas till medan yttrandet skrivs"}
	}
	if len(body) > MaxUpload {
		return store.Document{}, errTooLarge
	}
	if !isPDF(body) {
		return store.Document{}, rejectField("bilaga", "Filen är inte en PDF")
	}
	name = safeFilename(name)
	sum := sha256.Sum256(body)
	return s.Store.PutDocument(ctx, store.Document{ID: "bilaga." + a.ID + "." + hex.EncodeToString(sum[:8]),
		RemissID: a.RemissID, AssignmentID: a.ID, Kind: "bilaga", Filename: name, Content: body})
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
