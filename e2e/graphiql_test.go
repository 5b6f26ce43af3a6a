package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// GraphiQL is built with the app and loads without a CDN: it renders, asks the API for the
// schema, and fetches nothing from another origin (the machine has no internet, and neither
// has a network that keeps Snodo inside).
func TestGraphiQLLoadsWithoutACDN(t *testing.T) {
	a := start(t)
	a.do(chromedp.Navigate(a.url+"/graphiql"), visible(".graphiql-container"), waitJS(`performance.getEntriesByType('resource').some(e => e.name.endsWith('/graphql'))`))
	foreign := eval[[]string](a, `performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin))`)
	if len(foreign) > 0 {
		t.Errorf("GraphiQL fetched from other origins: %v", foreign)
	}
	if n := eval[int](a, `document.querySelectorAll('.graphiql-container .CodeMirror').length`); n == 0 {
		t.Error("GraphiQL's editors did not render")
	}
}
