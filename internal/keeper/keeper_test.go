package keeper_test

import (
	"context"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/keeper"
	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
)

// TestVerificationIsKeptWithTheDocument stores a sealed document and an
// unsigned upload through the keeper: each is verified once, on the way
// in; a read answers the kept result; bytes changed behind the store's
// back are caught by their hash on every read; a re-run keeps its result.
func TestVerificationIsKeptWithTheDocument(t *testing.T) {
	ctx := context.Background()
	st := dbtest.OpenSeeded(t)
	seals := dbtest.Seals(t)
	k := keeper.Keeper{Store: st, Roots: seals.Roots}
	if _, err := st.CreateRound(ctx, store.Remiss{ID: "ks-2026-300-1", Dnr: "KS 2026/300-1", Title: "Kept", Deadline: "2027-01-15",
		DeadlineAt: time.Date(2027, 1, 16, 0, 0, 0, 0, remiss.Stockholm), Reminders: []string{"14d"}, Grace: "7d",
		Coordinator: "ks.samordnare", Recipients: []string{"bromma"}}); err != nil {
		t.Fatal(err)
	}
	body, err := pdf.Missiv(pdf.MissivData{Dnr: "KS 2026/300-1", Title: "Kept", Deadline: "2027-01-15", Date: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	seal, err := seals.For(remiss.KS)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := seal.SignPDF(body, sign.Options{At: time.Now(), Name: "Kommunstyrelsen", Reason: "Missiv", Location: "Stockholm"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := k.Put(ctx, store.Document{ID: "missiv.kept", RemissID: "ks-2026-300-1", Kind: "missiv", Filename: "m.pdf", Content: signed})
	if err != nil {
		t.Fatal(err)
	}
	if v := keeper.Read(d); !v.Valid || !v.HashMatch || len(v.Signatures) != 1 || v.CheckedAt.IsZero() {
		t.Errorf("sealed document: %+v", v)
	}
	up, err := k.Put(ctx, store.Document{ID: "underlag.kept", RemissID: "ks-2026-300-1", Kind: "underlag", Filename: "u.pdf", Content: body})
	if err != nil {
		t.Fatal(err)
	}
	if v := keeper.Read(up); v.Valid || v.Problem == "" || v.CheckedAt.IsZero() {
		t.Errorf("unsigned upload: %+v", v)
	}

	// A byte changed in the database behind the store's back.
	if _, err := st.DB().ExecContext(ctx, `ALTER TABLE documents DISABLE TRIGGER USER; UPDATE documents SET content = overlay(content placing 'X'::bytea from 200 for 1) WHERE id='missiv.kept'`); err != nil {
		t.Fatal(err)
	}
	d, err = st.Document(ctx, "missiv.kept")
	if err != nil {
		t.Fatal(err)
	}
	if v := keeper.Read(d); v.Valid || v.HashMatch {
		t.Errorf("a changed document reads as %+v", v)
	}
	v, err := k.Reverify(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if v.Valid || len(v.Signatures) != 1 || v.Signatures[0].Valid {
		t.Errorf("re-run on changed bytes: %+v", v)
	}
	again, err := st.Document(ctx, "missiv.kept")
	if err != nil {
		t.Fatal(err)
	}
	if kept := keeper.Read(again); kept.CheckedAt != v.CheckedAt || len(kept.Signatures) != 1 || kept.Signatures[0].Valid {
		t.Errorf("the re-run was not kept: %+v", kept)
	}
}
