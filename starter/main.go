// Command starter launches remiss rounds from YAML files and acts on them
// from the command line, through the same rules as the web and the API:
//
//	go run ./starter launch -f examples/smart-stad.yaml
//	go run ./starter status "KS 2016/171-908"
//
// Run `go run ./starter help` for every command. The commands are listed
// in commands.go.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		if rej, ok := remiss.AsError(err); ok && len(rej.Fields) > 0 {
			fmt.Fprintln(os.Stderr, "fel:", rej.Reason)
			printFields(os.Stderr, rej.Fields)
		} else {
			fmt.Fprintln(os.Stderr, "fel:", err)
		}
		os.Exit(1)
	}
}

func printFields(w io.Writer, fields remiss.FieldErrors) {
	for _, f := range fields {
		fmt.Fprintf(w, "  %s: %s\n", f.Field, f.Message)
	}
}

// run runs the command args[0] with the flags and arguments after it,
// writing what it reports to out.
func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(out, usage)
		return nil
	}
	in, err := parseArgs(args[0], args[1:])
	if err != nil {
		return fmt.Errorf("%s: %v\n\n%s", in.name, err, usage)
	}
	cmd, ok := lookup(in.name)
	if !ok {
		return fmt.Errorf("okänt kommando %q\n\n%s", in.name, usage)
	}
	if cmd.prepare != nil {
		if err := cmd.prepare(&in); err != nil {
			return err
		}
	}
	if cmd.needs == needsNothing {
		return cmd.run(ctx, nil, in, out)
	}
	a, err := connect(ctx, out, cmd.needs == needsTemporal)
	if err != nil {
		return err
	}
	defer a.close()
	return cmd.run(ctx, a, in, out)
}

// args are a command's flags and arguments. Every command accepts every
// flag and reads those it needs.
type args struct {
	name                          string // the command
	file, as, assignment, officer string
	comment, reason, until        string
	document, response, outFile   string
	remiss, check                 string // export: the round, the package to check
	approve, refuse               bool
	rest                          []string      // the arguments after the flags
	org                           string        // the organisation of --assignment (set by needAssignment)
	launch                        remiss.Launch // the round in -f (set by readLaunchFile)
}

func parseArgs(name string, list []string) (args, error) {
	in := args{name: name}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&in.file, "f", "", "YAML-fil")
	fs.StringVar(&in.as, "as", "", "användare")
	fs.StringVar(&in.assignment, "assignment", "", "uppdragets ID")
	fs.StringVar(&in.officer, "officer", "", "handläggare")
	fs.StringVar(&in.comment, "comment", "", "kommentar")
	fs.StringVar(&in.reason, "reason", "", "motivering")
	fs.StringVar(&in.until, "until", "", "datum ÅÅÅÅ-MM-DD")
	fs.BoolVar(&in.approve, "approve", false, "bevilja")
	fs.BoolVar(&in.refuse, "refuse", false, "avslå")
	fs.StringVar(&in.document, "document", "", "dokumentets ID")
	fs.StringVar(&in.response, "response", "", "svarsfil")
	fs.StringVar(&in.outFile, "out", "", "utfil")
	fs.StringVar(&in.remiss, "remiss", "", "remissens ID eller diarienummer")
	fs.StringVar(&in.check, "check", "", "paket att kontrollera")
	err := fs.Parse(list)
	in.rest = fs.Args()
	return in, err
}

// app is what a command that connects works with.
type app struct {
	cfg   config.Config
	store *store.Store
	tc    client.Client
	svc   *rounds.Service
	w     io.Writer
}

func (a *app) close() {
	if a.tc != nil {
		a.tc.Close()
	}
	if a.store != nil {
		a.store.Close()
	}
}

func connect(ctx context.Context, out io.Writer, withTemporal bool) (*app, error) {
	cfg, err := config.FromEnv()
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, w: out}
	if a.store, err = store.Open(ctx, cfg.Database(), 5*time.Second); err != nil {
		return nil, fmt.Errorf("databasen (%s): %w", cfg.Database(), err)
	}
	if withTemporal {
		opts, err := cfg.ClientOptions()
		if err != nil {
			a.close()
			return nil, err
		}
		if a.tc, err = client.Dial(opts); err != nil {
			a.close()
			//lint:ignore ST1005 begins with a product's name, which is capitalised
			return nil, fmt.Errorf("Temporal (%s): %w; kör `make dev` först", cfg.TemporalAddress, err)
		}
	}
	a.svc = rounds.New(a.store, a.tc)
	if err := cfg.DevLinkKey(false); err != nil {
		a.close()
		return nil, err
	}
	a.svc.MaxExtension, a.svc.LinkKey = cfg.MaxExtension, cfg.LinkKey
	return a, nil
}

// actor is the user as, or def when as is empty.
func (a *app) actor(ctx context.Context, as, def string) (remiss.Actor, error) {
	if as == "" {
		as = def
	}
	actor, err := a.svc.Actor(ctx, as)
	if err != nil {
		return actor, fmt.Errorf("användaren %s: %w", as, err)
	}
	return actor, nil
}
