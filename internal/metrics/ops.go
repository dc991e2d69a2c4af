package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
)

// Ops serves /healthz (the process lives), /readyz (its dependencies
// answer) and /metrics, for a worker or beside the web server.
func Ops(r *Registry, ready func(context.Context) error) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), 3*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			http.Error(w, "inte redo: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /metrics", r.Handler())
	return mux
}

// Ready is the readiness check of a process that needs PostgreSQL and
// Temporal: both must answer.
func Ready(db *sql.DB, c client.Client) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := db.PingContext(ctx); err != nil {
			return fmt.Errorf("PostgreSQL: %w", err)
		}
		if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
			//lint:ignore ST1005 begins with a product's name, which is capitalised
			return fmt.Errorf("Temporal: %w", err)
		}
		return nil
	}
}
