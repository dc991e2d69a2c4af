package sign_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
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
	warmUp(b, data)
	b.ReportAllocs()
	defer reportCPU(b)()
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

// BenchmarkKSStatement300 renders and seals kommunstyrelsen's
// tjänsteutlåtande on a round of 300 answers.
func BenchmarkKSStatement300(b *testing.B) {
	p := newPKI(&testing.T{})
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	seal := p.seal(&testing.T{}, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
	c := pdf.KSCase{Dnr: "KS 2016/171-908", Title: "Strategi",
		Org: remiss.Org{Code: remiss.KS, Name: "Kommunstyrelsen", Kind: remiss.KindKS, Forvaltning: "Stadsledningskontoret"}}
	var prep strings.Builder
	for i := range 300 {
		org := fmt.Sprintf("Remissinstans %d", i)
		c.Answers = append(c.Answers, pdf.AnswerRow{Org: org, Position: "Tillstyrker", Date: "2016-09-20"})
		c.Received = append(c.Received, org+", tjänsteutlåtande. Beslut på delegation.")
		prep.WriteString(org + ": tillstyrker.\n\n" + strings.Repeat("Nämnden tillstyrker förslaget med de synpunkter som framförs i tjänsteutlåtandet. ", 4) + "\n\n")
	}
	r := remiss.Response{Proposals: []string{"Kommunstyrelsen antar strategin."}, Summary: "Trehundra svar.", Preparation: prep.String(),
		Opinions: "Stadsledningskontoret tillstyrker.", Signatories: []remiss.Signatory{{Name: "Anna", Title: "Stadsdirektör"}}, OfficerName: "Anna"}
	data := pdf.KSStatementOf(c, r, time.Now())
	warmUp(b, data)
	b.ReportAllocs()
	defer reportCPU(b)()
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

// reportCPU reports, when the returned function is called after the
// loop, the processor time an operation took (user and system, the
// collector's included): on a machine shared with other work, ns/op is
// the wall clock's and counts the time others had the processor.
func reportCPU(b *testing.B) func() {
	used := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := used()
	return func() { b.ReportMetric(float64(used()-start)/float64(b.N), "cpu-ns/op") }
}

// warmUp renders data once before the loop: what a process does once
// (measure and cut the faces, compress them) is not a document's cost.
func warmUp(b *testing.B, data pdf.StatementData) {
	if _, err := pdf.Statement(data); err != nil {
		b.Fatal(err)
	}
}
