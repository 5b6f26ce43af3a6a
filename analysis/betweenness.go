package analysis

import (
	"math"
	"runtime"
	"sort"
	"sync"

	"gonum.org/v1/gonum/graph/simple"
)

// BetweennessBudget bounds the work of one betweenness: sources times adjacency entries. Every
// source costs a breadth-first search of its component; 2.5e8 took about 1.2 s on the 2 cores
// the benchmarks ran on (7e8 took 3.4 s).
const BetweennessBudget = 2.5e8

// betweenness is Brandes' algorithm for an unweighted, undirected graph whose nodes are
// numbered 0..n-1, on slices and in parallel over the sources. Each pair of nodes is counted
// once. keys orders the nodes for sampling.
//
// When searching from every actor with a tie would pass BetweennessBudget, it searches from a
// sample of them, evenly spaced in key order, and scales the sums up (Brandes and Pich,
// "Centrality estimation in large networks", 2007): an estimate, that says who bridges, in
// seconds. It returns how many sources it searched from and whether that was all of them.
//
// gonum's network.Betweenness gives the same exact figures (the tests hold the two together),
// but it keeps its working state in maps that it resets for every source: on a network of
// 10,000 actors it took minutes.
func betweenness(g *simple.UndirectedGraph, keys []string, budget float64) (bc []float64, sources int, exact bool) {
	n := len(keys)
	// Adjacency as slices, read once from the graph.
	adj := make([][]int32, n)
	for i := range adj {
		to := g.From(int64(i))
		adj[i] = make([]int32, 0, to.Len())
		for to.Next() {
			adj[i] = append(adj[i], int32(to.Node().ID()))
		}
	}
	var tied []int32 // sources that reach anyone, in key order
	entries := 0
	for i, a := range adj {
		entries += len(a)
		if len(a) > 0 {
			tied = append(tied, int32(i))
		}
	}
	sort.Slice(tied, func(i, j int) bool { return keys[tied[i]] < keys[tied[j]] })
	all := len(tied)
	if k := int(budget / float64(max(entries, 1))); k < all {
		k = max(k, 1)
		sample := make([]int32, k)
		for i := range sample {
			sample[i] = tied[i*all/k]
		}
		tied = sample
	}
	workers := min(runtime.GOMAXPROCS(0), max(len(tied)/16, 1))
	parts := make([][]float64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = dependencies(adj, tied, w, workers)
		}()
	}
	wg.Wait()
	bc = make([]float64, n)
	for _, part := range parts { // in worker order, so the sums do not vary from run to run
		for i, v := range part {
			bc[i] += v
		}
	}
	// Both ends of a pair were sources: halve; a sample stands for all. Rounding keeps the
	// order of equal figures independent of the order of the sums.
	scale := float64(all) / float64(max(len(tied), 1)) / 2
	for i := range bc {
		bc[i] = math.Round(bc[i]*scale*1e6) / 1e6
	}
	return bc, len(tied), len(tied) == all
}

// dependencies sums, over the sources[first], sources[first+step], ..., how much each node
// lies on the shortest paths from them.
func dependencies(adj [][]int32, sources []int32, first, step int) []float64 {
	n := len(adj)
	bc := make([]float64, n)
	dist := make([]int32, n)
	sigma := make([]float64, n) // shortest paths from the source
	delta := make([]float64, n)
	order := make([]int32, 0, n) // the BFS queue; read backwards, the order of dependency
	for i := range dist {
		dist[i] = -1
	}
	for j := first; j < len(sources); j += step {
		s := sources[j]
		for _, v := range order { // only what the last source reached needs resetting
			dist[v], sigma[v], delta[v] = -1, 0, 0
		}
		order = append(order[:0], s)
		dist[s], sigma[s] = 0, 1
		for i := 0; i < len(order); i++ {
			v := order[i]
			for _, w := range adj[v] {
				if dist[w] < 0 {
					dist[w] = dist[v] + 1
					order = append(order, w)
				}
				if dist[w] == dist[v]+1 {
					sigma[w] += sigma[v]
				}
			}
		}
		for i := len(order) - 1; i > 0; i-- {
			w := order[i]
			for _, v := range adj[w] {
				if dist[v] == dist[w]-1 {
					delta[v] += sigma[v] / sigma[w] * (1 + delta[w])
				}
			}
			bc[w] += delta[w]
		}
	}
	return bc
}
