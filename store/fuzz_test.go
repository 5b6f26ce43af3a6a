package store

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// searchShape is what searchQuery may give: words of letters and digits, each a prefix, joined
// by AND; nothing of Lucene's syntax.
var searchShape = regexp.MustCompile(`^([\p{L}\p{N}]+\*( AND [\p{L}\p{N}]+\*)*)?$`)

// FuzzSearchQuery: whatever a person types, the full-text query holds only folded words as
// prefixes, at most searchWords of them, none longer than searchWordRunes.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"", "Follonica", "Società della Salute", "a AND b OR c", "title:x~2 ^3 \"q\" (a) [b TO c] {d} \\", "*", "?",
		strings.Repeat("a ", 100), strings.Repeat("z", 2000), "\x00\xff", "Ελλάδα", "ǅ", "İstanbul", "ﬁ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		q := searchQuery(text)
		if !utf8.ValidString(q) {
			t.Fatalf("searchQuery(%q) = %q, not UTF-8", text, q)
		}
		if !searchShape.MatchString(q) {
			t.Fatalf("searchQuery(%q) = %q", text, q)
		}
		if q == "" {
			return
		}
		terms := strings.Split(q, " AND ")
		if len(terms) > searchWords {
			t.Fatalf("%d terms", len(terms))
		}
		for _, term := range terms {
			if utf8.RuneCountInString(term) > searchWordRunes+1 {
				t.Fatalf("a term of %d characters", utf8.RuneCountInString(term))
			}
		}
	})
}
