package analysis

import (
	"testing"
	"time"
)

func TestPathways(t *testing.T) {
	d := func(n int) time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
	p := func(t time.Time) *time.Time { return &t }
	walks := []CaseWalk{
		{Stages: []string{"1", "2a", "3"}, Entered: []time.Time{d(0), d(10), d(40)}, Closed: p(d(50)), Kinds: []string{"GOVERNANCE_BODY", "JOB_CENTRE"}},
		{Stages: []string{"1", "2a", "3"}, Entered: []time.Time{d(0), d(20), d(30)}, Closed: p(d(60)), Kinds: []string{"GOVERNANCE_BODY", "JOB_CENTRE"}},
		{Stages: []string{"1", "2a"}, Entered: []time.Time{d(0), d(4)}, Closed: p(d(34)), DroppedAt: "2a", Kinds: []string{"GOVERNANCE_BODY"}},
		{Stages: []string{"1"}, Entered: []time.Time{d(0)}}, // still open at day 100
	}
	seqs, kinds, figs := Pathways(walks, []string{"1", "2a", "3"}, d(100), 10)
	if len(seqs) != 3 || seqs[0].Cases != 2 || len(seqs[0].Steps) != 3 {
		t.Errorf("sequences: %+v", seqs)
	}
	if kinds[0].Cases != 2 || kinds[0].Steps[1] != "JOB_CENTRE" {
		t.Errorf("kind sequences: %+v", kinds)
	}
	// The funnel: 4 reached 1, 3 reached 2a, 2 reached 3.
	// Dwell in 1: 10, 20, 4 and 100 days: median 15. In 2a: 30, 10, 30: median 30. In 3: 10 and
	// 30: median 20. Drop-outs at 2a: 1.
	want := []StageFigures{{"1", 4, 15, 0}, {"2a", 3, 30, 1}, {"3", 2, 20, 0}}
	for i, w := range want {
		if figs[i] != w {
			t.Errorf("stage %s: %+v, want %+v", w.Stage, figs[i], w)
		}
	}
}
