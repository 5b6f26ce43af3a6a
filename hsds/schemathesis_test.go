package hsds_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// SchemathesisVersion is the schemathesis the tests run (the Makefile's schemathesis target
// installs this one).
const SchemathesisVersion = "4.32.5"

// schemathesisBin finds schemathesis: SNODO_SCHEMATHESIS names it (or "off" leaves the test
// out, for developers without Python), else the venv the Makefile makes under .cache/.
func schemathesisBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("SNODO_SCHEMATHESIS")
	switch bin {
	case "off":
		t.Skip("SNODO_SCHEMATHESIS=off: the property-based run of the HSDS API is left out")
	case "":
		bin, _ = filepath.Abs(filepath.Join("..", ".cache", "schemathesis", "bin", "schemathesis"))
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("no schemathesis at %s (%v): run `make schemathesis` (make test does), which installs schemathesis %s "+
			"in a venv under .cache/, or set SNODO_SCHEMATHESIS to its path, or SNODO_SCHEMATHESIS=off to leave this test out",
			bin, err, SchemathesisVersion)
	}
	if got := strings.TrimSpace(string(out)); got != "schemathesis, version "+SchemathesisVersion {
		t.Fatalf("%s is %q, not schemathesis %s: run `make schemathesis`", bin, got, SchemathesisVersion)
	}
	return bin
}

// TestSchemathesis checks the HSDS API against its own OpenAPI (/hsds/openapi.json: HSDS's
// reference with the profile applied) with schemathesis, a property-based tester that reads
// it: every operation, with many generated requests each, valid and invalid, and the
// operations chained along the OpenAPI's links; every answer must be a documented status with
// a documented content type, valid against the schema of its status, and never a server error.
// What the run does is in testdata/schemathesis/schemathesis.toml.
func TestSchemathesis(t *testing.T) {
	bin := schemathesisBin(t)
	srv := httptest.NewServer(demo(t))
	defer srv.Close()
	hooks, _ := filepath.Abs(filepath.Join("testdata", "schemathesis", "hooks.py"))
	dir := t.TempDir()
	config := filepath.Join(dir, "schemathesis.toml")
	toml, err := os.ReadFile(filepath.Join("testdata", "schemathesis", "schemathesis.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, toml, 0o644); err != nil {
		t.Fatal(err)
	}
	writeIDs(t, srv.URL, filepath.Join(dir, "ids"))
	report := filepath.Join(dir, "report.json")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--config-file", config, "--no-color", "run", srv.URL+"/hsds/openapi.json",
		"--report", "json", "--report-json-path", report)
	cmd.Dir = dir // schemathesis writes its files in its working directory
	cmd.Env = append(os.Environ(), "SCHEMATHESIS_HOOKS="+hooks)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	var exit *exec.ExitError
	if ctx.Err() != nil {
		t.Fatalf("schemathesis did not finish within 5 minutes:\n%s", out.Bytes())
	}
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("schemathesis did not run: %v\n%s", err, out.Bytes())
	}
	if err != nil {
		t.Fatalf("schemathesis found problems (exit %d, %s):\n%s", exit.ExitCode(), took.Round(time.Second), out.Bytes())
	}
	t.Logf("schemathesis passed in %s: %s", took.Round(time.Second), checkReport(t, report, countOperations(t, srv.URL+"/hsds/openapi.json")))
}

// runReport is what the test reads of schemathesis's JSON report.
type runReport struct {
	Version    string `json:"schemathesis_version"`
	Seed       int    `json:"seed"`
	Complete   bool   `json:"complete"`
	Operations struct {
		Total, Selected, Tested, Errored, Skipped int
	} `json:"operations"`
	TestCases struct {
		Generated    int `json:"generated"`
		WithFailures int `json:"with_failures"`
		Errored      int `json:"errored"`
	} `json:"test_cases"`
	Failures []any `json:"failures"`
	// ValidRates counts, by operation and phase, the valid requests the API answered 2xx
	// (accepted) and 404 (unreachable: an ID of nothing).
	ValidRates map[string]map[string]struct {
		Accepted    int `json:"accepted"`
		Unreachable int `json:"unreachable"`
	} `json:"valid_rates"`
}

// checkReport reads the report and fails the test unless every operation of the OpenAPI was
// tested and answered at least one generated request with 2xx (a run where every lookup was an
// ID of nothing would pass without having read a record). It returns a summary for the log.
func checkReport(t *testing.T, path string, operations int) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("schemathesis wrote no report: %v", err)
	}
	var r runReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("schemathesis report: %v", err)
	}
	if r.Version != SchemathesisVersion || !r.Complete || r.Operations.Total != operations || r.Operations.Tested != operations ||
		r.Operations.Errored+r.Operations.Skipped+r.TestCases.WithFailures+r.TestCases.Errored+len(r.Failures) > 0 {
		t.Errorf("schemathesis %s: complete %v, operations %+v of %d in the OpenAPI, test cases %+v, %d failures",
			r.Version, r.Complete, r.Operations, operations, r.TestCases, len(r.Failures))
	}
	var names []string
	for name := range r.ValidRates {
		names = append(names, name)
	}
	sort.Strings(names)
	var per []string
	for _, name := range names {
		accepted, unreachable := 0, 0
		for _, rate := range r.ValidRates[name] {
			accepted += rate.Accepted
			unreachable += rate.Unreachable
		}
		if accepted == 0 {
			t.Errorf("%s: no generated request was answered 2xx (%d were 404)", name, unreachable)
		}
		per = append(per, fmt.Sprintf("%s %d", name, accepted))
	}
	if len(names) != operations {
		t.Errorf("schemathesis reports valid requests for %d operations, not %d", len(names), operations)
	}
	return fmt.Sprintf("seed %d, %d operations, %d test cases, 0 failures; valid requests answered 2xx: %s",
		r.Seed, r.Operations.Tested, r.TestCases.Generated, strings.Join(per, ", "))
}

// countOperations counts the operations of the OpenAPI the server answers.
func countOperations(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, item := range doc.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				n++
			}
		}
	}
	return n
}

// writeIDs writes the IDs of the demo network's records, as the lists answer them, into one
// dictionary file per list (libFuzzer's format, one quoted value a line), which the run's
// configuration draws IDs from.
func writeIDs(t *testing.T, base, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, list := range []string{"services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"} {
		resp, err := http.Get(base + "/hsds/" + list + "?per_page=100")
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Contents []struct {
				ID string `json:"id"`
			} `json:"contents"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || len(page.Contents) == 0 {
			t.Fatalf("GET /hsds/%s: %d, %d items, %v", list, resp.StatusCode, len(page.Contents), err)
		}
		var b strings.Builder
		for _, it := range page.Contents {
			fmt.Fprintf(&b, "%q\n", it.ID)
		}
		if err := os.WriteFile(filepath.Join(dir, list+".dict"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
