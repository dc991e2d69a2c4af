package web

import (
	"net/http"

	"github.com/remiss/remiss/internal/httpserve"
)

// Servers are a web process's two listeners: the public one on addr (the
// pages, the API and /healthz, for a load balancer) and the operations one
// on opsAddr with ops (metrics.Ops: /healthz, /readyz with its reasons and
// /metrics), which must not be reachable from outside. Each has the
// timeouts of package httpserve.
func (s *Server) Servers(addr, opsAddr string, ops http.Handler) (public, private *http.Server) {
	return httpserve.New(addr, s.Handler(), httpserve.Web), httpserve.New(opsAddr, ops, httpserve.Ops)
}
