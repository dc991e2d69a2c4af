// Package config reads the settings every binary shares from the
// environment, once, into a struct that is passed down.
package config

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/remiss/remiss/internal/logging"
	"github.com/remiss/remiss/internal/remiss"
)

// Config is the runtime configuration.
type Config struct {
	TemporalAddress   string // TEMPORAL_ADDRESS, default 127.0.0.1:7233
	TemporalNamespace string // TEMPORAL_NAMESPACE, default "default"
	DatabaseURL       string // DATABASE_URL
	BaseURL           string // REMISS_BASE_URL, links in messages
	// AccessibilityStatement (REMISS_ACCESSIBILITY_STATEMENT) is a file
	// with the municipality's own tillgänglighetsredogörelse, in the
	// Markdown subset internal/web renders; empty: the default text.
	AccessibilityStatement string
	DataDir                string // REMISS_DATA_DIR, dev state (Temporal SQLite, private PostgreSQL)
	Production             bool   // REMISS_ENV=production: no demo data, no embedded services
	HTTPAddr               string // REMISS_HTTP_ADDR, the web server (dev: the mail catcher's pages)
	SealDir                string // REMISS_SEAL_DIR: <org>.pem and <org>-key.pem per organisation (dev: made under the data directory)
	TrustFile              string // REMISS_TRUST: PEM trust anchors for verification (default: ca.pem in the seal directory)
	SealPassword           string // REMISS_SEAL_PASSWORD: opens <org>.p12 seals
	TSAURL                 string // REMISS_TSA_URL: an RFC 3161 time-stamping authority; signatures become PAdES B-T

	// OpsAddr and WebOpsAddr (both REMISS_OPS_ADDR) are where a worker
	// (and make dev), and a web server, serve /healthz, /readyz and
	// /metrics: by default 127.0.0.1:9090 and 127.0.0.1:9080, so both run
	// side by side on one machine.
	OpsAddr, WebOpsAddr string
	// TemporalUIAddr (REMISS_TEMPORAL_UI_ADDR, default 127.0.0.1:8233;
	// "off" for none) is where `make dev` serves the Temporal Web UI.
	TemporalUIAddr string

	TemporalTLSCert   string // TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY: a client certificate (mTLS)
	TemporalTLSKey    string
	TemporalTLSCA     string // TEMPORAL_TLS_CA: the cluster's CA (PEM); any TLS setting turns TLS on
	TemporalTLSServer string // TEMPORAL_TLS_SERVER_NAME
	TemporalAPIKey    string // TEMPORAL_API_KEY (Temporal Cloud)
	// TemporalGzip (TEMPORAL_GRPC_COMPRESSION=gzip; default none) compresses
	// the gRPC requests to the cluster. Our workflows carry IDs, not
	// documents: their messages are small, and compressing them cost 6–9%
	// of an answer's processor time (web, worker and server together) in
	// cmd/loadgen's profiles while saving bandwidth nobody lacks on the
	// cluster's network. Worth it only over a slow link.
	TemporalGzip bool

	SMTPAddr     string // SMTP_ADDR host:port; empty: the worker sends no mail
	SMTPSecurity string // SMTP_SECURITY starttls (default), tls or none
	SMTPUsername string // SMTP_USERNAME, AUTH PLAIN when set
	SMTPPassword string // SMTP_PASSWORD
	SMTPFrom     string // SMTP_FROM, e.g. "Remiss <remiss@stockholm.se>"
	// MailLease (REMISS_MAIL_LEASE) is how long a sender holds a message it
	// claimed; one that dies holding it is resent after that (default 2m).
	MailLease time.Duration
	// MailJournal (REMISS_MAIL_JOURNAL, default <data dir>/mail-journal) is
	// the directory the workers' senders share to note the messages the
	// SMTP server accepted before the database has recorded them.
	MailJournal string
	// LinkKey (REMISS_LINK_KEY: at least 32 random bytes, hex or base64)
	// derives the personal links of outside bodies answering without an
	// account. The web and the worker need the same key. Without it a
	// launch naming outside bodies is refused; the dev command keeps one
	// in its data directory (DevLinkKey).
	LinkKey []byte
	// DBMaxConns (REMISS_DB_MAX_CONNS, default 10) bounds each process's
	// connections to PostgreSQL.
	DBMaxConns int
	// MaxExtension (REMISS_MAX_EXTENSION, whole days such as "365d";
	// default a year) is how far past a round's svarsdatum anstånd may
	// reach.
	MaxExtension time.Duration
	// LogLevel (REMISS_LOG_LEVEL: debug, info, warn or error; default info)
	// is the level of the Temporal client's and worker's log.
	LogLevel slog.Level

	// Signing in (issue 17). OIDC* (REMISS_OIDC_ISSUER, _CLIENT_ID,
	// _CLIENT_SECRET, _NAME for the button) turn OpenID Connect on;
	// SAMLIDPMetadata (REMISS_SAML_IDP_METADATA, a file or an https URL)
	// turns SAML on, with our key and certificate in REMISS_SAML_SP_KEY and
	// REMISS_SAML_SP_CERT (PEM files; optional). IDPMapping
	// (REMISS_IDP_MAPPING) is the YAML file that maps groups and claims to
	// organisation and role; either protocol needs it. SAMLName
	// (REMISS_SAML_NAME) names the SAML button.
	OIDCIssuer, OIDCClientID, OIDCClientSecret, OIDCName string
	SAMLIDPMetadata, SAMLSPKey, SAMLSPCert, SAMLName     string
	IDPMapping                                           string
	// Login (REMISS_LOGIN: password, sso or both) is how people sign in on
	// the pages; by default both (passwords, and SSO when configured).
	Login string
	// SessionIdle (REMISS_SESSION_IDLE, default 1h) ends a web session not
	// used for that long; SessionMax (REMISS_SESSION_MAX, default 10h)
	// ends every web session that long after it began.
	SessionIdle, SessionMax time.Duration
	// WebhookAllowHTTP (REMISS_WEBHOOK_ALLOW_HTTP=true) lets webhooks for
	// the events go to http:// addresses; by default only https://.
	WebhookAllowHTTP bool
}

// DefaultDatabaseURL is used when DATABASE_URL is unset: the local server the
// dev command finds or starts.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/remiss?sslmode=disable"

// FromEnv reads the configuration.
func FromEnv() (Config, error) {
	c := Config{
		TemporalAddress:        env("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		TemporalNamespace:      env("TEMPORAL_NAMESPACE", "default"),
		DatabaseURL:            os.Getenv("DATABASE_URL"),
		BaseURL:                strings.TrimRight(env("REMISS_BASE_URL", "http://localhost:8080"), "/"),
		AccessibilityStatement: os.Getenv("REMISS_ACCESSIBILITY_STATEMENT"),
		DataDir:                env("REMISS_DATA_DIR", "data"),
		HTTPAddr:               env("REMISS_HTTP_ADDR", "127.0.0.1:8080"),
		SealDir:                os.Getenv("REMISS_SEAL_DIR"),
		TrustFile:              os.Getenv("REMISS_TRUST"),
		TSAURL:                 os.Getenv("REMISS_TSA_URL"),
		SealPassword:           os.Getenv("REMISS_SEAL_PASSWORD"),
		OpsAddr:                env("REMISS_OPS_ADDR", "127.0.0.1:9090"),
		WebOpsAddr:             env("REMISS_OPS_ADDR", "127.0.0.1:9080"),
		TemporalUIAddr:         env("REMISS_TEMPORAL_UI_ADDR", "127.0.0.1:8233"),
		TemporalTLSCert:        os.Getenv("TEMPORAL_TLS_CERT"),
		TemporalTLSKey:         os.Getenv("TEMPORAL_TLS_KEY"),
		TemporalTLSCA:          os.Getenv("TEMPORAL_TLS_CA"),
		TemporalTLSServer:      os.Getenv("TEMPORAL_TLS_SERVER_NAME"),
		TemporalAPIKey:         os.Getenv("TEMPORAL_API_KEY"),
		SMTPAddr:               os.Getenv("SMTP_ADDR"),
		SMTPSecurity:           env("SMTP_SECURITY", "starttls"),
		SMTPUsername:           os.Getenv("SMTP_USERNAME"),
		SMTPPassword:           os.Getenv("SMTP_PASSWORD"),
		SMTPFrom:               env("SMTP_FROM", "Remiss <remiss@localhost>"),
	}
	if v := os.Getenv("REMISS_MAIL_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("config: REMISS_MAIL_LEASE=%q: a duration such as 2m", v)
		}
		c.MailLease = d
	}
	switch v := os.Getenv("REMISS_WEBHOOK_ALLOW_HTTP"); v {
	case "", "false", "0":
	case "true", "1":
		c.WebhookAllowHTTP = true
	default:
		return c, fmt.Errorf("config: REMISS_WEBHOOK_ALLOW_HTTP=%q: true or false", v)
	}
	c.MailJournal = env("REMISS_MAIL_JOURNAL", filepath.Join(c.DataDir, "mail-journal"))
	if v := os.Getenv("REMISS_LINK_KEY"); v != "" {
		k, err := decodeKey(v)
		if err != nil {
			return c, fmt.Errorf("config: REMISS_LINK_KEY: %w", err)
		}
		c.LinkKey = k
	}
	c.DBMaxConns = 10
	if v := os.Getenv("REMISS_DB_MAX_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return c, fmt.Errorf("config: REMISS_DB_MAX_CONNS=%q: a number from 1 to 1000", v)
		}
		c.DBMaxConns = n
	}
	switch v := env("TEMPORAL_GRPC_COMPRESSION", "none"); v {
	case "none":
	case "gzip":
		c.TemporalGzip = true
	default:
		return c, fmt.Errorf("config: TEMPORAL_GRPC_COMPRESSION=%q: use none or gzip", v)
	}
	maxExt, err := maxExtension(os.Getenv("REMISS_MAX_EXTENSION"))
	if err != nil {
		return c, err
	}
	c.MaxExtension = maxExt
	if err := c.LogLevel.UnmarshalText([]byte(env("REMISS_LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("config: REMISS_LOG_LEVEL=%q: use debug, info, warn or error", os.Getenv("REMISS_LOG_LEVEL"))
	}
	if c.TemporalUIAddr != "off" {
		if _, port, err := net.SplitHostPort(c.TemporalUIAddr); err != nil || port == "" {
			return c, fmt.Errorf("config: REMISS_TEMPORAL_UI_ADDR=%q: use host:port, such as 127.0.0.1:8233, or off", c.TemporalUIAddr)
		}
	}
	if err := c.signIn(); err != nil {
		return c, err
	}
	switch e := env("REMISS_ENV", "development"); e {
	case "production":
		c.Production = true
		if c.DatabaseURL == "" {
			return c, fmt.Errorf("config: DATABASE_URL must be set in production")
		}
		if c.SealDir == "" {
			return c, fmt.Errorf("config: REMISS_SEAL_DIR must name the organisations' seals in production")
		}
	case "development":
	default:
		return c, fmt.Errorf("config: REMISS_ENV=%q: use development or production", e)
	}
	return c, nil
}

// Database is DATABASE_URL or the development default.
func (c Config) Database() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return DefaultDatabaseURL
}

// ClientOptions are the Temporal client settings: address, namespace, the
// requests' compression, and TLS with a client certificate or an API key
// when configured.
func (c Config) ClientOptions() (client.Options, error) {
	o := client.Options{HostPort: c.TemporalAddress, Namespace: c.TemporalNamespace,
		// The SDK's own logger writes every command at debug level.
		Logger:            sdklog.NewStructuredLogger(c.Logger()),
		ConnectionOptions: client.ConnectionOptions{GrpcCompression: GrpcCompression(c.TemporalGzip)}}
	if c.TemporalTLSCert != "" || c.TemporalTLSCA != "" || c.TemporalTLSServer != "" || c.TemporalAPIKey != "" {
		t := &tls.Config{ServerName: c.TemporalTLSServer, MinVersion: tls.VersionTLS12}
		if c.TemporalTLSCert != "" {
			cert, err := tls.LoadX509KeyPair(c.TemporalTLSCert, c.TemporalTLSKey)
			if err != nil {
				return o, fmt.Errorf("config: TEMPORAL_TLS_CERT/KEY: %w", err)
			}
			t.Certificates = []tls.Certificate{cert}
		}
		if c.TemporalTLSCA != "" {
			pem, err := os.ReadFile(c.TemporalTLSCA)
			if err != nil {
				return o, fmt.Errorf("config: TEMPORAL_TLS_CA: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return o, fmt.Errorf("config: TEMPORAL_TLS_CA: no certificate in %s", c.TemporalTLSCA)
			}
			t.RootCAs = pool
		}
		o.ConnectionOptions.TLS = t
	}
	if c.TemporalAPIKey != "" {
		o.Credentials = client.NewAPIKeyStaticCredentials(c.TemporalAPIKey)
	}
	return o, nil
}

// GrpcCompression is the Temporal client's compression of its requests:
// gzip, or none (see TemporalGzip).
func GrpcCompression(gzip bool) client.GrpcCompression {
	if gzip {
		return &client.GrpcCompressionGzip{}
	}
	return &client.GrpcCompressionNone{}
}

// Logger is the process's logger (internal/logging): JSON lines on
// standard error in production, text in development, at LogLevel.
func (c Config) Logger() *slog.Logger {
	return logging.New(os.Stderr, c.Production, c.LogLevel)
}

// maxExtension reads REMISS_MAX_EXTENSION: a number of days from 1 to
// 3650, written "365d"; empty is a year.
func maxExtension(v string) (time.Duration, error) {
	if v == "" {
		return 365 * 24 * time.Hour, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, "d"))
	if err != nil || !strings.HasSuffix(v, "d") || n < 1 || n > 3650 {
		return 0, fmt.Errorf("config: REMISS_MAX_EXTENSION=%q: a number of days from 1d to 3650d, such as 365d", v)
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// TrustPath is where verification finds its trust anchors: REMISS_TRUST, or
// ca.pem in the seal directory (dev: under the data directory).
func (c Config) TrustPath() string {
	switch {
	case c.TrustFile != "":
		return c.TrustFile
	case c.SealDir != "":
		return filepath.Join(c.SealDir, "ca.pem")
	}
	return filepath.Join(c.DataDir, "seals", "ca.pem")
}

// SSO says whether a single sign-on protocol is configured.
func (c Config) SSO() bool { return c.OIDCIssuer != "" || c.SAMLIDPMetadata != "" }

// signIn reads the settings of signing in.
func (c *Config) signIn() error {
	c.OIDCIssuer = os.Getenv("REMISS_OIDC_ISSUER")
	c.OIDCClientID = os.Getenv("REMISS_OIDC_CLIENT_ID")
	c.OIDCClientSecret = os.Getenv("REMISS_OIDC_CLIENT_SECRET")
	c.OIDCName = env("REMISS_OIDC_NAME", "kommunens inloggning")
	c.SAMLIDPMetadata = os.Getenv("REMISS_SAML_IDP_METADATA")
	c.SAMLName = env("REMISS_SAML_NAME", "kommunens inloggning (SAML)")
	c.SAMLSPKey, c.SAMLSPCert = os.Getenv("REMISS_SAML_SP_KEY"), os.Getenv("REMISS_SAML_SP_CERT")
	c.IDPMapping = os.Getenv("REMISS_IDP_MAPPING")
	c.Login = env("REMISS_LOGIN", "both")
	if c.OIDCIssuer != "" && c.OIDCClientID == "" {
		return fmt.Errorf("config: REMISS_OIDC_ISSUER is set: REMISS_OIDC_CLIENT_ID must be set too")
	}
	if (c.SAMLSPKey == "") != (c.SAMLSPCert == "") {
		return fmt.Errorf("config: REMISS_SAML_SP_KEY and REMISS_SAML_SP_CERT go together")
	}
	if c.SSO() && c.IDPMapping == "" {
		return fmt.Errorf("config: single sign-on is configured: REMISS_IDP_MAPPING must name the mapping file")
	}
	switch c.Login {
	case "password", "both":
	case "sso":
		if !c.SSO() {
			return fmt.Errorf("config: REMISS_LOGIN=sso needs REMISS_OIDC_ISSUER or REMISS_SAML_IDP_METADATA")
		}
	default:
		return fmt.Errorf("config: REMISS_LOGIN=%q: use password, sso or both", c.Login)
	}
	var err error
	if c.SessionIdle, err = duration("REMISS_SESSION_IDLE", time.Hour); err != nil {
		return err
	}
	if c.SessionMax, err = duration("REMISS_SESSION_MAX", 10*time.Hour); err != nil {
		return err
	}
	if c.SessionIdle > c.SessionMax {
		return fmt.Errorf("config: REMISS_SESSION_IDLE (%s) is longer than REMISS_SESSION_MAX (%s)", c.SessionIdle, c.SessionMax)
	}
	return nil
}

// duration reads a positive duration such as 30m or 8h, def when unset.
func duration(key string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Minute || d > 30*24*time.Hour {
		return 0, fmt.Errorf("config: %s=%q: a duration from 1m to 720h, such as 30m or 8h", key, v)
	}
	return d, nil
}

// decodeKey reads a key written in hex or base64 of at least
// remiss.LinkKeySize bytes.
func decodeKey(v string) ([]byte, error) {
	v = strings.TrimSpace(v)
	k, err := hex.DecodeString(v)
	if err != nil {
		if k, err = base64.StdEncoding.DecodeString(v); err != nil {
			if k, err = base64.RawURLEncoding.DecodeString(v); err != nil {
				return nil, errors.New("not hex or base64")
			}
		}
	}
	if len(k) < remiss.LinkKeySize {
		return nil, fmt.Errorf("%d bytes; at least %d random bytes are needed (openssl rand -hex 32)", len(k), remiss.LinkKeySize)
	}
	return k, nil
}

// DevLinkKey is the dev command's key for personal links when
// REMISS_LINK_KEY is not set: made once (when create is set), kept in the
// data directory so a link mailed before a restart still opens. The
// starter reads it but never makes one: a key of its own would make links
// the running system cannot open.
func (c *Config) DevLinkKey(create bool) error {
	if len(c.LinkKey) > 0 {
		return nil
	}
	path := filepath.Join(c.DataDir, "link-key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := decodeKey(string(b))
		if err != nil {
			return fmt.Errorf("config: %s: %w", path, err)
		}
		c.LinkKey = k
		return nil
	}
	if !create {
		return nil
	}
	k := make([]byte, remiss.LinkKeySize)
	if _, err := rand.Read(k); err != nil {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return err
	}
	c.LinkKey = k
	return nil
}
