// Package csvsafe writes CSV that a spreadsheet opens as data, never as formulas: every CSV
// Snodo writes goes through it.
//
// A spreadsheet runs a cell that starts with =, +, - or @ as a formula (and Excel also one that
// starts with a tab or a carriage return), so a zone named =HYPERLINK("http://evil","x") would
// become a link, and +cmd|' /C calc'!A0 a command. As OWASP recommends, such a cell is written
// with a single quote before it, which the spreadsheet shows as text; encoding/csv then quotes
// the cell as CSV needs. A cell that is a plain number (-3, +1.5) is left as it is.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// Writer is an encoding/csv Writer that neutralises every cell it writes.
type Writer struct{ w *csv.Writer }

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// SetComma sets the separator: ';' for a spreadsheet in Italian, which reads ',' as the decimal
// separator.
func (w *Writer) SetComma(r rune) { w.w.Comma = r }

// SetCRLF ends lines with \r\n, as spreadsheets write them.
func (w *Writer) SetCRLF() { w.w.UseCRLF = true }

// Write writes one record, each cell neutralised.
func (w *Writer) Write(record []string) error {
	safe := make([]string, len(record))
	for i, c := range record {
		safe[i] = Cell(c)
	}
	return w.w.Write(safe)
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error reports any error of a previous Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }

// String writes the records as CSV and returns it.
func String(records [][]string) (string, error) {
	var b strings.Builder
	w := NewWriter(&b)
	for _, r := range records {
		if err := w.Write(r); err != nil {
			return "", err
		}
	}
	w.Flush()
	return b.String(), w.Error()
}

// Cell returns the cell as a spreadsheet may read it safely: with a single quote before it when
// it starts with a character that would make it a formula, unless it is a plain number.
func Cell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil && s[0] != '\t' && s[0] != '\r' && s[0] != '=' && s[0] != '@' {
		return s
	}
	return "'" + s
}

// Uncell reads back a cell Cell wrote: the single quote before a cell that would be a formula
// is dropped, so that a sheet Snodo wrote imports as it was.
func Uncell(s string) string {
	if len(s) > 1 && s[0] == '\'' && Cell(s[1:]) == s {
		return s[1:]
	}
	return s
}
