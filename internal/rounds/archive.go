package rounds

import (
	"bytes"
	"context"
	"time"

	"github.com/remiss/remiss/internal/earchive"
	"github.com/remiss/remiss/internal/remiss"
)

// Archive makes the e-archive package (FGS 2.0: an E-ARK SIP with the case
// file in ERMS) of the round target, a round's ID or Dnr, for actor:
// kommunstyrelsen's registrator or an administrator. A round that is not
// done is a partial delivery. It returns the package's file name and the
// package, a ZIP.
func (s *Service) Archive(ctx context.Context, actor remiss.Actor, target string, at time.Time) (string, []byte, error) {
	if err := remiss.MayAct(remiss.ActArchive, actor, ""); err != nil {
		return "", nil, err
	}
	c, err := earchive.Load(ctx, s.Store, remiss.RemissID(target), actor.User, at)
	if err != nil {
		return "", nil, err
	}
	var buf bytes.Buffer
	if err := earchive.Write(&buf, c); err != nil {
		return "", nil, err
	}
	return earchive.PackageID(c) + ".zip", buf.Bytes(), nil
}
