package remiss

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The words the pages, the messages and the documents share: the words of
// each kind of organisation, and how numbers, dates and times are written.

// KindWords are the words for an organisation of one kind: who it is in
// running text, who decides its answer, what its answer is called and how
// its document is headed and addressed. Every kind has every word
// (words_test.go); kindWords is the one table of them.
type KindWords struct {
	// Name is the kind as a list or a katalog names it: "Bolag".
	Name string
	// Self is the organisation in running text: "bolaget avstår från att
	// yttra sig".
	Self string
	// Body is who decides the answer at a meeting: "nämnden", "styrelsen",
	// "rådet". An office and an outside body hold no meetings in Remiss;
	// theirs is the organisation itself.
	Body string
	// Delegate is who decides on delegation: "verkställande direktören".
	Delegate string
	// Meets: the organisation decides at meetings the registrator keeps in
	// its calendar, so the route "beslut i <Body>" is open to it. An office
	// writes and approves; its chef decides.
	Meets bool
	// DelegationRoute names the route where the signatory's approval is
	// the decision.
	DelegationRoute string
	// Document is what the answer's document is called ("Tjänsteutlåtande",
	// "Yttrande"), TheDocument the same in running text, definite
	// ("tjänsteutlåtandet").
	Document, TheDocument string
	// Basis is the document a meeting's decision rests on, as the
	// protokollsutdrag lists it: "Förvaltningens tjänsteutlåtande",
	// "Förslag till yttrande".
	Basis string
	// Proposal is whose proposal a meeting decides on, in running text:
	// "förvaltningens förslag", "verkställande direktörens förslag".
	Proposal string
	// Opinions heads the section of the organisation's own views.
	Opinions string
	// To addresses the document to the deciding body at a meeting; ToDelegate
	// on delegation. %s is the organisation's name.
	To, ToDelegate string
	// Unit: the document names the förvaltning that wrote it (a nämnd's
	// förvaltning). A bolag, a råd, an office and an outside body write
	// their own and are named themselves.
	Unit bool
	// City: the organisation is part of Stockholms stad, whose name heads
	// its documents. An outside body's letter is its own.
	City bool
	// Subtitle follows the remiss title on the document.
	Subtitle string
}

// kindWords holds the words of each kind; a kind not in it (none, or one
// from before kinds were checked) speaks as a nämnd.
var kindWords = map[OrgKind]KindWords{
	KindStadsdelsnamnd: namndWords("Stadsdelsnämnd", "stadsdelsdirektören"),
	KindFacknamnd:      namndWords("Facknämnd", "förvaltningschefen"),
	KindKS: {Name: "Kommunstyrelsen", Self: "kommunstyrelsen", Body: "kommunstyrelsen", Delegate: "stadsdirektören", Meets: true,
		DelegationRoute: "Beslut på delegation", Document: "Tjänsteutlåtande", TheDocument: "tjänsteutlåtandet", Basis: "Stadsledningskontorets tjänsteutlåtande", Proposal: "stadsledningskontorets förslag",
		Opinions: "Stadsledningskontorets synpunkter", To: "Till %s", ToDelegate: "Till %s", Unit: true, City: true,
		Subtitle: "Svar på remiss"},
	KindBolag: {Name: "Bolag", Self: "bolaget", Body: "styrelsen", Delegate: "verkställande direktören", Meets: true,
		DelegationRoute: "Beslut av verkställande direktören", Document: "Yttrande", TheDocument: "yttrandet", Basis: "Förslag till yttrande", Proposal: "verkställande direktörens förslag",
		Opinions: "Bolagets synpunkter", To: "Till styrelsen för %s", ToDelegate: "Till verkställande direktören för %s", City: true,
		Subtitle: "Svar på remiss från kommunstyrelsen"},
	KindRad: {Name: "Råd", Self: "rådet", Body: "rådet", Delegate: "ordföranden", Meets: true,
		DelegationRoute: "Beslut av ordföranden på rådets delegation", Document: "Yttrande", TheDocument: "yttrandet", Basis: "Förslag till yttrande", Proposal: "förslaget",
		Opinions: "Rådets synpunkter", To: "Till %s", ToDelegate: "Till %s", City: true,
		Subtitle: "Svar på remiss från kommunstyrelsen"},
	KindOffice: {Name: "Förvaltning eller kontor", Self: "kontoret", Body: "kontoret", Delegate: "kontorets chef",
		DelegationRoute: "Beslut av kontorets chef", Document: "Tjänsteutlåtande", TheDocument: "tjänsteutlåtandet", Basis: "Kontorets tjänsteutlåtande", Proposal: "kontorets förslag",
		Opinions: "Kontorets synpunkter och bedömning", To: "Till kommunstyrelsen", ToDelegate: "Till kommunstyrelsen", City: true,
		Subtitle: "Svar på remiss från kommunstyrelsen"},
	KindExternal: {Name: "Extern remissinstans", Self: "organisationen", Body: "organisationen", Delegate: "organisationen",
		DelegationRoute: "Organisationens eget beslut", Document: "Yttrande", TheDocument: "yttrandet", Basis: "Förslag till yttrande", Proposal: "förslaget",
		Opinions: "Synpunkter", To: "Till Stockholms stad, kommunstyrelsen", ToDelegate: "Till Stockholms stad, kommunstyrelsen",
		Subtitle: "Svar på remiss från Stockholms stad, kommunstyrelsen"},
}

// namndWords are the words of a nämnd whose förvaltning writes the
// tjänsteutlåtande and whose chef (delegate) decides on delegation.
func namndWords(name, delegate string) KindWords {
	return KindWords{Name: name, Self: "nämnden", Body: "nämnden", Delegate: delegate, Meets: true,
		DelegationRoute: "Beslut på delegation", Document: "Tjänsteutlåtande", TheDocument: "tjänsteutlåtandet", Basis: "Förvaltningens tjänsteutlåtande", Proposal: "förvaltningens förslag",
		Opinions: "Förvaltningens synpunkter och bedömning", To: "Till %s", ToDelegate: "Till %s", Unit: true, City: true,
		Subtitle: "Svar på remiss från kommunstyrelsen"}
}

// OrgKinds are the kinds an organisation may have, in the order the
// katalog's message lists them.
var OrgKinds = []OrgKind{KindKS, KindStadsdelsnamnd, KindFacknamnd, KindBolag, KindRad, KindOffice, KindExternal}

// Valid reports whether k is one of OrgKinds.
func (k OrgKind) Valid() bool {
	_, ok := kindWords[k]
	return ok
}

// CheckOrgKind reports, in Swedish, why kind is no kind of organisation.
func CheckOrgKind(kind string) error {
	if OrgKind(kind).Valid() {
		return nil
	}
	var all []string
	for _, k := range OrgKinds {
		all = append(all, string(k)+" ("+strings.ToLower(k.Words().Name)+")")
	}
	if kind == "" {
		return fmt.Errorf("ange vilken sorts organisation det är: %s", strings.Join(all, ", "))
	}
	return fmt.Errorf("okänd sorts organisation %q; ange en av: %s", kind, strings.Join(all, ", "))
}

// Words are the words of kind k (a nämnd's for a kind not known).
func (k OrgKind) Words() KindWords {
	if w, ok := kindWords[k]; ok {
		return w
	}
	return kindWords[KindFacknamnd]
}

// Body is, in running text, what decides an organisation's answer at a
// meeting: a nämnd through the nämnd, a bolag through its styrelse, a råd
// through the råd. Capital gives the word that begins a sentence, and the
// genitive adds an s ("styrelsens").
func (k OrgKind) Body() string { return k.Words().Body }

// Self is the organisation in running text: "nämnden", "bolaget",
// "rådet", "kontoret", "organisationen".
func (k OrgKind) Self() string { return k.Words().Self }

// Meets reports whether an organisation of kind k decides at meetings; an
// office and an outside body answer by their own approval only.
func (k OrgKind) Meets() bool { return k.Words().Meets }

// Addressee is the "Till" line of an answer of an organisation named name
// of kind k, to the body deciding at a meeting or, on delegation, to the
// delegate.
func (k OrgKind) Addressee(name string, meeting bool) string {
	w := k.Words()
	to := w.ToDelegate
	if meeting {
		to = w.To
	}
	return strings.ReplaceAll(to, "%s", name)
}

// Capital begins s with a capital letter, as a sentence or a message
// begins.
func Capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// Sentence is s as a sentence: a capital first and a full stop last, unless
// it already ends with one (or with ?, !, : or …).
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	if !strings.ContainsAny(s[len(s)-1:], ".?!:") && !strings.HasSuffix(s, "…") {
		s += "."
	}
	return Capital(s)
}

// ThousandsSeparator is written between every three digits of a number: a
// no-break space, so that "10 000" never breaks over two lines.
const ThousandsSeparator = "\u00a0"

// Number writes n with a space between thousands, four-digit numbers
// too, so that a column of counts lines up: "1 000", "10 000".
func Number(n int) string {
	digits := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(ThousandsSeparator)
		}
		b.WriteRune(d)
	}
	return sign + b.String()
}

// Size writes a file size in bytes as people read it: "820 byte",
// "14 kB", "1,4 MB", "12 MB".
func Size(n int64) string {
	const k, m = 1000, 1000 * 1000
	switch {
	case n < k:
		return Number(int(n)) + " byte"
	case n < m-k/2:
		return Number(int((n+k/2)/k)) + " kB"
	case n < 10*m-m/20:
		tenths := (n + m/20) / (m / 10)
		return strconv.FormatInt(tenths/10, 10) + "," + strconv.FormatInt(tenths%10, 10) + " MB"
	}
	return Number(int((n+m/2)/m)) + " MB"
}

// TimeLayout is how a moment is written: the date as everywhere, then
// the time of day in Stockholm with a full stop ("2027-01-15 kl. 14.05").
const TimeLayout = DateLayout + " kl. 15.04"

// FormatTime writes t in Stockholm time as TimeLayout; the zero time is
// empty.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Stockholm).Format(TimeLayout)
}

// FormatDate writes t's Stockholm date as DateLayout; the zero time is
// empty.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Stockholm).Format(DateLayout)
}
