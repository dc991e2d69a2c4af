package earchive

import (
	"encoding/xml"
	"strings"
	"time"
)

// The ERMS file (CITS ERMS 3.0, namespace https://DILCIS.eu/XML/ERMS): the
// case file as one aggregation of type caseFile, each handling a record.
// The element order follows ERMS_v3.xsd's sequences.

const nsERMS = "https://DILCIS.eu/XML/ERMS"

type ermsDoc struct {
	XMLName      xml.Name      `xml:"erms"`
	Xmlns        string        `xml:"xmlns,attr"`
	Control      ermsControl   `xml:"control"`
	Aggregations []aggregation `xml:"aggregations>aggregation"`
}

type ermsControl struct {
	Identification []identification `xml:"identification"`
	Maintenance    maintenance      `xml:"maintenanceInformation"`
}

type identification struct {
	Type  string `xml:"identificationType,attr"`
	Value string `xml:",chardata"`
}

type valueAttr struct {
	Value string `xml:"value,attr"`
}

type maintenance struct {
	Status valueAttr          `xml:"maintenanceStatus"`
	Agency maintenanceAgency  `xml:"maintenanceAgency"`
	Events []maintenanceEvent `xml:"maintenanceHistory>maintenanceEvent"`
}

type maintenanceAgency struct {
	Name string `xml:"agencyName"`
}

type maintenanceEvent struct {
	Type  valueAttr `xml:"eventType"`
	At    string    `xml:"eventDateTime"`
	Agent ermsAgent `xml:"agent"`
}

type ermsAgent struct {
	Type         string `xml:"agentType,attr"`
	Name         string `xml:"name"`
	Organisation string `xml:"organisation,omitempty"`
	Role         string `xml:"role,omitempty"`
}

type ermsDate struct {
	Type  string `xml:"dateType,attr"`
	Value string `xml:",chardata"`
}

type aggregation struct {
	SystemID       string           `xml:"systemIdentifier,attr"`
	Type           string           `xml:"aggregationType,attr"`
	ObjectID       string           `xml:"objectId"`
	Identification []identification `xml:"identification"`
	Title          string           `xml:"title"`
	Status         *valueAttr       `xml:"status"`
	Agents         []ermsAgent      `xml:"agents>agent"`
	Description    string           `xml:"description,omitempty"`
	Dates          []ermsDate       `xml:"dates>date"`
	Records        []ermsRecord     `xml:"record"`
}

type ermsRecord struct {
	SystemID     string            `xml:"systemIdentifier,attr"`
	RecordType   string            `xml:"recordType,attr"`
	Form         string            `xml:"recordPhysicalOrDigital,attr"`
	ObjectID     string            `xml:"objectId"`
	Title        string            `xml:"title"`
	Restrictions []ermsRestriction `xml:"restriction"`
	Direction    direction         `xml:"direction"`
	Agents       []ermsAgent       `xml:"agents>agent"`
	Dates        []ermsDate        `xml:"dates>date"`
	Actions      []ermsAction      `xml:"action"`
	Appendix     *appendix         `xml:"additionalInformation>appendix"`
}

type direction struct {
	Definition string `xml:"directionDefinition,attr"`
}

type ermsRestriction struct {
	Type        string      `xml:"restrictionType,attr"`
	Explanatory string      `xml:"explanatoryText,omitempty"`
	Regulation  string      `xml:"regulation"`
	Agents      []ermsAgent `xml:"agent"`
	Dates       []ermsDate  `xml:"dates>date"`
}

type ermsAction struct {
	Text   string      `xml:"actionText"`
	Type   string      `xml:"actionType"`
	Dates  []ermsDate  `xml:"dates>actionDate"`
	Agents []ermsAgent `xml:"agents>agent"`
}

type appendix struct {
	Name       string `xml:"name,attr"`
	FileFormat string `xml:"fileFormat,attr"`
	Path       string `xml:"path,attr"`
}

// dateTime is t as xs:dateTime, in Stockholm's time.
func dateTime(t time.Time) string { return t.In(stockholm).Format(time.RFC3339) }

// ermsXML is the case file c, with each record's file at dataPath+name.
func ermsXML(c Case, dataPath string) ([]byte, error) {
	status := "in_progress"
	if !c.Partial {
		status = "closed"
	}
	agg := aggregation{
		SystemID: c.RemissID, Type: "caseFile", ObjectID: c.Dnr,
		Identification: []identification{{Type: "diarienummer", Value: c.Dnr}, {Type: "remiss-id", Value: c.RemissID}},
		Title:          c.Title, Status: &valueAttr{status}, Description: c.Description,
		Agents: []ermsAgent{
			{Type: "owner", Name: c.Owner.Name},
			{Type: "responsible_person", Name: c.Coordinator.Name, Organisation: c.Coordinator.Organisation, Role: "Remissamordnare"},
		},
		Dates: []ermsDate{{"created", dateTime(c.CreatedAt)}, {"decision_deadline", dateTime(c.Deadline)}},
	}
	for _, r := range c.Recipients {
		agg.Agents = append(agg.Agents, ermsAgent{Type: "recipient", Name: r.Name, Role: "Remissinstans"})
	}
	if c.ClosedAt != nil {
		agg.Dates = append(agg.Dates, ermsDate{"closed", dateTime(*c.ClosedAt)})
	}
	if c.DecidedAt != nil {
		agg.Dates = append(agg.Dates, ermsDate{"finished", dateTime(*c.DecidedAt)})
	}
	for _, r := range c.Records {
		rec := ermsRecord{SystemID: r.DocumentID, RecordType: recordType(r.Kind), Form: "digital", ObjectID: r.DocumentID,
			Title: r.Title, Direction: direction{string(r.Direction)},
			Agents:   []ermsAgent{{Type: creatorOrSender(r.Direction), Name: r.Organisation.Name}},
			Dates:    []ermsDate{{"created", dateTime(r.CreatedAt)}},
			Appendix: &appendix{Name: r.Filename, FileFormat: "PDF/A", Path: dataPath + r.Filename},
		}
		for _, m := range r.Restrictions {
			x := ermsRestriction{Type: "confidential", Regulation: m.Provision}
			if m.PublicTitle != "" {
				x.Explanatory = "Offentlig titel: " + m.PublicTitle
			}
			if m.MarkedBy.Name != "" {
				x.Agents = []ermsAgent{{Type: "responsible_person", Name: m.MarkedBy.Name, Organisation: m.MarkedBy.Organisation}}
			}
			if !m.MarkedAt.IsZero() {
				x.Dates = []ermsDate{{"confidentiality_assessed", dateTime(m.MarkedAt)}}
			}
			rec.Restrictions = append(rec.Restrictions, x)
		}
		for _, d := range r.Decisions {
			rec.Dates = append(rec.Dates, ermsDate{"decision", dateTime(d.Date)})
			rec.Actions = append(rec.Actions, ermsAction{Text: d.Text(), Type: "beslut", Dates: []ermsDate{{"decision", dateTime(d.Date)}},
				Agents: []ermsAgent{{Type: "authorising_person", Name: d.Body}}})
		}
		agg.Records = append(agg.Records, rec)
	}
	doc := ermsDoc{Xmlns: nsERMS, Aggregations: []aggregation{agg},
		Control: ermsControl{
			Identification: []identification{{Type: "diarienummer", Value: c.Dnr}},
			Maintenance: maintenance{Status: valueAttr{"new"}, Agency: maintenanceAgency{c.Owner.Name},
				Events: []maintenanceEvent{{Type: valueAttr{"created"}, At: dateTime(c.ExportedAt),
					Agent: ermsAgent{Type: "creator", Name: c.ExportedBy.Name, Organisation: c.ExportedBy.Organisation}}}},
		}}
	return marshal(doc)
}

// Text is the decision in words: "Farsta stadsdelsnämnd, § 12: Bifall till
// förslaget".
func (d Decision) Text() string {
	text := d.Body
	if d.Paragraph != "" {
		text += ", " + d.Paragraph
	}
	text += ": " + d.Verdict
	if d.Wording != "" {
		text += ". " + strings.TrimSpace(d.Wording)
	}
	return text
}

func creatorOrSender(d Direction) string {
	if d == Incoming || d == Outgoing {
		return "sender"
	}
	return "creator"
}

// recordType is the kind of a handling in Swedish, as a registrator names it.
func recordType(kind string) string {
	switch kind {
	case "missiv":
		return "missiv"
	case "underlag":
		return "remissunderlag"
	case "statement", "received":
		return "yttrande"
	case "bilaga":
		return "bilaga"
	case "minutes":
		return "protokollsutdrag"
	case "ks-statement":
		return "tjänsteutlåtande"
	}
	return kind
}

func marshal(v any) ([]byte, error) {
	b, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}
