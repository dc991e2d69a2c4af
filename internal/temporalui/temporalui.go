// Package temporalui serves the Temporal Web UI in this process, as
// `temporal server start-dev` does, for `make dev`: Temporal's own UI server
// (github.com/temporalio/ui-server/v2, which embeds the UI's assets) on a
// loopback address, pointed at the embedded Temporal server.
//
// The UI server's version is chosen against the server's API: v2.55.0
// requires go.temporal.io/api v1.63.5 and google.golang.org/grpc v1.83.2,
// the versions go.temporal.io/server v1.32.1 builds with (later releases
// move to go.temporal.io/api v1.64 and need a newer Go than go.mod's).
package temporalui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	"github.com/temporalio/ui-server/v2/server/server_options"
)

// Config says where the UI listens and which Temporal server it shows.
type Config struct {
	Address         string // host:port the UI listens on, e.g. 127.0.0.1:8233
	TemporalAddress string // the Temporal frontend's gRPC host:port
	Namespace       string // the namespace the UI opens on
}

// UI is a running Temporal Web UI.
type UI struct {
	srv  *uiserver.Server
	url  string
	done chan struct{}
}

// Start serves the UI and returns once it answers its health check. A
// taken address is an error (the UI server itself would exit the process).
func Start(cfg Config) (*UI, error) {
	host, portText, err := net.SplitHostPort(cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("temporal ui: address %q: %w", cfg.Address, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("temporal ui: address %q: give a port from 1 to 65535", cfg.Address)
	}
	// The UI server exits the whole process when it cannot listen, so the
	// address is tried first.
	l, err := net.Listen("tcp", cfg.Address)
	if err != nil {
		return nil, fmt.Errorf("temporal ui: %w", err)
	}
	l.Close()
	ns := cfg.Namespace
	if ns == "" {
		ns = "default"
	}
	uc := &uiconfig.Config{
		TemporalGRPCAddress: cfg.TemporalAddress,
		Host:                host,
		Port:                port,
		EnableUI:            true,
		DefaultNamespace:    ns,
		HideLogs:            true,
		DisableNewsFetch:    true,
		Distribution:        "remiss-dev",
		CORS:                uiconfig.CORS{CookieInsecure: true},
	}
	if err := uc.Validate(); err != nil {
		return nil, fmt.Errorf("temporal ui: %w", err)
	}
	u := &UI{
		srv:  uiserver.NewServer(server_options.WithConfigProvider(uc)),
		url:  "http://" + net.JoinHostPort(host, portText),
		done: make(chan struct{}),
	}
	go func() {
		defer close(u.done)
		u.srv.Start() // returns when stopped
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := u.await(ctx); err != nil {
		u.Stop()
		return nil, err
	}
	return u, nil
}

// await polls the UI server's health route until it answers.
func (u *UI) await(ctx context.Context) error {
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.url+"/healthz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = errors.New(resp.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("temporal ui: no answer on %s/healthz: %v", u.url, err)
		case <-u.done:
			return fmt.Errorf("temporal ui: stopped before it answered on %s", u.url)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// URL is where the UI answers, e.g. http://127.0.0.1:8233.
func (u *UI) URL() string { return u.url }

// Stop closes the UI server and waits for it to end.
func (u *UI) Stop() {
	u.srv.Stop()
	select {
	case <-u.done:
	case <-time.After(5 * time.Second):
	}
}
