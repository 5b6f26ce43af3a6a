package main

import (
	"encoding/json"
	"io"
	"os"
)

// output is where a command writes: the file at path (created or emptied), or standard output
// when path is empty. The caller closes it when done; closing standard output does nothing.
func output(path string) (io.WriteCloser, error) {
	if path == "" {
		return nopCloser{os.Stdout}, nil
	}
	return os.Create(path)
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// printJSON writes v as indented JSON, as the commands print their reports.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
