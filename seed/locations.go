package seed

import (
	"hash/fnv"
	"math"

	"snodo/model"
)

// Point is a place in decimal degrees (WGS 84).
type Point struct {
	Latitude, Longitude float64
}

// input is the point as the store takes it.
func (p *Point) input() *model.GeoPointInput {
	if p == nil {
		return nil
	}
	return &model.GeoPointInput{Latitude: p.Latitude, Longitude: p.Longitude}
}

// seats are the approximate centres of the demo's zones: a municipality's town centre, and for
// a wider zone the town where its bodies sit (a region's or province's capital, a district's
// lead municipality). They place the demo's actors and services on a map; none is an address.
var seats = map[string]Point{
	"reg-toscana": {43.7696, 11.2558}, "reg-lombardia": {45.4642, 9.1900},
	"prov-livorno": {43.5500, 10.3167}, "prov-pisa": {43.7167, 10.4000},
	"prov-grosseto": {42.7603, 11.1136}, "prov-milano": {45.4642, 9.1900},
	"asl-tno": {43.7167, 10.4000}, "asl-tse": {43.4633, 11.8797}, "ats-milano": {45.4642, 9.1900},
	"sd-pisana": {43.7167, 10.4000}, "sd-livornese": {43.5500, 10.3167}, "sd-coeso": {42.7603, 11.1136},
	"sd-amiata": {42.8722, 11.5389}, "sd-colline": {42.9264, 10.7611}, "sd-grossetana": {42.7603, 11.1136},
	"amb-sesto": {45.5333, 9.2333}, "amb-milano": {45.4642, 9.1900},
	"com-pisa": {43.7167, 10.4000}, "com-cascina": {43.6767, 10.5547}, "com-san-giuliano-terme": {43.7628, 10.4411},
	"com-vecchiano": {43.7833, 10.3833}, "com-calci": {43.7250, 10.5167}, "com-vicopisano": {43.6989, 10.5828},
	"com-fauglia": {43.5667, 10.5167}, "com-crespina-lorenzana": {43.5722, 10.5636}, "com-orciano-pisano": {43.4944, 10.5114},
	"com-livorno": {43.5500, 10.3167}, "com-collesalvetti": {43.5903, 10.4758}, "com-capraia-isola": {43.0500, 9.8333},
	"com-follonica": {42.9264, 10.7611}, "com-gavorrano": {42.9253, 10.9078}, "com-massa-marittima": {43.0500, 10.8889},
	"com-monterotondo-marittimo": {43.1458, 10.8558}, "com-montieri": {43.1311, 11.0158}, "com-scarlino": {42.9097, 10.8522},
	"com-grosseto": {42.7603, 11.1136}, "com-castiglione-della-pescaia": {42.7653, 10.8811}, "com-campagnatico": {42.8833, 11.2667},
	"com-civitella-paganico": {42.9944, 11.2819}, "com-roccastrada": {43.0094, 11.1686}, "com-scansano": {42.6875, 11.3306},
	"com-arcidosso": {42.8722, 11.5389}, "com-castel-del-piano": {42.8903, 11.5389}, "com-castell-azzara": {42.7733, 11.6983},
	"com-cinigiano": {42.8914, 11.3933}, "com-roccalbegna": {42.7867, 11.5078}, "com-santa-fiora": {42.8311, 11.5850},
	"com-seggiano": {42.9281, 11.5572}, "com-semproniano": {42.7292, 11.5417},
	"com-sesto-san-giovanni": {45.5333, 9.2333}, "com-cologno-monzese": {45.5286, 9.2783}, "com-milano": {45.4642, 9.1900},
	"cz-golfo-follonica": {42.9264, 10.7611},
}

// near places a record at the seat of the first of its zones that has one, moved by up to
// about 700 m in a direction drawn from its key, so that the records of one town do not hide
// each other on a map; nil when none of its zones has a seat.
func near(key string, zones []string) *Point {
	for _, z := range zones {
		seat, ok := seats[z]
		if !ok {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(key))
		v := h.Sum32()
		dLat := (float64(v%2001)/1000 - 1) * 0.006
		dLon := (float64((v>>11)%2001)/1000 - 1) * 0.008
		return &Point{round5(seat.Latitude + dLat), round5(seat.Longitude + dLon)}
	}
	return nil
}

func round5(x float64) float64 { return math.Round(x*1e5) / 1e5 }

// withLocations gives every actor and service without a place of its own one near its zones.
func withLocations(n Network) Network {
	for i := range n.Actors {
		if a := &n.Actors[i]; a.Location == nil {
			a.Location = near(a.Key, a.Zones)
		}
	}
	for i := range n.Services {
		if s := &n.Services[i]; s.Location == nil {
			s.Location = near(s.Key, s.Zones)
		}
	}
	return n
}
