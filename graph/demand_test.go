package graph_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/internal/testenv"
	"snodo/model"
	"snodo/relay"
	"snodo/store"
)

// The waiting list and coded refusals through the API: a referral accepted, put on hold, then
// started; another refused for lack of places; a refusal without a reason refused.
func TestReferralOnHoldAndCodedRefusal(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm-anna", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	shelter := auth.Viewer{Subject: "op-shelter", Role: auth.ServiceOperator, ActorID: key(t, ids["Shelter provider"])}
	as := func(v auth.Viewer, name, inputType string, in map[string]any, selection string) (any, []any) {
		t.Helper()
		r := e.DoAs(t, v, `mutation($in: `+inputType+`!) { `+name+`(input: $in) { `+selection+` userErrors { field code message } } }`, map[string]any{"in": in})
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", name, r.Errors)
		}
		return r.Data[name], testenv.Get(r.Data, name, "userErrors").([]any)
	}
	opened, _ := as(manager, "openCase", "OpenCaseInput", map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"],
		"needIds": []string{ids["housing"]}, "exploitation": "LABOUR"}, "case { id exploitation }")
	caseID := testenv.Get(opened, "case", "id").(string)
	if testenv.Get(opened, "case", "exploitation") != "LABOUR" {
		t.Errorf("the case's kind of exploitation: %v", opened)
	}
	refer := func() string {
		r, _ := as(manager, "refer", "ReferInput", map[string]any{"caseId": caseID, "toId": ids["Shelter"], "needId": ids["housing.shelter"], "consent": givenConsent}, "referral { id }")
		return testenv.Get(r, "referral", "id").(string)
	}
	move := func(ref string, version int, status string, extra map[string]any) (any, []any) {
		in := map[string]any{"referralId": ref, "version": version, "status": status}
		for k, v := range extra {
			in[k] = v
		}
		return as(shelter, "moveReferral", "MoveReferralInput", in, "referral { status onHoldAt refusalReason reason history { status note } }")
	}
	held := refer()
	move(held, 1, "RECEIVED", nil)
	move(held, 2, "ACCEPTED", nil)
	if _, errs := move(held, 3, "COMPLETED", map[string]any{"note": "x"}); len(errs) == 0 {
		t.Error("an accepted referral is not completed before it starts")
	}
	p, errs := move(held, 3, "ON_HOLD", nil)
	if len(errs) > 0 || testenv.Get(p, "referral", "status") != "ON_HOLD" || testenv.Get(p, "referral", "onHoldAt") == nil {
		t.Fatalf("on hold: %v %v", p, errs)
	}
	onHoldAt := testenv.Get(p, "referral", "onHoldAt")
	for _, st := range []string{"REFUSED", "COMPLETED", "ACCEPTED"} {
		extra := map[string]any{"note": "x"}
		if _, errs := move(held, 4, st, extra); len(errs) == 0 {
			t.Errorf("a referral on the waiting list does not become %s", st)
		}
	}
	p, _ = move(held, 4, "IN_PROGRESS", nil)
	if testenv.Get(p, "referral", "status") != "IN_PROGRESS" || testenv.Get(p, "referral", "onHoldAt") != onHoldAt {
		t.Errorf("off the waiting list, the date put on hold stays: %v", p)
	}

	refused := refer()
	move(refused, 1, "RECEIVED", nil)
	if _, errs := move(refused, 2, "REFUSED", nil); len(errs) != 1 || testenv.Get(errs[0], "code") != "REQUIRED" {
		t.Errorf("a refusal with no reason: %v", errs)
	}
	if _, errs := move(refused, 2, "REFUSED", map[string]any{"refusalReason": "OTHER"}); len(errs) != 1 || fmt.Sprint(testenv.Get(errs[0], "field")) != "[input note]" {
		t.Errorf("OTHER without words: %v", errs)
	}
	if _, errs := move(refused, 2, "ACCEPTED", map[string]any{"refusalReason": "NO_PLACES"}); len(errs) != 1 || fmt.Sprint(testenv.Get(errs[0], "field")) != "[input refusalReason]" {
		t.Errorf("a refusal reason on an acceptance: %v", errs)
	}
	p, errs = move(refused, 2, "REFUSED", map[string]any{"refusalReason": "NO_PLACES"})
	if len(errs) > 0 || testenv.Get(p, "referral", "refusalReason") != "NO_PLACES" || testenv.Get(p, "referral", "reason") != nil {
		t.Errorf("refused for lack of places: %v %v", p, errs)
	}
	// Old clients refuse with words only: the reason is OTHER.
	other := refer()
	move(other, 1, "RECEIVED", nil)
	if p, _ := move(other, 2, "REFUSED", map[string]any{"note": "struttura in ristrutturazione"}); testenv.Get(p, "referral", "refusalReason") != "OTHER" {
		t.Errorf("a refusal in words: %v", p)
	}

	// The trace tells the waiting list and the coded refusal.
	r := e.DoAs(t, manager, `query($id: ID!) { caseTrace(id: $id) { events { kind summary referral { id } } } }`, map[string]any{"id": caseID})
	var summaries []string
	for _, ev := range testenv.Get(r.Data, "caseTrace", "events").([]any) {
		if testenv.Get(ev, "kind") == "REFERRAL_CHANGED" {
			summaries = append(summaries, testenv.Get(ev, "summary").(string))
		}
	}
	want := "referral RECEIVED|referral ACCEPTED|referral ON_HOLD (waiting list)|referral IN_PROGRESS|referral RECEIVED|referral REFUSED (NO_PLACES)|referral RECEIVED|referral REFUSED (OTHER)"
	if got := strings.Join(summaries, "|"); got != want {
		t.Errorf("trace:\n got %s\nwant %s", got, want)
	}
	// The recipient does not learn the kind of exploitation.
	d := e.DoAs(t, shelter, `query($id: ID!) { node(id: $id) { ... on Case { view exploitation } } }`, map[string]any{"id": caseID}).Data
	if testenv.Get(d, "node", "view") != "RECIPIENT" || testenv.Get(d, "node", "exploitation") != nil {
		t.Errorf("the recipient's view: %v", d)
	}
}

// demandWorld imports, on caseWorld, the cases and referrals of the demand test, each with a
// known record key, all in 2026-Q1 unless said (times in UTC; the quarter ends on 31 March at
// 22:00 UTC, midnight in Italy):
//
//   - Follonica, housing: 6 open cases: 2 refused by the shelter for lack of places, 1
//     accepted and on the waiting list since 4 February, 1 on the list from 5 February to 7
//     March then taken in charge, 1 accepted straight away, 1 never referred. Also 1 case closed
//     on 1 March and 1 opened in April: neither is open at the end of the quarter.
//   - Follonica, work: 3 open cases, 1 accepted by the job desk.
//   - Grosseto, housing: 11 cases open since December 2025, each referred and accepted by the
//     shelter then, and on the list from 1 February for 1 to 11 days.
//   - Grosseto, work: 12 open cases never referred.
//
// So unmet demand is Grosseto/work 12, Follonica/housing 4, Follonica/work 2, Grosseto/housing 0.
func demandWorld(t *testing.T, e *testenv.Env) (map[string]string, map[string]int64, map[string][]string) {
	t.Helper()
	ids := caseWorld(t, e)
	hs := newHandSet()
	im, keys, node, link := hs.im, hs.keys, hs.node, hs.link
	groups := map[string][]string{}
	reception := key(t, ids["Reception centre"])
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, time.UTC) }
	type ref struct {
		to, status, reason string
		sent               time.Time
		accepted, held     *time.Time
		left               *time.Time
	}
	at := func(t time.Time) *time.Time { return &t }
	newCase := func(group, zone, need string, opened time.Time, closed *time.Time, refs ...ref) {
		id := fmt.Sprintf("%s-%d", group, len(groups[group]))
		groups[group] = append(groups[group], id)
		props := map[string]any{"code": "SN-" + strings.ToUpper(id), "openedAt": opened, "status": "OPEN", "zoneId": key(t, ids[zone]),
			"modelId": key(t, ids["COMMIT"]), "managingActorId": reception}
		if closed != nil {
			props["status"], props["closedAt"], props["outcome"] = "CLOSED", *closed, "INCLUDED"
		}
		node("Case", id, props)
		link(store.LinkCaseZone, id, key(t, ids[zone]))
		link(store.LinkCaseNeed, id, need)
		for i, r := range refs {
			rid := fmt.Sprintf("%s-r%d", id, i)
			groups[group+" referrals"] = append(groups[group+" referrals"], rid)
			p := map[string]any{"caseId": id, "fromId": reception, "toId": ids[r.to], "needId": need, "status": r.status, "sentAt": r.sent}
			if r.reason != "" {
				p["refusalReason"] = r.reason
			}
			if r.accepted != nil {
				p["acceptedAt"] = *r.accepted
			}
			if r.held != nil {
				p["onHoldAt"] = *r.held
			}
			if r.left != nil {
				p["holdEndedAt"] = *r.left
			}
			node("Referral", rid, p)
			link(store.LinkCaseReferral, id, rid)
			link(store.LinkReferralToService, rid, key(t, ids[r.to]))
			link(store.LinkReferralNeed, rid, need)
		}
	}
	jan := day(1, 15)
	newCase("fh", "Follonica", "housing.shelter", jan, nil, ref{to: "Shelter", status: "REFUSED", reason: "NO_PLACES", sent: day(2, 1)})
	newCase("fh", "Follonica", "housing.shelter", jan, nil, ref{to: "Shelter", status: "REFUSED", reason: "NO_PLACES", sent: day(2, 2)})
	newCase("fh", "Follonica", "housing.shelter", jan, nil, ref{to: "Shelter", status: "ON_HOLD", sent: day(2, 3), accepted: at(day(2, 3)), held: at(day(2, 4))})
	newCase("fh", "Follonica", "housing.shelter", jan, nil, ref{to: "Shelter", status: "IN_PROGRESS", sent: day(2, 4), accepted: at(day(2, 4)), held: at(day(2, 5)), left: at(day(3, 7))})
	newCase("fh", "Follonica", "housing", jan, nil, ref{to: "Shelter", status: "ACCEPTED", sent: day(2, 6), accepted: at(day(2, 6))})
	newCase("fh", "Follonica", "housing", jan, nil)
	newCase("out", "Follonica", "housing", jan, at(day(3, 1)))
	newCase("out", "Follonica", "housing", day(4, 10), nil)
	newCase("fw", "Follonica", "work.placement", jan, nil, ref{to: "Job desk", status: "ACCEPTED", sent: day(2, 1), accepted: at(day(2, 2))})
	newCase("fw", "Follonica", "work", jan, nil)
	newCase("fw", "Follonica", "work", jan, nil)
	for i := range 11 {
		dec := time.Date(2025, 12, 20, 9, 0, 0, 0, time.UTC)
		newCase("gh", "Grosseto", "housing.shelter", dec.AddDate(0, 0, -10), nil, ref{to: "Shelter", status: "IN_PROGRESS", sent: dec, accepted: &dec,
			held: at(day(2, 1)), left: at(day(2, 2+i))})
	}
	for range 12 {
		newCase("gw", "Grosseto", "work", jan, nil)
	}
	if _, err := e.Store.Import(context.Background(), im); err != nil {
		t.Fatal(err)
	}
	return ids, keys, groups
}

func TestDemandBesideSupply(t *testing.T) {
	e := testenv.Open(t)
	ids, keys, groups := demandWorld(t, e)
	q := `query($in: DemandInput!) { demand(input: $in) { period rows { zone { name } need { code } openCases referralsSent refusedNoPlaces waiting
		medianWaitDays { value withheld } unmet full partial withFreePlaces } coverageGaps { zone { name } need { code } unmet } } }`
	in := map[string]any{"zoneId": ids["Provincia di Grosseto"], "level": "MUNICIPALITY", "period": "2026-Q1"}

	t.Run("the true figures, by hand", func(t *testing.T) {
		ctx := auth.WithViewer(context.Background(), auth.Viewer{Subject: "admin", Role: auth.Admin})
		level := model.ZoneKindMunicipality
		p, _ := model.ParsePeriod("2026-Q1")
		tallies, err := e.Store.Demand(ctx, model.DemandInput{ZoneID: ids["Provincia di Grosseto"], Level: &level}, p, time.Hour*24*365)
		if err != nil {
			t.Fatal(err)
		}
		pub, _ := disclosure.New(disclosure.Defaults, time.Now, nil)
		d := pub.Exact().Demand(p, tallies)
		type row struct{ open, sent, noPlaces, waiting, unmet, full, partial int }
		want := map[string]row{
			"Follonica/housing": {6, 5, 2, 1, 4, 1, 0},
			"Follonica/work":    {3, 1, 0, 0, 2, 1, 0},
			"Grosseto/housing":  {11, 0, 0, 0, 0, 1, 0},
			"Grosseto/work":     {12, 0, 0, 0, 12, 1, 0},
		}
		names := map[string]string{ids["Follonica"]: "Follonica", ids["Grosseto"]: "Grosseto", ids["housing"]: "housing", ids["work"]: "work"}
		name := func(r *model.NeedDemand) string {
			return names[relay.GlobalID("Zone", r.ZoneID)] + "/" + names[relay.GlobalID("Need", r.NeedID)]
		}
		var order []string
		for _, r := range d.Rows {
			order = append(order, name(r))
			got := row{r.OpenCases, r.ReferralsSent, r.RefusedNoPlaces, r.Waiting, r.Unmet, r.Full, r.Partial}
			if got != want[name(r)] {
				t.Errorf("%s: %+v, want %+v", name(r), got, want[name(r)])
			}
		}
		if got := strings.Join(order, " "); got != "Follonica/housing Follonica/work Grosseto/housing Grosseto/work" {
			t.Errorf("rows zone by zone, need by code: %s", got)
		}
		// Grosseto's 11 waits of 1 to 11 days: the median is 6. Referrals sent in December
		// were on the list in February: their waits count, though they were not sent in the quarter.
		for _, r := range d.Rows {
			if name(r) == "Grosseto/housing" && (r.MedianWaitDays.Value == nil || *r.MedianWaitDays.Value != 6) {
				t.Errorf("Grosseto's median wait: %+v", r.MedianWaitDays)
			}
		}
		order = nil
		for _, g := range d.CoverageGaps {
			order = append(order, fmt.Sprintf("%s %d", name(g), g.Unmet))
		}
		if got := strings.Join(order, ", "); got != "Grosseto/work 12, Follonica/housing 4, Follonica/work 2" {
			t.Errorf("gaps by unmet demand: %s", got)
		}
	})

	t.Run("as published", func(t *testing.T) {
		pub, _ := disclosure.New(disclosure.Defaults, time.Now, nil)
		r := e.DoAs(t, researcher, q, map[string]any{"in": in})
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		cells := func(group string, from, to int) disclosure.Cell {
			return cellOfKeys(keys, groups[group][from:to]...)
		}
		// The published value of every count is the disclosure layer's perturbation of its cell.
		want := map[string]map[string]int{
			"Follonica/housing": {"openCases": pub.Count(cells("fh", 0, 6)), "referralsSent": pub.Count(cells("fh referrals", 0, 5)),
				"refusedNoPlaces": pub.Count(cells("fh referrals", 0, 2)), "waiting": pub.Count(cells("fh referrals", 2, 3)),
				"unmet": pub.Count(cellOfKeys(keys, "fh-0", "fh-1", "fh-2", "fh-5"))},
			"Follonica/work": {"openCases": pub.Count(cells("fw", 0, 3)), "referralsSent": pub.Count(cells("fw referrals", 0, 1)),
				"refusedNoPlaces": 0, "waiting": 0, "unmet": pub.Count(cells("fw", 1, 3))},
			"Grosseto/housing": {"openCases": pub.Count(cells("gh", 0, 11)), "referralsSent": 0, "refusedNoPlaces": 0, "waiting": 0, "unmet": 0},
			"Grosseto/work":    {"openCases": pub.Count(cells("gw", 0, 12)), "referralsSent": 0, "refusedNoPlaces": 0, "waiting": 0, "unmet": pub.Count(cells("gw", 0, 12))},
		}
		rows := testenv.Get(r.Data, "demand", "rows").([]any)
		if len(rows) != 4 {
			t.Fatalf("rows: %v", rows)
		}
		for _, row := range rows {
			name := testenv.Get(row, "zone", "name").(string) + "/" + testenv.Get(row, "need", "code").(string)
			for f, v := range want[name] {
				if got := num(testenv.Get(row, f)); got != v {
					t.Errorf("%s %s: %d, want %d", name, f, got, v)
				}
			}
			// Follonica's two waits are too few for a median; Grosseto's 11 are enough.
			wait := testenv.Get(row, "medianWaitDays")
			switch name {
			case "Grosseto/housing":
				if v, _ := testenv.Get(wait, "value").(float64); v != 6 {
					t.Errorf("Grosseto's median wait: %v", wait)
				}
			default:
				if testenv.Get(wait, "withheld") != "TOO_FEW" {
					t.Errorf("%s: a median over too few waits: %v", name, wait)
				}
			}
		}
		// The gaps: by published unmet demand, then zone name and need code.
		type gap struct {
			name  string
			unmet int
		}
		var expected []gap
		for _, name := range []string{"Follonica/housing", "Follonica/work", "Grosseto/housing", "Grosseto/work"} {
			if u := want[name]["unmet"]; u > 0 {
				expected = append(expected, gap{name, u})
			}
		}
		disclosure.Rank(expected, func(g gap) int { return g.unmet }, func(g gap) string { return g.name })
		var got, wantOrder []string
		for _, g := range testenv.Get(r.Data, "demand", "coverageGaps").([]any) {
			got = append(got, fmt.Sprintf("%s/%s %d", testenv.Get(g, "zone", "name"), testenv.Get(g, "need", "code"), num(testenv.Get(g, "unmet"))))
		}
		for _, g := range expected {
			wantOrder = append(wantOrder, fmt.Sprintf("%s %d", g.name, g.unmet))
		}
		if strings.Join(got, ", ") != strings.Join(wantOrder, ", ") || len(got) == 0 {
			t.Errorf("gaps: %v, want %v", got, wantOrder)
		}
		// 12 unmet are published as 9 or more; 4 and 2 as 0 or 5: Grosseto's work comes first.
		if got[0] != fmt.Sprintf("Grosseto/work %d", want["Grosseto/work"]["unmet"]) {
			t.Errorf("the 12 unmet of Grosseto's work come first: %v", got)
		}
	})

	t.Run("refused", func(t *testing.T) {
		for _, c := range []struct {
			in   map[string]any
			code string
		}{
			{map[string]any{"zoneId": ids["Provincia di Grosseto"], "period": "2026-Q4"}, "PERIOD_NOT_ENDED"},
			{map[string]any{"zoneId": ids["Provincia di Grosseto"], "level": "CUSTOM", "period": "2026-Q1"}, "BAD_USER_INPUT"},
		} {
			if r := e.DoAs(t, researcher, q, map[string]any{"in": c.in}); r.Code() != c.code {
				t.Errorf("%v: %+v, want %s", c.in, r.Errors, c.code)
			}
		}
		operator := auth.Viewer{Subject: "op", Role: auth.ServiceOperator, ActorID: key(t, ids["Job centre"])}
		if r := e.DoAs(t, operator, q, map[string]any{"in": in}); r.Code() != "FORBIDDEN" {
			t.Errorf("a service operator: %+v", r.Errors)
		}
	})
}
