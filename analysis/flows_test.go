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

func TestTallyFlow(t *testing.T) {
	// A to B: 4 referrals; accepted after 2, 4 and 6 days, one refused; one completed after 10.
	f := Tally{From: "A", To: "B", Sent: 4, Accepted: 3, Refused: 1, Completed: 1, Failed: 1, OffRoute: 1,
		DaysToAccept: []float64{6, 2, 4}, DaysToComplete: []float64{10}}.Flow()
	if f.Sent != 4 || f.Accepted != 3 || f.Refused != 1 || f.Completed != 1 || f.Failed != 1 || f.OffRoute != 1 {
		t.Errorf("counts: %+v", f)
	}
	if f.AcceptanceRate != 0.75 || f.MedianDaysToAccept != 4 || math.Abs(f.P90DaysToAccept-5.6) > 1e-9 || f.MedianDaysToComplete != 10 {
		t.Errorf("figures: rate %v median %v p90 %v complete %v", f.AcceptanceRate, f.MedianDaysToAccept, f.P90DaysToAccept, f.MedianDaysToComplete)
	}
	// A to C: one still sent, never answered.
	g := Tally{From: "A", To: "C", Sent: 1}.Flow()
	if !math.IsNaN(g.AcceptanceRate) || !math.IsNaN(g.MedianDaysToAccept) {
		t.Errorf("a flow with no answer has no rate: %+v", g)
	}
}
