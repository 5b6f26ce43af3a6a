package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"snodo/model"
	"snodo/relay"
	"snodo/store"
)

// reportFlags are the flags of `snodo report`.
type reportFlags struct {
	zone, quarter, format, out string
}

func (r *reportFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.zone, "zone", "", "the zone: its ISTAT code (e.g. 09 for Toscana) or its global ID")
	fs.StringVar(&r.quarter, "quarter", "", "the quarter, written YYYY-Qn, e.g. 2026-Q3")
	fs.StringVar(&r.format, "format", "csv", "csv or json")
	fs.StringVar(&r.out, "out", "", "the file to write; standard output when empty")
}

// write computes the zone's indicators for the quarter and writes them, counts under the
// privacy threshold withheld, as CSV (indicator,value rows a spreadsheet opens) or JSON.
func (r *reportFlags) write(ctx context.Context, st *store.Store, threshold int) error {
	if r.zone == "" || r.quarter == "" {
		return fmt.Errorf("give --zone and --quarter")
	}
	q, err := model.ParseQuarter(r.quarter)
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
	in, err := st.Indicators(ctx, zone, q)
	if err != nil {
		return err
	}
	in.Threshold = threshold
	var w io.Writer = os.Stdout
	if r.out != "" {
		f, err := os.Create(r.out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	rows := in.Rows()
	switch r.format {
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"indicator", "value"})
		for _, row := range rows {
			_ = cw.Write(row[:])
		}
		cw.Flush()
		return cw.Error()
	case "json":
		obj := map[string]string{}
		for _, row := range rows {
			obj[row[0]] = row[1]
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(obj)
	}
	return fmt.Errorf("format %q: use csv or json", r.format)
}
