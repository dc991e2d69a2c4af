package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"time"

	_ "github.com/lib/pq"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"
	"google.golang.org/grpc"

	"github.com/remiss/remiss/activities"
	"github.com/remiss/remiss/internal/config"
	"github.com/remiss/remiss/internal/demo"
	"github.com/remiss/remiss/internal/remissworker"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
	"github.com/remiss/remiss/internal/temporalserver"
	"github.com/remiss/remiss/internal/web"
)

// target is what is measured: a web server, its Temporal and its database.
type target struct {
	st      *store.Store
	c       client.Client
	base    string
	closers []func()
	// rss reports the resident memory of the processes measured.
	rss func() string
}

func (t *target) close() {
	for i := len(t.closers) - 1; i >= 0; i-- {
		t.closers[i]()
	}
}

// external measures a running topology.
func external(ctx context.Context, base, temporalAddr, appDB string) (*target, error) {
	st, err := store.Open(ctx, appDB, 10*time.Second)
	if err != nil {
		return nil, err
	}
	c, err := client.Dial(client.Options{HostPort: temporalAddr, Logger: quietLogger(), ConnectionOptions: connection()})
	if err != nil {
		st.Close()
		return nil, err
	}
	return &target{st: st, c: c, base: base, closers: []func(){func() { st.Close() }, c.Close}, rss: processRSS}, nil
}

// connection is the Temporal client's connection as the Remiss processes
// make it (TEMPORAL_GRPC_COMPRESSION, none by default): the round's web
// and worker and the baseline share this client, so both are measured
// with it.
func connection() client.ConnectionOptions {
	return client.ConnectionOptions{GrpcCompression: config.GrpcCompression(os.Getenv("TEMPORAL_GRPC_COMPRESSION") == "gzip"),
		DialOptions: []grpc.DialOption{grpc.WithChainUnaryInterceptor(rpcs.interceptor)}}
}

func quietLogger() sdklog.Logger {
	return sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
}

// inProcess starts a Temporal server, a worker (with wftPollers workflow
// task pollers) and the web server in this process on a fresh database.
func inProcess(ctx context.Context, adminURL string, wftPollers int) (*target, error) {
	t := &target{rss: func() string { return "process (server, worker and web together): RSS " + rss("self") }}
	fail := func(err error) (*target, error) { t.close(); return nil, err }
	st, err := t.freshStore(ctx, adminURL)
	if err != nil {
		return fail(err)
	}
	if err := demo.Seed(ctx, st); err != nil {
		return fail(err)
	}
	dir, _ := os.MkdirTemp("", "loadgen")
	t.closers = append(t.closers, func() { os.RemoveAll(dir) })
	seals, err := demo.Seals(dir)
	if err != nil {
		return fail(err)
	}
	ts := temporaltest.NewServer(temporaltest.WithBaseClientOptions(client.Options{Logger: quietLogger(), ConnectionOptions: connection()}),
		temporaltest.WithBaseServerOptions(temporalserver.TestServerOption()))
	t.closers = append(t.closers, ts.Stop)
	t.c = ts.GetDefaultClient()
	w := remissworker.New(t.c, &activities.Activities{Store: st, BaseURL: "http://localhost", Seals: seals},
		worker.Options{MaxConcurrentActivityExecutionSize: 200, MaxConcurrentWorkflowTaskExecutionSize: 200, MaxConcurrentWorkflowTaskPollers: wftPollers})
	if err := w.Start(); err != nil {
		return fail(err)
	}
	t.closers = append(t.closers, w.Stop)
	// As remiss-web, the web server keeps the sessions it checks in memory.
	st.CacheSessions(0)
	svc := rounds.New(st, t.c)
	srv := httptest.NewServer((&web.Server{Store: st, Rounds: svc, Roots: seals.Roots, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	t.closers = append(t.closers, srv.Close)
	t.base = srv.URL
	return t, nil
}

// freshStore creates a database for this run on the PostgreSQL at
// adminURL, dropped at close, and opens it as t's store.
func (t *target) freshStore(ctx context.Context, adminURL string) (*store.Store, error) {
	dbName := fmt.Sprintf("remiss_load_%d", time.Now().Unix())
	adminDB, err := sql.Open("postgres", adminURL)
	if err != nil {
		return nil, err
	}
	if _, err := adminDB.Exec(`CREATE DATABASE ` + dbName); err != nil {
		return nil, err
	}
	t.closers = append(t.closers, func() { adminDB.Exec(`DROP DATABASE IF EXISTS ` + dbName + ` WITH (FORCE)`); adminDB.Close() })
	u, _ := url.Parse(adminURL)
	u.Path = "/" + dbName
	onlyDB = dbName
	st, err := store.Open(ctx, u.String(), 10*time.Second)
	if err != nil {
		return nil, err
	}
	t.st = st
	t.closers = append(t.closers, func() { st.Close() })
	return st, nil
}
