package analysis

import (
	"math"
	"testing"
)

func TestPercentile(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		p    float64
		want float64
	}{
		{[]float64{1, 2, 3, 4}, 50, 2.5}, {[]float64{3, 1, 2}, 50, 2}, {[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9.1}, {[]float64{7}, 90, 7},
	} {
		if got := Percentile(c.v, c.p); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("p%v of %v: %v, want %v", c.p, c.v, got, c.want)
		}
	}
	if !math.IsNaN(Percentile(nil, 50)) {
		t.Error("no values: NaN")
	}
}
