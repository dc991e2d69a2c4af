package web

import (
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"net/http"
	"time"

	"github.com/remiss/remiss/internal/store"
)

// archiveRemiss is GET /api/v1/remisses/{id}/archive: the round's
// e-archive package (FGS 2.0: an E-ARK SIP, one ZIP), for kommunstyrelsens
// registrator and administrators; before the round is done, a partial
// delivery.
func (s *Server) archiveRemiss(w http.ResponseWriter, r *http.Request, u store.User) error {
	name, pkg, err := s.Rounds.Archive(r.Context(), u.Actor(), r.PathValue("id"), time.Now())
	if err != nil {
		return err
	}
	sum := sha256.Sum256(pkg)
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Digest", "sha-256="+hex.EncodeToString(sum[:]))
	w.Write(pkg)
	return nil
}
