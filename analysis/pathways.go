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
	Key       int64    // the case's record key, which the disclosure layer perturbs counts by
}

// Sequence is a path taken, with how many cases took it and the sum of their record keys.
type Sequence struct {
	Steps []string
	Cases int
	Keys  int64
}

// StageFigures are a stage's figures over the cases.
type StageFigures struct {
	Stage string
	// Reached is how many cases entered the stage: the funnel.
	Reached int
	// DwellDays are the days cases stayed in the stage before moving on or closing (open cases
	// count up to now).
	DwellDays []float64
	// DropOuts is how many cases ended as dropped out while at the stage.
	DropOuts int
	// ReachedKeys and DropOutKeys sum the record keys of those cases.
	ReachedKeys, DropOutKeys int64
}

// Pathways measures walks: the stage sequences and actor-kind sequences taken, most taken
// first, and the figures of each stage, in the model's order.
func Pathways(walks []CaseWalk, stages []string, now time.Time) (stageSeqs, kindSeqs []Sequence, figures []StageFigures) {
	stageCount, kindCount := map[string]Sequence{}, map[string]Sequence{}
	dwell := map[string][]float64{}
	reached, drops := map[string]Sequence{}, map[string]Sequence{}
	tally := func(m map[string]Sequence, k string, w CaseWalk) {
		s := m[k]
		s.Cases++
		s.Keys += w.Key
		m[k] = s
	}
	for _, w := range walks {
		tally(stageCount, strings.Join(w.Stages, "\x00"), w)
		if len(w.Kinds) > 0 {
			tally(kindCount, strings.Join(w.Kinds, "\x00"), w)
		}
		seen := map[string]bool{}
		for i, st := range w.Stages {
			if !seen[st] { // a case that came back to a stage reached it once
				seen[st] = true
				tally(reached, st, w)
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
			tally(drops, w.DroppedAt, w)
		}
	}
	for _, st := range stages {
		figures = append(figures, StageFigures{Stage: st, Reached: reached[st].Cases, ReachedKeys: reached[st].Keys,
			DwellDays: dwell[st], DropOuts: drops[st].Cases, DropOutKeys: drops[st].Keys})
	}
	return sequences(stageCount), sequences(kindCount), figures
}

// sequences lists the paths taken, most taken first.
func sequences(counts map[string]Sequence) []Sequence {
	out := make([]Sequence, 0, len(counts))
	for k, s := range counts {
		s.Steps = strings.Split(k, "\x00")
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Cases != out[j].Cases {
			return out[i].Cases > out[j].Cases
		}
		return strings.Join(out[i].Steps, ",") < strings.Join(out[j].Steps, ",")
	})
	return out
}
