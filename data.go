package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"snodo/auth"
	"snodo/hsds"
	"snodo/istat"
	"snodo/model"
	"snodo/sheet"
	"snodo/store"
)

// dataCommand is `snodo import KIND PATH` or `snodo export KIND`: the directory in and out.
type dataCommand struct {
	cmd, kind string
	out       string
	full      bool
	hsdsImport
	istatImport
	csvImport
	list string
}

const dataUsage = `usage:
  snodo export hsds --out DIR [--full]
  snodo import hsds PATH [--dry-run] [--zone ISTAT|ID] [--category CODE] [--channel CHANNEL]
  snodo import istat FILE [--dry-run] [--region 09,...]
  snodo import csv FILE [--dry-run]      (services, by the template: snodo import csv --template)
  snodo export csv --list servizi|enti|zone [--out FILE] [--full]`

// register takes the kind (the argument after import or export) and registers its flags;
// it returns the arguments left for the flags and the path.
func (d *dataCommand) register(fs *flag.FlagSet, cmd string, args []string) ([]string, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("what to %s?\n%s", cmd, dataUsage)
	}
	d.cmd, d.kind = cmd, args[0]
	switch cmd + " " + d.kind {
	case "export hsds":
		fs.StringVar(&d.out, "out", "", "the directory to write the dataset in (created if needed)")
		fs.BoolVar(&d.full, "full", false, "the network's whole directory, confidential services' addresses, hours and places included (for a trusted copy); the public directory otherwise")
	case "import hsds":
		d.hsdsImport.register(fs)
	case "import istat":
		d.istatImport.register(fs)
	case "import csv":
		fs.BoolVar(&d.csvImport.dryRun, "dry-run", false, "check every row and report what would change, writing nothing")
		fs.BoolVar(&d.csvImport.template, "template", false, "write the template of the services sheet to standard output, and nothing else")
	case "export csv":
		fs.StringVar(&d.list, "list", "servizi", "the list: servizi, enti or zone")
		fs.StringVar(&d.out, "out", "", "the file to write; standard output when empty")
		fs.BoolVar(&d.full, "full", false, "the network's whole directory, confidential services' addresses, hours and places included")
	default:
		return nil, fmt.Errorf("snodo cannot %s %q\n%s", cmd, d.kind, dataUsage)
	}
	return args[1:], nil
}

// positional takes the paths out of the arguments the flag package left, parsing the flags
// that come after a path: `snodo import hsds PATH --dry-run` is `snodo import hsds --dry-run
// PATH` (the flag package stops at the first argument that is not a flag).
func positional(fs *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for len(args) > 0 {
		if args[0] == "--" {
			return append(paths, args[1:]...), nil
		}
		if !strings.HasPrefix(args[0], "-") || args[0] == "-" {
			paths = append(paths, args[0])
			args = args[1:]
			continue
		}
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
	}
	return paths, nil
}

// offline does what needs no database (the sheet's template) and tells whether it did.
func (d *dataCommand) offline(w io.Writer) (bool, error) {
	if d.cmd+" "+d.kind == "import csv" && d.csvImport.template {
		_, err := w.Write(sheet.Template())
		return true, err
	}
	return false, nil
}

// run does the import or export; args are the arguments left after the flags.
func (d *dataCommand) run(ctx context.Context, st *store.Store, fs *flag.FlagSet) error {
	args, err := positional(fs, fs.Args())
	if err != nil {
		return err
	}
	switch d.cmd + " " + d.kind {
	case "export hsds":
		if d.out == "" || len(args) > 0 {
			return fmt.Errorf("give --out DIR and nothing else\n%s", dataUsage)
		}
		m, err := hsds.Export(ctx, st, d.out, hsds.ExportOptions{Full: d.full, Now: st.Now()})
		if err != nil {
			return err
		}
		return json.NewEncoder(os.Stdout).Encode(m)
	case "import hsds":
		if len(args) != 1 {
			return fmt.Errorf("give one PATH: a dataset directory or an HSDS JSON file\n%s", dataUsage)
		}
		return d.hsdsImport.run(ctx, st, args[0], os.Stdout)
	case "import istat":
		if len(args) != 1 {
			return fmt.Errorf("give one FILE: ISTAT's list of municipalities (CSV)\n%s", dataUsage)
		}
		return d.istatImport.run(ctx, st, args[0], os.Stdout)
	case "import csv":
		if len(args) != 1 {
			return fmt.Errorf("give one FILE: a sheet of services by the template\n%s", dataUsage)
		}
		return d.csvImport.run(ctx, st, args[0], os.Stdout)
	case "export csv":
		w, err := output(d.out)
		if err != nil {
			return err
		}
		defer w.Close()
		_, err = sheet.Export(ctx, st, w, sheet.ExportOptions{List: d.list, Full: d.full})
		return err
	}
	return fmt.Errorf("snodo cannot %s %q", d.cmd, d.kind)
}

// hsdsImport are the flags of `snodo import hsds`.
type hsdsImport struct {
	dryRun         bool
	zone, category string
	channel        string
	batch          int
}

func (h *hsdsImport) register(fs *flag.FlagSet) {
	fs.BoolVar(&h.dryRun, "dry-run", false, "check everything and report what would change, writing nothing")
	fs.StringVar(&h.zone, "zone", "", "the zone (ISTAT code or zone key) of records whose areas name no zone of Snodo")
	fs.StringVar(&h.category, "category", "", "the catalogue category (code) of services in none of Snodo's")
	fs.StringVar(&h.channel, "channel", "DESK", "the channel of services that do not say")
	fs.IntVar(&h.batch, "batch", hsds.DefaultBatchSize, "records per transaction; a batch with a problem writes nothing")
}

// run imports as the administrator, and prints the report as JSON; problems and conflicts make
// the command fail, after the report.
func (h *hsdsImport) run(ctx context.Context, st *store.Store, path string, out io.Writer) error {
	ctx = auth.WithViewer(ctx, auth.Viewer{Subject: "snodo import hsds", Role: auth.Admin})
	// Each transaction of the import is recorded in the audit log under this operation.
	ctx = auth.WithOperation(ctx, auth.Operation{Field: "import hsds"})
	rep, err := hsds.Import(ctx, st, path, hsds.ImportOptions{DryRun: h.dryRun, Zone: h.zone, Category: h.category,
		Channel: model.ServiceChannel(h.channel), BatchSize: h.batch})
	if err != nil {
		return err
	}
	if err := printJSON(out, rep); err != nil {
		return err
	}
	if !rep.OK() {
		return fmt.Errorf("%d problems, %d conflicts, %d batches refused", len(rep.Problems), len(rep.Conflicts), rep.RefusedBatches)
	}
	return nil
}

// istatImport are the flags of `snodo import istat`.
type istatImport struct {
	dryRun  bool
	regions string
}

func (i *istatImport) register(fs *flag.FlagSet) {
	fs.BoolVar(&i.dryRun, "dry-run", false, "report what would be created, renamed, moved and archived, writing nothing")
	fs.StringVar(&i.regions, "region", "", "the regions to import, by ISTAT code, comma-separated (09 for Toscana); all when empty")
}

// run imports ISTAT's list as the administrator and prints the report as JSON; unreadable rows
// make the command fail, after the report, with nothing written.
func (i *istatImport) run(ctx context.Context, st *store.Store, path string, out io.Writer) error {
	ctx = auth.WithViewer(ctx, auth.Viewer{Subject: "snodo import istat", Role: auth.Admin})
	// Each transaction of the import is recorded in the audit log under this operation.
	ctx = auth.WithOperation(ctx, auth.Operation{Field: "import istat"})
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var regions []string
	for _, r := range strings.Split(i.regions, ",") {
		if r = strings.TrimSpace(r); r != "" {
			regions = append(regions, r)
		}
	}
	rep, err := istat.Import(ctx, st, f, istat.Options{Regions: regions, DryRun: i.dryRun})
	if err != nil {
		return err
	}
	if err := printJSON(out, rep); err != nil {
		return err
	}
	if len(rep.RowErrors) > 0 {
		return fmt.Errorf("%d rows cannot be read: nothing written", len(rep.RowErrors))
	}
	return nil
}

// csvImport are the flags of `snodo import csv`.
type csvImport struct {
	dryRun, template bool
}

// run imports a sheet of services as the administrator, the file's modification time as the
// rows' (a service changed in Snodo after it is a conflict), and prints the report as JSON.
func (c *csvImport) run(ctx context.Context, st *store.Store, path string, out io.Writer) error {
	ctx = auth.WithViewer(ctx, auth.Viewer{Subject: "snodo import csv", Role: auth.Admin})
	// Each transaction of the import is recorded in the audit log under this operation.
	ctx = auth.WithOperation(ctx, auth.Operation{Field: "import csv"})
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	rep, err := sheet.ImportServices(ctx, st, f, sheet.Options{DryRun: c.dryRun, ModifiedAt: info.ModTime()})
	if err != nil {
		return err
	}
	if err := printJSON(out, rep); err != nil {
		return err
	}
	if len(rep.Errors) > 0 {
		return fmt.Errorf("%d row errors: nothing written", len(rep.Errors))
	}
	if len(rep.Conflicts) > 0 {
		return fmt.Errorf("%d conflicts: those services were changed in Snodo after the sheet was saved, and stay as they are", len(rep.Conflicts))
	}
	return nil
}
