package e2e

import (
	"strings"
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
)

// Journey 4: an anonymous visitor searches the public directory by municipality and need,
// opens a service page laid out like an Italian public service page, and sees no address for
// the protected shelter (the API gives none to anonymous visitors).
func TestPublicDirectoryService(t *testing.T) {
	a := start(t)
	a.open("/services")
	if a.text("#sign-in") == "" {
		t.Fatal("the directory is not shown to an anonymous visitor")
	}
	a.pickZone(`#directory-form input[role=combobox]`, "Follonica")
	a.do(click(`#directory-form input[data-code="housing"]`), click("#directory-submit"), visible("#directory-results li[data-service]"))
	a.check("directory")
	a.mark("#directory-results li", "Pronta accoglienza protetta SATIS", "satis")
	a.do(click("#satis a"), visible("#for-whom"))
	for _, h := range []string{"A chi è rivolto", "Come fare", "Cosa serve", "Dove", "Contatti"} {
		if !strings.Contains(a.text("main"), h) {
			t.Errorf("the service page has no section %q", h)
		}
	}
	if got := eval[string](a, `document.querySelector('[data-address]').dataset.address`); got != "withheld" {
		t.Errorf("the protected shelter's page shows an address (%q)", got)
	}
	// The page shows the places exactly when the API gives them to an anonymous visitor.
	id := eval[string](a, `document.querySelector('article[data-service]').dataset.service`)
	res := testenv.DoOn(t, a.env.Handler(), auth.Viewer{Role: auth.Anonymous}, `query($id: ID!) { node(id: $id) { ... on Service { freePlaces provider { contacts { address } } } } }`, map[string]any{"id": id})
	apiPlaces := testenv.Get(res.Data, "node", "freePlaces")
	shown := eval[bool](a, `!!document.querySelector('[data-places]')`)
	if (apiPlaces != nil) != shown {
		t.Errorf("the API gives anonymous visitors places %v, the page shows places: %v", apiPlaces, shown)
	}
	if addr := testenv.Get(res.Data, "node", "provider", "contacts", "address"); addr != nil {
		t.Errorf("the API gives anonymous visitors the protected shelter's address %v", addr)
	}
	a.check("service-page")
}
