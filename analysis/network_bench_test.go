package analysis

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/graph/network"
)

// BenchmarkBetweenness compares gonum's betweenness with Snodo's on the same network of 2,000
// actors, 160 of them referring to 60 others each: run both in one go and read the ratio.
func BenchmarkBetweenness(b *testing.B) {
	g := randomGraph(1, 2000, 160, 60, 0)
	b.Run("gonum", func(b *testing.B) {
		for range b.N {
			network.Betweenness(g)
		}
	})
	b.Run("snodo", func(b *testing.B) {
		for range b.N {
			betweenness(g, keys(2000), BetweennessBudget)
		}
	})
}

// BenchmarkAnalyse measures the whole analysis on a network of the generated region's size
// and density: 10,000 actors, 800 of them referring to 540 others each (the generated history's
// million referrals tie about 430,000 pairs), which betweenness samples.
func BenchmarkAnalyse(b *testing.B) {
	g := randomGraph(1, 10000, 800, 540, 0)
	actors := make([]string, 10000)
	for i := range actors {
		actors[i] = fmt.Sprintf("a%05d", i)
	}
	var links []Link
	for e := g.Edges(); e.Next(); {
		links = append(links, Link{A: actors[e.Edge().From().ID()], B: actors[e.Edge().To().ID()], Layer: "REFERRALS"})
	}
	b.ResetTimer()
	for range b.N {
		if n := Analyse(actors, links); n.Ties != len(links) {
			b.Fatalf("%d ties, want %d", n.Ties, len(links))
		}
	}
}
