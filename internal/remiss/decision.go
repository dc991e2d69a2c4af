package remiss

import (
	"fmt"
	"strings"
)

// Route is how a recipient decides its answer.
type Route string

const (
	// RouteDelegation: the signatory's approval is the decision
	// (delegationsbeslut).
	RouteDelegation Route = "delegation"
	// RouteNamnd: the nämnd decides at a meeting, recorded in its minutes.
	RouteNamnd Route = "namnd"
)

// Label is the Swedish name of a route for an organisation of kind: the
// body that decides at a meeting is a nämnd's nämnd, a bolag's styrelse
// or a råd; on delegation a bolag's VD decides, an office's chef.
func (r Route) Label(kind OrgKind) string {
	switch r {
	case RouteDelegation:
		return kind.Words().DelegationRoute
	case RouteNamnd:
		return "Beslut i " + kind.Body()
	}
	return string(r)
}

// Routes are the routes open to an organisation of kind: an office or an
// outside body holds no meetings in Remiss, so its answer is decided by its
// own approval.
func Routes(kind OrgKind) []Route {
	if !kind.Meets() {
		return []Route{RouteDelegation}
	}
	return []Route{RouteDelegation, RouteNamnd}
}

// CheckRoute reports, in Swedish, why an organisation of kind cannot
// decide by route.
func CheckRoute(kind OrgKind, route Route) error {
	if route == RouteNamnd && !kind.Meets() {
		return fmt.Errorf("%s håller inga sammanträden i Remiss; svaret beslutas när %s godkänner det", Capital(kind.Self()), kind.Words().Delegate)
	}
	return nil
}

// StateOnAgenda: the tjänsteutlåtande is signed and the ärende waits for the
// nämnd's decision at a meeting. The answer is not done until then.
const StateOnAgenda AssignmentState = "on-agenda"

// Verdict is what a decision-making body decided.
type Verdict string

const (
	VerdictDelegation  Verdict = "delegation"  // decided on delegation by the approval
	VerdictBifall      Verdict = "bifall"      // the nämnd adopts the proposal
	VerdictAndrat      Verdict = "andrat"      // the nämnd decides with other wording
	VerdictAterremiss  Verdict = "aterremiss"  // back to the officer, with a reason
	VerdictBordlagd    Verdict = "bordlagd"    // postponed to a later meeting
	VerdictTillstyrker Verdict = "tillstyrker" // a preparing body supports the proposal
	VerdictAvstyrker   Verdict = "avstyrker"   // a preparing body opposes it
	VerdictBeslut      Verdict = "beslut"      // the final body's decision
	VerdictGodkanner   Verdict = "godkanner"   // an office approves the tjänsteutlåtande
)

// Label is the Swedish name of a verdict.
func (v Verdict) Label() string {
	switch v {
	case VerdictDelegation:
		return "Beslut på delegation"
	case VerdictBifall:
		return "Bifall till förslaget"
	case VerdictAndrat:
		return "Ändrat beslut"
	case VerdictAterremiss:
		return "Återremiss"
	case VerdictBordlagd:
		return "Bordläggning"
	case VerdictTillstyrker:
		return "Tillstyrker"
	case VerdictAvstyrker:
		return "Avstyrker"
	case VerdictBeslut:
		return "Beslut"
	case VerdictGodkanner:
		return "Godkänner tjänsteutlåtandet"
	}
	return string(v)
}

// MeetingVerdicts are what a nämnd may decide at its meeting on an answer,
// or on a proposal to decline (which it adopts, sends back or postpones;
// to answer after all, it sends it back).
func MeetingVerdicts(decline bool) []Verdict {
	if decline {
		return []Verdict{VerdictBifall, VerdictAterremiss, VerdictBordlagd}
	}
	return []Verdict{VerdictBifall, VerdictAndrat, VerdictAterremiss, VerdictBordlagd}
}

// Final reports whether a nämnd's verdict makes its answer done.
func (v Verdict) Final() bool { return v == VerdictBifall || v == VerdictAndrat }

// Meeting is one sammanträde in an organisation's calendar. Ärenden must be
// on the agenda by its agenda deadline.
type Meeting struct {
	ID             string `json:"id"`
	Org            string `json:"org"`
	Date           string `json:"date"`           // YYYY-MM-DD
	AgendaDeadline string `json:"agendaDeadline"` // YYYY-MM-DD, on or before Date
	Place          string `json:"place,omitempty"`
}

// MeetingID is the stable ID of an organisation's meeting on a date.
func MeetingID(org, date string) string { return org + "." + date }

// NewMeeting is what a registrator enters into the calendar.
type NewMeeting struct {
	Date           string `json:"date" validate:"required,date"`
	AgendaDeadline string `json:"agendaDeadline" validate:"required,date"`
	Place          string `json:"place" validate:"max=200,nocontrol"`
}

// Minutes is a nämnd's decision on an ärende as the nämndsekreterare records
// it after the meeting.
type Minutes struct {
	Meeting   string  `json:"meeting" validate:"required,max=200,id"`
	Paragraph string  `json:"paragraph" validate:"required,paragraph"`
	Verdict   Verdict `json:"decision" validate:"required,oneof=bifall andrat aterremiss bordlagd"`
	// Wording is the decision when the nämnd changed it (ändrat beslut).
	Wording string `json:"wording,omitempty" validate:"max=5000,nocontrolml"`
	// Reason is why the ärende goes back to the officer (återremiss).
	Reason string `json:"reason,omitempty" validate:"max=5000,nocontrolml"`
	// NextMeeting is where a postponed ärende goes (bordläggning).
	NextMeeting string `json:"nextMeeting,omitempty" validate:"omitempty,max=200,id"`
	// Immediate: "Beslutet justeras omedelbart". Otherwise the minutes are
	// adjusted on AdjustOn by the Adjusters.
	Immediate    bool     `json:"immediate"`
	AdjustOn     string   `json:"adjustOn,omitempty" validate:"omitempty,date"`
	Adjusters    []string `json:"adjusters,omitempty" validate:"max=4,dive,required,max=100,nocontrol"`
	Reservations string   `json:"reservations,omitempty" validate:"max=5000,nocontrolml"`
}

// StepDecision is a decision recorded at one step of KS's statement's
// path.
type StepDecision struct {
	// MeetingDate is when the body met, or the office approved; empty
	// means today.
	MeetingDate string `json:"meetingDate,omitempty" validate:"omitempty,date"`
	// Paragraph and the justering belong to a body that meets (see
	// StepKinds); an office's approval has none.
	Paragraph string  `json:"paragraph,omitempty" validate:"omitempty,paragraph"`
	Verdict   Verdict `json:"decision" validate:"required,oneof=godkanner tillstyrker avstyrker aterremiss beslut"`
	// Wording is the decision text, required for a final decision and an
	// återremiss.
	Wording   string   `json:"wording,omitempty" validate:"max=5000,nocontrolml"`
	Immediate bool     `json:"immediate"`
	AdjustOn  string   `json:"adjustOn,omitempty" validate:"omitempty,date"`
	Adjusters []string `json:"adjusters,omitempty" validate:"max=4,dive,required,max=100,nocontrol"`
}

// Paragraph writes a paragraph number the way minutes do: "§ 12".
func Paragraph(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "§"))
	return "§ " + s
}
