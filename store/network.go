package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/analysis"
	"snodo/model"
)

// networkCypher projects the network of actors in one query: the keys of the actors in scope,
// and in each layer asked, every actor tied to them with the positions (in that list) of the
// actors it is tied to, as [layer, key, positions].
//
// It is shaped for a million referrals: senders travel as positions rather than keys, the
// referrals are grouped by recipient before any is expanded to its provider, and the ties are
// collected inside the subquery, since an outer aggregation grouped by the list of actors
// would hash that list once per row. Ties to actors out of scope are left out in Go
// (analysis.Analyse), where a set lookup is cheap. Actual referrals tie two actors only when at
// least $least of them went from one to the other in the period ($from, $to): the disclosure
// layer's threshold, so that no single referral shows as a tie.
const networkCypher = `
MATCH (a:Actor)
WHERE $zone IS NULL OR EXISTS { MATCH (a)-[:OPERATES_IN]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) }
WITH collect(a) AS actors, collect(a.id) AS ids
CALL (actors) {
 CALL (actors) {
  UNWIND range(0, size(actors) - 1) AS i
  WITH i, actors[i] AS a
  MATCH (a)-[:MEMBER_OF]->(:Partnership {status: 'ACTIVE'})<-[:MEMBER_OF]-(b:Actor)
  WHERE 'PARTNERSHIPS' IN $layers AND a <> b
  RETURN 'PARTNERSHIPS' AS layer, b.id AS b, collect(DISTINCT i) AS from
  UNION ALL
  UNWIND range(0, size(actors) - 1) AS i
  WITH i, actors[i] AS a
  MATCH (a)-[:PROVIDES*0..1]->(from)<-[:FROM]-(:Route)-[:TO]->(to)<-[:PROVIDES*0..1]-(b:Actor)
  WHERE 'ROUTES' IN $layers AND a <> b
  RETURN 'ROUTES' AS layer, b.id AS b, collect(DISTINCT i) AS from
  UNION ALL
  UNWIND range(0, size(actors) - 1) AS i
  WITH i, actors[i] AS a
  MATCH (a)<-[:REFERRED_FROM]-(r:Referral)
  WHERE 'REFERRALS' IN $layers AND r.sentAt >= $from AND r.sentAt < $to
  WITH i, r.toId AS to, count(r) AS n, collect(r)[0] AS r
  MATCH (r)-[:REFERRED_TO]->(t)<-[:PROVIDES*0..1]-(b:Actor)
  WITH i, b, sum(n) AS n WHERE n >= $least
  RETURN 'REFERRALS' AS layer, b.id AS b, collect(i) AS from
 }
 RETURN collect([layer, b, from]) AS ties
}
RETURN ids, ties`

// Network fetches the network of actors of a zone (all when zone is "") in the layers asked,
// the referral layer over the period with ties of at least least referrals, measures it, and
// reads its partnerships ending within the days given.
func (s *Store) Network(ctx context.Context, in model.NetworkInput, period model.Period, least int) (*model.NetworkAnalysis, error) {
	var c model.Check
	var zone any
	q := query{params: map[string]any{}}
	if in.ZoneID != nil {
		k := keyOf(&c, "Zone", *in.ZoneID, "input", "zoneId")
		q.mustExist("Zone", k, "input.zoneId")
		zone = k
	}
	days := 90
	if in.ExpiringWithinDays != nil {
		days = *in.ExpiringWithinDays
	}
	if days < 0 || days > 3650 {
		c.Add(model.UserErrorCodeInvalid, "a number of days from 0 to 3650", "input", "expiringWithinDays")
	}
	if err := filterErr(c); err != nil {
		return nil, err
	}
	layers := strs(in.Layers)
	if len(layers) == 0 {
		layers = strs(model.AllNetworkLayer)
	}
	today := model.Today()
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*model.NetworkAnalysis, error) {
		if err := q.check(ctx, tx); err != nil {
			return nil, err
		}
		from, to := period.Bounds()
		records, err := run(ctx, tx, networkCypher, map[string]any{"zone": zone, "layers": layers,
			"from": from.UTC(), "to": to.UTC(), "least": least})
		if err != nil {
			return nil, err
		}
		var actors []string
		for _, a := range records[0].Values[0].([]any) {
			actors = append(actors, a.(string))
		}
		var links []analysis.Link
		for _, t := range records[0].Values[1].([]any) {
			tie := t.([]any)
			layer, b := tie[0].(string), tie[1].(string)
			for _, i := range tie[2].([]any) {
				links = append(links, analysis.Link{A: actors[i.(int64)], B: b, Layer: layer})
			}
		}
		n := analysis.Analyse(actors, links)
		out := &model.NetworkAnalysis{Period: period.String(), ActorCount: len(actors), Ties: n.Ties, Components: n.Components, Isolated: n.Isolated,
			BetweennessSources: n.BetweennessSources, BetweennessExact: n.BetweennessExact}
		for _, l := range n.Links {
			link := &model.NetworkLink{SourceID: l.A, TargetID: l.B}
			for _, layer := range l.Layers {
				link.Layers = append(link.Layers, model.NetworkLayer(layer))
			}
			out.Links = append(out.Links, link)
		}
		for _, a := range n.Actors {
			out.Actors = append(out.Actors, model.ActorCentralityRow{ActorID: a.Actor, Degree: a.Degree, Betweenness: a.Betweenness})
		}
		records, err = run(ctx, tx, `MATCH (n:Partnership {status: 'ACTIVE'})
			WHERE n.endDate >= $today AND n.endDate <= $until
			  AND ($zone IS NULL OR EXISTS { MATCH (n)-[:COVERS]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) })
			RETURN n ORDER BY n.endDate, n.title`, map[string]any{
			"zone": zone, "today": neo4j.DateOf(today.Time), "until": neo4j.DateOf(today.Add(time.Duration(days) * 24 * time.Hour)),
		})
		if err != nil {
			return nil, err
		}
		for _, r := range records {
			out.ExpiringPartnerships = append(out.ExpiringPartnerships, decodePartnership(r.Values[0].(neo4j.Node)))
		}
		return out, nil
	})
}
