package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// TestSignInMakesUpdatesAndRefuses: a new subject becomes a user with a
// free username (a taken one gets a number), the same subject later is
// the same user, and an unknown organisation writes nothing.
func TestSignInMakesUpdatesAndRefuses(t *testing.T) {
	s := dbtest.OpenSeeded(t)
	ctx := context.Background()
	// bromma.registrator is a demo user: a person whose e-mail begins so
	// gets another username.
	a, err := s.SignIn(ctx, store.Identity{Subject: "oidc https://idp a", Name: "Bo Registrator", Email: "bromma.registrator@stockholm.se",
		Org: "bromma", Role: remiss.RoleRegistrar, Via: "oidc"})
	if err != nil || a.Username != "bromma.registrator-2" || a.Org != "bromma" {
		t.Fatalf("first sign-in: %+v, %v", a, err)
	}
	b, err := s.SignIn(ctx, store.Identity{Subject: "oidc https://idp a", Name: "Bo Registrator", Email: "bo@stockholm.se",
		Org: "farsta", Role: remiss.RoleSignatory, Via: "oidc"})
	if err != nil || b.Username != a.Username || b.Org != "farsta" || b.Role != remiss.RoleSignatory || b.Email != "bo@stockholm.se" {
		t.Fatalf("second sign-in: %+v, %v", b, err)
	}
	before, _ := s.IdentityEvents(ctx, 100)
	if _, err := s.SignIn(ctx, store.Identity{Subject: "saml x y", Name: "Ny", Email: "ny@stockholm.se", Org: "finns-inte",
		Role: remiss.RoleOfficer, Via: "saml"}); !errors.Is(err, store.ErrUnknownOrg) {
		t.Fatalf("unknown organisation: %v", err)
	}
	after, _ := s.IdentityEvents(ctx, 100)
	var n int
	s.DB().QueryRow(`SELECT count(*) FROM users WHERE subject='saml x y'`).Scan(&n)
	if n != 0 || len(after) != len(before) {
		t.Errorf("a refused sign-in wrote %d users, %d events", n, len(after)-len(before))
	}
	// The audit trail is append-only.
	if _, err := s.DB().Exec(`DELETE FROM identity_audit`); err == nil {
		t.Errorf("the identity audit trail could be deleted")
	}
}
