package analysis

import (
	"testing"
	"time"
)

func TestPathways(t *testing.T) {
	d := func(n int) time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
	p := func(t time.Time) *time.Time { return &t }
	walks := []CaseWalk{
		{Stages: []string{"1", "2a", "3"}, Entered: []time.Time{d(0), d(10), d(40)}, Closed: p(d(50)), Kinds: []string{"GOVERNANCE_BODY", "JOB_CENTRE"}, Key: 1},
		{Stages: []string{"1", "2a", "3"}, Entered: []time.Time{d(0), d(20), d(30)}, Closed: p(d(60)), Kinds: []string{"GOVERNANCE_BODY", "JOB_CENTRE"}, Key: 10},
		{Stages: []string{"1", "2a"}, Entered: []time.Time{d(0), d(4)}, Closed: p(d(34)), DroppedAt: "2a", Kinds: []string{"GOVERNANCE_BODY"}, Key: 100},
		{Stages: []string{"1"}, Entered: []time.Time{d(0)}, Key: 1000}, // still open at day 100
	}
	seqs, kinds, figs := Pathways(walks, []string{"1", "2a", "3"}, d(100))
	if len(seqs) != 3 || seqs[0].Cases != 2 || seqs[0].Keys != 11 || len(seqs[0].Steps) != 3 {
		t.Errorf("sequences: %+v", seqs)
	}
	if kinds[0].Cases != 2 || kinds[0].Steps[1] != "JOB_CENTRE" {
		t.Errorf("kind sequences: %+v", kinds)
	}
	// The funnel: 4 reached 1, 3 reached 2a, 2 reached 3.
	// Dwell in 1: 10, 20, 4 and 100 days: median 15. In 2a: 30, 10, 30: median 30. In 3: 10 and
	// 30: median 20. Drop-outs at 2a: 1.
	// Keys: every case reached 1 (1111), all but the open one 2a (111), the first two 3 (11);
	// the one with key 100 dropped out at 2a.
	want := []struct {
		stage             string
		reached, drops    int
		median            float64
		reachedKeys, drop int64
	}{{"1", 4, 0, 15, 1111, 0}, {"2a", 3, 1, 30, 111, 100}, {"3", 2, 0, 20, 11, 0}}
	for i, w := range want {
		f := figs[i]
		if f.Stage != w.stage || f.Reached != w.reached || f.DropOuts != w.drops || Percentile(f.DwellDays, 50) != w.median ||
			f.ReachedKeys != w.reachedKeys || f.DropOutKeys != w.drop {
			t.Errorf("stage %s: %+v, want %+v", w.stage, f, w)
		}
	}
}
