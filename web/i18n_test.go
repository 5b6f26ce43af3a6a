package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every error code the API can answer (the schema's UserErrorCode and the Go codes put in
// extensions.code) has a sentence in both of the app's languages, so a new code cannot reach a
// user as a bare code.
func TestEveryErrorCodeHasASentence(t *testing.T) {
	schema, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	enum := regexp.MustCompile(`(?s)enum UserErrorCode \{(.*?)\}`).FindSubmatch(schema)
	if enum == nil {
		t.Fatal("no UserErrorCode in the schema")
	}
	codes := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+([A-Z_]+)\s*$`).FindAllSubmatch(enum[1], -1) {
		codes[string(m[1])] = true
	}
	goCode := regexp.MustCompile(`Code\w*\s+(?:model\.)?Code = "([A-Z_]+)"`)
	for _, dir := range []string{"../model", "../disclosure", "../server"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			src, _ := os.ReadFile(f)
			for _, m := range goCode.FindAllSubmatch(src, -1) {
				codes[string(m[1])] = true
			}
		}
	}
	if len(codes) < 20 {
		t.Fatalf("only %d codes found", len(codes))
	}
	for _, lang := range []string{"it", "en"} {
		catalogue, err := os.ReadFile(filepath.Join("src", "i18n", lang+".ts"))
		if err != nil {
			t.Fatal(err)
		}
		for c := range codes {
			if !strings.Contains(string(catalogue), "'error."+c+"'") {
				t.Errorf("%s.ts has no sentence for the code %s", lang, c)
			}
		}
	}
}
