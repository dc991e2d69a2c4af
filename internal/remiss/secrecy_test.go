package remiss

import (
	"slices"
	"testing"
)

// TestSecrecyPolicy writes out by hand who may mark and who may open a
// marked handling of bromma's, before and after it reaches
// kommunstyrelsen, for every role at bromma, at farsta and at KS; the
// round's Coordinator is ks.samordnare, another Coordinator is not it.
func TestSecrecyPolicy(t *testing.T) {
	type person struct {
		name string
		a    Actor
	}
	var people []person
	for _, org := range []string{"bromma", "farsta", KS} {
		for _, role := range []Role{RoleCoordinator, RoleRegistrar, RoleOfficer, RoleSignatory, RoleAdmin} {
			user := org + "." + string(role)
			if org == KS && role == RoleCoordinator {
				user = "ks.samordnare"
			}
			people = append(people, person{user, Actor{User: user, Org: org, Role: role}})
		}
	}
	people = append(people, person{"ks.annan-samordnare", Actor{User: "ks.annan-samordnare", Org: KS, Role: RoleCoordinator}})
	caseStaff := []string{"bromma.coordinator", "bromma.registrar", "bromma.officer", "bromma.signatory"}
	for _, c := range []struct {
		atKS       bool
		mark, open []string
	}{
		{false, []string{"bromma.registrar"}, caseStaff},
		{true, []string{"bromma.registrar", "ks.registrar"}, append(slices.Clone(caseStaff), "ks.registrar", "ks.samordnare")},
	} {
		h := Holding{Org: "bromma", AtKS: c.atKS, Coordinator: "ks.samordnare", Marked: true}
		for _, p := range people {
			err := MayMarkSecrecy(p.a, h)
			if (err == nil) != slices.Contains(c.mark, p.name) {
				t.Errorf("at KS %v: %s may mark: %v", c.atKS, p.name, err)
			}
			if e, ok := AsError(err); err != nil && (!ok || e.Kind != KindForbidden || e.Reason == "") {
				t.Errorf("%s: refusal %v is not a reasoned KindForbidden", p.name, err)
			}
			if MayOpen(p.a, h) != slices.Contains(c.open, p.name) {
				t.Errorf("at KS %v: %s may open: %v", c.atKS, p.name, MayOpen(p.a, h))
			}
			if !MayOpen(p.a, Holding{Org: "bromma", AtKS: c.atKS, Coordinator: "ks.samordnare"}) {
				t.Errorf("%s may not open an unmarked handling", p.name)
			}
		}
	}
	// Kommunstyrelsen's own handling: its staff with a case role, not its
	// administrator; no recipient.
	own := Holding{Org: KS, AtKS: true, Coordinator: "ks.samordnare", Marked: true}
	for _, p := range people {
		want := p.a.Org == KS && p.a.Role != RoleAdmin
		if MayOpen(p.a, own) != want {
			t.Errorf("KS's own marked handling: %s may open %v", p.name, !want)
		}
	}
	registered := PublicFacts{RoundPublic: true, Kind: "statement", AnswerState: StateAnswered}
	marked := registered
	marked.Secret = true
	if MayPublish(marked) || !MayPublish(registered) {
		t.Error("a marked registered answer may be published, or an unmarked one may not")
	}
	if MayAttach(own) || !MayAttach(Holding{Org: KS}) {
		t.Error("a marked handling may be attached to a message, or an unmarked one may not")
	}
}

func TestProvision(t *testing.T) {
	for _, s := range []string{"OSL 18 kap. 8 §", "OSL 21 kap. 7 §", "OSL 39 kap. 2 a §", "OSL 26 kap. 1 § första stycket",
		"OSL 18 kap. 8 § 3 p.", "OSL 44 kap. 1 §", "  OSL  18 kap.  8 § "} {
		if !ValidProvision(NormalProvision(s)) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range []string{"", "OSL", "18 kap. 8 §", "OSL 18 kap 8 §", "OSL 45 kap. 1 §", "OSL 0 kap. 1 §", "OSL 18 kap. 8",
		"osl 18 kap. 8 §", "OSL 18 kap. 8 § <script>", "Sekretess", "OSL 18 kap. 8 §\nBcc: x"} {
		if ValidProvision(NormalProvision(s)) {
			t.Errorf("%q accepted", s)
		}
	}
	if m := (SecrecyMarking{Provision: " OSL 18 kap.  8 § ", PublicTitle: "  "}).Normal(); m.Provision != "OSL 18 kap. 8 §" || m.PublicTitle != DefaultPublicTitle {
		t.Errorf("normal: %+v", m)
	}
}
