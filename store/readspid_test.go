package store

import (
	"regexp"
	"testing"
)

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
