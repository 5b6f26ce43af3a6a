package server

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"snodo/graph"
	"snodo/model"
	"snodo/store"
)

// CoverageExportPath serves the coverage matrix as a CSV file, for the web app's download:
//
//	GET /export/coverage.csv?zone=<zone ID>&level=MUNICIPALITY[&need=<need ID>...]
//
// It is the `coverage` field of the API as a file: the same store call (store.Coverage, with the
// same staleness), the same CSV (model.Coverage.CSV, through internal/csvsafe), the same
// viewer (the bearer token, checked as /graphql checks it: a confidential service's places
// are counted for those who may see them only) and the same roles, read from the field's
// @hasRole in the schema, so that the file and the field never differ.
const CoverageExportPath = "/export/coverage.csv"

// coverageExport answers GET /export/coverage.csv.
func coverageExport(s *store.Store, staleAfter time.Duration, log *slog.Logger) http.Handler {
	// nil when the field has no @hasRole: anyone reads the coverage, as the API answers
	// anonymous visitors.
	roles := graph.FieldRoles("Query", "coverage")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, http.StatusMethodNotAllowed, errorBody("the coverage export answers GET", model.CodeBadRequest))
			return
		}
		if roles != nil {
			if err := graph.CheckRole(r.Context(), roles); err != nil {
				answerError(w, r, err, log, "coverage export")
				return
			}
		}
		in, err := coverageInput(r)
		if err != nil {
			answerError(w, r, err, log, "coverage export")
			return
		}
		cov, err := s.Coverage(r.Context(), in, staleAfter)
		if err != nil {
			answerError(w, r, err, log, "coverage export")
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+coverageFileName(cov, in)+`"`)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write([]byte(cov.CSV()))
	})
}

// coverageInput reads the query's parameters as the field's CoverageInput.
func coverageInput(r *http.Request) (model.CoverageInput, error) {
	q := r.URL.Query()
	zone := q.Get("zone")
	if zone == "" {
		return model.CoverageInput{}, model.Errorf(model.CodeBadUserInput, "zone: give the zone's ID, ?zone=<ID>")
	}
	in := model.CoverageInput{ZoneID: zone}
	if l := q.Get("level"); l != "" {
		kind := model.ZoneKind(l)
		if !kind.IsValid() {
			return model.CoverageInput{}, model.Errorf(model.CodeBadUserInput, "level: one of %s", joinKinds())
		}
		in.Level = &kind
	}
	if needs := q["need"]; len(needs) > 0 {
		if len(needs) > model.MaxListLength {
			return model.CoverageInput{}, model.Errorf(model.CodeBadUserInput, "need: at most %d needs", model.MaxListLength)
		}
		in.NeedIds = needs
	}
	return in, nil
}

// coverageFileName names the file after what it measures: copertura-<level>.csv for the zones
// of a level, copertura-<zone>.csv for one zone; in letters, digits and dashes only.
func coverageFileName(cov *model.Coverage, in model.CoverageInput) string {
	name := "copertura"
	switch {
	case in.Level != nil:
		name += "-" + string(*in.Level)
	case len(cov.Zones) == 1:
		name += "-" + cov.Zones[0].Name
	}
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b.WriteRune(c)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-") + ".csv"
}

func joinKinds() string {
	s := make([]string, len(model.AllZoneKind))
	for i, k := range model.AllZoneKind {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
