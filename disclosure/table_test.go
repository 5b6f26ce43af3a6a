package disclosure

import (
	"math"
	"math/rand/v2"
	"testing"
)

// cellOf is the cell of records with the keys.
func cellOf(keys []int64) Cell {
	c := Cell{}
	for _, k := range keys {
		c = c.Plus(Cell{N: 1, KeySum: k})
	}
	return c
}

func randomKeys(r *rand.Rand, n int) []int64 {
	keys := make([]int64, n)
	for i := range keys {
		keys[i] = r.Int64N(KeyRange)
	}
	return keys
}

// The table is built from the documented parameters: over every cell key, each row gives the
// distribution it is designed for, no published count in 1..k-1, noise within D for counts of
// k and more, unbiased, with the variance V at full width.
func TestTableFollowsItsParameters(t *testing.T) {
	for _, p := range []Params{Defaults, {Threshold: 3, MaxNoise: 2, Variance: 1, MinGroup: 5, DailyBudget: 1},
		{Threshold: 10, MaxNoise: 5, Variance: 4, MinGroup: 10, DailyBudget: 1}} {
		table, err := NewTable(p)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n <= p.Threshold+p.MaxNoise+3; n++ {
			seen := map[int]int{}
			mean, sq := 0.0, 0.0
			for key := range KeyRange {
				v := table.Perturb(n, key)
				seen[v]++
				d := float64(v - n)
				mean += d / KeyRange
				sq += d * d / KeyRange
				switch {
				case v > 0 && v < p.Threshold:
					t.Fatalf("%+v: count %d published as %d, inside 1..k-1", p, n, v)
				case v < 0:
					t.Fatalf("%+v: count %d published negative", p, n)
				case n == 0 && v != 0:
					t.Fatalf("%+v: a zero published as %d", p, v)
				case n >= p.Threshold && math.Abs(float64(v-n)) > float64(p.MaxNoise):
					t.Fatalf("%+v: count %d published as %d, beyond the maximum noise", p, n, v)
				case n > 0 && n < p.Threshold && v != 0 && v != p.Threshold:
					t.Fatalf("%+v: a small count %d published as %d, neither 0 nor k", p, n, v)
				}
			}
			// The table realises the designed distribution, to the resolution of the keys.
			values, probs := table.Distribution(n)
			for i, v := range values {
				if got := float64(seen[v]) / KeyRange; math.Abs(got-probs[i]) > 1.0/KeyRange+1e-9 {
					t.Errorf("%+v: count %d gives %d with probability %.4f, designed %.4f", p, n, v, got, probs[i])
				}
			}
			if math.Abs(mean) > 2.0/KeyRange*float64(p.Threshold) {
				t.Errorf("%+v: count %d is biased by %.4f", p, n, mean)
			}
			if n >= p.Threshold+p.MaxNoise && math.Abs(sq-p.Variance) > 0.01 {
				t.Errorf("%+v: count %d has noise variance %.4f, designed %.4f", p, n, sq, p.Variance)
			}
		}
	}
}

func TestUnsafeParametersAreRefused(t *testing.T) {
	for _, p := range []Params{
		{Threshold: 1, MaxNoise: 3, Variance: 2, MinGroup: 10, DailyBudget: 1},
		{Threshold: 5, MaxNoise: 0, Variance: 2, MinGroup: 10, DailyBudget: 1},
		{Threshold: 5, MaxNoise: 3, Variance: 4, MinGroup: 10, DailyBudget: 1}, // beyond a uniform ±3
		{Threshold: 5, MaxNoise: 3, Variance: 0, MinGroup: 10, DailyBudget: 1},
		{Threshold: 5, MaxNoise: 3, Variance: 2, MinGroup: 4, DailyBudget: 1},
		{Threshold: 5, MaxNoise: 3, Variance: 2, MinGroup: 10, DailyBudget: 0},
	} {
		if _, err := NewTable(p); err == nil {
			t.Errorf("%+v is accepted", p)
		}
	}
	if err := Defaults.Validate(); err != nil {
		t.Errorf("the defaults: %v", err)
	}
}

// The same records always give the same published value, however they are gathered: the
// cell key is a sum, so the order and the grouping of the records do not matter, and
// repeating the question gives the same answer, so averaging gains nothing.
func TestSameRecordsSameValue(t *testing.T) {
	pub := newPublisher(t, Defaults)
	r := rand.New(rand.NewPCG(1, 2))
	differs := 0
	for range 2000 {
		keys := randomKeys(r, r.IntN(40))
		first := pub.Count(cellOf(keys))
		shuffled := append([]int64(nil), keys...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		split := r.IntN(len(keys) + 1)
		regrouped := cellOf(shuffled[:split]).Plus(cellOf(shuffled[split:]))
		if pub.Count(cellOf(shuffled)) != first || pub.Count(regrouped) != first || pub.Count(cellOf(keys)) != first {
			t.Fatalf("the same %d records gave different published values", len(keys))
		}
		if len(keys) >= Defaults.Threshold && first != len(keys) {
			differs++
		}
	}
	if differs == 0 {
		t.Error("no count was perturbed at all")
	}
}

// An attacker subtracts the published parts of a total from the published total to recover a
// hidden small cell (a count from 1 to k-1). Without perturbation that always works; with it,
// on random small populations, it must not work more often than guessing the cell uniformly
// among the values it could take, 1/(k-1): the bound this test holds the method to.
func TestSubtractionRecoversNoHiddenCell(t *testing.T) {
	pub := newPublisher(t, Defaults)
	k := Defaults.Threshold
	r := rand.New(rand.NewPCG(3, 4))
	const trials = 20000
	hits, exactHits := 0, 0
	for range trials {
		hidden := 1 + r.IntN(k-1)
		parts := [][]int64{randomKeys(r, hidden)}
		for range 1 + r.IntN(5) {
			parts = append(parts, randomKeys(r, r.IntN(30)))
		}
		var all []int64
		for _, p := range parts {
			all = append(all, p...)
		}
		estimate, exact := pub.Count(cellOf(all)), pub.Exact().Count(cellOf(all))
		for _, p := range parts[1:] {
			estimate -= pub.Count(cellOf(p))
			exact -= pub.Exact().Count(cellOf(p))
		}
		if estimate == hidden {
			hits++
		}
		if exact == hidden {
			exactHits++
		}
	}
	if exactHits != trials {
		t.Fatalf("without perturbation the attack works every time: %d of %d", exactHits, trials)
	}
	rate, chance := float64(hits)/trials, 1/float64(k-1)
	t.Logf("total minus parts gave the hidden cell in %.1f%% of %d tries; a uniform guess, %.1f%%", 100*rate, trials, 100*chance)
	if rate > chance {
		t.Errorf("subtraction recovers the hidden cell %.3f of the time, more than chance %.3f", rate, chance)
	}
}

// Derived figures are published over groups of at least the minimum only, on random groups.
func TestDerivedFiguresNeedAGroup(t *testing.T) {
	pub := newPublisher(t, Defaults)
	r := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		n := r.IntN(3 * Defaults.MinGroup)
		days := make([]float64, n)
		for i := range days {
			days[i] = r.Float64() * 60
		}
		median := pub.Days(days, 50)
		if (median.Value == nil) != (n < Defaults.MinGroup) || (median.Value == nil) != (median.Withheld != nil) {
			t.Fatalf("a median over %d durations: %+v", n, median)
		}
		if median.Value != nil && *median.Value != math.Round(*median.Value) {
			t.Fatalf("days are whole: %v", *median.Value)
		}
		accepted := r.IntN(n + 1)
		rate := pub.Ratio(cellOf(randomKeys(r, accepted)), cellOf(randomKeys(r, n-accepted)))
		if rate.Value != nil && n < Defaults.MinGroup {
			t.Fatalf("a rate over %d referrals is published", n)
		}
		if rate.Value != nil && math.Abs(math.Round(*rate.Value*100)-*rate.Value*100) > 1e-9 {
			t.Fatalf("rates have two digits: %v", *rate.Value)
		}
	}
}

// A flow's place in the list tells nothing a published value does not: flows are ordered by
// published count, then name, and the widening fetch finds the same first flows as ranking
// every flow at once.
func TestTopFlowsOrderByPublishedValues(t *testing.T) {
	pub := newPublisher(t, Defaults)
	r := rand.New(rand.NewPCG(7, 8))
	var all []FlowTally
	for i := range 400 {
		n := r.IntN(40)
		all = append(all, FlowTally{From: string(rune('A' + i%26)), To: string(rune('a'+i/26)) + "x", Sent: cellOf(randomKeys(r, n))})
	}
	fetches := 0
	fetch := func(limit, least int) ([]FlowTally, error) {
		fetches++
		var kept []FlowTally
		for _, f := range all {
			if f.Sent.N >= least {
				kept = append(kept, f)
			}
		}
		// The data layer orders by true count, as Cypher does.
		for i := range kept {
			for j := i + 1; j < len(kept); j++ {
				if kept[j].Sent.N > kept[i].Sent.N {
					kept[i], kept[j] = kept[j], kept[i]
				}
			}
		}
		return kept[:min(limit, len(kept))], nil
	}
	got, err := pub.TopFlows(50, fetch)
	if err != nil {
		t.Fatal(err)
	}
	var eligible []FlowTally
	for _, f := range all {
		if f.Sent.N >= Defaults.Threshold {
			eligible = append(eligible, f)
		}
	}
	Rank(eligible, func(f FlowTally) int { return pub.Count(f.Sent) }, func(f FlowTally) string { return f.From + "\x00" + f.To })
	if len(got) != 50 {
		t.Fatalf("%d flows", len(got))
	}
	for i, f := range got {
		if f.From != eligible[i].From || f.To != eligible[i].To || f.Sent != pub.Count(eligible[i].Sent) {
			t.Fatalf("flow %d: %s→%s %d, want %s→%s", i, f.From, f.To, f.Sent, eligible[i].From, eligible[i].To)
		}
		if i > 0 && (got[i-1].Sent < f.Sent || got[i-1].Sent == f.Sent && got[i-1].From+"\x00"+got[i-1].To > f.From+"\x00"+f.To) {
			t.Fatalf("flows %d and %d are out of published order", i-1, i)
		}
	}
	t.Logf("%d fetches", fetches)
}

func newPublisher(t *testing.T, p Params) *Publisher {
	t.Helper()
	pub, err := New(p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}
