package remiss

import (
	"regexp"
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
