// Package istat reads ISTAT's list of Italian municipalities ("Elenco dei codici e delle
// denominazioni delle unità territoriali") as ISTAT publishes it: semicolon-separated,
// Windows-1252 (Latin-1), CRLF line ends, header cells with line breaks inside quotes, the
// legal population written with a dot as thousands separator. Source: ISTAT (www.istat.it),
// CC BY 3.0 IT.
package istat

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Municipality is one row of the list.
type Municipality struct {
	// Code is the municipality's code (6 digits, "Codice Comune formato alfanumerico").
	Code string
	Name string
	// Province is the historic province code (3 digits), the code Snodo gives a province.
	Province string
	// Unit is the supra-municipal unit (province, metropolitan city, free consortium) code.
	Unit     string
	UnitName string
	Region   string
	// RegionName is the region's name.
	RegionName string
	// Population is the legal population of the last census, when the list gives it.
	Population int
}

// Province is a province (or supra-municipal unit) as the list names it.
type Province struct {
	Code, Unit, UnitName, Region string
}

// Name is the province's name as Snodo writes it: "Provincia di Pisa", "Città metropolitana di
// Firenze", "Libero consorzio comunale di Ragusa".
func (p Province) Name() string {
	switch {
	case strings.HasPrefix(p.Unit, "2"):
		return "Città metropolitana di " + p.UnitName
	case p.Region == "19":
		return "Libero consorzio comunale di " + p.UnitName
	case p.Unit < "200":
		return "Provincia di " + p.UnitName
	}
	return p.UnitName
}

// Edition is a whole list: its municipalities, provinces and regions.
type Edition struct {
	Municipalities []Municipality
	Provinces      map[string]Province // by code
	Regions        map[string]string   // names by code
}

// RowError is a row that cannot be read.
type RowError struct {
	Line    int
	Column  string
	Message string
}

func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("line %d, %s: %s", e.Line, e.Column, e.Message)
}

// The columns read, by the start of their header (whitespace folded).
var columns = map[string]string{
	"region":     "Codice Regione",
	"unit":       "Codice dell'Unità territoriale sovracomunale",
	"province":   "Codice Provincia (Storico)",
	"code":       "Codice Comune formato alfanumerico",
	"name":       "Denominazione in italiano",
	"regionName": "Denominazione regione",
	"unitName":   "Denominazione dell'Unità territoriale sovracomunale",
	"population": "Popolazione legale",
}

var (
	digits    = regexp.MustCompile(`^[0-9]+$`)
	thousands = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{3})*$`)
)

// MaxBytes bounds the file read: an edition is about 1 MB.
const MaxBytes = 32 << 20

// Read reads an edition. Rows that cannot be read are returned as *RowError, all of them, with
// what could be read.
func Read(r io.Reader) (*Edition, []error, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(raw) > MaxBytes {
		return nil, nil, fmt.Errorf("the file is larger than %d MB: not an edition of the list", MaxBytes>>20)
	}
	// ISTAT writes Windows-1252; a copy saved as UTF-8 is read as it is.
	text := raw
	if !utf8.Valid(raw) {
		text, err = charmap.Windows1252.NewDecoder().Bytes(raw)
		if err != nil {
			return nil, nil, err
		}
	}
	text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("no header: %w", err)
	}
	idx := map[string]int{}
	for i, h := range header {
		h = strings.Join(strings.Fields(h), " ")
		for k, prefix := range columns {
			if _, done := idx[k]; !done && strings.HasPrefix(strings.ToLower(h), strings.ToLower(prefix)) {
				idx[k] = i
			}
		}
	}
	for k, prefix := range columns {
		if _, ok := idx[k]; !ok && k != "population" {
			return nil, nil, fmt.Errorf("the header has no column %q: not ISTAT's list of municipalities", prefix)
		}
	}
	ed := &Edition{Provinces: map[string]Province{}, Regions: map[string]string{}}
	var rowErrs []error
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			rowErrs = append(rowErrs, &RowError{Line: line, Message: err.Error()})
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		get := func(k string) string {
			if i, ok := idx[k]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		m := Municipality{Code: get("code"), Name: get("name"), Province: get("province"), Unit: get("unit"),
			UnitName: get("unitName"), Region: get("region"), RegionName: get("regionName")}
		bad := func(col, msg string) { rowErrs = append(rowErrs, &RowError{Line: line, Column: col, Message: msg}) }
		switch {
		case len(m.Code) != 6 || !digits.MatchString(m.Code):
			bad(columns["code"], fmt.Sprintf("%q is not a 6-digit municipality code", m.Code))
			continue
		case len(m.Region) != 2 || !digits.MatchString(m.Region):
			bad(columns["region"], fmt.Sprintf("%q is not a 2-digit region code", m.Region))
			continue
		case len(m.Province) != 3 || !digits.MatchString(m.Province) || len(m.Unit) != 3 || !digits.MatchString(m.Unit):
			bad(columns["province"], fmt.Sprintf("%q, %q are not 3-digit province codes", m.Province, m.Unit))
			continue
		case m.Name == "" || m.RegionName == "" || m.UnitName == "":
			bad(columns["name"], "a name is empty")
			continue
		}
		if p := get("population"); p != "" {
			if !thousands.MatchString(p) && !digits.MatchString(p) {
				bad(columns["population"], fmt.Sprintf("%q is not a population", p))
				continue
			}
			m.Population, _ = strconv.Atoi(strings.ReplaceAll(p, ".", ""))
		}
		if prev, dup := seen[m.Code]; dup {
			bad(columns["code"], fmt.Sprintf("the code %s is on line %d too", m.Code, prev))
			continue
		}
		seen[m.Code] = line
		ed.Municipalities = append(ed.Municipalities, m)
		ed.Provinces[m.Province] = Province{Code: m.Province, Unit: m.Unit, UnitName: m.UnitName, Region: m.Region}
		ed.Regions[m.Region] = m.RegionName
	}
	return ed, rowErrs, nil
}
