package analysis

import (
	"math"
	"sort"
)

// Percentile is the p-th percentile of the values by linear interpolation between the closest
// ranks (the median of 1, 2, 3, 4 is 2.5); NaN for no values.
func Percentile(values []float64, p float64) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	v := append([]float64(nil), values...)
	sort.Float64s(v)
	pos := p / 100 * float64(len(v)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return v[lo] + (v[hi]-v[lo])*(pos-float64(lo))
}
