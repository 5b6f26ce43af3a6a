package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"snodo/model"
)

// The defaults of the limits that Options leaves at zero.
const (
	DefaultMaxDepth       = 12
	DefaultMaxComplexity  = 5000
	DefaultMaxAliases     = 30
	DefaultRequestTimeout = 10 * time.Second
	DefaultRatePerSecond  = 20
	// DefaultAuthFailuresPerMin is how many failed authentications a client address may make
	// per minute (in bursts of as many) before 429.
	DefaultAuthFailuresPerMin = 10
	// defaultPageSize is the cost multiplier of a connection asked for without first or last:
	// the page size the store gives then (store.DefaultPageSize).
	defaultPageSize = 20
	// maxCost is where costs stop growing, far above any limit, so that no product overflows.
	maxCost = math.MaxInt32
	// maxSelections bounds the fields, fragment spreads and inline fragments a document may
	// hold, checked before gqlgen validates it: validation (OverlappingFieldsCanBeMerged) takes
	// time quadratic in the fields of one selection set that share a name (2 s for 4,000 of
	// them; minutes for a 1 MiB body), so a document must be refused before it is validated.
	maxSelections = 1000
)

// The codes of the refusals, in extensions.code.
const (
	CodeQueryTooDeep          = "QUERY_TOO_DEEP"
	CodeQueryTooComplex       = "QUERY_TOO_COMPLEX"
	CodeQueryTooLarge         = "QUERY_TOO_LARGE"
	CodeTooManyAliases        = "TOO_MANY_ALIASES"
	CodeIntrospectionDisabled = "INTROSPECTION_DISABLED"
	CodeBatchNotSupported     = "BATCH_NOT_SUPPORTED"
	CodeRateLimited           = "RATE_LIMITED"
	// CodePersistedQueryNotFound is gqlgen's code for a persisted-query hash it does not know;
	// the message is Apollo's "PersistedQueryNotFound", which tells the client to send the query.
	CodePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"
)

func init() {
	// An operation refused for its shape is a request error, like one that fails validation:
	// 400 for application/graphql-response+json, and 200 for application/json (specStatus).
	for _, c := range []string{CodeQueryTooDeep, CodeQueryTooComplex, CodeQueryTooLarge, CodeTooManyAliases, CodeIntrospectionDisabled} {
		errcode.RegisterErrorType(c, errcode.KindProtocol)
	}
}

// Limit turns a setting in which 0 means "no limit" (as the configuration reads them) into an
// Options value, in which 0 means the default and a negative value means no limit.
func Limit[T ~int | ~int64 | ~float64](v T) T {
	if v == 0 {
		return -1
	}
	return v
}

// orDefault gives def for 0 and 0 (no limit) for a negative value.
func orDefault[T ~int | ~int64 | ~float64](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// limits is the gqlgen extension that refuses, before any resolver runs, an operation that is
// too deep, too costly, uses too many aliases, or introspects when introspection is off. It
// walks the parsed and validated operation, fragments included. Before that, it refuses a
// document too big to validate quickly (maxSelections).
//
// The cost of an operation is an estimate of its work, in fields resolved:
//
//   - Each field costs 1, except the fields of fieldCosts, which cost their figure for the
//     Cypher they run (coverage, the research queries, ...), and the edges and node fields of a
//     connection and its edges, and __typename, which cost nothing of their own.
//   - A connection (a field that takes first or last and returns one object) multiplies the
//     cost of its list fields (edges, nodes) by its page size: first or last, literal or
//     variable, and 20 when neither is given; its other fields (totalCount, pageInfo) are read
//     once per connection and count once.
//   - A list field that takes a list argument (nodes(ids:)) multiplies its fields' cost by the
//     length of the list.
//   - Any other list of objects (needTree, narrower, parents, cells, a research query's rows)
//     multiplies its fields' cost by its size: its first argument, or the first field of its
//     input, when it has one (their schema default when not given); else its figure in
//     listSizes; else defaultListSize. Introspection's lists (types, fields) count once.
//
// Introspection (__schema, __type) counts towards cost and aliases but not depth: gqlparser's
// MaxIntrospectionDepth rule bounds it, and GraphiQL's own introspection query nests deeper
// than any sensible limit for the data.
type limits struct {
	maxDepth, maxComplexity, maxAliases int // 0 for no limit
	introspection                       bool

	// connections are the types returned by fields that take first or last; edges are the
	// element types of their edges fields.
	connections, edges map[string]bool
	schema             *ast.Schema
}

// fieldCosts are the own costs of the fields whose resolver does much more than read a record:
// each figure is about the records its Cypher reads, in the units of a field (1).
var fieldCosts = map[string]int{
	// The matrix of active services by zone and need: one count per zone of the level asked
	// (about 50 municipalities) and need (about 12 areas) over the zone graph and need tree.
	// Ten cost as much as the whole budget, so thirty aliased coverages are refused.
	"Query.coverage":     500,
	"Query.coverageGaps": 500,
	// The ranked match over the zone graph, need tree, barriers and opening hours, on top of
	// the cost of the page asked.
	"Query.findServices": 100,
	// Designed paths between two actors: a variable-length path search up to maxHops.
	"Query.referralRoutes": 200,
	// The research queries aggregate every case, referral or intervention of a zone.
	"Query.caseCounts":    300,
	"Query.referralFlows": 300,
	"Query.indicators":    300,
	"Query.pathwaysTaken": 300,
	// Betweenness centrality over the network of actors: up to about a second of work.
	"Query.networkAnalysis": 1000,
}

// listSizes are the assumed lengths of plain lists (lists of objects that are not connections
// and take no first argument) that differ from defaultListSize.
var listSizes = map[string]int{
	// A municipality lies in a province and a social district; a province in a region.
	"Zone.parents": 2,
	// What records link to a few of: in the demo network a service answers 1.9 needs (at
	// most 4) in 1.1 zones (at most 3), an actor works in 1.1 zones, a partnership in 1.2.
	"Service.needs":     3,
	"Service.zones":     2,
	"Actor.zones":       2,
	"Partnership.zones": 2,
	"Case.needs":        3,
	// A map's places: the demo's Tuscany has 126 actors and 150 services.
	"MapPlaces.actors":   150,
	"MapPlaces.services": 150,
	"Route.needs":        3,
	// 12 need areas, each with a handful of narrower needs; the catalogue is alike.
	"Query.needTree":           15,
	"Need.narrower":            5,
	"Query.serviceCategories":  15,
	"ServiceCategory.narrower": 5,
	// One cell per zone and need, one gap per thin pair; one row per zone of the level.
	"Coverage.cells":     300,
	"Coverage.zones":     50,
	"Query.coverageGaps": 100,
	"CaseCounts.rows":    50,
	// A case's trace: its events, and the nodes and edges of its graph.
	"CaseTrace.events": 50,
	"CaseTrace.nodes":  50,
	"CaseTrace.edges":  50,
}

// defaultListSize is the assumed length of a plain list without a figure in listSizes.
const defaultListSize = 10

var _ interface {
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
	graphql.HandlerExtension
} = &limits{}

// LimitStats are what the limits measured of an operation.
type LimitStats struct {
	Depth, Aliases, Complexity int
}

const limitsExtension = "Limits"

func (l *limits) ExtensionName() string { return limitsExtension }

// Validate reads the schema's connection and edge types.
func (l *limits) Validate(es graphql.ExecutableSchema) error {
	l.connections, l.edges, l.schema = map[string]bool{}, map[string]bool{}, es.Schema()
	for _, t := range es.Schema().Types {
		for _, f := range t.Fields {
			if f.Type.Elem == nil && (f.Arguments.ForName("first") != nil || f.Arguments.ForName("last") != nil) {
				l.connections[f.Type.Name()] = true
			}
		}
	}
	for name := range l.connections {
		if t := es.Schema().Types[name]; t != nil {
			if e := t.Fields.ForName("edges"); e != nil {
				l.edges[e.Type.Name()] = true
			}
		}
	}
	return nil
}

// MutateOperationParameters refuses a document of more than maxSelections selections before
// gqlgen parses and validates it (after automatic persisted queries, which may fill the query
// in). A document that does not parse is left to gqlgen, which says why.
func (l *limits) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if len(p.Query) <= maxSelections { // every selection takes a byte at least
		return nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		return nil
	}
	n := 0
	var count func(ast.SelectionSet)
	count = func(set ast.SelectionSet) {
		for _, sel := range set {
			n++
			switch sel := sel.(type) {
			case *ast.Field:
				count(sel.SelectionSet)
			case *ast.InlineFragment:
				count(sel.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		count(f.SelectionSet)
	}
	if n > maxSelections {
		return refusal(CodeQueryTooLarge, fmt.Sprintf("the document holds %d fields and fragments, more than the limit of %d", n, maxSelections), n, maxSelections)
	}
	return nil
}

// MutateOperationContext measures the operation and refuses it when it is over a limit.
func (l *limits) MutateOperationContext(_ context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Operation
	if op == nil {
		op = opCtx.Doc.Operations.ForName(opCtx.OperationName)
	}
	if op == nil {
		return nil // gqlgen refuses it already
	}
	w := walker{l: l, doc: opCtx.Doc, vars: opCtx.Variables, memo: map[string]shape{}, busy: map[string]bool{}}
	s := w.selections(op.SelectionSet)
	stats := &LimitStats{Depth: s.depth, Aliases: s.aliases, Complexity: s.cost()}
	opCtx.Stats.SetExtension(limitsExtension, stats)
	switch {
	case s.introspects && !l.introspection:
		return refusal(CodeIntrospectionDisabled, "introspection is disabled on this server", 0, 0)
	case l.maxDepth > 0 && stats.Depth > l.maxDepth:
		return refusal(CodeQueryTooDeep, fmt.Sprintf("the query nests fields %d deep, deeper than the limit of %d", stats.Depth, l.maxDepth), stats.Depth, l.maxDepth)
	case l.maxAliases > 0 && stats.Aliases > l.maxAliases:
		return refusal(CodeTooManyAliases, fmt.Sprintf("the query uses %d aliases, more than the limit of %d", stats.Aliases, l.maxAliases), stats.Aliases, l.maxAliases)
	case l.maxComplexity > 0 && stats.Complexity > l.maxComplexity:
		return refusal(CodeQueryTooComplex, fmt.Sprintf("the query costs %s, more than the limit of %d: ask for smaller pages (first, last) or fewer nested connections", costString(stats.Complexity), l.maxComplexity), stats.Complexity, l.maxComplexity)
	}
	return nil
}

// GetLimitStats returns what the limits measured of the context's operation, or nil.
func GetLimitStats(ctx context.Context) *LimitStats {
	if opCtx := graphql.GetOperationContext(ctx); opCtx != nil {
		s, _ := opCtx.Stats.GetExtension(limitsExtension).(*LimitStats)
		return s
	}
	return nil
}

func refusal(code, message string, actual, limit int) *gqlerror.Error {
	err := &gqlerror.Error{Message: message, Extensions: map[string]any{"code": code}}
	if limit > 0 {
		err.Extensions["limit"], err.Extensions["actual"] = limit, actual
	}
	return err
}

func costString(c int) string {
	if c >= maxCost {
		return "more than " + strconv.Itoa(maxCost)
	}
	return strconv.Itoa(c)
}

// shape is what a selection set measures. Depth and aliases do not depend on where a selection
// set is used, nor does the cost of its fields, so a fragment is measured once however often it
// is spread.
type shape struct {
	depth, aliases int
	// once is the cost of the fields resolved once per parent; items the cost of the list
	// fields, which a connection multiplies by its page size.
	once, items int
	introspects bool
}

func (s shape) cost() int { return add(s.once, s.items) }

func (s *shape) merge(o shape) {
	s.depth = max(s.depth, o.depth)
	s.aliases = add(s.aliases, o.aliases)
	s.once, s.items = add(s.once, o.once), add(s.items, o.items)
	s.introspects = s.introspects || o.introspects
}

type walker struct {
	l    *limits
	doc  *ast.QueryDocument
	vars map[string]any
	memo map[string]shape // by fragment name
	busy map[string]bool  // fragments being measured: a cycle (refused by validation) counts nothing
}

func (w *walker) selections(set ast.SelectionSet) shape {
	var s shape
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			s.merge(w.field(sel))
		case *ast.InlineFragment:
			s.merge(w.selections(sel.SelectionSet))
		case *ast.FragmentSpread:
			s.merge(w.fragment(sel))
		}
	}
	return s
}

func (w *walker) fragment(spread *ast.FragmentSpread) shape {
	if s, ok := w.memo[spread.Name]; ok {
		return s
	}
	def := spread.Definition
	if def == nil {
		def = w.doc.Fragments.ForName(spread.Name)
	}
	if def == nil || w.busy[spread.Name] {
		return shape{}
	}
	w.busy[spread.Name] = true
	s := w.selections(def.SelectionSet)
	delete(w.busy, spread.Name)
	w.memo[spread.Name] = s
	return s
}

func (w *walker) field(f *ast.Field) shape {
	inner := w.selections(f.SelectionSet)
	out := shape{depth: 1 + inner.depth, aliases: inner.aliases, introspects: inner.introspects}
	if f.Alias != "" && f.Alias != f.Name {
		out.aliases = add(out.aliases, 1)
	}
	switch f.Name {
	case "__typename":
		return out
	case "__schema", "__type":
		out.depth, out.introspects, out.once = 0, true, add(1, inner.cost())
		return out
	}
	children := inner.cost()
	if n, ok := w.multiplier(f); ok {
		if w.connection(f) {
			children = add(inner.once, mul(n, inner.items))
		} else {
			children = mul(n, children)
		}
	}
	own := 1
	if w.free(f) {
		own = 0
	} else if f.ObjectDefinition != nil {
		if c, ok := fieldCosts[f.ObjectDefinition.Name+"."+f.Name]; ok {
			own = c
		}
	}
	if f.Definition != nil && f.Definition.Type.Elem != nil {
		out.items = add(own, children)
	} else {
		out.once = add(own, children)
	}
	return out
}

// multiplier is the page size of a connection field, the length of the list argument of a list
// field, or the assumed size of another list of objects; ok is false for other fields, and for
// the edges and nodes of a connection, which the connection multiplies.
func (w *walker) multiplier(f *ast.Field) (n int, ok bool) {
	def := f.Definition
	if def == nil {
		return 0, false
	}
	if w.connection(f) {
		if n, ok := w.first(f, "first", "last"); ok {
			return n, true
		}
		return defaultPageSize, true
	}
	if def.Type.Elem == nil || w.free(f) {
		return 0, false
	}
	if f.ObjectDefinition != nil && strings.HasPrefix(f.ObjectDefinition.Name, "__") {
		return 0, false // introspection's lists are the schema's, bounded and read from memory
	}
	for _, a := range f.Arguments {
		if v, err := a.Value.Value(w.vars); err == nil && v != nil {
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
				n, ok = max(n, rv.Len()), true
			}
		}
	}
	if ok {
		return n, true
	}
	if n, ok := w.first(f, "first"); ok {
		return n, true
	}
	if n, ok := w.inputFirst(f); ok {
		return n, true
	}
	if f.ObjectDefinition != nil {
		if n, ok := listSizes[f.ObjectDefinition.Name+"."+f.Name]; ok {
			return n, true
		}
	}
	return defaultListSize, true
}

// first reads the largest of the named Int arguments, given or else defaulted by the schema.
func (w *walker) first(f *ast.Field, names ...string) (n int, ok bool) {
	for _, name := range names {
		if a := f.Arguments.ForName(name); a != nil {
			if v, given := w.intArg(a.Value); given {
				n, ok = max(n, v), true
				continue
			}
		}
		if d := f.Definition.Arguments.ForName(name); d != nil && d.DefaultValue != nil {
			if v, given := w.intArg(d.DefaultValue); given {
				n, ok = max(n, v), true
			}
		}
	}
	return n, ok
}

// inputFirst reads the first field of the field's input-object arguments (referralFlows(input:
// {first: 500})), given or else defaulted by the schema.
func (w *walker) inputFirst(f *ast.Field) (int, bool) {
	if w.l.schema == nil {
		return 0, false
	}
	for _, d := range f.Definition.Arguments {
		t := w.l.schema.Types[d.Type.Name()]
		if t == nil || t.Kind != ast.InputObject {
			continue
		}
		fd := t.Fields.ForName("first")
		if fd == nil {
			continue
		}
		if a := f.Arguments.ForName(d.Name); a != nil {
			if v, err := a.Value.Value(w.vars); err == nil {
				if m, ok := v.(map[string]any); ok && m["first"] != nil {
					if n, ok := toInt(m["first"]); ok {
						return n, true
					}
				}
			}
		}
		if fd.DefaultValue != nil {
			if n, ok := w.intArg(fd.DefaultValue); ok {
				return n, true
			}
		}
	}
	return 0, false
}

// connection reports whether the field is a connection: one that takes first or last and
// returns one object (the connection), not a list.
func (w *walker) connection(f *ast.Field) bool {
	d := f.Definition
	return d != nil && d.Type.Elem == nil && (d.Arguments.ForName("first") != nil || d.Arguments.ForName("last") != nil)
}

// intArg reads an Int value, literal or variable; ok is false when it is null or absent.
func (w *walker) intArg(value *ast.Value) (int, bool) {
	v, err := value.Value(w.vars)
	if err != nil || v == nil {
		return 0, false
	}
	return toInt(v)
}

// toInt reads a number as JSON or a literal gives it, clamped to 0..maxCost.
func toInt(v any) (int, bool) {
	var n float64
	switch v := v.(type) {
	case int:
		n = float64(v)
	case int32:
		n = float64(v)
	case int64:
		n = float64(v)
	case float64:
		n = v
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return 0, false
		}
		n = f
	case string:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, false
		}
		n = f
	default:
		return 0, false
	}
	return int(math.Max(0, math.Min(n, maxCost))), true
}

// free reports whether the field is the edges or nodes of a connection, or the node of an edge,
// which are only the structure around the items and cost nothing of their own.
func (w *walker) free(f *ast.Field) bool {
	if f.ObjectDefinition == nil {
		return false
	}
	parent := f.ObjectDefinition.Name
	switch f.Name {
	case "edges", "nodes":
		return w.l.connections[parent]
	case "node":
		return w.l.edges[parent]
	}
	return false
}

func add(a, b int) int {
	if a >= maxCost-b {
		return maxCost
	}
	return a + b
}

func mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > maxCost/b {
		return maxCost
	}
	return a * b
}

// timeoutGuard answers TIMEOUT when the request's deadline passed before the operation ran:
// gqlgen would otherwise answer a bare null.
func timeoutGuard(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	responses := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return timeoutResponse()
		}
		resp := responses(ctx)
		if resp == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return timeoutResponse()
		}
		return resp
	}
}

func timeoutResponse() *graphql.Response {
	return &graphql.Response{Errors: gqlerror.List{{
		Message:    timeoutMessage,
		Extensions: map[string]any{"code": string(model.CodeTimeout)},
	}}}
}

const timeoutMessage = "the request took too long"

// withTimeout puts the deadline on the request's context that bounds its resolvers, its loaders
// and, through the store, its Neo4j transactions.
func withTimeout(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// batch reports whether a request body is a JSON array, a batch of operations, peeking at its
// first bytes; when it is, it reads the array and says how many elements it holds (-1 when the
// array is not valid JSON).
func batch(body *bufio.Reader) (bool, int) {
	for i := 1; i <= body.Size(); i++ {
		b, err := body.Peek(i)
		if err != nil {
			return false, 0
		}
		switch b[i-1] {
		case ' ', '\t', '\r', '\n':
			continue
		case '[':
			var ops []json.RawMessage
			if err := json.NewDecoder(body).Decode(&ops); err != nil {
				return true, -1
			}
			return true, len(ops)
		}
		return false, 0
	}
	return false, 0
}

func batchRefused(w http.ResponseWriter, n int) {
	msg := "batched operations are not supported: send one operation per request"
	if n >= 0 {
		msg = fmt.Sprintf("batched operations are not supported: the request holds %d; send one operation per request", n)
	}
	writeJSON(w, http.StatusBadRequest, errorBody(msg, CodeBatchNotSupported))
}

// neo4jTimeout reports whether err is Neo4j's refusal of a transaction that ran past its
// timeout, which the store sets from the request's deadline.
func neo4jTimeout(err error) bool {
	var e *neo4j.Neo4jError
	return errors.As(err, &e) && strings.Contains(e.Code, "TransactionTimedOut")
}

// apqCache keeps the queries of automatic persisted queries: at most apqEntries, each of at most
// apqMaxQuery bytes (a longer one runs but is not kept, and its client keeps sending it whole),
// so that the cache stays under apqEntries × apqMaxQuery bytes.
type apqCache struct{ lru *lru.LRU[string] }

const (
	apqEntries  = 1000
	apqMaxQuery = 32 << 10
)

func newAPQCache() apqCache { return apqCache{lru.New[string](apqEntries)} }

func (c apqCache) Get(ctx context.Context, hash string) (string, bool) { return c.lru.Get(ctx, hash) }

func (c apqCache) Add(ctx context.Context, hash, query string) {
	if len(query) <= apqMaxQuery {
		c.lru.Add(ctx, hash, query)
	}
}
