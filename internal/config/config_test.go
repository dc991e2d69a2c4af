package config

import (
	"log/slog"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
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

// TestSignInSettings: REMISS_LOGIN, the SSO settings that go together,
// and the session limits.
func TestSignInSettings(t *testing.T) {
	t.Setenv("REMISS_ENV", "development")
	for _, k := range []string{"REMISS_OIDC_ISSUER", "REMISS_OIDC_CLIENT_ID", "REMISS_SAML_IDP_METADATA", "REMISS_IDP_MAPPING", "REMISS_LOGIN",
		"REMISS_SESSION_IDLE", "REMISS_SESSION_MAX", "REMISS_SAML_SP_KEY", "REMISS_SAML_SP_CERT"} {
		t.Setenv(k, "")
	}
	c, err := FromEnv()
	if err != nil || c.Login != "both" || c.SSO() || c.SessionIdle != time.Hour || c.SessionMax != 10*time.Hour {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	t.Setenv("REMISS_LOGIN", "sso")
	if _, err := FromEnv(); err == nil {
		t.Error("REMISS_LOGIN=sso without a provider accepted")
	}
	t.Setenv("REMISS_OIDC_ISSUER", "https://login.microsoftonline.com/x/v2.0")
	if _, err := FromEnv(); err == nil {
		t.Error("an issuer without a client ID accepted")
	}
	t.Setenv("REMISS_OIDC_CLIENT_ID", "remiss")
	if _, err := FromEnv(); err == nil {
		t.Error("SSO without REMISS_IDP_MAPPING accepted")
	}
	t.Setenv("REMISS_IDP_MAPPING", "/etc/remiss/idp.yaml")
	if c, err := FromEnv(); err != nil || !c.SSO() || c.Login != "sso" || c.OIDCName == "" {
		t.Errorf("OIDC with passwords off: %+v, %v", c, err)
	}
	t.Setenv("REMISS_LOGIN", "sometimes")
	if _, err := FromEnv(); err == nil {
		t.Error("REMISS_LOGIN=sometimes accepted")
	}
	t.Setenv("REMISS_LOGIN", "")
	t.Setenv("REMISS_SESSION_IDLE", "30m")
	t.Setenv("REMISS_SESSION_MAX", "8h")
	if c, err := FromEnv(); err != nil || c.SessionIdle != 30*time.Minute || c.SessionMax != 8*time.Hour {
		t.Errorf("session limits: %v %v, %v", c.SessionIdle, c.SessionMax, err)
	}
	for idle, max := range map[string]string{"9h": "8h", "10s": "8h", "soon": "8h", "30m": "0"} {
		t.Setenv("REMISS_SESSION_IDLE", idle)
		t.Setenv("REMISS_SESSION_MAX", max)
		if _, err := FromEnv(); err == nil {
			t.Errorf("REMISS_SESSION_IDLE=%s, REMISS_SESSION_MAX=%s accepted", idle, max)
		}
	}
}

func TestTemporalUIAddr(t *testing.T) {
	t.Setenv("REMISS_ENV", "development")
	for value, want := range map[string]string{"": "127.0.0.1:8233", "127.0.0.1:18233": "127.0.0.1:18233", "off": "off"} {
		t.Setenv("REMISS_TEMPORAL_UI_ADDR", value)
		c, err := FromEnv()
		if err != nil || c.TemporalUIAddr != want {
			t.Errorf("REMISS_TEMPORAL_UI_ADDR=%q: %q, %v", value, c.TemporalUIAddr, err)
		}
	}
	t.Setenv("REMISS_TEMPORAL_UI_ADDR", "8233")
	if _, err := FromEnv(); err == nil {
		t.Error("REMISS_TEMPORAL_UI_ADDR=8233 accepted")
	}
}

func TestTemporalCompression(t *testing.T) {
	t.Setenv("REMISS_ENV", "development")
	for value, gzip := range map[string]bool{"": false, "none": false, "gzip": true} {
		t.Setenv("TEMPORAL_GRPC_COMPRESSION", value)
		c, err := FromEnv()
		if err != nil || c.TemporalGzip != gzip {
			t.Fatalf("TEMPORAL_GRPC_COMPRESSION=%q: gzip %v, %v", value, c.TemporalGzip, err)
		}
		o, err := c.ClientOptions()
		if err != nil {
			t.Fatal(err)
		}
		_, isGzip := o.ConnectionOptions.GrpcCompression.(*client.GrpcCompressionGzip)
		_, isNone := o.ConnectionOptions.GrpcCompression.(*client.GrpcCompressionNone)
		if isGzip != gzip || isNone == gzip {
			t.Errorf("TEMPORAL_GRPC_COMPRESSION=%q: client compression %T", value, o.ConnectionOptions.GrpcCompression)
		}
	}
	t.Setenv("TEMPORAL_GRPC_COMPRESSION", "zstd")
	if _, err := FromEnv(); err == nil {
		t.Error("TEMPORAL_GRPC_COMPRESSION=zstd accepted")
	}
}
