package demo

import "github.com/remiss/remiss/internal/sign"

// SealOrgs are the demo organisations, each of which gets a TEST seal.
func SealOrgs() []sign.DevOrg {
	var orgs []sign.DevOrg
	for _, o := range Orgs() {
		orgs = append(orgs, sign.DevOrg{Code: o.Code, Name: o.Name})
	}
	return orgs
}

// Seals makes (once) and loads TEST seals for every demo organisation in dir.
func Seals(dir string) (*sign.Keyring, error) { return sign.EnsureDev(dir, SealOrgs()) }
