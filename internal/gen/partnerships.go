package gen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/store"
)

// Partnerships are 600 generated partnerships over Tuscany's actors (the region generator makes
// none), drawn from a PCG stream seeded (7, 7): each covers one province and has 3 to 14 member
// draws, the first as LEAD. They are the partnerships of the Snodo/peer benchmark's data set;
// the draws are in the order its README gives, so the same keys name the same records.
func Partnerships() store.Import {
	rnd := rand.New(rand.NewPCG(7, 7))
	kinds := []string{"OPERATIONAL_PROTOCOL", "PROGRAMME_AGREEMENT", "TEMPORARY_ASSOCIATION", "CONVENTION", "COORDINATION_GROUP", "FUNDED_PROJECT"}
	roles := []string{"PARTNER", "PARTNER", "ADHERENT", "FUNDER", "OBSERVER"}
	im := store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}
	for p := 0; p < 600; p++ {
		k := fmt.Sprintf("g-part-%d", p)
		im.Nodes["Partnership"] = append(im.Nodes["Partnership"], store.ImportNode{ID: k, Props: map[string]any{
			"title": fmt.Sprintf("Partenariato %04d", p), "kind": kinds[rnd.IntN(len(kinds))], "status": "ACTIVE",
			"startDate": neo4j.DateOf(time.Date(2024, time.Month(1+rnd.IntN(12)), 1, 0, 0, 0, 0, time.UTC)),
			"endDate":   neo4j.DateOf(time.Date(2027, time.Month(1+rnd.IntN(12)), 1, 0, 0, 0, 0, time.UTC)),
		}})
		im.Links[store.LinkPartnershipZone] = append(im.Links[store.LinkPartnershipZone],
			store.ImportLink{From: k, To: fmt.Sprintf("g-prov-%d", rnd.IntN(10))})
		n := 3 + rnd.IntN(12)
		seen := map[int]bool{}
		for m := 0; m < n; m++ {
			a := rnd.IntN(10000)
			if seen[a] {
				continue
			}
			seen[a] = true
			role := roles[rnd.IntN(len(roles))]
			if m == 0 {
				role = "LEAD"
			}
			im.Links[store.LinkMember] = append(im.Links[store.LinkMember], store.ImportLink{
				From: fmt.Sprintf("g-actor-%d", a), To: k, Props: map[string]any{"role": role}})
		}
	}
	return im
}
