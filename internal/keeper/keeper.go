// Package keeper stores documents together with their verification: every
// document is verified once, when it is stored, within a time budget, and
// the result is kept beside its bytes. A request for a document's
// verification reads the kept result; re-running it costs the same bounded
// work, never minutes for a hostile file.
package keeper

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
)

// Budget bounds one verification: a file that takes longer is reported as
// not verifiable, not waited for.
const Budget = 5 * time.Second

// Signature is one signature's verdict.
type Signature struct {
	Valid       bool   `json:"valid"`
	Signer      string `json:"signer"`
	Org         string `json:"organisation"`
	Issuer      string `json:"issuer"`
	SignedAt    string `json:"signedAt"`
	Timestamped string `json:"timestampedAt,omitempty"`
	Problem     string `json:"problem,omitempty"`
}

// Report is a document's verification as it is kept: every signature, and
// whether they all hold. A file without signatures is not valid (none of
// ours is unsigned; an upload is kept with "inga signaturer").
type Report struct {
	Valid      bool        `json:"valid"`
	Problem    string      `json:"problem,omitempty"`
	Signatures []Signature `json:"signatures"`
	CheckedAt  time.Time   `json:"checkedAt"`
}

// Verification is what a reader of a stored document is told: the kept
// report, and whether the bytes still match their stored SHA-256 (checked
// on every read: it costs a hash).
type Verification struct {
	ID        string `json:"id"`
	SHA256    string `json:"sha256"`
	HashMatch bool   `json:"hashMatches"`
	Report
}

// Keeper puts documents in the store with their verification.
type Keeper struct {
	Store *store.Store
	Roots *x509.CertPool // the trust anchors signatures must chain to
}

// Check verifies content as of at, within Budget (or ctx, if sooner).
func Check(ctx context.Context, content []byte, roots *x509.CertPool, at time.Time) Report {
	ctx, cancel := context.WithTimeout(ctx, Budget)
	defer cancel()
	r := Report{CheckedAt: time.Now().UTC().Truncate(time.Second)}
	res, err := sign.VerifyAt(ctx, content, roots, at)
	if err != nil {
		r.Problem = err.Error()
		if ctx.Err() != nil {
			r.Problem = "verifieringen tog för lång tid; filen kan inte verifieras"
		}
		return r
	}
	if len(res) == 0 {
		r.Problem = "filen har inga signaturer"
		return r
	}
	r.Valid = true
	for _, s := range res {
		out := Signature{Valid: s.Valid, Signer: s.Signer, Org: s.Org, Issuer: s.Issuer, SignedAt: s.SignedAt.Format(time.RFC3339), Problem: s.Problem}
		if !s.Timestamped.IsZero() {
			out.Timestamped = s.Timestamped.Format(time.RFC3339)
		}
		r.Valid = r.Valid && s.Valid
		r.Signatures = append(r.Signatures, out)
	}
	return r
}

// Put verifies d as of now (the time it is stored: our own record, which
// a signer cannot set) and stores it with the report. A document already
// stored under the ID is returned as it is, with its kept report.
func (k *Keeper) Put(ctx context.Context, d store.Document) (store.Document, error) {
	rep := Check(ctx, d.Content, k.Roots, time.Now())
	b, err := json.Marshal(rep)
	if err != nil {
		return store.Document{}, fmt.Errorf("keeper: %s: %w", d.ID, err)
	}
	d.Verification = b
	return k.Store.PutDocument(ctx, d)
}

// Verification reads the kept verification of a stored document.
func Read(d store.Document) Verification {
	sum := sha256.Sum256(d.Content)
	v := Verification{ID: d.ID, SHA256: d.SHA256, HashMatch: hex.EncodeToString(sum[:]) == d.SHA256}
	if err := json.Unmarshal(d.Verification, &v.Report); err != nil || d.Verification == nil {
		v.Report = Report{Problem: "dokumentet har inte verifierats"}
	}
	if !v.HashMatch {
		v.Valid, v.Problem = false, "filen stämmer inte med den lagrade kontrollsumman"
	}
	return v
}

// Reverify runs the verification of a stored document again, as of when it
// was stored and with the same bounds, and keeps the new result.
func (k *Keeper) Reverify(ctx context.Context, d store.Document) (Verification, error) {
	rep := Check(ctx, d.Content, k.Roots, d.CreatedAt)
	b, err := json.Marshal(rep)
	if err != nil {
		return Verification{}, err
	}
	if err := k.Store.SetVerification(ctx, d.ID, b); err != nil {
		return Verification{}, err
	}
	d.Verification = b
	return Read(d), nil
}
