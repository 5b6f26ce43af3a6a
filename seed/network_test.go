package seed

import (
	"os"
	"strings"
	"testing"

	"snodo/istat"
	"snodo/model"
)

// The directory's records are checked by the importer when Load imports them (dataset_test.go
// imports the dataset and finds no problem); these tests check what the demo is meant to show.

func TestDemoSizes(t *testing.T) {
	n := Demo()
	t.Logf("zones %d, needs %d, categories %d, actors %d, services %d, partnerships %d, models %d, routes %d",
		len(n.Zones), len(n.Needs), len(n.Categories), len(n.Actors), len(n.Services), len(n.Partnerships), len(n.PathwayModels), len(n.Routes))
	if len(n.Services) < 100 || len(n.Services) > 160 {
		t.Errorf("%d services, want 100 to 160", len(n.Services))
	}
	if len(n.Partnerships) < 12 || len(n.Partnerships) > 20 {
		t.Errorf("%d partnerships, want 12 to 20", len(n.Partnerships))
	}
	status := map[model.ServiceStatus]int{}
	for _, s := range n.Services {
		status[s.Status]++
	}
	if status[model.ServiceStatusSuspended] != 2 || status[model.ServiceStatusArchived] != 1 {
		t.Errorf("service statuses %v, want 2 suspended and 1 archived", status)
	}
	models := map[string]bool{}
	for _, m := range n.PathwayModels {
		models[m.Key] = true
	}
	if !models[ModelCOMMIT] || !models[ModelInLav] || !models[ModelSIL] || n.PathwayModels[0].Key != ModelCOMMIT {
		t.Errorf("pathway models %v, want COMMIT first, InLav and the SIL", models)
	}
}

// The demo's Tuscany is ISTAT's: every region, province and municipality of the list of 1
// January 2020 for region 09, by code and name, each municipality in its province; and the
// social districts the documents name hold their municipalities, each also in its province.
func TestDemoZonesAreISTATsTuscany(t *testing.T) {
	f, err := os.Open("../istat/testdata/elenco-comuni-italiani-2020-01-01.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ed, rowErrs, err := istat.Read(f)
	if err != nil || len(rowErrs) > 0 {
		t.Fatal(err, rowErrs)
	}
	want := map[string]string{} // name by code
	provinceOf := map[string]string{}
	for _, z := range istat.Zones(ed, []string{"09"}) {
		want[z.Code] = z.Name
		provinceOf[z.Code] = z.Parent
	}
	n := Demo()
	byKey := map[string]Zone{}
	for _, z := range n.Zones {
		byKey[z.Key] = z
	}
	got := map[string]Zone{}
	kinds := map[model.ZoneKind]int{}
	for _, z := range n.Zones {
		if _, ok := want[z.IstatCode]; ok {
			got[z.IstatCode] = z
			kinds[z.Kind]++
		}
	}
	for code, name := range want {
		z, ok := got[code]
		if !ok {
			t.Errorf("ISTAT's %s %s is not a zone of the demo", code, name)
			continue
		}
		if z.Name != name {
			t.Errorf("zone %s is %q, ISTAT's list says %q", code, z.Name, name)
		}
		if p := provinceOf[code]; p != "" {
			in := false
			for _, k := range z.Parents {
				in = in || byKey[k].IstatCode == p
			}
			if !in {
				t.Errorf("zone %s %s does not lie in %s", code, name, p)
			}
		}
	}
	t.Logf("Tuscany: %v", kinds)
	if kinds[model.ZoneKindMunicipality] != 273 || kinds[model.ZoneKindProvince] != 10 || kinds[model.ZoneKindRegion] != 1 {
		t.Errorf("Tuscany has %v, ISTAT 2020: 273 municipalities, 10 provinces", kinds)
	}
	districts := map[string]int{}
	for _, z := range n.Zones {
		if z.Kind != model.ZoneKindMunicipality {
			continue
		}
		var district, province bool
		for _, k := range z.Parents {
			switch byKey[k].Kind {
			case model.ZoneKindSocialDistrict:
				district = true
				districts[k]++
			case model.ZoneKindProvince:
				province = true
			}
		}
		if district && !province {
			t.Errorf("municipality %s lies in a district but in no province", z.Name)
		}
	}
	for _, d := range []string{"sd-pisana", "sd-livornese", "sd-colline", "sd-grossetana", "sd-amiata", "amb-sesto"} {
		if districts[d] == 0 {
			t.Errorf("the district %s holds no municipality", d)
		}
	}
	if districts["sd-pisana"] != 9 {
		t.Errorf("the Zona Pisana holds %d municipalities, the district has nine", districts["sd-pisana"])
	}
}

// Every partnership has members and at most one lead, and every route names its model's stage,
// its partnership and its instrument.
func TestDemoPartnershipsAndRoutes(t *testing.T) {
	n := Demo()
	for _, p := range n.Partnerships {
		leads := 0
		for _, m := range p.Members {
			if m.Role == model.MemberRoleLead {
				leads++
			}
		}
		if len(p.Members) == 0 || leads > 1 {
			t.Errorf("partnership %s has %d members, %d leads", p.Key, len(p.Members), leads)
		}
	}
	for _, r := range n.Routes {
		if r.Model == "" || r.Stage == "" || r.Partnership == "" || r.Instrument == "" {
			t.Errorf("route %s: model %q, stage %q, partnership %q, instrument %q, needs %v", r.Key, r.Model, r.Stage, r.Partnership, r.Instrument, r.Needs)
		}
	}
}

func TestDemoGaps(t *testing.T) {
	n := Demo()
	parents := map[string][]string{}
	for _, z := range n.Zones {
		parents[z.Key] = z.Parents
	}
	// within reports whether zone a is b or lies inside it.
	var within func(a, b string) bool
	within = func(a, b string) bool {
		if a == b {
			return true
		}
		for _, p := range parents[a] {
			if within(p, b) {
				return true
			}
		}
		return false
	}
	covered := func(zone, area string) bool {
		for _, s := range n.Services {
			for _, x := range s.Needs {
				if x != area && !strings.HasPrefix(x, area+".") {
					continue
				}
				for _, z := range s.Zones {
					if within(zone, z) || within(z, zone) {
						return true
					}
				}
			}
		}
		return false
	}
	for _, gap := range [][2]string{{"com-pisa", "mobility"}, {"com-livorno", "mobility"}, {"com-arcidosso", "balance"}} {
		if covered(gap[0], gap[1]) {
			t.Errorf("%s in %s should be a gap of the demo network", gap[1], gap[0])
		}
	}
	if !covered("com-follonica", "mobility") || !covered("com-sesto-san-giovanni", "mobility") {
		t.Error("mobility should be covered in Follonica and Sesto San Giovanni")
	}
}
