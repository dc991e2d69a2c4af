package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/remiss/remiss/internal/store"
)

// apiClient calls the JSON API of the web server at base.
type apiClient struct {
	base string
	http *http.Client
}

func newAPIClient(base string) *apiClient {
	return &apiClient{base: base, http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
}

func (c *apiClient) do(token, method, path string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// apiSessions makes an API session for the Coordinator and every user of
// orgs, by user name.
func apiSessions(ctx context.Context, st *store.Store, orgs []string) (map[string]string, error) {
	tokens := map[string]string{}
	for _, name := range append([]string{"ks.samordnare"}, users(orgs)...) {
		tok, _, err := st.CreateSession(ctx, name, "api", time.Hour)
		if err != nil {
			return nil, err
		}
		tokens[name] = tok
	}
	return tokens, nil
}

func users(orgs []string) []string {
	var out []string
	for _, o := range orgs {
		out = append(out, o+".registrator", o+".handlaggare", o+".chef")
	}
	return out
}

var webSessions = map[string]string{}

// webSession is a browser session of user, made once.
func webSession(ctx context.Context, st *store.Store, user string) (string, error) {
	if c, ok := webSessions[user]; ok {
		return c, nil
	}
	c, _, err := st.CreateSession(ctx, user, "web", time.Hour)
	webSessions[user] = c
	return c, err
}
