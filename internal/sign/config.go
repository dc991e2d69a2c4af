package sign

import (
	"errors"
	"path/filepath"

	"github.com/remiss/remiss/internal/config"
)

// FromConfig loads the seals the configuration names: the organisations'
// seals in REMISS_SEAL_DIR (which production requires, see config.FromEnv).
// In development without it, they are the TEST seals under the data
// directory: EnsureDev makes, on first start, the TEST CA and a TEST seal
// for each of devOrgs that has none yet, and loads every seal there.
func FromConfig(cfg config.Config, devOrgs []DevOrg) (*Keyring, error) {
	if cfg.SealDir != "" {
		return LoadDir(cfg.SealDir, cfg.TrustFile, cfg.SealPassword)
	}
	if cfg.Production {
		return nil, errors.New("sign: REMISS_SEAL_DIR must name the organisations' seals in production")
	}
	return EnsureDev(DevDir(cfg), devOrgs)
}

// DevDir is where development keeps its TEST CA and TEST seals.
func DevDir(cfg config.Config) string { return filepath.Join(cfg.DataDir, "seals") }

// TSAFromConfig is the time-stamping authority of REMISS_TSA_URL, or nil.
func TSAFromConfig(cfg config.Config) *TSA {
	if cfg.TSAURL == "" {
		return nil
	}
	return &TSA{URL: cfg.TSAURL}
}
