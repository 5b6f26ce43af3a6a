// Package sheet brings services in from a spreadsheet and takes directory lists out to one: the
// template of docs/spreadsheets.md, in Italian, with ';' between cells and UTF-8 with a byte
// order mark, as a spreadsheet in Italian saves a CSV. Rows go in through the same importer as
// an HSDS dataset (store.ImportDirectory), checked by the rules of the mutations.
package sheet

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"snodo/auth"
	"snodo/internal/csvsafe"
	"snodo/model"
	"snodo/store"
)

// The columns of the services template, in order.
const (
	ColID           = "ID"
	ColName         = "Nome"
	ColProvider     = "Ente erogatore"
	ColCategory     = "Categoria"
	ColNeeds        = "Bisogni"
	ColZones        = "Zone"
	ColChannel      = "Canale"
	ColStatus       = "Stato"
	ColDescription  = "Descrizione"
	ColConditions   = "Condizioni di accesso"
	ColAddress      = "Indirizzo"
	ColLatitude     = "Latitudine"
	ColLongitude    = "Longitudine"
	ColDocuments    = "Documenti richiesti"
	ColLanguages    = "Lingue"
	ColMinAge       = "Età minima"
	ColMaxAge       = "Età massima"
	ColLegal        = "Status giuridici"
	ColCapacity     = "Posti totali"
	ColFree         = "Posti liberi"
	ColHours        = "Orari"
	ColConfidential = "Riservato"
	ColVerified     = "Ultima verifica"
)

// Columns are the template's columns; the required ones are marked in docs/spreadsheets.md.
var Columns = []string{ColID, ColName, ColProvider, ColCategory, ColNeeds, ColZones, ColChannel, ColStatus,
	ColDescription, ColConditions, ColAddress, ColLatitude, ColLongitude, ColDocuments, ColLanguages, ColMinAge, ColMaxAge, ColLegal,
	ColCapacity, ColFree, ColHours, ColConfidential, ColVerified}

var required = []string{ColName, ColProvider, ColCategory, ColZones}

// BOM is the byte order mark a spreadsheet writes at the start of a UTF-8 CSV.
const BOM = "\ufeff"

// Template is the services template: the header and one example row.
func Template() []byte {
	var b bytes.Buffer
	b.WriteString(BOM)
	w := csvsafe.NewWriter(&b)
	w.SetComma(';')
	w.SetCRLF()
	_ = w.Write(Columns)
	_ = w.Write([]string{"", "Sportello lavoro per persone migranti", "Centro per l'Impiego di Grosseto", "training_work.orientation",
		"work.orientation, work.job_search", "053011", "SPORTELLO", "attivo", "Orientamento e iscrizione ai servizi per il lavoro.",
		"Maggiorenni in cerca di lavoro", "Via Roma 1, 58100 Grosseto (GR)", "42,7603", "11,1136", "Documento d'identità | Codice fiscale",
		"it, en, fr", "18", "", "RESIDENCE_PERMIT, INTERNATIONAL_PROTECTION", "", "", "LUN 09:00-13:00, GIO 14:30-17:30", "no", "2026-11-02"})
	w.Flush()
	return b.Bytes()
}

// Italian words for the channels, statuses and days the template accepts beside Snodo's own.
var (
	channels = map[string]model.ServiceChannel{
		"SPORTELLO": model.ServiceChannelDesk, "ACCESSO LIBERO": model.ServiceChannelDropIn, "UNITÀ MOBILE": model.ServiceChannelMobileUnit,
		"NUMERO VERDE": model.ServiceChannelHelpline, "LINEA TELEFONICA": model.ServiceChannelHelpline, "OUTREACH": model.ServiceChannelOutreach,
		"ACCOGLIENZA": model.ServiceChannelShelter, "CORSO": model.ServiceChannelCourse, "TIROCINIO": model.ServiceChannelPlacement,
		"ONLINE": model.ServiceChannelOnline,
	}
	statuses = map[string]model.ServiceStatus{
		"ATTIVO": model.ServiceStatusActive, "SOSPESO": model.ServiceStatusSuspended, "ARCHIVIATO": model.ServiceStatusArchived,
	}
	days = map[string]model.Weekday{
		"LUN": model.WeekdayMon, "MAR": model.WeekdayTue, "MER": model.WeekdayWed, "GIO": model.WeekdayThu,
		"VEN": model.WeekdayFri, "SAB": model.WeekdaySat, "DOM": model.WeekdaySun,
	}
	italianDays = map[model.Weekday]string{}
)

func init() {
	for k, v := range days {
		italianDays[v] = k
	}
}

// RowError is a problem of a row: its line in the file, the column, what is wrong.
type RowError struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// Report is what an import of a sheet did, or would do. A sheet with a bad row writes nothing.
type Report struct {
	DryRun    bool                     `json:"dry_run"`
	Rows      int                      `json:"rows"`
	Counts    map[string]int           `json:"counts"`
	Errors    []RowError               `json:"errors"`
	Conflicts []store.DirectoryOutcome `json:"conflicts"`
}

// Options say how to import a sheet. ModifiedAt is when the sheet was saved: a service changed
// in Snodo after it is a conflict and stays as it is.
type Options struct {
	DryRun     bool
	ModifiedAt time.Time
}

// MaxRows bounds a sheet.
const MaxRows = 5000

// namespace makes the key of a row without an ID from its provider and name, so that importing
// the same sheet again finds the same services.
var namespace = uuid.MustParse("9e1d7c3a-4b2f-4a6e-8d15-c7f0a2b3e4d6")

// ImportServices reads a sheet of services by the template and imports it in one transaction.
// Only an administrator imports.
func ImportServices(ctx context.Context, st *store.Store, r io.Reader, opt Options) (*Report, error) {
	if v := auth.From(ctx); v.Role != auth.Admin {
		return nil, model.Errorf(model.CodeForbidden, "only an administrator imports a sheet")
	}
	raw, err := io.ReadAll(io.LimitReader(r, 16<<20+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > 16<<20 {
		return nil, model.Errorf(model.CodeBadUserInput, "the sheet is larger than 16 MB")
	}
	raw = bytes.TrimPrefix(raw, []byte(BOM))
	cr := csv.NewReader(bytes.NewReader(raw))
	cr.Comma = ';'
	cr.FieldsPerRecord = -1
	rep := &Report{DryRun: opt.DryRun, Counts: map[string]int{}, Errors: []RowError{}, Conflicts: []store.DirectoryOutcome{}}
	header, err := cr.Read()
	if err != nil {
		return nil, model.Errorf(model.CodeBadUserInput, "the sheet has no header row: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, c := range required {
		if _, ok := col[c]; !ok {
			rep.Errors = append(rep.Errors, RowError{Line: 1, Column: c, Message: "the header lacks this column of the template"})
		}
	}
	if len(rep.Errors) > 0 {
		return rep, nil
	}
	type row struct {
		line int
		get  func(string) string
	}
	var rows []row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			rep.Errors = append(rep.Errors, RowError{Line: line, Message: "not a CSV row: " + err.Error()})
			continue
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		if len(rows) == MaxRows {
			rep.Errors = append(rep.Errors, RowError{Line: line, Message: fmt.Sprintf("a sheet holds at most %d rows", MaxRows)})
			break
		}
		rows = append(rows, row{line: line, get: func(c string) string {
			if i, ok := col[c]; ok && i < len(rec) {
				return csvsafe.Uncell(strings.TrimSpace(rec[i]))
			}
			return ""
		}})
	}
	rep.Rows = len(rows)
	res, err := newResolver(ctx, st)
	if err != nil {
		return nil, err
	}
	var recs []store.DirectoryRecord
	modified := opt.ModifiedAt
	for _, r := range rows {
		rec, errs := res.service(ctx, r.line, r.get, modified)
		rep.Errors = append(rep.Errors, errs...)
		if rec != nil {
			recs = append(recs, *rec)
		}
	}
	if len(rep.Errors) > 0 || len(recs) == 0 {
		return rep, nil
	}
	outcomes, err := st.ImportDirectory(ctx, recs, opt.DryRun)
	var re *store.RecordError
	if errors.As(err, &re) {
		line, _ := strconv.Atoi(strings.TrimPrefix(re.Ref, "riga "))
		rep.Errors = append(rep.Errors, RowError{Line: line, Column: columnOfLink[re.Field], Message: re.Message})
		return rep, nil
	}
	if err != nil {
		return nil, err
	}
	for _, o := range outcomes {
		rep.Counts[o.Outcome]++
		if o.Outcome == store.OutcomeConflict {
			rep.Conflicts = append(rep.Conflicts, o)
		}
	}
	return rep, nil
}

var columnOfLink = map[string]string{"provider": ColProvider, "category": ColCategory, "needs": ColNeeds, "zones": ColZones}

// list splits a cell of a list: items between commas (documents between |).
func list(cell, sep string) []string {
	var out []string
	for _, s := range strings.Split(cell, sep) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
