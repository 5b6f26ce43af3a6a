// Package web holds Snodo's web application: its TypeScript sources (built by Vite into dist/)
// and the handler that serves the built files from the binary.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// dist is the Vite build. It always holds dist/.keep, so the Go build works before npm has run;
// the app is then missing and Handler serves a page that says how to build it.
//
//go:embed all:dist
var dist embed.FS

// Files returns the built app, rooted at dist/.
func Files() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist/ is embedded by the directive above
	}
	return sub
}

// Built reports whether the app was built (dist/index.html exists) when the binary was.
func Built(files fs.FS) bool {
	_, err := fs.Stat(files, "index.html")
	return err == nil
}

// Options are the settings of the app's handler.
type Options struct {
	// ConnectSources are origins the app may call besides its own, such as the OIDC issuer's.
	ConnectSources []string
	// ImageSources are origins the app may load images from besides its own, such as the map's
	// tile server.
	ImageSources []string
}

// ContentSecurityPolicy is the policy of every page of the app: scripts, styles, fonts and
// images from the app's own origin only, no inline scripts, no framing.
func ContentSecurityPolicy(connect []string) string {
	c := strings.Join(append([]string{"'self'"}, connect...), " ")
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
		"connect-src " + c + "; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
}

// Handler serves the app from files: hashed assets under /assets/ with a year's cache, other
// files as they are, and every other path (a client-side route) as index.html, never cached.
func Handler(files fs.FS, opt Options) http.Handler {
	csp := ContentSecurityPolicy(opt.ConnectSources)
	if len(opt.ImageSources) > 0 {
		csp = strings.Replace(csp, "img-src 'self' data:", "img-src 'self' data: "+strings.Join(opt.ImageSources, " "), 1)
	}
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if !Built(files) {
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(notBuilt))
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if strings.HasPrefix(name, "assets/") {
			if _, err := fs.Stat(files, name); err != nil {
				http.NotFound(w, r) // a missing asset is a 404, not the app
				return
			}
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
			fileServer.ServeHTTP(w, r)
			return
		}
		if info, err := fs.Stat(files, name); err == nil && !info.IsDir() && name != "index.html" && !strings.HasPrefix(name, ".") {
			h.Set("Cache-Control", "no-cache")
			fileServer.ServeHTTP(w, r)
			return
		}
		h.Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, indexOnly(r), files, "index.html")
	})
}

// indexOnly is the request for index.html itself: ServeFileFS would redirect a request whose
// path ends in /index.html, and the app's routes must keep their own path.
func indexOnly(r *http.Request) *http.Request {
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/"
	return r2
}

const notBuilt = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Snodo</title>
<h1>The web application is not built</h1>
<p>This binary was built without it: run <code>make build</code> (it runs npm ci and the Vite
build, then embeds web/dist). The GraphQL API is at <code>/graphql</code>.</p></html>
`

// GraphiQL serves GraphiQL, built with the app (graphiql.html and its assets under /assets/,
// which Handler serves). Its policy allows inline styles, which its editor sets on elements,
// and data: fonts, which its stylesheet carries; scripts still come from the app's origin only.
func GraphiQL(files fs.FS) http.Handler {
	csp := strings.Replace(ContentSecurityPolicy(nil), "style-src 'self'", "style-src 'self' 'unsafe-inline'", 1)
	csp = strings.Replace(csp, "font-src 'self'", "font-src 'self' data:", 1) // its stylesheet inlines its fonts
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		page, err := fs.ReadFile(files, "graphiql.html")
		if err != nil {
			h.Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(notBuilt))
			return
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
}
