package sheet

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"snodo/auth"
	"snodo/internal/csvsafe"
	"snodo/model"
	"snodo/store"
)

// Lists are the directory lists a sheet can hold, by their Italian names.
var Lists = []string{"servizi", "enti", "zone"}

// ExportOptions say what to export: a list, and whether the network's whole directory (Full:
// confidential services' addresses, hours and places included) or the public one.
type ExportOptions struct {
	List string
	Full bool
}

// Export writes a directory list as a sheet: ';' between cells, UTF-8 with a byte order mark,
// CRLF, every cell through csvsafe. The services list has the template's columns, so it imports
// back.
func Export(ctx context.Context, st *store.Store, w io.Writer, opt ExportOptions) (int, error) {
	viewer := auth.Viewer{Subject: "snodo export csv", Role: auth.Anonymous}
	if opt.Full {
		viewer = auth.Viewer{Subject: "snodo export csv --full", Role: auth.Admin}
	}
	ctx = auth.WithViewer(ctx, viewer)
	if _, err := io.WriteString(w, BOM); err != nil {
		return 0, err
	}
	cw := csvsafe.NewWriter(w)
	cw.SetComma(';')
	cw.SetCRLF()
	n := 0
	var err error
	switch opt.List {
	case "servizi":
		n, err = exportServices(ctx, st, cw)
	case "enti":
		n, err = exportActors(ctx, st, cw)
	case "zone":
		n, err = exportZones(ctx, st, cw)
	default:
		return 0, model.Errorf(model.CodeBadUserInput, "no list %s: %s", model.Quote(opt.List), strings.Join(Lists, ", "))
	}
	if err != nil {
		return n, err
	}
	cw.Flush()
	return n, cw.Error()
}

// each reads a list a page at a time.
func each(read func(store.DirectoryPage) (n, total int, err error)) error {
	for skip := 0; ; skip += store.MaxPageSize {
		n, total, err := read(store.DirectoryPage{Skip: skip, Limit: store.MaxPageSize})
		if err != nil || n == 0 || skip+n >= total {
			return err
		}
	}
}

func itoa(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// degrees is a coordinate as a spreadsheet in Italian writes it: a decimal comma.
func degrees(p *model.GeoPoint, latitude bool) string {
	if p == nil {
		return ""
	}
	v := p.Longitude
	if latitude {
		v = p.Latitude
	}
	return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
}

func zoneRef(z *model.Zone) string {
	if z.IstatCode != nil {
		return *z.IstatCode
	}
	return z.ID
}

func exportServices(ctx context.Context, st *store.Store, w *csvsafe.Writer) (int, error) {
	if err := w.Write(Columns); err != nil {
		return 0, err
	}
	providers := map[string]string{}
	n := 0
	err := each(func(p store.DirectoryPage) (int, int, error) {
		rows, total, err := st.DirectoryServices(ctx, store.DirectoryFilter{}, p)
		if err != nil {
			return 0, 0, err
		}
		var missing []string
		for _, d := range rows {
			if _, ok := providers[d.ProviderID]; !ok {
				missing = append(missing, d.ProviderID)
			}
		}
		for _, id := range missing {
			a, err := st.DirectoryActorByID(ctx, id)
			if err != nil {
				return 0, 0, err
			}
			if a != nil {
				providers[id] = a.Actor.Name
				if a.Actor.TaxCode != nil {
					providers[id] = *a.Actor.TaxCode
				}
			}
		}
		for _, d := range rows {
			s := d.Service
			var needs, zones, legal, hours []string
			for _, x := range d.Needs {
				needs = append(needs, x.Code)
			}
			sort.Strings(needs)
			for _, z := range d.Zones {
				zones = append(zones, zoneRef(z))
			}
			sort.Strings(zones)
			for _, l := range s.LegalStatuses {
				legal = append(legal, string(l))
			}
			for _, h := range s.OpeningHours {
				hours = append(hours, italianDays[h.Day]+" "+h.Opens+"-"+h.Closes)
			}
			category := ""
			if d.Category != nil {
				category = d.Category.Code
			}
			confidential, verified := "no", ""
			if s.Confidential {
				confidential = "sì"
			}
			if s.LastVerifiedAt != nil {
				verified = s.LastVerifiedAt.Format(time.DateOnly)
			}
			if err := w.Write([]string{s.ID, s.Name, providers[d.ProviderID], category, strings.Join(needs, ", "), strings.Join(zones, ", "),
				string(s.Channel), string(s.Status), str(s.Description), str(s.AccessConditions), str(s.Address),
				degrees(s.Location, true), degrees(s.Location, false), strings.Join(s.RequiredDocuments, " | "), strings.Join(s.Languages, ", "), itoa(s.MinAge), itoa(s.MaxAge),
				strings.Join(legal, ", "), itoa(s.Capacity), itoa(s.FreePlaces), strings.Join(hours, ", "), confidential, verified}); err != nil {
				return 0, 0, err
			}
			n++
		}
		return len(rows), total, nil
	})
	return n, err
}

func exportActors(ctx context.Context, st *store.Store, w *csvsafe.Writer) (int, error) {
	if err := w.Write([]string{"ID", "Nome", "Tipo", "Codice fiscale", "Telefono", "Email", "Sito web", "Indirizzo", "Zone", "Stato"}); err != nil {
		return 0, err
	}
	n := 0
	err := each(func(p store.DirectoryPage) (int, int, error) {
		rows, total, err := st.DirectoryActors(ctx, nil, p)
		for _, d := range rows {
			a := d.Actor
			var zones []string
			for _, z := range d.Zones {
				zones = append(zones, zoneRef(z))
			}
			sort.Strings(zones)
			if err := w.Write([]string{a.ID, a.Name, string(a.Kind), str(a.TaxCode), str(a.Contacts.Phone), str(a.Contacts.Email),
				str(a.Contacts.Website), str(a.Contacts.Address), strings.Join(zones, ", "), string(a.Status)}); err != nil {
				return 0, 0, err
			}
			n++
		}
		return len(rows), total, err
	})
	return n, err
}

func exportZones(ctx context.Context, st *store.Store, w *csvsafe.Writer) (int, error) {
	if err := w.Write([]string{"ID", "Codice ISTAT", "Nome", "Tipo", "Stato", "Appartiene a"}); err != nil {
		return 0, err
	}
	n := 0
	err := each(func(p store.DirectoryPage) (int, int, error) {
		rows, total, err := st.DirectoryZones(ctx, p)
		for _, d := range rows {
			z := d.Zone
			if err := w.Write([]string{z.ID, str(z.IstatCode), z.Name, string(z.Kind), string(z.Status), strings.Join(d.Parents, ", ")}); err != nil {
				return 0, 0, err
			}
			n++
		}
		return len(rows), total, err
	})
	if err != nil {
		return n, fmt.Errorf("zones: %w", err)
	}
	return n, nil
}
