package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestOpsOnlyOnTheOpsAddress checks what a web process serves where: the
// metrics and the readiness with its reasons on the operations listener
// only, never on the public one (which keeps /healthz for a load
// balancer), and every listener with its timeouts.
func TestOpsOnlyOnTheOpsAddress(t *testing.T) {
	ops := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ops " + r.URL.Path)) })
	s := &Server{DevMail: http.NotFoundHandler()}
	public, private := s.Servers("127.0.0.1:8080", "127.0.0.1:9080", ops)
	get := func(srv *http.Server, path string) (int, string) {
		rec := httptest.NewRecorder()
		srv.Handler.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, rec.Body.String()
	}
	for _, path := range []string{"/metrics", "/readyz", "/metrics/", "/readyz?x=1"} {
		if code, body := get(public, path); code != http.StatusNotFound {
			t.Errorf("public %s: %d %q", path, code, body)
		}
	}
	if code, body := get(public, "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("public /healthz: %d %q", code, body)
	}
	for _, path := range []string{"/metrics", "/readyz", "/healthz"} {
		if code, body := get(private, path); code != 200 || body != "ops "+path {
			t.Errorf("ops %s: %d %q", path, code, body)
		}
	}
	if public.Addr != "127.0.0.1:8080" || private.Addr != "127.0.0.1:9080" {
		t.Errorf("addresses %s and %s", public.Addr, private.Addr)
	}
	for _, srv := range []*http.Server{public, private} {
		if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
			t.Errorf("%s: a timeout is missing", srv.Addr)
		}
	}
}
