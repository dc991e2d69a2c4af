package remiss

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestBodyFitsTheKindOfOrganisation(t *testing.T) {
	for kind, want := range map[OrgKind]string{KindStadsdelsnamnd: "nämnden", KindFacknamnd: "nämnden", KindBolag: "styrelsen",
		KindRad: "rådet", KindKS: "kommunstyrelsen", KindOffice: "kontoret", KindExternal: "organisationen", "": "nämnden"} {
		if got := kind.Body(); got != want {
			t.Errorf("%q: %q, want %q", kind, got, want)
		}
	}
	if got := Capital(KindBolag.Body()) + "s beslut"; got != "Styrelsens beslut" {
		t.Errorf("%q", got)
	}
	if got := Capital(KindBolag.Self()) + " avstår"; got != "Bolaget avstår" {
		t.Errorf("%q", got)
	}
	if got := RouteNamnd.Label(KindRad); got != "Beslut i rådet" {
		t.Errorf("route for a råd: %q", got)
	}
	if got := RouteNamnd.Label(KindStadsdelsnamnd); got != "Beslut i nämnden" {
		t.Errorf("route for a nämnd: %q", got)
	}
	if got := RouteDelegation.Label(KindBolag); got != "Beslut av verkställande direktören" {
		t.Errorf("delegation in a bolag: %q", got)
	}
	if got := RouteDelegation.Label(KindStadsdelsnamnd); got != "Beslut på delegation" {
		t.Errorf("delegation in a nämnd: %q", got)
	}
}

// TestEveryKindHasEveryWord: each kind of organisation has each word of
// KindWords, so no page, message or document falls back on a nämnd's.
func TestEveryKindHasEveryWord(t *testing.T) {
	if len(OrgKinds) != len(kindWords) {
		t.Errorf("OrgKinds %v, words for %d kinds", OrgKinds, len(kindWords))
	}
	for _, k := range OrgKinds {
		if !k.Valid() {
			t.Errorf("%q has no words", k)
		}
		w := reflect.ValueOf(k.Words())
		for i := 0; i < w.NumField(); i++ {
			if f := w.Field(i); f.Kind() == reflect.String && strings.TrimSpace(f.String()) == "" {
				t.Errorf("%q has no %s", k, w.Type().Field(i).Name)
			}
		}
		ws := k.Words()
		for _, to := range []string{k.Addressee("X", true), k.Addressee("X", false)} {
			if !strings.HasPrefix(to, "Till ") || strings.Contains(to, "%") {
				t.Errorf("%q: addressee %q", k, to)
			}
		}
		if ws.Document != Capital(ws.Document) || !strings.HasPrefix(ws.TheDocument, strings.ToLower(ws.Document)) {
			t.Errorf("%q: document %q, %q", k, ws.Document, ws.TheDocument)
		}
	}
	// A nämnd's words are the ones the seeds use; the others say nothing
	// of a nämnd or a förvaltning.
	n := KindStadsdelsnamnd.Words()
	if n.Opinions != "Förvaltningens synpunkter och bedömning" || n.Document != "Tjänsteutlåtande" || KindFacknamnd.Addressee("Trafiknämnden", true) != "Till Trafiknämnden" {
		t.Errorf("a nämnd's words: %+v", n)
	}
	for _, k := range []OrgKind{KindBolag, KindRad, KindOffice, KindExternal} {
		w := reflect.ValueOf(k.Words())
		for i := 0; i < w.NumField(); i++ {
			if f := w.Field(i); f.Kind() == reflect.String && (strings.Contains(strings.ToLower(f.String()), "nämnd") || strings.Contains(f.String(), "Förvaltningens")) {
				t.Errorf("%q: %s is %q", k, w.Type().Field(i).Name, f.String())
			}
		}
	}
	if got := KindBolag.Addressee("AB Stokab", true); got != "Till styrelsen för AB Stokab" {
		t.Errorf("a bolag's styrelse: %q", got)
	}
	if got := KindBolag.Addressee("AB Stokab", false); got != "Till verkställande direktören för AB Stokab" {
		t.Errorf("a bolag's VD: %q", got)
	}
	if got := KindBolag.Words().Opinions; got != "Bolagets synpunkter" {
		t.Errorf("a bolag's opinions: %q", got)
	}
	if got := KindRad.Words().Opinions; got != "Rådets synpunkter" {
		t.Errorf("a råd's opinions: %q", got)
	}
}

// TestAnOfficeHoldsNoMeetings: an office (and an outside body) answers by
// its own approval; the route of a meeting is refused, in Swedish.
func TestAnOfficeHoldsNoMeetings(t *testing.T) {
	for _, k := range []OrgKind{KindOffice, KindExternal} {
		if rs := Routes(k); len(rs) != 1 || rs[0] != RouteDelegation {
			t.Errorf("%q: routes %v", k, rs)
		}
		if err := CheckRoute(k, RouteNamnd); err == nil || !strings.Contains(err.Error(), "inga sammanträden") {
			t.Errorf("%q decides at a meeting: %v", k, err)
		}
		if err := CheckRoute(k, RouteDelegation); err != nil {
			t.Errorf("%q on delegation: %v", k, err)
		}
	}
	for _, k := range []OrgKind{KindStadsdelsnamnd, KindFacknamnd, KindBolag, KindRad} {
		if len(Routes(k)) != 2 || CheckRoute(k, RouteNamnd) != nil {
			t.Errorf("%q cannot decide at a meeting", k)
		}
	}
}

func TestUnknownKindIsRefusedInSwedish(t *testing.T) {
	for _, k := range OrgKinds {
		if err := CheckOrgKind(string(k)); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
	for _, bad := range []string{"", "namnd", "Bolag", "kommun"} {
		err := CheckOrgKind(bad)
		if err == nil || !strings.Contains(err.Error(), "sorts organisation") || !strings.Contains(err.Error(), "office (förvaltning eller kontor)") {
			t.Errorf("%q: %v", bad, err)
		}
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
