package seed_test

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"snodo/internal/testenv"
	"snodo/model"
	"snodo/relay"
	"snodo/seed"
)

// The three models hold the stages of the source documents, and the designed routes link
// records of the demo network.
func TestDemoModelsAndRoutes(t *testing.T) {
	n := seed.Demo()
	want := map[string][]string{
		seed.ModelCOMMIT: {"1", "2a", "2b", "2c", "2d", "3"},
		seed.ModelInLav:  {"F2.1", "F2.2", "F2.3", "F2.4", "F2.5", "F2.6", "F3"},
		seed.ModelSIL:    {"report", "first-evaluation", "social-worker", "person-interview", "decision", "acceptance", "development", "final-evaluation"},
	}
	models := map[string]seed.PathwayModel{}
	for _, m := range n.PathwayModels {
		models[m.Key] = m
		var codes []string
		for _, st := range m.Stages {
			codes = append(codes, st.Code)
			for _, back := range st.AllowedBack {
				if !slices.Contains(codes[:len(codes)-1], back) {
					t.Errorf("%s %s goes back to %s, not a stage before it", m.Key, st.Code, back)
				}
			}
		}
		if !slices.Equal(codes, want[m.Key]) {
			t.Errorf("%s stages %v, want %v", m.Key, codes, want[m.Key])
		}
	}
	if len(models) != 3 || models[seed.ModelSIL].MaxDurationDays != 730 || models[seed.ModelCOMMIT].MaxDurationDays != 0 {
		t.Errorf("models %v", models)
	}
	if back := models[seed.ModelCOMMIT].Stages[4].AllowedBack; !slices.Equal(back, []string{"2c"}) {
		t.Errorf("COMMIT 2d goes back to 2c only: %v", back)
	}

	if len(n.Routes) < 20 || len(n.Routes) > 40 {
		t.Errorf("%d routes, want 20 to 40", len(n.Routes))
	}
	ends := map[seed.End]bool{}
	for _, a := range n.Actors {
		ends[seed.End{Kind: seed.EndActor, Key: a.Key}] = true
	}
	for _, s := range n.Services {
		ends[seed.End{Kind: seed.EndService, Key: s.Key}] = true
	}
	needs, partnerships, keys := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, x := range n.Needs {
		needs[x.Code] = true
	}
	for _, p := range n.Partnerships {
		partnerships[p.Key] = true
	}
	profiling := 0
	for _, r := range n.Routes {
		if keys[r.Key] {
			t.Errorf("route %s twice", r.Key)
		}
		keys[r.Key] = true
		if !ends[r.From] || !ends[r.To] || r.From == r.To {
			t.Errorf("route %s: ends %v -> %v", r.Key, r.From, r.To)
		}
		for _, x := range r.Needs {
			if !needs[x] {
				t.Errorf("route %s: need %s", r.Key, x)
			}
		}
		if !partnerships[r.Partnership] {
			t.Errorf("route %s: partnership %q", r.Key, r.Partnership)
		}
		if !slices.Contains(want[r.Model], r.Stage) {
			t.Errorf("route %s: stage %s of %s", r.Key, r.Stage, r.Model)
		}
		if r.To.Key == "segreteria-tecnica" && r.Instrument == "scheda di prima profilazione" && r.Stage == "1" {
			profiling++
		}
	}
	if profiling < 5 {
		t.Errorf("%d routes bring the first-profiling form to the technical secretariat", profiling)
	}
}

// The generator gives the same cases for the same seed, other cases for another, and a larger
// count only adds cases.
func TestCasesAreReproducible(t *testing.T) {
	n := seed.Demo()
	a, b := seed.Cases(n, 120, 7), seed.Cases(n, 120, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two histories")
	}
	if c := seed.Cases(n, 40, 7); !reflect.DeepEqual(c, a[:40]) {
		t.Error("40 cases are not the first 40 of 120")
	}
	if c := seed.Cases(n, 120, 8); reflect.DeepEqual(c, a) || c[0].Code == a[0].Code {
		t.Error("another seed gave the same history")
	}
	if !reflect.DeepEqual(n.Cases, seed.Cases(n, seed.DemoCaseCount, seed.DemoCaseSeed)) {
		t.Error("Demo's cases are not those of its seed")
	}
}

// Every generated case follows its model and the closed loop of referrals, and its events are
// those the store would have recorded, in time order.
func TestCasesFollowTheModels(t *testing.T) {
	n := seed.Demo()
	checkCases(t, n, n.Cases)
	checkCases(t, n, seed.Cases(n, 500, 99))
}

func checkCases(t *testing.T, n seed.Network, cases []seed.Case) {
	t.Helper()
	code := regexp.MustCompile(`^SN-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$`)
	stages := map[string]map[string]*model.Stage{}
	for _, m := range n.PathwayModels {
		stages[m.Key] = map[string]*model.Stage{}
		for i, st := range m.Stages {
			stages[m.Key][st.Code] = &model.Stage{Code: st.Code, Position: i + 1, AllowedBack: st.AllowedBack}
		}
	}
	broader, zones, actors, services := map[string]string{}, map[string]bool{}, map[string]model.ActorKind{}, map[string]seed.Service{}
	for _, x := range n.Needs {
		broader[x.Code] = x.Broader
	}
	under := func(need, area string) bool {
		for k := need; k != ""; k = broader[k] {
			if k == area {
				return true
			}
		}
		return false
	}
	for _, z := range n.Zones {
		zones[z.Key] = true
	}
	for _, a := range n.Actors {
		actors[a.Key] = a.Kind
	}
	for _, s := range n.Services {
		services[s.Key] = s
	}
	// As the store's Refer: a route from the managing actor or its services to the recipient or
	// to the recipient's provider, for the need.
	onRoute := func(managing string, to seed.End, need string) bool {
		for _, r := range n.Routes {
			from := r.From == seed.End{Kind: seed.EndActor, Key: managing} || r.From.Kind == seed.EndService && services[r.From.Key].Provider == managing
			if from && (r.To == to || r.To.Kind == seed.EndActor && to.Kind == seed.EndService && services[to.Key].Provider == r.To.Key) &&
				seed.RouteServes(r, need, broader) {
				return true
			}
		}
		return false
	}
	codes := map[string]bool{}
	start := seed.Reference.AddDate(-2, 0, 0)
	for _, c := range cases {
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("case %s (%s): "+format, append([]any{c.Code, c.Model}, args...)...)
		}
		if !code.MatchString(c.Code) || codes[c.Code] {
			fail("code not pseudonymous or not unique")
		}
		codes[c.Code] = true
		if !zones[c.Zone] || actors[c.ManagingActor] == "" || stages[c.Model] == nil || len(c.Needs) < 1 || len(c.Needs) > 3 {
			fail("zone %s, actor %s, needs %v", c.Zone, c.ManagingActor, c.Needs)
		}
		if (c.Model == seed.ModelSIL) != slices.Contains([]string{"LOW", "MEDIUM", "HIGH"}, c.Employability) {
			fail("employability %q", c.Employability)
		}
		overdue := c.Status == "OPEN" && c.Model == seed.ModelSIL && seed.Reference.Sub(c.OpenedAt) > 730*24*time.Hour
		if c.OpenedAt.Before(start) && !overdue || !c.OpenedAt.Before(seed.Reference) {
			fail("opened %s", c.OpenedAt)
		}
		if len(c.Events) == 0 || c.Events[0].Kind != "OPENED" || !c.Events[0].At.Equal(c.OpenedAt) {
			fail("does not start with OPENED at %s", c.OpenedAt)
			continue
		}

		// Events in time order, before the reference day; stage moves the model allows.
		var stage *model.Stage
		moves, version, updated := 0, 1, c.OpenedAt
		var planAt time.Time
		histories := map[string][]seed.ReferralChange{}
		for i, e := range c.Events {
			if i > 0 && !e.At.After(c.Events[i-1].At) {
				fail("event %d at %s is not after %s", i, e.At, c.Events[i-1].At)
			}
			if !e.At.Before(seed.Reference) {
				fail("event %s after the reference day", e.At)
			}
			if c.Status == "CLOSED" && e.At.After(c.ClosedAt) {
				fail("event %s after the case closed", e.Kind)
			}
			switch e.Kind {
			case "OPENED":
				if i != 0 || e.Stage != n.PathwayModels[slices.IndexFunc(n.PathwayModels, func(m seed.PathwayModel) bool { return m.Key == c.Model })].Stages[0].Code {
					fail("opened at %s", e.Stage)
				}
				stage = stages[c.Model][e.Stage]
			case "STAGE_MOVED":
				to := stages[c.Model][e.Stage]
				if to == nil || to == stage || !model.CanMoveStage(stage, to) {
					fail("moved from %s to %s", stage.Code, e.Stage)
					continue
				}
				stage, moves, version, updated = to, moves+1, version+1, e.At
			case "REFERRAL_SENT", "REFERRAL_CHANGED":
				histories[e.Referral] = append(histories[e.Referral], seed.ReferralChange{Status: e.Status, At: e.At, By: e.By, Note: e.Note})
			case "INTERVENTION_ADDED":
				if planAt.IsZero() {
					planAt = e.At
				}
			case "CLOSED":
				if i != len(c.Events)-1 || e.Summary != "closed: "+c.Outcome {
					fail("closed at event %d of %d: %s", i, len(c.Events), e.Summary)
				}
				version, updated = version+1, e.At
			default:
				fail("event kind %s", e.Kind)
			}
		}
		if stage == nil || stage.Code != c.Stage || c.Version != version || !c.UpdatedAt.Equal(updated) || !c.PlanCreatedAt.Equal(planAt) {
			fail("at stage %s version %d updated %s plan %s, the events say %v %d %s %s", c.Stage, c.Version, c.UpdatedAt, c.PlanCreatedAt, stage, version, updated, planAt)
		}
		if (c.Status == "CLOSED") != (c.Events[len(c.Events)-1].Kind == "CLOSED") || (c.Status == "CLOSED") == c.ClosedAt.IsZero() {
			fail("status %s closed at %s", c.Status, c.ClosedAt)
		}
		if c.Status == "CLOSED" && !slices.Contains([]string{"INCLUDED", "TRANSFERRED", "DROPPED_OUT", "OTHER"}, c.Outcome) {
			fail("outcome %q", c.Outcome)
		}

		// Each referral: the closed loop, its events, a need of the case, off route as the store says.
		for _, r := range c.Referrals {
			h := r.History
			if len(h) == 0 || h[0].Status != "SENT" || h[0].By != c.CaseManager {
				fail("referral %s does not start SENT by the case manager", r.Key)
				continue
			}
			for j := 1; j < len(h); j++ {
				if !model.CanMoveReferral(model.ReferralStatus(h[j-1].Status), model.ReferralStatus(h[j].Status)) {
					fail("referral %s moves %s -> %s", r.Key, h[j-1].Status, h[j].Status)
				}
				if (h[j].Status == "REFUSED" || h[j].Status == "COMPLETED") && h[j].Note == "" {
					fail("referral %s %s without a reason or outcome", r.Key, h[j].Status)
				}
				if (h[j].Status == "CANCELLED") != (h[j].By == c.CaseManager) {
					fail("referral %s %s by %s: the sender cancels, the recipient answers", r.Key, h[j].Status, h[j].By)
				}
			}
			if !reflect.DeepEqual(histories[r.Key], h) {
				fail("referral %s history %v, events %v", r.Key, h, histories[r.Key])
			}
			if !slices.ContainsFunc(c.Needs, func(area string) bool { return under(r.Need, area) }) {
				fail("referral %s for %s, not a need of the case %v", r.Key, r.Need, c.Needs)
			}
			if r.OffRoute == onRoute(c.ManagingActor, r.To, r.Need) {
				fail("referral %s to %v off route %v", r.Key, r.To, r.OffRoute)
			}
			if r.To.Kind == seed.EndService && services[r.To.Key].Status != model.ServiceStatusActive {
				fail("referral %s to the %s service %s", r.Key, services[r.To.Key].Status, r.To.Key)
			}
			delete(histories, r.Key)
		}
		if len(histories) > 0 {
			fail("events of referrals the case lacks: %v", histories)
		}
		for _, i := range c.Interventions {
			meets := slices.ContainsFunc(services[i.Service].Needs, func(x string) bool { return under(x, i.Need) || under(i.Need, x) })
			if !meets || !slices.ContainsFunc(c.Needs, func(area string) bool { return under(i.Need, area) }) || i.AddedAt.Before(c.OpenedAt) {
				fail("intervention %s: need %s by %s", i.Key, i.Need, i.Service)
			}
		}
	}
}

// The demo's history has what a network's monitoring looks for: refusals, completions,
// failures, cancellations, drop-outs, inclusions, open cases, overdue SIL cases.
func TestDemoCasesArePlausible(t *testing.T) {
	n := seed.Demo()
	c := seed.CaseCounts(n.Cases)
	t.Logf("%v", seed.SortedCounts(c))
	atLeast := func(what string, got, want int) {
		t.Helper()
		if got < want {
			t.Errorf("%s: %d, want at least %d", what, got, want)
		}
	}
	cases, refs := c["cases"], c["referrals"]
	if cases != seed.DemoCaseCount {
		t.Errorf("%d cases", cases)
	}
	for _, m := range []string{seed.ModelCOMMIT, seed.ModelInLav, seed.ModelSIL} {
		atLeast("cases of "+m, c["model "+m], cases/6)
	}
	atLeast("referrals", refs, 2*cases)
	atLeast("refused", c["referral REFUSED"], refs/20)
	atLeast("completed", c["referral COMPLETED"], refs/4)
	atLeast("failed", c["referral FAILED"], refs/40)
	atLeast("cancelled", c["referral CANCELLED"], refs/40)
	atLeast("still in progress", c["referral IN_PROGRESS"], 5)
	atLeast("off route", c["off route"], refs/20)
	atLeast("on route", refs-c["off route"], refs*2/3)
	atLeast("dropped out", c["closed DROPPED_OUT"], cases/10)
	atLeast("included", c["closed INCLUDED"], cases/6)
	atLeast("transferred", c["closed TRANSFERRED"], 5)
	atLeast("open", c["open"], cases/10)
	atLeast("overdue SIL cases", c["overdue"], 2)
	atLeast("interventions", c["interventions"], cases/3)
	back := 0
	for _, x := range n.Cases {
		for i, e := range x.Events {
			if e.Kind == "STAGE_MOVED" && e.Stage == "2c" && slices.ContainsFunc(x.Events[:i], func(p seed.CaseEvent) bool { return p.Stage == "2d" }) {
				back++
			}
		}
	}
	atLeast("plans sent back from 2d to 2c", back, 1)
}

// Loaded, the history answers through the API: the overdue SIL cases, and a case's trace with
// the events that were generated, in order.
func TestDemoCasesAnswer(t *testing.T) {
	e := testenv.Open(t)
	ctx := context.Background()
	n := seed.Demo()
	created, err := seed.Load(ctx, e.Store, n)
	if err != nil {
		t.Fatal(err)
	}
	c := seed.CaseCounts(append(n.Cases, n.ReportedCases...))
	if created["Case"] != c["cases"] || created["Referral"] != c["referrals"] || created["CaseEvent"] != c["events"] ||
		created["Route"] != len(n.Routes) || created["PathwayModel"] != len(n.PathwayModels) || created["ABOUT"] == 0 {
		t.Errorf("created %v", created)
	}

	// Each referral is off route exactly when the store's Refer would have marked it so.
	if all, _, wrong := e.RouteRule(t); all != c["referrals"] || wrong != 0 {
		t.Errorf("%v referrals, %v of them off route when a designed route leads to them or on route when none does", all, wrong)
	}
	// Each referral carries the person's consent as the store's Refer records it.
	if all, wrong := e.ConsentRule(t); all != c["referrals"] || wrong != 0 {
		t.Errorf("%v referrals, %v of them without the consent Refer records", all, wrong)
	}

	// Overdue: the SIL cases open for more than two years at the reference day are overdue now.
	d := e.MustDo(t, `{ cases(first: 5, filter: {overdue: true}) { totalCount edges { node { code overdue status model { name } } } } }`, nil)
	openSIL := 0
	for _, x := range n.Cases {
		if x.Model == seed.ModelSIL && x.Status == "OPEN" {
			openSIL++
		}
	}
	t.Logf("overdue now: %v of %d open SIL cases; %d at the reference day", testenv.Get(d, "cases", "totalCount"), openSIL, c["overdue"])
	if got := int(testenv.Get(d, "cases", "totalCount").(float64)); got < c["overdue"] || got > openSIL {
		t.Errorf("%d overdue cases, want %d to %d", got, c["overdue"], openSIL)
	}
	if testenv.Get(d, "cases", "edges", 0, "node", "overdue") != true {
		t.Errorf("overdue: %v", d)
	}

	// The trace of the case with the most events.
	var richest seed.Case
	for _, x := range n.Cases {
		if len(x.Events) > len(richest.Events) {
			richest = x
		}
	}
	// Case IDs are random: found by the code.
	id := relay.GlobalID("Case", e.Query(t, "MATCH (c:Case {code: $code}) RETURN c.id", map[string]any{"code": richest.Code})[0].Values[0].(string))
	d = e.MustDo(t, `query($id: ID!) { caseTrace(id: $id) { case { code status version stage { code } zone { name } referrals { id status offRoute history { status } } }
		events { at kind summary by stage { code } referral { id status } actors { id } services { id } zone { id } } nodes { id } edges { kind } } }`, map[string]any{"id": id})
	events := testenv.Get(d, "caseTrace", "events").([]any)
	referralIDs := map[any]bool{}
	for _, r := range testenv.Get(d, "caseTrace", "case", "referrals").([]any) {
		referralIDs[testenv.Get(r, "id")] = true
	}
	t.Logf("trace of %s: %d events", richest.Code, len(events))
	if len(events) != len(richest.Events) {
		t.Fatalf("%d events in the trace, %d generated", len(events), len(richest.Events))
	}
	for i, ev := range events {
		want := richest.Events[i]
		at, _ := time.Parse(time.RFC3339Nano, testenv.Get(ev, "at").(string))
		stage, _ := testenv.Get(ev, "stage", "code").(string)
		if testenv.Get(ev, "kind") != want.Kind || !at.Equal(want.At) || stage != want.Stage || testenv.Get(ev, "summary") != want.Summary ||
			testenv.Get(ev, "by") != want.By || testenv.Get(ev, "zone", "id") != relay.GlobalID("Zone", seed.ID("Zone", richest.Zone)) {
			t.Errorf("event %d: %v, generated %+v", i, ev, want)
		}
		if ref := testenv.Get(ev, "referral", "id"); (want.Referral != "") != (ref != nil) ||
			ref != nil && !referralIDs[ref] {
			t.Errorf("event %d about referral %v, generated %q", i, ref, want.Referral)
		}
		if got := len(testenv.Get(ev, "actors").([]any)) + len(testenv.Get(ev, "services").([]any)); got != len(want.Actors)+len(want.Services) {
			t.Errorf("event %d touches %d actors and services, generated %v %v", i, got, want.Actors, want.Services)
		}
	}
	tc := testenv.Get(d, "caseTrace", "case")
	if testenv.Get(tc, "code") != richest.Code || testenv.Get(tc, "status") != richest.Status || testenv.Get(tc, "stage", "code") != richest.Stage ||
		testenv.Get(tc, "version") != float64(richest.Version) || len(testenv.Get(tc, "referrals").([]any)) != len(richest.Referrals) {
		t.Errorf("case %v, generated %s %s at %s version %d with %d referrals", tc, richest.Code, richest.Status, richest.Stage, richest.Version, len(richest.Referrals))
	}
	for _, r := range testenv.Get(tc, "referrals").([]any) {
		if len(testenv.Get(r, "history").([]any)) == 0 {
			t.Errorf("a referral with no history: %v", r)
		}
	}

	// The designed routes answer: from a reception centre to the zone's job centre through the
	// secretariat and the social-health consortium.
	d = e.MustDo(t, `query($from: ID!, $to: ID!) { referralRoutes(fromId: $from, toId: $to, maxHops: 6) { hops steps { instrument } } }`,
		map[string]any{"from": relay.GlobalID("Actor", seed.ID("Actor", "cas-grosseto")), "to": relay.GlobalID("Service", seed.ID("Service", "cpi-grosseto-accoglienza"))})
	if testenv.Get(d, "referralRoutes", 0, "hops") != float64(3) || testenv.Get(d, "referralRoutes", 0, "steps", 0, "instrument") != "scheda di prima profilazione" {
		t.Errorf("routes: %v", d)
	}
}
