package store

import "snodo/model"

// How a place is stored: two float properties, latitude and longitude, on the Actor or
// Service node, both set or both absent. A point property would need its own handling in the
// dump and the importers; two numbers travel everywhere as they are.

// LocationProps are the properties that store a place; nil removes it.
func LocationProps(p *model.GeoPointInput) map[string]any {
	if p == nil {
		return map[string]any{"latitude": nil, "longitude": nil}
	}
	return map[string]any{"latitude": p.Latitude, "longitude": p.Longitude}
}

// location reads a place back; a record with either number missing has none.
func (p props) location() *model.GeoPoint {
	lat, ok1 := p["latitude"].(float64)
	lon, ok2 := p["longitude"].(float64)
	if !ok1 || !ok2 {
		return nil
	}
	return &model.GeoPoint{Latitude: lat, Longitude: lon}
}
