package analysis

import (
	"math"
	"testing"
	"time"
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

func TestFlows(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	at := func(d int) *time.Time { t := day(d); return &t }
	refs := []Referral{
		// A to B: 4 referrals; accepted after 2, 4 and 6 days, one refused; one completed after 10.
		{From: "A", To: "B", Status: "COMPLETED", SentAt: day(0), AcceptedAt: at(2), CompletedAt: at(10)},
		{From: "A", To: "B", Status: "IN_PROGRESS", SentAt: day(0), AcceptedAt: at(4)},
		{From: "A", To: "B", Status: "FAILED", SentAt: day(1), AcceptedAt: at(7), OffRoute: true},
		{From: "A", To: "B", Status: "REFUSED", SentAt: day(1)},
		// A to C: one still sent.
		{From: "A", To: "C", Status: "SENT", SentAt: day(3)},
	}
	flows := Flows(refs)
	if len(flows) != 2 || flows[0].To != "B" {
		t.Fatalf("flows: %+v", flows)
	}
	f := flows[0]
	if f.Sent != 4 || f.Accepted != 3 || f.Refused != 1 || f.Completed != 1 || f.Failed != 1 || f.OffRoute != 1 {
		t.Errorf("counts: %+v", f)
	}
	if f.AcceptanceRate != 0.75 || f.MedianDaysToAccept != 4 || math.Abs(f.P90DaysToAccept-5.6) > 1e-9 || f.MedianDaysToComplete != 10 {
		t.Errorf("figures: rate %v median %v p90 %v complete %v", f.AcceptanceRate, f.MedianDaysToAccept, f.P90DaysToAccept, f.MedianDaysToComplete)
	}
	if !math.IsNaN(flows[1].AcceptanceRate) || !math.IsNaN(flows[1].MedianDaysToAccept) {
		t.Errorf("a flow with no answer has no rate: %+v", flows[1])
	}
}
