package main

import (
	"context"
	"io"
	"strings"
	"unicode/utf8"
)

// command is one command of the starter.
type command struct {
	name string
	args string // its flags and arguments, as help shows them
	help string // what it does, as help shows it
	// needs is what run connects to before the command runs.
	needs needs
	// prepare, when set, checks the flags and arguments and reads the
	// command's input file before anything connects.
	prepare func(in *args) error
	// run does the work; a is nil when the command needs nothing.
	run func(ctx context.Context, a *app, in args, out io.Writer) error
}

// needs is what a command connects to.
type needs int

const (
	needsNothing  needs = iota // nothing, or what it opens itself
	needsDatabase              // the database
	needsTemporal              // the database and Temporal
)

// commands are every command, in the order help lists them.
var commands = []command{
	{name: "launch", args: "-f FIL.yaml [--as ANVÄNDARE]", help: "skicka ut en remiss (standard: ks.samordnare)",
		needs: needsTemporal, prepare: readLaunchFile, run: runLaunch},
	{name: "demo", help: "läs in demoorganisationer och demoanvändare (ej i produktion)",
		needs: needsDatabase, run: runDemo},
	{name: "import", args: "-f KATALOG.yaml", help: "läs in organisationer och användare (produktion)",
		needs: needsDatabase, run: runImport},
	{name: "check", args: "-f FIL.yaml", help: "kontrollera en remissfil utan att skicka ut den",
		needs: needsDatabase, prepare: readLaunchFile, run: runCheck},
	{name: "status", args: "DNR", help: "visa remissomgången och varje remissinstans",
		needs: needsDatabase, prepare: needDnr, run: runStatus},
	{name: "assign", args: "--assignment ID --officer ANVÄNDARE", help: "fördela till en handläggare (som registrator)",
		needs: needsTemporal, prepare: needAssignment, run: onAssignment(orgUser("registrator"), assign)},
	{name: "draft", args: "--assignment ID -f SVAR.yaml", help: "spara ett utkast (som handläggare)",
		needs: needsTemporal, prepare: needAssignment, run: onAssignment(orgUser("handlaggare"), saveDraft)},
	{name: "submit", args: "--assignment ID -f SVAR.yaml", help: "skicka in yttrandet (som handläggare)",
		needs: needsTemporal, prepare: needAssignment, run: onAssignment(orgUser("handlaggare"), submit)},
	{name: "return", args: "--assignment ID --comment TEXT", help: "återsänd för komplettering (som chef)",
		needs: needsTemporal, prepare: needAssignment, run: onAssignment(orgUser("chef"), returnAssignment)},
	{name: "approve", args: "--assignment ID", help: "godkänn yttrandet (som chef)",
		needs: needsTemporal, prepare: needAssignment, run: onAssignment(orgUser("chef"), approve)},
	{name: "decline", args: "--assignment ID --reason TEXT", help: "föreslå att avstå från att yttra sig (som handläggare; chefen godkänner)",
		needs: needsTemporal, prepare: needAssignment, run: onAssignment(orgUser("handlaggare"), decline)},
	{name: "approve-decline", args: "--assignment ID", help: "godkänn förslaget att avstå (som chef)",
		needs: needsTemporal, prepare: needAssignment, run: onAssignment(orgUser("chef"), decline)},
	{name: "extension", args: "--assignment ID --until DATUM --reason TEXT", help: "begär anstånd",
		needs: needsTemporal, prepare: needAssignment, run: onAssignment(orgUser("handlaggare"), requestExtension)},
	{name: "decide-extension", args: "--assignment ID (--approve|--refuse) [--until DATUM]", help: "(som samordnare)",
		needs: needsTemporal, prepare: needAssignment, run: onAssignment(coordinator, decideExtension)},
	{name: "close", args: "DNR", help: "stäng remissomgången och sammanställ svaren",
		needs: needsTemporal, prepare: needDnr, run: runClose},
	{name: "verify", args: "FIL.pdf ... | --document ID", help: "verifiera signaturer (och lagrad kontrollsumma); fel ger felkod",
		needs: needsNothing, run: runVerify},
	{name: "render", args: "--response SVAR.yaml --out FIL.pdf", help: "rendera och försegla ett tjänsteutlåtande (förhandsgranskning)",
		needs: needsNothing, run: runRender},
	{name: "retry", args: "UPPDRAG-ID|DNR", help: "kör ett steg som väntar på driften igen (t.ex. efter bytt sigill)",
		needs: needsTemporal, prepare: needTarget, run: runRetry},
	{name: "withdraw", args: "DNR", help: "återkalla remissen",
		needs: needsTemporal, prepare: needDnr, run: runWithdraw},
	{name: "export", args: "--remiss ID --out FIL.zip | --check FIL.zip", help: "leverera ärendet till e-arkivet (FGS 2.0) eller kontrollera ett paket; fel ger felkod",
		needs: needsNothing, prepare: needExport, run: runExport},
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usage is the help text, made from the commands.
var usage string

func init() { usage = helpText() }

// helpColumn is the width of a command and its flags in help; the help
// text starts two spaces after it, or three after a longer line.
const helpColumn = 42

func helpText() string {
	var b strings.Builder
	b.WriteString("Användning: starter <kommando> [flaggor]\n\nKommandon:\n")
	for _, c := range commands {
		line := strings.TrimSpace(c.name + " " + c.args)
		gap := "   "
		if n := utf8.RuneCountInString(line); n <= helpColumn {
			gap = strings.Repeat(" ", helpColumn-n+2)
		}
		b.WriteString("  " + line + gap + c.help + "\n")
	}
	b.WriteString(`
Ett uppdrags ID är remissens ID och organisationens kod, t.ex.
ks-2016-171-908.hagersten-liljeholmen. --as väljer användare; utan --as används
organisationens demoanvändare för rollen (<kod>.registrator, .handlaggare, .chef).

Miljö: DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE (se README).
`)
	return b.String()
}
