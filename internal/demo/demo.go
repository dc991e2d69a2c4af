// Package demo loads the organisations and users a newcomer needs to try a
// round: KS, the fourteen stadsdelsnämnder of 2016, the main facknämnder,
// two bolag, a råd, an office that answers itself and a body outside the
// city (one of each kind, remiss.OrgKinds), and three users per
// organisation. The dev command loads it; the
// production mode never does.
package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

type demoOrg struct {
	code, name, forvaltning string
	kind                    remiss.OrgKind
}

var orgs = []demoOrg{
	{"ks", "Kommunstyrelsen", "Stadsledningskontoret", remiss.KindKS},
	{"rinkeby-kista", "Rinkeby-Kista stadsdelsnämnd", "Rinkeby-Kista stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"spanga-tensta", "Spånga-Tensta stadsdelsnämnd", "Spånga-Tensta stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"hasselby-vallingby", "Hässelby-Vällingby stadsdelsnämnd", "Hässelby-Vällingby stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"bromma", "Bromma stadsdelsnämnd", "Bromma stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"kungsholmen", "Kungsholmens stadsdelsnämnd", "Kungsholmens stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"norrmalm", "Norrmalms stadsdelsnämnd", "Norrmalms stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"ostermalm", "Östermalms stadsdelsnämnd", "Östermalms stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"sodermalm", "Södermalms stadsdelsnämnd", "Södermalms stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"enskede-arsta-vantor", "Enskede-Årsta-Vantörs stadsdelsnämnd", "Enskede-Årsta-Vantörs stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"skarpnack", "Skarpnäcks stadsdelsnämnd", "Skarpnäcks stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"farsta", "Farsta stadsdelsnämnd", "Farsta stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"alvsjo", "Älvsjö stadsdelsnämnd", "Älvsjö stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"hagersten-liljeholmen", "Hägersten-Liljeholmens stadsdelsnämnd", "Hägersten-Liljeholmens stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"skarholmen", "Skärholmens stadsdelsnämnd", "Skärholmens stadsdelsförvaltning", remiss.KindStadsdelsnamnd},
	{"utbildningsnamnden", "Utbildningsnämnden", "Utbildningsförvaltningen", remiss.KindFacknamnd},
	{"trafiknamnden", "Trafiknämnden", "Trafikkontoret", remiss.KindFacknamnd},
	{"socialnamnden", "Socialnämnden", "Socialförvaltningen", remiss.KindFacknamnd},
	{"kulturnamnden", "Kulturnämnden", "Kulturförvaltningen", remiss.KindFacknamnd},
	{"miljo-och-halsoskyddsnamnden", "Miljö- och hälsoskyddsnämnden", "Miljöförvaltningen", remiss.KindFacknamnd},
	{"stadsbyggnadsnamnden", "Stadsbyggnadsnämnden", "Stadsbyggnadskontoret", remiss.KindFacknamnd},
	{"fastighetsnamnden", "Fastighetsnämnden", "Fastighetskontoret", remiss.KindFacknamnd},
	{"exploateringsnamnden", "Exploateringsnämnden", "Exploateringskontoret", remiss.KindFacknamnd},
	{"aldrenamnden", "Äldrenämnden", "Äldreförvaltningen", remiss.KindFacknamnd},
	{"stokab", "AB Stokab", "AB Stokab", remiss.KindBolag},
	{"stockholm-business-region", "Stockholm Business Region AB", "Stockholm Business Region AB", remiss.KindBolag},
	// A råd advises; it decides its yttrande at its meetings.
	{"pensionarsradet", "Kommunstyrelsens pensionärsråd", "", remiss.KindRad},
	// An office answers itself: it writes and its chef approves.
	{"revisionskontoret", "Revisionskontoret", "", remiss.KindOffice},
	// A body outside the city, whose answer is its own letter.
	{"lansstyrelsen", "Länsstyrelsen i Stockholms län", "", remiss.KindExternal},
}

// Domain is the e-mail domain of every demo address.
const Domain = "example.stockholm.se"

// StadsdelsnamnderCodes are the fourteen stadsdelsnämnder, in order.
func StadsdelsnamnderCodes() []string {
	var out []string
	for _, o := range orgs {
		if o.kind == remiss.KindStadsdelsnamnd {
			out = append(out, o.code)
		}
	}
	return out
}

// Orgs returns the demo organisations.
func Orgs() []remiss.Org {
	out := make([]remiss.Org, len(orgs))
	for i, o := range orgs {
		out[i] = remiss.Org{Code: o.code, Name: o.name, Kind: o.kind, Forvaltning: o.forvaltning,
			Email: "registrator." + o.code + "@" + Domain}
	}
	return out
}

// Users returns the demo users: <code>.registrator, <code>.handlaggare and
// <code>.chef for every organisation, plus ks.samordnare and admin.
func Users() []store.User {
	var out []store.User
	for _, o := range orgs {
		short := o.name
		out = append(out,
			store.User{Username: o.code + ".registrator", Org: o.code, Role: remiss.RoleRegistrar,
				DisplayName: "Registrator, " + short, Title: "Registrator"},
			store.User{Username: o.code + ".handlaggare", Org: o.code, Role: remiss.RoleOfficer,
				DisplayName: "Handläggare, " + short, Title: "Handläggare", Phone: "08-508 00 000"},
			store.User{Username: o.code + ".chef", Org: o.code, Role: remiss.RoleSignatory,
				DisplayName: chefName(o) + ", " + short, Title: chefTitle(o)},
		)
	}
	out = append(out,
		store.User{Username: "ks.samordnare", Org: "ks", Role: remiss.RoleCoordinator,
			DisplayName: "Remissamordnare, Stadsledningskontoret", Title: "Remissamordnare"},
		store.User{Username: "admin", Org: "ks", Role: remiss.RoleAdmin, DisplayName: "Systemadministratör", Title: "Systemadministratör"},
	)
	for i := range out {
		out[i].Email = out[i].Username + "@" + Domain
	}
	return out
}

// chefName is how a chef is listed: a nämnd's as förvaltningschef, the
// others by their title ("Verkställande direktör").
func chefName(o demoOrg) string {
	switch o.kind {
	case remiss.KindBolag, remiss.KindRad, remiss.KindOffice, remiss.KindExternal:
		return chefTitle(o)
	}
	return "Förvaltningschef"
}

func chefTitle(o demoOrg) string {
	switch {
	case o.kind == remiss.KindRad:
		return "Ordförande"
	case o.kind == remiss.KindOffice:
		return "Direktör"
	case o.kind == remiss.KindExternal:
		return "Enhetschef"
	case o.kind == remiss.KindStadsdelsnamnd:
		return "Stadsdelsdirektör"
	case o.kind == remiss.KindBolag:
		return "Verkställande direktör"
	case o.kind == remiss.KindKS:
		return "Stadsdirektör"
	case strings.HasSuffix(o.forvaltning, "kontoret"):
		return "Direktör"
	}
	return "Förvaltningschef"
}

// SeedWithPassword loads the demo data and gives every demo user password.
func SeedWithPassword(ctx context.Context, s *store.Store, password string) error {
	if err := Seed(ctx, s); err != nil {
		return err
	}
	var names []string
	for _, u := range Users() {
		names = append(names, u.Username)
	}
	return s.SetPasswords(ctx, password, names)
}

// Seed loads the demo organisations and users (idempotent).
func Seed(ctx context.Context, s *store.Store) error {
	for _, o := range Orgs() {
		if err := s.UpsertOrg(ctx, o); err != nil {
			return err
		}
	}
	for _, u := range Users() {
		if err := s.UpsertUser(ctx, u); err != nil {
			return err
		}
	}
	return nil
}

// LoadOrgs adds n numbered organisations ("last-001", …) with a
// registrator, an officer and a chef each, for load and fault tests that
// need more recipients than the city has, and returns their codes.
func LoadOrgs(ctx context.Context, st *store.Store, n int) ([]string, error) {
	var codes []string
	for i := 1; i <= n; i++ {
		code := fmt.Sprintf("last-%03d", i)
		if err := st.UpsertOrg(ctx, remiss.Org{Code: code, Name: fmt.Sprintf("Lastnämnd %d", i), Kind: remiss.KindFacknamnd,
			Email: code + "@" + Domain}); err != nil {
			return nil, err
		}
		for _, r := range []struct {
			suffix string
			role   remiss.Role
		}{{".registrator", remiss.RoleRegistrar}, {".handlaggare", remiss.RoleOfficer}, {".chef", remiss.RoleSignatory}} {
			if err := st.UpsertUser(ctx, store.User{Username: code + r.suffix, Org: code, Role: r.role, DisplayName: code + r.suffix,
				Email: code + r.suffix + "@" + Domain}); err != nil {
				return nil, err
			}
		}
		codes = append(codes, code)
	}
	return codes, nil
}
