package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/sign"
)

func importDirectory(ctx context.Context, a *app, path string, out io.Writer) error {
	var d rounds.Directory
	if err := readYAML(path, &d); err != nil {
		return err
	}
	if err := a.svc.ImportDirectory(ctx, d); err != nil {
		return reject(err)
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
		if _, err := sign.FromConfig(a.cfg, demo.SealOrgs()); err != nil {
			return err
		}
		fmt.Fprintln(out, "TEST-sigill finns i "+sign.DevDir(a.cfg)+".")
	}
	return nil
}
