package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/remiss/remiss/internal/dbtest"
	"github.com/remiss/remiss/internal/rounds"
	"github.com/remiss/remiss/internal/store"
)

// testSite is the web on a fresh database with the demo organisations
// and users, without Temporal: the requests these tests make are answered
// (or refused) before any workflow is asked.
type testSite struct {
	t     *testing.T
	store *store.Store
	h     http.Handler
}

func newTestSite(t *testing.T) *testSite {
	t.Helper()
	st := dbtest.OpenSeeded(t)
	s := &Server{Store: st, Rounds: rounds.New(st, nil), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return &testSite{t: t, store: st, h: s.Handler()}
}

// session logs user in on the pages: the session cookie and its CSRF token.
func (ts *testSite) session(user string) (*http.Cookie, string) {
	ts.t.Helper()
	id, sess, err := ts.store.CreateSession(context.Background(), user, "web", time.Hour)
	if err != nil {
		ts.t.Fatal(err)
	}
	return &http.Cookie{Name: sessionCookie, Value: id}, sess.CSRF
}

// token logs user in on the API.
func (ts *testSite) token(user string) string {
	ts.t.Helper()
	id, _, err := ts.store.CreateSession(context.Background(), user, "api", time.Hour)
	if err != nil {
		ts.t.Fatal(err)
	}
	return id
}

// do serves r and returns the status, the body and the headers.
func (ts *testSite) do(r *http.Request) (int, string, http.Header) {
	ts.t.Helper()
	rec := httptest.NewRecorder()
	ts.h.ServeHTTP(rec, r)
	return rec.Code, rec.Body.String(), rec.Header()
}

// request is a request with a body of content type ctype, a cookie and a
// bearer token (each when not empty).
func request(method, target, ctype, body string, cookie *http.Cookie, token string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	if cookie != nil {
		r.AddCookie(cookie)
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return r
}
