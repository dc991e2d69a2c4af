package compose

import (
	"fmt"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/store"
)

// A round of 300 long answers still drafts a Beredning the handläggare can
// submit: the stands and förslag, with the answers left to the bilagor.
func TestDraftOfALargeRoundFitsItsField(t *testing.T) {
	var all []answer
	for i := range 300 {
		c := remiss.Response{Position: remiss.PositionFor, Proposals: []string{"Nämnden tillstyrker förslaget."},
			Summary: strings.Repeat("Nämnden delar bedömningen. ", 200)}
		all = append(all, answer{asg: store.Assignment{State: remiss.StateAnswered}, org: remiss.Org{Name: fmt.Sprintf("Remissinstans %d", i)}, content: &c})
	}
	rm := store.Remiss{Deadline: "2027-01-15"}
	if full := beredning(all, rm, 2); len(full) <= draftLimit {
		t.Fatalf("the full text is only %d bytes: the test needs more", len(full))
	}
	var prep string
	for detail := 2; detail >= 0; detail-- {
		if prep = beredning(all, rm, detail); len(prep) <= draftLimit {
			break
		}
	}
	if len(prep) > draftLimit || !strings.Contains(prep, "Remissinstans 299: tillstyrker.") || !strings.Contains(prep, "bilagor till tjänsteutlåtandet") {
		t.Errorf("drafted Beredning of %d bytes:\n%.400s", len(prep), prep)
	}
	if r := (remiss.Response{Preparation: prep}); len([]rune(r.Preparation)) > 50000 {
		t.Errorf("the drafted Beredning does not fit the answer's field (50 000 characters)")
	}
}
