package main

import (
	"context"
	"flag"
	"fmt"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/internal/csvsafe"
	"snodo/model"
	"snodo/relay"
	"snodo/store"
)

// reportFlags are the flags of `snodo report`.
type reportFlags struct {
	zone, period, format, out string
	// exact asks for exact figures: only the data controller produces them, for a funder, and
	// the report is recorded in the audit log under by.
	exact bool
	by    string
}

func (r *reportFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.zone, "zone", "", "the zone: its ISTAT code (e.g. 09 for Toscana) or its global ID")
	fs.StringVar(&r.period, "period", "", "the period, which must have ended: a quarter (2026-Q3), a half (2012-H1), a year (2025) or a month (2026-07)")
	fs.StringVar(&r.period, "quarter", "", "the same as -period")
	fs.StringVar(&r.format, "format", "csv", "csv or json")
	fs.StringVar(&r.out, "out", "", "the file to write; standard output when empty")
	fs.BoolVar(&r.exact, "exact", false, "exact figures, for the data controller's report to a funder; needs -by, recorded in the audit log")
	fs.StringVar(&r.by, "by", "", "who produces the report (the data controller), for the audit log")
}

// write computes the zone's indicators for the period and writes them, through the disclosure
// layer as the API publishes them (or exact, for the data controller), as CSV (indicator,value
// rows a spreadsheet opens) or JSON.
func (r *reportFlags) write(ctx context.Context, st *store.Store, pub *disclosure.Publisher) error {
	if r.zone == "" || r.period == "" {
		return fmt.Errorf("give --zone and --period")
	}
	if r.format != "csv" && r.format != "json" {
		return fmt.Errorf("format %q: use csv or json", r.format)
	}
	// A report is published as researchers read the API (confidential shelters' places left
	// out); an exact one is the data controller's.
	viewer := auth.Viewer{Subject: "snodo report", Role: auth.Researcher}
	if r.exact {
		if r.by == "" {
			return fmt.Errorf("an exact report names who produces it: --by <the data controller>")
		}
		viewer, pub = auth.Viewer{Subject: r.by, Role: auth.Admin}, pub.Exact()
	}
	ctx = auth.WithViewer(ctx, viewer)
	period, err := pub.Period(r.period)
	if err != nil {
		return err
	}
	zone := r.zone
	if _, _, err := relay.ParseGlobalID(zone); err != nil {
		page, err := st.Zones(ctx, &model.ZoneFilter{IstatCode: &r.zone}, nil, store.Page{Size: 1})
		if err != nil {
			return err
		}
		if len(page.Edges) == 0 {
			return fmt.Errorf("no zone has the ISTAT code %q", r.zone)
		}
		zone = page.Edges[0].Node.GlobalID()
	}
	t, err := st.Indicators(ctx, zone, period)
	if err != nil {
		return err
	}
	if err := pub.Spend(ctx, "report"); err != nil {
		return err
	}
	if r.exact {
		if err := st.RecordExactReport(ctx, r.by, zone, period.String()); err != nil {
			return err
		}
	}
	w, err := output(r.out)
	if err != nil {
		return err
	}
	defer w.Close()
	rows := pub.Indicators(*t).Rows()
	if r.format == "csv" {
		cw := csvsafe.NewWriter(w)
		_ = cw.Write([]string{"indicator", "value"})
		for _, row := range rows {
			_ = cw.Write(row[:])
		}
		cw.Flush()
		return cw.Error()
	}
	obj := map[string]string{}
	for _, row := range rows {
		obj[row[0]] = row[1]
	}
	return printJSON(w, obj)
}
