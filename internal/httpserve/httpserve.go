// Package httpserve makes the HTTP servers the binaries run, each with
// bounds on how long a client may take, so a slow or idle client cannot
// hold a connection for ever.
package httpserve

import (
	"context"
	"net/http"
	"time"
)

// Timeouts bound one connection: the request's headers (ReadHeader), the
// whole request with its body (Read), the request and the response
// together (Write: it runs from the end of the headers, so it must be
// longer than Read) and the wait for the next request on a kept-alive
// connection (Idle).
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

// Web are the web server's and API's timeouts. A request may take two
// minutes with its body: a 20 MB upload (rounds.MaxUpload) then needs
// about 1.4 Mbit/s; the answer must be written within three minutes of
// the headers.
var Web = Timeouts{ReadHeader: 10 * time.Second, Read: 2 * time.Minute, Write: 3 * time.Minute, Idle: 2 * time.Minute}

// Ops are the timeouts of the operations server (/healthz, /readyz and
// /metrics): its requests have no body, and a scrape answers in seconds.
var Ops = Timeouts{ReadHeader: 5 * time.Second, Read: 10 * time.Second, Write: 30 * time.Second, Idle: time.Minute}

// New is a server for h on addr with the timeouts t.
func New(addr string, h http.Handler, t Timeouts) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read,
		WriteTimeout: t.Write, IdleTimeout: t.Idle}
}

// Run serves srv until ctx ends, then shuts it down, letting requests in
// flight finish for up to 20 seconds. It returns why it could not serve,
// or what the shutdown met.
func Run(ctx context.Context, srv *http.Server) error {
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe() }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
