package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/earchive/archivetest"
)

// TestArchiveEndpoint: kommunstyrelsens registrator and an administrator
// get a round's e-archive package, which passes the checks an archive
// makes; everyone else is refused through the policy, and a round that
// does not exist is not found.
func TestArchiveEndpoint(t *testing.T) {
	ts := worldSite(t)
	for _, user := range []string{"ks.registrator", "admin"} {
		code, body, h := ts.do(request("GET", "/api/v1/remisses/"+closedRound+"/archive", "", "", nil, ts.token(user)))
		if code != http.StatusOK || h.Get("Content-Type") != "application/zip" ||
			!strings.HasPrefix(h.Get("Content-Disposition"), `attachment; filename=remiss-`+closedRound) {
			t.Fatalf("%s: %d %v", user, code, h)
		}
		archivetest.Validate(t, []byte(body))
	}
	// An open round is a partial delivery.
	if code, body, _ := ts.do(request("GET", "/api/v1/remisses/"+openRound+"/archive", "", "", nil, ts.token("ks.registrator"))); code != http.StatusOK {
		t.Errorf("open round: %d %.300s", code, body)
	}
	for _, user := range []string{"ks.samordnare", "bromma.registrator", "bromma.chef", "farsta.handlaggare"} {
		code, body, _ := ts.do(request("GET", "/api/v1/remisses/"+closedRound+"/archive", "", "", nil, ts.token(user)))
		if code != http.StatusForbidden || !strings.Contains(body, "e-arkivet") {
			t.Errorf("%s: %d %s", user, code, body)
		}
	}
	if code, _, _ := ts.do(request("GET", "/api/v1/remisses/ks-1999-1-1/archive", "", "", nil, ts.token("ks.registrator"))); code != http.StatusNotFound {
		t.Errorf("no such round: %d", code)
	}
	if code, _, _ := ts.do(request("GET", "/api/v1/remisses/"+closedRound+"/archive", "", "", nil, "")); code != http.StatusUnauthorized {
		t.Errorf("no token: %d", code)
	}
}
