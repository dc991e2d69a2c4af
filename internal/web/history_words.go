package web

import (
	"encoding/json"
	"strings"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// The words of an ärende's history: what each action of the audit trail
// is, in Swedish, in one table. A test reads every action the code writes
// to the audit trail and fails when one has no words here.

// auditDetail is what the history reads of an audit row's detail.
type auditDetail struct {
	Officer   string `json:"officer"`
	Until     string `json:"until"`
	Approved  bool   `json:"approved"`
	Late      bool   `json:"late"`
	Verdict   string `json:"verdict"`
	Paragraph string `json:"paragraph"`
	Step      string `json:"step"`
	Route     string `json:"route"`
	Meeting   string `json:"meeting"`
	Final     bool   `json:"final"`
	Dnr       string `json:"dnr"`
	// A sekretessmarkering: the kind of document it is on, the provision
	// and the public title (never the document's own name).
	DocKind     string `json:"kind"`
	Provision   string `json:"provision"`
	PublicTitle string `json:"publicTitle"`
}

// said is what an event's words may draw on: its detail, the name of the
// officer it names, and the kind of organisation whose ärende it is.
type said struct {
	auditDetail
	OfficerName string
	Kind        remiss.OrgKind
}

// meetingDate is the date of a meeting by its ID (remiss.MeetingID).
func meetingDate(id string) string {
	if i := strings.LastIndex(id, "."); i >= 0 {
		return id[i+1:]
	}
	return id
}

// paragraph writes " (§ 12)" for a decision's paragraph, nothing without one.
func paragraph(p string) string {
	if p == "" {
		return ""
	}
	return " (" + remiss.Paragraph(p) + ")"
}

// auditWords says what each action of the audit trail is.
var auditWords = map[string]func(d said) string{
	// The round.
	"remiss_sent": func(said) string { return "Remissen skickades" },
	"round_closed": func(said) string {
		return "Remissomgången stängdes och utkastet till kommunstyrelsens tjänsteutlåtande upprättades"
	},
	"remiss_withdrawn":         func(said) string { return "Remissen återkallades" },
	"unanswered_marked_missed": func(said) string { return "Remissinstanser som inte svarat markerades som utan svar" },
	"document_failed":          func(said) string { return "Ett dokument kunde inte upprättas; en administratör har underrättats" },
	"digest":                   func(said) string { return "Dagligt sammandrag skickades till remissamordnaren" },
	"step_decided": func(d said) string {
		return "Beslut i " + lowerFirst(remiss.StepName(d.Step)) + ": " + lowerFirst(remiss.Verdict(d.Verdict).Label()) + paragraph(d.Paragraph)
	},
	"step_approved": func(d said) string {
		return remiss.StepName(d.Step) + " godkände kommunstyrelsens tjänsteutlåtande över remissvaren"
	},
	// The answer.
	"assigned":       func(d said) string { return "Uppdraget fördelades till " + d.OfficerName },
	"draft_saved":    func(said) string { return "Utkast sparades" },
	"dnr_registered": func(d said) string { return "Ärendet registrerades i diariet med diarienummer " + d.Dnr },
	"submitted": func(d said) string {
		if d.Late {
			return "Yttrandet skickades in för godkännande (efter svarsdatum)"
		}
		return "Yttrandet skickades in för godkännande"
	},
	"returned": func(said) string { return "Återsändes för komplettering" },
	"approved": func(said) string { return "Godkändes" },
	"decline_proposed": func(d said) string {
		return "Förslag att " + d.Kind.Self() + " avstår från att yttra sig lämnades för godkännande"
	},
	"decline_approved": func(d said) string {
		return "Avståendet godkändes och sattes upp på " + d.Kind.Body() + "s dagordning"
	},
	"declined": func(d said) string { return remiss.Capital(d.Kind.Self()) + " avstod från att yttra sig" },
	"received": func(said) string { return "Yttrandet kom in genom den personliga länken" },
	"link_replaced": func(said) string {
		return "Remissamordnaren ersatte den personliga länken; den tidigare slutade gälla"
	},
	"extension_requested": func(d said) string { return "Anstånd begärdes till " + d.Until },
	"extension_decided": func(d said) string {
		if d.Approved {
			return "Anstånd beviljades till " + d.Until
		}
		return "Anstånd avslogs"
	},
	"missed":    func(said) string { return "Inget svar kom innan remissomgången stängdes" },
	"withdrawn": func(said) string { return "Uppdraget avslutades när remissen återkallades" },
	"route_planned": func(d said) string {
		if d.Meeting != "" {
			return "Beslutsväg: " + lowerFirst(remiss.Route(d.Route).Label(d.Kind)) + ", sammanträdet " + meetingDate(d.Meeting)
		}
		return "Beslutsväg: " + lowerFirst(remiss.Route(d.Route).Label(d.Kind))
	},
	"statement_stored": func(d said) string {
		if d.Meeting != "" {
			return "Tjänsteutlåtandet upprättades och lades på dagordningen för sammanträdet " + meetingDate(d.Meeting)
		}
		return "Tjänsteutlåtandet upprättades och förseglades"
	},
	"namnd_decided": func(d said) string {
		return "Beslut i " + d.Kind.Body() + ": " + lowerFirst(remiss.Verdict(d.Verdict).Label()) + paragraph(d.Paragraph)
	},
	"delegation_reported": func(d said) string {
		return "Delegationsbeslutet anmäldes till " + d.Kind.Body() + " vid sammanträdet " + meetingDate(d.Meeting) + paragraph(d.Paragraph)
	},
	// Sekretessmarkering (OSL 5 kap. 5 §).
	"secrecy_marked": func(d said) string {
		return "Handlingen " + docOf(d) + " sekretessmarkerades enligt " + d.Provision + " och visas som ”" + d.PublicTitle + "”"
	},
	"secrecy_changed": func(d said) string {
		return "Sekretessmarkeringen av handlingen " + docOf(d) + " ändrades: " + d.Provision + ", visas som ”" + d.PublicTitle + "”"
	},
	"secrecy_removed": func(d said) string {
		return "Sekretessmarkeringen (" + d.Provision + ") av handlingen " + docOf(d) + " togs bort"
	},
	"document_opened": func(d said) string {
		return "Den sekretessmarkerade handlingen ”" + d.PublicTitle + "” " + docOf(d) + " öppnades"
	},
	// Timed messages.
	"reminder":   func(said) string { return "Påminnelse skickades" },
	"overdue":    func(said) string { return "Påminnelse skickades om att svarsdatum har passerat" },
	"escalation": func(said) string { return "Remissamordnaren underrättades om att svaret dröjer" },
}

// docOf names the kind of document an event is about: "(bilaga)".
func docOf(d said) string { return "(" + strings.ToLower(docLabel(d.DocKind)) + ")" }

// lowerFirst begins s with a small letter, for a label in running text
// ("Beslut på delegation" → "beslut på delegation").
func lowerFirst(s string) string {
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// eventWords says what an audit row is, with the officer's name for an
// assignment (names: username → display name); an action without words
// (which the test forbids) is named as stored rather than hidden.
func eventWords(e store.HistoryEntry, kind remiss.OrgKind, names map[string]string) string {
	var d said
	json.Unmarshal(e.Detail, &d.auditDetail)
	d.Kind = kind
	d.OfficerName = names[d.Officer]
	if d.OfficerName == "" {
		d.OfficerName = d.Officer
	}
	if f, ok := auditWords[e.Action]; ok {
		return f(d)
	}
	return e.Action
}
