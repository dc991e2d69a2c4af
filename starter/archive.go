package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/remiss/remiss/internal/earchive"
)

// needExport requires --remiss and --out, or --check alone.
func needExport(in *args) error {
	switch {
	case in.check != "" && (in.remiss != "" || in.outFile != ""):
		return errors.New("export: ange antingen --remiss ID --out FIL.zip eller --check FIL.zip")
	case in.check == "" && (in.remiss == "" || in.outFile == ""):
		return fmt.Errorf("export: ange --remiss ID --out FIL.zip (eller --check FIL.zip)\n\n%s", usage)
	}
	return nil
}

// runExport makes a round's e-archive package, as --as or kommunstyrelsens
// registrator, and checks it; or checks the package --check.
func runExport(ctx context.Context, _ *app, in args, out io.Writer) error {
	if in.check != "" {
		return checkPackage(in.check, out)
	}
	a, err := connect(ctx, out, false)
	if err != nil {
		return err
	}
	defer a.close()
	actor, err := a.actor(ctx, in.as, "ks.registrator")
	if err != nil {
		return err
	}
	name, pkg, err := a.svc.Archive(ctx, actor, in.remiss, time.Now())
	if err != nil {
		return err
	}
	if err := os.WriteFile(in.outFile, pkg, 0o644); err != nil {
		return fmt.Errorf("kan inte skriva paketet: %w", err)
	}
	fmt.Fprintf(out, "%s: paketet %s, %d byte\n", in.outFile, name, len(pkg))
	return checkPackage(in.outFile, out)
}

// checkPackage checks the package in file against the E-ARK CSIP and SIP
// profiles' MUST requirements and lists every problem.
func checkPackage(file string, out io.Writer) error {
	problems, err := earchive.CheckFile(file)
	if err != nil {
		return fmt.Errorf("kan inte läsa paketet: %w", err)
	}
	for _, p := range problems {
		fmt.Fprintf(out, "  FEL: %s\n", p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %d fel, paketet uppfyller inte E-ARK CSIP/SIP (FGS 2.0)", file, len(problems))
	}
	fmt.Fprintf(out, "%s: uppfyller E-ARK CSIP/SIP:s skall-krav (FGS 2.0) och varje fil stämmer med sin kontrollsumma\n", file)
	return nil
}
