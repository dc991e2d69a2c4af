package config

import (
	"log/slog"
	"testing"
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
