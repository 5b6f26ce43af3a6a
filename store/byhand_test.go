package store

import (
	"regexp"
	"testing"
)

// The statement text Snodo reads by hand, where regexps were too slow, tested against them.

// TestReadsPidIsTheWord: readsPid finds pid as the regexp \bpid\b does, and nothing else.
func TestReadsPidIsTheWord(t *testing.T) {
	word := regexp.MustCompile(`\bpid\b`)
	for _, text := range []string{
		"pid", "x.id = pid", "pid = x", "(pid)", "[pid, n]", "$pid", "pid.x",
		"", "pi", "pidx", "xpid", "_pid", "pid_", "p1pid pid2", "rapid", "pid9", "9pid",
		"COLLECT { MATCH (n) WHERE n.id = pidz RETURN n }", "stupid pid", "pidpid",
		"MayChange(pid, 'x')", "a pid", "pid\n", "è pid",
	} {
		if got, want := readsPid(text), word.MatchString(text); got != want {
			t.Errorf("readsPid(%q) = %v, the regexp says %v", text, got, want)
		}
	}
}

// FuzzReadsPid: on any text, readsPid agrees with the regexp it replaces.
func FuzzReadsPid(f *testing.F) {
	word := regexp.MustCompile(`\bpid\b`)
	for _, s := range []string{"pid", "a pid b", "xpid pid", "pidpid"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := readsPid(text), word.MatchString(text); got != want {
			t.Errorf("readsPid(%q) = %v, the regexp says %v", text, got, want)
		}
	})
}

// The regexps that parentEnd and renameParams replace, the reference they are tested against.
var (
	parentPattern = regexp.MustCompile(`^\(:([A-Za-z]+) \{id: pid\}\)`)
	paramRef      = regexp.MustCompile(`\$[A-Za-z_][A-Za-z0-9_]*`)
)

// fromNodeByRegexp is fromNode as it was written with the regexp.
func fromNodeByRegexp(pattern, node string) string {
	if node == "" || parentPattern.FindStringSubmatch(pattern) == nil {
		return pattern
	}
	return "(" + node + ")" + pattern[len(parentPattern.FindString(pattern)):]
}

// renameByRegexp is renameParams as it was written with the regexp.
func renameByRegexp(text string, ps map[string]any, prefix string) string {
	if len(ps) == 0 {
		return text
	}
	return paramRef.ReplaceAllStringFunc(text, func(ref string) string {
		if _, ok := ps[ref[1:]]; ok {
			return "$" + prefix + ref[1:]
		}
		return ref
	})
}

// checkParent fails when parentEnd or fromNode read pattern otherwise than the regexp.
func checkParent(t *testing.T, pattern string) {
	t.Helper()
	want := ""
	if m := parentPattern.FindStringSubmatch(pattern); m != nil {
		want = m[1]
	}
	if got, _ := parentEnd(pattern); got != want {
		t.Errorf("parentEnd(%q) = %q, the regexp says %q", pattern, got, want)
	}
	for _, node := range []string{"", "via1"} {
		if got, want := fromNode(pattern, node), fromNodeByRegexp(pattern, node); got != want {
			t.Errorf("fromNode(%q, %q) = %q, the regexp says %q", pattern, node, got, want)
		}
	}
}

// TestParentEndIsThePattern: the parent at the start of a Rel's pattern is read as the regexp
// read it, and a pattern that starts otherwise is left as it is.
func TestParentEndIsThePattern(t *testing.T) {
	for _, pattern := range []string{
		"(:Service {id: pid})-[:MEETS]->(n:Need)", "(:Actor {id: pid})<-[:PROVIDES]-(n)",
		"(:Zone {id: pid})", "(:Zone {id: pid}", "(: {id: pid})-->(n)", "(:Zone1 {id: pid})-->(n)",
		"(:Zone {id: $pid})-->(n)", "(n:Zone {id: pid})-->(n)", "(:Zone{id: pid})", "", "(", "(:",
		"x(:Zone {id: pid})", "(:Zóne {id: pid})", "(:Zone {id: pid})(:Need {id: pid})",
	} {
		checkParent(t, pattern)
	}
	if got := fromNode("(:Service {id: pid})-[:MEETS]->(n:Need)", "via2"); got != "(via2)-[:MEETS]->(n:Need)" {
		t.Errorf("fromNode = %q", got)
	}
}

// checkRename fails when renameParams renames text otherwise than the regexp, or adds to into
// anything but ps's parameters, prefixed.
func checkRename(t *testing.T, text string, ps map[string]any) {
	t.Helper()
	into := map[string]any{}
	got, want := renameParams(text, ps, "p3_", into), renameByRegexp(text, ps, "p3_")
	if got != want {
		t.Errorf("renameParams(%q, %v) = %q, the regexp says %q", text, ps, got, want)
	}
	if len(into) != len(ps) {
		t.Errorf("renameParams(%q, %v) added %v", text, ps, into)
	}
	for k, v := range ps {
		if into["p3_"+k] != v {
			t.Errorf("renameParams(%q, %v) added %v, not p3_%s", text, ps, into, k)
		}
	}
}

// TestRenameParamsIsThePattern: renameParams renames exactly the parameters the regexp found
// and ps holds: not a longer name that starts with one, not a name without its $.
func TestRenameParamsIsThePattern(t *testing.T) {
	ps := map[string]any{"id": "a", "first": 3, "_x": true, "k9": 1.5}
	for _, text := range []string{
		"", "no parameters", "$id", "n.id = $id", "$id$id", "$idx = $id", "$ids", "id", "$",
		"$$id", "$9id", "$first LIMIT $first", "$_x.$k9", "$k", "$k9z", "($id)", "$id_", "a $ b",
		"[$first, $id, $other]", "$ID", "$é", "x$id",
	} {
		checkRename(t, text, ps)
	}
	checkRename(t, "$id", nil)
	if got := renameParams("n.id = $id AND $idx", map[string]any{"id": 1}, "s0_", map[string]any{}); got != "n.id = $s0_id AND $idx" {
		t.Errorf("renameParams = %q", got)
	}
}

// FuzzStatementText: on any text, parentEnd and renameParams agree with the regexps they
// replace.
func FuzzStatementText(f *testing.F) {
	for _, s := range []string{"(:Zone {id: pid})-->(n)", "n.id = $id AND $idx", "$first$id", "(:A {id: pid"} {
		f.Add(s)
	}
	ps := map[string]any{"id": "a", "first": 3, "i": 0}
	f.Fuzz(func(t *testing.T, text string) {
		checkParent(t, text)
		checkRename(t, text, ps)
	})
}
