package web

import (
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/remiss"
)

func TestParseExternal(t *testing.T) {
	got, err := parseExternal("Region Stockholm <registrator@region.se>\n\n  Hyresgästföreningen info@hgf.se\nHandelskammaren, kansli@chamber.se\n")
	want := []remiss.ExternalRecipient{{Name: "Region Stockholm", Email: "registrator@region.se"},
		{Name: "Hyresgästföreningen", Email: "info@hgf.se"}, {Name: "Handelskammaren", Email: "kansli@chamber.se"}}
	if err != nil || len(got) != len(want) {
		t.Fatalf("%v %v", got, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: %+v, want %+v", i+1, got[i], want[i])
		}
	}
	for _, bad := range []string{"Region Stockholm", "registrator@region.se", "<a@b.se>"} {
		if _, err := parseExternal("OK <ok@ok.se>\n" + bad); err == nil || !strings.Contains(err.Error(), "Rad 2") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
