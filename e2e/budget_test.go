package e2e

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"snodo/web"
)

// jsBudget is the most JavaScript, gzipped, that the finder may load before it is used.
const jsBudget = 350 << 10

// finderLoad measures what the finder loads: the gzipped size of every script the page fetched
// (read from the embedded build and compressed here, as a gzip-serving proxy would send them),
// and the page's load times as the browser reports them.
func (a *app) finderLoad() (gzipped int, scripts []string, domReady, loaded float64) {
	a.t.Helper()
	names := eval[[]string](a, `performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('.js'))`)
	files := web.Files()
	for _, n := range names {
		u, err := url.Parse(n)
		if err != nil {
			a.t.Fatal(err)
		}
		b, err := fs.ReadFile(files, strings.TrimPrefix(u.Path, "/"))
		if err != nil {
			a.t.Fatalf("the page loaded %s, which is not in the build: %v", u.Path, err)
		}
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = w.Write(b)
		_ = w.Close()
		gzipped += buf.Len()
		scripts = append(scripts, u.Path)
	}
	domReady = eval[float64](a, `performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd`)
	loaded = eval[float64](a, `performance.getEntriesByType('navigation')[0].loadEventEnd`)
	return gzipped, scripts, domReady, loaded
}

// The finder's initial JavaScript stays within the budget, and cytoscape is not part of it.
func TestFinderBundleBudget(t *testing.T) {
	a := start(t)
	a.open("/finder")
	a.do(visible(`#finder-form input[data-code="housing"]`))
	size, scripts, domReady, loaded := a.finderLoad()
	t.Logf("finder: %d scripts, %.1f KB gzipped; DOMContentLoaded %.0f ms, load %.0f ms, need tree drawn by now", len(scripts), float64(size)/1024, domReady, loaded)
	if size > jsBudget {
		t.Errorf("the finder loads %d bytes of gzipped JavaScript, over the budget of %d: %v", size, jsBudget, scripts)
	}
	for _, s := range scripts {
		if strings.Contains(s, "cytoscape") {
			t.Errorf("the finder loads cytoscape (%s); only the case graph should", s)
		}
	}
	if len(scripts) == 0 {
		t.Error("the finder loaded no script: the measure measures nothing")
	}
}

// The finder pages its results: ten at first, the rest on demand, none twice.
func TestFinderPaging(t *testing.T) {
	a := start(t)
	a.open("/finder")
	a.pickZone(`#finder-form input[role=combobox]`, "Toscana")
	a.pickNeed("work")
	a.do(click("#finder-submit"), visible("#finder-more"))
	heading := a.text("#results-heading")
	first := eval[int](a, `document.querySelectorAll('#finder-cards article').length`)
	if first != 10 {
		t.Fatalf("the first page has %d cards, want 10 (%s)", first, heading)
	}
	a.do(click("#finder-more"), waitJS(`document.querySelectorAll('#finder-cards article').length > 10`))
	ids := eval[[]string](a, `[...document.querySelectorAll('#finder-cards article')].map(a => a.dataset.service)`)
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("the service %s is listed twice across pages", id)
		}
		seen[id] = true
	}
	if want := strings.TrimSuffix(heading, " servizi trovati"); want != strconv.Itoa(len(ids)) && len(ids) < 20 {
		t.Errorf("after paging %d cards, the heading says %q", len(ids), heading)
	}
	a.check("finder-paged")
}
