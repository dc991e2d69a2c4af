package sign_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/sign"
)

func TestFromConfigLoadsTheSealDirOrMakesTestSealsInDevelopment(t *testing.T) {
	dev := config.Config{DataDir: t.TempDir()}
	k, err := sign.FromConfig(dev, []sign.DevOrg{{Code: "bromma", Name: "Bromma stadsdelsnämnd"}})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := k.For("bromma"); err != nil || !strings.Contains(s.Chain[0].Subject.CommonName, "TEST-sigill Bromma") {
		t.Errorf("development seal: %v", err)
	}
	if _, err := os.Stat(filepath.Join(sign.DevDir(dev), "ca.pem")); err != nil {
		t.Errorf("TEST CA not under the data directory: %v", err)
	}

	// The same directory named as REMISS_SEAL_DIR: loaded, nothing made.
	prod := config.Config{Production: true, SealDir: sign.DevDir(dev), DataDir: t.TempDir()}
	k, err = sign.FromConfig(prod, []sign.DevOrg{{Code: "farsta", Name: "Farsta stadsdelsnämnd"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := k.Seals["bromma"]; !ok {
		t.Error("seal in REMISS_SEAL_DIR not loaded")
	}
	if _, ok := k.Seals["farsta"]; ok {
		t.Error("a TEST seal was made in REMISS_SEAL_DIR")
	}
	if _, err := sign.FromConfig(config.Config{Production: true, DataDir: t.TempDir()}, nil); err == nil {
		t.Error("production without REMISS_SEAL_DIR made TEST seals")
	}

	if sign.TSAFromConfig(dev) != nil {
		t.Error("a TSA without REMISS_TSA_URL")
	}
	if tsa := sign.TSAFromConfig(config.Config{TSAURL: "http://tsa.example"}); tsa == nil || tsa.URL != "http://tsa.example" {
		t.Errorf("TSA %+v", tsa)
	}
}
