package disclosure

import (
	"fmt"
	"math"
)

// Cell is what the data layer counts for one cell of a table: how many records it holds and
// the sum of their record keys.
type Cell struct {
	N      int
	KeySum int64
}

// Plus is the cell holding the records of both.
func (c Cell) Plus(o Cell) Cell { return Cell{N: c.N + o.N, KeySum: c.KeySum + o.KeySum} }

// Key is the cell key: the sum of the records' keys modulo KeyRange.
func (c Cell) Key() int {
	k := c.KeySum % KeyRange
	if k < 0 {
		k += KeyRange
	}
	return int(k)
}

// Table is the perturbation table of the cell key method (as the Australian Bureau of
// Statistics' TableBuilder and the 2021 census of England and Wales publish): for a true count
// n and a cell key, the noise to add. It is built once from the parameters:
//
//   - a count of 0 is published as 0;
//   - a count n from 1 to k-1 is published as 0 with probability 1-n/k and as k with
//     probability n/k, so it is never published as itself and its expected value stays n;
//   - a count n of k or more gets a noise j from -m to m, where m = min(D, n-k) keeps the
//     published count at k or more, with probability proportional to exp(-j²/2σ²): symmetric,
//     so unbiased, and σ is set so that the variance at full width (m = D) is V.
//
// Row n of the table maps each of the KeyRange cell keys to its noise: key c falls where the
// distribution's cumulative probability crosses (c + 0.5)/KeyRange. Counts of k+D and more
// share the last row.
type Table struct {
	k, d  int
	sigma float64
	rows  [][]int16
}

// NewTable builds the perturbation table of the parameters.
func NewTable(p Params) (*Table, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	t := &Table{k: p.Threshold, d: p.MaxNoise}
	t.sigma = sigmaFor(p.MaxNoise, p.Variance)
	for n := 0; n <= t.k+t.d; n++ {
		values, probs := t.Distribution(n)
		row := make([]int16, KeyRange)
		cum, v := probs[0], 0
		for c := range row {
			u := (float64(c) + 0.5) / KeyRange
			for u >= cum && v < len(values)-1 {
				v++
				cum += probs[v]
			}
			row[c] = int16(values[v] - n)
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

// Distribution is the published values a true count n may take, with their probabilities.
func (t *Table) Distribution(n int) (values []int, probs []float64) {
	switch {
	case n <= 0:
		return []int{0}, []float64{1}
	case n < t.k:
		up := float64(n) / float64(t.k)
		return []int{0, t.k}, []float64{1 - up, up}
	}
	m := min(t.d, n-t.k)
	weights, sum := gaussian(m, t.sigma)
	for j := -m; j <= m; j++ {
		values = append(values, n+j)
		probs = append(probs, weights[j+m]/sum)
	}
	return values, probs
}

// Perturb is the published value of a true count with a cell key.
func (t *Table) Perturb(n, key int) int {
	if n <= 0 {
		return 0
	}
	row := min(n, t.k+t.d)
	return n + int(t.rows[row][key%KeyRange])
}

// Sigma is the width of the noise's bell, set from the variance.
func (t *Table) Sigma() float64 { return t.sigma }

// gaussian is the weights exp(-j²/2σ²) for j from -m to m, and their sum.
func gaussian(m int, sigma float64) ([]float64, float64) {
	w := make([]float64, 2*m+1)
	sum := 0.0
	for j := -m; j <= m; j++ {
		w[j+m] = math.Exp(-float64(j*j) / (2 * sigma * sigma))
		sum += w[j+m]
	}
	return w, sum
}

// variance is the variance of the noise from -d to d with the bell's width sigma.
func variance(d int, sigma float64) float64 {
	w, sum := gaussian(d, sigma)
	v := 0.0
	for j := -d; j <= d; j++ {
		v += float64(j*j) * w[j+d] / sum
	}
	return v
}

// sigmaFor finds the width whose noise from -d to d has the variance v, by bisection: the
// variance grows with the width, from 0 towards that of a uniform noise, d(d+1)/3.
func sigmaFor(d int, v float64) float64 {
	lo, hi := 1e-3, 1e3
	for range 200 {
		mid := (lo + hi) / 2
		if variance(d, mid) < v {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// String describes the table's parameters.
func (t *Table) String() string {
	return fmt.Sprintf("cell key perturbation: k=%d, D=%d, σ=%.3f, %d keys", t.k, t.d, t.sigma, KeyRange)
}
