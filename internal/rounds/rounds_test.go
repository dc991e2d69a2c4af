package rounds

import "testing"

func TestEscalationComesBeforeTheRoundCloses(t *testing.T) {
	for grace, want := range map[string]string{"7d": "3d", "6d": "3d", "4d": "48h0m0s", "1d": "12h0m0s"} {
		if got := escalateAfter(grace); got != want {
			t.Errorf("grace %s: escalate after %s, want %s", grace, got, want)
		}
	}
}
