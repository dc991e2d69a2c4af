// Command remiss-dev starts the whole system on embedded defaults: a
// Temporal server in this process (SQLite under the data directory, on
// 127.0.0.1:7233 so the starter and the temporal CLI find it) with the
// Temporal Web UI on 127.0.0.1:8233, a PostgreSQL
// it finds or starts, the migrations, the demo organisations and users, and
// the worker. `make dev` runs it; Ctrl-C stops everything.
package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/devmail"
	"github.com/remiss/remiss/internal/devpg"
	"github.com/remiss/remiss/internal/events"
	"github.com/remiss/remiss/internal/httpserve"
	"github.com/remiss/remiss/internal/mail"
	"github.com/remiss/remiss/internal/metrics"
	"github.com/remiss/remiss/internal/remissworker"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/temporalserver"
	"github.com/remiss/remiss/internal/temporalui"
	"github.com/remiss/remiss/internal/web"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	// Every line, the log package's too, through the process's logger:
	// JSON in production, text in development (internal/logging).
	slog.SetDefault(cfg.Logger())
	if cfg.Production {
		return fmt.Errorf("remiss-dev is for development; in production run ./worker against your Temporal cluster")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	pg, err := devpg.Ensure(ctx, cfg.DatabaseURL, cfg.DataDir, "remiss", log.Printf)
	if err != nil {
		return err
	}
	defer pg.Stop()
	st, err := openStore(ctx, cfg, pg.URL)
	if err != nil {
		return err
	}
	defer st.Close()
	ts, err := startTemporal(cfg)
	if err != nil {
		return err
	}
	defer ts.Stop()
	if cfg.TemporalUIAddr != "off" {
		ui, err := temporalui.Start(temporalui.Config{Address: cfg.TemporalUIAddr, TemporalAddress: ts.Address(), Namespace: cfg.TemporalNamespace})
		if err != nil {
			return fmt.Errorf("%w (REMISS_TEMPORAL_UI_ADDR sets another address, or off)", err)
		}
		defer ui.Stop()
		log.Printf("Temporal UI: %s/namespaces/%s/workflows", ui.URL(), cfg.TemporalNamespace)
	}

	opts, err := cfg.ClientOptions()
	if err != nil {
		return err
	}
	reg := metrics.New(st.DB())
	opts.MetricsHandler = reg.SDK()
	c, err := client.Dial(opts)
	if err != nil {
		return err
	}
	defer c.Close()
	seals, w, err := startWorker(cfg, st, c, reg)
	if err != nil {
		return err
	}
	defer w.Stop()

	smtpCfg, catcher, err := mailTo(cfg)
	if err != nil {
		return err
	}
	if err := cfg.DevLinkKey(true); err != nil {
		return err
	}
	svc := rounds.New(st, c)
	svc.MaxExtension, svc.Roots, svc.LinkKey = cfg.MaxExtension, seals.Roots, cfg.LinkKey
	site := &web.Server{Store: st, Rounds: svc, Roots: seals.Roots}
	if err := site.Configure(ctx, cfg); err != nil {
		return err
	}
	if catcher != nil {
		defer catcher.Close()
		site.DevMail = catcher.Handler()
	}
	sender := &mail.Sender{Store: st, SMTP: smtpCfg, BaseURL: cfg.BaseURL, Sent: reg.MessagesSent.Inc, Journal: cfg.MailJournal, LinkKey: cfg.LinkKey}
	go sender.Run(ctx, time.Second)
	deliverer := &events.Deliverer{Store: st, BaseURL: cfg.BaseURL, AllowHTTP: cfg.WebhookAllowHTTP}
	go deliverer.Run(ctx, time.Second)
	public, ops := site.Servers(cfg.HTTPAddr, cfg.OpsAddr, metrics.Ops(reg, metrics.Ready(st.DB(), c)))
	serve(ctx, "Web", public, stop)
	serve(ctx, "Ops", ops, stop)
	log.Printf("Web: http://%s (log in as ks.samordnare, <org>.registrator, <org>.handlaggare or <org>.chef)", cfg.HTTPAddr)
	log.Printf("Ops: http://%s/readyz and /metrics", cfg.OpsAddr)
	log.Printf("Worker: running. Try: go run ./starter launch -f examples/smart-stad.yaml")
	<-ctx.Done()
	log.Printf("Stopping")
	return nil
}

// openStore opens the application's database at url, migrated, with the
// demo organisations and users loaded.
func openStore(ctx context.Context, cfg config.Config, url string) (*store.Store, error) {
	st, err := store.Open(ctx, url, 30*time.Second)
	if err != nil {
		return nil, err
	}
	st.SetMaxConns(cfg.DBMaxConns)
	// The web server here keeps the sessions it checks in memory, as
	// remiss-web does (issue 20).
	st.CacheSessions(0)
	password := os.Getenv("REMISS_DEMO_PASSWORD")
	if password == "" {
		password = "demo"
	}
	if err := demo.SeedWithPassword(ctx, st, password); err != nil {
		st.Close()
		return nil, err
	}
	log.Printf("PostgreSQL: migrated, demo organisations and users loaded (password from REMISS_DEMO_PASSWORD, default demo)")
	return st, nil
}

// startTemporal starts the Temporal server in this process, on SQLite under
// the data directory.
func startTemporal(cfg config.Config) (*temporalserver.Server, error) {
	ts, err := temporalserver.Start(temporalserver.Config{
		DatabaseFile: filepath.Join(cfg.DataDir, "temporal.db"),
		Address:      cfg.TemporalAddress,
		Namespaces:   []string{cfg.TemporalNamespace},
		LogLevel:     os.Getenv("TEMPORAL_LOG_LEVEL"),
	})
	if err != nil {
		return nil, err
	}
	log.Printf("Temporal: listening on %s, namespace %s", ts.Address(), cfg.TemporalNamespace)
	return ts, nil
}

// startWorker loads the seals and starts the worker.
func startWorker(cfg config.Config, st *store.Store, c client.Client, reg *metrics.Registry) (*sign.Keyring, worker.Worker, error) {
	seals, err := sign.FromConfig(cfg, demo.SealOrgs())
	if err != nil {
		return nil, nil, fmt.Errorf("seals: %w", err)
	}
	w := remissworker.New(c, &activities.Activities{Store: st, BaseURL: cfg.BaseURL, Seals: seals, TSA: sign.TSAFromConfig(cfg), Metrics: reg}, worker.Options{})
	if err := w.Start(); err != nil {
		return nil, nil, err
	}
	return seals, w, nil
}

// mailTo says where mail goes: to SMTP_ADDR when set, else to a catcher on
// loopback whose messages the web lists at /dev/mail; the catcher is nil
// when SMTP_ADDR is set.
func mailTo(cfg config.Config) (mail.SMTPConfig, *devmail.Catcher, error) {
	if cfg.SMTPAddr != "" {
		return mail.FromConfig(cfg), nil, nil
	}
	catcher, err := devmail.Start("127.0.0.1:2525")
	if err != nil {
		return mail.SMTPConfig{}, nil, fmt.Errorf("mail catcher: %w", err)
	}
	log.Printf("Mail: caught on smtp://%s, listed at http://%s/dev/mail", catcher.Addr(), cfg.HTTPAddr)
	return mail.SMTPConfig{Addr: catcher.Addr(), Security: "none", From: "Remiss (utveckling) <remiss@localhost>"}, catcher, nil
}

// serve runs srv until ctx ends; a failure to listen stops everything.
func serve(ctx context.Context, name string, srv *http.Server, stop func()) {
	go func() {
		if err := httpserve.Run(ctx, srv); err != nil {
			log.Printf("%s: %v", name, err)
			stop()
		}
	}()
}
