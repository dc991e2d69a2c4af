package remiss

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// SecrecyMarking is a sekretessmarkering as a registrator gives it (OSL
// 5 kap. 5 §): the provision of offentlighets- och sekretesslagen that
// covers the handling, and the title shown in place of its own.
type SecrecyMarking struct {
	Provision   string `json:"provision" validate:"required,max=100,nocontrol,provision"`
	PublicTitle string `json:"publicTitle" validate:"max=200,nocontrol"`
}

// DefaultPublicTitle is the title of a marked handling given none.
const DefaultPublicTitle = "Handling med sekretessmarkering"

// provisionPattern is a reference to a paragraph of OSL as it is written:
// "OSL 18 kap. 8 §", "OSL 39 kap. 2 a §", with a stycke and a punkt when
// they are named ("OSL 26 kap. 1 § första stycket", "OSL 18 kap. 8 § 3 p.").
var provisionPattern = regexp.MustCompile(`^OSL ([1-9][0-9]?) kap\. [1-9][0-9]{0,2}( [a-z])? §` +
	`( (första|andra|tredje|fjärde|femte|sjätte|sjunde|åttonde) stycket)?( [1-9][0-9]? p\.)?$`)

// oslChapters is how many chapters offentlighets- och sekretesslagen
// (2009:400) has.
const oslChapters = 44

// NormalProvision is a provision as written, with its spaces made single
// and its ends trimmed.
func NormalProvision(s string) string { return strings.Join(strings.Fields(s), " ") }

// ValidProvision reports whether s (normalised) names a paragraph of OSL.
func ValidProvision(s string) bool {
	m := provisionPattern.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	ch, _ := strconv.Atoi(m[1])
	return ch <= oslChapters
}

// Normal is the marking as it is stored: the provision normalised, the
// title trimmed, and the default title when none is given.
func (m SecrecyMarking) Normal() SecrecyMarking {
	m.Provision = NormalProvision(m.Provision)
	m.PublicTitle = strings.Join(strings.Fields(m.PublicTitle), " ")
	if m.PublicTitle == "" {
		m.PublicTitle = DefaultPublicTitle
	}
	return m
}

// Holding is what the policy of a sekretessmarkering knows of a handling
// (a stored document of a round): the organisation that holds it (the
// recipient whose answer, bilaga or protokollsutdrag it is; kommunstyrelsen
// for its own and the round's), whether it has reached kommunstyrelsen (a
// recipient's once the answer is sealed and sent; kommunstyrelsen's own at
// once), the round's Coordinator, and whether it is marked.
type Holding struct {
	Org         string
	AtKS        bool
	Coordinator string
	Marked      bool
}

// caseRoles are the roles that work on an ärende; an administrator has
// none.
var caseRoles = []Role{RoleCoordinator, RoleRegistrar, RoleOfficer, RoleSignatory}

// MayMarkSecrecy reports whether actor may mark a handling with a
// sekretessmarkering, change the marking or remove it: the registrator of
// the organisation that holds it, and kommunstyrelsen's registrator once
// it has reached kommunstyrelsen. The refusal is an *Error of
// KindForbidden.
func MayMarkSecrecy(actor Actor, h Holding) error {
	if actor.Role == RoleRegistrar && (actor.Org == h.Org || actor.Org == KS && h.AtKS) {
		return nil
	}
	if actor.Org == KS && actor.Role == RoleRegistrar {
		return Refuse(KindForbidden, "handlingen har ännu inte kommit in till kommunstyrelsen; den kan bara sekretessmarkeras av registratorn i den organisation som har den")
	}
	return Refuse(KindForbidden, "endast registratorn i den organisation som har handlingen, eller kommunstyrelsens registrator när den har kommit in dit, kan sekretessmarkera den")
}

// MayOpen reports whether actor may open a handling (its bytes, its
// page) that actor may otherwise read (MayReadDocument). An unmarked one,
// yes. A marked one is opened only by the holding organisation's users
// with a case role, and, once it has reached kommunstyrelsen, by
// kommunstyrelsen's registrator and the round's Coordinator. Everyone
// else sees it under its public title.
func MayOpen(actor Actor, h Holding) bool {
	if !h.Marked {
		return true
	}
	if actor.Org == h.Org && slices.Contains(caseRoles, actor.Role) {
		return true
	}
	return h.AtKS && actor.Org == KS && (actor.Role == RoleRegistrar || actor.Role == RoleCoordinator && actor.User == h.Coordinator)
}

// MayAttach reports whether a handling may go with a message as an
// attachment: never while it is marked (the message says instead that a
// handling with a sekretessmarkering is available in the system).
func MayAttach(h Holding) bool { return !h.Marked }
