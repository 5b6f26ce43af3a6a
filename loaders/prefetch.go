package loaders

import (
	"context"
	"iter"
	"reflect"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"snodo/model"
	"snodo/store"
)

// Prefetch is the field middleware that reads a request's relationship fields ahead, level by
// level, with no timer: when a root field (a query or a mutation payload) has resolved, it walks
// the field's selection set (gqlgen's field collection, so fragments count) and, for each depth,
// reads every relationship field the known parents need (fields) in one statement
// (store.ReadParts), putting the answers in the request's loaders. The resolvers then find their
// values in the cache: a request costs one round-trip per level of relationship fields below
// each root field. A field it does not know (case-level data, read through its guard) is left
// to its loader, which gathers keys for a few milliseconds.
func Prefetch(schema *ast.Schema) graphql.FieldMiddleware {
	roots := map[string]bool{}
	for _, d := range []*ast.Definition{schema.Query, schema.Mutation} {
		if d != nil {
			roots[d.Name] = true
		}
	}
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || !roots[fc.Object] || len(fc.Field.Selections) == 0 || fc.Field.Definition == nil {
			return next(ctx)
		}
		l, ok := ctx.Value(ctxKey{}).(*Loaders)
		if !ok {
			return next(ctx)
		}
		w := walk{schema: schema, oc: graphql.GetOperationContext(ctx), l: l, proj: new(projections), gap: new(bool)}
		if schema.Query != nil && fc.Object == schema.Query.Name {
			// A query's lookup or page reads the first level below its nodes with them.
			ctx = store.WithAhead(ctx, &rootAhead{w: w, field: fc.Field})
		}
		res, err := next(ctx)
		if err != nil || res == nil {
			return res, err
		}
		w.run(ctx, []group{{typ: fc.Field.Definition.Type.Name(), values: flatten(nil, reflect.ValueOf(res)), sel: fc.Field.Selections}})
		l.readAhead(!*w.gap)
		return res, err
	}
}

// group is values of one GraphQL type at one depth, with the selection set asked of them.
type group struct {
	typ    string
	values []any
	sel    ast.SelectionSet
}

type walk struct {
	schema *ast.Schema
	oc     *graphql.OperationContext
	l      *Loaders
	proj   *projections // made on first use, shared by the walk's copies
	// gap, shared by the walk's copies, is set when the walk leaves a field with a selection
	// set to its resolver: one it does not know, or whose reading it could not plan.
	gap *bool
}

// maxLevels bounds the walk; the depth limit of the server is far below it.
const maxLevels = 32

func (w walk) run(ctx context.Context, groups []group) {
	defer func() {
		if len(groups) > 0 {
			*w.gap = true // the levels below the last one read are left to their loaders
		}
	}()
	for level := 0; len(groups) > 0 && level < maxLevels; level++ {
		var fetches []*fetch
		queue := groups
		for len(queue) > 0 {
			g := queue[0]
			queue = queue[1:]
			for typ, values := range w.byType(g) {
				for _, f := range graphql.CollectFields(w.oc, g.sel, w.satisfies(typ)) {
					if f.Definition == nil {
						continue
					}
					sp, ok := fields[typ+"."+f.Name]
					if !ok && len(f.Selections) == 0 {
						continue // a property: nothing to read
					}
					if ok {
						if ft := sp.plan(ctx, w, values, f); ft != nil {
							w.derive(ctx, ft, 1)
							fetches = append(fetches, ft)
						} else {
							*w.gap = true
						}
						continue
					}
					// A plain field (a struct field, such as an edge's node): follow it.
					if !plain(values, f.Name) {
						*w.gap = true // a resolver the walk does not know
						continue
					}
					if children := follow(values, f.Name); len(children) > 0 {
						queue = append(queue, group{typ: f.Definition.Type.Name(), values: children, sel: f.Selections})
					}
				}
			}
		}
		var parts []store.Part
		for _, ft := range fetches {
			parts = ft.allParts(parts)
		}
		if err := store.ReadParts(ctx, w.l.store, parts); err != nil {
			*w.gap = true
			return // the resolvers read what they need through their loaders, and report the error
		}
		if f := ObserveBatch; f != nil && len(parts) > 0 {
			f(len(parts)) // a read ahead is a batch too: the parts of one statement
		}
		groups = nil
		for _, ft := range fetches {
			// The children go to the next level, where the fields read ahead with them are
			// in the cache: only what could not be derived is read then.
			if children := ft.deliverAll(); len(children) > 0 {
				groups = append(groups, group{typ: ft.typ, values: children, sel: ft.sel})
			}
		}
	}
}

// maxDerived is how many levels below a read field are read in the same statement.
const maxDerived = 3

// derive plans, in the statement of ft, the relationship fields its children are asked for
// whose parents are nodes related through ft's field (not a page of them, nor a key they hold).
func (w walk) derive(ctx context.Context, ft *fetch, depth int) {
	if ft.source == nil || depth > maxDerived {
		return
	}
	d := w.schema.Types[ft.typ]
	if d == nil || d.Kind != ast.Object {
		return
	}
	for _, f := range graphql.CollectFields(w.oc, ft.sel, w.satisfies(ft.typ)) {
		if f.Definition == nil {
			continue
		}
		if sp, ok := fields[ft.typ+"."+f.Name]; ok {
			if dft := sp.derive(ctx, w, *ft.source, f); dft != nil {
				w.derive(ctx, dft, depth+1)
				ft.derived = append(ft.derived, dft)
			}
		}
	}
}

// byType splits a group by concrete type when its type is an interface or a union: it yields
// each type with its values (an object type's group as it is, with no map made for it).
func (w walk) byType(g group) iter.Seq2[string, []any] {
	return func(yield func(string, []any) bool) {
		if d := w.schema.Types[g.typ]; d == nil || d.Kind == ast.Object {
			yield(g.typ, g.values)
			return
		}
		out := map[string][]any{}
		for _, v := range g.values {
			t := reflect.TypeOf(v)
			for t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			out[t.Name()] = append(out[t.Name()], v)
		}
		for typ, values := range out {
			if !yield(typ, values) {
				return
			}
		}
	}
}

func (w walk) satisfies(typ string) []string { return satisfies(w.schema, typ) }

// satisfies is the type and the interfaces it implements: the types whose fields apply to it.
func satisfies(schema *ast.Schema, typ string) []string {
	out := []string{typ}
	if d := schema.Types[typ]; d != nil {
		for _, i := range schema.GetImplements(d) {
			out = append(out, i.Name)
		}
	}
	return out
}

// fetch is the reading of one field for the parents of one group: the parts to read, and what
// to do with the answers (prime the loaders), giving the values for the next level.
type fetch struct {
	parts   []store.Part
	deliver func() []any
	typ     string
	sel     ast.SelectionSet
	// source, when set, is where the children come from in Cypher, for fields derived from it.
	source *store.Source
	// derived are fields of the children read in the same statement; their deliver primes the
	// loaders for the children given.
	derived []*fetch
	forKids func(children []any) []any
	// fetchedKids are the children read by this fetch (not found in the cache): the parents
	// that the derived fields were read for.
	fetchedKids []any
}

func (ft *fetch) allParts(parts []store.Part) []store.Part {
	parts = append(parts, ft.parts...)
	for _, d := range ft.derived {
		parts = d.allParts(parts)
	}
	return parts
}

func (ft *fetch) deliverAll() []any {
	children := ft.deliver()
	ft.deliverDerived(ft.fetchedKids)
	return children
}

func (ft *fetch) deliverDerived(children []any) {
	for _, d := range ft.derived {
		d.deliverDerived(d.forKids(children))
	}
}

// spec is a relationship field the walk knows: how to plan its reading for some parents.
type spec interface {
	plan(ctx context.Context, w walk, parents []any, f graphql.CollectedField) *fetch
	// derive plans the field for the parents of a source, which are known only once read:
	// forKids primes the loaders for them and gives their values. nil when it cannot.
	derive(ctx context.Context, w walk, src store.Source, f graphql.CollectedField) *fetch
}

// listSpec is a field read through List or One.
type listSpec[T any] struct{ rel *store.Rel[T] }

func (s listSpec[T]) plan(ctx context.Context, w walk, parents []any, f graphql.CollectedField) *fetch {
	b := listLoader(ctx, s.rel)
	var known []T
	var ids []string
	for _, id := range keys(parents, idOf) {
		if v, ok := b.peek(id); ok {
			known = append(known, v...)
		} else if !b.has(id) {
			ids = append(ids, id)
		} else {
			*w.gap = true // being read by a loader: its children are not walked
		}
	}
	part := &store.RelatedPart[T]{Rel: s.rel, From: store.Keys(ids), Props: w.props(s.rel)}
	src := store.Via(part.From, s.rel)
	ft := &fetch{typ: f.Definition.Type.Name(), sel: f.Selections, source: &src}
	ft.deliver = func() []any {
		out := make([]any, 0, len(known))
		for _, v := range known {
			out = append(out, v)
		}
		for _, id := range ids {
			b.prime(id, part.Out[id])
			for _, v := range part.Out[id] {
				out = append(out, v)
				ft.fetchedKids = append(ft.fetchedKids, v)
			}
		}
		return out
	}
	if len(ids) > 0 {
		ft.parts = []store.Part{part}
	} else {
		ft.source = nil // nothing read here: the next level reads what the children need
	}
	return ft
}

func (s listSpec[T]) derive(ctx context.Context, w walk, from store.Source, f graphql.CollectedField) *fetch {
	b := listLoader(ctx, s.rel)
	part := &store.RelatedPart[T]{Rel: s.rel, From: from, Props: w.props(s.rel)}
	src := store.Via(from, s.rel)
	return &fetch{typ: f.Definition.Type.Name(), sel: f.Selections, source: &src, parts: []store.Part{part},
		forKids: func(parents []any) []any {
			// The parents are exactly the source's nodes, so the part read each of them.
			var out []any
			for _, id := range keys(parents, idOf) {
				b.prime(id, part.Out[id])
				for _, x := range part.Out[id] {
					out = append(out, x)
				}
			}
			return out
		}}
}

// pageSpec is a connection field read through Page, with the page its arguments ask.
type pageSpec[T any] struct {
	rel *store.Rel[T]
	// ends, when set, primes the loader of the related nodes' kind with the nodes the page
	// read: a membership's partnership, or its actor.
	ends func(ctx context.Context, part *store.PagePart[T])
}

func (s pageSpec[T]) plan(ctx context.Context, w walk, parents []any, f graphql.CollectedField) *fetch {
	p, ok := pageOf(f.ArgumentMap(w.oc.Variables))
	if !ok {
		return nil // the resolver reports the arguments' error
	}
	pages, counts := pageLoader(ctx, s.rel), countLoader(ctx, s.rel)
	wantCount := asks(f.Selections, "totalCount")
	var known []any
	var ids, countIDs []string
	for _, id := range keys(parents, idOf) {
		if c, ok := pages.peek(keyOf(id, p)); ok {
			known = append(known, c)
		} else if !pages.has(keyOf(id, p)) {
			ids = append(ids, id)
		} else {
			*w.gap = true
		}
		if wantCount && !counts.has(id) {
			countIDs = append(countIDs, id)
		}
	}
	part := &store.PagePart[T]{Rel: s.rel, From: store.Keys(ids), Page: p}
	count := &store.CountPart[T]{Rel: s.rel, From: store.Keys(countIDs)}
	ft := &fetch{typ: f.Definition.Type.Name(), sel: f.Selections, deliver: func() []any {
		out := known
		for _, id := range ids {
			c := part.Of(id)
			pages.prime(keyOf(id, p), c)
			out = append(out, c)
		}
		for _, id := range countIDs {
			counts.prime(id, count.Out[id])
		}
		if s.ends != nil && len(ids) > 0 {
			s.ends(ctx, part)
		}
		return out
	}}
	if len(ids) > 0 {
		ft.parts = append(ft.parts, part)
	}
	if len(countIDs) > 0 {
		ft.parts = append(ft.parts, count)
	}
	return ft
}

func (s pageSpec[T]) derive(ctx context.Context, w walk, from store.Source, f graphql.CollectedField) *fetch {
	p, ok := pageOf(f.ArgumentMap(w.oc.Variables))
	if !ok {
		return nil
	}
	pages, counts := pageLoader(ctx, s.rel), countLoader(ctx, s.rel)
	part := &store.PagePart[T]{Rel: s.rel, From: from, Page: p}
	ft := &fetch{typ: f.Definition.Type.Name(), sel: f.Selections, parts: []store.Part{part}}
	var count *store.CountPart[T]
	if asks(f.Selections, "totalCount") {
		count = &store.CountPart[T]{Rel: s.rel, From: from}
		ft.parts = append(ft.parts, count)
	}
	ft.forKids = func(parents []any) []any {
		var out []any
		for _, id := range keys(parents, idOf) {
			c := part.Of(id)
			pages.prime(keyOf(id, p), c)
			out = append(out, c)
			if count != nil {
				counts.prime(id, count.Out[id])
			}
		}
		if s.ends != nil {
			s.ends(ctx, part)
		}
		return out
	}
	return ft
}

// getSpec is a field read through Get, by a key the parent holds.
type getSpec[T any] struct {
	kind store.Kind[T]
	key  func(parent any) string
}

func (s getSpec[T]) plan(ctx context.Context, w walk, parents []any, f graphql.CollectedField) *fetch {
	b := getLoader(ctx, s.kind)
	var known []any
	var ids []string
	for _, id := range keys(parents, s.key) {
		if v, ok := b.peek(id); ok {
			known = append(known, v)
		} else if !b.has(id) {
			ids = append(ids, id)
		} else {
			*w.gap = true
		}
	}
	part := &store.GetPart[T]{Kind: s.kind, IDs: ids}
	ft := &fetch{typ: f.Definition.Type.Name(), sel: f.Selections, deliver: func() []any {
		out := known
		for _, id := range ids {
			v, ok := part.Out[id]
			b.prime(id, v)
			if ok {
				out = append(out, v)
			}
		}
		return out
	}}
	if len(ids) > 0 {
		ft.parts = []store.Part{part}
	}
	return ft
}

// derive: a key the parent holds is known only from the parent's value.
func (s getSpec[T]) derive(context.Context, walk, store.Source, graphql.CollectedField) *fetch {
	return nil
}

// mayChangeSpec is viewerCanEdit, read through MayChange: whether the viewer may change each
// parent, a node of the label.
type mayChangeSpec struct{ label string }

func (s mayChangeSpec) plan(ctx context.Context, w walk, parents []any, f graphql.CollectedField) *fetch {
	b := mayChangeLoader(ctx, s.label)
	var ids []string
	for _, id := range keys(parents, idOf) {
		if !b.has(id) {
			ids = append(ids, id)
		}
	}
	part := &store.MayChangePart{Label: s.label, From: store.Keys(ids)}
	ft := &fetch{typ: f.Definition.Type.Name(), deliver: func() []any {
		for _, id := range ids {
			b.prime(id, part.Out[id])
		}
		return nil
	}}
	if len(ids) > 0 {
		ft.parts = []store.Part{part}
	}
	return ft
}

func (s mayChangeSpec) derive(ctx context.Context, w walk, from store.Source, f graphql.CollectedField) *fetch {
	b := mayChangeLoader(ctx, s.label)
	part := &store.MayChangePart{Label: s.label, From: from}
	return &fetch{typ: f.Definition.Type.Name(), parts: []store.Part{part}, forKids: func(parents []any) []any {
		for _, id := range keys(parents, idOf) {
			b.prime(id, part.Out[id])
		}
		return nil
	}}
}

// fields are the fields the walk reads ahead, by "Type.field": the directory's relationship
// fields, whose reading has no guard, and viewerCanEdit. Case-level fields are read through
// their guards, by their loaders.
var fields = map[string]spec{
	"Service.provider":            listSpec[*model.Actor]{&store.ServiceProvider},
	"Service.category":            listSpec[*model.ServiceCategory]{&store.ServiceCategory},
	"Service.needs":               listSpec[*model.Need]{&store.ServiceNeeds},
	"Service.zones":               listSpec[*model.Zone]{&store.ServiceZones},
	"Actor.zones":                 listSpec[*model.Zone]{&store.ActorZones},
	"Actor.parent":                listSpec[*model.Actor]{&store.ActorParent},
	"Actor.children":              pageSpec[*model.Actor]{rel: &store.ActorChildren},
	"Actor.services":              pageSpec[*model.Service]{rel: &store.ActorServices},
	"Actor.partnerships":          pageSpec[*model.Membership]{rel: &store.ActorMemberships, ends: primeEnds(store.PartnershipKind)},
	"Need.broader":                listSpec[*model.Need]{&store.NeedBroader},
	"Need.narrower":               listSpec[*model.Need]{&store.NeedNarrower},
	"Need.services":               pageSpec[*model.Service]{rel: &store.NeedServices},
	"ServiceCategory.broader":     listSpec[*model.ServiceCategory]{&store.CategoryBroader},
	"ServiceCategory.narrower":    listSpec[*model.ServiceCategory]{&store.CategoryNarrower},
	"Partnership.zones":           listSpec[*model.Zone]{&store.PartnershipZones},
	"Partnership.parent":          listSpec[*model.Partnership]{&store.PartnershipParent},
	"Partnership.subPartnerships": listSpec[*model.Partnership]{&store.PartnershipChildren},
	"Partnership.members":         pageSpec[*model.Membership]{rel: &store.PartnershipMembers, ends: primeEnds(store.ActorKind)},
	"Zone.parents":                listSpec[*model.Zone]{&store.ZoneParents},
	"Zone.children":               pageSpec[*model.Zone]{rel: &store.ZoneChildren},
	"Zone.actors":                 pageSpec[*model.Actor]{rel: &store.ZoneActors},
	"Zone.services":               pageSpec[*model.Service]{rel: &store.ZoneServices},
	"Membership.actor":            getSpec[*model.Actor]{store.ActorKind, func(p any) string { return p.(*model.Membership).ActorID }},
	"Membership.partnership":      getSpec[*model.Partnership]{store.PartnershipKind, func(p any) string { return p.(*model.Membership).PartnershipID }},
	"Zone.viewerCanEdit":          mayChangeSpec{"Zone"},
	"Actor.viewerCanEdit":         mayChangeSpec{"Actor"},
	"Service.viewerCanEdit":       mayChangeSpec{"Service"},
	"Partnership.viewerCanEdit":   mayChangeSpec{"Partnership"},
	"Route.viewerCanEdit":         mayChangeSpec{"Route"},
	"PathwayModel.viewerCanEdit":  mayChangeSpec{"PathwayModel"},
}

// primeEnds primes the loader of kind k with the related nodes of a membership page.
func primeEnds[K any](k store.Kind[K]) func(ctx context.Context, part *store.PagePart[*model.Membership]) {
	return func(ctx context.Context, part *store.PagePart[*model.Membership]) {
		b := getLoader(ctx, k)
		for id, v := range store.EndNodes(part, k) {
			b.prime(id, v)
		}
	}
}

// idOf is the key of a directory node.
func idOf(v any) string {
	switch v := v.(type) {
	case *model.Service:
		return v.ID
	case *model.Actor:
		return v.ID
	case *model.Zone:
		return v.ID
	case *model.Need:
		return v.ID
	case *model.ServiceCategory:
		return v.ID
	case *model.Partnership:
		return v.ID
	case *model.Route:
		return v.ID
	case *model.PathwayModel:
		return v.ID
	}
	return ""
}

// keys are the distinct non-empty keys of the parents.
func keys(parents []any, key func(any) string) []string {
	seen := make(map[string]bool, len(parents))
	out := make([]string, 0, len(parents))
	for _, p := range parents {
		if k := key(p); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// pageOf reads a connection field's Relay arguments as its resolver does.
func pageOf(args map[string]any) (store.Page, bool) {
	num := func(name string) (*int, bool) {
		switch v := args[name].(type) {
		case nil:
			return nil, true
		case int:
			return &v, true
		case int64:
			n := int(v)
			return &n, true
		}
		return nil, false
	}
	str := func(name string) (*string, bool) {
		switch v := args[name].(type) {
		case nil:
			return nil, true
		case string:
			return &v, true
		}
		return nil, false
	}
	first, ok1 := num("first")
	last, ok2 := num("last")
	after, ok3 := str("after")
	before, ok4 := str("before")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return store.Page{}, false
	}
	p, err := store.NewPage(first, after, last, before)
	return p, err == nil
}

// asks reports whether the selection set asks the field directly.
func asks(sel ast.SelectionSet, name string) bool {
	for _, s := range sel {
		if f, ok := s.(*ast.Field); ok && f.Name == name {
			return true
		}
	}
	return false
}

// follow reads the struct field of each value that the GraphQL field names (gqlgen binds a
// field to the struct field of the same name, case aside), flattening lists.
func follow(values []any, name string) []any {
	var out []any
	for _, v := range values {
		rv := reflect.ValueOf(v)
		for rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				break
			}
			rv = rv.Elem()
		}
		if rv.Kind() != reflect.Struct {
			continue
		}
		i, ok := fieldIndex(rv.Type(), name)
		if !ok {
			continue
		}
		out = flatten(out, rv.Field(i))
	}
	return out
}

// plain reports whether the GraphQL field is a struct field of the values (what follow reads),
// not a resolver: true when there is no value to tell.
func plain(values []any, name string) bool {
	if len(values) == 0 {
		return true
	}
	t := reflect.TypeOf(values[0])
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	_, ok := fieldIndex(t, name)
	return ok
}

// flatten appends the value, or each element of a list, leaving out nils and scalars.
func flatten(out []any, rv reflect.Value) []any {
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			out = flatten(out, rv.Index(i))
		}
	case reflect.Pointer, reflect.Interface:
		switch {
		case rv.IsNil():
		case rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Struct:
			out = append(out, rv.Interface()) // the pointer, as the resolvers have it
		default:
			out = flatten(out, rv.Elem())
		}
	case reflect.Struct:
		if rv.CanInterface() {
			out = append(out, rv.Interface())
		}
	}
	return out
}

var fieldIndexes sync.Map // fieldRef → int (-1 when none)

type fieldRef struct {
	t    reflect.Type
	name string
}

func fieldIndex(t reflect.Type, name string) (int, bool) {
	if i, ok := fieldIndexes.Load(fieldRef{t, name}); ok {
		return i.(int), i.(int) >= 0
	}
	idx := -1
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && strings.EqualFold(f.Name, name) {
			idx = i
			break
		}
	}
	fieldIndexes.Store(fieldRef{t, name}, idx)
	return idx, idx >= 0
}
