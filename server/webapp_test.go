package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/server"
)

// app is a built web app as Vite leaves it: index.html and hashed assets.
var app = fstest.MapFS{
	"index.html":              {Data: []byte(`<!doctype html><html><script type="module" src="/assets/index-abc123.js"></script><div id="app"></div></html>`)},
	"assets/index-abc123.js":  {Data: []byte(`console.log("app")`)},
	"assets/index-abc123.css": {Data: []byte(`body{}`)},
	".keep":                   {Data: nil},
	"graphiql.html":           {Data: []byte(`<!doctype html><html><script type="module" src="/assets/graphiql-abc123.js"></script><div id="graphiql"></div></html>`)},
}

func webHandler(t *testing.T, opt server.Options) http.Handler {
	t.Helper()
	e := testenv.Open(t)
	if opt.App == nil {
		opt.App = app
	}
	return e.HandlerWith(opt)
}

func TestWebAppRoutesFallBackToIndex(t *testing.T) {
	h := webHandler(t, server.Options{})
	for _, path := range []string{"/", "/finder?zone=x", "/cases/Q2FzZTox", "/services/abc"} {
		a := get(h, path)
		if a.status != http.StatusOK || !bytes.Contains(a.body, []byte(`<div id="app">`)) {
			t.Errorf("GET %s: status %d, body %.80s; want index.html", path, a.status, a.body)
		}
		if cc := a.header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache (index.html names the current assets)", path, cc)
		}
		csp := a.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: the CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("GET %s: the CSP allows inline or eval: %q", path, csp)
		}
	}
}

func TestWebAppAssetsAreLongCached(t *testing.T) {
	h := webHandler(t, server.Options{})
	a := get(h, "/assets/index-abc123.js")
	if a.status != http.StatusOK || string(a.body) != `console.log("app")` {
		t.Fatalf("GET the asset: status %d, %q", a.status, a.body)
	}
	if cc := a.header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("a hashed asset has Cache-Control %q", cc)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("a script has Content-Type %q", ct)
	}
	if a := get(h, "/assets/missing-000.js"); a.status != http.StatusNotFound {
		t.Errorf("a missing asset answers %d, want 404 (not the app)", a.status)
	}
	if a := get(h, "/.keep"); bytes.Contains(a.body, []byte("keep")) || a.status != http.StatusOK || !bytes.Contains(a.body, []byte(`id="app"`)) {
		t.Errorf("GET /.keep: status %d %.60s, want the app, not the dot file", a.status, a.body)
	}
	req := httptest.NewRequest(http.MethodPost, "/finder", nil)
	if a := serve(h, req); a.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /finder: status %d, want 405", a.status)
	}
}

func TestWebAppNotBuiltSaysHow(t *testing.T) {
	h := webHandler(t, server.Options{App: fstest.MapFS{".keep": {}}})
	a := get(h, "/finder")
	if a.status != http.StatusServiceUnavailable || !bytes.Contains(a.body, []byte("make build")) {
		t.Errorf("without a build: status %d, %.120s", a.status, a.body)
	}
	if a := post(h, `{"query":"{ __typename }"}`); a.status != http.StatusOK {
		t.Errorf("the API answers %d without the app", a.status)
	}
}

func TestWebAppConfigAndGraphiQL(t *testing.T) {
	h := webHandler(t, server.Options{OIDC: server.OIDC{Issuer: "https://id.example.org/realms/snodo", ClientID: "snodo-web"}})
	a := get(h, "/config.json")
	var cfg struct {
		DevSignIn bool `json:"devSignIn"`
		OIDC      struct {
			Issuer, ClientID string
		} `json:"oidc"`
	}
	if err := json.Unmarshal(a.body, &cfg); err != nil || a.status != http.StatusOK {
		t.Fatalf("GET /config.json: %d %s", a.status, a.body)
	}
	if cfg.DevSignIn || cfg.OIDC.Issuer != "https://id.example.org/realms/snodo" || cfg.OIDC.ClientID != "snodo-web" {
		t.Errorf("config.json is %+v", cfg)
	}
	if csp := get(h, "/").header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' https://id.example.org;") {
		t.Errorf("the CSP does not let the app reach the issuer: %q", csp)
	}
	if a := get(h, "/graphiql"); a.status != http.StatusOK || !bytes.Contains(a.body, []byte(`id="graphiql"`)) {
		t.Errorf("GET /graphiql: status %d", a.status)
	}
}

// The map's tiles: the template reaches the app in /config.json and its origin the images the
// app's policy allows; without it, neither.
func TestWebAppMapTiles(t *testing.T) {
	h := webHandler(t, server.Options{MapTiles: "https://tiles.example.org:8443/osm/{z}/{x}/{y}.png"})
	if a := get(h, "/config.json"); !bytes.Contains(a.body, []byte(`"mapTiles":"https://tiles.example.org:8443/osm/{z}/{x}/{y}.png"`)) {
		t.Errorf("config.json: %s", a.body)
	}
	if csp := get(h, "/").header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://tiles.example.org:8443;") {
		t.Errorf("the CSP does not let the app load the tiles: %q", csp)
	}
	off := webHandler(t, server.Options{})
	if a := get(off, "/config.json"); bytes.Contains(a.body, []byte("mapTiles")) {
		t.Errorf("config.json without tiles: %s", a.body)
	}
	if csp := get(off, "/").header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data:;") {
		t.Errorf("without tiles the CSP allows other images: %q", csp)
	}
}

func TestDevSignInOnlyWhenEnabled(t *testing.T) {
	off := webHandler(t, server.Options{})
	if a := get(off, "/dev/identities"); a.status == http.StatusOK && bytes.HasPrefix(bytes.TrimSpace(a.body), []byte("[")) {
		t.Errorf("without DevSignIn, /dev/identities lists identities: %s", a.body)
	}
	req := httptest.NewRequest(http.MethodPost, "/dev/token", strings.NewReader(`{"identity":"admin"}`))
	if a := serve(off, req); bytes.Contains(a.body, []byte("token")) {
		t.Errorf("without DevSignIn, /dev/token minted a token: %s", a.body)
	}

	on := webHandler(t, server.Options{DevSignIn: &server.DevSignIn{Secret: testenv.Secret, Issuer: testenv.Issuer}})
	var ids []struct{ Key, Role string }
	if err := json.Unmarshal(get(on, "/dev/identities").body, &ids); err != nil || len(ids) < 6 {
		t.Fatalf("the dev identities: %v %v", ids, err)
	}
	roles := map[string]bool{}
	for _, id := range ids {
		roles[id.Role] = true
	}
	for _, r := range auth.Roles {
		if !roles[string(r)] {
			t.Errorf("no demo identity has the role %s", r)
		}
	}
	a := serve(on, httptest.NewRequest(http.MethodPost, "/dev/token", strings.NewReader(`{"identity":"operator-sai-follonica"}`)))
	var tok struct{ Token string }
	if err := json.Unmarshal(a.body, &tok); err != nil || tok.Token == "" {
		t.Fatalf("POST /dev/token: %d %s", a.status, a.body)
	}
	v, err := testenv.Verifier().Verify(tok.Token)
	if err != nil || v.Role != auth.ServiceOperator || v.ActorID == "" {
		t.Errorf("the minted token names %+v (%v), want the shelter's operator", v, err)
	}
	if a := serve(on, httptest.NewRequest(http.MethodPost, "/dev/token", strings.NewReader(`{"identity":"nobody"}`))); a.status != http.StatusNotFound {
		t.Errorf("an unknown identity: status %d", a.status)
	}
	if cfg := get(on, "/config.json"); !bytes.Contains(cfg.body, []byte(`"devSignIn":true`)) {
		t.Errorf("config.json with dev sign-in: %s", cfg.body)
	}
}
