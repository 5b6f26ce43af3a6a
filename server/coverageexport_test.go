package server_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/seed"
	"snodo/server"
)

const coverageCellsQuery = `query($in: CoverageInput!) { coverage(input: $in) {
  cells { zone { name istatCode } need { code labelEn } full partial withFreePlaces stale } } }`

// The coverage matrix as a file: GET /export/coverage.csv answers every role the `coverage`
// field answers (and refuses those it refuses, with the same code), with a CSV attachment that
// parses into exactly the field's cells for the same viewer: a coordinator's free places count
// the confidential shelters, an anonymous visitor's do not. Bad parameters and bad tokens are
// refused with their codes.
func TestCoverageExportIsTheCoverageFieldAsAFile(t *testing.T) {
	e := testenv.Open(t)
	if _, err := seed.Load(context.Background(), e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	h := server.New(e.Store, server.Options{Logger: quiet, Verifier: testenv.Verifier(), RatePerSecond: -1})
	get := func(target, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	province := relay.GlobalID("Zone", seed.ID("Zone", "prov-grosseto"))
	target := server.CoverageExportPath + "?" + url.Values{"zone": {province}, "level": {"MUNICIPALITY"}}.Encode()
	in := map[string]any{"in": map[string]any{"zoneId": province, "level": "MUNICIPALITY"}}

	viewers := []auth.Viewer{
		{Role: auth.Anonymous},
		testenv.Admin,
		{Subject: "c", Role: auth.Coordinator, ZoneIDs: []string{seed.ID("Zone", "sd-pisana")}},
		{Subject: "m", Role: auth.CaseManager, ActorID: seed.ID("Actor", "sds-pisana")},
		{Subject: "o", Role: auth.ServiceOperator, ActorID: seed.ID("Actor", "sai-follonica")},
		{Subject: "r", Role: auth.Researcher},
	}
	files := map[auth.Role]string{}
	for _, v := range viewers {
		token := ""
		if v.Role != auth.Anonymous {
			token = testenv.Token(v)
		}
		api := testenv.DoOn(t, h, v, coverageCellsQuery, in)
		rec := get(target, token)
		if api.Code() != "" {
			// The field refuses this role: the file must refuse it with the same code.
			if !strings.Contains(rec.Body.String(), `"code":"`+api.Code()+`"`) || rec.Code < 400 {
				t.Errorf("%s: the field refuses with %s, the file answers %d %s", v.Role, api.Code(), rec.Code, rec.Body)
			}
			continue
		}
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: the field answers, the file %d %s", v.Role, rec.Code, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("%s: Content-Type %q", v.Role, ct)
		}
		if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="copertura-municipality.csv"` {
			t.Errorf("%s: Content-Disposition %q", v.Role, cd)
		}
		rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
		if err != nil {
			t.Fatalf("%s: the file is not CSV: %v\n%s", v.Role, err, rec.Body)
		}
		cells, _ := api.Data["coverage"].(map[string]any)["cells"].([]any)
		if len(cells) == 0 {
			t.Fatalf("%s: the field has no cells", v.Role)
		}
		want := [][]string{{"zone", "istat_code", "need_code", "need_label", "full", "partial", "with_free_places", "stale"}}
		for _, c := range cells {
			want = append(want, []string{
				fmt.Sprint(testenv.Get(c, "zone", "name")), fmt.Sprint(testenv.Get(c, "zone", "istatCode")),
				fmt.Sprint(testenv.Get(c, "need", "code")), fmt.Sprint(testenv.Get(c, "need", "labelEn")),
				fmt.Sprint(testenv.Get(c, "full")), fmt.Sprint(testenv.Get(c, "partial")),
				fmt.Sprint(testenv.Get(c, "withFreePlaces")), fmt.Sprint(testenv.Get(c, "stale")),
			})
		}
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			t.Errorf("%s: the file's rows differ from the field's cells:\nfile  %v\nfield %v", v.Role, rows, want)
		}
		files[v.Role] = rec.Body.String()
	}
	// The viewer reaches the store: the confidential shelters' places are not a public reader's.
	if len(files) < 2 {
		t.Fatalf("only %d roles got the file", len(files))
	}
	pub := testenv.DoOn(t, h, auth.Viewer{Role: auth.Anonymous}, coverageCellsQuery, in)
	adm := testenv.DoOn(t, h, testenv.Admin, coverageCellsQuery, in)
	if fmt.Sprint(pub.Data) != fmt.Sprint(adm.Data) && files[auth.Anonymous] == files[auth.Admin] {
		t.Errorf("the field answers an anonymous visitor and an admin differently, the file the same")
	}

	for _, c := range []struct {
		target, token string
		status        int
		code          string
	}{
		{server.CoverageExportPath, "", http.StatusBadRequest, "BAD_USER_INPUT"},
		{server.CoverageExportPath + "?zone=" + url.QueryEscape(province) + "&level=COUNTY", "", http.StatusBadRequest, "BAD_USER_INPUT"},
		{server.CoverageExportPath + "?zone=not-an-id", "", http.StatusBadRequest, "INVALID_ID"},
		{server.CoverageExportPath + "?zone=" + url.QueryEscape(relay.GlobalID("Zone", seed.ID("Zone", "no-such-zone"))), "", http.StatusNotFound, "NOT_FOUND"},
		{target, "forged.token.here", http.StatusUnauthorized, "UNAUTHENTICATED"},
	} {
		rec := get(c.target, c.token)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), `"code":"`+c.code+`"`) {
			t.Errorf("%s: %d %s, want %d %s", c.target, rec.Code, rec.Body, c.status, c.code)
		}
	}
	req := httptest.NewRequest(http.MethodPost, target, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
}
