// Package gen generates networks of realistic shape and any size, for benchmarks: a region with
// its provinces, social districts and municipalities, actors and services spread over them.
package gen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/store"
)

// Region is the shape of a generated network.
type Region struct {
	Provinces      int // each with Municipalities/Provinces municipalities
	Districts      int // social districts, each overlapping the provinces' municipalities
	Municipalities int
	Actors         int
	Services       int
	Seed           uint64
}

// Tuscany is about the size of a whole Italian region: its 273 municipalities, 10,000 actors
// and 50,000 services.
var Tuscany = Region{Provinces: 10, Districts: 28, Municipalities: 273, Actors: 10000, Services: 50000, Seed: 1}

// Needs are the top-level need areas; each has three narrower needs, code "area.1" and so on.
var Needs = []string{"training", "work", "housing", "health", "legal", "social", "basic", "mediation", "protection", "mobility", "balance", "information"}

// Keys of generated nodes, for queries: the region, a municipality, a need.
func RegionKey() string                       { return "g-region" }
func MunicipalityKey(i int) string            { return fmt.Sprintf("g-mun-%d", i) }
func NeedKey(area string) string              { return "g-need-" + area }
func NarrowNeedKey(area string, i int) string { return fmt.Sprintf("g-need-%s.%d", area, i) }

// Import returns the network in the store's bulk form. The same Region gives the same network.
func (r Region) Import() store.Import {
	rnd := rand.New(rand.NewPCG(r.Seed, r.Seed))
	im := store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}
	node := func(label, id string, props map[string]any) {
		im.Nodes[label] = append(im.Nodes[label], store.ImportNode{ID: id, Props: props})
	}
	link := func(lt store.LinkType, from, to string) {
		im.Links[lt] = append(im.Links[lt], store.ImportLink{From: from, To: to})
	}
	node("Zone", RegionKey(), map[string]any{"name": "Regione generata", "kind": "REGION", "istatCode": "99"})
	var zones []string // every zone, weighted below by kind
	var provinces, districts, municipalities []string
	for p := 0; p < r.Provinces; p++ {
		k := fmt.Sprintf("g-prov-%d", p)
		node("Zone", k, map[string]any{"name": fmt.Sprintf("Provincia %d", p), "kind": "PROVINCE", "istatCode": fmt.Sprintf("9%02d", p)})
		link(store.LinkZoneParent, k, RegionKey())
		provinces = append(provinces, k)
	}
	for d := 0; d < r.Districts; d++ {
		k := fmt.Sprintf("g-dist-%d", d)
		node("Zone", k, map[string]any{"name": fmt.Sprintf("Zona distretto %d", d), "kind": "SOCIAL_DISTRICT"})
		link(store.LinkZoneParent, k, RegionKey())
		districts = append(districts, k)
	}
	for m := 0; m < r.Municipalities; m++ {
		k := MunicipalityKey(m)
		node("Zone", k, map[string]any{"name": fmt.Sprintf("Comune %d", m), "kind": "MUNICIPALITY", "istatCode": fmt.Sprintf("9%05d", m)})
		// A municipality lies in one province and one district, which overlap: the zone graph is a DAG.
		link(store.LinkZoneParent, k, provinces[m*r.Provinces/r.Municipalities])
		link(store.LinkZoneParent, k, districts[m*r.Districts/r.Municipalities])
		municipalities = append(municipalities, k)
	}
	zones = append(zones, municipalities...)
	pick := func() string { // where a service is available: mostly one municipality
		switch x := rnd.IntN(1000); {
		case x < 5:
			return RegionKey()
		case x < 20:
			return provinces[rnd.IntN(len(provinces))]
		case x < 100:
			return districts[rnd.IntN(len(districts))]
		default:
			return zones[rnd.IntN(len(zones))]
		}
	}
	var narrow []string
	for _, area := range Needs {
		node("Need", NeedKey(area), map[string]any{"code": area, "labelIt": area, "labelEn": area})
		for i := 1; i <= 3; i++ {
			k := NarrowNeedKey(area, i)
			node("Need", k, map[string]any{"code": fmt.Sprintf("%s.%d", area, i), "labelIt": area, "labelEn": area})
			link(store.LinkNeedBroader, k, NeedKey(area))
			narrow = append(narrow, k)
		}
	}
	node("ServiceCategory", "g-cat", map[string]any{"code": "generated", "labelIt": "generata", "labelEn": "generated"})
	channels := []string{"DESK", "DROP_IN", "HELPLINE", "OUTREACH", "SHELTER", "COURSE", "PLACEMENT"}
	langs := [][]string{{"it"}, {"it", "en"}, {"it", "ar", "fr"}, {"it", "ro"}, {}}
	for a := 0; a < r.Actors; a++ {
		k := fmt.Sprintf("g-actor-%d", a)
		node("Actor", k, map[string]any{"name": fmt.Sprintf("Ente %05d", a), "kind": "ASSOCIATION", "description": "Esempio generato"})
		link(store.LinkActorZone, k, zones[rnd.IntN(len(zones))])
	}
	for s := 0; s < r.Services; s++ {
		k := fmt.Sprintf("g-svc-%d", s)
		props := map[string]any{
			"name": fmt.Sprintf("Servizio %05d", s), "status": "ACTIVE", "channel": channels[rnd.IntN(len(channels))],
			"languages": langs[rnd.IntN(len(langs))], "requiredDocuments": []string{}, "legalStatuses": []string{},
			"openingHours":   []string{"MON 09:00-13:00", "WED 14:00-18:00"},
			"lastVerifiedAt": neo4j.DateOf(time.Date(2025, time.Month(1+rnd.IntN(12)), 1, 0, 0, 0, 0, time.UTC)),
		}
		if rnd.IntN(20) == 0 {
			props["status"] = "SUSPENDED"
		}
		if props["channel"] == "SHELTER" {
			c := 5 + rnd.IntN(20)
			props["capacity"], props["freePlaces"] = c, rnd.IntN(c+1)
		}
		if rnd.IntN(4) == 0 {
			props["minAge"] = 18
		}
		node("Service", k, props)
		link(store.LinkProvides, fmt.Sprintf("g-actor-%d", rnd.IntN(r.Actors)), k)
		link(store.LinkServiceCategory, k, "g-cat")
		link(store.LinkServiceNeed, k, narrow[rnd.IntN(len(narrow))])
		if rnd.IntN(3) == 0 {
			link(store.LinkServiceNeed, k, narrow[rnd.IntN(len(narrow))])
		}
		link(store.LinkServiceZone, k, pick())
	}
	return im
}
