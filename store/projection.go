package store

import (
	"sort"
	"strings"
)

// fieldProps are, by GraphQL type and field, the node properties a field's answer is made of,
// for the fields whose answer is nothing else: a relationship field read ahead needs only the
// related nodes' properties its selection asks (Projection). A field not listed here (a meta
// field, a computed one, one with a guard) needs the whole node. The ID is always read.
var fieldProps = map[string]map[string][]string{
	"Service": {
		"name": {"name"}, "description": {"description"}, "channel": {"channel"}, "status": {"status"},
		"languages": {"languages"}, "minAge": {"minAge"}, "maxAge": {"maxAge"},
		"accessConditions": {"accessConditions"}, "requiredDocuments": {"requiredDocuments"},
		// what a confidential service hides from public readers: read with the flag that hides it
		"capacity": {"capacity"}, "freePlaces": {"freePlaces"}, "address": {"address"},
	},
	"Actor":           {"name": {"name"}, "kind": {"kind"}, "description": {"description"}, "taxCode": {"taxCode"}, "status": {"status"}},
	"Zone":            {"name": {"name"}, "kind": {"kind"}, "istatCode": {"istatCode"}, "status": {"status"}},
	"Need":            {"code": {"code"}, "labelIt": {"labelIt"}, "labelEn": {"labelEn"}},
	"ServiceCategory": {"code": {"code"}, "labelIt": {"labelIt"}, "labelEn": {"labelEn"}},
	"Partnership":     {"title": {"title"}, "kind": {"kind"}, "status": {"status"}},
}

// alwaysProps are read with any projection of the type: the key, and the flag of what a
// public reader may not see of a confidential service (store.Visible).
var alwaysProps = map[string][]string{"Service": {"id", "confidential"}}

// Projection is the set of properties of a node of a GraphQL type that fields of it need, built
// up field by field; Whole is true once a field needs the whole node.
type Projection struct {
	typ   string
	props map[string]bool
	Whole bool
}

// NewProjection starts an empty projection of nodes of the type; a type with no table of
// fields is read whole.
func NewProjection(typ string) *Projection {
	p := &Projection{typ: typ, props: map[string]bool{"id": true}}
	if _, ok := fieldProps[typ]; !ok {
		p.Whole = true
	}
	for _, k := range alwaysProps[typ] {
		p.props[k] = true
	}
	return p
}

// Ask adds what the field needs; related reports a relationship field read from the node's
// key, which needs nothing more.
func (p *Projection) Ask(field string, related bool) {
	switch {
	case p.Whole, field == "id", field == "__typename", related:
	default:
		ks, ok := fieldProps[p.typ][field]
		if !ok {
			p.Whole = true
			return
		}
		for _, k := range ks {
			p.props[k] = true
		}
	}
}

// Props lists the properties, nil when the whole node is needed.
func (p *Projection) Props() []string {
	if p == nil || p.Whole {
		return nil
	}
	out := make([]string, 0, len(p.props))
	for k := range p.props {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// projectionOf is the list of the properties of the node variable, in order (the variable
// itself, the whole node, when none): a list rather than a map projection, so that neither
// Neo4j nor the driver writes and reads the properties' names again for every node (nodeOf
// puts them back).
func projectionOf(node string, props []string) string {
	if len(props) == 0 {
		return node
	}
	return "[" + node + "." + strings.Join(props, ", "+node+".") + "]"
}
