package sign_test

import (
	"context"
	"crypto/x509"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/pdfupdate/hostile"
	"github.com/remiss/remiss/internal/sign"
)

// TestReferenceBombCostsMilliseconds is the bilaga whose /Fields
// holds N references to a missing object, in a 2 MB file: each reference
// is an index lookup, not a scan of the file (before: 10 s for 256 kB,
// 3.4 min for 1 MB, quadratic in the size).
func TestReferenceBombCostsMilliseconds(t *testing.T) {
	bomb := hostile.RefBomb(2 << 20)
	start := time.Now()
	_, err := sign.Verify(t.Context(), bomb, x509.NewCertPool())
	took := time.Since(start)
	if err == nil {
		t.Error("a form without signatures verifies")
	}
	// The race detector slows the reader several times; the bound is for
	// a plain build.
	if limit := 200 * time.Millisecond * time.Duration(raceSlowdown); took > limit {
		t.Errorf("the reference bomb took %v, want under %v", took, limit)
	}
	t.Logf("2 MB reference bomb: %v (%v)", took, err)
}

func TestOverflowingByteRangeIsAnErrorNotAPanic(t *testing.T) {
	res, err := sign.Verify(t.Context(), hostile.ByteRangeOverflow(), x509.NewCertPool())
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Valid || !strings.Contains(res[0].Problem, "byteintervall") {
		t.Errorf("overflowing /ByteRange: %+v", res)
	}
}

func TestVerificationStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := sign.Verify(ctx, hostile.RefBomb(1<<20), x509.NewCertPool())
	if !errors.Is(err, context.Canceled) {
		t.Errorf("with a cancelled context: %v", err)
	}
}

// BenchmarkVerifyReferenceBomb measures the bomb at sizes up to an
// upload's largest: go test -run XXX -bench VerifyReferenceBomb ./internal/sign
func BenchmarkVerifyReferenceBomb(b *testing.B) {
	for _, mb := range []int{1, 4, 20} {
		bomb := hostile.RefBomb(mb << 20)
		b.Run(strconv.Itoa(mb)+"MB", func(b *testing.B) {
			for b.Loop() {
				if _, err := sign.Verify(b.Context(), bomb, x509.NewCertPool()); err == nil {
					b.Fatal("the bomb verifies")
				}
			}
		})
	}
}
