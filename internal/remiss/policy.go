package remiss

import (
	"math"
	"slices"
	"time"
)

// Who may do what is decided here and nowhere else: the workflows' update
// validators, internal/rounds and the pages and API all ask these
// functions. They are pure: the caller brings the facts (the actor, the
// organisation an assignment belongs to, its state).

// Action is something a user does. An assignment's and a round's actions
// are also the names of the workflow updates that carry them.
type Action string

const (
	// On a recipient's assignment.
	ActAssign           Action = "assign"
	ActSaveDraft        Action = "save-draft"
	ActSubmit           Action = "submit"
	ActReturn           Action = "return"
	ActApprove          Action = "approve"
	ActProposeDecline   Action = "propose-decline" // officer, registrator: decline, for the signatory's approval
	ActDecline          Action = "decline"         // signatory: the body declines (or the proposal is approved)
	ActRequestExtension Action = "request-extension"
	ActDecideExtension  Action = "decide-extension"
	ActRemindNow        Action = "remind-now"
	ActRoute            Action = "route"    // registrator: delegation or nämnd, and the meeting
	ActDecide           Action = "decide"   // nämndsekreterare: the nämnd's decision at a meeting
	ActAttach           Action = "attach"   // an attachment to the answer
	ActRegister         Action = "register" // registrator: the body's own diarienummer
	// ActReceive: an outside body's answer, sent through its personal
	// link, is received by kommunstyrelsen as it came.
	ActReceive Action = "receive"
	// ActReplaceLink: the Coordinator replaces an outside body's personal
	// link; the old one stops working.
	ActReplaceLink Action = "replace-link"

	// On a round.
	ActLaunch         Action = "launch"
	ActClose          Action = "close"
	ActWithdraw       Action = "withdraw"
	ActUploadUnderlag Action = "upload-underlag"
	ActDecideStep     Action = "decide-step" // a step of KS's statement's decision path

	// On an organisation.
	ActEditCalendar Action = "edit-calendar" // meetings and the default route
	// The decisions taken on delegation, reported to the nämnd at a meeting
	// (kommunallagen 6 kap. 40 §).
	ActReportDelegation Action = "report-delegation"

	// Operations.
	ActRetry Action = "retry" // run again a step that waits for an operator

	// Records management.
	ActArchive Action = "archive" // deliver a round to the e-archive (an FGS 2.0 package)
	// An organisation's service accounts and their tokens (issue 17).
	ActManageServiceAccounts Action = "manage-service-accounts"
)

// AssignmentActions are the actions on an assignment, in the order a
// round meets them.
var AssignmentActions = []Action{ActAssign, ActSaveDraft, ActSubmit, ActReturn, ActApprove, ActProposeDecline,
	ActDecline, ActRequestExtension, ActDecideExtension, ActRemindNow, ActRoute, ActDecide, ActAttach, ActRegister, ActReceive, ActReplaceLink}

// RoundActions are the actions on a round or its organisation's calendar.
var RoundActions = []Action{ActLaunch, ActClose, ActWithdraw, ActUploadUnderlag, ActDecideStep, ActEditCalendar, ActReportDelegation, ActRetry, ActArchive}

// rule is who may take an action: a role in the assignment's own
// organisation, or a role at kommunstyrelsen.
type rule struct {
	roles  []Role
	ownOrg bool // the actor's organisation is the one acting (the recipient's)
	ks     bool // the actor is at kommunstyrelsen
	states []AssignmentState
	denied string // why not, in Swedish
	notNow string // why not in a state outside states, when the general reason says too little
}

var (
	answering = []AssignmentState{StateSent, StateAssigned, StateDrafting, StateSubmitted}
	undecided = []AssignmentState{StateSent, StateAssigned, StateDrafting, StateSubmitted, StateDeclineProposed, StateOnAgenda}
)

var rules = map[Action]rule{
	ActAssign:    {roles: []Role{RoleRegistrar}, ownOrg: true, states: []AssignmentState{StateSent, StateAssigned, StateDrafting}},
	ActSaveDraft: {roles: []Role{RoleOfficer}, ownOrg: true, states: []AssignmentState{StateAssigned, StateDrafting}},
	ActAttach: {roles: []Role{RoleOfficer}, ownOrg: true, states: []AssignmentState{StateSent, StateAssigned, StateDrafting},
		notNow: "bilagor kan bara läggas till medan yttrandet skrivs"},
	// A second submission is a new version only before approval.
	ActSubmit:  {roles: []Role{RoleOfficer}, ownOrg: true, states: []AssignmentState{StateAssigned, StateDrafting, StateSubmitted}},
	ActReturn:  {roles: []Role{RoleSignatory}, ownOrg: true, states: []AssignmentState{StateSubmitted, StateDeclineProposed}},
	ActApprove: {roles: []Role{RoleSignatory}, ownOrg: true, states: []AssignmentState{StateSubmitted}},
	// Declining is the body's answer: proposed by those who prepare it,
	// approved (or made at once) by the signatory, then decided like an
	// answer. A proposal waits for approval or return; it is not proposed
	// again over itself.
	ActProposeDecline: {roles: []Role{RoleOfficer, RoleRegistrar}, ownOrg: true, states: answering,
		notNow: "ett förslag att avstå kan bara lämnas medan yttrandet bereds"},
	// An outside body answering through its link has nobody to approve its
	// answer in Remiss: its word is its body's.
	ActReceive: {roles: []Role{RoleExternal}, ownOrg: true, states: []AssignmentState{StateSent},
		notNow: "remissinstansen har redan svarat"},
	// A link is replaced (a leaked one stopped) in any state while the
	// round is open: it also opens the sealed answer.
	ActReplaceLink: {roles: []Role{RoleCoordinator}, ks: true,
		denied: "endast remissamordnaren kan ersätta en extern remissinstans länk"},
	ActDecline: {roles: []Role{RoleSignatory, RoleExternal}, ownOrg: true, states: append(slices.Clone(answering), StateDeclineProposed),
		denied: "endast chefen som godkänner yttranden kan besluta att avstå; föreslå det i stället"},
	// Anstånd also while the answer waits for approval or for the nämnd's
	// meeting: a meeting after the svarsdatum needs it.
	ActRequestExtension: {roles: []Role{RoleOfficer, RoleRegistrar, RoleExternal}, ownOrg: true, states: undecided},
	ActRoute:            {roles: []Role{RoleRegistrar}, ownOrg: true, states: undecided},
	ActDecide:           {roles: []Role{RoleRegistrar}, ownOrg: true, states: []AssignmentState{StateOnAgenda}},
	// The body's own diarienummer is printed on its statement: it is set
	// until the answer is approved, not under a sealed one.
	ActRegister: {roles: []Role{RoleRegistrar}, ownOrg: true, states: append(slices.Clone(answering), StateDeclineProposed),
		denied: "endast organisationens registrator kan registrera ärendet i diariet",
		notNow: "diarienumret kan bara ändras innan svaret är godkänt"},
	ActDecideExtension: {roles: []Role{RoleCoordinator}, ks: true, states: undecided,
		denied: "endast remissamordnaren kan besluta om anstånd"},
	ActRemindNow: {roles: []Role{RoleCoordinator}, ks: true, states: []AssignmentState{StateSent, StateAssigned, StateDrafting},
		denied: "endast remissamordnaren kan skicka en påminnelse", notNow: "remissinstansen har redan svarat"},

	ActLaunch: {roles: []Role{RoleCoordinator}, ks: true,
		denied: "endast remissamordnare vid kommunstyrelsen kan skicka ut en remiss"},
	ActClose: {roles: []Role{RoleCoordinator}, ks: true,
		denied: "endast remissamordnaren kan stänga eller återkalla remissen"},
	ActWithdraw: {roles: []Role{RoleCoordinator}, ks: true,
		denied: "endast remissamordnaren kan stänga eller återkalla remissen"},
	ActUploadUnderlag: {roles: []Role{RoleCoordinator}, ks: true,
		denied: "endast remissamordnaren kan ladda upp remissunderlaget"},
	ActDecideStep: {roles: []Role{RoleRegistrar}, ks: true,
		denied: "endast kommunstyrelsens registrator kan registrera beslut i beslutsgången"},
	ActEditCalendar: {roles: []Role{RoleRegistrar}, ownOrg: true,
		denied: "endast organisationens registrator kan ändra sammanträdeskalendern och beslutsvägen"},
	ActReportDelegation: {roles: []Role{RoleRegistrar}, ownOrg: true,
		denied: "endast organisationens registrator kan anmäla delegationsbeslut till nämnden"},
	ActRetry: {roles: []Role{RoleAdmin, RoleCoordinator}, ks: true,
		denied: "endast kommunstyrelsens remissamordnare eller en administratör kan starta om ett steg"},
	// The case is kommunstyrelsen's: its registrator delivers it to the
	// archive, when it is done or as a partial delivery at any time.
	ActArchive: {roles: []Role{RoleRegistrar, RoleAdmin}, ks: true,
		denied: "endast kommunstyrelsens registrator eller en administratör kan leverera ärendet till e-arkivet"},
	ActManageServiceAccounts: {roles: []Role{RoleAdmin}, ownOrg: true,
		denied: "endast organisationens administratör kan hantera dess tjänstekonton"},
}

const (
	msgWrongOrg   = "uppdraget tillhör en annan organisation"
	msgWrongRole  = "din roll får inte utföra den åtgärden"
	msgWrongState = "åtgärden är inte möjlig i uppdragets nuvarande läge"
)

// MayAct reports whether actor may take action on something of org (an
// assignment's recipient, or the organisation whose calendar it is; "" for
// a round), whatever its state: a person without the right is told so even
// when the thing has ended. The refusal is an *Error of KindForbidden.
func MayAct(action Action, actor Actor, org string) error {
	r, ok := rules[action]
	if !ok {
		return Refuse(KindForbidden, "okänd åtgärd")
	}
	if r.ks && actor.Org != KS || r.ownOrg && actor.Org != org {
		if r.denied != "" {
			return Refuse(KindForbidden, "%s", r.denied)
		}
		return Refuse(KindForbidden, msgWrongOrg)
	}
	if !slices.Contains(r.roles, actor.Role) {
		if r.denied != "" {
			return Refuse(KindForbidden, "%s", r.denied)
		}
		return Refuse(KindForbidden, msgWrongRole)
	}
	return nil
}

// DeclineAction is the action by which actor says the body declines: the
// signatory declines (approving a proposal that waits), the others propose
// it for the signatory's approval.
func DeclineAction(actor Actor) Action {
	if slices.Contains(rules[ActDecline].roles, actor.Role) {
		return ActDecline
	}
	return ActProposeDecline
}

// ActionStates are the states of an assignment in which action is
// possible (nil for an action on a round).
func ActionStates(action Action) []AssignmentState { return rules[action].states }

// PossibleIn reports whether an assignment in state allows action; the
// refusal is an *Error of KindConflict naming the state.
func PossibleIn(action Action, state AssignmentState) error {
	if state.Done() {
		return Refuse(KindConflict, "%s: uppdraget är avslutat (%s)", msgWrongState, state.Label())
	}
	if r := rules[action]; !slices.Contains(r.states, state) {
		if r.notNow != "" {
			return Refuse(KindConflict, "%s", r.notNow)
		}
		return Refuse(KindConflict, "%s (%s)", msgWrongState, state.Label())
	}
	return nil
}

// statementActions are what kommunstyrelsen's own tjänsteutlåtande takes:
// it is written and approved like an answer, but KS does not decline to
// state its own view, ask itself for anstånd, remind itself or take it to
// a meeting of its own here (its decision path does that).
var statementActions = map[Action]bool{ActAssign: true, ActSaveDraft: true, ActSubmit: true, ActReturn: true, ActApprove: true, ActAttach: true}

// PossibleFor reports whether an assignment of kind takes action at all.
func PossibleFor(action Action, kind AssignmentKind) error {
	if kind == KindStatement && !statementActions[action] {
		return Refuse(KindConflict, "kommunstyrelsens eget tjänsteutlåtande skrivs och godkänns; det kan inte avstås, få anstånd eller tas till ett sammanträde här")
	}
	return nil
}

// PossibleNow is PossibleIn for an assignment whose round may be closing
// or withdrawn: from then on an open assignment takes no more actions.
func PossibleNow(action Action, state AssignmentState, roundClosing bool) error {
	if roundClosing && !state.Done() {
		return Refuse(KindConflict, "remissomgången avslutas och uppdraget tar inte emot fler åtgärder")
	}
	return PossibleIn(action, state)
}

// MaySeeRound reports whether actor may see a round sent to recipients:
// kommunstyrelsen sees every round, a recipient the rounds sent to it
// (and of those only its own part: see MaySeeAssignment).
func MaySeeRound(actor Actor, recipients []string) bool {
	return actor.Org == KS || slices.Contains(recipients, actor.Org)
}

// MayFollowRounds reports whether actor sees every round and how each
// recipient stands: kommunstyrelsen's staff. A recipient sees its own part
// of a round through its assignment.
func MayFollowRounds(actor Actor) bool { return actor.Org == KS }

// MaySeeAssignment reports whether actor may see an assignment of org: its
// state, deadline, route and finished documents. Its own organisation sees
// it, and so does kommunstyrelsen, which follows every answer.
func MaySeeAssignment(actor Actor, org string) bool { return actor.Org == org || actor.Org == KS }

// MaySeeDraft reports whether actor may read the unfinished work of an
// assignment of org: its drafts, submitted versions, notes and the
// attachments before the answer is sealed. Nobody sees another
// organisation's drafts, not even kommunstyrelsen.
func MaySeeDraft(actor Actor, org string) bool { return actor.Org == org }

// MaySeeHistory reports whether actor may read the history of an
// assignment of org: the timeline of who did what, and when. It goes as
// far as MaySeeAssignment: the organisation itself, and kommunstyrelsen,
// which follows every answer. The versions of the answer are unfinished
// work and follow MaySeeDraft; the words written with an action follow
// MayReadNote.
func MaySeeHistory(actor Actor, org string) bool { return MaySeeAssignment(actor, org) }

// MayReadNote reports whether actor may read a note of kind ("return",
// "decline" or "extension") on an assignment of org. The organisation
// reads all of its own; kommunstyrelsen reads the reasons addressed to it,
// for declining and for an anstånd, but not the comment with which a
// signatory sends an answer back inside the organisation.
func MayReadNote(actor Actor, org, kind string) bool {
	if actor.Org == org {
		return true
	}
	return actor.Org == KS && (kind == "decline" || kind == "extension")
}

// MayReadDocument reports whether actor may read a stored document of a
// round sent to recipients; assignmentOrg is the recipient the document
// belongs to ("" for the round's own: the missiv, the remissunderlag and
// the path's protokollsutdrag). Finished documents follow their
// assignment; an attachment to an answer not yet sealed is a draft.
// Kommunstyrelsen's own statement on the answers, once finished, is the
// round's: every recipient reads it.
func MayReadDocument(actor Actor, recipients []string, assignmentOrg string, draft bool) bool {
	if !MaySeeRound(actor, recipients) {
		return false
	}
	if assignmentOrg == "" || assignmentOrg == KS && !draft {
		return true
	}
	if draft {
		return MaySeeDraft(actor, assignmentOrg)
	}
	return MaySeeAssignment(actor, assignmentOrg)
}

// PublicFacts are what decides whether anyone, without logging in, may
// see a stored document: the round's choice at launch, what the document
// is, the answer it belongs to, and whether it is marked secret.
type PublicFacts struct {
	RoundPublic bool   // KS published the round at launch
	Kind        string // the document's kind (underlag, missiv, statement, bilaga, …)
	// AnswerState is the state of the recipient's answer the document
	// belongs to; "" for a document of the round itself (and for
	// kommunstyrelsen's own statement, which is not an answer).
	AnswerState AssignmentState
	// Secret is a sekretessmarkering on the document (document_secrecy):
	// such a document is never published, whatever else holds.
	Secret bool
}

// MayPublish reports whether a document is public: shown and served on
// the public remiss page and described by the public verification. This
// is the one place that decides it. A published round's remissunderlag
// and missiv are public from the launch; an answer, its statement and its
// bilagor once it is registered (sealed and received: answered); nothing
// with a sekretessmarkering; nothing of a round KS did not publish.
func MayPublish(f PublicFacts) bool {
	if !f.RoundPublic || f.Secret {
		return false
	}
	switch f.Kind {
	case "underlag", "missiv":
		return f.AnswerState == ""
	case "statement", "bilaga":
		return f.AnswerState == StateAnswered
	}
	return false
}

// MayReadCalendar reports whether actor may read org's meeting calendar:
// its own staff, and the Coordinator who plans around it.
func MayReadCalendar(actor Actor, org string) bool {
	return actor.Org == org || actor.Org == KS && actor.Role == RoleCoordinator
}

// awaits is the action that moves an assignment on from a state: who it
// waits for is whoever may take that action (see AwaitsFrom).
var awaits = map[AssignmentState]Action{
	StateSent:      ActAssign,  // the registrator fördelar it
	StateAssigned:  ActSubmit,  // the officer writes and submits
	StateDrafting:  ActSubmit,  // the officer writes and submits (again)
	StateSubmitted: ActApprove, // the signatory approves or returns
	StateOnAgenda:  ActDecide,  // the nämnd's decision is to be registered
}

// Waiting is what a work list knows of an assignment: its organisation,
// state, officer and whether its round is closing.
type Waiting struct {
	Org          string
	State        AssignmentState
	Officer      string
	RoundClosing bool
}

// AwaitsFrom reports the action an assignment waits for from actor now, if
// any: the action that moves it on from its state, which actor may take
// (MayAct) and which is possible now (PossibleNow). An answer being
// written waits for the officer it is assigned to, not every officer.
func AwaitsFrom(actor Actor, w Waiting) (Action, bool) {
	action, ok := awaits[w.State]
	if !ok || MayAct(action, actor, w.Org) != nil || PossibleNow(action, w.State, w.RoundClosing) != nil {
		return "", false
	}
	if action == ActSubmit && w.Officer != actor.User {
		return "", false
	}
	return action, true
}

// DueDate is the date that matters for an assignment in state: when the
// nämnd decides at a meeting, the meeting's agenda deadline while the
// answer is prepared and the meeting itself once it is on the agenda;
// otherwise the svarsdatum. meeting and agenda are "" without a meeting.
func DueDate(state AssignmentState, deadline, meeting, agenda string) (date string, what string) {
	switch {
	case meeting != "" && state == StateOnAgenda:
		return meeting, "sammanträdet"
	case meeting != "" && agenda != "" && !state.Done():
		return agenda, "sista dag för dagordningen"
	}
	return deadline, "svarsdatum"
}

// DaysLeft is how many days are left from now to date (YYYY-MM-DD, a
// Stockholm day): 0 on the day itself, negative after it. A date that
// does not parse counts as today.
func DaysLeft(date string, now time.Time) int {
	d, err := time.ParseInLocation(DateLayout, date, Stockholm)
	if err != nil {
		return 0
	}
	n := now.In(Stockholm)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, Stockholm)
	return int(math.Round(d.Sub(today).Hours() / 24))
}

// MayReadEvents reports whether actor may read the events for diarium
// systems (GET /api/v1/events): kommunstyrelsen's registrator, who files
// every handling of a round, an administrator, or a service account whose
// token carries the events:read scope (service: the API has checked the
// scope). A reader outside the organisation holding a handling with a
// sekretessmarkering sees it under its public title, without its bytes
// (internal/events.View).
func MayReadEvents(actor Actor, service bool) error {
	if service || actor.Role == RoleAdmin || actor.Org == KS && actor.Role == RoleRegistrar {
		return nil
	}
	return Refuse(KindForbidden, "endast kommunstyrelsens registrator, en administratör eller ett tjänstekonto med behörigheten events:read kan läsa händelserna")
}

// MayManageWebhooks reports whether actor may add, list and remove the
// webhook subscriptions of org: an administrator of org, or of
// kommunstyrelsen, for any organisation.
func MayManageWebhooks(actor Actor, org string) error {
	if actor.Role == RoleAdmin && (actor.Org == org || actor.Org == KS) {
		return nil
	}
	return Refuse(KindForbidden, "endast en administratör kan hantera webbkrokar, och bara för sin egen organisation")
}
