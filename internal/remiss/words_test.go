package remiss

import (
	"testing"
	"time"
)

func TestBodyFitsTheKindOfOrganisation(t *testing.T) {
	for kind, want := range map[OrgKind]string{KindStadsdelsnamnd: "nämnden", KindFacknamnd: "nämnden", KindBolag: "styrelsen",
		KindRad: "rådet", KindKS: "kommunstyrelsen", "": "nämnden"} {
		if got := kind.Body(); got != want {
			t.Errorf("%q: %q, want %q", kind, got, want)
		}
	}
	if got := Capital(KindBolag.Body()) + " avstår"; got != "Styrelsen avstår" {
		t.Errorf("%q", got)
	}
	if got := RouteNamnd.Label(KindRad); got != "Beslut i rådet" {
		t.Errorf("route for a råd: %q", got)
	}
	if got := RouteNamnd.Label(KindStadsdelsnamnd); got != "Beslut i nämnden" {
		t.Errorf("route for a nämnd: %q", got)
	}
}

func TestCapitalAndSentence(t *testing.T) {
	for in, want := range map[string]string{"finns inte": "Finns inte.", "ärendet är avslutat": "Ärendet är avslutat.",
		"Klart.": "Klart.", "se nedan:": "Se nedan:", "": "", " öppen ": "Öppen."} {
		if got := Sentence(in); got != want {
			t.Errorf("Sentence(%q) = %q, want %q", in, got, want)
		}
	}
	if Capital("åtgärden") != "Åtgärden" || Capital("") != "" {
		t.Error("Capital")
	}
}

func TestNumbersHaveASpaceBetweenThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1\u00a0000", 10000: "10\u00a0000",
		1234567: "1\u00a0234\u00a0567", -25000: "-25\u00a0000"} {
		if got := Number(n); got != want {
			t.Errorf("Number(%d) = %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int64]string{820: "820 byte", 14_200: "14 kB", 1_430_000: "1,4 MB", 20_000_000: "20 MB",
		999_600: "1,0 MB", 9_990_000: "10 MB", 1_234_567_890: "1\u00a0235 MB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestOneFormatForDatesAndTimes(t *testing.T) {
	at := time.Date(2027, 1, 15, 13, 5, 0, 0, time.UTC)
	if got := FormatTime(at); got != "2027-01-15 kl. 14.05" {
		t.Errorf("FormatTime: %q", got)
	}
	if got := FormatDate(time.Date(2027, 1, 15, 23, 30, 0, 0, time.UTC)); got != "2027-01-16" {
		t.Errorf("FormatDate in Stockholm: %q", got)
	}
	if FormatTime(time.Time{}) != "" || FormatDate(time.Time{}) != "" {
		t.Error("zero time")
	}
}
