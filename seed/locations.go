package seed

import "snodo/hsds"

// Point is a place in decimal degrees (WGS 84).
type Point struct {
	Latitude, Longitude float64
}

// pointOf is the point of the first of the HSDS locations that has one, nil when none has.
func pointOf(locs []hsds.Location) *Point {
	for _, l := range locs {
		if l.Latitude != nil && l.Longitude != nil {
			return &Point{*l.Latitude, *l.Longitude}
		}
	}
	return nil
}
