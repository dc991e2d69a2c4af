package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/pdf"
	"github.com/remiss/remiss/internal/remiss"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/validate"
)

// verify checks files, or stored documents by ID, and fails unless every
// signature is valid (and every stored document matches its SHA-256).
func verify(ctx context.Context, files []string, documentID string, out io.Writer) error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	roots, err := sign.LoadRoots(cfg.TrustPath())
	if err != nil {
		return err
	}
	type item struct {
		name, storedHash string
		data             []byte
	}
	var items []item
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		items = append(items, item{name: f, data: b})
	}
	if documentID != "" {
		st, err := store.Open(ctx, cfg.Database(), 5*time.Second)
		if err != nil {
			return err
		}
		defer st.Close()
		d, err := st.Document(ctx, documentID)
		if err != nil {
			return err
		}
		items = append(items, item{name: d.Filename, data: d.Content, storedHash: d.SHA256})
	}
	if len(items) == 0 {
		return errors.New("ange en PDF-fil eller --document ID")
	}
	failed := 0
	for _, it := range items {
		sum := sha256.Sum256(it.data)
		hash := hex.EncodeToString(sum[:])
		fmt.Fprintf(out, "%s\n  SHA-256: %s\n", it.name, hash)
		if it.storedHash != "" {
			if it.storedHash != hash {
				failed++
				fmt.Fprintf(out, "  FEL: filen stämmer inte med lagrad kontrollsumma %s\n", it.storedHash)
			} else {
				fmt.Fprintf(out, "  Stämmer med lagrad kontrollsumma.\n")
			}
		}
		results, err := sign.Verify(ctx, it.data, roots)
		if err != nil {
			failed++
			fmt.Fprintf(out, "  FEL: %v\n", err)
			continue
		}
		for i, r := range results {
			fmt.Fprintf(out, "  Signatur %d: %s\n    Signerad av: %s (%s), utfärdat av %s\n    Tid: %s\n",
				i+1, map[bool]string{true: "GILTIG", false: "OGILTIG"}[r.Valid], r.Signer, r.Org, r.Issuer,
				r.SignedAt.Format("2006-01-02 15:04:05 -07:00"))
			if !r.Valid {
				failed++
				fmt.Fprintf(out, "    Orsak: %s\n", r.Problem)
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d fel vid verifieringen", failed)
	}
	return nil
}

// renderFile is a response with what a statement also shows.
type renderFile struct {
	Dnr             string `json:"dnr" yaml:"dnr" validate:"required,max=60,dnr"`
	Title           string `json:"title" yaml:"title" validate:"required,max=300,nocontrol"`
	Organisation    string `json:"organisation" yaml:"organisation" validate:"required,max=200,nocontrol"`
	Forvaltning     string `json:"forvaltning" yaml:"forvaltning" validate:"max=200,nocontrol"`
	Org             string `json:"org" yaml:"org" validate:"omitempty,orgcode"` // whose seal signs; default: the default seal
	Date            string `json:"date" yaml:"date" validate:"omitempty,date"`
	OwnDnr          string `json:"ownDnr" yaml:"ownDnr" validate:"omitempty,max=60,dnr"` // the body's own diarienummer
	Meeting         string `json:"meeting" yaml:"meeting" validate:"omitempty,date"`     // the date of the nämnd's meeting that decides
	remiss.Response `yaml:",inline"`
}

// render renders and seals a statement from a response file, for template
// authors and registrators who preview or reproduce a document.
func render(path, outPath string, out io.Writer) error {
	if outPath == "" {
		return errors.New("ange --out FIL.pdf")
	}
	var f renderFile
	if err := readYAML(path, &f); err != nil {
		return err
	}
	if err := validate.New(nil).Struct(f); err != nil {
		return reject(err)
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	org := f.Org
	var dev []sign.DevOrg // in development, a TEST seal for the organisation
	if org == "" {
		org = "default"
	} else {
		dev = []sign.DevOrg{{Code: org, Name: f.Organisation}}
	}
	seals, err := sign.FromConfig(cfg, dev)
	if err != nil {
		return err
	}
	date := time.Now().In(remiss.Stockholm)
	if f.Date != "" {
		date, _ = time.ParseInLocation(remiss.DateLayout, f.Date, remiss.Stockholm)
		date = date.Add(12 * time.Hour)
	}
	data := pdf.StatementOf(pdf.Case{Dnr: f.Dnr, Title: f.Title, OwnDnr: f.OwnDnr, Meeting: f.Meeting},
		remiss.Org{Name: f.Organisation, Forvaltning: f.Forvaltning}, f.Response, date)
	body, err := pdf.Statement(data)
	if err != nil {
		return err
	}
	seal, err := seals.For(org)
	if err != nil {
		return err
	}
	signed, err := seal.SignPDF(body, sign.Options{At: time.Now().In(remiss.Stockholm), Name: f.Organisation, Reason: "Tjänsteutlåtande, Dnr " + f.Dnr, Location: "Stockholm"})
	if err != nil {
		return err
	}
	if err := os.WriteFile(outPath, signed, 0o644); err != nil {
		return err
	}
	sum := sha256.Sum256(signed)
	fmt.Fprintf(out, "%s: %d byte, förseglad av %s, SHA-256 %s\n", outPath, len(signed), seal.Chain[0].Subject.CommonName, hex.EncodeToString(sum[:]))
	return nil
}

// retry runs again a step that waits for an operator: target is an
// assignment ID or a Dnr.
func retry(ctx context.Context, a *app, as, target string, out io.Writer) error {
	actor, err := a.actor(ctx, as, "admin")
	if err != nil {
		return err
	}
	wid, err := a.svc.Retry(ctx, actor, target)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Steget i %s körs igen.\n", wid)
	return nil
}

func runVerify(ctx context.Context, _ *app, in args, out io.Writer) error {
	return verify(ctx, in.rest, in.document, out)
}

func runRender(_ context.Context, _ *app, in args, out io.Writer) error {
	return render(in.response, in.outFile, out)
}

// needTarget requires one argument, an assignment ID or a diarienummer.
func needTarget(in *args) error {
	if len(in.rest) != 1 {
		return errors.New("ange uppdragets ID eller diarienumret: starter retry ks-2016-171-908.bromma")
	}
	return nil
}

func runRetry(ctx context.Context, a *app, in args, out io.Writer) error {
	return retry(ctx, a, in.as, in.rest[0], out)
}
