package hsds

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"snodo/auth"
	"snodo/model"
	"snodo/store"
)

// Prefix is where the HSDS API is mounted.
const Prefix = "/hsds"

// Paging: per_page is 1 to MaxPerPage (DefaultPerPage when not given), page 1 to MaxPage.
const (
	DefaultPerPage = 50
	MaxPerPage     = store.MaxPageSize
	MaxPage        = 100000
)

// Handler serves the HSDS API, read-only, under Prefix. It is public: it answers every request
// as an anonymous visitor, whatever token comes with it, so confidential services come without
// address, hours or places (store.Visible), and it reads no case data. Any origin may call it
// (Access-Control-Allow-Origin: *), as the HSDS API reference asks. guard, when given, wraps the
// reading part (the server's rate limit and deadline): its refusals carry the CORS header too.
func Handler(s *store.Store, log *slog.Logger, guard func(http.Handler) http.Handler) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	a := &api{store: s, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Prefix+"/{$}", a.root)
	mux.HandleFunc("GET "+Prefix+"/openapi.json", a.openapi)
	mux.HandleFunc("GET "+Prefix+"/profile/{$}", a.profileIndex)
	mux.HandleFunc("GET "+Prefix+"/profile/{file}", a.profileFile)
	mux.HandleFunc("GET "+Prefix+"/services", a.services)
	mux.HandleFunc("GET "+Prefix+"/services/{id}", a.service)
	mux.HandleFunc("GET "+Prefix+"/service_at_locations", a.serviceAtLocations)
	mux.HandleFunc("GET "+Prefix+"/service_at_locations/{id}", a.serviceAtLocation)
	mux.HandleFunc("GET "+Prefix+"/organizations", a.organizations)
	mux.HandleFunc("GET "+Prefix+"/organizations/{id}", a.organization)
	mux.HandleFunc("GET "+Prefix+"/taxonomies", a.taxonomies)
	mux.HandleFunc("GET "+Prefix+"/taxonomies/{id}", a.taxonomy)
	mux.HandleFunc("GET "+Prefix+"/taxonomy_terms", a.taxonomyTerms)
	mux.HandleFunc("GET "+Prefix+"/taxonomy_terms/{id}", a.taxonomyTerm)
	var reader http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Public, whatever the request carries: the viewer is anonymous.
		r = r.WithContext(auth.WithViewer(r.Context(), auth.Viewer{Role: auth.Anonymous}))
		rec := &notFound{ResponseWriter: w}
		mux.ServeHTTP(rec, r)
		if rec.missing {
			a.fail(w, r, model.Errorf(model.CodeNotFound, "no such HSDS endpoint: %s", model.Quote(r.URL.Path)), http.StatusNotFound)
		}
	})
	if guard != nil {
		reader = guard(reader)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		switch r.Method {
		case http.MethodGet, http.MethodHead:
		case http.MethodOptions:
			w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			w.Header().Set("Access-Control-Allow-Headers", "Accept, Content-Type")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		default:
			w.Header().Set("Allow", "GET, HEAD, OPTIONS")
			a.fail(w, r, model.Errorf("METHOD_NOT_ALLOWED", "the HSDS API is read-only: GET only"), http.StatusMethodNotAllowed)
			return
		}
		reader.ServeHTTP(w, r)
	})
}

// notFound turns the mux's plain-text 404 into the API's JSON one.
type notFound struct {
	http.ResponseWriter
	missing, wrote bool
}

func (w *notFound) WriteHeader(code int) {
	if code == http.StatusNotFound && !w.wrote && w.Header().Get("Content-Type") == "text/plain; charset=utf-8" {
		w.missing = true
		return
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *notFound) Write(b []byte) (int, error) {
	if w.missing {
		return len(b), nil
	}
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

type api struct {
	store *store.Store
	log   *slog.Logger
}

// base is the absolute URL of the API, as the client reached it.
func base(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + Prefix
}

func (a *api) root(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, map[string]any{
		"version":     Version,
		"profile":     base(r) + "/profile/",
		"openapi_url": base(r) + "/openapi.json",
	})
}

func (a *api) openapi(w http.ResponseWriter, r *http.Request) {
	b, err := Profiled("openapi.json")
	if err != nil {
		a.fail(w, r, err, 0)
		return
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		a.fail(w, r, err, 0)
		return
	}
	doc["servers"] = []map[string]string{{"url": base(r), "description": "This Snodo"}}
	writeJSON(w, doc)
}

func (a *api) profileIndex(w http.ResponseWriter, r *http.Request) {
	files := ProfileFiles()
	urls := make([]string, len(files))
	for i, f := range files {
		urls[i] = base(r) + "/profile/" + f
	}
	readme, _ := Profile.ReadFile("profile/README.md")
	writeJSON(w, map[string]any{
		"name": "Snodo Italian profile of HSDS " + Version, "hsds_version": Version,
		"description": string(readme), "patches": urls,
	})
}

func (a *api) profileFile(w http.ResponseWriter, r *http.Request) {
	b, err := Profile.ReadFile("profile/" + r.PathValue("file"))
	if err != nil || !strings.HasSuffix(r.PathValue("file"), ".json") {
		a.fail(w, r, model.Errorf(model.CodeNotFound, "the profile has no file %s", model.Quote(r.PathValue("file"))), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// params are the query parameters of a list, checked.
type params struct {
	page, perPage   int
	ndjson          bool
	minimal, full   bool
	fullService     bool
	topOnly         bool
	search          *string
	term, taxonomy  string
	organization    string
	parent          string
	modifiedAfter   *time.Time
	unknownTaxonomy bool
}

func (p params) slice() store.DirectoryPage {
	return store.DirectoryPage{Skip: (p.page - 1) * p.perPage, Limit: p.perPage}
}

// parse reads and bounds the query parameters, refusing bad ones with BAD_USER_INPUT.
func parse(r *http.Request) (params, error) {
	q := r.URL.Query()
	p := params{page: 1, perPage: DefaultPerPage}
	var err error
	num := func(name string, lo, hi int, into *int) {
		v := q.Get(name)
		if v == "" || err != nil {
			return
		}
		n, e := strconv.Atoi(v)
		if e != nil || n < lo || n > hi {
			err = model.Errorf(model.CodeBadUserInput, "%s is a whole number from %d to %d, not %s", name, lo, hi, model.Quote(trim(v)))
			return
		}
		*into = n
	}
	flag := func(name string, into *bool) {
		v := q.Get(name)
		if v == "" || err != nil {
			return
		}
		b, e := strconv.ParseBool(v)
		if e != nil {
			err = model.Errorf(model.CodeBadUserInput, "%s is true or false, not %s", name, model.Quote(trim(v)))
			return
		}
		*into = b
	}
	id := func(name string, into *string) {
		v := q.Get(name)
		if v == "" || err != nil {
			return
		}
		if _, e := uuid.Parse(v); e != nil || len(v) != 36 {
			err = model.Errorf(model.CodeBadUserInput, "%s is a UUID, not %s", name, model.Quote(trim(v)))
			return
		}
		*into = strings.ToLower(v)
	}
	num("page", 1, MaxPage, &p.page)
	num("per_page", 1, MaxPerPage, &p.perPage)
	flag("minimal", &p.minimal)
	flag("full", &p.full)
	flag("full_service", &p.fullService)
	flag("top_only", &p.topOnly)
	id("taxonomy_term_id", &p.term)
	id("taxonomy_id", &p.taxonomy)
	id("organization_id", &p.organization)
	id("parent_id", &p.parent)
	if err != nil {
		return p, err
	}
	switch f := q.Get("format"); f {
	case "", "json":
	case "ndjson":
		p.ndjson = true
	default:
		return p, model.Errorf(model.CodeBadUserInput, "format is json or ndjson, not %s", model.Quote(trim(f)))
	}
	if q.Has("search") {
		s := q.Get("search")
		p.search = &s
	}
	if v := q.Get("modified_after"); v != "" {
		t, e := time.Parse(time.RFC3339Nano, v)
		if e != nil {
			d, e2 := time.ParseInLocation(time.DateOnly, v, model.Rome())
			if e2 != nil {
				return p, model.Errorf(model.CodeBadUserInput, "modified_after is a date-time (RFC 3339) or a date, not %s", model.Quote(trim(v)))
			}
			t = d
		}
		p.modifiedAfter = &t
	}
	if p.taxonomy != "" && p.taxonomy != NeedTaxonomy.ID && p.taxonomy != CatalogueTaxonomy.ID {
		p.unknownTaxonomy = true
	}
	return p, nil
}

func trim(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// serviceFilter is the filter of the service lists.
func (p params) serviceFilter() store.DirectoryFilter {
	return store.DirectoryFilter{
		Search: p.search, Term: p.term, AnyNeed: p.taxonomy == NeedTaxonomy.ID,
		Provider: p.organization, ModifiedAfter: p.modifiedAfter,
	}
}

// list answers a list: a page in the HSDS envelope, or, with format=ndjson, every item, one
// JSON object a line, read a page at a time.
func list[T any](a *api, w http.ResponseWriter, r *http.Request, p params, read func(store.DirectoryPage) ([]T, int, error)) {
	if !p.ndjson {
		items, total, err := read(p.slice())
		if err != nil {
			a.fail(w, r, err, 0)
			return
		}
		writeJSON(w, NewPage(items, total, p.page, p.perPage))
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	enc := json.NewEncoder(w)
	for skip := 0; ; skip += MaxPerPage {
		items, total, err := read(store.DirectoryPage{Skip: skip, Limit: MaxPerPage})
		if err != nil {
			if skip == 0 {
				w.Header().Set("Content-Type", "application/json")
				a.fail(w, r, err, 0)
			} else {
				a.log.ErrorContext(r.Context(), "HSDS ndjson stream broken", "error", err)
			}
			return
		}
		for _, it := range items {
			if err := enc.Encode(it); err != nil {
				return
			}
		}
		if skip+len(items) >= total || len(items) == 0 {
			return
		}
	}
}

func (a *api) services(w http.ResponseWriter, r *http.Request) {
	p, err := parse(r)
	if err != nil {
		a.fail(w, r, err, 0)
		return
	}
	list(a, w, r, p, func(pg store.DirectoryPage) ([]any, int, error) {
		if p.unknownTaxonomy {
			return nil, 0, nil
		}
		rows, total, err := a.store.DirectoryServices(r.Context(), p.serviceFilter(), pg)
		out := make([]any, len(rows))
		for i, d := range rows {
			s := ServiceOf(d, p.full)
			switch {
			case p.minimal:
				out[i] = map[string]any{"id": s.ID, "name": s.Name, "status": s.Status, "last_modified": s.LastModified}
			default:
				out[i] = s
			}
		}
		return out, total, err
	})
}

// pathID reads the {id} of the path: a UUID, or the answer is 404.
func (a *api) pathID(w http.ResponseWriter, r *http.Request, what string) (string, bool) {
	id := r.PathValue("id")
	if u, err := uuid.Parse(id); err != nil || len(id) != 36 {
		a.fail(w, r, model.Errorf(model.CodeNotFound, "no %s has the ID %s", what, model.Quote(trim(id))), http.StatusNotFound)
		return "", false
	} else {
		return u.String(), true
	}
}

// found reports whether a lookup by id found its record; when not, it has answered: the
// lookup's error, or 404 for a record that does not exist.
func (a *api) found(w http.ResponseWriter, r *http.Request, what, id string, missing bool, err error) bool {
	switch {
	case err != nil:
		a.fail(w, r, err, 0)
	case missing:
		a.missing(w, r, what, id)
	default:
		return true
	}
	return false
}

func (a *api) missing(w http.ResponseWriter, r *http.Request, what, id string) {
	a.fail(w, r, model.Errorf(model.CodeNotFound, "no %s has the ID %s", what, model.Quote(id)), http.StatusNotFound)
}

func (a *api) service(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "service")
	if !ok {
		return
	}
	d, err := a.store.DirectoryServiceByID(r.Context(), id)
	if !a.found(w, r, "service", id, d == nil, err) {
		return
	}
	s := ServiceOf(d, true)
	if o, err := a.store.DirectoryActorByID(r.Context(), d.ProviderID); err != nil {
		a.fail(w, r, err, 0)
		return
	} else if o != nil {
		org := OrganizationOf(o)
		s.Organization = &org
	}
	writeJSON(w, s)
}

func (a *api) serviceAtLocations(w http.ResponseWriter, r *http.Request) {
	p, err := parse(r)
	if err != nil {
		a.fail(w, r, err, 0)
		return
	}
	list(a, w, r, p, func(pg store.DirectoryPage) ([]ServiceAtLoc, int, error) {
		if p.unknownTaxonomy {
			return nil, 0, nil
		}
		f := p.serviceFilter()
		f.WithPlace = true
		rows, total, err := a.store.DirectoryServices(r.Context(), f, pg)
		out := make([]ServiceAtLoc, 0, len(rows))
		for _, d := range rows {
			if sal, ok := AtLocation(d); ok {
				if p.full {
					s := ServiceOf(d, true)
					s.ServiceAtLocations = nil
					sal.Service = &s
				}
				out = append(out, sal)
			}
		}
		return out, total, err
	})
}

func (a *api) serviceAtLocation(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "service_at_location")
	if !ok {
		return
	}
	// A service at its location has the service's ID.
	d, err := a.store.DirectoryServiceByID(r.Context(), id)
	if err != nil {
		a.fail(w, r, err, 0)
		return
	}
	var sal ServiceAtLoc
	if d != nil {
		sal, ok = AtLocation(d)
	}
	if d == nil || !ok {
		a.missing(w, r, "service_at_location", id)
		return
	}
	s := ServiceOf(d, true)
	s.ServiceAtLocations = nil
	sal.Service = &s
	writeJSON(w, sal)
}

// maxOrganizationServices bounds the services nested in one organization.
const maxOrganizationServices = 1000

func (a *api) organizationServices(ctx context.Context, o *Organization, full bool) error {
	for skip := 0; skip < maxOrganizationServices; skip += MaxPerPage {
		rows, total, err := a.store.DirectoryServices(ctx, store.DirectoryFilter{Provider: o.ID}, store.DirectoryPage{Skip: skip, Limit: MaxPerPage})
		if err != nil {
			return err
		}
		for _, d := range rows {
			o.Services = append(o.Services, ServiceOf(d, full))
		}
		if skip+len(rows) >= total || len(rows) == 0 {
			return nil
		}
	}
	return nil
}

func (a *api) organizations(w http.ResponseWriter, r *http.Request) {
	p, err := parse(r)
	if err != nil {
		a.fail(w, r, err, 0)
		return
	}
	list(a, w, r, p, func(pg store.DirectoryPage) ([]Organization, int, error) {
		rows, total, err := a.store.DirectoryActors(r.Context(), p.search, pg)
		if err != nil {
			return nil, 0, err
		}
		out := make([]Organization, len(rows))
		for i, d := range rows {
			out[i] = OrganizationOf(d)
			if p.full || p.fullService {
				if err := a.organizationServices(r.Context(), &out[i], p.fullService); err != nil {
					return nil, 0, err
				}
			}
		}
		return out, total, nil
	})
}

func (a *api) organization(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "organization")
	if !ok {
		return
	}
	p, err := parse(r)
	if err != nil {
		a.fail(w, r, err, 0)
		return
	}
	d, err := a.store.DirectoryActorByID(r.Context(), id)
	if !a.found(w, r, "organization", id, d == nil, err) {
		return
	}
	o := OrganizationOf(d)
	if err := a.organizationServices(r.Context(), &o, p.fullService); err != nil {
		a.fail(w, r, err, 0)
		return
	}
	writeJSON(w, o)
}

func (a *api) taxonomies(w http.ResponseWriter, r *http.Request) {
	p, err := parse(r)
	if err != nil {
		a.fail(w, r, err, 0)
		return
	}
	list(a, w, r, p, func(pg store.DirectoryPage) ([]Taxonomy, int, error) {
		var all []Taxonomy
		for _, t := range []Taxonomy{NeedTaxonomy, CatalogueTaxonomy} {
			if p.search == nil || strings.Contains(strings.ToLower(t.Name+" "+t.Description), strings.ToLower(*p.search)) {
				all = append(all, t)
			}
		}
		end := min(pg.Skip+pg.Limit, len(all))
		if pg.Skip >= len(all) {
			return nil, len(all), nil
		}
		return all[pg.Skip:end], len(all), nil
	})
}

func (a *api) taxonomy(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "taxonomy")
	if !ok {
		return
	}
	for _, t := range []Taxonomy{NeedTaxonomy, CatalogueTaxonomy} {
		if t.ID == id {
			writeJSON(w, t)
			return
		}
	}
	a.missing(w, r, "taxonomy", id)
}

func (a *api) taxonomyTerms(w http.ResponseWriter, r *http.Request) {
	p, err := parse(r)
	if err != nil {
		a.fail(w, r, err, 0)
		return
	}
	list(a, w, r, p, func(pg store.DirectoryPage) ([]TaxonomyTerm, int, error) {
		if p.unknownTaxonomy {
			return nil, 0, nil
		}
		f := store.TermFilter{Search: p.search, Parent: p.parent, TopOnly: p.topOnly,
			Needs: p.taxonomy == NeedTaxonomy.ID, Categories: p.taxonomy == CatalogueTaxonomy.ID}
		rows, total, err := a.store.DirectoryTerms(r.Context(), f, pg)
		out := make([]TaxonomyTerm, len(rows))
		for i, t := range rows {
			out[i] = Term(t)
		}
		return out, total, err
	})
}

func (a *api) taxonomyTerm(w http.ResponseWriter, r *http.Request) {
	id, ok := a.pathID(w, r, "taxonomy_term")
	if !ok {
		return
	}
	rows, _, err := a.store.DirectoryTerms(r.Context(), store.TermFilter{ID: id}, store.DirectoryPage{Limit: 1})
	if !a.found(w, r, "taxonomy_term", id, len(rows) == 0, err) {
		return
	}
	writeJSON(w, Term(rows[0]))
}

// fail answers an error as JSON with its code: 400 for bad input, 404 for what is not there,
// 503 or 504 when the database cannot answer, 500 (with the cause logged) otherwise.
func (a *api) fail(w http.ResponseWriter, r *http.Request, err error, status int) {
	var e *model.Error
	code, msg := string(model.CodeInternal), "internal error"
	switch {
	case errors.As(err, &e):
		code, msg = string(e.Code), e.Message
		if status == 0 {
			status = http.StatusBadRequest
			switch e.Code {
			case model.CodeNotFound:
				status = http.StatusNotFound
			case model.CodeInvalidID:
				status = http.StatusBadRequest
			case model.CodeTimeout:
				status = http.StatusGatewayTimeout
			case model.CodeInternal:
				status = http.StatusInternalServerError
			}
		}
	case errors.Is(err, context.DeadlineExceeded):
		code, msg, status = string(model.CodeTimeout), "the request took too long", http.StatusGatewayTimeout
	case errors.Is(err, context.Canceled):
		code, msg, status = string(model.CodeCanceled), "the request was canceled", http.StatusServiceUnavailable
	case store.Unavailable(err):
		code, msg, status = string(model.CodeUnavailable), "the database is unavailable; try again shortly", http.StatusServiceUnavailable
	default:
		a.log.ErrorContext(r.Context(), "HSDS API internal error", "error", err, "path", r.URL.Path)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
