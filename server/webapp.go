package server

import (
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"snodo/model"
	"snodo/web"
)

// OIDC is the identity provider the web app signs users in with (authorization code + PKCE).
type OIDC struct {
	Issuer   string
	ClientID string
}

// appConfig is what the web app reads at start from /config.json.
type appConfig struct {
	DevSignIn bool       `json:"devSignIn"`
	OIDC      *oidcBlock `json:"oidc,omitempty"`
	// MapTiles is the URL template of the map's tiles (SNODO_MAP_TILES); absent, the app has no map.
	MapTiles string `json:"mapTiles,omitempty"`
}

type oidcBlock struct {
	Issuer   string `json:"issuer"`
	ClientID string `json:"clientId"`
}

// mountWebApp serves the web app at / (client-side routes fall back to index.html) and its
// settings at /config.json.
func mountWebApp(mux *http.ServeMux, files fs.FS, opt Options) {
	cfg := appConfig{DevSignIn: opt.DevSignIn != nil, MapTiles: opt.MapTiles}
	var connect, images []string
	if u, err := url.Parse(strings.ReplaceAll(opt.MapTiles, "{", "")); opt.MapTiles != "" && err == nil && u.Host != "" {
		images = append(images, u.Scheme+"://"+u.Host)
	}
	if opt.OIDC.Issuer != "" && opt.OIDC.ClientID != "" {
		cfg.OIDC = &oidcBlock{Issuer: opt.OIDC.Issuer, ClientID: opt.OIDC.ClientID}
		if u, err := url.Parse(opt.OIDC.Issuer); err == nil && u.Host != "" {
			connect = append(connect, u.Scheme+"://"+u.Host)
		}
	}
	mux.HandleFunc("GET /config.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, cfg)
	})
	// "/" for every method ("GET /" would conflict with "/graphql"); the app answers GET and HEAD.
	app := web.Handler(files, web.Options{ConnectSources: connect, ImageSources: images})
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, http.StatusMethodNotAllowed, errorBody("the web app answers GET", model.CodeBadRequest))
			return
		}
		app.ServeHTTP(w, r)
	}))
}
