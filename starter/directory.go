package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/validate"
)

// directory is the file `starter import` reads: the organisations and users
// of a production installation (the dev command loads demo ones instead).
type directory struct {
	Orgs []struct {
		Code        string `json:"code" yaml:"code" validate:"required,max=64,orgcode"`
		Name        string `json:"name" yaml:"name" validate:"required,max=200,nocontrol"`
		Kind        string `json:"kind" yaml:"kind" validate:"required,oneof=ks stadsdelsnamnd facknamnd bolag rad"`
		Forvaltning string `json:"forvaltning" yaml:"forvaltning" validate:"max=200,nocontrol"`
		Email       string `json:"email" yaml:"email" validate:"required,email,max=200"`
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

func importDirectory(ctx context.Context, a *app, path string, out io.Writer) error {
	var d directory
	if err := readYAML(path, &d); err != nil {
		return err
	}
	if err := validate.New(nil).Struct(d); err != nil {
		return reject(err)
	}
	known, err := a.store.OrgCodes(ctx)
	if err != nil {
		return err
	}
	for _, o := range d.Orgs {
		known[o.Code] = true
	}
	for i, u := range d.Users {
		if !known[u.Org] {
			return reject(validate.Errors{{Field: fmt.Sprintf("users[%d].org", i), Message: fmt.Sprintf("Okänd organisation %q", u.Org)}})
		}
	}
	for _, o := range d.Orgs {
		if err := a.store.UpsertOrg(ctx, remiss.Org{Code: o.Code, Name: o.Name, Kind: remiss.OrgKind(o.Kind),
			Forvaltning: o.Forvaltning, Email: o.Email}); err != nil {
			return err
		}
	}
	for _, u := range d.Users {
		if err := a.store.UpsertUser(ctx, store.User{Username: u.Username, Org: u.Org, Role: remiss.Role(u.Role),
			DisplayName: u.Name, Title: u.Title, Email: u.Email, Phone: u.Phone}); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "Inläst: %d organisationer och %d användare.\n", len(d.Orgs), len(d.Users))
	return nil
}

func runImport(ctx context.Context, a *app, in args, out io.Writer) error {
	return importDirectory(ctx, a, in.file, out)
}

// runDemo loads the demo organisations and users, and makes the TEST
// seals unless a seal directory is configured.
func runDemo(ctx context.Context, a *app, in args, out io.Writer) error {
	if a.cfg.Production {
		return errors.New("demodata laddas aldrig i produktion")
	}
	password := os.Getenv("REMISS_DEMO_PASSWORD")
	if password == "" {
		password = "demo"
	}
	if err := demo.SeedWithPassword(ctx, a.store, password); err != nil {
		return err
	}
	fmt.Fprintln(out, "Demoorganisationer och demoanvändare är inlästa.")
	if a.cfg.SealDir == "" {
		// The TEST seals, made here once so that workers and the web
		// server started side by side find the same ones.
		if _, err := demo.Keyring(a.cfg); err != nil {
			return err
		}
		fmt.Fprintln(out, "TEST-sigill finns i "+filepath.Join(a.cfg.DataDir, "seals")+".")
	}
	return nil
}
