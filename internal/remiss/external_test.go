package remiss

import (
	"bytes"
	"strings"
	"testing"
)

func TestLinkTokens(t *testing.T) {
	key := bytes.Repeat([]byte{1}, LinkKeySize)
	nonce := NewLinkNonce()
	a, b := LinkToken(key, "r.x", 1, nonce), LinkToken(key, "r.x", 2, nonce)
	if len(a) != LinkTokenLen || len(b) != LinkTokenLen || a == b || len(nonce) != LinkNonceSize {
		t.Fatalf("tokens %q %q", a, b)
	}
	if LinkToken(key, "r.x", 1, nonce) != a {
		t.Error("a token is not derived again the same")
	}
	if LinkToken(bytes.Repeat([]byte{2}, LinkKeySize), "r.x", 1, nonce) == a || LinkToken(key, "r.y", 1, nonce) == a ||
		LinkToken(key, "r.x", 1, NewLinkNonce()) == a {
		t.Error("another key, assignment or nonce gives the same token")
	}
	if bytes.Equal(LinkHash(a), LinkHash(b)) || len(LinkHash(a)) != 32 {
		t.Error("hashes")
	}
	if ExternalCode("Info@Example.se ") != ExternalCode("info@example.se") || !strings.HasPrefix(ExternalCode("a@b.se"), "extern-") {
		t.Error("the code of an address")
	}
}
