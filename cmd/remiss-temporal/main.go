// Command remiss-temporal runs a Temporal server (all four services) on
// PostgreSQL persistence, setting up its schema with Temporal's SQL tool:
// the production persistence without containers, for `make prod-local` and
// the tests of that topology. A real cluster runs Temporal's own images.
package main

import (
	"log"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/remiss/remiss/internal/temporalserver"
)

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// pprofPort is TEMPORAL_PPROF_PORT: where Go's profiler is served (0: not).
func pprofPort() int {
	p, err := strconv.Atoi(os.Getenv("TEMPORAL_PPROF_PORT"))
	if err != nil || p < 0 || p > 65535 {
		return 0
	}
	return p
}

func main() {
	ts, err := temporalserver.Start(temporalserver.Config{
		Address:    env("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		Namespaces: []string{env("TEMPORAL_NAMESPACE", "default")},
		LogLevel:   os.Getenv("TEMPORAL_LOG_LEVEL"),
		PProfPort:  pprofPort(),
		Postgres: &temporalserver.Postgres{
			Addr:       env("TEMPORAL_DB_ADDR", "127.0.0.1:5432"),
			User:       env("TEMPORAL_DB_USER", "postgres"),
			Password:   os.Getenv("TEMPORAL_DB_PASSWORD"),
			Database:   env("TEMPORAL_DB_NAME", "temporal"),
			Visibility: env("TEMPORAL_DB_VISIBILITY", "temporal_visibility"),
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("temporal: listening on %s, state in PostgreSQL", ts.Address())
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	ts.Stop()
}
