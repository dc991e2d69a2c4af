package mail

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanResponseIsOneShortLineOfUTF8(t *testing.T) {
	for _, resp := range []string{"250 2.0.0 Ok: queued\xff\x00\tas\r\nX", strings.Repeat("å", 400)} {
		got := cleanResponse(resp)
		if !utf8.ValidString(got) || strings.ContainsAny(got, "\x00\t\r\n") || len(got) > 500 {
			t.Errorf("cleanResponse(%q) = %q", resp, got)
		}
	}
}
