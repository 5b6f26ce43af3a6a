package graph_test

import (
	"context"
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/store"
)

// taxonomy imports a small need taxonomy and service catalogue (they have no mutations) and
// returns their global IDs by code.
func taxonomy(t *testing.T, e *testenv.Env) map[string]string {
	t.Helper()
	im := store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}
	ids := map[string]string{}
	add := func(label, code, broader string, link store.LinkType) {
		im.Nodes[label] = append(im.Nodes[label], store.ImportNode{ID: code, Props: map[string]any{"code": code, "labelIt": "it " + code, "labelEn": "en " + code}})
		if broader != "" {
			im.Links[link] = append(im.Links[link], store.ImportLink{From: code, To: broader})
		}
		ids[code] = relay.GlobalID(label, code)
	}
	add("Need", "work", "", store.LinkNeedBroader)
	add("Need", "work.placement", "work", store.LinkNeedBroader)
	add("Need", "housing", "", store.LinkNeedBroader)
	add("Need", "housing.shelter", "housing", store.LinkNeedBroader)
	add("ServiceCategory", "training_work", "", store.LinkCategoryBroader)
	add("ServiceCategory", "training_work.job_search", "training_work", store.LinkCategoryBroader)
	add("ServiceCategory", "housing_mobility", "", store.LinkCategoryBroader)
	if _, err := e.Store.Import(context.Background(), im); err != nil {
		t.Fatal(err)
	}
	return ids
}

// mutate runs a mutation whose payload must carry no user errors, and returns the payload.
func mutate(t *testing.T, e *testenv.Env, name, inputType string, input map[string]any, selection string) any {
	t.Helper()
	d := e.MustDo(t, `mutation($in: `+inputType+`!) { `+name+`(input: $in) { `+selection+` userErrors { field message code } } }`,
		map[string]any{"in": input})
	if errs := testenv.Get(d, name, "userErrors").([]any); len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs)
	}
	return d[name]
}

// userError runs a mutation that must be refused and returns its first user error's code and field.
func userError(t *testing.T, e *testenv.Env, name, inputType string, input map[string]any) (code, field string) {
	t.Helper()
	d := e.MustDo(t, `mutation($in: `+inputType+`!) { `+name+`(input: $in) { userErrors { field message code } } }`,
		map[string]any{"in": input})
	errs := testenv.Get(d, name, "userErrors").([]any)
	if len(errs) == 0 {
		t.Fatalf("%s: want a user error, got none", name)
	}
	return testenv.Get(errs[0], "code").(string), joinPath(testenv.Get(errs[0], "field"))
}

// mustAs runs a request as the viewer with the variable in, which must succeed.
func mustAs(t *testing.T, e *testenv.Env, v auth.Viewer, q string, in map[string]any) map[string]any {
	t.Helper()
	r := e.DoAs(t, v, q, map[string]any{"in": in})
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	return r.Data
}
