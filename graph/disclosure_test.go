package graph_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/server"
	"snodo/store"
)

// The tests of this file replay, with a RESEARCHER token, the attacks on the aggregates that
// the disclosure layer exists to stop, on a small graph with hand-set data: every case and
// referral is imported with its times and its record key, so the published values can be
// worked out from the disclosure layer's table.

// handCase is a case of the hand-set world.
type handCase struct {
	zone            string
	opened, closed  time.Time
	outcome         string // empty when still open
	referTo         string // a service or actor of caseWorld, or empty
	referralStatus  string
	acceptAfterDays int
}

// keyOf is the record key of the i-th record of the hand-set world: fixed, so the test knows
// every cell key.
func keyOf(i int) int64 { return int64(i*733+91) % disclosure.KeyRange }

var q1 = func(day int) time.Time { return time.Date(2026, 2, day, 9, 0, 0, 0, time.UTC) }

// handWorld builds caseWorld and imports the cases, referrals and events of the attacks:
//
//   - Follonica: 7 cases opened in February 2026: 4 included, 1 dropped out, 2 still open; 6
//     of them referred to the job desk, 5 accepted, 1 refused.
//   - Grosseto: 1 case, transferred: the only person of the zone, referred to the shelter.
//   - the province itself (no municipality): 2 cases, 1 included, 1 open.
//   - 5 referrals from the reception centre to the technical secretariat in the first quarter,
//     still unanswered, and 5 more in November 2026 (a period not yet ended).
//
// It returns the world's IDs and the record keys by case and referral key.
func handWorld(t *testing.T, e *testenv.Env) (map[string]string, map[string]int64) {
	t.Helper()
	ids := caseWorld(t, e)
	var cases []handCase
	for i := range 7 {
		c := handCase{zone: "Follonica", opened: q1(10 + i)}
		switch {
		case i < 4:
			c.outcome, c.closed = "INCLUDED", q1(25)
		case i == 4:
			c.outcome, c.closed = "DROPPED_OUT", q1(26)
		}
		if i < 6 {
			c.referTo, c.referralStatus, c.acceptAfterDays = "Job desk", "ACCEPTED", 2+i
			if i == 5 {
				c.referralStatus, c.acceptAfterDays = "REFUSED", 0
			}
		}
		cases = append(cases, c)
	}
	cases = append(cases, handCase{zone: "Grosseto", opened: q1(12), outcome: "TRANSFERRED", closed: q1(27), referTo: "Shelter", referralStatus: "SENT"},
		handCase{zone: "Provincia di Grosseto", opened: q1(14), outcome: "INCLUDED", closed: q1(28)},
		handCase{zone: "Provincia di Grosseto", opened: q1(15)})
	hs := newHandSet()
	im, keys, node, link := hs.im, hs.keys, hs.node, hs.link
	reception := key(t, ids["Reception centre"])
	refer := func(caseID, to, status string, sent time.Time, acceptAfterDays int) {
		rid := fmt.Sprintf("ref-%d", hs.n+1)
		props := map[string]any{"caseId": caseID, "fromId": reception, "toId": ids[to], "status": status, "sentAt": sent, "offRoute": true}
		if status == "ACCEPTED" {
			props["acceptedAt"] = sent.AddDate(0, 0, acceptAfterDays)
		}
		node("Referral", rid, props)
		link(store.LinkCaseReferral, caseID, rid)
		link(store.LinkReferralFrom, rid, reception)
		typ, k, _ := relay.ParseGlobalID(ids[to])
		if typ == "Service" {
			link(store.LinkReferralToService, rid, k)
		} else {
			link(store.LinkReferralToActor, rid, k)
		}
	}
	stage1 := key(t, ids["stage 1"])
	for i, c := range cases {
		id := fmt.Sprintf("hand-%d", i)
		props := map[string]any{"code": fmt.Sprintf("SN-HAND%04d", i), "openedAt": c.opened, "zoneId": key(t, ids[c.zone]),
			"modelId": key(t, ids["COMMIT"]), "stageId": stage1, "managingActorId": reception, "status": "OPEN"}
		if c.outcome != "" {
			props["status"], props["closedAt"], props["outcome"] = "CLOSED", c.closed, c.outcome
		}
		node("Case", id, props)
		link(store.LinkCaseZone, id, key(t, ids[c.zone]))
		link(store.LinkCaseModel, id, key(t, ids["COMMIT"]))
		link(store.LinkCaseStage, id, stage1)
		link(store.LinkCaseActor, id, reception)
		ev := id + "-opened"
		im.Nodes["CaseEvent"] = append(im.Nodes["CaseEvent"], store.ImportNode{ID: ev, Props: map[string]any{"kind": "OPENED", "stageId": stage1, "at": c.opened}})
		link(store.LinkCaseEvent, id, ev)
		if c.referTo != "" {
			refer(id, c.referTo, c.referralStatus, c.opened.Add(time.Hour), c.acceptAfterDays)
		}
	}
	for i := range 5 {
		refer("hand-8", "Technical secretariat", "SENT", q1(20+i), 0)
		refer("hand-9", "Technical secretariat", "SENT", time.Date(2026, 11, 10+i, 9, 0, 0, 0, time.UTC), 0)
	}
	if _, err := e.Store.Import(context.Background(), im); err != nil {
		t.Fatal(err)
	}
	return ids, keys
}

// handSet gathers hand-set records into one import: each record gets the record key keyOf of
// its place in the set, so a test knows every cell key.
type handSet struct {
	im   store.Import
	keys map[string]int64 // record keys by record ID
	n    int              // records so far
}

func newHandSet() *handSet {
	return &handSet{im: store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}, keys: map[string]int64{}}
}

// node adds a record with its properties and its record key.
func (h *handSet) node(label, id string, props map[string]any) {
	h.n++
	props["recordKey"] = keyOf(h.n)
	h.keys[id] = keyOf(h.n)
	h.im.Nodes[label] = append(h.im.Nodes[label], store.ImportNode{ID: id, Props: props})
}

// link adds a relationship between two records by key.
func (h *handSet) link(lt store.LinkType, from, to string) {
	h.im.Links[lt] = append(h.im.Links[lt], store.ImportLink{From: from, To: to})
}

// cellOfKeys is the cell of the records with these keys.
func cellOfKeys(keys map[string]int64, ids ...string) disclosure.Cell {
	var c disclosure.Cell
	for _, id := range ids {
		c = c.Plus(disclosure.Cell{N: 1, KeySum: keys[id]})
	}
	return c
}

func caseIDs(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("hand-%d", i))
	}
	return out
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

var researcher = auth.Viewer{Subject: "res-ada", Role: auth.Researcher}

func TestDisclosureAttacksFail(t *testing.T) {
	e := testenv.Open(t)
	ids, keys := handWorld(t, e)
	pub, err := disclosure.New(disclosure.Defaults, time.Now, nil)
	if err != nil {
		t.Fatal(err)
	}
	ask := func(t *testing.T, q string, vars map[string]any) map[string]any {
		t.Helper()
		r := e.DoAs(t, researcher, q, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		return r.Data
	}
	countsQ := `query($z: ID!, $level: ZoneKind, $p: String!) { caseCounts(input: {zoneId: $z, level: $level, period: $p}) {
		period threshold maxNoise rows { zone { name } open included transferred droppedOut other total } } }`

	t.Run("time windows are refused", func(t *testing.T) {
		// The binary search over windows needed from/to instants: they are gone from the input.
		r := e.DoAs(t, researcher, `query($z: ID!) { caseCounts(input: {zoneId: $z, from: "2026-02-10T00:00:00Z", to: "2026-02-11T00:00:00Z"}) { threshold } }`,
			map[string]any{"z": ids["Follonica"]})
		if r.Code() != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("instants: %+v", r.Errors)
		}
		for period, code := range map[string]string{"2026-02-10T00:00:00Z": "BAD_USER_INPUT", "2026-Q4": "PERIOD_NOT_ENDED", "2026-12": "PERIOD_NOT_ENDED", "2026": "PERIOD_NOT_ENDED"} {
			if r := e.DoAs(t, researcher, countsQ, map[string]any{"z": ids["Follonica"], "p": period}); r.Code() != code {
				t.Errorf("period %s: %+v, want %s", period, r.Errors, code)
			}
		}
		// The same cases give the same published counts whichever period holds them all, and
		// however often they are asked for.
		var totals []int
		for _, p := range []string{"2026-02", "2026-Q1", "2025-Q4", "2026-Q1"} {
			d := ask(t, countsQ, map[string]any{"z": ids["Follonica"], "p": p})
			totals = append(totals, num(testenv.Get(d, "caseCounts", "rows", 0, "total")))
		}
		want := pub.Count(cellOfKeys(keys, caseIDs(0, 7)...))
		if totals[0] != want || totals[1] != want || totals[3] != want || totals[2] != 0 {
			t.Errorf("Follonica's 7 cases: totals %v, want %d in every period holding them and 0 in 2025-Q4", totals, want)
		}
	})

	t.Run("subtraction across levels and within a table", func(t *testing.T) {
		province := ask(t, countsQ, map[string]any{"z": ids["Provincia di Grosseto"], "p": "2026-Q1"})
		byTown := ask(t, countsQ, map[string]any{"z": ids["Provincia di Grosseto"], "level": "MUNICIPALITY", "p": "2026-Q1"})
		rows := testenv.Get(byTown, "caseCounts", "rows").([]any)
		if len(rows) != 3 || testenv.Get(rows[0], "zone", "name") != "Follonica" || testenv.Get(rows[1], "zone", "name") != "Grosseto" {
			t.Fatalf("rows: %v", rows)
		}
		total := num(testenv.Get(province, "caseCounts", "rows", 0, "total"))
		follonica, grosseto := num(testenv.Get(rows[0], "total")), num(testenv.Get(rows[1], "total"))
		// Every published count is the layer's perturbation of its true cell.
		if want := pub.Count(cellOfKeys(keys, caseIDs(0, 10)...)); total != want {
			t.Errorf("the province's total: %d, want %d", total, want)
		}
		if want := pub.Count(cellOfKeys(keys, caseIDs(0, 7)...)); follonica != want {
			t.Errorf("Follonica: %d, want %d", follonica, want)
		}
		// Grosseto holds one case: published as 0 or the threshold, never 1.
		if grosseto != 0 && grosseto != disclosure.Defaults.Threshold {
			t.Errorf("Grosseto's single case published as %d", grosseto)
		}
		// The two cases held directly by the province are the difference of the levels: the
		// difference of the published counts does not give them.
		if estimate := total - follonica - grosseto; estimate == 2 {
			t.Errorf("across levels, %d - %d - %d gives the 2 hidden cases", total, follonica, grosseto)
		}
		// Within Follonica's row, total minus included minus open gave the one who dropped out.
		row := rows[0]
		if estimate := num(testenv.Get(row, "total")) - num(testenv.Get(row, "included")) - num(testenv.Get(row, "open")); estimate == 1 {
			t.Errorf("within the row, the person who dropped out is found: %v", row)
		}
		for _, r := range rows {
			for _, f := range []string{"open", "included", "transferred", "droppedOut", "other", "total"} {
				if v := num(testenv.Get(r, f)); v > 0 && v < disclosure.Defaults.Threshold {
					t.Errorf("%s published as %d, inside 1..k-1: %v", f, v, r)
				}
			}
		}
	})

	t.Run("indicator breakdowns do not subtract", func(t *testing.T) {
		d := ask(t, `query($z: ID!) { indicators(zoneId: $z, period: "2026-Q1") { period casesOpened casesClosed
			outcomes { key count } referrals { key count } acceptanceRate { value withheld } medianDaysToTakingCharge { value withheld } } }`,
			map[string]any{"z": ids["Provincia di Grosseto"]})
		in := d["indicators"]
		outcomes := map[string]int{}
		for _, o := range testenv.Get(in, "outcomes").([]any) {
			outcomes[testenv.Get(o, "key").(string)] = num(testenv.Get(o, "count"))
		}
		closed := num(testenv.Get(in, "casesClosed"))
		// Closed: Follonica's 4 included and 1 dropped out, Grosseto's 1 transferred, the
		// province's 1 included; the single transfer was found as closed - included - dropped.
		if want := pub.Count(cellOfKeys(keys, "hand-0", "hand-1", "hand-2", "hand-3", "hand-4", "hand-7", "hand-8")); closed != want {
			t.Errorf("closed: %d, want %d", closed, want)
		}
		if estimate := closed - outcomes["INCLUDED"] - outcomes["DROPPED_OUT"]; estimate == 1 {
			t.Errorf("the single transfer is found by subtraction: closed %d, outcomes %v", closed, outcomes)
		}
		if v, ok := outcomes["TRANSFERRED"]; ok && v != disclosure.Defaults.Threshold {
			t.Errorf("a single transfer published as %d", v)
		}
		// 6 answered referrals (5 accepted, 1 refused) and 5 cases taken in charge: too few for
		// a rate or a median, which would have told the refusal and one person's wait.
		for _, f := range []string{"acceptanceRate", "medianDaysToTakingCharge"} {
			if testenv.Get(in, f, "value") != nil || testenv.Get(in, f, "withheld") != "TOO_FEW" {
				t.Errorf("%s over too few: %v", f, testenv.Get(in, f))
			}
		}
	})

	flowsQ := `query($in: FlowsInput!) { referralFlows(input: $in) { from to sent accepted refused
		acceptanceRate { value withheld } medianDaysToAccept { value withheld } p90DaysToAccept { value } } }`
	t.Run("flows: only those of enough referrals, by published order, no tiny figures", func(t *testing.T) {
		flows := testenv.Get(ask(t, flowsQ, map[string]any{"in": map[string]any{"zoneId": ids["Toscana"], "period": "2026-Q1"}}), "referralFlows").([]any)
		// The job desk's 6 and the secretariat's 5 are listed; the shelter's single referral,
		// which told that the only person of Grosseto went to the shelter, is not.
		if len(flows) != 2 {
			t.Fatalf("flows: %v", flows)
		}
		byTo := map[string]any{}
		for i, f := range flows {
			byTo[testenv.Get(f, "to").(string)] = f
			if i > 0 {
				prev := flows[i-1]
				if num(testenv.Get(prev, "sent")) < num(testenv.Get(f, "sent")) ||
					num(testenv.Get(prev, "sent")) == num(testenv.Get(f, "sent")) && testenv.Get(prev, "to").(string) > testenv.Get(f, "to").(string) {
					t.Errorf("flows are not in published order: %v", flows)
				}
			}
		}
		desk := byTo["Job desk"]
		if desk == nil || byTo["Shelter"] != nil || byTo["Technical secretariat"] == nil {
			t.Fatalf("flows: %v", flows)
		}
		var deskRefs []string
		for i := 1; i <= 6; i++ {
			deskRefs = append(deskRefs, fmt.Sprintf("ref-%d", 2*i))
		}
		if want := pub.Count(cellOfKeys(keys, deskRefs...)); num(testenv.Get(desk, "sent")) != want {
			t.Errorf("the desk's 6 referrals published as %v, want %d", testenv.Get(desk, "sent"), want)
		}
		if r := num(testenv.Get(desk, "refused")); r != 0 && r != disclosure.Defaults.Threshold {
			t.Errorf("a single refusal published as %d", r)
		}
		for _, f := range []string{"acceptanceRate", "medianDaysToAccept"} {
			if testenv.Get(desk, f, "value") != nil || testenv.Get(desk, f, "withheld") != "TOO_FEW" {
				t.Errorf("%s over 6 referrals: %v", f, testenv.Get(desk, f))
			}
		}
		// The flows of Grosseto alone: its one person's referral to the shelter is not listed.
		if flows := testenv.Get(ask(t, flowsQ, map[string]any{"in": map[string]any{"zoneId": ids["Grosseto"], "period": "2026-Q1"}}), "referralFlows").([]any); len(flows) != 0 {
			t.Errorf("Grosseto's single referral: %v", flows)
		}
		if r := e.DoAs(t, researcher, flowsQ, map[string]any{"in": map[string]any{"period": "2026-Q4"}}); r.Code() != "PERIOD_NOT_ENDED" {
			t.Errorf("the current quarter: %+v", r.Errors)
		}
	})

	t.Run("a single person's pathway is not described", func(t *testing.T) {
		q := `query($in: PathwaysInput!) { pathwaysTaken(input: $in) { cases stageSequences { steps cases }
			actorKindSequences { steps cases } stages { stage { code } reached dropOuts medianDwellDays { value withheld } } } }`
		one := ask(t, q, map[string]any{"in": map[string]any{"modelId": ids["COMMIT"], "zoneId": ids["Grosseto"], "period": "2026-Q1"}})["pathwaysTaken"]
		if c := num(testenv.Get(one, "cases")); c != 0 && c != disclosure.Defaults.Threshold {
			t.Errorf("one case published as %d", c)
		}
		if len(testenv.Get(one, "stageSequences").([]any)) != 0 || len(testenv.Get(one, "actorKindSequences").([]any)) != 0 {
			t.Errorf("the one person's path is listed: %v", one)
		}
		if testenv.Get(one, "stages", 0, "medianDwellDays", "withheld") != "TOO_FEW" {
			t.Errorf("one person's dwell: %v", testenv.Get(one, "stages", 0))
		}
		all := ask(t, q, map[string]any{"in": map[string]any{"modelId": ids["COMMIT"], "zoneId": ids["Provincia di Grosseto"], "period": "2026-Q1"}})["pathwaysTaken"]
		seqs := testenv.Get(all, "stageSequences").([]any)
		if len(seqs) != 1 || num(testenv.Get(seqs[0], "cases")) != pub.Count(cellOfKeys(keys, caseIDs(0, 10)...)) {
			t.Errorf("the 10 cases that stayed at stage 1: %v", seqs)
		}
		// The kinds of actors referred to: the 7 cases referred once to an OTHER actor are
		// listed; the one case referred five times to the secretariat is not.
		kinds := testenv.Get(all, "actorKindSequences").([]any)
		if len(kinds) != 1 || testenv.Get(kinds[0], "steps", 0) != "OTHER" {
			t.Errorf("kind sequences: %v", kinds)
		}
		if d := testenv.Get(all, "stages", 0, "medianDwellDays", "value"); d == nil {
			t.Errorf("the dwell of 10 cases is published: %v", testenv.Get(all, "stages", 0))
		}
	})

	t.Run("a single referral is not a tie", func(t *testing.T) {
		q := `query($in: NetworkInput!) { networkAnalysis(input: $in) { period ties centrality(first: 10) { actor { name } degree } } }`
		n := ask(t, q, map[string]any{"in": map[string]any{"layers": []string{"REFERRALS"}, "period": "2026-Q1"}})["networkAnalysis"]
		// The reception centre is tied to the job centre (6 referrals through its desk) and to
		// the secretariat (5), not to the shelter's provider (1).
		if num(testenv.Get(n, "ties")) != 2 || testenv.Get(n, "period") != "2026-Q1" {
			t.Errorf("referral ties: %v", n)
		}
		for _, c := range testenv.Get(n, "centrality").([]any) {
			if testenv.Get(c, "actor", "name") == "Shelter provider" && num(testenv.Get(c, "degree")) != 0 {
				t.Errorf("one referral tied the shelter provider: %v", c)
			}
		}
		// November's 5 referrals to the secretariat tie it in November, which has ended, but
		// the quarter holding it has not: not measured; by default the last quarter that has
		// ended (2026-Q3 today) holds none.
		if n := ask(t, q, map[string]any{"in": map[string]any{"layers": []string{"REFERRALS"}, "period": "2026-11"}})["networkAnalysis"]; num(testenv.Get(n, "ties")) != 1 {
			t.Errorf("November: %v", n)
		}
		if r := e.DoAs(t, researcher, q, map[string]any{"in": map[string]any{"layers": []string{"REFERRALS"}, "period": "2026-Q4"}}); r.Code() != "PERIOD_NOT_ENDED" {
			t.Errorf("the current quarter: %+v", r.Errors)
		}
		if n := ask(t, q, map[string]any{"in": map[string]any{"layers": []string{"REFERRALS"}}})["networkAnalysis"]; num(testenv.Get(n, "ties")) != 0 {
			t.Errorf("the last quarter ended: %v", n)
		}
	})
}

// Derived figures over groups large enough are published, rounded: the rate from the
// published counts, days to whole days.
func TestDerivedFiguresOverEnoughRecords(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	reception := key(t, ids["Reception centre"])
	im := store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}
	keys := map[string]int64{}
	var accepted, refused []string
	var toAccept []float64
	// 14 cases in Follonica in May 2025, each referred to the job desk: 12 accepted after 1 to 12
	// days, 2 refused.
	for i := range 14 {
		cid, rid := fmt.Sprintf("c%d", i), fmt.Sprintf("r%d", i)
		opened := time.Date(2025, 5, 2+i, 9, 0, 0, 0, time.UTC)
		im.Nodes["Case"] = append(im.Nodes["Case"], store.ImportNode{ID: cid, Props: map[string]any{"code": "SN-D" + cid, "openedAt": opened,
			"status": "OPEN", "zoneId": key(t, ids["Follonica"]), "modelId": key(t, ids["COMMIT"]), "managingActorId": reception, "recordKey": keyOf(i)}})
		im.Links[store.LinkCaseZone] = append(im.Links[store.LinkCaseZone], store.ImportLink{From: cid, To: key(t, ids["Follonica"])})
		props := map[string]any{"caseId": cid, "fromId": reception, "toId": ids["Job desk"], "status": "REFUSED", "sentAt": opened, "recordKey": keyOf(100 + i)}
		keys[rid] = keyOf(100 + i)
		if i < 12 {
			props["status"], props["acceptedAt"] = "ACCEPTED", opened.AddDate(0, 0, i+1)
			accepted = append(accepted, rid)
			toAccept = append(toAccept, float64(i+1))
		} else {
			refused = append(refused, rid)
		}
		im.Nodes["Referral"] = append(im.Nodes["Referral"], store.ImportNode{ID: rid, Props: props})
		im.Links[store.LinkCaseReferral] = append(im.Links[store.LinkCaseReferral], store.ImportLink{From: cid, To: rid})
		im.Links[store.LinkReferralFrom] = append(im.Links[store.LinkReferralFrom], store.ImportLink{From: rid, To: reception})
		im.Links[store.LinkReferralToService] = append(im.Links[store.LinkReferralToService], store.ImportLink{From: rid, To: key(t, ids["Job desk"])})
	}
	if _, err := e.Store.Import(context.Background(), im); err != nil {
		t.Fatal(err)
	}
	pub, _ := disclosure.New(disclosure.Defaults, time.Now, nil)
	r := e.DoAs(t, researcher, `{ referralFlows(input: {period: "2025-Q2"}) { to sent accepted refused
		acceptanceRate { value } medianDaysToAccept { value } p90DaysToAccept { value } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	f := testenv.Get(r.Data, "referralFlows", 0)
	pa, pr := pub.Count(cellOfKeys(keys, accepted...)), pub.Count(cellOfKeys(keys, refused...))
	if num(testenv.Get(f, "accepted")) != pa || num(testenv.Get(f, "refused")) != pr {
		t.Errorf("counts: %v, want accepted %d refused %d", f, pa, pr)
	}
	wantRate := float64(int(float64(pa)/float64(pa+pr)*100+0.5)) / 100
	if got := testenv.Get(f, "acceptanceRate", "value"); got != wantRate {
		t.Errorf("the rate from the published counts %d and %d: %v, want %v", pa, pr, got, wantRate)
	}
	// Days to accept 1..12: the median 6.5 rounds to 7; the 90th percentile 1 + 0.9 * 11 =
	// 10.9 to 11.
	if testenv.Get(f, "medianDaysToAccept", "value") != float64(7) || testenv.Get(f, "p90DaysToAccept", "value") != float64(11) {
		t.Errorf("days: %v (of %v)", f, toAccept)
	}
	in := e.DoAs(t, researcher, `query($z: ID!) { indicators(zoneId: $z, period: "2025-Q2") { medianDaysToTakingCharge { value } } }`,
		map[string]any{"z": ids["Toscana"]})
	if testenv.Get(in.Data, "indicators", "medianDaysToTakingCharge", "value") != float64(7) {
		t.Errorf("12 cases taken in charge after 1 to 12 days: %+v", in)
	}
}

// A researcher has a daily budget of aggregate queries, kept in Neo4j, so that two Snodo
// replicas on one database share it; every aggregate query is recorded.
func TestAggregateBudget(t *testing.T) {
	e := testenv.Open(t)
	ids := zoneDAG(t, e)
	params := disclosure.Defaults
	params.DailyBudget = 3
	replica := func() (h http.Handler) {
		pub, err := disclosure.New(params, e.Store.Now, e.Store)
		if err != nil {
			t.Fatal(err)
		}
		return e.HandlerWith(server.Options{Disclosure: pub})
	}
	a, b := replica(), replica()
	q := `query($z: ID!) { caseCounts(input: {zoneId: $z, period: "2026-Q1"}) { threshold } }`
	vars := map[string]any{"z": ids["Toscana"]}
	for i, h := range []http.Handler{a, b, a} {
		if r := testenv.DoOn(t, h, researcher, q, vars); len(r.Errors) > 0 {
			t.Fatalf("query %d: %+v", i+1, r.Errors)
		}
	}
	if r := testenv.DoOn(t, b, researcher, q, vars); r.Code() != "BUDGET_EXCEEDED" {
		t.Errorf("the fourth query, on the other replica: %+v", r.Errors)
	}
	other := auth.Viewer{Subject: "res-bruno", Role: auth.Researcher}
	if r := testenv.DoOn(t, a, other, q, vars); len(r.Errors) > 0 {
		t.Errorf("another researcher's budget is their own: %+v", r.Errors)
	}
	if r := testenv.DoOn(t, a, auth.Viewer{Subject: "coord", Role: auth.Coordinator, ZoneIDs: []string{key(t, ids["Toscana"])}}, q, vars); len(r.Errors) > 0 {
		t.Errorf("coordinators are not limited: %+v", r.Errors)
	}
	// A caller the role check refuses spends nothing and writes nothing.
	if r := testenv.DoOn(t, a, auth.Viewer{Role: auth.Anonymous}, q, vars); r.Code() != "UNAUTHENTICATED" {
		t.Errorf("anonymous: %+v", r.Errors)
	}
	if r := testenv.DoOn(t, a, auth.Viewer{Subject: "op", Role: auth.ServiceOperator, ActorID: "x"}, q, vars); r.Code() != "FORBIDDEN" {
		t.Errorf("a service operator: %+v", r.Errors)
	}
	rec := e.Query(t, `MATCH (q:AggregateQuery {query: 'caseCounts'}) RETURN q.subject, count(*) ORDER BY q.subject`, nil)
	got := []string{}
	for _, r := range rec {
		got = append(got, fmt.Sprintf("%s:%d", r.Values[0], r.Values[1]))
	}
	if strings.Join(got, " ") != "coord:1 res-ada:4 res-bruno:1" {
		t.Errorf("recorded queries: %v", got)
	}
}
