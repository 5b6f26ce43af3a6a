package graph_test

import (
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
)

func TestPathwaysTaken(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	do := func(q string, in map[string]any) map[string]any { return mustAs(t, e, manager, q, in) }
	// 6 cases in August 2026: 5 go 1 -> 2a -> 2c, one of which drops out at 2c; 1 stays at 1.
	pastClock(t, e, time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))
	for i := 0; i < 6; i++ {
		c := testenv.Get(do(`mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id } } }`,
			map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"]}}), "openCase", "case", "id").(string)
		if i == 5 {
			continue
		}
		for v, st := range []string{"2a", "2c"} {
			do(`mutation($in: MoveCaseInput!) { moveCase(input: $in) { userErrors { code } } }`, map[string]any{"caseId": c, "version": v + 1, "stageId": ids["stage "+st]})
		}
		if i == 0 {
			do(`mutation($in: CloseCaseInput!) { closeCase(input: $in) { userErrors { code } } }`, map[string]any{"caseId": c, "version": 3, "outcome": "DROPPED_OUT"})
		}
	}
	e.Store.SetClock(nil)
	r := e.DoAs(t, auth.Viewer{Subject: "res", Role: auth.Researcher}, `query($m: ID!) { pathwaysTaken(input: {modelId: $m, period: "2026-08"}) {
		cases stageSequences { steps cases } stages { stage { code } reached medianDwellDays { value withheld } dropOuts } } }`,
		map[string]any{"m": ids["COMMIT"]})
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	p := r.Data["pathwaysTaken"]
	if c := num(testenv.Get(p, "cases")); c < 5 || c > 7 {
		t.Errorf("6 cases published as %d", c)
	}
	// The path 1, 2a, 2c of 5 cases is listed; the single case that stayed at 1 is not.
	seqs := testenv.Get(p, "stageSequences").([]any)
	if len(seqs) != 1 || num(testenv.Get(seqs[0], "cases")) != 5 || len(testenv.Get(seqs[0], "steps").([]any)) != 3 {
		t.Errorf("the paths taken: %v", seqs)
	}
	stages := testenv.Get(p, "stages").([]any)
	for i, want := range [][2]int{{5, 7}, {5, 5}, {0, 0}, {5, 5}} { // 1, 2a, 2b (none), 2c
		if got := num(testenv.Get(stages[i], "reached")); got < want[0] || got > want[1] {
			t.Errorf("stage %v reached by %d, want %v", testenv.Get(stages[i], "stage", "code"), got, want)
		}
	}
	if d := num(testenv.Get(stages[3], "dropOuts")); d != 0 && d != 5 {
		t.Errorf("one drop-out at 2c published as %d", d)
	}
	if testenv.Get(stages[0], "medianDwellDays", "withheld") != "TOO_FEW" {
		t.Errorf("the dwell of 6 cases is too few to publish: %v", stages[0])
	}
}
