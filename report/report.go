// Package report builds a zone's monitoring report for a closed period: the indicators the
// API publishes (Query.indicators), as rows of indicator and value. `snodo report` writes it
// to a file, and GET /reports/{zone}/{period}.csv|.json (server/reports.go) to a browser: both
// build it here, so both publish the same figures and spend the budget the same way.
package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/internal/csvsafe"
	"snodo/model"
	"snodo/relay"
	"snodo/store"
)

// QueryName is the name a report is recorded under among the aggregate queries, and spends
// the viewer's daily budget with.
const QueryName = "report"

// Request asks for the report of a zone in a period.
type Request struct {
	// Zone is the zone's ISTAT code (e.g. "09" for Toscana) or its global ID.
	Zone string
	// Period is a whole calendar period that has ended: 2026-Q3, 2012-H1, 2025, 2026-07.
	Period string
	// ExactBy, when set, asks for the exact figures of the data controller's report to a
	// funder, recorded in the audit log under this name. Only `snodo report --exact` sets it.
	ExactBy string
}

// Report is the published report: the zone's global ID, the period and the rows.
type Report struct {
	ZoneID string
	Period string
	// Rows are the indicators in order, each a name and its value as published.
	Rows [][2]string
}

// Build computes the report for the viewer of ctx through the disclosure layer, as the API
// publishes the indicators to that viewer. It records the query and spends the viewer's daily
// budget first, as the @aggregate directive does for a GraphQL field, so a refused query
// (BUDGET_EXCEEDED) computes nothing. Who may ask is the caller's check (the command runs as
// the operator of Snodo; the endpoint checks the roles of Query.indicators).
func Build(ctx context.Context, st *store.Store, pub *disclosure.Publisher, req Request) (*Report, error) {
	if req.Zone == "" || req.Period == "" {
		return nil, model.Errorf(model.CodeBadUserInput, "give a zone and a period")
	}
	if req.ExactBy != "" {
		// The data controller, named, with every right: recorded in the audit log below.
		ctx, pub = auth.WithViewer(ctx, auth.Viewer{Subject: req.ExactBy, Role: auth.Admin}), pub.Exact()
	}
	if err := pub.Spend(ctx, QueryName); err != nil {
		return nil, err
	}
	period, err := pub.Period(req.Period)
	if err != nil {
		return nil, err
	}
	zone, err := zoneID(ctx, st, req.Zone)
	if err != nil {
		return nil, err
	}
	t, err := st.Indicators(ctx, zone, period)
	if err != nil {
		return nil, err
	}
	if req.ExactBy != "" {
		if err := st.RecordExactReport(ctx, req.ExactBy, zone, period.String()); err != nil {
			return nil, err
		}
	}
	return &Report{ZoneID: zone, Period: period.String(), Rows: pub.Indicators(*t).Rows()}, nil
}

// zoneID reads a zone given by its global ID or its ISTAT code.
func zoneID(ctx context.Context, st *store.Store, zone string) (string, error) {
	if _, _, err := relay.ParseGlobalID(zone); err == nil {
		return zone, nil
	}
	page, err := st.Zones(ctx, &model.ZoneFilter{IstatCode: &zone}, nil, store.Page{Size: 1})
	if err != nil {
		return "", err
	}
	if len(page.Edges) == 0 {
		return "", model.Errorf(model.CodeNotFound, "no zone has the ISTAT code %q", zone)
	}
	return page.Edges[0].Node.GlobalID(), nil
}

// WriteCSV writes the report as indicator,value rows a spreadsheet opens, every cell made safe
// (internal/csvsafe).
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csvsafe.NewWriter(w)
	_ = cw.Write([]string{"indicator", "value"})
	for _, row := range r.Rows {
		_ = cw.Write(row[:])
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the report as one indented JSON object of indicator to value.
func (r *Report) WriteJSON(w io.Writer) error {
	obj := make(map[string]string, len(r.Rows))
	for _, row := range r.Rows {
		obj[row[0]] = row[1]
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(obj)
}

// Write writes the report in a format: "csv" or "json".
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "csv":
		return r.WriteCSV(w)
	case "json":
		return r.WriteJSON(w)
	}
	return fmt.Errorf("format %q: use csv or json", format)
}
