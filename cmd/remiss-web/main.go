// Command remiss-web serves the web pages and the JSON API against a
// Temporal cluster and PostgreSQL named in the environment (see
// internal/config). Run several behind a load balancer; they keep no state.
package main

import (
	"context"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/httpserve"
	"github.com/remiss/remiss/internal/metrics"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/sign"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/web"
)

func main() {
	cfg, err := config.FromEnv()
	if err != nil {
		log.Fatal(err)
	}
	// Every line, the log package's too, through the process's logger:
	// JSON in production, text in development (internal/logging).
	slog.SetDefault(cfg.Logger())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := store.Open(ctx, cfg.Database(), 30*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	st.SetMaxConns(cfg.DBMaxConns)
	// Sessions checked are kept in memory, forgotten when any replica ends
	// them (issue 20); Close stops the cache's listener.
	st.CacheSessions(0)
	defer st.Close()
	opts, err := cfg.ClientOptions()
	if err != nil {
		log.Fatal(err)
	}
	reg := metrics.New(st.DB())
	opts.MetricsHandler = reg.SDK()
	c, err := client.Dial(opts)
	if err != nil {
		log.Fatalf("web: temporal at %s: %v", cfg.TemporalAddress, err)
	}
	defer c.Close()
	roots, err := sign.LoadRoots(cfg.TrustPath())
	if err != nil {
		log.Fatalf("web: %v", err)
	}
	svc := rounds.New(st, c)
	svc.MaxExtension, svc.Roots, svc.LinkKey = cfg.MaxExtension, roots, cfg.LinkKey
	site := &web.Server{Store: st, Rounds: svc, Roots: roots, SecureCookies: cfg.Production}
	if err := site.Configure(ctx, cfg); err != nil {
		log.Fatalf("web: %v", err)
	}
	public, ops := site.Servers(cfg.HTTPAddr, cfg.WebOpsAddr, metrics.Ops(reg, metrics.Ready(st.DB(), c)))
	go func() {
		if err := httpserve.Run(ctx, ops); err != nil {
			log.Printf("web: ops server: %v", err)
		}
	}()
	log.Printf("web: listening on %s; /readyz and /metrics on %s", cfg.HTTPAddr, cfg.WebOpsAddr)
	if err := httpserve.Run(ctx, public); err != nil {
		log.Fatal(err)
	}
}
