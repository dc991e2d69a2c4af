package remiss

import (
	"strings"
	"testing"
)

// TestDefaultDnrRule: the formats registries use are accepted; control
// characters, line breaks, markup and overlong numbers are not.
func TestDefaultDnrRule(t *testing.T) {
	for _, dnr := range []string{"KS/2019:73", "KK15/410", "2022-00001", "1.5.1-135-2012", "T2012-050-05828",
		"2016/KS 0065 001", "KS 2016/171-908", "Dnr 007-983/2009", "171-908/2016", "SDN 2016/1234", "KS/2026:77",
		"Dnr: 00-051/1503:2", "UBN 2008/0123-1.2", strings.Repeat("1", 30) + "-" + strings.Repeat("2", 29)} {
		if !ValidDnr(dnr) || !DnrRule("").Valid(dnr) {
			t.Errorf("%q refused", dnr)
		}
	}
	for _, dnr := range []string{"", "KS", "2016", "KS 2016/171-908\nBcc: x", "<script>/2016", "KS\n2016/171-908",
		"Dnr\r\n2016/171-908", "KS\t2016/1", "KS  2016/1", " KS 2016/1", "KS 2016/1 ", "KS 2016/1\u202e",
		"KS 2016/1\u0000", "KS//2016", "KS 2016/", "/2016", "KS dnr /2014", "KS 2016;1", "KS 2016/1'--",
		strings.Repeat("1", 31) + "-" + strings.Repeat("2", 29)} {
		if ValidDnr(dnr) {
			t.Errorf("%q accepted", dnr)
		}
	}
}

// TestOrganisationDnrRule: an organisation's rule judges the whole number,
// is held to the same safety, and is refused when set unless it compiles,
// is anchored and is short.
func TestOrganisationDnrRule(t *testing.T) {
	rule := DnrRule(`^UBN [0-9]{4}/[0-9]+$`)
	if err := CheckDnrRule(string(rule)); err != nil {
		t.Fatal(err)
	}
	for dnr, want := range map[string]bool{"UBN 2008/12": true, "KS 2008/12": false, "UBN 2008/12x": false,
		"xUBN 2008/12": false, "UBN 2008/" + strings.Repeat("1", 60): false} {
		if got := rule.Valid(dnr); got != want {
			t.Errorf("%q: got %v, want %v", dnr, got, want)
		}
	}
	if DnrRule(`^.*$`).Valid("KS 1\n2") || DnrRule(`^.*$`).Valid(strings.Repeat("a", 61)) || !DnrRule(`^.*$`).Valid("vad som helst") {
		t.Error("an open rule is not held to one line of at most 60 characters")
	}
	for _, bad := range []string{`UBN [0-9]+`, `^UBN [0-9]+`, `UBN$`, `^(UBN$`, `^a\$`, "^" + strings.Repeat("a", MaxDnrRule) + "$"} {
		if CheckDnrRule(bad) == nil {
			t.Errorf("rule %q accepted", bad)
		}
		if DnrRule(bad).Valid("UBN 1") {
			t.Errorf("bad rule %q accepts a number", bad)
		}
	}
}
