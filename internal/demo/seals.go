package demo

import "github.com/remiss/remiss/internal/sign"

// Seals makes (once) and loads TEST seals for every demo organisation in dir.
func Seals(dir string) (*sign.Keyring, error) {
	var orgs []sign.DevOrg
	for _, o := range Orgs() {
		orgs = append(orgs, sign.DevOrg{Code: o.Code, Name: o.Name})
	}
	return sign.EnsureDev(dir, orgs)
}
