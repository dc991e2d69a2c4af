package sign_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/pdfupdate/hostile"
	"github.com/remiss/remiss/internal/sign"
)

// FuzzVerify feeds the verifier sealed documents we produce (one with the
// issue's injection title), an unsigned one, the reference bomb and the
// overflowing /ByteRange, and their mutations: it must never panic, must
// end within its bound, and must call valid only a signature that covers
// the whole file.
func FuzzVerify(f *testing.F) {
	p := newPKI(&testing.T{})
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	seal := p.seal(&testing.T{}, key, time.Now().Add(-time.Hour), time.Now().AddDate(1, 0, 0))
	unsigned, err := pdf.Statement(pdf.StatementData{Org: "Bromma stadsdelsnämnd", Dnr: "KS 2016/171-908", Date: time.Now(),
		Title: "Strategi", Proposals: []string{"Godkänns."}, Signatories: []pdf.Signatory{{Name: "A", Title: "B"}}})
	if err != nil {
		f.Fatal(err)
	}
	sealed, err := seal.SignPDF(unsigned, opts())
	if err != nil {
		f.Fatal(err)
	}
	missiv, err := pdf.Missiv(pdf.MissivData{Dnr: "KS 2016/171-908", Title: injectionTitles["UTF-16 page"], Date: time.Now(),
		Deadline: "2027-03-31", Recipients: []string{"Bromma"}, Coordinator: pdf.Signatory{Name: "A", Title: "B"}})
	if err != nil {
		f.Fatal(err)
	}
	injected, err := seal.SignPDF(missiv, opts())
	if err != nil {
		f.Fatal(err)
	}
	for _, b := range [][]byte{sealed, injected, unsigned, hostile.RefBomb(16 << 10), hostile.ByteRangeOverflow()} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		res, err := sign.Verify(ctx, raw, p.roots)
		if took := time.Since(start); took > sign.VerifyTimeout+time.Second {
			t.Fatalf("verification took %v", took)
		}
		if err != nil {
			return
		}
		for _, r := range res {
			if r.Valid && (!r.WholeFile || r.Problem != "") {
				t.Fatalf("valid but %+v", r)
			}
		}
	})
}
