package sign_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/pdf"
)

func twoPageStatement() pdf.StatementData {
	return pdf.StatementData{Org: "Hägersten-Liljeholmens stadsdelsnämnd", Forvaltning: "Hägersten-Liljeholmens stadsdelsförvaltning",
		Dnr: "KS 2016/171-908", Date: time.Date(2016, 8, 30, 10, 0, 0, 0, time.UTC), OfficerName: "Monica Slama",
		Title: "Strategi för Stockholm som smart och uppkopplad stad", Subtitle: "Svar på remiss från kommunstyrelsen",
		Proposals: []string{"Hägersten-Liljeholmens stadsdelsnämnd godkänner och överlämnar tjänsteutlåtandet som svar på remissen.", "Beslutet justeras omedelbart."},
		Sections: []pdf.Section{{Heading: "Sammanfattning", Body: strings.Repeat("Strategin syftar till att göra livet enklare och bättre för invånare, företagare och besökare. ", 12)},
			{Heading: "Förvaltningens synpunkter och bedömning", Body: strings.Repeat("Det är av stort värde att staden utvecklar bra metoder för att fånga upp verksamheternas behov. ", 30)}},
		Signatories: []pdf.Signatory{{Name: "Lars Wennberg", Title: "tf stadsdelsdirektör"}}}
}

// BenchmarkRenderAndSign is the target: a two-page statement
// rendered and sealed. Run: go test -bench RenderAndSign -benchmem -cpu 1 ./internal/sign
func BenchmarkRenderAndSign(b *testing.B) {
	p := newPKI(&testing.T{})
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	seal := p.seal(&testing.T{}, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
	data := twoPageStatement()
	b.ReportAllocs()
	for b.Loop() {
		raw, err := pdf.Statement(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := seal.SignPDF(raw, opts()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSummary300 renders and seals a sammanställning of 300 answers.
func BenchmarkSummary300(b *testing.B) {
	p := newPKI(&testing.T{})
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	seal := p.seal(&testing.T{}, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
	var entries []pdf.SummaryEntry
	for i := range 300 {
		entries = append(entries, pdf.SummaryEntry{Org: fmt.Sprintf("Remissinstans %d", i), Outcome: "Besvarad", Date: "2016-09-20",
			Summary:  strings.Repeat("Nämnden tillstyrker förslaget med de synpunkter som framförs i tjänsteutlåtandet. ", 4),
			Decision: "Beslut på delegation"})
	}
	data := pdf.SummaryData{Dnr: "KS 2016/171-908", Title: "Strategi", Date: time.Now(), Deadline: "2016-09-30", Entries: entries, Answered: 300}
	b.ReportAllocs()
	for b.Loop() {
		raw, err := pdf.Summary(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := seal.SignPDF(raw, opts()); err != nil {
			b.Fatal(err)
		}
	}
}
