package demo

import (
	"strings"

	"github.com/remiss/remiss/internal/remiss"
)

// The texts below are from Hägersten-Liljeholmens stadsdelsnämnd's answer to
// "Strategi för Stockholm som smart och uppkopplad stad" (2016) and
// Utbildningsförvaltningen's answer on the e-strategi (2008), two of the
// source documents of docs/design.md. Tests and the demo answer with them.
const (
	smartSummary = "Kommunfullmäktige har i budget för 2016 beslutat att en strategi för Stockholm som smart och " +
		"uppkopplad stad och sakernas internet ska tas fram. Strategin lyfter fram principer som krävs för att " +
		"möjliggöra digitaliseringen, hur kostnadsfördelningen ska genomföras, och vilka prioriteringar som " +
		"behöver ske för genomförande. Ytterst syftar strategin till att göra livet enklare och bättre för " +
		"invånare, företagare och besökare."
	smartBackground = "Kommunfullmäktige har i budget för 2016 beslutat att en strategi för Stockholm som smart och " +
		"uppkopplad stad och sakernas internet (Internet of Things, IoT) ska tas fram. Stadsledningskontoret har " +
		"därför i samverkan med AB STOKAB, miljö- och hälsoskyddsnämnden och trafiknämnden tagit fram ett förslag " +
		"till strategi.\n\nDen föreslagna strategin innehåller en tydlig målbild om Stockholm som världens smartaste " +
		"stad, som tar avstamp i Vision 2040. Förändringen drivs bland annat av övergripande trender så som " +
		"urbanisering, globalisering och ökad livslängd."
	smartPreparation = "Ärendet har beretts av kommunikationsenheten. Ärendet gäller remissvar på Strategi för " +
		"Stockholm som smart och uppkopplad stad Dnr: 171-908/2016."
	smartOpinions = "%s delar stadsledningskontorets bedömning att det är viktigt att formulera en strategi som är " +
		"genomtänkt och syftar till att förstärka den positiva digitala utvecklingen som pågår i Stockholm. " +
		"Särskilt viktigt är att ta sig an de utmaningar som finns för att stadens invånare och anställda " +
		"tillsammans på sikt ska uppnå Vision 2040, ”Stockholm – en stad för alla” och världens smartaste stad.\n\n" +
		"Det är av stort värde att staden utvecklar bra metoder för att fånga upp verksamheternas behov i " +
		"stadsdelsnämnderna. Våra verksamheter förskola, social omsorg och äldreomsorg har med all säkerhet stor " +
		"potential att utvecklas digitalt."
)

// SampleResponse is a complete answer from an organisation, in the words of
// the seeds, with the organisation's name put in.
func SampleResponse(org remiss.Org) remiss.Response {
	w := org.Kind.Words()
	who, title := org.Forvaltning, "tf stadsdelsdirektör"
	if !w.Unit || who == "" {
		who = org.Name
	}
	switch org.Kind {
	case remiss.KindBolag, remiss.KindRad, remiss.KindOffice, remiss.KindExternal:
		title = chefTitle(demoOrg{kind: org.Kind, forvaltning: org.Forvaltning})
	}
	proposals := []string{org.Name + " godkänner och överlämnar " + w.TheDocument + " som svar på remissen till kommunstyrelsen."}
	if w.Meets { // a meeting's decision is justerat
		proposals = append(proposals, "Beslutet justeras omedelbart.")
	}
	return remiss.Response{
		Proposals:   proposals,
		Summary:     smartSummary,
		Background:  smartBackground,
		Preparation: smartPreparation,
		Opinions:    strings.Replace(smartOpinions, "%s", who, 1),
		Signatories: []remiss.Signatory{{Name: "Lars Wennberg", Title: title}},
		Attachments: []string{"Remissunderlaget: Strategi för Stockholm som smart och uppkopplad stad"},
		OfficerName: "Monica Slama", OfficerPhone: "08-508 23 092",
		OfficerEmail: "monica.slama@example.stockholm.se",
	}
}
