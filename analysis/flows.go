package analysis

import (
	"math"
	"sort"
)

// Tally is what the store counts of the referrals between two ends.
type Tally struct {
	From, To                                   string // actor keys, or kinds when rolled up
	Sent, Accepted, Refused, Completed, Failed int
	OffRoute                                   int
	// Days from sending to acceptance, of the referrals accepted (whatever came after), and to
	// completion, of those completed.
	DaysToAccept, DaysToComplete []float64
}

// Flow is the referrals between two ends, with their figures.
type Flow struct {
	From, To                                   string
	Sent, Accepted, Refused, Completed, Failed int
	OffRoute                                   int
	// AcceptanceRate is accepted over answered (accepted or refused); NaN when none answered.
	AcceptanceRate float64
	// Days from sending to acceptance and to completion: median and 90th percentile; NaN when none.
	MedianDaysToAccept, P90DaysToAccept     float64
	MedianDaysToComplete, P90DaysToComplete float64
}

// Flow measures the tally: its acceptance rate and the percentiles of its times.
func (t Tally) Flow() Flow {
	f := Flow{From: t.From, To: t.To, Sent: t.Sent, Accepted: t.Accepted, Refused: t.Refused, Completed: t.Completed,
		Failed: t.Failed, OffRoute: t.OffRoute, AcceptanceRate: math.NaN()}
	if answered := t.Accepted + t.Refused; answered > 0 {
		f.AcceptanceRate = float64(t.Accepted) / float64(answered)
	}
	f.MedianDaysToAccept, f.P90DaysToAccept = Percentile(t.DaysToAccept, 50), Percentile(t.DaysToAccept, 90)
	f.MedianDaysToComplete, f.P90DaysToComplete = Percentile(t.DaysToComplete, 50), Percentile(t.DaysToComplete, 90)
	return f
}

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
