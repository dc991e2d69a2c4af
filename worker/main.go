// Command worker runs every remiss workflow and activity against a Temporal
// cluster and PostgreSQL named in the environment (see internal/config).
// Workers are stateless: run as many as the load needs.
package main

import (
	"context"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/events"
	"github.com/remiss/remiss/internal/httpserve"
	"github.com/remiss/remiss/internal/mail"
	"github.com/remiss/remiss/internal/metrics"
	"github.com/remiss/remiss/internal/remissworker"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
)

func main() {
	cfg, err := config.FromEnv()
	if err != nil {
		log.Fatal(err)
	}
	// Every line, the log package's too, through the process's logger:
	// JSON in production, text in development (internal/logging).
	slog.SetDefault(cfg.Logger())
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.Database(), 30*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	st.SetMaxConns(cfg.DBMaxConns)
	defer st.Close()
	reg := metrics.New(st.DB())
	opts, err := cfg.ClientOptions()
	if err != nil {
		log.Fatal(err)
	}
	opts.MetricsHandler = reg.SDK()
	c, err := client.Dial(opts)
	if err != nil {
		log.Fatalf("worker: temporal at %s: %v", cfg.TemporalAddress, err)
	}
	defer c.Close()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ops := httpserve.New(cfg.OpsAddr, metrics.Ops(reg, metrics.Ready(st.DB(), c)), httpserve.Ops)
	go func() {
		if err := ops.ListenAndServe(); err != nil && err != http.ErrServerClosed {
			log.Printf("worker: ops server: %v", err)
		}
	}()
	defer ops.Close()
	if cfg.SMTPAddr != "" {
		sender := &mail.Sender{Store: st, SMTP: mail.FromConfig(cfg), BaseURL: cfg.BaseURL, Sent: reg.MessagesSent.Inc, Lease: cfg.MailLease, Journal: cfg.MailJournal, LinkKey: cfg.LinkKey}
		go func() {
			if err := sender.Run(ctx, 2*time.Second); err != nil {
				log.Fatalf("worker: mail: %v", err)
			}
		}()
	} else {
		log.Printf("worker: SMTP_ADDR is not set: messages stay in the outbox unsent")
	}
	// Events for diarium systems go to their webhooks from every worker;
	// leases keep the workers apart.
	deliverer := &events.Deliverer{Store: st, BaseURL: cfg.BaseURL, AllowHTTP: cfg.WebhookAllowHTTP}
	go deliverer.Run(ctx, 2*time.Second)
	seals, err := openSeals(ctx, cfg, st)
	if err != nil {
		log.Fatalf("worker: seals: %v", err)
	}
	w := remissworker.New(c, &activities.Activities{Store: st, BaseURL: cfg.BaseURL, Seals: seals, TSA: sign.TSAFromConfig(cfg), Metrics: reg}, worker.Options{WorkerStopTimeout: 30 * time.Second})
	// Stop on the same signals; in-flight activities finish first (the
	// worker waits up to WorkerStopTimeout), the rest are handed back.
	if err := w.Run(worker.InterruptCh()); err != nil {
		log.Fatal(err)
	}
}

// openSeals loads the organisations' seals from REMISS_SEAL_DIR; in
// development without it, the TEST seals under the data directory, made on
// first start for the organisations in the database.
func openSeals(ctx context.Context, cfg config.Config, st *store.Store) (*sign.Keyring, error) {
	if cfg.SealDir != "" {
		return sign.FromConfig(cfg, nil)
	}
	orgs, err := st.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	dev := make([]sign.DevOrg, len(orgs))
	for i, o := range orgs {
		dev[i] = sign.DevOrg{Code: o.Code, Name: o.Name}
	}
	return sign.FromConfig(cfg, dev)
}
