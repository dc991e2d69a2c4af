package sign_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/pdfupdate"
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

// hostileFiles are the worst files we know, each of about an upload's
// largest size: the reference bomb, a form whose fields are in object
// streams that inflate to 15 MB each, and eight signatures (the most the
// verifier checks) with a real CMS, each covering the whole file.
func hostileFiles(tb testing.TB) map[string][]byte {
	p := newPKI(&testing.T{})
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sealed, err := p.seal(&testing.T{}, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0)).SignPDF(statement(&testing.T{}), opts())
	if err != nil {
		tb.Fatal(err)
	}
	d, _ := pdfupdate.Parse(sealed)
	root, _ := d.Catalog()
	form, _ := d.Dict(root["AcroForm"])
	field, _ := d.Dict(form["Fields"].(pdfupdate.Array)[0])
	sig, _ := d.Dict(field["V"])
	cms := sig["Contents"].(pdfupdate.String)
	return map[string][]byte{
		"reference bomb 20 MB":        hostile.RefBomb(20 << 20),
		"inflate bomb 4x15 MB":        hostile.InflateBomb(4),
		"8 signatures 20 MB":          hostile.ManySignatures(cms, 8, 20<<20),
		"100 signatures":              hostile.ManySignatures(cms, 100, 1<<20),
		"overflowing /ByteRange":      hostile.ByteRangeOverflow(),
		"reference bomb 2 MB (issue)": hostile.RefBomb(2 << 20),
	}
}

// TestHostileFilesAreBounded verifies each hostile file within a second
// (ten under the race detector), none of them valid.
func TestHostileFilesAreBounded(t *testing.T) {
	for name, raw := range hostileFiles(t) {
		start := time.Now()
		res, err := sign.Verify(t.Context(), raw, x509.NewCertPool())
		took := time.Since(start)
		if err == nil && res[0].Valid {
			t.Errorf("%s verifies", name)
		}
		if limit := time.Second * time.Duration(raceSlowdown); took > limit {
			t.Errorf("%s took %v, want under %v", name, took, limit)
		}
		t.Logf("%s (%d bytes): %v, %v", name, len(raw), took, err)
	}
}

// BenchmarkVerifyHostile measures the verifier on each hostile file:
// go test -run XXX -bench VerifyHostile -benchtime 3x ./internal/sign
func BenchmarkVerifyHostile(b *testing.B) {
	for name, raw := range hostileFiles(b) {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				res, err := sign.Verify(b.Context(), raw, x509.NewCertPool())
				if err == nil && res[0].Valid {
					b.Fatal("a hostile file verifies")
				}
			}
		})
	}
}
