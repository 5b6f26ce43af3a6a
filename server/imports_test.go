package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/seed"
	"snodo/server"
	"snodo/sheet"
)

// The web app's imports: an administrator imports an HSDS file and a sheet (a dry run first);
// anyone else is refused with 403 or 401 and nothing is written; a bad sheet answers 422 with
// its row errors.
func TestImportEntriesAreForAdministrators(t *testing.T) {
	e := testenv.Open(t)
	if _, err := seed.Load(context.Background(), e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	h := server.New(e.Store, server.Options{Logger: quiet, Verifier: testenv.Verifier(), MaxBodyBytes: 4 << 20})
	post := func(target string, body []byte, v *auth.Viewer) (int, map[string]any) {
		req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		if v != nil {
			req.Header.Set("Authorization", "Bearer "+testenv.Token(*v))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var m map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &m)
		return rec.Code, m
	}
	example, err := os.ReadFile("../hsds/testdata/examples/service_full.json")
	if err != nil {
		t.Fatal(err)
	}
	hsdsURL := "/import/hsds?name=service_full.json&zone=09&category=contact.helpline"
	coordinator := auth.Viewer{Subject: "c", Role: auth.Coordinator, ZoneIDs: []string{seed.ID("Zone", "reg-toscana")}}
	for _, v := range []*auth.Viewer{nil, &coordinator} {
		if code, _ := post(hsdsURL, example, v); code != http.StatusForbidden {
			t.Errorf("%v: %d", v, code)
		}
	}
	admin := testenv.Admin
	if code, rep := post(hsdsURL+"&dry_run=true", example, &admin); code != http.StatusOK || testenv.Get(rep, "counts", "service", "created") != 1.0 {
		t.Fatalf("dry run: %d %v", code, rep)
	}
	count := func() int64 {
		return e.Query(t, "MATCH (s:Service {id: 'ac148810-d857-441c-9679-408f346de14b'}) RETURN count(s)", nil)[0].Values[0].(int64)
	}
	if count() != 0 {
		t.Fatal("the dry run wrote")
	}
	if code, rep := post(hsdsURL, example, &admin); code != http.StatusOK || count() != 1 {
		t.Fatalf("import: %d %v", code, rep)
	}
	if n := e.Query(t, "MATCH (a:AuditEntry {operation: 'POST /import/hsds', action: 'CHANGE', subject: 'test-admin'}) RETURN count(a)", nil)[0].Values[0].(int64); n == 0 {
		t.Error("the import is not in the audit log")
	}
	if code, _ := post("/import/hsds", example, &admin); code != http.StatusBadRequest {
		t.Errorf("no name: %d", code)
	}
	// A sheet: the template goes in; a bad one answers 422 with its rows.
	if code, rep := post("/import/csv", sheet.Template(), &admin); code != http.StatusOK || testenv.Get(rep, "counts", "created") != 1.0 {
		t.Errorf("the template: %d %v", code, rep)
	}
	bad := append(sheet.Template(), []byte("\r\n;Senza ente;;;;;;;;;;;;;;;;;;;\r\n")...)
	if code, rep := post("/import/csv", bad, &admin); code != http.StatusUnprocessableEntity || len(rep["errors"].([]any)) == 0 {
		t.Errorf("a bad sheet: %d %v", code, rep)
	}
	req := httptest.NewRequest(http.MethodGet, "/import/csv/template", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), sheet.Template()) {
		t.Errorf("the template: %d", rec.Code)
	}
}
