package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/workflows"
)

// The commands on a remiss round: launch, check, status, close, withdraw.

func readLaunch(path string) (remiss.Launch, error) {
	var l remiss.Launch
	err := readYAML(path, &l)
	return l, err
}

// readLaunchFile reads the round in -f.
func readLaunchFile(in *args) error {
	var err error
	in.launch, err = readLaunch(in.file)
	return err
}

// needDnr requires one argument, the round's diarienummer.
func needDnr(in *args) error {
	if len(in.rest) != 1 {
		return fmt.Errorf("ange diarienumret: starter %s \"KS 2016/171-908\"", in.name)
	}
	return nil
}

func runLaunch(ctx context.Context, a *app, in args, out io.Writer) error {
	actor, err := a.actor(ctx, in.as, "ks.samordnare")
	if err != nil {
		return err
	}
	l := in.launch
	id, err := a.svc.Launch(ctx, actor, l)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Remissen %s är utskickad till %d remissinstanser (ID %s).\n", l.Dnr, len(l.Recipients)+len(l.External), id)
	fmt.Fprintf(out, "Följ den med: go run ./starter status %q\n", l.Dnr)
	return nil
}

func runCheck(ctx context.Context, a *app, in args, out io.Writer) error {
	if err := a.svc.ValidateLaunch(ctx, in.launch); err != nil {
		return reject(err)
	}
	fmt.Fprintf(out, "%s är giltig.\n", in.file)
	return nil
}

func runStatus(ctx context.Context, a *app, in args, out io.Writer) error {
	return a.status(ctx, in.rest[0])
}

func runClose(ctx context.Context, a *app, in args, out io.Writer) error {
	return roundAction(ctx, a, in, out, a.svc.Close, "stängs och sammanställs")
}

func runWithdraw(ctx context.Context, a *app, in args, out io.Writer) error {
	return roundAction(ctx, a, in, out, a.svc.Withdraw, "återkallas")
}

// roundAction acts on the round named by its diarienummer, as the
// remissamordnare or --as, and reports what now happens to it.
func roundAction(ctx context.Context, a *app, in args, out io.Writer,
	act func(context.Context, remiss.Actor, string) (workflows.RemissStatus, error), happens string) error {
	actor, err := a.actor(ctx, in.as, "ks.samordnare")
	if err != nil {
		return err
	}
	if _, err := act(ctx, actor, remiss.RemissID(in.rest[0])); err != nil {
		return err
	}
	fmt.Fprintf(out, "Klart: %s %s.\n", in.rest[0], happens)
	return nil
}

func (a *app) status(ctx context.Context, dnr string) error {
	r, err := a.store.Remiss(ctx, remiss.RemissID(dnr))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("det finns ingen remiss med diarienummer %s", dnr)
	}
	if err != nil {
		return err
	}
	asgs, err := a.store.Assignments(ctx, r.ID)
	if err != nil {
		return err
	}
	orgs, err := a.store.Orgs(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, o := range orgs {
		names[o.Code] = o.Name
	}
	state := map[remiss.RemissState]string{remiss.RemissOpen: "pågår", remiss.RemissClosed: "avslutad", remiss.RemissWithdrawn: "återkallad"}[r.State]
	fmt.Fprintf(a.w, "%s  %s\nSvarsdatum %s · %s\n\n", r.Dnr, r.Title, r.Deadline, state)
	tw := tabwriter.NewWriter(a.w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REMISSINSTANS\tLÄGE\tSVARSDATUM\tHANDLÄGGARE\tUPPDRAG")
	for _, asg := range asgs {
		label := asg.State.Label()
		if asg.Late {
			label += " (inkom efter svarsdatum)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", names[asg.Org], label, asg.Deadline, asg.Officer, asg.ID)
	}
	tw.Flush()
	if r.SummaryID != "" {
		doc, err := a.store.Document(ctx, r.SummaryID)
		if err == nil {
			fmt.Fprintf(a.w, "\nKommunstyrelsens tjänsteutlåtande: %s (SHA-256 %s)\n", doc.Filename, doc.SHA256)
		}
	}
	return nil
}
