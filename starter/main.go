// Command starter launches remiss rounds from YAML files and acts on them
// from the command line, through the same rules as the web and the API:
//
//	go run ./starter launch -f examples/smart-stad.yaml
//	go run ./starter status "KS 2016/171-908"
//
// Run `go run ./starter help` for every command.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"go.temporal.io/sdk/client"
	"gopkg.in/yaml.v3"

	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/validate"
	"github.com/remiss/remiss/workflows"
)

const usage = `Användning: starter <kommando> [flaggor]

Kommandon:
  launch -f FIL.yaml [--as ANVÄNDARE]         skicka ut en remiss (standard: ks.samordnare)
  demo                                        läs in demoorganisationer och demoanvändare (ej i produktion)
  import -f KATALOG.yaml                      läs in organisationer och användare (produktion)
  check -f FIL.yaml                           kontrollera en remissfil utan att skicka ut den
  status DNR                                  visa remissomgången och varje remissinstans
  assign --assignment ID --officer ANVÄNDARE  fördela till en handläggare (som registrator)
  draft --assignment ID -f SVAR.yaml          spara ett utkast (som handläggare)
  submit --assignment ID -f SVAR.yaml         skicka in yttrandet (som handläggare)
  return --assignment ID --comment TEXT       återsänd för komplettering (som chef)
  approve --assignment ID                     godkänn yttrandet (som chef)
  decline --assignment ID --reason TEXT       avstå från att yttra sig
  extension --assignment ID --until DATUM --reason TEXT   begär anstånd
  decide-extension --assignment ID (--approve|--refuse) [--until DATUM]   (som samordnare)
  close DNR                                   stäng remissomgången och sammanställ svaren
  verify FIL.pdf ... | --document ID          verifiera signaturer (och lagrad kontrollsumma); fel ger felkod
  render --response SVAR.yaml --out FIL.pdf   rendera och försegla ett tjänsteutlåtande (förhandsgranskning)
  retry UPPDRAG-ID|DNR                        kör ett steg som väntar på driften igen (t.ex. efter bytt sigill)
  withdraw DNR                                återkalla remissen

Ett uppdrags ID är remissens ID och organisationens kod, t.ex.
ks-2016-171-908.hagersten-liljeholmen. --as väljer användare; utan --as används
organisationens demoanvändare för rollen (<kod>.registrator, .handlaggare, .chef).

Miljö: DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (se README).
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		var rej *rounds.Rejection
		if errors.As(err, &rej) && len(rej.Fields) > 0 {
			fmt.Fprintln(os.Stderr, "fel:", rej.Reason)
			printFields(os.Stderr, rej.Fields)
		} else {
			fmt.Fprintln(os.Stderr, "fel:", err)
		}
		os.Exit(1)
	}
}

func printFields(w io.Writer, fields validate.Errors) {
	for _, f := range fields {
		fmt.Fprintf(w, "  %s: %s\n", f.Field, f.Message)
	}
}

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
	return a, nil
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(out, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("f", "", "YAML-fil")
	as := fs.String("as", "", "användare")
	assignment := fs.String("assignment", "", "uppdragets ID")
	officer := fs.String("officer", "", "handläggare")
	comment := fs.String("comment", "", "kommentar")
	reason := fs.String("reason", "", "motivering")
	until := fs.String("until", "", "datum ÅÅÅÅ-MM-DD")
	approve := fs.Bool("approve", false, "bevilja")
	refuse := fs.Bool("refuse", false, "avslå")
	document := fs.String("document", "", "dokumentets ID")
	response := fs.String("response", "", "svarsfil")
	outFile := fs.String("out", "", "utfil")
	if err := fs.Parse(rest); err != nil {
		return fmt.Errorf("%s: %v\n\n%s", cmd, err, usage)
	}

	switch cmd {
	case "demo":
		a, err := connect(ctx, out, false)
		if err != nil {
			return err
		}
		defer a.close()
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
	case "verify":
		return verify(ctx, fs.Args(), *document, out)
	case "render":
		return render(*response, *outFile, out)
	case "retry":
		if fs.NArg() != 1 {
			return errors.New("ange uppdragets ID eller diarienumret: starter retry ks-2016-171-908.bromma")
		}
		a, err := connect(ctx, out, true)
		if err != nil {
			return err
		}
		defer a.close()
		return retry(ctx, a, fs.Arg(0), out)
	case "import":
		a, err := connect(ctx, out, false)
		if err != nil {
			return err
		}
		defer a.close()
		return importDirectory(ctx, a, *file, out)
	case "check":
		l, err := readLaunch(*file)
		if err != nil {
			return err
		}
		a, err := connect(ctx, out, false)
		if err != nil {
			return err
		}
		defer a.close()
		if err := a.svc.ValidateLaunch(ctx, l); err != nil {
			return reject(err)
		}
		fmt.Fprintf(out, "%s är giltig.\n", *file)
		return nil
	case "launch":
		l, err := readLaunch(*file)
		if err != nil {
			return err
		}
		a, err := connect(ctx, out, true)
		if err != nil {
			return err
		}
		defer a.close()
		actor, err := a.actor(ctx, *as, "ks.samordnare")
		if err != nil {
			return err
		}
		id, err := a.svc.Launch(ctx, actor, l)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Remissen %s är utskickad till %d remissinstanser (ID %s).\n", l.Dnr, len(l.Recipients), id)
		fmt.Fprintf(out, "Följ den med: go run ./starter status %q\n", l.Dnr)
		return nil
	case "status":
		if fs.NArg() != 1 {
			return errors.New("ange diarienumret: starter status \"KS 2016/171-908\"")
		}
		a, err := connect(ctx, out, false)
		if err != nil {
			return err
		}
		defer a.close()
		return a.status(ctx, fs.Arg(0))
	case "close", "withdraw":
		if fs.NArg() != 1 {
			return fmt.Errorf("ange diarienumret: starter %s \"KS 2016/171-908\"", cmd)
		}
		a, err := connect(ctx, out, true)
		if err != nil {
			return err
		}
		defer a.close()
		actor, err := a.actor(ctx, *as, "ks.samordnare")
		if err != nil {
			return err
		}
		id := remiss.RemissID(fs.Arg(0))
		if cmd == "close" {
			_, err = a.svc.Close(ctx, actor, id)
		} else {
			_, err = a.svc.Withdraw(ctx, actor, id)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Klart: %s %s.\n", fs.Arg(0), map[string]string{"close": "stängs och sammanställs", "withdraw": "återkallas"}[cmd])
		return nil
	}

	// The rest act on one assignment.
	if *assignment == "" {
		return fmt.Errorf("%s: ange --assignment\n\n%s", cmd, usage)
	}
	i := strings.LastIndexByte(*assignment, '.')
	if i < 0 {
		return fmt.Errorf("ogiltigt uppdrags-ID %q: skriv <remiss-ID>.<organisation>", *assignment)
	}
	org := (*assignment)[i+1:]
	a, err := connect(ctx, out, true)
	if err != nil {
		return err
	}
	defer a.close()
	defaultUser := map[string]string{
		"assign": org + ".registrator", "draft": org + ".handlaggare", "submit": org + ".handlaggare",
		"return": org + ".chef", "approve": org + ".chef", "decline": org + ".handlaggare",
		"extension": org + ".handlaggare", "decide-extension": "ks.samordnare",
	}[cmd]
	if defaultUser == "" {
		return fmt.Errorf("okänt kommando %q\n\n%s", cmd, usage)
	}
	actor, err := a.actor(ctx, *as, defaultUser)
	if err != nil {
		return err
	}
	var st fmt.Stringer
	switch cmd {
	case "assign":
		st, err = wrap(a.svc.Assign(ctx, actor, *assignment, *officer))
	case "draft", "submit":
		var resp remiss.Response
		if err := readYAML(*file, &resp); err != nil {
			return err
		}
		if cmd == "draft" {
			st, err = wrap(a.svc.SaveDraft(ctx, actor, *assignment, resp))
		} else {
			st, err = wrap(a.svc.Submit(ctx, actor, *assignment, resp))
		}
	case "return":
		st, err = wrap(a.svc.Return(ctx, actor, *assignment, *comment))
	case "approve":
		st, err = wrap(a.svc.Approve(ctx, actor, *assignment, ""))
	case "decline":
		st, err = wrap(a.svc.Decline(ctx, actor, *assignment, *reason))
	case "extension":
		st, err = wrap(a.svc.RequestExtension(ctx, actor, *assignment, *until, *reason))
	case "decide-extension":
		if *approve == *refuse {
			return errors.New("ange antingen --approve eller --refuse")
		}
		st, err = wrap(a.svc.DecideExtension(ctx, actor, *assignment, *approve, *until))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(out, st.String())
	return nil
}

// reject reports a file's validation errors by field.
func reject(err error) error {
	var fields validate.Errors
	if errors.As(err, &fields) {
		return &rounds.Rejection{Reason: "filen innehåller fel", Fields: fields}
	}
	return err
}

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

func readYAML(path string, v any) error {
	if path == "" {
		return errors.New("ange en fil med -f")
	}
	body, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(body))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return yamlError(path, err)
	}
	return nil
}

var (
	reUnknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found`)
	reWrongType    = regexp.MustCompile(`^line (\d+): cannot unmarshal .* into (\S+)`)
	reSyntax       = regexp.MustCompile(`line (\d+)`)
)

// yamlError lists a file's YAML problems by field, in Swedish.
func yamlError(path string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		line := ""
		if m := reSyntax.FindStringSubmatch(err.Error()); m != nil {
			line = " (rad " + m[1] + ")"
		}
		return fmt.Errorf("%s är inte giltig YAML%s", path, line)
	}
	var fields validate.Errors
	for _, e := range te.Errors {
		switch m := reUnknownField.FindStringSubmatch(e); {
		case m != nil:
			fields = append(fields, validate.FieldError{Field: m[2], Message: "Okänt fält (rad " + m[1] + ")"})
		default:
			if m := reWrongType.FindStringSubmatch(e); m != nil {
				msg := "Fel typ av värde"
				if strings.HasPrefix(m[2], "[]") {
					msg += "; här väntas en lista"
				}
				fields = append(fields, validate.FieldError{Field: "rad " + m[1], Message: msg})
			} else {
				fields = append(fields, validate.FieldError{Field: "fil", Message: e})
			}
		}
	}
	return &rounds.Rejection{Reason: path + " innehåller fel", Fields: fields}
}

func readLaunch(path string) (remiss.Launch, error) {
	var l remiss.Launch
	err := readYAML(path, &l)
	return l, err
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
			fmt.Fprintf(a.w, "\nSammanställning: %s (SHA-256 %s)\n", doc.Filename, doc.SHA256)
		}
	}
	return nil
}

type statusText workflows.AssignmentStatus

func (s statusText) String() string {
	text := fmt.Sprintf("%s: %s, svarsdatum %s", s.AssignmentID, s.State.Label(), remiss.DateOf(s.DeadlineAt))
	if s.Officer != "" {
		text += ", handläggare " + s.Officer
	}
	if s.Late {
		text += ", inkom efter svarsdatum"
	}
	if s.Pending != nil {
		text += ", anstånd begärt till " + s.Pending.Until
	}
	return text
}

func wrap(st workflows.AssignmentStatus, err error) (fmt.Stringer, error) {
	return statusText(st), err
}
