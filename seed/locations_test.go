package seed

import "testing"

// Every actor and service of the demo is placed, near the seat of its first zone that has one:
// no zone of the demo lacks a seat, so a new zone without one fails here rather than leaving
// records off the map.
func TestDemoRecordsArePlacedNearTheirZones(t *testing.T) {
	n := Demo()
	for _, z := range n.Zones {
		if _, ok := seats[z.Key]; !ok {
			t.Errorf("zone %s has no seat", z.Key)
		}
	}
	check := func(kind, key string, p *Point, zones []string) {
		if p == nil {
			t.Errorf("%s %s is not placed", kind, key)
			return
		}
		seat := seats[zones[0]]
		if d := max(abs(p.Latitude-seat.Latitude), abs(p.Longitude-seat.Longitude)); d > 0.01 {
			t.Errorf("%s %s is %.3f degrees from its zone's seat", kind, key, d)
		}
	}
	for _, a := range n.Actors {
		check("actor", a.Key, a.Location, a.Zones)
	}
	for _, s := range n.Services {
		check("service", s.Key, s.Location, s.Zones)
	}
	if a, b := near("x", []string{"com-pisa"}), near("y", []string{"com-pisa"}); *a == *b {
		t.Errorf("two records of one town are placed on one point")
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
