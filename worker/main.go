// Command worker runs every remiss workflow and activity against a Temporal
// cluster and PostgreSQL named in the environment (see internal/config).
// Workers are stateless: run as many as the load needs.
package main

import (
	"context"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/mail"
	"github.com/remiss/remiss/internal/remissworker"
	"github.com/remiss/remiss/internal/store"
)

func main() {
	cfg, err := config.FromEnv()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.Database(), 30*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	c, err := client.Dial(cfg.ClientOptions())
	if err != nil {
		log.Fatalf("worker: temporal at %s: %v", cfg.TemporalAddress, err)
	}
	defer c.Close()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cfg.SMTPAddr != "" {
		sender := &mail.Sender{Store: st, SMTP: mail.FromConfig(cfg), BaseURL: cfg.BaseURL}
		go func() {
			if err := sender.Run(ctx, 2*time.Second); err != nil {
				log.Fatalf("worker: mail: %v", err)
			}
		}()
	} else {
		log.Printf("worker: SMTP_ADDR is not set: messages stay in the outbox unsent")
	}
	seals, err := demo.Keyring(cfg)
	if err != nil {
		log.Fatalf("worker: seals: %v", err)
	}
	w := remissworker.New(c, &activities.Activities{Store: st, BaseURL: cfg.BaseURL, Seals: seals, TSA: demo.TSA(cfg)}, worker.Options{})
	// Stop on the same signals; in-flight activities finish first.
	if err := w.Run(worker.InterruptCh()); err != nil {
		log.Fatal(err)
	}
}
