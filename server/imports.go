package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"snodo/auth"
	"snodo/hsds"
	"snodo/model"
	"snodo/sheet"
	"snodo/store"
)

// The imports of the web app, for administrators (the importers refuse anyone else with
// FORBIDDEN): POST /import/hsds?name=services.json with an HSDS JSON file as the body, and POST
// /import/csv with a sheet of services by the template; ?dry_run=true checks and reports only.
// Each answers the importer's report as JSON: 200 when it went through, 422 with the report
// when it has problems. GET /import/csv/template gives the template. Each transaction of an
// import is recorded in the audit log (operation "POST /import/hsds" or "POST /import/csv").
func imports(s *store.Store, maxBody int64) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /import/hsds", func(w http.ResponseWriter, r *http.Request) {
		body, ok := readImport(w, r, maxBody)
		if !ok {
			return
		}
		name := r.URL.Query().Get("name")
		if !fileName.MatchString(name) {
			writeJSON(w, http.StatusBadRequest, errorBody("name the file: ?name=services.json (an HSDS file name: services, organizations, service_at_locations, taxonomy_terms...)", model.CodeBadUserInput))
			return
		}
		ctx := auth.WithOperation(r.Context(), auth.Operation{Field: "POST /import/hsds"})
		rep, err := hsds.ImportFiles(ctx, s, []hsds.File{{Name: name, Data: body}}, hsds.ImportOptions{
			DryRun: dryRun(r), Zone: r.URL.Query().Get("zone"), Category: r.URL.Query().Get("category"),
			Channel: model.ServiceChannel(r.URL.Query().Get("channel"))})
		answerImport(w, rep, err, rep != nil && rep.OK())
	})
	mux.HandleFunc("POST /import/csv", func(w http.ResponseWriter, r *http.Request) {
		body, ok := readImport(w, r, maxBody)
		if !ok {
			return
		}
		ctx := auth.WithOperation(r.Context(), auth.Operation{Field: "POST /import/csv"})
		rep, err := sheet.ImportServices(ctx, s, bytesReader(body), sheet.Options{DryRun: dryRun(r), ModifiedAt: s.Now()})
		answerImport(w, rep, err, rep != nil && len(rep.Errors) == 0 && len(rep.Conflicts) == 0)
	})
	mux.HandleFunc("GET /import/csv/template", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="template-servizi.csv"`)
		_, _ = w.Write(sheet.Template())
	})
	return mux
}

var fileName = regexp.MustCompile(`^[a-z_]{1,40}\.json$`)

func dryRun(r *http.Request) bool {
	b, _ := strconv.ParseBool(r.URL.Query().Get("dry_run"))
	return b
}

// readImport reads a body of at most max bytes (413 beyond).
func readImport(w http.ResponseWriter, r *http.Request, max int64) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			tooLarge(w, mbe.Limit)
		} else {
			writeJSON(w, http.StatusBadRequest, errorBody("could not read the request body", model.CodeBadUserInput))
		}
		return nil, false
	}
	return body, true
}

func answerImport(w http.ResponseWriter, rep any, err error, ok bool) {
	var e *model.Error
	switch {
	case errors.As(err, &e) && e.Code == model.CodeForbidden:
		writeJSON(w, http.StatusForbidden, errorBody(e.Message, e.Code))
	case errors.As(err, &e):
		writeJSON(w, http.StatusBadRequest, errorBody(e.Message, e.Code))
	case err != nil:
		writeJSON(w, http.StatusInternalServerError, errorBody("internal error", model.CodeInternal))
	case ok:
		writeJSON(w, http.StatusOK, rep)
	default:
		writeJSON(w, http.StatusUnprocessableEntity, rep)
	}
}

// importTimeout bounds an import: longer than a GraphQL request, a sheet or a file at a time.
const importTimeout = 2 * time.Minute

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
