package identity

import (
	"errors"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/remiss"
)

const mapping = `
groupsClaim: roles
nameClaim: name
emailClaim: email
groups:
  remiss-bromma-registrator: {org: bromma, role: registrar}
  remiss-bromma-chef: {org: bromma, role: signatory}
  remiss-farsta-handlaggare: {org: farsta, role: officer}
  remiss-handlaggare: {role: officer}
claims:
  - {claim: "https://id.oidc.se/claim/orgAffiliation", value: "212000-0142", org: ks}
`

func TestMapping(t *testing.T) {
	m, err := ParseMapping([]byte(mapping))
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		claims map[string][]string
		org    string
		role   remiss.Role
		refuse string
	}{
		"one group":               {map[string][]string{"roles": {"remiss-bromma-registrator"}}, "bromma", remiss.RoleRegistrar, ""},
		"the strongest role":      {map[string][]string{"roles": {"remiss-bromma-registrator", "remiss-bromma-chef", "annat"}}, "bromma", remiss.RoleSignatory, ""},
		"org from a claim":        {map[string][]string{"roles": {"remiss-handlaggare"}, "https://id.oidc.se/claim/orgAffiliation": {"212000-0142"}}, "ks", remiss.RoleOfficer, ""},
		"no group of ours":        {map[string][]string{"roles": {"alla"}}, "", "", "no_org"},
		"a role but no org":       {map[string][]string{"roles": {"remiss-handlaggare"}}, "", "", "no_org"},
		"an org but no role":      {map[string][]string{"https://id.oidc.se/claim/orgAffiliation": {"212000-0142"}}, "", "", "no_role"},
		"two organisations":       {map[string][]string{"roles": {"remiss-bromma-registrator", "remiss-farsta-handlaggare"}}, "", "", "many_orgs"},
		"groups in another claim": {map[string][]string{"groups": {"remiss-bromma-registrator"}}, "", "", "no_org"},
	} {
		c.claims["name"], c.claims["email"] = []string{"Anna"}, []string{"anna@stockholm.se"}
		p, err := m.Map(c.claims)
		var ref *Refusal
		switch {
		case c.refuse != "":
			if !errors.As(err, &ref) || ref.Code != c.refuse || ref.Reason == "" {
				t.Errorf("%s: %v, want refusal %s", name, err, c.refuse)
			}
		case err != nil || p.Org != c.org || p.Role != c.role || p.Name != "Anna":
			t.Errorf("%s: %+v, %v", name, p, err)
		}
	}
}

func TestMappingFileIsChecked(t *testing.T) {
	for name, c := range map[string]struct{ yaml, want string }{
		"unknown role":   {"groups:\n  g: {org: bromma, role: chef}\n", "role"},
		"unknown key":    {"groupClaim: x\ngroups:\n  g: {org: bromma, role: officer}\n", "groupClaim"},
		"nothing mapped": {"groupsClaim: groups\n", "nobody"},
		"empty target":   {"groups:\n  g: {}\n", "neither"},
		"bad org":        {"groups:\n  g: {org: 'Bromma stad', role: officer}\n", "org"},
	} {
		if _, err := ParseMapping([]byte(c.yaml)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
