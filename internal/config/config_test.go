package config

import (
	"log/slog"
	"testing"
	"time"
)

func TestLogLevel(t *testing.T) {
	t.Setenv("REMISS_ENV", "development")
	for value, want := range map[string]slog.Level{"": slog.LevelInfo, "debug": slog.LevelDebug, "WARN": slog.LevelWarn, "error": slog.LevelError} {
		t.Setenv("REMISS_LOG_LEVEL", value)
		c, err := FromEnv()
		if err != nil || c.LogLevel != want {
			t.Errorf("REMISS_LOG_LEVEL=%q: %v, %v", value, c.LogLevel, err)
		}
	}
	t.Setenv("REMISS_LOG_LEVEL", "loud")
	if _, err := FromEnv(); err == nil {
		t.Error("REMISS_LOG_LEVEL=loud accepted")
	}
}

func TestDBMaxConns(t *testing.T) {
	t.Setenv("REMISS_ENV", "development")
	t.Setenv("REMISS_DB_MAX_CONNS", "")
	if c, err := FromEnv(); err != nil || c.DBMaxConns != 10 {
		t.Errorf("default: %d, %v", c.DBMaxConns, err)
	}
	t.Setenv("REMISS_DB_MAX_CONNS", "25")
	if c, err := FromEnv(); err != nil || c.DBMaxConns != 25 {
		t.Errorf("25: %d, %v", c.DBMaxConns, err)
	}
	for _, bad := range []string{"0", "-3", "many", "5000"} {
		t.Setenv("REMISS_DB_MAX_CONNS", bad)
		if _, err := FromEnv(); err == nil {
			t.Errorf("REMISS_DB_MAX_CONNS=%s accepted", bad)
		}
	}
}

func TestMaxExtension(t *testing.T) {
	t.Setenv("REMISS_ENV", "development")
	const day = 24 * time.Hour
	for value, want := range map[string]time.Duration{"": 365 * day, "365d": 365 * day, "30d": 30 * day, "3650d": 3650 * day} {
		t.Setenv("REMISS_MAX_EXTENSION", value)
		if c, err := FromEnv(); err != nil || c.MaxExtension != want {
			t.Errorf("REMISS_MAX_EXTENSION=%q: %v, %v", value, c.MaxExtension, err)
		}
	}
	for _, bad := range []string{"0d", "-1d", "365", "1y", "8760h", "3651d", "d"} {
		t.Setenv("REMISS_MAX_EXTENSION", bad)
		if _, err := FromEnv(); err == nil {
			t.Errorf("REMISS_MAX_EXTENSION=%s accepted", bad)
		}
	}
}
