package rounds

import (
	"context"
	"fmt"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// Directory is the organisations and users of an installation, as
// `starter import` reads them from a file (the dev command loads demo
// ones instead).
type Directory struct {
	Orgs []struct {
		Code string `json:"code" yaml:"code" validate:"required,max=64,orgcode"`
		Name string `json:"name" yaml:"name" validate:"required,max=200,nocontrol"`
		// Kind is what sort of organisation it is (remiss.OrgKinds): the
		// words its documents, pages and messages use follow it.
		Kind        string `json:"kind" yaml:"kind" validate:"max=40"`
		Forvaltning string `json:"forvaltning" yaml:"forvaltning" validate:"max=200,nocontrol"`
		Email       string `json:"email" yaml:"email" validate:"required,email,max=200"`
		// DnrRule is how the organisation writes its diarienummer: a
		// regular expression over the whole number; empty is the default.
		DnrRule string `json:"dnrRule" yaml:"dnrRule" validate:"max=200,nocontrol"`
	} `json:"orgs" yaml:"orgs" validate:"dive"`
	Users []struct {
		Username string `json:"username" yaml:"username" validate:"required,max=64,username"`
		Org      string `json:"org" yaml:"org" validate:"required,orgcode"`
		Role     string `json:"role" yaml:"role" validate:"required,oneof=coordinator registrar officer signatory admin"`
		Name     string `json:"name" yaml:"name" validate:"required,max=200,nocontrol"`
		Title    string `json:"title" yaml:"title" validate:"max=200,nocontrol"`
		Email    string `json:"email" yaml:"email" validate:"required,email,max=200"`
		Phone    string `json:"phone" yaml:"phone" validate:"max=40,nocontrol"`
	} `json:"users" yaml:"users" validate:"dive"`
}

// ImportDirectory validates a directory whole, then adds or updates its
// organisations and users: a file with one fault changes nothing.
func (s *Service) ImportDirectory(ctx context.Context, d Directory) error {
	if err := check(d); err != nil {
		return err
	}
	known, err := s.Store.OrgCodes(ctx)
	if err != nil {
		return err
	}
	for _, o := range d.Orgs {
		known[o.Code] = true
	}
	for i, o := range d.Orgs {
		if err := remiss.CheckOrgKind(o.Kind); err != nil {
			return remiss.InvalidField(fmt.Sprintf("orgs[%d].kind", i), remiss.Capital(err.Error()))
		}
		if err := remiss.CheckDnrRule(o.DnrRule); err != nil {
			return remiss.InvalidField(fmt.Sprintf("orgs[%d].dnrRule", i), remiss.Capital(err.Error()))
		}
	}
	for i, u := range d.Users {
		if !known[u.Org] {
			return remiss.InvalidField(fmt.Sprintf("users[%d].org", i), fmt.Sprintf("Okänd organisation %q", u.Org))
		}
	}
	for _, o := range d.Orgs {
		if err := s.Store.UpsertOrg(ctx, remiss.Org{Code: o.Code, Name: o.Name, Kind: remiss.OrgKind(o.Kind),
			Forvaltning: o.Forvaltning, Email: o.Email, DnrRule: remiss.DnrRule(o.DnrRule)}); err != nil {
			return err
		}
	}
	for _, u := range d.Users {
		if err := s.Store.UpsertUser(ctx, store.User{Username: u.Username, Org: u.Org, Role: remiss.Role(u.Role),
			DisplayName: u.Name, Title: u.Title, Email: u.Email, Phone: u.Phone}); err != nil {
			return err
		}
	}
	return nil
}
