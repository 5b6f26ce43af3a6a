package gen

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/relay"
	"snodo/seed"
	"snodo/store"
)

// History is a case history of any size over a generated region, for benchmarks: the three
// pathway models of the demo network, a layered graph of designed routes between the region's
// actors (each actor of a layer has routes to a few of the next layer and sometimes one to a
// neighbour of its own layer, and the last layer's actors lead to services, so that path queries
// have thousands of paths to weigh), and cases whose referrals go mostly along those routes.
// Besides the Cases there is one more case, TraceCaseKey, with exactly TraceEvents events.
//
// The same History gives the same records. Each case draws from its own stream of the seed,
// so Chunks can make the cases a slice at a time: memory holds one chunk, never the history.
type History struct {
	Region    Region
	Cases     int // cases, besides the trace case
	Referrals int // referrals of those cases in all; each case has at least one when Referrals >= Cases
	Chunk     int // cases per Import chunk; 0 means 5,000
	Layers    int // layers of the route graph; 0 means 8
	Width     int // actors per layer; 0 means 100
	Fanout    int // routes from an actor to the next layer; 0 means 4
	Seed      uint64
}

// Big is the size the benchmarks aim at: the Tuscany region with 100,000 cases and
// 1,000,000 referrals.
var Big = History{Region: Tuscany, Cases: 100_000, Referrals: 1_000_000, Seed: 1}

// TraceEvents is how many events the trace case has.
const TraceEvents = 50

// TraceCaseKey is the key of the case with TraceEvents events.
func TraceCaseKey() string { return "g-case-trace" }

// CaseKey is the key of the i-th case.
func CaseKey(i int) string { return fmt.Sprintf("g-case-%d", i) }

// ChunkSize is how many cases each chunk of Chunks holds.
func (h History) ChunkSize() int { return h.chunk() }

func (h History) chunk() int  { return or(h.Chunk, 5000) }
func (h History) layers() int { return or(h.Layers, 8) }
func (h History) width() int  { return or(h.Width, 100) }
func (h History) fanout() int { return or(h.Fanout, 4) }

func or(n, dflt int) int {
	if n > 0 {
		return n
	}
	return dflt
}

// RouteActorKey is the key of the i-th actor of a layer of the route graph.
func (h History) RouteActorKey(layer, i int) string {
	return fmt.Sprintf("g-actor-%d", layer*h.width()+i)
}

// modelKeys are the generated models, after the demo's.
var modelKeys = []string{"g-model-commit", "g-model-inlav", "g-model-sil"}

func stageKey(model, code string) string { return model + "/" + code }

// routeEdge is a designed route of the graph: from an actor to an actor or a service.
type routeEdge struct {
	from, to  string
	toService bool
	need      string // the broad need the route is for; "" for any
}

// routes are the designed routes, the same for the same History.
func (h History) routes() []routeEdge {
	rnd := rand.New(rand.NewPCG(h.Seed, 0x726f75746573))
	L, W, F := h.layers(), h.width(), h.fanout()
	var out []routeEdge
	for l := 0; l < L; l++ {
		for i := 0; i < W; i++ {
			from := h.RouteActorKey(l, i)
			if l < L-1 {
				for _, j := range rnd.Perm(W)[:min(F, W)] {
					out = append(out, routeEdge{from: from, to: h.RouteActorKey(l+1, j)})
				}
			} else {
				for k := 0; k < 2; k++ {
					out = append(out, routeEdge{from: from, to: pick(rnd, h.Region.services().active).key, toService: true})
				}
			}
			if rnd.IntN(2) == 0 {
				out = append(out, routeEdge{from: from, to: h.RouteActorKey(l, (i+1+rnd.IntN(W-1))%W)})
			}
		}
	}
	// Half the routes are for one need area, the others for any need.
	nrnd := rand.New(rand.NewPCG(h.Seed, 0x6e65656473))
	for i := range out {
		if nrnd.IntN(2) == 0 {
			out[i].need = NeedKey(pick(nrnd, Needs))
		}
	}
	return out
}

// servesNeed reports whether a route serves a referral for the need, a narrow one, as
// store.OnRoute has it: the route is for any need, or for the need's area.
func (r routeEdge) servesNeed(need string) bool {
	return r.need == "" || r.need == need || strings.HasPrefix(need, r.need+".")
}

// RoutePair is a start and an end of the route graph, actors, with many designed paths of at
// most maxHops routes between them: the start is in layer 1, the end the actor maxHops-1
// layers further that the most paths reach. Paths is how many simple paths there are.
func (h History) RoutePair(maxHops int) (from, to string, paths int) {
	next := map[string][]string{}
	for _, r := range h.routes() {
		if !r.toService {
			next[r.from] = append(next[r.from], r.to)
		}
	}
	from = h.RouteActorKey(1, 0)
	last := min(1+maxHops-1, h.layers()-1)
	// Count the simple paths of at most maxHops routes from the start to each actor of the last layer.
	count := map[string]int{}
	var walk func(at string, hops int, seen map[string]bool)
	walk = func(at string, hops int, seen map[string]bool) {
		if hops == maxHops {
			return
		}
		for _, n := range next[at] {
			if seen[n] {
				continue
			}
			count[n]++
			seen[n] = true
			walk(n, hops+1, seen)
			delete(seen, n)
		}
	}
	walk(from, 0, map[string]bool{from: true})
	paths = -1
	for i := 0; i < h.width(); i++ {
		if k := h.RouteActorKey(last, i); count[k] > paths {
			to, paths = k, count[k]
		}
	}
	return from, to, paths
}

// Pathways returns the models, their stages and the route graph in the store's bulk form.
func (h History) Pathways() store.Import {
	im := newImport()
	for i, m := range seed.PathwayModels() {
		k := modelKeys[i]
		im.node("PathwayModel", k, map[string]any{"name": m.Name + " (generato)", "description": m.Description, "maxDurationDays": optInt(m.MaxDurationDays)})
		for j, st := range m.Stages {
			sk := stageKey(k, st.Code)
			im.node("Stage", sk, map[string]any{"modelId": k, "code": st.Code, "name": st.Name, "position": j + 1, "allowedBack": orEmpty(st.AllowedBack)})
			im.link(store.LinkModelStage, k, sk)
		}
	}
	commit := seed.PathwayModels()[0]
	instruments := []string{"scheda di prima profilazione", "piano personalizzato condiviso", "patto di servizio", "scheda di segnalazione"}
	rnd := rand.New(rand.NewPCG(h.Seed, 0x70617468))
	for n, r := range h.routes() {
		k := fmt.Sprintf("g-route-%d", n)
		st := stageKey(modelKeys[0], pick(rnd, commit.Stages).Code)
		props := map[string]any{"fromId": relay.GlobalID("Actor", r.from), "instrument": pick(rnd, instruments), "needIds": []string{},
			"stageId": relay.GlobalID("Stage", st)}
		if r.need != "" {
			props["needIds"] = []string{r.need}
			im.link(store.LinkRouteNeed, k, r.need)
		}
		im.link(store.LinkRouteFromActor, k, r.from)
		if r.toService {
			props["toId"] = relay.GlobalID("Service", r.to)
			im.link(store.LinkRouteToService, k, r.to)
		} else {
			props["toId"] = relay.GlobalID("Actor", r.to)
			im.link(store.LinkRouteToActor, k, r.to)
		}
		im.link(store.LinkRouteStage, k, st)
		im.node("Route", k, props)
	}
	return im.Import
}

// Chunks yields the cases in the store's bulk form, Chunk cases at a time, the trace case in
// the last chunk.
func (h History) Chunks() iter.Seq[store.Import] {
	return func(yield func(store.Import) bool) {
		w := h.world()
		for lo := 0; lo < h.Cases; lo += h.chunk() {
			im := newImport()
			for i := lo; i < min(lo+h.chunk(), h.Cases); i++ {
				w.addCase(im, i, h.referralsOf(i))
			}
			if lo+h.chunk() >= h.Cases {
				w.addTraceCase(im)
			}
			if !yield(im.Import) {
				return
			}
		}
		if h.Cases == 0 {
			im := newImport()
			w.addTraceCase(im)
			yield(im.Import)
		}
	}
}

// referralsOf is how many referrals case i has: Referrals/Cases give or take, in pairs of
// cases whose differences cancel, so that the total is exact.
func (h History) referralsOf(i int) int {
	if h.Cases == 0 {
		return 0
	}
	base, rem := h.Referrals/h.Cases, h.Referrals%h.Cases
	n := base
	if i < rem {
		n++
	}
	if base < 2 || (i|1) >= h.Cases {
		return n
	}
	pair := rand.New(rand.NewPCG(h.Seed^0x7061697273, uint64(i/2)))
	d := pair.IntN(2*base-1) - (base - 1)
	if i%2 == 1 {
		d = -d
	}
	return n + d
}

// world holds what the cases draw from.
type world struct {
	h       History
	targets map[string][]routeEdge // route ends from each actor
	svc     *services
}

func (h History) world() *world {
	w := &world{h: h, targets: map[string][]routeEdge{}, svc: h.Region.services()}
	for _, r := range h.routes() {
		w.targets[r.from] = append(w.targets[r.from], r)
	}
	return w
}

// onRoute is the store's test (store.OnRoute): a route of the managing actor leads to the end,
// or to the actor that provides it, and serves the need.
func (w *world) onRoute(managing, end, need string) bool {
	for _, r := range w.targets[managing] {
		if (r.to == end || !r.toService && slices.Contains(w.svc.provides[r.to], end)) && r.servesNeed(need) {
			return true
		}
	}
	return false
}

// bulk is a store.Import under construction.
type bulk struct{ store.Import }

func newImport() *bulk {
	return &bulk{store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}}
}

func (b *bulk) node(label, id string, props map[string]any) {
	b.Nodes[label] = append(b.Nodes[label], store.ImportNode{ID: id, Props: props})
}

func (b *bulk) link(lt store.LinkType, from, to string) {
	b.Links[lt] = append(b.Links[lt], store.ImportLink{From: from, To: to})
}

// reference is the day generated histories run up to, as the demo's does.
var reference = seed.Reference

// caseCode is the i-th case's code: a bijection of i onto the codes' space, so no two clash.
func (h History) caseCode(i int) string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	const space = 31 * 31 * 31 * 31 * 31 * 31 * 31 * 31
	x := (int64(i)*500_000_003 + int64(h.Seed%1000)*7_919) % space
	b := make([]byte, 8)
	for j := 7; j >= 0; j-- {
		b[j] = alphabet[x%31]
		x /= 31
	}
	return "SN-" + string(b[:4]) + "-" + string(b[4:])
}

// A generated case's walk: its final statuses and the odds of each.
var finals = []struct {
	status string
	chain  []string
	weight int
}{
	{"COMPLETED", []string{"RECEIVED", "ACCEPTED", "IN_PROGRESS", "COMPLETED"}, 40},
	{"REFUSED", []string{"RECEIVED", "REFUSED"}, 15},
	{"IN_PROGRESS", []string{"RECEIVED", "ACCEPTED", "IN_PROGRESS"}, 10},
	{"FAILED", []string{"RECEIVED", "ACCEPTED", "IN_PROGRESS", "FAILED"}, 8},
	{"CANCELLED", []string{"RECEIVED", "CANCELLED"}, 7},
	{"ACCEPTED", []string{"RECEIVED", "ACCEPTED"}, 7},
	{"RECEIVED", []string{"RECEIVED"}, 7},
	{"SENT", nil, 6},
}

// caseRun writes one case: its node, links, referrals, interventions and events.
type caseRun struct {
	im        *bulk
	rnd       *rand.Rand
	key       string
	zone      string
	managing  string
	manager   string
	model     string
	stage     string
	plannedAt time.Time
	at        time.Time
	events    int
	version   int
	updated   time.Time
}

// tick moves the case's clock on by an hour to a few days.
func (c *caseRun) tick() time.Time {
	c.at = c.at.Add(time.Hour + time.Duration(c.rnd.Int64N(int64(72*time.Hour))))
	return c.at
}

func (c *caseRun) event(kind, summary string, extra map[string]any, referral string) {
	c.events++
	k := fmt.Sprintf("%s/e%d", c.key, c.events)
	props := map[string]any{"caseId": c.key, "zoneId": c.zone, "at": c.at, "by": c.manager, "kind": kind, "summary": summary,
		"referralId": referral, "actorIds": []string{}, "serviceIds": []string{}}
	for k, v := range extra {
		props[k] = v
	}
	c.im.node("CaseEvent", k, props)
	c.im.link(store.LinkCaseEvent, c.key, k)
	if referral != "" {
		c.im.link(store.LinkEventReferral, k, referral)
	}
}

func (c *caseRun) move(stage string) {
	c.tick()
	c.event("STAGE_MOVED", fmt.Sprintf("moved from stage %s to %s", c.stage, stage), map[string]any{"stageId": stageKey(c.model, stage)}, "")
	c.stage = stage
	c.version++
	c.updated = c.at
}

// refer writes a referral that goes through the statuses of chain after SENT, sent with the
// person's consent to the recipient actor, recorded by the case manager as it is sent.
func (c *caseRun) refer(n int, to routeEdge, recipient string, onRoute bool, need string, chain []string) {
	k := fmt.Sprintf("%s/r%d", c.key, n)
	label := "Actor"
	if to.toService {
		label = "Service"
	}
	sentAt := c.tick()
	props := map[string]any{"caseId": c.key, "fromId": c.managing, "toId": relay.GlobalID(label, to.to), "needId": need,
		"status": "SENT", "sentAt": sentAt, "offRoute": !onRoute, "createdAt": sentAt, "updatedAt": sentAt, "version": 1 + len(chain),
		"consentGivenAt": sentAt, "consentActorId": recipient, "consentScope": store.ConsentScopes(), "consentRecordedBy": c.manager}
	sentEvent := map[string]any{"status": "SENT", "actorIds": []string{c.managing}}
	if to.toService {
		sentEvent["serviceIds"] = []string{to.to}
	} else {
		sentEvent["actorIds"] = []string{c.managing, to.to}
	}
	summary := "referred for a need"
	if !onRoute {
		summary += ", off every designed route"
	}
	c.event("REFERRAL_SENT", summary, sentEvent, k)
	for _, st := range chain {
		c.tick()
		extra := map[string]any{"status": st, "actorIds": []string{c.managing}}
		switch st {
		case "REFUSED":
			extra["note"], props["reason"] = "nessun posto disponibile", "nessun posto disponibile"
		case "COMPLETED":
			extra["note"], props["outcome"] = "tirocinio avviato", "tirocinio avviato"
		}
		c.event("REFERRAL_CHANGED", "referral "+st, extra, k)
		props["status"], props["updatedAt"] = st, c.at
		if st == "ACCEPTED" || st == "COMPLETED" {
			props[strings.ToLower(st)+"At"] = c.at
		}
	}
	c.im.node("Referral", k, props)
	c.im.link(store.LinkCaseReferral, c.key, k)
	c.im.link(store.LinkReferralFrom, k, c.managing)
	if to.toService {
		c.im.link(store.LinkReferralToService, k, to.to)
	} else {
		c.im.link(store.LinkReferralToActor, k, to.to)
	}
	c.im.link(store.LinkReferralNeed, k, need)
}

func (w *world) start(im *bulk, key string, rnd *rand.Rand, managing, model string, needs []string, openedAt time.Time) *caseRun {
	c := &caseRun{im: im, rnd: rnd, key: key, zone: MunicipalityKey(rnd.IntN(w.h.Region.Municipalities)), managing: managing,
		manager: fmt.Sprintf("g-cm-%d", rnd.IntN(500)), model: model, stage: stages[model][0], at: openedAt, version: 1, updated: openedAt}
	c.event("OPENED", "opened at stage "+stageNames[stageKey(model, c.stage)],
		map[string]any{"stageId": stageKey(model, c.stage), "actorIds": []string{managing}}, "")
	im.link(store.LinkCaseZone, key, c.zone)
	for _, x := range needs {
		im.link(store.LinkCaseNeed, key, x)
	}
	im.link(store.LinkCaseModel, key, model)
	im.link(store.LinkCaseActor, key, managing)
	return c
}

// finish writes the case node itself, at its last stage, open or closed.
func (c *caseRun) finish(code string, closed bool, outcome string, openedAt time.Time, employability string) {
	props := map[string]any{"code": code, "status": "OPEN", "openedAt": openedAt, "zoneId": c.zone, "modelId": c.model,
		"stageId": stageKey(c.model, c.stage), "managingActorId": c.managing, "caseManager": c.manager, "createdAt": openedAt}
	if employability != "" {
		props["employability"] = employability
	}
	if c.model == modelKeys[2] {
		props["maxDurationDays"] = 730
	}
	if !c.plannedAt.IsZero() {
		props["planCreatedAt"], props["planCreatedBy"] = c.plannedAt, c.manager
	}
	if closed {
		c.tick()
		c.event("CLOSED", "closed: "+outcome, nil, "")
		c.version++
		c.updated = c.at
		props["status"], props["closedAt"], props["outcome"] = "CLOSED", c.at, outcome
	}
	props["updatedAt"], props["version"] = c.updated, c.version
	c.im.node("Case", c.key, props)
	c.im.link(store.LinkCaseStage, c.key, stageKey(c.model, c.stage))
}

// stages are the stage codes of each generated model, stageNames the names by stage key.
var stages, stageNames = func() (map[string][]string, map[string]string) {
	codes, names := map[string][]string{}, map[string]string{}
	for i, m := range seed.PathwayModels() {
		for _, st := range m.Stages {
			codes[modelKeys[i]] = append(codes[modelKeys[i]], st.Code)
			names[stageKey(modelKeys[i], st.Code)] = st.Name
		}
	}
	return codes, names
}()

// addCase writes the i-th case with n referrals: most to the managing actor's route ends,
// the others to any service, each through a random part of the closed loop, with stage moves
// among them, an intervention for one case in three, and closed for about half.
func (w *world) addCase(im *bulk, i, n int) {
	h := w.h
	rnd := rand.New(rand.NewPCG(h.Seed^0x6361736573, uint64(i)))
	key, code := CaseKey(i), h.caseCode(i)
	model := modelKeys[[]int{0, 0, 0, 0, 1, 1, 1, 2, 2, 2}[rnd.IntN(10)]]
	managing := h.RouteActorKey(rnd.IntN(h.layers()), rnd.IntN(h.width()))
	if rnd.IntN(5) == 0 {
		managing = fmt.Sprintf("g-actor-%d", rnd.IntN(h.Region.Actors))
	}
	areas := rnd.Perm(len(Needs))[:1+rnd.IntN(3)]
	needs := make([]string, len(areas))
	for j, a := range areas {
		needs[j] = NeedKey(Needs[a])
	}
	openedAt := reference.AddDate(-2, 0, 0).Add(time.Duration(rnd.Int64N(int64(700 * 24 * time.Hour))))
	c := w.start(im, key, rnd, managing, model, needs, openedAt)
	path := stages[model]
	reach := 1 + rnd.IntN(len(path))
	moved := 1
	routeEnds := w.targets[managing]
	for j := 1; j <= n; j++ {
		// Stage moves spread among the referrals.
		for moved < reach && rnd.IntN(n+1) < reach {
			c.move(path[moved])
			moved++
		}
		area := Needs[areas[rnd.IntN(len(areas))]]
		need := NarrowNeedKey(area, 1+rnd.IntN(3))
		var to routeEdge
		if len(routeEnds) > 0 && rnd.IntN(10) < 7 {
			to = pick(rnd, routeEnds)
		} else if in := w.svc.byArea[area]; len(in) > 0 {
			// Off the routes: an active service that meets the need.
			s := pick(rnd, in)
			to, need = routeEdge{to: s.key, toService: true}, s.need
		} else {
			to = routeEdge{to: pick(rnd, w.svc.active).key, toService: true}
		}
		x := rnd.IntN(100)
		f := finals[0]
		for _, cand := range finals {
			if x < cand.weight {
				f = cand
				break
			}
			x -= cand.weight
		}
		c.refer(j, to, w.recipientOf(to), w.onRoute(managing, to.to, need), need, f.chain)
	}
	for moved < reach {
		c.move(path[moved])
		moved++
	}
	if rnd.IntN(3) == 0 {
		w.intervention(c, 1, Needs[areas[0]], rnd)
	}
	emp := ""
	if model == modelKeys[2] {
		emp = []string{"LOW", "MEDIUM", "HIGH"}[rnd.IntN(3)]
	}
	closed := rnd.IntN(2) == 0
	c.finish(code, closed, []string{"INCLUDED", "INCLUDED", "DROPPED_OUT", "TRANSFERRED", "OTHER"}[rnd.IntN(5)], openedAt, emp)
}

// intervention adds an intervention for a narrower need of the area, by an active service
// that meets it.
func (w *world) intervention(c *caseRun, n int, area string, rnd *rand.Rand) {
	k := fmt.Sprintf("%s/i%d", c.key, n)
	s := pick(rnd, w.svc.byArea[area])
	svc, need := s.key, s.need
	c.tick()
	if c.plannedAt.IsZero() {
		c.plannedAt = c.at
	}
	c.event("INTERVENTION_ADDED", "intervention added to the plan", map[string]any{"serviceIds": []string{svc}}, "")
	start := c.at.AddDate(0, 0, 7)
	c.im.node("Intervention", k, map[string]any{"caseId": c.key, "needId": need, "serviceId": svc, "status": "PLANNED",
		"startDate": neo4j.DateOf(start), "endDate": neo4j.DateOf(start.AddDate(0, 6, 0))})
	c.im.link(store.LinkCaseIntervention, c.key, k)
	c.im.link(store.LinkInterventionNeed, k, need)
	c.im.link(store.LinkInterventionService, k, svc)
}

// addTraceCase writes the trace case: a SIL case opened, moved through its 8 stages, with 8
// referrals each sent, received, accepted, in progress and completed, one intervention, and
// closed: 1 + 7 + 40 + 1 + 1 = 50 events.
func (w *world) addTraceCase(im *bulk) {
	h := w.h
	rnd := rand.New(rand.NewPCG(h.Seed, 0x7472616365))
	key, code := TraceCaseKey(), h.caseCode(h.Cases)
	model, managing := modelKeys[2], h.RouteActorKey(0, 0)
	needs := []string{NeedKey("work"), NeedKey("training")}
	openedAt := reference.AddDate(-1, 0, 0)
	c := w.start(im, key, rnd, managing, model, needs, openedAt)
	path := stages[model]
	ends := w.targets[managing]
	chain := finals[0].chain
	for j := 1; j <= 8; j++ {
		if j < len(path) {
			c.move(path[j])
		}
		to, need := ends[j%len(ends)], NarrowNeedKey("work", 1+j%3)
		c.refer(j, to, w.recipientOf(to), w.onRoute(managing, to.to, need), need, chain)
	}
	w.intervention(c, 1, "work", rnd)
	c.finish(code, true, "INCLUDED", openedAt, "MEDIUM")
	if c.events != TraceEvents {
		panic(fmt.Sprintf("the trace case has %d events, not %d", c.events, TraceEvents))
	}
}

func pick[T any](rnd *rand.Rand, items []T) T { return items[rnd.IntN(len(items))] }

func optInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// services are a region's active services: all of them, and by the need area they meet; and
// every service by the actor that provides it.
type services struct {
	active   []svcNeed
	byArea   map[string][]svcNeed
	provides map[string][]string
	provider map[string]string // the actor that provides each service
}

// recipientOf is the actor a referral to the end goes to: the actor, or the service's provider.
func (w *world) recipientOf(to routeEdge) string {
	if to.toService {
		return w.svc.provider[to.to]
	}
	return to.to
}

type svcNeed struct{ key, need string }

var (
	servicesMu    sync.Mutex
	servicesCache = map[Region]*services{}
)

// services reads the region's active services and the needs they meet from its generated
// records (once per Region): referrals and interventions go to active services, as the store
// allows.
func (r Region) services() *services {
	servicesMu.Lock()
	defer servicesMu.Unlock()
	if s, ok := servicesCache[r]; ok {
		return s
	}
	im := r.Import()
	active := map[string]bool{}
	for _, n := range im.Nodes["Service"] {
		active[n.ID] = n.Props["status"] == "ACTIVE"
	}
	areaOf := map[string]string{}
	for _, area := range Needs {
		for i := 1; i <= 3; i++ {
			areaOf[NarrowNeedKey(area, i)] = area
		}
	}
	s := &services{byArea: map[string][]svcNeed{}, provides: map[string][]string{}, provider: map[string]string{}}
	for _, l := range im.Links[store.LinkProvides] {
		s.provides[l.From] = append(s.provides[l.From], l.To)
		s.provider[l.To] = l.From
	}
	seen := map[string]bool{}
	for _, l := range im.Links[store.LinkServiceNeed] {
		if !active[l.From] {
			continue
		}
		sn := svcNeed{key: l.From, need: l.To}
		if !seen[l.From] {
			seen[l.From] = true
			s.active = append(s.active, sn)
		}
		s.byArea[areaOf[l.To]] = append(s.byArea[areaOf[l.To]], sn)
	}
	servicesCache[r] = s
	return s
}
