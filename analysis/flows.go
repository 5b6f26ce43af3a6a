package analysis

import (
	"math"
	"sort"
	"time"
)

// Referral is one referral as flow analysis reads it.
type Referral struct {
	From, To    string // the ends of the flow: actor keys, or kinds when rolled up
	Status      string
	SentAt      time.Time
	AcceptedAt  *time.Time
	CompletedAt *time.Time
	OffRoute    bool
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

// Flows groups referrals by their two ends, most sent first, then by ends.
func Flows(refs []Referral) []Flow {
	type acc struct {
		f                  Flow
		toAccept, toFinish []float64
	}
	by := map[[2]string]*acc{}
	for _, r := range refs {
		k := [2]string{r.From, r.To}
		a := by[k]
		if a == nil {
			a = &acc{f: Flow{From: r.From, To: r.To}}
			by[k] = a
		}
		a.f.Sent++
		if r.OffRoute {
			a.f.OffRoute++
		}
		// A referral that was accepted counts as accepted whatever came after.
		if r.AcceptedAt != nil {
			a.f.Accepted++
			a.toAccept = append(a.toAccept, r.AcceptedAt.Sub(r.SentAt).Hours()/24)
		}
		switch r.Status {
		case "REFUSED":
			a.f.Refused++
		case "COMPLETED":
			a.f.Completed++
			if r.CompletedAt != nil {
				a.toFinish = append(a.toFinish, r.CompletedAt.Sub(r.SentAt).Hours()/24)
			}
		case "FAILED":
			a.f.Failed++
		}
	}
	out := make([]Flow, 0, len(by))
	for _, a := range by {
		f := a.f
		f.AcceptanceRate = math.NaN()
		if answered := f.Accepted + f.Refused; answered > 0 {
			f.AcceptanceRate = float64(f.Accepted) / float64(answered)
		}
		f.MedianDaysToAccept, f.P90DaysToAccept = Percentile(a.toAccept, 50), Percentile(a.toAccept, 90)
		f.MedianDaysToComplete, f.P90DaysToComplete = Percentile(a.toFinish, 50), Percentile(a.toFinish, 90)
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Sent != out[j].Sent {
			return out[i].Sent > out[j].Sent
		}
		if out[i].From != out[j].From {
			return out[i].From < out[j].From
		}
		return out[i].To < out[j].To
	})
	return out
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
