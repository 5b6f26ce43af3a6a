package store

import (
	"reflect"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
	"snodo/relay"
)

func TestSearchQuery(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"   \t\n", ""},
		{"!!! ... ???", ""},
		{"Follonica", "follonica*"},
		{"follon", "follon*"},
		{"  Colline   Metallifere ", "colline* AND metallifere*"},
		{"Società della Salute", "societa* AND della* AND salute*"},
		{"CITTÀ", "citta*"},
		{"perché più già", "perche* AND piu* AND gia*"},
		{"Caffe\u0300 decomposed", "caffe* AND decomposed*"}, // è as e + combining grave
		{"l'Aquila", "l* AND aquila*"},
		{"Forlì-Cesena", "forli* AND cesena*"},
		{"053009", "053009*"},
		{"via Roma 12/b", "via* AND roma* AND 12* AND b*"},
		{"Ελλάδα", "ελλαδα*"},
		{"Москва", "москва*"},
		{"مرحبا", "مرحبا*"},
		// Lucene's syntax is stripped, so a typed query can neither fail to parse nor widen.
		{`name:foo`, "name* AND foo*"},
		{`"exact phrase"`, "exact* AND phrase*"},
		{`+must -not`, "must* AND not*"},
		{`foo AND bar OR baz NOT qux`, "foo* AND and* AND bar* AND or* AND baz* AND not* AND qux*"},
		{`(a || b) && c`, "a* AND b* AND c*"},
		{`fuzzy~2 boost^3`, "fuzzy* AND 2* AND boost* AND 3*"},
		{`wild*card? *`, "wild* AND card*"},
		// Lucene refuses prefixes of a thousand characters and queries of 1024 clauses.
		{strings.Repeat("é", 20000), strings.Repeat("e", searchWordRunes) + "*"},
		{strings.Repeat("a ", 2000), strings.TrimSuffix(strings.Repeat("a* AND ", searchWords), " AND ")},
		{`[a TO z] {b TO y}`, "a* AND to* AND z* AND b* AND to* AND y*"},
		{`/regex.*/`, "regex*"},
		{`back\slash`, "back* AND slash*"},
		{`a:b\c/d!e(f)g[h]i{j}k^l"m~n*o?p+q-r&s|t`, "a* AND b* AND c* AND d* AND e* AND f* AND g* AND h* AND i* AND j* AND k* AND l* AND m* AND n* AND o* AND p* AND q* AND r* AND s* AND t*"},
		{"emoji 🙂 ok", "emoji* AND ok*"},
	}
	for _, c := range cases {
		if got := searchQuery(c.in); got != c.want {
			t.Errorf("searchQuery(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// searchQuery's output holds only folded words, each ending in *, joined by " AND ".
func TestSearchQueryShape(t *testing.T) {
	inputs := []string{
		`Società "Salute" (Grosseto) && name:x~ ^2 [*]`,
		`\u0000 \" \\ ' ; -- MATCH (n) DETACH DELETE n`,
		strings.Repeat("ab-", 50),
	}
	for _, in := range inputs {
		q := searchQuery(in)
		if q == "" {
			t.Errorf("searchQuery(%q) is empty", in)
			continue
		}
		for _, term := range strings.Split(q, " AND ") {
			word, ok := strings.CutSuffix(term, "*")
			if !ok || word == "" {
				t.Errorf("searchQuery(%q): term %q is not a word and a *", in, term)
				continue
			}
			for _, r := range word {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127) {
					t.Errorf("searchQuery(%q): term %q holds %q", in, term, r)
				}
			}
			if word != strings.ToLower(word) {
				t.Errorf("searchQuery(%q): term %q is not lower-case", in, term)
			}
		}
	}
}

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Società":       "societa",
		"ÀÈÌÒÙ àèìòù":   "aeiou aeiou",
		"Ñandú Çà":      "nandu ca",
		"already plain": "already plain",
	}
	for in, want := range cases {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// The full-text indexes use Neo4j's standard-folding analyzer (Lucene's ASCIIFoldingFilter),
// which also folds letters that have no Unicode decomposition; Lucene does not analyze prefix
// terms, so searchQuery must fold them itself for "Łódź" to find "Łódź".
func TestFoldLettersWithoutDecomposition(t *testing.T) {
	cases := map[string]string{"Łódź": "lodz", "Straße": "strasse", "Søndergård": "sondergard", "Æbeltoft": "aebeltoft", "Œuvre": "oeuvre", "Đakovo": "dakovo"}
	for in, want := range cases {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q as the index folds it", in, got, want)
		}
	}
}

func TestQueryText(t *testing.T) {
	q := newQuery("Zone")
	if got := q.text(); got != "MATCH (n:Zone)" {
		t.Errorf("a query with no predicate is %q", got)
	}
	q.where("n.kind IN $kinds", "kinds", []string{"REGION"})
	q.where("n.istatCode IS NOT NULL", "", nil)
	if got, want := q.text(), "MATCH (n:Zone) WHERE n.kind IN $kinds AND n.istatCode IS NOT NULL"; got != want {
		t.Errorf("text() = %q, want %q", got, want)
	}
	if len(q.params) != 1 || q.params["kinds"] == nil {
		t.Errorf("params %v", q.params)
	}

	q.search(&model.Check{}, "zone_search", nil)
	q.search(&model.Check{}, "zone_search", testPtr("  ?! "))
	if strings.Contains(q.text(), "fulltext") || q.params["search"] != nil {
		t.Errorf("a search with no word changes the query: %q %v", q.text(), q.params)
	}
	q.search(&model.Check{}, "zone_search", testPtr("Follonica"))
	want := "CALL db.index.fulltext.queryNodes('zone_search', $search) YIELD node AS n WHERE n.kind IN $kinds AND n.istatCode IS NOT NULL"
	if got := q.text(); got != want {
		t.Errorf("text() = %q, want %q", got, want)
	}
	if q.params["search"] != "follonica*" {
		t.Errorf("the search parameter is %v", q.params["search"])
	}
}

func testPtr[T any](v T) *T { return &v }

func TestNewPage(t *testing.T) {
	cur := relay.Cursor{Sort: "Follonica", Key: "k1"}.Encode()
	intCur := relay.Cursor{Sort: int64(7), Key: "k2"}.Encode()
	cases := []struct {
		name        string
		first, last *int
		after       *string
		before      *string
		want        Page
		code        model.Code // "" for no error
	}{
		{name: "defaults", want: Page{Size: DefaultPageSize}},
		{name: "first", first: testPtr(5), want: Page{Size: 5}},
		{name: "first 0", first: testPtr(0), want: Page{Size: 0}},
		{name: "first 100", first: testPtr(MaxPageSize), want: Page{Size: MaxPageSize}},
		{name: "first 101", first: testPtr(MaxPageSize + 1), code: model.CodeInvalidPagination},
		{name: "first -1", first: testPtr(-1), code: model.CodeInvalidPagination},
		{name: "last", last: testPtr(3), want: Page{Size: 3, Backward: true}},
		{name: "last 0", last: testPtr(0), want: Page{Size: 0, Backward: true}},
		{name: "last 101", last: testPtr(101), code: model.CodeInvalidPagination},
		{name: "last -5", last: testPtr(-5), code: model.CodeInvalidPagination},
		{name: "after alone", after: &cur, want: Page{Size: DefaultPageSize, Cursor: &relay.Cursor{Sort: "Follonica", Key: "k1"}}},
		{name: "first and after", first: testPtr(2), after: &intCur, want: Page{Size: 2, Cursor: &relay.Cursor{Sort: int64(7), Key: "k2"}}},
		{name: "before alone", before: &cur, want: Page{Size: DefaultPageSize, Backward: true, Cursor: &relay.Cursor{Sort: "Follonica", Key: "k1"}}},
		{name: "last and before", last: testPtr(4), before: &intCur, want: Page{Size: 4, Backward: true, Cursor: &relay.Cursor{Sort: int64(7), Key: "k2"}}},
		{name: "first and last", first: testPtr(1), last: testPtr(1), code: model.CodeInvalidPagination},
		{name: "first and before", first: testPtr(1), before: &cur, code: model.CodeInvalidPagination},
		{name: "last and after", last: testPtr(1), after: &cur, code: model.CodeInvalidPagination},
		{name: "after and before", after: &cur, before: &cur, code: model.CodeInvalidPagination},
		{name: "mixing before a bad cursor", first: testPtr(1), last: testPtr(1), after: testPtr("junk"), code: model.CodeInvalidPagination},
		{name: "bad after", after: testPtr("junk"), code: model.CodeInvalidCursor},
		{name: "empty after", after: testPtr(""), code: model.CodeInvalidCursor},
		{name: "bad before", last: testPtr(2), before: testPtr("%%%"), code: model.CodeInvalidCursor},
		{name: "global ID as cursor", after: testPtr(relay.GlobalID("Zone", "k1")), code: model.CodeInvalidCursor},
		{name: "bad size before bad cursor", first: testPtr(500), after: testPtr("junk"), code: model.CodeInvalidPagination},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := NewPage(c.first, c.after, c.last, c.before)
			if c.code != "" {
				if err == nil {
					t.Fatalf("no error; page %+v", p)
				}
				if got := model.ErrorCode(err); got != c.code {
					t.Errorf("code %s, want %s (%v)", got, c.code, err)
				}
				if err.Error() == "" {
					t.Error("the error has no message")
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v (code %s)", err, model.ErrorCode(err))
			}
			if !reflect.DeepEqual(p, c.want) {
				t.Errorf("page %+v (cursor %+v), want %+v (cursor %+v)", p, p.Cursor, c.want, c.want.Cursor)
			}
		})
	}
}

func TestNewPageNamesTheBadSize(t *testing.T) {
	_, err := NewPage(testPtr(250), nil, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "250") || !strings.Contains(err.Error(), "100") {
		t.Errorf("the error %v does not say the size and the limit", err)
	}
}

func TestPageWindow(t *testing.T) {
	cur := &relay.Cursor{Sort: "m", Key: "k"}
	cases := []struct {
		name           string
		page           Page
		desc           bool
		where, orderBy string
	}{
		{"forward ascending", Page{Size: 5}, false, "true", "sortKey ASC, n.id ASC"},
		{"forward descending", Page{Size: 5}, true, "true", "sortKey DESC, n.id DESC"},
		{"backward ascending reads in reverse", Page{Size: 5, Backward: true}, false, "true", "sortKey DESC, n.id DESC"},
		{"backward descending reads in reverse", Page{Size: 5, Backward: true}, true, "true", "sortKey ASC, n.id ASC"},
		{"after, ascending", Page{Size: 5, Cursor: cur}, false,
			"(sortKey > $cursorSort OR (sortKey = $cursorSort AND n.id > $cursorKey))", "sortKey ASC, n.id ASC"},
		{"before, ascending", Page{Size: 5, Backward: true, Cursor: cur}, false,
			"(sortKey < $cursorSort OR (sortKey = $cursorSort AND n.id < $cursorKey))", "sortKey DESC, n.id DESC"},
		{"after, descending", Page{Size: 5, Cursor: cur}, true,
			"(sortKey < $cursorSort OR (sortKey = $cursorSort AND n.id < $cursorKey))", "sortKey DESC, n.id DESC"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			where, orderBy, params := c.page.window(order{expr: "n.name", desc: c.desc})
			if where != c.where || orderBy != c.orderBy {
				t.Errorf("window = %q, %q; want %q, %q", where, orderBy, c.where, c.orderBy)
			}
			if params["pageLimit"] != c.page.Size+1 {
				t.Errorf("pageLimit %v for a page of %d: one more row tells whether there is more", params["pageLimit"], c.page.Size)
			}
			if c.page.Cursor != nil && (params["cursorSort"] != "m" || params["cursorKey"] != "k") {
				t.Errorf("cursor parameters %v", params)
			}
			if c.page.Cursor == nil && len(params) != 1 {
				t.Errorf("parameters without a cursor: %v", params)
			}
		})
	}
}

func TestConnection(t *testing.T) {
	rows := func(ids ...string) []row {
		out := make([]row, len(ids))
		for i, id := range ids {
			out[i] = row{node: neo4j.Node{Props: map[string]any{"id": id}}, sort: "s-" + id}
		}
		return out
	}
	id := func(r row) string { return r.node.Props["id"].(string) }
	nodes := func(c *model.Connection[string]) string {
		var out []string
		for _, e := range c.Edges {
			out = append(out, e.Node)
		}
		return strings.Join(out, ",")
	}
	cases := []struct {
		name           string
		page           Page
		rows           []row
		want           string
		next, previous bool
	}{
		{"first page with more", Page{Size: 2}, rows("a", "b", "c"), "a,b", true, false},
		{"first page, all of it", Page{Size: 3}, rows("a", "b", "c"), "a,b,c", false, false},
		{"after a cursor", Page{Size: 2, Cursor: &relay.Cursor{Key: "x"}}, rows("c", "d"), "c,d", false, true},
		{"last page read in reverse", Page{Size: 2, Backward: true}, rows("e", "d", "c"), "d,e", false, true},
		{"before a cursor", Page{Size: 2, Backward: true, Cursor: &relay.Cursor{Key: "x"}}, rows("b", "a"), "a,b", true, false},
		{"empty", Page{Size: 5}, nil, "", false, false},
		{"size 0", Page{Size: 0}, rows("a"), "", true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn := connection(c.page, c.rows, id)
			if got := nodes(conn); got != c.want {
				t.Errorf("nodes %q, want %q", got, c.want)
			}
			if conn.PageInfo.HasNextPage != c.next || conn.PageInfo.HasPreviousPage != c.previous {
				t.Errorf("hasNextPage %v, hasPreviousPage %v; want %v, %v",
					conn.PageInfo.HasNextPage, conn.PageInfo.HasPreviousPage, c.next, c.previous)
			}
			for _, e := range conn.Edges {
				cur, err := relay.ParseCursor(e.Cursor())
				if err != nil || cur.Key != e.Node || cur.Sort != "s-"+e.Node {
					t.Errorf("the cursor of %s reads %+v, %v", e.Node, cur, err)
				}
			}
			if n := len(conn.Edges); n == 0 {
				if conn.PageInfo.StartCursor != nil || conn.PageInfo.EndCursor != nil {
					t.Error("an empty page has start or end cursors")
				}
			} else if *conn.PageInfo.StartCursor != conn.Edges[0].Cursor() || *conn.PageInfo.EndCursor != conn.Edges[n-1].Cursor() {
				t.Error("the start and end cursors are not those of the first and last edges")
			}
		})
	}
}
