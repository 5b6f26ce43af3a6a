package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"

	"snodo/disclosure"
	"snodo/graph"
	"snodo/model"
	"snodo/report"
	"snodo/store"
)

// reports serves GET /reports/{zone}/{period}.csv and .json: the quarterly (or any closed
// period's) report of a zone, the same figures as `snodo report` (package report builds both),
// as a file to save. The zone is its global ID or ISTAT code. It may be read by the roles that
// may read Query.indicators (the schema's @hasRole, read by graph.FieldRoles); each report is
// recorded and spends the viewer's daily budget, as the @aggregate directive does
// (disclosure.Publisher.Spend, called by report.Build), after the role check, so a refused
// caller spends nothing.
func reports(s *store.Store, pub *disclosure.Publisher, log *slog.Logger) http.Handler {
	roles := graph.FieldRoles("Query", "indicators")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /reports/{zone}/{file}", func(w http.ResponseWriter, r *http.Request) {
		period, format, ok := strings.Cut(r.PathValue("file"), ".")
		if !ok || (format != "csv" && format != "json") {
			writeJSON(w, http.StatusNotFound, errorBody("ask for /reports/{zone}/{period}.csv or .json", model.CodeNotFound))
			return
		}
		ctx := r.Context()
		if err := graph.CheckRole(ctx, roles); err != nil {
			answerError(w, r, err, log, "report")
			return
		}
		rep, err := report.Build(ctx, s, pub, report.Request{Zone: r.PathValue("zone"), Period: period})
		if err != nil {
			answerError(w, r, err, log, "report")
			return
		}
		var body bytes.Buffer
		if err := rep.Write(&body, format); err != nil {
			answerError(w, r, err, log, "report")
			return
		}
		w.Header().Set("Content-Type", map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json"}[format])
		w.Header().Set("Content-Disposition", `attachment; filename="`+reportFileName(rep, format)+`"`)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(body.Bytes())
	})
	return mux
}

// reportFileName names the saved file by the period and the zone's ID, e.g.
// snodo-report-2026-Q3-Wm9uZTo....csv: only letters, digits and -_ (a global ID is base64url).
func reportFileName(rep *report.Report, format string) string {
	return "snodo-report-" + rep.Period + "-" + rep.ZoneID + "." + format
}
