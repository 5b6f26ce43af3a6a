package graph_test

import (
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
)

func TestPathwaysTaken(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	do := func(q string, in map[string]any) map[string]any { return mustAs(t, e, manager, q, in) }
	// 6 cases: 5 go 1 -> 2a -> 2c, one of which drops out at 2c; 1 stays at 1.
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
	r := e.DoAs(t, auth.Viewer{Subject: "res", Role: auth.Researcher}, `query($m: ID!) { pathwaysTaken(input: {modelId: $m}) {
		cases { value } stageSequences { steps cases { value withheld } } stages { stage { code } reached { value withheld } medianDwellDays dropOuts { value withheld } } } }`,
		map[string]any{"m": ids["COMMIT"]})
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	p := r.Data["pathwaysTaken"]
	if testenv.Get(p, "cases", "value") != float64(6) {
		t.Errorf("cases: %v", p)
	}
	seq := testenv.Get(p, "stageSequences", 0)
	if testenv.Get(seq, "cases", "value") != float64(5) || len(testenv.Get(seq, "steps").([]any)) != 3 {
		t.Errorf("the most taken path is 1, 2a, 2c by 5 cases: %v", seq)
	}
	if testenv.Get(p, "stageSequences", 1, "cases", "withheld") != true {
		t.Errorf("the path of a single case is withheld: %v", testenv.Get(p, "stageSequences"))
	}
	stages := testenv.Get(p, "stages").([]any)
	funnel := []any{float64(6), float64(5), nil, float64(5)} // 1, 2a, 2b (none), 2c
	for i, want := range funnel {
		got := testenv.Get(stages[i], "reached", "value")
		if want == nil {
			want = float64(0)
		}
		if got != want {
			t.Errorf("stage %v reached by %v, want %v", testenv.Get(stages[i], "stage", "code"), got, want)
		}
	}
	if testenv.Get(stages[3], "dropOuts", "withheld") != true || testenv.Get(stages[0], "medianDwellDays") == nil {
		t.Errorf("one drop-out at 2c is withheld; dwell at stage 1 is measured: %v", stages)
	}
}
