package main

import (
	"context"
	"flag"
	"fmt"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/report"
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

// write builds the zone's report for the period (package report, which GET /reports/ also
// uses) and writes it as CSV (indicator,value rows a spreadsheet opens) or JSON.
func (r *reportFlags) write(ctx context.Context, st *store.Store, pub *disclosure.Publisher) error {
	if r.zone == "" || r.period == "" {
		return fmt.Errorf("give --zone and --period")
	}
	if r.format != "csv" && r.format != "json" {
		return fmt.Errorf("format %q: use csv or json", r.format)
	}
	req := report.Request{Zone: r.zone, Period: r.period}
	if r.exact {
		if r.by == "" {
			return fmt.Errorf("an exact report names who produces it: --by <the data controller>")
		}
		req.ExactBy = r.by
	}
	// A report is published as researchers read the API (confidential shelters' places left
	// out); an exact one is the data controller's.
	ctx = auth.WithViewer(ctx, auth.Viewer{Subject: "snodo report", Role: auth.Researcher})
	rep, err := report.Build(ctx, st, pub, req)
	if err != nil {
		return err
	}
	w, err := output(r.out)
	if err != nil {
		return err
	}
	defer w.Close()
	return rep.Write(w, r.format)
}
