package analysis

import (
	"sort"
	"strings"
	"time"
)

// CaseWalk is one case's walk through its model: the stages it entered, in order, with when.
type CaseWalk struct {
	Stages    []string    // stage codes, in the order entered
	Entered   []time.Time // when each was entered
	Closed    *time.Time
	DroppedAt string   // the stage the person dropped out at, if they did
	Kinds     []string // the kinds of the actors referred to, in order
}

// Sequence is a path taken, with how many cases took it.
type Sequence struct {
	Steps []string
	Cases int
}

// StageFigures are a stage's figures over the cases.
type StageFigures struct {
	Stage string
	// Reached is how many cases entered the stage: the funnel.
	Reached int
	// MedianDwellDays is the median time cases stayed in the stage before moving on or closing
	// (open cases count up to now); NaN when none.
	MedianDwellDays float64
	// DropOuts is how many cases ended as dropped out while at the stage.
	DropOuts int
}

// Pathways measures walks: the most frequent stage sequences and actor-kind sequences (most
// taken first, at most limit of each), and the figures of each stage, in the model's order.
func Pathways(walks []CaseWalk, stages []string, now time.Time, limit int) (stageSeqs, kindSeqs []Sequence, figures []StageFigures) {
	stageCount, kindCount := map[string]int{}, map[string]int{}
	dwell := map[string][]float64{}
	reached, drops := map[string]int{}, map[string]int{}
	for _, w := range walks {
		stageCount[strings.Join(w.Stages, "\x00")]++
		if len(w.Kinds) > 0 {
			kindCount[strings.Join(w.Kinds, "\x00")]++
		}
		seen := map[string]bool{}
		for i, st := range w.Stages {
			if !seen[st] { // a case that came back to a stage reached it once
				seen[st] = true
				reached[st]++
			}
			end := now
			switch {
			case i+1 < len(w.Entered):
				end = w.Entered[i+1]
			case w.Closed != nil:
				end = *w.Closed
			}
			dwell[st] = append(dwell[st], end.Sub(w.Entered[i]).Hours()/24)
		}
		if w.DroppedAt != "" {
			drops[w.DroppedAt]++
		}
	}
	for _, st := range stages {
		figures = append(figures, StageFigures{Stage: st, Reached: reached[st], MedianDwellDays: Percentile(dwell[st], 50), DropOuts: drops[st]})
	}
	return top(stageCount, limit), top(kindCount, limit), figures
}

func top(counts map[string]int, limit int) []Sequence {
	out := make([]Sequence, 0, len(counts))
	for k, n := range counts {
		out = append(out, Sequence{Steps: strings.Split(k, "\x00"), Cases: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Cases != out[j].Cases {
			return out[i].Cases > out[j].Cases
		}
		return strings.Join(out[i].Steps, ",") < strings.Join(out[j].Steps, ",")
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}
