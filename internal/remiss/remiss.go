// Package remiss holds the domain of a remiss round: organisations, roles,
// actors, the launch of a round, the content of a response, the states an
// assignment passes through and how IDs and deadlines are derived. It does no
// I/O, so workflows, activities, the starter and the web share it.
package remiss

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Stockholm even where the system has no zone files
	"unicode"
	"unicode/utf8"
)

// Role is what a user may do; see docs/design.md.
type Role string

const (
	RoleCoordinator Role = "coordinator" // KS-handläggare / remissamordnare
	RoleRegistrar   Role = "registrar"   // registrator / nämndsekreterare
	RoleOfficer     Role = "officer"     // handläggare
	RoleSignatory   Role = "signatory"   // förvaltningschef / direktör
	RoleAdmin       Role = "admin"
	// RoleExternal is a remissinstans outside the city answering through
	// its personal link: no account, no login, only its own assignment.
	RoleExternal Role = "external"
)

// KS is the organisation code of kommunstyrelsen, which launches rounds.
const KS = "ks"

// Actor is the authenticated user behind an action. Only the username, the
// organisation code and the role travel in workflow history.
type Actor struct {
	User string `json:"user" validate:"required,max=64,username"`
	Org  string `json:"org" validate:"required,max=64,orgcode"`
	Role Role   `json:"role" validate:"required,oneof=coordinator registrar officer signatory admin external"`
}

func (a Actor) String() string { return fmt.Sprintf("%s (%s, %s)", a.User, a.Org, a.Role) }

// OrgKind groups recipients the way KS picks them.
type OrgKind string

const (
	KindKS             OrgKind = "ks"
	KindStadsdelsnamnd OrgKind = "stadsdelsnamnd"
	KindFacknamnd      OrgKind = "facknamnd"
	KindBolag          OrgKind = "bolag"
	KindRad            OrgKind = "rad"
	// KindOffice is a förvaltning or kontor that answers itself: it writes
	// and approves, and holds no meetings (its chef decides).
	KindOffice OrgKind = "office"
	// KindExternal is a body outside the city (Länsstyrelsen, Region
	// Stockholm, a förening); its answer is its own letter.
	KindExternal OrgKind = "external"
)

// Org is a remissinstans (or KS itself).
type Org struct {
	Code        string
	Name        string // "Hägersten-Liljeholmens stadsdelsnämnd"
	Kind        OrgKind
	Forvaltning string  // "Hägersten-Liljeholmens stadsdelsförvaltning"
	Email       string  // the registrator mailbox
	DnrRule     DnrRule // how its diarienummer are written; "" is the default
	// ByLink: an outside body without users, answering through the
	// personal link sent to Email (see ExternalRecipient).
	ByLink bool
}

// AssignmentState is where one recipient's answer stands.
type AssignmentState string

const (
	StateSent      AssignmentState = "sent"      // received, not yet assigned
	StateAssigned  AssignmentState = "assigned"  // an officer has it
	StateDrafting  AssignmentState = "drafting"  // a draft is saved, or it came back for revision
	StateSubmitted AssignmentState = "submitted" // waiting for the signatory
	// StateDeclineProposed: an officer or the registrator proposes that the
	// body declines; like an answer it waits for the signatory.
	StateDeclineProposed AssignmentState = "decline-proposed"
	StateApproved        AssignmentState = "approved"  // approved; the statement is being produced
	StateAnswered        AssignmentState = "answered"  // done: statement stored
	StateDeclined        AssignmentState = "declined"  // done: "avstår från att yttra sig"
	StateMissed          AssignmentState = "missed"    // done: the round closed without an answer
	StateWithdrawn       AssignmentState = "withdrawn" // done: the remiss was withdrawn
)

// Done reports whether no further action is possible.
func (s AssignmentState) Done() bool {
	switch s {
	case StateAnswered, StateDeclined, StateMissed, StateWithdrawn:
		return true
	}
	return false
}

// Open reports whether the recipient still owes an answer (reminders go out).
func (s AssignmentState) Open() bool {
	switch s {
	case StateSent, StateAssigned, StateDrafting:
		return true
	}
	return false
}

// Label is the Swedish name shown to users.
func (s AssignmentState) Label() string {
	switch s {
	case StateSent:
		return "Inkommen, ej fördelad"
	case StateAssigned:
		return "Fördelad till handläggare"
	case StateDrafting:
		return "Under arbete"
	case StateSubmitted:
		return "Inskickad, väntar på godkännande"
	case StateDeclineProposed:
		return "Avstående väntar på godkännande"
	case StateApproved:
		return "Godkänd"
	case StateAnswered:
		return "Besvarad"
	case StateDeclined:
		return "Avstår från att yttra sig"
	case StateMissed:
		return "Ej besvarad"
	case StateWithdrawn:
		return "Återkallad"
	case StateOnAgenda:
		return "På dagordningen för beslut"
	}
	return string(s)
}

// RemissState is where the whole round stands.
type RemissState string

const (
	RemissOpen      RemissState = "open"
	RemissClosed    RemissState = "closed" // answers closed; KS's statement drafted
	RemissWithdrawn RemissState = "withdrawn"
)

// Signatory signs a statement; name and title are printed in the page.
type Signatory struct {
	Name  string `json:"name" yaml:"name" validate:"required,max=100,nocontrol"`
	Title string `json:"title" yaml:"title" validate:"required,max=100,nocontrol"`
	Unit  string `json:"unit,omitempty" yaml:"unit" validate:"max=100,nocontrol"`
}

// Response is the structured content of a tjänsteutlåtande answering a
// remiss, with the sections of the seeds.
type Response struct {
	Proposals   []string `json:"proposals" yaml:"proposals" validate:"required,min=1,max=20,dive,required,max=2000,nocontrolml"` // Förslag till beslut, numbered
	Summary     string   `json:"summary" yaml:"summary" validate:"required,max=5000,nocontrolml"`                                // Sammanfattning
	Background  string   `json:"background,omitempty" yaml:"background" validate:"max=20000,nocontrolml"`                        // Bakgrund / Ärendet
	Preparation string   `json:"preparation,omitempty" yaml:"preparation" validate:"max=50000,nocontrolml"`                      // Ärendets beredning; in KS's statement, each answer
	Opinions    string   `json:"opinions" yaml:"opinions" validate:"required,max=50000,nocontrolml"`                             // Förvaltningens synpunkter och bedömning
	// Position is where the answer stands on the proposal, for
	// kommunstyrelsen's table of the answers: tillstyrker, avstyrker or
	// synpunkter (the default: comments without a position).
	Position    Position    `json:"position,omitempty" yaml:"position" validate:"omitempty,oneof=tillstyrker avstyrker synpunkter"`
	Signatories []Signatory `json:"signatories" yaml:"signatories" validate:"required,min=1,max=6,dive"` // names and titles in the page
	// Sources are the Källmaterial (seed 004): what the statement rests on,
	// one reference each, numbered after the synpunkter.
	Sources      []string `json:"sources,omitempty" yaml:"sources" validate:"max=30,dive,required,max=500,nocontrol"`
	Attachments  []string `json:"attachments,omitempty" yaml:"attachments" validate:"max=20,dive,required,max=200,nocontrol"` // Bilagor
	OfficerName  string   `json:"officerName" yaml:"officerName" validate:"required,max=100,nocontrol"`                       // Handläggare
	OfficerPhone string   `json:"officerPhone,omitempty" yaml:"officerPhone" validate:"max=40,nocontrol"`                     // Telefon
	OfficerEmail string   `json:"officerEmail,omitempty" yaml:"officerEmail" validate:"omitempty,max=200,email"`              // E-post
	// File is, for an outside body's answer received as a PDF through its
	// link, the stored document that is the answer. Nobody else sets it.
	File string `json:"file,omitempty" yaml:"file" validate:"isdefault"`
}

// Position is an answer's stand on the proposal.
type Position string

const (
	PositionFor      Position = "tillstyrker"
	PositionAgainst  Position = "avstyrker"
	PositionComments Position = "synpunkter"
)

// Positions are the stands an answer may take, in the order forms list them.
var Positions = []Position{PositionFor, PositionAgainst, PositionComments}

// Label is the stand in kommunstyrelsen's table: "Tillstyrker",
// "Avstyrker", "Lämnar synpunkter" (also for an answer that named none).
func (p Position) Label() string {
	switch p {
	case PositionFor:
		return "Tillstyrker"
	case PositionAgainst:
		return "Avstyrker"
	}
	return "Lämnar synpunkter"
}

// Hash is the SHA-256 of the response's canonical JSON: the workflow holds it
// instead of the text.
func (r Response) Hash() string {
	_, hash := r.Encode()
	return hash
}

// Encode is the response as stored (its JSON) and the hash of those
// bytes, from one encoding.
func (r Response) Encode() (body []byte, hash string) {
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // a struct of strings always marshals
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:])
}

// Launch is what a Coordinator fills in to start a round. Repeated
// recipients and reminders are reported by package validate.
type Launch struct {
	Dnr         string   `json:"dnr" yaml:"dnr" validate:"required,max=60,dnr"`
	Title       string   `json:"title" yaml:"title" validate:"required,notblank,min=3,max=300,nocontrol"`
	Description string   `json:"description" yaml:"description" validate:"max=10000,nocontrolml"`
	Deadline    string   `json:"deadline" yaml:"deadline" validate:"required,date,futuredate"`
	Recipients  []string `json:"recipients" yaml:"recipients" validate:"required_without=External,max=500,dive,required,orgcode,knownorg"`
	// External are remissinstanser outside the city without accounts:
	// each answers through a personal link sent to its address.
	External  []ExternalRecipient `json:"external,omitempty" yaml:"external" validate:"max=100,dive"`
	Reminders []string            `json:"reminders" yaml:"reminders" validate:"max=10,dive,reminder"`
	Grace     string              `json:"grace,omitempty" yaml:"grace" validate:"omitempty,reminder"`
	// Digest gives the Coordinator one message a day listing who has not
	// answered, instead of one message per escalation or decline.
	Digest bool `json:"digest,omitempty" yaml:"digest"`
	// Path is KS's statement's decision path (step codes); empty means
	// DefaultPath.
	Path []string `json:"path,omitempty" yaml:"path" validate:"omitempty,max=4,path"`
	// Public publishes the round on the public remiss page (/offentligt):
	// its underlag, its recipients and the answers once registered. Unset
	// means published; KS says false to keep a round off the page.
	Public *bool `json:"public,omitempty" yaml:"public"`
}

// Published reports whether the round is to be shown on the public page:
// unless KS said otherwise.
func (l Launch) Published() bool { return l.Public == nil || *l.Public }

// DefaultReminders are sent before the deadline when a round names none.
var DefaultReminders = []string{"14d", "3d"}

// DefaultGrace is how long after the deadline the round waits before
// escalating and compiling.
const DefaultGrace = "7d"

var (
	// dnrPattern is the default rule: series letters and numbers joined by
	// single separators (/ - : . or a space), with an optional "Dnr" before.
	dnrPattern     = regexp.MustCompile(`^(?:(?:Dnr|DNR|dnr)[:.]? )?[A-Za-zÅÄÖåäö0-9]+(?:[./:\- ]?[A-Za-zÅÄÖåäö0-9]+)*$`)
	dnrDigit       = regexp.MustCompile(`[0-9]`)
	dnrSeparator   = regexp.MustCompile(`[./:\-]`)
	durationDays   = regexp.MustCompile(`^([0-9]{1,3})d$`)
	nonIDRune      = regexp.MustCompile(`[^a-z0-9]+`)
	dnrPrefixStrip = regexp.MustCompile(`^(?i:dnr)[:.]?\s+`)
)

// MaxDnr is the longest diarienummer, in characters, under any rule.
const MaxDnr = 60

// MaxDnrRule is the longest rule an organisation may set, in characters.
const MaxDnrRule = 200

// ValidDnr reports whether s is a diarienummer under the default rule:
// series letters and numbers joined by / - : . or single spaces, with at
// least one digit and one of / - : ., e.g. "KS 2016/171-908", "KS/2019:73",
// "KK15/410", "2022-00001", "1.5.1-135-2012", "T2012-050-05828",
// "2016/KS 0065 001" or "Dnr 007-983/2009".
func ValidDnr(s string) bool {
	return dnrSafe(s) && dnrPattern.MatchString(s) && dnrDigit.MatchString(s) && dnrSeparator.MatchString(s)
}

// dnrSafe is what every rule asks: at most MaxDnr characters on one line,
// without control or direction characters and without spaces at the ends.
func dnrSafe(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > MaxDnr || !utf8.ValidString(s) || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// DnrRule is an organisation's own rule for its diarienummer: a regular
// expression the whole number must match ("" is the default rule).
type DnrRule string

// CheckDnrRule reports why rule cannot be an organisation's rule: it must
// compile, be anchored at both ends (^…$) so that it judges the whole
// number, and be at most MaxDnrRule characters. A number it accepts is
// still held to MaxDnr characters on one line.
func CheckDnrRule(rule string) error {
	if rule == "" {
		return nil
	}
	if utf8.RuneCountInString(rule) > MaxDnrRule {
		return fmt.Errorf("regeln för diarienummer får vara högst %d tecken", MaxDnrRule)
	}
	if !strings.HasPrefix(rule, "^") || !strings.HasSuffix(rule, "$") || strings.HasSuffix(rule, `\$`) {
		return fmt.Errorf("regeln för diarienummer måste börja med ^ och sluta med $ så att den gäller hela numret")
	}
	if _, err := regexp.Compile(rule); err != nil {
		return fmt.Errorf("regeln för diarienummer är inte ett giltigt reguljärt uttryck")
	}
	return nil
}

// Valid reports whether s is a diarienummer under the rule; an invalid
// rule accepts nothing.
func (rule DnrRule) Valid(s string) bool {
	if rule == "" {
		return ValidDnr(s)
	}
	if CheckDnrRule(string(rule)) != nil {
		return false
	}
	return dnrSafe(s) && regexp.MustCompile(string(rule)).MatchString(s)
}

// RemissID derives the stable ID of a round from its Dnr, so that launching
// the same Dnr twice names the same round: "KS 2016/171-908" → "ks-2016-171-908".
func RemissID(dnr string) string {
	s := dnrPrefixStrip.ReplaceAllString(strings.TrimSpace(dnr), "")
	s = strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "Å", "a", "Ä", "a", "Ö", "o").Replace(s)
	return strings.Trim(nonIDRune.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// AssignmentID is the stable ID of one recipient's assignment in a round.
func AssignmentID(remissID, org string) string { return remissID + "." + org }

// StatementAssignmentID is the assignment of kommunstyrelsen's own
// tjänsteutlåtande in a round: written by stadsledningskontoret once the
// round closes, and handled like an answer. KS is never a recipient of its
// own remiss, so the ID is free.
func StatementAssignmentID(remissID string) string { return AssignmentID(remissID, KS) }

// AssignmentKind says what an assignment produces: a recipient's answer,
// or kommunstyrelsen's own tjänsteutlåtande on the answers.
type AssignmentKind string

const (
	KindAnswer    AssignmentKind = "answer"
	KindStatement AssignmentKind = "statement"
)

// ParseDays reads an offset such as "14d" (days).
func ParseDays(s string) (time.Duration, error) {
	m := durationDays.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("ogiltig tid %q: ange antal dagar, t.ex. 14d", s)
	}
	n, _ := strconv.Atoi(m[1])
	return time.Duration(n) * 24 * time.Hour, nil
}

// ParseOffset reads an offset the workflows use: whole days ("14d") as users
// write them, or hours, minutes and seconds ("90s") where tests need a round
// to run in real time.
func ParseOffset(s string) (time.Duration, error) {
	if d, err := ParseDays(s); err == nil {
		return d, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("ogiltig tid %q", s)
	}
	return d, nil
}

// Stockholm is the time zone every svarsdatum is in.
var Stockholm = mustLoad("Europe/Stockholm")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// DateLayout is how dates are written (svarsdatum, anstånd).
const DateLayout = "2006-01-02"

// DeadlineEnd is the instant a svarsdatum ends: midnight after that day in
// Stockholm. An answer submitted before it is on time.
func DeadlineEnd(date string) (time.Time, error) {
	d, err := time.ParseInLocation(DateLayout, date, Stockholm)
	if err != nil {
		return time.Time{}, fmt.Errorf("ogiltigt datum %q: ange ÅÅÅÅ-MM-DD", date)
	}
	return d.AddDate(0, 0, 1), nil
}

// DateOf is the Stockholm calendar date of a deadline end, i.e. the last day
// on which an answer is on time.
func DateOf(deadlineEnd time.Time) string {
	return deadlineEnd.In(Stockholm).Add(-time.Nanosecond).Format(DateLayout)
}

// DefaultEscalateAfter is how long after the deadline the Coordinator is told
// that a recipient has not answered.
const DefaultEscalateAfter = "3d"
