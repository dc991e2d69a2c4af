package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The lists' search, filters, order and pages, read from the query of a
// plain GET form: q (text), visa (pagaende or avslutade), lage (a state),
// org, ar (year), sortera (svarsdatum, skickad, titel), ordning (stigande,
// fallande) and sida. A value the list does not know is left out, and the
// page says so; nothing from the query reaches SQL but as a bound
// parameter or through a fixed list.

const perPage = 25

// maxSearch is the longest search text used, in characters.
const maxSearch = 200

// option is a choice of a filter: its value in the query, what the store
// calls it, its words, and whether it belongs to closed work.
type option struct {
	Value, Code, Label string
	Done               bool
}

// listSpec is what a list offers.
type listSpec struct {
	Path   string
	Noun   string   // "remissomgångar", in the caption
	States []option // the choices of lage
	Orgs   []option // the choices of org; none: no such filter
	Years  []int
	// KindsAcrossTabs: the choices of lage are found in open and closed
	// work alike (kinds of documents), so choosing one keeps the tab.
	KindsAcrossTabs bool
}

var sortKeys = []option{{Value: "svarsdatum", Code: "deadline", Label: "svarsdatum"},
	{Value: "skickad", Code: "sent", Label: "datum skickad"}, {Value: "titel", Code: "title", Label: "titel"}}

// sortHead is a sortable column's header: its link and aria-sort.
type sortHead struct {
	Label, URL, Aria string
}

// listView is what the page shows of a list besides its rows.
type listView struct {
	Spec                     listSpec
	Q, Visa, Lage, Org, Sort string
	Year, Page, Pages, Total int
	From, To                 int
	Desc                     bool
	Caption                  string
	Tabs                     []sortHead // Pågående, Avslutade; Aria is "page" for the current
	Head                     map[string]sortHead
	Prev, Next               string
	notes                    []string
}

func (v *listView) note(s string) { v.notes = append(v.notes, s) }

// Notes is what was left out of the query, in one message.
func (v *listView) Notes() string { return strings.Join(v.notes, " ") }

// readList reads the query into a filter for the store and the view.
func readList(q url.Values, spec listSpec) (store.ListFilter, *listView) {
	v := &listView{Spec: spec, Page: 1, Sort: "svarsdatum", Head: map[string]sortHead{}}
	var f store.ListFilter
	v.Q = strings.TrimSpace(q.Get("q"))
	if utf8.RuneCountInString(v.Q) > maxSearch {
		v.Q = string([]rune(v.Q)[:maxSearch])
		v.note(fmt.Sprintf("Söktexten är för lång; de första %d tecknen används.", maxSearch))
	}
	f.Text = v.Q
	readTab(q, spec, v, &f)
	if o := q.Get("org"); o != "" {
		if i := slices.IndexFunc(spec.Orgs, func(x option) bool { return x.Value == o }); i >= 0 {
			v.Org, f.Org = o, spec.Orgs[i].Code
		} else {
			v.note("Organisationen finns inte bland valen; listan visas för alla organisationer.")
		}
	}
	if y := q.Get("ar"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || len(y) != 4 || n < 2000 || n > 2100 {
			v.note("Året anges med fyra siffror, till exempel 2026; listan visas för alla år.")
		} else {
			v.Year, f.Year = n, n
		}
	}
	readOrder(q, v, &f)
	if s := q.Get("sida"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100000 {
			v.note("Sidnumret anges som ett heltal från 1; sida 1 visas.")
		} else {
			v.Page = n
		}
	}
	f.Limit, f.Offset = perPage, (v.Page-1)*perPage
	return f, v
}

// readTab reads visa and lage: open or closed work, and one state of it.
func readTab(q url.Values, spec listSpec, v *listView, f *store.ListFilter) {
	switch q.Get("visa") {
	case "", "pagaende":
	case "avslutade":
		f.Done = true
	default:
		v.note("Urvalet finns inte; pågående visas.")
	}
	if l := q.Get("lage"); l != "" {
		i := slices.IndexFunc(spec.States, func(x option) bool { return x.Value == l })
		if i < 0 {
			v.note("Läget finns inte bland valen; listan visas utan det filtret.")
		} else {
			v.Lage, f.States = l, []string{spec.States[i].Code}
			if !spec.KindsAcrossTabs {
				f.Done = spec.States[i].Done // a state is open or closed work
			}
		}
	}
	v.Visa = map[bool]string{false: "pagaende", true: "avslutade"}[f.Done]
}

// readOrder reads sortera and ordning.
func readOrder(q url.Values, v *listView, f *store.ListFilter) {
	if s := q.Get("sortera"); s != "" {
		if slices.ContainsFunc(sortKeys, func(x option) bool { return x.Value == s }) {
			v.Sort = s
		} else {
			v.note("Listan kan sorteras efter svarsdatum, datum skickad eller titel; den sorteras efter svarsdatum.")
		}
	}
	switch q.Get("ordning") {
	case "", "stigande":
	case "fallande":
		v.Desc = true
	default:
		v.note("Ordningen är stigande eller fallande; stigande används.")
	}
	i := slices.IndexFunc(sortKeys, func(x option) bool { return x.Value == v.Sort })
	f.Sort, f.Desc = sortKeys[i].Code, v.Desc
}

// url is the list's address with the view's parameters, changed by set.
func (v *listView) url(set map[string]string) string {
	q := url.Values{}
	put := func(k, val string) {
		if s, ok := set[k]; ok {
			val = s
		}
		if val != "" {
			q.Set(k, val)
		}
	}
	put("q", v.Q)
	put("visa", v.Visa)
	put("lage", v.Lage)
	put("org", v.Org)
	put("ar", map[bool]string{true: strconv.Itoa(v.Year)}[v.Year != 0])
	put("sortera", v.Sort)
	put("ordning", map[bool]string{true: "fallande"}[v.Desc])
	put("sida", map[bool]string{true: strconv.Itoa(v.Page)}[v.Page > 1])
	if len(q) == 0 {
		return v.Spec.Path
	}
	return v.Spec.Path + "?" + q.Encode()
}

// paged completes the view for total matches: pages, links, headers and
// the caption. It reports the page to show when the one asked for is past
// the end (0 when it is not).
func (v *listView) paged(total int) int {
	v.Total, v.Pages = total, max(1, (total+perPage-1)/perPage)
	if v.Page > v.Pages {
		v.note(fmt.Sprintf("Sidan finns inte; listan har %s %s.", remiss.Number(v.Pages), map[bool]string{true: "sida", false: "sidor"}[v.Pages == 1]))
		v.Page = v.Pages
		return v.Page
	}
	v.From, v.To = min(total, (v.Page-1)*perPage+1), min(total, v.Page*perPage)
	if v.Page > 1 {
		v.Prev = v.url(map[string]string{"sida": strconv.Itoa(v.Page - 1)})
	}
	if v.Page < v.Pages {
		v.Next = v.url(map[string]string{"sida": strconv.Itoa(v.Page + 1)})
	}
	for _, tab := range []option{{Value: "pagaende", Label: "Pågående"}, {Value: "avslutade", Label: "Avslutade"}} {
		v.Tabs = append(v.Tabs, sortHead{Label: tab.Label, URL: v.url(map[string]string{"visa": tab.Value, "lage": "", "sida": ""}),
			Aria: map[bool]string{true: "page"}[tab.Value == v.Visa]})
	}
	for _, k := range sortKeys {
		h := sortHead{Label: k.Label, URL: v.url(map[string]string{"sortera": k.Value, "ordning": "", "sida": ""})}
		if k.Value == v.Sort {
			h.Aria = map[bool]string{false: "ascending", true: "descending"}[v.Desc]
			h.URL = v.url(map[string]string{"ordning": map[bool]string{false: "fallande"}[v.Desc], "sida": ""})
		}
		v.Head[k.Value] = h
	}
	v.Caption = v.caption()
	return 0
}

// caption says what the table shows, in which order, and which page.
func (v *listView) caption() string {
	what := map[string]string{"pagaende": "Pågående ", "avslutade": "Avslutade "}[v.Visa] + v.Spec.Noun
	i := slices.IndexFunc(sortKeys, func(x option) bool { return x.Value == v.Sort })
	order := map[bool]string{false: "från A till Ö", true: "från Ö till A"}[v.Desc]
	if sortKeys[i].Code != "title" {
		order = map[bool]string{false: "tidigast först", true: "senast först"}[v.Desc]
	}
	return fmt.Sprintf("%s, sorterade efter %s, %s. Sida %s av %s.", what, sortKeys[i].Label, order, remiss.Number(v.Page), remiss.Number(v.Pages))
}

// PrevPage and NextPage are the numbers of the pages before and after.
func (v *listView) PrevPage() int { return v.Page - 1 }
func (v *listView) NextPage() int { return v.Page + 1 }
