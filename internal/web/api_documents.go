package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
)

// The API of documents: a round's list, one document and its verification.

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request, u store.User) error {
	id := r.URL.Query().Get("remiss")
	if id == "" {
		return remiss.InvalidField("remiss", "Ange remissens ID")
	}
	rm, asgs, err := s.remissWithAssignments(r.Context(), u, id)
	if err != nil {
		return err
	}
	docs, err := s.Store.DocumentList(r.Context(), id)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, d := range docs {
		if mayRead(u, rm, asgs, d) {
			out = append(out, map[string]any{"id": d.ID, "kind": d.Kind, "filename": d.Filename, "sha256": d.SHA256,
				"assignmentId": d.AssignmentID, "createdAt": d.CreatedAt.Format(time.RFC3339)})
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request, u store.User) error {
	d, err := s.readableDocument(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.Filename+`"`)
	w.Header().Set("Digest", "sha-256="+d.SHA256)
	w.Write(d.Content)
	return nil
}

// Verification is what a registrator learns of a stored document.
type Verification struct {
	ID         string   `json:"id"`
	SHA256     string   `json:"sha256"`
	HashMatch  bool     `json:"hashMatches"`
	Valid      bool     `json:"valid"`
	Signatures []sigOut `json:"signatures"`
	Problem    string   `json:"problem,omitempty"`
}

type sigOut struct {
	Valid       bool   `json:"valid"`
	Signer      string `json:"signer"`
	Org         string `json:"organisation"`
	Issuer      string `json:"issuer"`
	SignedAt    string `json:"signedAt"`
	Timestamped string `json:"timestampedAt,omitempty"`
	Problem     string `json:"problem,omitempty"`
}

// verify checks a stored document: its bytes against the stored SHA-256,
// and every signature.
func (s *Server) verify(ctx context.Context, d store.Document) Verification {
	sum := sha256.Sum256(d.Content)
	v := Verification{ID: d.ID, SHA256: d.SHA256, HashMatch: hex.EncodeToString(sum[:]) == d.SHA256}
	// A stored document is judged at the time it was stored: our own
	// record, which the signer cannot set.
	results, err := sign.VerifyAt(ctx, d.Content, s.Roots, d.CreatedAt)
	if err != nil {
		v.Problem = err.Error()
		return v
	}
	v.Valid = v.HashMatch
	if !v.HashMatch {
		v.Problem = "filen stämmer inte med den lagrade kontrollsumman"
	}
	for _, r := range results {
		o := sigOut{Valid: r.Valid, Signer: r.Signer, Org: r.Org, Issuer: r.Issuer, SignedAt: r.SignedAt.Format(time.RFC3339), Problem: r.Problem}
		if !r.Timestamped.IsZero() {
			o.Timestamped = r.Timestamped.Format(time.RFC3339)
		}
		v.Valid = v.Valid && r.Valid
		v.Signatures = append(v.Signatures, o)
	}
	return v
}

func (s *Server) verifyDocument(w http.ResponseWriter, r *http.Request, u store.User) error {
	d, err := s.readableDocument(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.verify(r.Context(), d))
	return nil
}
