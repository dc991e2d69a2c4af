// Package identity signs people in through the municipality's identity
// provider: OpenID Connect (oidc.go) and SAML 2.0 (saml.go) as the relying
// party, and the mapping (this file) from the provider's groups and claims
// to an organisation and a role here.
package identity

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/remiss/remiss/internal/remiss"
)

// Mapping is the REMISS_IDP_MAPPING file:
//
//	groupsClaim: groups            # the OIDC claim or SAML attribute that lists the groups
//	nameClaim: name
//	emailClaim: email
//	groups:
//	  remiss-bromma-registrator: {org: bromma, role: registrar}
//	claims:                        # optional: other claims, such as the Swedish OIDC claims
//	  - {claim: "https://id.oidc.se/claim/orgAffiliation", value: "212000-0142", org: ks}
//
// A rule may give an organisation, a role or both. A person's rules must
// together give one organisation and at least one role; of several roles
// the strongest counts (admin, coordinator, signatory, registrar, officer).
type Mapping struct {
	GroupsClaim string            `yaml:"groupsClaim"`
	NameClaim   string            `yaml:"nameClaim"`
	EmailClaim  string            `yaml:"emailClaim"`
	Groups      map[string]Target `yaml:"groups"`
	Claims      []ClaimRule       `yaml:"claims"`
}

// Target is where a group or claim puts a person.
type Target struct {
	Org  string      `yaml:"org"`
	Role remiss.Role `yaml:"role"`
}

// ClaimRule maps one value of a claim.
type ClaimRule struct {
	Claim string      `yaml:"claim"`
	Value string      `yaml:"value"`
	Org   string      `yaml:"org"`
	Role  remiss.Role `yaml:"role"`
}

// roleRank orders the roles, the strongest first.
var roleRank = map[remiss.Role]int{remiss.RoleAdmin: 5, remiss.RoleCoordinator: 4, remiss.RoleSignatory: 3, remiss.RoleRegistrar: 2, remiss.RoleOfficer: 1}

var orgCode = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// LoadMapping reads and checks a mapping file.
func LoadMapping(path string) (*Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("identity: mapping: %w", err)
	}
	return ParseMapping(b)
}

// ParseMapping reads and checks a mapping; unknown keys are errors.
func ParseMapping(b []byte) (*Mapping, error) {
	var m Mapping
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("identity: mapping: %w", err)
	}
	if m.GroupsClaim == "" {
		m.GroupsClaim = "groups"
	}
	if m.NameClaim == "" {
		m.NameClaim = "name"
	}
	if m.EmailClaim == "" {
		m.EmailClaim = "email"
	}
	if len(m.Groups) == 0 && len(m.Claims) == 0 {
		return nil, errors.New("identity: mapping: no groups and no claims: nobody could sign in")
	}
	check := func(where string, t Target) error {
		if t.Org == "" && t.Role == "" {
			return fmt.Errorf("identity: mapping: %s gives neither org nor role", where)
		}
		if t.Org != "" && !orgCode.MatchString(t.Org) {
			return fmt.Errorf("identity: mapping: %s: org %q is not an organisation code", where, t.Org)
		}
		if _, ok := roleRank[t.Role]; t.Role != "" && !ok {
			return fmt.Errorf("identity: mapping: %s: role %q: use coordinator, registrar, officer, signatory or admin", where, t.Role)
		}
		return nil
	}
	for g, t := range m.Groups {
		if err := check("group "+g, t); err != nil {
			return nil, err
		}
	}
	for i, r := range m.Claims {
		if r.Claim == "" || r.Value == "" {
			return nil, fmt.Errorf("identity: mapping: claims[%d] needs claim and value", i)
		}
		if err := check(fmt.Sprintf("claims[%d]", i), Target{Org: r.Org, Role: r.Role}); err != nil {
			return nil, err
		}
	}
	return &m, nil
}

// Person is who the claims say someone is, mapped.
type Person struct {
	Name, Email string
	Org         string
	Role        remiss.Role
}

// Refusal is a sign-in refused; Reason is for the person (Swedish), Code
// for the audit trail.
type Refusal struct {
	Code, Reason string
}

func (r *Refusal) Error() string { return r.Reason }

func refuse(code, reason string) *Refusal { return &Refusal{Code: code, Reason: reason} }

// Map gives the person the claims (every value of each, as strings) map
// to, or a *Refusal.
func (m *Mapping) Map(claims map[string][]string) (Person, error) {
	p := Person{Name: first(claims[m.NameClaim]), Email: first(claims[m.EmailClaim])}
	orgs := map[string]bool{}
	var roles []remiss.Role
	add := func(t Target) {
		if t.Org != "" {
			orgs[t.Org] = true
		}
		if t.Role != "" {
			roles = append(roles, t.Role)
		}
	}
	for _, g := range claims[m.GroupsClaim] {
		if t, ok := m.Groups[g]; ok {
			add(t)
		}
	}
	for _, r := range m.Claims {
		for _, v := range claims[r.Claim] {
			if v == r.Value {
				add(Target{Org: r.Org, Role: r.Role})
			}
		}
	}
	switch len(orgs) {
	case 0:
		return p, refuse("no_org", "dina behörigheter hos kommunens inloggning ger ingen organisation i Remiss")
	case 1:
		for o := range orgs {
			p.Org = o
		}
	default:
		names := make([]string, 0, len(orgs))
		for o := range orgs {
			names = append(names, o)
		}
		sort.Strings(names)
		return p, refuse("many_orgs", "dina behörigheter ger flera organisationer ("+strings.Join(names, ", ")+"), men du kan bara höra till en")
	}
	if len(roles) == 0 {
		return p, refuse("no_role", "dina behörigheter hos kommunens inloggning ger ingen roll i Remiss")
	}
	p.Role = roles[0]
	for _, r := range roles[1:] {
		if roleRank[r] > roleRank[p.Role] {
			p.Role = r
		}
	}
	if strings.TrimSpace(p.Name) == "" {
		p.Name = p.Email
	}
	if len(p.Name) > 200 || len(p.Email) > 254 {
		return p, refuse("bad_claims", "namnet eller e-postadressen från kommunens inloggning är för lång")
	}
	return p, nil
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return strings.TrimSpace(v[0])
}

// Strings turns decoded JSON claims into lists of strings: a string is a
// list of one, a list keeps its strings, anything else is left out.
func Strings(claims map[string]any) map[string][]string {
	out := make(map[string][]string, len(claims))
	for k, v := range claims {
		switch v := v.(type) {
		case string:
			out[k] = []string{v}
		case []any:
			for _, e := range v {
				if s, ok := e.(string); ok {
					out[k] = append(out[k], s)
				}
			}
		}
	}
	return out
}

type urlValues map[string]string

func (v urlValues) Encode() string {
	q := url.Values{}
	for k, s := range v {
		q.Set(k, s)
	}
	return q.Encode()
}
