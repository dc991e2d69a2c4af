package demo

import (
	"path/filepath"

	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/sign"
)

// Keyring loads the configured seals; in development without
// REMISS_SEAL_DIR it makes TEST seals under the data directory.
func Keyring(cfg config.Config) (*sign.Keyring, error) {
	if cfg.SealDir != "" {
		return sign.LoadDir(cfg.SealDir, cfg.TrustFile, cfg.SealPassword)
	}
	return Seals(filepath.Join(cfg.DataDir, "seals"))
}

// TSA is the configured time-stamping authority, or nil.
func TSA(cfg config.Config) *sign.TSA {
	if cfg.TSAURL == "" {
		return nil
	}
	return &sign.TSA{URL: cfg.TSAURL}
}
