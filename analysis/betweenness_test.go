package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

// randomGraph is a network of n nodes where a few hubs tie to random others, as managing actors
// refer to many services, with some ties among the rest; some nodes stay alone.
func randomGraph(seed uint64, n, hubs, perHub, others int) *simple.UndirectedGraph {
	rnd := rand.New(rand.NewPCG(seed, seed))
	g := simple.NewUndirectedGraph()
	for i := range n {
		g.AddNode(simple.Node(i))
	}
	tie := func(a, b int) {
		if a != b && !g.HasEdgeBetween(int64(a), int64(b)) {
			g.SetEdge(g.NewEdge(simple.Node(a), simple.Node(b)))
		}
	}
	for h := range hubs {
		for range perHub {
			tie(h, rnd.IntN(n))
		}
	}
	for range others {
		tie(rnd.IntN(n), rnd.IntN(n))
	}
	return g
}

// TestBetweennessAgreesWithGonum holds the parallel betweenness to gonum's, the reference, on
// networks with several components, leaves, cycles and nodes alone.
func TestBetweennessAgreesWithGonum(t *testing.T) {
	for _, c := range []struct {
		seed                        uint64
		n, hubs, perHub, otherLinks int
	}{
		{1, 5, 1, 3, 1}, {2, 60, 3, 10, 20}, {3, 300, 10, 20, 150}, {4, 200, 0, 0, 400},
	} {
		g := randomGraph(c.seed, c.n, c.hubs, c.perHub, c.otherLinks)
		got, _, exact := betweenness(g, keys(c.n), BetweennessBudget)
		if !exact {
			t.Fatalf("seed %d: a small network is measured exactly", c.seed)
		}
		want := network.Betweenness(g)
		for i := range c.n {
			w := want[int64(i)] / 2 // gonum counts each pair from both ends
			if math.Abs(got[i]-w) > 1e-5*math.Max(1, w) {
				t.Fatalf("seed %d, node %d: betweenness %v, gonum %v", c.seed, i, got[i], w)
			}
		}
	}
}

func TestBetweennessOfAPathAndACycle(t *testing.T) {
	// A path 0-1-2-3: 1 lies between 0 and 2, 0 and 3; 2 between 0 and 3, 1 and 3.
	// A 4-cycle 4-5-6-7: each node lies on one of the two shortest paths between its neighbours.
	g := simple.NewUndirectedGraph()
	for _, e := range [][2]int{{0, 1}, {1, 2}, {2, 3}, {4, 5}, {5, 6}, {6, 7}, {7, 4}} {
		g.SetEdge(g.NewEdge(simple.Node(e[0]), simple.Node(e[1])))
	}
	got, sources, _ := betweenness(g, keys(8), BetweennessBudget)
	if sources != 8 {
		t.Errorf("%d sources, want the 8 tied nodes", sources)
	}
	want := []float64{0, 2, 2, 0, 0.5, 0.5, 0.5, 0.5}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("node %d: %v, want %v", i, got[i], want[i])
		}
	}
}

// TestBetweennessSampled: over its budget, betweenness searches from an even sample of the
// tied nodes and scales up; on a network of hubs the estimate keeps the hubs' order and lies
// close to the exact figure.
func TestBetweennessSampled(t *testing.T) {
	g := randomGraph(5, 2000, 6, 400, 1000)
	exact, all, _ := betweenness(g, keys(2000), BetweennessBudget)
	entries := 2 * g.Edges().Len()
	budget := float64(entries * all / 4) // a quarter of the sources
	est, sources, isExact := betweenness(g, keys(2000), budget)
	if isExact || sources != all/4 {
		t.Fatalf("sources %d of %d, exact %v: want a quarter, estimated", sources, all, isExact)
	}
	for h := range 6 {
		if rel := math.Abs(est[h]-exact[h]) / exact[h]; rel > 0.1 {
			t.Errorf("hub %d: estimate %.0f, exact %.0f (%.0f%% off)", h, est[h], exact[h], rel*100)
		}
	}
	// No node that bridges nothing is credited with bridging.
	for i := range 2000 {
		if exact[i] == 0 && est[i] != 0 {
			t.Errorf("node %d: estimate %v, exact 0", i, est[i])
		}
	}
}

func keys(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("k%05d", i)
	}
	return out
}
