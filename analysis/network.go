// Package analysis computes on projections of the graph that the store fetches: the network of
// actors (who works with whom) as a gonum graph, with gonum's components and a parallel
// betweenness on slices (see betweenness), and the flows and pathways of cases.
package analysis

import (
	"sort"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"
)

// Link is a tie between two actors, by key, in one layer of the network.
type Link struct {
	A, B  string
	Layer string
}

// Centrality is an actor's place in the network.
type Centrality struct {
	Actor string
	// Degree is how many other actors it is tied to.
	Degree int
	// Betweenness is how many shortest paths between two other actors pass through it, each pair
	// counted once and shared among its shortest paths: how much the actor bridges the others.
	Betweenness float64
}

// Tie is a pair of actors tied in the network (A before B by key) and the layers that tie them,
// in the order of their names.
type Tie struct {
	A, B   string
	Layers []string
}

// Network is the analysis of a network of actors.
type Network struct {
	Actors     []Centrality // by betweenness, then degree, then key
	Components [][]string   // largest first; each by key
	Isolated   []string     // actors tied to no other, by key
	Ties       int          // distinct pairs of actors tied
	Links      []Tie        // the ties, each pair once with its layers, by keys
	// BetweennessSources is how many actors the betweenness was measured from: every actor
	// with a tie when BetweennessExact, a sample otherwise (see betweenness).
	BetweennessSources int
	BetweennessExact   bool
}

// Analyse builds the undirected network of the actors and the links (ties in several layers
// between the same two actors count once) and measures it.
func Analyse(actors []string, links []Link) Network {
	g := simple.NewUndirectedGraph()
	ids := make(map[string]int64, len(actors))
	keys := make(map[int64]string, len(actors))
	for i, a := range actors {
		ids[a], keys[int64(i)] = int64(i), a
		g.AddNode(simple.Node(i))
	}
	layers := map[[2]string]map[string]bool{}
	for _, l := range links {
		a, okA := ids[l.A]
		b, okB := ids[l.B]
		if !okA || !okB || a == b {
			continue
		}
		pair := [2]string{l.A, l.B}
		if pair[1] < pair[0] {
			pair = [2]string{l.B, l.A}
		}
		if layers[pair] == nil {
			layers[pair] = map[string]bool{}
		}
		layers[pair][l.Layer] = true
		if !g.HasEdgeBetween(a, b) {
			g.SetEdge(g.NewEdge(simple.Node(a), simple.Node(b)))
		}
	}
	var n Network
	n.Ties = g.Edges().Len()
	for pair, set := range layers {
		tie := Tie{A: pair[0], B: pair[1]}
		for l := range set {
			tie.Layers = append(tie.Layers, l)
		}
		sort.Strings(tie.Layers)
		n.Links = append(n.Links, tie)
	}
	sort.Slice(n.Links, func(i, j int) bool {
		if n.Links[i].A != n.Links[j].A {
			return n.Links[i].A < n.Links[j].A
		}
		return n.Links[i].B < n.Links[j].B
	})
	bc, sources, exact := betweenness(g, actors, BetweennessBudget)
	n.BetweennessSources, n.BetweennessExact = sources, exact
	for i, a := range actors {
		deg := g.From(int64(i)).Len()
		n.Actors = append(n.Actors, Centrality{Actor: a, Degree: deg, Betweenness: bc[i]})
		if deg == 0 {
			n.Isolated = append(n.Isolated, a)
		}
	}
	sort.Slice(n.Actors, func(i, j int) bool {
		x, y := n.Actors[i], n.Actors[j]
		if x.Betweenness != y.Betweenness {
			return x.Betweenness > y.Betweenness
		}
		if x.Degree != y.Degree {
			return x.Degree > y.Degree
		}
		return x.Actor < y.Actor
	})
	for _, comp := range topo.ConnectedComponents(g) {
		n.Components = append(n.Components, componentKeys(comp, keys))
	}
	sort.Slice(n.Components, func(i, j int) bool {
		if len(n.Components[i]) != len(n.Components[j]) {
			return len(n.Components[i]) > len(n.Components[j])
		}
		return n.Components[i][0] < n.Components[j][0]
	})
	sort.Strings(n.Isolated)
	return n
}

func componentKeys(nodes []graph.Node, keys map[int64]string) []string {
	out := make([]string, len(nodes))
	for i, nd := range nodes {
		out[i] = keys[nd.ID()]
	}
	sort.Strings(out)
	return out
}
