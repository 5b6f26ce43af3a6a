package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"golang.org/x/text/unicode/norm"

	"snodo/model"
)

// query is a list query under construction: a start that binds the node n, predicates on n,
// and the IDs its filter names, which must exist. Every fragment is a constant of this package;
// values from the user only ever travel as parameters.
type query struct {
	label  string // the label of n, while the query starts from it (not from a search)
	of     string // the label of n
	start  string
	conds  []string
	params map[string]any
	refs   []filterRef
}

// filterRef is an ID a filter names: the node must exist, or the query answers NOT_FOUND.
type filterRef struct {
	label, id, field string
}

func newQuery(label string) query {
	return query{label: label, of: label, start: "MATCH (n:" + label + ")", params: map[string]any{}}
}

// where adds a predicate on n, with the parameter it names.
func (q *query) where(cond, param string, value any) {
	q.conds = append(q.conds, cond)
	if param != "" {
		q.params[param] = value
	}
}

// search makes the query start from the full-text index, when the text has any word.
func (q *query) search(c *model.Check, index string, text *string) {
	if text == nil {
		return
	}
	before := len(c.InputErrors)
	if c.Search(text, "filter", "search"); len(c.InputErrors) > before {
		return
	}
	if lucene := searchQuery(*text); lucene != "" {
		q.start = "CALL db.index.fulltext.queryNodes('" + index + "', $search) YIELD node AS n"
		q.label = ""
		q.params["search"] = lucene
	}
}

// mustExist records that the node label with id must exist for the filter to make sense.
func (q *query) mustExist(label, id, field string) {
	q.refs = append(q.refs, filterRef{label, id, field})
}

func (q query) text() string {
	if len(q.conds) == 0 {
		return q.start
	}
	return q.start + " WHERE " + strings.Join(q.conds, " AND ")
}

// check answers NOT_FOUND for the first filter ID with no node, in one round-trip.
func (q query) check(ctx context.Context, tx neo4j.ManagedTransaction) error {
	if len(q.refs) == 0 {
		return nil
	}
	parts := make([]string, len(q.refs))
	params := map[string]any{}
	for i, r := range q.refs {
		parts[i] = fmt.Sprintf("EXISTS { MATCH (:%s {id: $ref%d}) }", r.label, i)
		params[fmt.Sprintf("ref%d", i)] = r.id
	}
	records, err := run(ctx, tx, "RETURN ["+strings.Join(parts, ", ")+"]", params)
	if err != nil {
		return err
	}
	for i, found := range records[0].Values[0].([]any) {
		if found != true {
			r := q.refs[i]
			return model.Errorf(model.CodeNotFound, "%s: no %s has this ID", r.field, r.label)
		}
	}
	return nil
}

// searchQuery turns what a person typed into a Lucene query that matches every word as a
// prefix, accents folded as the full-text indexes fold them, Lucene's syntax escaped. Words
// past searchWords are dropped and each is cut to searchWordRunes, which no name comes near:
// Lucene refuses a prefix longer than about a thousand characters, or a query of more than
// 1024 clauses.
func searchQuery(text string) string {
	var terms []string
	for _, word := range strings.FieldsFunc(fold(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len(terms) == searchWords {
			break
		}
		if r := []rune(word); len(r) > searchWordRunes {
			word = string(r[:searchWordRunes])
		}
		terms = append(terms, word+"*")
	}
	return strings.Join(terms, " AND ")
}

// The words of a search that count, and the characters of each.
const (
	searchWords     = 32
	searchWordRunes = 100
)

// fold lower-cases text and strips its accents ("Società" becomes "societa"), and spells the
// letters that have no decomposition as the index's ASCII folding does (ł as l, ß as ss).
func fold(text string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(text) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if s, ok := asciiFold[r]; ok {
			b.WriteString(s)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

var asciiFold = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i", 'ħ': "h", 'ŧ': "t",
}
