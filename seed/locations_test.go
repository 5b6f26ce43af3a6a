package seed

import "testing"

// Every actor and service of the demo's dataset is placed, each on a point of its own, inside
// the region of its zones (the coordinates were drawn near the seats of the records' zones).
func TestDemoRecordsArePlaced(t *testing.T) {
	n := Demo()
	parents := map[string][]string{}
	for _, z := range n.Zones {
		parents[z.Key] = z.Parents
	}
	// regions are the regions a zone lies in.
	var regions func(string, map[string]bool)
	regions = func(z string, out map[string]bool) {
		if len(parents[z]) == 0 {
			out[z] = true
		}
		for _, p := range parents[z] {
			regions(p, out)
		}
	}
	boxes := map[string][4]float64{ // south, north, west, east
		"reg-toscana": {42.2, 44.5, 9.6, 12.4}, "reg-lombardia": {44.6, 46.7, 8.4, 11.5},
	}
	points := map[Point]string{}
	check := func(kind, key string, p *Point, zones []string) {
		if p == nil {
			t.Errorf("%s %s is not placed", kind, key)
			return
		}
		if other, dup := points[*p]; dup {
			t.Errorf("%s %s is placed on the point of %s", kind, key, other)
		}
		points[*p] = key
		in := map[string]bool{}
		for _, z := range zones {
			regions(z, in)
		}
		inside := false
		for r := range in {
			b := boxes[r]
			inside = inside || p.Latitude >= b[0] && p.Latitude <= b[1] && p.Longitude >= b[2] && p.Longitude <= b[3]
		}
		if !inside {
			t.Errorf("%s %s at %v lies outside its zones' regions %v", kind, key, *p, in)
		}
	}
	for _, a := range n.Actors {
		check("actor", a.Key, a.Location, a.Zones)
	}
	for _, s := range n.Services {
		check("service", s.Key, s.Location, s.Zones)
	}
}
