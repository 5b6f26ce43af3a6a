package seed

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
	"snodo/store"
)

// Reference is the day the demo's case history runs up to: the cases are opened in the two
// years before it (a few overdue SIL cases a little earlier), and nothing happens on or after
// it. A fixed day, not the clock, so that the same seed always gives the same history.
var Reference = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// The demo's case history: how many cases, from which seed.
const (
	DemoCaseCount        = 300
	DemoCaseSeed  uint64 = 20261101
)

// The values of the schema's enums that cases use.
const (
	statusOpen   = string(model.CaseStatusOpen)
	statusClosed = string(model.CaseStatusClosed)

	included    = string(model.CaseOutcomeIncluded)
	transferred = string(model.CaseOutcomeTransferred)
	droppedOut  = string(model.CaseOutcomeDroppedOut)
	other       = string(model.CaseOutcomeOther)

	sent       = string(model.ReferralStatusSent)
	received   = string(model.ReferralStatusReceived)
	accepted   = string(model.ReferralStatusAccepted)
	refused    = string(model.ReferralStatusRefused)
	inProgress = string(model.ReferralStatusInProgress)
	completed  = string(model.ReferralStatusCompleted)
	failed     = string(model.ReferralStatusFailed)
	cancelled  = string(model.ReferralStatusCancelled)

	evOpened       = string(model.TraceEventKindOpened)
	evStageMoved   = string(model.TraceEventKindStageMoved)
	evReferralSent = string(model.TraceEventKindReferralSent)
	evReferralMove = string(model.TraceEventKindReferralChanged)
	evIntervention = string(model.TraceEventKindInterventionAdded)
	evClosed       = string(model.TraceEventKindClosed)
)

// Cases generates count cases that follow the network's pathway models along its routes: the
// demo's models and routes (Demo holds them), over its zones, actors and services. Each case is
// opened in the two years before Reference (one SIL case in 25 between 740 and 830 days
// before it, and still open: overdue), walks its model's stages with delays of days to
// weeks, and refers the person mostly along the designed routes, some off them; referrals are
// refused, fail, are cancelled or completed; some cases get a plan, some drop out, some end
// included, some are still open. Nothing happens on or after Reference. The same network,
// count and seed give the same cases: case i draws from its own stream of the seed, so a
// larger count only adds cases.
func Cases(n Network, count int, seed uint64) []Case {
	w := newWorld(n)
	out := make([]Case, 0, count)
	codes := map[string]bool{}
	sil := 0
	for i := 0; i < count; i++ {
		rnd := rand.New(rand.NewPCG(seed, uint64(i)))
		code := caseCode(rnd)
		for codes[code] {
			code = caseCode(rnd)
		}
		codes[code] = true
		b := &builder{w: w, rnd: rnd, c: Case{Code: code}}
		switch x := rnd.Float64(); {
		case x < 0.45:
			b.commit()
		case x < 0.70:
			b.inlav()
		default:
			// One SIL case in 25 has outlived the model's two years, and is still open.
			b.sil(sil%25 == 12)
			sil++
		}
		out = append(out, b.finish())
	}
	return out
}

// caseCode is a pseudonymous code as the store makes them: "SN-" and 8 characters of an
// alphabet without the characters people confuse.
func caseCode(rnd *rand.Rand) string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	b := make([]byte, 8)
	for i := range b {
		b[i] = alphabet[rnd.IntN(len(alphabet))]
	}
	return "SN-" + string(b[:4]) + "-" + string(b[4:])
}

// manager is an actor that manages cases of a model: how often, with how many case managers,
// and in which zones ("key:weight ...").
type manager struct {
	actor  string
	weight int
	cms    int
	zones  string
}

var (
	commitManagers = []manager{
		{"sds-pisana", 22, 4, "com-pisa:45 com-cascina:15 com-san-giuliano-terme:12 com-vecchiano:5 com-calci:4 com-vicopisano:5 com-fauglia:3 com-crespina-lorenzana:3 com-orciano-pisano:2 sd-pisana:6"},
		{"consorzio-terre", 14, 2, "com-livorno:75 com-collesalvetti:20 com-capraia-isola:1 sd-livornese:4"},
		{"coeso", 30, 5, "com-grosseto:30 com-follonica:15 com-gavorrano:6 com-massa-marittima:6 com-scarlino:4 com-roccastrada:4 com-castiglione-della-pescaia:4 com-scansano:4 com-campagnatico:2 com-civitella-paganico:2 com-arcidosso:3 com-castel-del-piano:3 com-santa-fiora:2 com-cinigiano:2 com-montieri:1 com-monterotondo-marittimo:1 com-seggiano:1 com-semproniano:1 com-roccalbegna:1 com-castell-azzara:1 sd-colline:3 sd-grossetana:3"},
		{"coop-mare-aperto", 10, 2, "com-follonica:30 com-gavorrano:15 com-scarlino:15 com-grosseto:20 com-castiglione-della-pescaia:10 com-massa-marittima:10"},
		{"cas-grosseto", 6, 1, "com-grosseto:1"},
		{"sai-follonica", 5, 1, "com-follonica:1"},
		{"sai-pisa", 5, 1, "com-pisa:1"},
		{"cas-livorno", 4, 1, "com-livorno:1"},
		{"cas-cascina", 3, 1, "com-cascina:1"},
		{"cas-massa-marittima", 1, 1, "com-massa-marittima:1"},
	}
	inlavManagers = []manager{{"pua-sesto", 1, 3, "com-sesto-san-giovanni:65 com-cologno-monzese:30 amb-sesto:5"}}
	silManagers   = []manager{{"consorzio-san-donato", 1, 3, "com-sesto-san-giovanni:70 com-cologno-monzese:30"}}
)

// world indexes the network for the generator.
type world struct {
	models   map[string]PathwayModel
	actors   map[string]Actor
	services map[string]Service
	svcOrder []string // service keys in the network's order, for reproducible choices
	up       map[string]map[string]bool
	broader  map[string]string
	routes   []Route
	cmBase   map[string]int // the number of a managing actor's first case manager
}

func newWorld(n Network) *world {
	w := &world{models: map[string]PathwayModel{}, actors: map[string]Actor{}, services: map[string]Service{},
		up: map[string]map[string]bool{}, broader: map[string]string{}, routes: n.Routes, cmBase: map[string]int{}}
	for _, m := range n.PathwayModels {
		w.models[m.Key] = m
	}
	for _, a := range n.Actors {
		w.actors[a.Key] = a
	}
	for _, s := range n.Services {
		// The history is drawn over the directory of the source documents' services, without
		// the services the reported figures add (figures.go): they leave it as it was.
		if isFigureService(s.Key) {
			continue
		}
		w.services[s.Key] = s
		w.svcOrder = append(w.svcOrder, s.Key)
	}
	for _, x := range n.Needs {
		w.broader[x.Code] = x.Broader
	}
	parents := map[string][]string{}
	for _, z := range n.Zones {
		parents[z.Key] = z.Parents
	}
	for _, z := range n.Zones {
		seen := map[string]bool{}
		var walk func(string)
		walk = func(k string) {
			if !seen[k] {
				seen[k] = true
				for _, p := range parents[k] {
					walk(p)
				}
			}
		}
		walk(z.Key)
		w.up[z.Key] = seen
	}
	next := 1
	for _, table := range [][]manager{commitManagers, inlavManagers, silManagers} {
		for _, m := range table {
			w.cmBase[m.actor] = next
			next += m.cms
		}
	}
	return w
}

// under reports whether need is area or narrower than it.
func (w *world) under(need, area string) bool {
	for k := need; k != ""; k = w.broader[k] {
		if k == area {
			return true
		}
	}
	return false
}

func (w *world) related(a, b string) bool { return w.under(a, b) || w.under(b, a) }

// covers reports whether the end serves the zone: a service available in it or in a zone it
// lies in; an actor always.
func (w *world) covers(e End, zone string) bool {
	if e.Kind == EndActor {
		return true
	}
	s := w.services[e.Key]
	if s.Status != model.ServiceStatusActive {
		return false
	}
	for _, z := range s.Zones {
		if w.up[zone][z] {
			return true
		}
	}
	return false
}

// onRoute is the store's test (store.OnRoute): a designed route leads from the managing actor
// or one of its services to the end, or to the actor that provides it, for any need or for the
// need, a broader or a narrower one.
func (w *world) onRoute(managing string, to End, need string) bool {
	for _, r := range w.routes {
		if w.from(r, managing) && (r.To == to || r.To.Kind == EndActor && to.Kind == EndService && w.services[to.Key].Provider == r.To.Key) &&
			RouteServes(r, need, w.broader) {
			return true
		}
	}
	return false
}

// RouteServes reports whether the route serves the need: it is for any need, or for the need, a
// broader or a narrower one; broader maps each need's code to its broader need's.
func RouteServes(r Route, need string, broader map[string]string) bool {
	within := func(a, b string) bool { // a is b or narrower
		for x := a; x != ""; x = broader[x] {
			if x == b {
				return true
			}
		}
		return false
	}
	for _, k := range r.Needs {
		if within(need, k) || within(k, need) {
			return true
		}
	}
	return len(r.Needs) == 0
}

func (w *world) from(r Route, managing string) bool {
	return r.From == actor(managing) || (r.From.Kind == EndService && w.services[r.From.Key].Provider == managing)
}

// operator is the subject of the recipient's operator who answers a referral to the end.
func (w *world) operator(e End) string {
	if e.Kind == EndService {
		return "demo-op-" + w.services[e.Key].Provider
	}
	return "demo-op-" + e.Key
}

// builder walks one case through its model.
type builder struct {
	w       *world
	rnd     *rand.Rand
	c       Case
	model   PathwayModel
	t       time.Time // the case's clock: its last stage move
	moves   []move
	refs    []*plannedReferral
	ints    []*Intervention
	closeAt time.Time
	outcome string
}

type move struct {
	stage string
	at    time.Time
}

type plannedReferral struct {
	Referral
	area string // the case's need the referral serves
}

// status is the referral's last status; at is when it reached the status, zero if never.
func (r *plannedReferral) status() string  { return r.History[len(r.History)-1].Status }
func (r *plannedReferral) last() time.Time { return r.History[len(r.History)-1].At }
func (r *plannedReferral) at(status string) time.Time {
	for _, h := range r.History {
		if h.Status == status {
			return h.At
		}
	}
	return time.Time{}
}

func terminal(status string) bool {
	return status == refused || status == completed || status == failed || status == cancelled
}

func (b *builder) chance(p float64) bool { return b.rnd.Float64() < p }

func pick[T any](rnd *rand.Rand, items []T) T { return items[rnd.IntN(len(items))] }

// weighted picks a key of "key:weight ..." by weight.
func weighted(rnd *rand.Rand, spec string) string {
	fields := strings.Fields(spec)
	total := 0
	for _, f := range fields {
		n, _ := strconv.Atoi(f[strings.LastIndex(f, ":")+1:])
		total += n
	}
	x := rnd.IntN(total)
	for _, f := range fields {
		i := strings.LastIndex(f, ":")
		n, _ := strconv.Atoi(f[i+1:])
		if x < n {
			return f[:i]
		}
		x -= n
	}
	return ""
}

// needs draws extra need areas by their odds ("area:percent ..."), keeping at most `most`.
func (b *builder) needs(spec string, most int) []string {
	var out []string
	for _, f := range strings.Fields(spec) {
		i := strings.LastIndex(f, ":")
		p, _ := strconv.Atoi(f[i+1:])
		if b.rnd.IntN(100) < p {
			out = append(out, f[:i])
		}
	}
	b.rnd.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if len(out) > most {
		out = out[:most]
	}
	return out
}

// later is a moment some days after t, from lo to hi days and more often near lo, moved into
// office hours on a working day.
func (b *builder) later(t time.Time, days [2]float64) time.Time {
	d := days[0] + (days[1]-days[0])*math.Pow(b.rnd.Float64(), 1.6)
	at := t.Add(time.Duration(d*24*float64(time.Hour)) + time.Duration(5+b.rnd.IntN(90))*time.Minute)
	return b.office(at)
}

// office moves t forward into the hours an office works: 08:00 to 18:00 UTC, Monday to Friday.
func (b *builder) office(t time.Time) time.Time {
	y, m, d := t.Date()
	morning := time.Date(y, m, d, 8, 0, 0, 0, time.UTC).Add(time.Duration(b.rnd.IntN(150)) * time.Minute)
	switch {
	case t.Hour() < 8:
		t = morning
	case t.Hour() >= 18:
		t = morning.AddDate(0, 0, 1)
	}
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	return t.Truncate(time.Second)
}

// open opens the case of the model at its first stage, managed by one of the managers, on a
// working day between from and to.
func (b *builder) open(modelKey string, managers []manager, needs []string, from, to time.Time) {
	b.model = b.w.models[modelKey]
	total := 0
	for _, m := range managers {
		total += m.weight
	}
	x := b.rnd.IntN(total)
	m := managers[0]
	for _, c := range managers {
		if x < c.weight {
			m = c
			break
		}
		x -= c.weight
	}
	b.c.Model, b.c.ManagingActor, b.c.Zone, b.c.Needs = modelKey, m.actor, weighted(b.rnd, m.zones), needs
	b.c.CaseManager = fmt.Sprintf("demo-cm-%d", b.w.cmBase[m.actor]+b.rnd.IntN(m.cms))
	at := from.Add(time.Duration(b.rnd.Int64N(int64(to.Sub(from)))))
	b.c.OpenedAt = b.office(at)
	b.t = b.c.OpenedAt
	b.moves = []move{{b.model.Stages[0].Code, b.c.OpenedAt}}
}

// move moves the case to the stage at a moment after its last move.
func (b *builder) move(stage string, at time.Time) {
	if !at.After(b.t) {
		at = b.t.Add(time.Hour)
	}
	b.moves = append(b.moves, move{stage, at})
	b.t = at
}

// profile is how a kind of recipient answers: delays in days to receive, decide, start and
// deliver, and the odds of a refusal, a failure and a cancellation.
type profile struct {
	receive, decide, start, run [2]float64
	refuse, fail, cancel        float64
	reasons                     []string
}

var genericReasons = []string{
	"requisiti di accesso non soddisfatti",
	"fuori dal territorio di competenza del servizio",
	"documentazione incompleta: manca il permesso di soggiorno",
	"servizio già attivato da un altro ente della rete",
	"lista d'attesa chiusa fino al prossimo avviso",
}

var (
	secretariatProfile = profile{receive: [2]float64{0, 2}, decide: [2]float64{1, 6}, start: [2]float64{0, 2}, run: [2]float64{5, 20},
		refuse: 0.05, cancel: 0.02, reasons: []string{"la scheda non riporta indicatori di sfruttamento lavorativo",
			"la persona è già in carico al sistema antitratta di un'altra regione"}}
	emergencyProfile = profile{receive: [2]float64{0, 0.2}, decide: [2]float64{0, 1}, start: [2]float64{0, 0.5}, run: [2]float64{10, 60},
		refuse: 0.1, fail: 0.08, cancel: 0.02, reasons: []string{"la situazione non presenta i caratteri dell'emergenza",
			"intervento già attivato dalle forze dell'ordine"}}
	shelterProfile = profile{receive: [2]float64{0, 1}, decide: [2]float64{0, 3}, start: [2]float64{0, 2}, run: [2]float64{20, 90},
		refuse: 0.3, fail: 0.1, cancel: 0.03, reasons: []string{"nessun posto disponibile nella struttura",
			"la struttura non accoglie nuclei con minori", "posti riservati a donne vittime di tratta", "la persona non rientra nei requisiti del progetto di accoglienza"}}
	deskProfile = profile{receive: [2]float64{1, 5}, decide: [2]float64{2, 12}, start: [2]float64{2, 14}, run: [2]float64{20, 90},
		refuse: 0.15, fail: 0.12, cancel: 0.06, reasons: genericReasons}
	courseProfile = profile{receive: [2]float64{1, 5}, decide: [2]float64{3, 20}, start: [2]float64{7, 45}, run: [2]float64{60, 180},
		refuse: 0.2, fail: 0.15, cancel: 0.05, reasons: []string{"corso al completo: prossima edizione tra tre mesi",
			"livello di italiano insufficiente per il corso", "il corso richiede la licenza media", "orari del corso incompatibili con il lavoro stagionale"}}
	placementProfile = profile{receive: [2]float64{1, 6}, decide: [2]float64{5, 25}, start: [2]float64{7, 30}, run: [2]float64{60, 240},
		refuse: 0.2, fail: 0.18, cancel: 0.05, reasons: []string{"manca la dichiarazione di immediata disponibilità (DID)",
			"profilo non compatibile con le posizioni aperte", "nessuna azienda disponibile al momento", "requisiti di accesso non soddisfatti"}}
)

func (b *builder) profile(to End) profile {
	if to.Kind == EndActor {
		if to.Key == "segreteria-tecnica" {
			return secretariatProfile
		}
		return deskProfile
	}
	switch b.w.services[to.Key].Channel {
	case model.ServiceChannelShelter:
		return shelterProfile
	case model.ServiceChannelHelpline:
		return emergencyProfile
	case model.ServiceChannelCourse:
		return courseProfile
	case model.ServiceChannelPlacement:
		return placementProfile
	}
	return deskProfile
}

// outcomes are the outcomes of completed referrals, by need area.
var outcomes = map[string][]string{
	"work": {"patto di servizio firmato e DID registrata", "tirocinio extracurricolare concluso con assunzione",
		"contratto a tempo determinato nel settore agricolo", "contratto stagionale nel turismo", "borsa lavoro di sei mesi conclusa",
		"apprendistato avviato", "assunzione a tempo indeterminato", "bilancio di competenze concluso"},
	"training":   {"attestato di italiano A2 conseguito", "corso professionalizzante concluso con attestato", "certificazione delle competenze rilasciata"},
	"housing":    {"ospitalità in emergenza garantita", "contratto di locazione firmato con la garanzia dell'agenzia", "contributo per l'affitto erogato"},
	"legal":      {"vertenza conclusa con recupero delle retribuzioni", "permesso di soggiorno per casi speciali rilasciato", "consulenza legale conclusa, pratica avviata"},
	"health":     {"iscrizione al Servizio sanitario regionale completata", "percorso di sostegno psicologico concluso"},
	"protection": {"valutazione completata: attivato il percorso territoriale", "persona messa in sicurezza in pronta accoglienza", "programma di protezione ex art. 18 avviato"},
}

var (
	failNotes   = []string{"la persona ha interrotto il percorso", "la persona non si è più presentata agli appuntamenti", "tirocinio interrotto dall'azienda"}
	cancelNotes = []string{"la persona si è trasferita in un altro territorio", "bisogno ormai superato", "invio duplicato", "la persona ha trovato un'altra soluzione"}
)

// refer sends a referral for a need (narrower than or equal to the case's need area) and plays
// its lifecycle out: the recipient receives it, accepts or refuses it, delivers it; the sender
// may cancel it.
func (b *builder) refer(at time.Time, to End, need, area string) *plannedReferral {
	p := b.profile(to)
	op, cm := b.w.operator(to), b.c.CaseManager
	r := &plannedReferral{Referral: Referral{To: to, Need: need, OffRoute: !b.w.onRoute(b.c.ManagingActor, to, need)}, area: area}
	r.History = []ReferralChange{{Status: sent, At: at, By: cm}}
	t := at
	step := func(status string, days [2]float64, by, note string) {
		t = b.later(t, days)
		r.History = append(r.History, ReferralChange{Status: status, At: t, By: by, Note: note})
	}
	b.refs = append(b.refs, r)
	if b.chance(p.cancel / 2) {
		step(cancelled, [2]float64{1, 10}, cm, pick(b.rnd, cancelNotes))
		return r
	}
	step(received, p.receive, op, "")
	if b.chance(p.refuse) {
		step(refused, p.decide, op, pick(b.rnd, p.reasons))
		return r
	}
	step(accepted, p.decide, op, "")
	if b.chance(p.cancel / 2) {
		step(cancelled, p.start, cm, pick(b.rnd, cancelNotes))
		return r
	}
	step(inProgress, p.start, op, "")
	switch x := b.rnd.Float64(); {
	case x < p.fail:
		step(failed, [2]float64{p.run[0] / 3, p.run[1] / 2}, op, pick(b.rnd, failNotes))
	case x < p.fail+p.cancel/2:
		step(cancelled, [2]float64{p.run[0] / 3, p.run[1] / 2}, cm, pick(b.rnd, cancelNotes))
	default:
		list := outcomes[area]
		if len(list) == 0 {
			list = []string{"servizio erogato come previsto"}
		}
		step(completed, p.run, op, pick(b.rnd, list))
	}
	return r
}

// target chooses where to refer the case for want (a need under one of its areas) in the
// stages given: along a designed route from the managing actor when one fits, but with the odds
// given to another active service of the zone that meets the need, as when there is none. It
// returns false when nothing fits.
func (b *builder) target(want string, stages []string, avoid map[End]bool, offOdds float64) (End, bool) {
	var on, off []End
	seen := map[End]bool{}
	for _, r := range b.w.routes {
		if r.Model != b.c.Model || !slices.Contains(stages, r.Stage) || !b.w.from(r, b.c.ManagingActor) || seen[r.To] || avoid[r.To] {
			continue
		}
		fits := len(r.Needs) == 0
		for _, x := range r.Needs {
			fits = fits || b.w.related(x, want)
		}
		if fits && b.w.covers(r.To, b.c.Zone) {
			seen[r.To] = true
			on = append(on, r.To)
		}
	}
	for _, k := range b.w.svcOrder {
		e := service(k)
		if seen[e] || avoid[e] || !b.w.covers(e, b.c.Zone) || b.w.services[k].Provider == b.c.ManagingActor {
			continue
		}
		for _, x := range b.w.services[k].Needs {
			if b.w.under(x, want) {
				off = append(off, e)
				break
			}
		}
	}
	switch {
	case len(on) > 0 && (len(off) == 0 || !b.chance(offOdds)):
		return pick(b.rnd, on), true
	case len(off) > 0:
		return pick(b.rnd, off), true
	}
	return End{}, false
}

// needFor is the need a referral to the end is for: one the service meets under want, or want.
func (b *builder) needFor(to End, want string) string {
	if to.Kind == EndService {
		var fit []string
		for _, x := range b.w.services[to.Key].Needs {
			if b.w.under(x, want) {
				fit = append(fit, x)
			}
		}
		if len(fit) > 0 {
			return pick(b.rnd, fit)
		}
	}
	return want
}

// referFor refers the case for want, a need under the area, in the stages; after a refusal the
// case manager often tries another recipient. It returns the referrals sent.
func (b *builder) referFor(at time.Time, area, want string, stages []string) []*plannedReferral {
	var out []*plannedReferral
	avoid := map[End]bool{}
	for try := 0; try < 3; try++ {
		odds := 0.06
		if stages[0] == "1" {
			odds = 0 // the first-profiling form goes to the secretariat whenever a route leads there
		}
		to, ok := b.target(want, stages, avoid, odds)
		if !ok {
			break
		}
		r := b.refer(at, to, b.needFor(to, want), area)
		out = append(out, r)
		if r.status() != refused || !b.chance(0.65) {
			break
		}
		avoid[to] = true
		at = b.later(r.last(), [2]float64{1, 7})
	}
	return out
}

// plan adds interventions to the case's plan for some of the areas, each delivered by a service
// that meets the need, starting a week or a month after the plan.
func (b *builder) plan(areas []string, stages []string, odds float64) {
	at := b.t
	for _, area := range areas {
		if !b.chance(odds) {
			continue
		}
		to, ok := b.target(area, stages, nil, 0.06)
		if !ok || to.Kind != EndService {
			continue
		}
		at = b.later(at, [2]float64{0, 4})
		start := b.later(at, [2]float64{5, 30})
		i := &Intervention{Need: b.needFor(to, area), Service: to.Key, AddedAt: at, AddedBy: b.c.CaseManager,
			StartDate: time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)}
		if b.chance(0.85) {
			i.EndDate = i.StartDate.AddDate(0, 2+b.rnd.IntN(9), 0)
		}
		b.ints = append(b.ints, i)
	}
}

// lastTime is the latest moment of anything that happened to the case.
func (b *builder) lastTime() time.Time {
	t := b.t
	for _, r := range b.refs {
		if r.last().After(t) {
			t = r.last()
		}
	}
	for _, i := range b.ints {
		if i.AddedAt.After(t) {
			t = i.AddedAt
		}
	}
	return t
}

// close closes the case with the outcome at a moment after every stage move, referral sent
// and intervention added. What the referrals would have done after it does not happen: a
// referral still open by then is cancelled by the case manager, or fails when the person
// dropped out of it.
func (b *builder) close(outcome string, at time.Time) {
	floor := b.t
	for _, r := range b.refs {
		if r.History[0].At.After(floor) {
			floor = r.History[0].At
		}
	}
	for _, i := range b.ints {
		if i.AddedAt.After(floor) {
			floor = i.AddedAt
		}
	}
	if !at.After(floor) {
		at = b.later(floor, [2]float64{1, 10})
	}
	for _, r := range b.refs {
		keep := 1
		for keep < len(r.History) && r.History[keep].At.Before(at) {
			keep++
		}
		r.History = r.History[:keep]
		if terminal(r.status()) {
			continue
		}
		last := r.last()
		when := last.Add(time.Duration(float64(at.Sub(last)) * (0.4 + 0.5*b.rnd.Float64())))
		if r.status() == inProgress && outcome == droppedOut {
			r.History = append(r.History, ReferralChange{Status: failed, At: when, By: b.w.operator(r.To), Note: "la persona ha abbandonato il percorso"})
		} else {
			r.History = append(r.History, ReferralChange{Status: cancelled, At: when, By: b.c.CaseManager, Note: "caso chiuso: invio non più necessario"})
		}
	}
	b.closeAt, b.outcome = at, outcome
}

// completedIn reports whether a referral for one of the areas was completed.
func (b *builder) completedIn(areas ...string) bool {
	for _, r := range b.refs {
		if r.status() == completed && slices.Contains(areas, r.area) {
			return true
		}
	}
	return false
}

// firstAt is the first moment a referral sent after from reached the status, or zero.
func (b *builder) firstAt(status string, from time.Time) time.Time {
	var first time.Time
	for _, r := range b.refs {
		if at := r.at(status); !at.IsZero() && !r.History[0].At.Before(from) && (first.IsZero() || at.Before(first)) {
			first = at
		}
	}
	return first
}

// window is the span in which cases are opened: the two years before Reference.
func window() (time.Time, time.Time) { return Reference.AddDate(-2, 0, 0), Reference.AddDate(0, 0, -3) }

// commit walks a case through COMMIT: the first-profiling form to the regional secretariat,
// its assessment, the emergency response or the personalised plan with the zone's services,
// inclusion. Reception centres hand many of their cases over to the zone group.
func (b *builder) commit() {
	extras := b.needs("work:80 housing:45 legal:35 training:30 health:20", 2)
	if b.chance(0.1) {
		extras = nil
	}
	from, to := window()
	b.open(ModelCOMMIT, commitManagers, append([]string{"protection"}, extras...), from, to)
	reception := b.w.actors[b.c.ManagingActor].Kind == model.ActorKindReceptionCentre

	// 1: the form goes to the technical secretariat.
	form := b.referFor(b.later(b.t, [2]float64{0, 3}), "protection", "protection.anti_trafficking", []string{"1"})
	if len(form) == 0 {
		b.close(other, b.later(b.t, [2]float64{2, 10}))
		return
	}
	sec := form[len(form)-1]
	switch sec.status() {
	case refused:
		b.close(other, b.later(sec.last(), [2]float64{2, 10}))
		return
	case cancelled:
		b.close(droppedOut, b.later(sec.last(), [2]float64{1, 10}))
		return
	}
	b.move("2a", b.later(sec.at(accepted), [2]float64{0, 1}))
	if b.chance(0.05) {
		b.close(droppedOut, b.later(b.t, [2]float64{5, 30}))
		return
	}

	// 2b: the emergency response, for about one case in three and for every case with
	// protection needs only.
	if len(extras) == 0 || b.chance(0.3) {
		b.move("2b", b.later(b.t, [2]float64{0, 3}))
		want := "protection.emergency"
		if slices.Contains(extras, "housing") && b.chance(0.5) {
			b.referFor(b.later(b.t, [2]float64{0, 1}), "housing", "housing.emergency_shelter", []string{"2b"})
		} else {
			b.referFor(b.later(b.t, [2]float64{0, 1}), "protection", want, []string{"2b"})
		}
		if b.chance(0.35) {
			b.referFor(b.later(b.t, [2]float64{3, 20}), "protection", "protection.art18", []string{"2b"})
		}
		if len(extras) == 0 || b.chance(0.3) {
			// The emergency ends the path here: a protection programme elsewhere, or the person leaves.
			at := b.later(b.lastTime(), [2]float64{3, 20})
			if b.chance(0.55) {
				b.close(transferred, at)
			} else {
				b.close(droppedOut, at)
			}
			return
		}
	}

	// 2c: the zone group names the case manager, who drafts the plan. A reception centre
	// often hands the case over to the zone group here.
	b.move("2c", b.later(b.t, [2]float64{5, 20}))
	if reception && b.chance(0.5) {
		b.close(transferred, b.later(b.t, [2]float64{1, 10}))
		return
	}
	b.plan(extras, []string{"2d", "3"}, 0.75)

	// 2d: the plan is shared with the zone's services.
	b.move("2d", b.later(b.t, [2]float64{15, 45}))
	started := b.t
	for _, area := range extras {
		b.referFor(b.later(b.t, [2]float64{0, 10}), area, area, []string{"2d", "3"})
	}
	if b.chance(0.12) {
		// The services' answers send the plan back to its first draft.
		b.move("2c", b.later(b.lastTime(), [2]float64{3, 15}))
		b.move("2d", b.later(b.t, [2]float64{7, 21}))
		area := pick(b.rnd, extras)
		b.referFor(b.later(b.t, [2]float64{0, 5}), area, area, []string{"2d", "3"})
	}
	if b.chance(0.08) {
		b.close(droppedOut, b.later(b.t, [2]float64{10, 60}))
		return
	}

	// 3: inclusion, once a service has taken the person in.
	taken := b.firstAt(inProgress, started)
	if taken.IsZero() {
		if b.chance(0.6) {
			b.close(droppedOut, b.later(b.lastTime(), [2]float64{10, 40}))
		} else {
			b.close(other, b.later(b.lastTime(), [2]float64{10, 40}))
		}
		return
	}
	b.move("3", b.later(taken, [2]float64{0, 10}))
	b.finishInclusion(extras)
}

// finishInclusion closes an included path: included when a service completed its part,
// otherwise dropped out or closed for another reason.
func (b *builder) finishInclusion(areas []string) {
	at := b.later(b.lastTime(), [2]float64{5, 30})
	switch {
	case b.completedIn(areas...) && b.chance(0.88):
		b.close(included, at)
	case b.chance(0.08):
		b.close(transferred, at)
	case b.chance(0.6):
		b.close(droppedOut, at)
	default:
		b.close(other, at)
	}
}

// inlavStages are the stages of the InLav package each need area is served in.
var inlavStages = map[string]string{"protection": "F2.3", "legal": "F2.4", "health": "F2.4", "information": "F2.4",
	"work": "F2.5", "training": "F2.5", "housing": "F2.6"}

// inlav walks a case through the InLav PUA: contact, taking charge with the PIP, the service
// areas of the package, monitoring.
func (b *builder) inlav() {
	areas := b.needs("work:70 protection:40 housing:35 legal:30 health:25 training:20 information:15", 3)
	if len(areas) == 0 {
		areas = []string{"work"}
	}
	from, to := window()
	b.open(ModelInLav, inlavManagers, areas, from, to)
	b.move("F2.2", b.later(b.t, [2]float64{3, 15}))
	if b.chance(0.08) {
		b.close(droppedOut, b.later(b.t, [2]float64{10, 40}))
		return
	}
	pkg := []string{"F2.3", "F2.4", "F2.5", "F2.6"}
	b.plan(areas, pkg, 0.8)
	started := b.t
	for _, stage := range pkg {
		var here []string
		for _, a := range areas {
			if inlavStages[a] == stage {
				here = append(here, a)
			}
		}
		if len(here) == 0 {
			continue
		}
		b.move(stage, b.later(b.t, [2]float64{5, 25}))
		for _, a := range here {
			b.referFor(b.later(b.t, [2]float64{0, 7}), a, a, pkg)
		}
		if b.chance(0.05) {
			b.close(droppedOut, b.later(b.t, [2]float64{10, 60}))
			return
		}
	}
	taken := b.firstAt(inProgress, started)
	if taken.IsZero() {
		taken = b.t
	}
	b.move("F3", b.later(taken, [2]float64{20, 90}))
	b.finishInclusion(areas)
}

// sil walks a case through the SIL's eight steps; an overdue case was opened more than two
// years before Reference and is still being developed.
func (b *builder) sil(overdue bool) {
	needs := append([]string{"work"}, b.needs("training:30 health:20", 2)...)
	from, to := window()
	if overdue {
		from, to = Reference.AddDate(0, 0, -830), Reference.AddDate(0, 0, -740)
	}
	b.open(ModelSIL, silManagers, needs, from, to)
	emp := pick(b.rnd, []string{"LOW", "LOW", "LOW", "MEDIUM", "MEDIUM", "MEDIUM", "MEDIUM", "HIGH", "HIGH"})
	b.c.Employability = emp
	b.move("first-evaluation", b.later(b.t, [2]float64{3, 10}))
	b.move("social-worker", b.later(b.t, [2]float64{5, 15}))
	b.move("person-interview", b.later(b.t, [2]float64{5, 20}))
	if emp != "HIGH" || b.chance(0.3) {
		b.referFor(b.later(b.t, [2]float64{0, 5}), "work", "work", []string{"person-interview"})
	}
	b.move("decision", b.later(b.t, [2]float64{7, 20}))
	switch {
	case overdue:
	case b.chance(0.12):
		// A negative decision goes back to the social worker who reported the case.
		b.close(other, b.later(b.t, [2]float64{3, 10}))
		return
	case b.chance(0.06):
		b.close(droppedOut, b.later(b.t, [2]float64{3, 20}))
		return
	}
	b.move("acceptance", b.later(b.t, [2]float64{3, 15}))
	b.plan(needs, []string{"development"}, 0.9)
	b.move("development", b.later(b.t, [2]float64{5, 20}))
	span := map[string][2]float64{"LOW": {200, 450}, "MEDIUM": {120, 330}, "HIGH": {60, 200}}[emp]
	end := b.later(b.t, span)
	for _, a := range needs {
		b.referFor(b.later(b.t, [2]float64{0, 15}), a, a, []string{"development"})
	}
	// A second step towards work once the first is done: the placement after the job search.
	if first := b.firstAt(completed, b.t); !first.IsZero() && first.Before(end) && b.chance(0.5) {
		b.referFor(b.later(first, [2]float64{3, 20}), "work", "work.placement", []string{"development"})
	}
	if overdue {
		// Still in development: the extension of the placement runs past the two years.
		b.referFor(b.later(b.lastTime(), [2]float64{5, 30}), "work", "work", []string{"development"})
		return
	}
	if b.chance(0.12) {
		b.close(droppedOut, b.later(b.t, [2]float64{30, 200}))
		return
	}
	if last := b.lastTime(); last.After(end) {
		end = last
	}
	b.move("final-evaluation", b.later(end, [2]float64{3, 20}))
	b.finishInclusion([]string{"work"})
}

// op is one event of the case before keys are given: a pointer to the moment it happened,
// so that making the moments strictly increasing moves the records with them.
type op struct {
	at     *time.Time
	kind   string
	stage  string
	ref    *plannedReferral
	change int
	iv     *Intervention
}

// finish orders the case's events in time, drops what would happen on or after Reference,
// and derives the case, its referrals and interventions from the events kept.
func (b *builder) finish() Case {
	var ops []op
	for i := range b.moves {
		kind := evStageMoved
		if i == 0 {
			kind = evOpened
		}
		ops = append(ops, op{at: &b.moves[i].at, kind: kind, stage: b.moves[i].stage})
	}
	for _, r := range b.refs {
		for j := range r.History {
			kind := evReferralMove
			if j == 0 {
				kind = evReferralSent
			}
			ops = append(ops, op{at: &r.History[j].At, kind: kind, ref: r, change: j})
		}
	}
	for _, i := range b.ints {
		ops = append(ops, op{at: &i.AddedAt, kind: evIntervention, iv: i})
	}
	if !b.closeAt.IsZero() {
		ops = append(ops, op{at: &b.closeAt, kind: evClosed})
	}
	slices.SortStableFunc(ops, func(x, y op) int { return x.at.Compare(*y.at) })
	for i := 1; i < len(ops); i++ {
		if !ops[i].at.After(*ops[i-1].at) {
			*ops[i].at = ops[i-1].at.Add(time.Minute)
		}
	}
	for len(ops) > 0 && !ops[len(ops)-1].at.Before(Reference) {
		ops = ops[:len(ops)-1]
	}

	c := b.c
	c.Status, c.Version, c.UpdatedAt = statusOpen, 1, c.OpenedAt
	stages := map[string]Stage{}
	for _, st := range b.model.Stages {
		stages[st.Code] = st
	}
	refIndex := map[*plannedReferral]int{}
	stage := ""
	for i, o := range ops {
		e := CaseEvent{Key: fmt.Sprintf("e%d", i+1), At: *o.at, Kind: o.kind, By: c.CaseManager}
		switch o.kind {
		case evOpened:
			stage = o.stage
			e.Stage, e.Summary, e.Actors = o.stage, "opened at stage "+stages[o.stage].Name, []string{c.ManagingActor}
		case evStageMoved:
			e.Stage, e.Summary = o.stage, fmt.Sprintf("moved from stage %s to %s", stage, o.stage)
			stage = o.stage
			c.Version, c.UpdatedAt = c.Version+1, e.At
		case evReferralSent:
			r := o.ref.Referral
			r.Key = fmt.Sprintf("r%d", len(c.Referrals)+1)
			r.History = []ReferralChange{r.History[0]}
			refIndex[o.ref] = len(c.Referrals)
			c.Referrals = append(c.Referrals, r)
			e.Referral, e.Status, e.Summary, e.Actors = r.Key, sent, "referred for a need", []string{c.ManagingActor}
			if r.To.Kind == EndService {
				e.Services = []string{r.To.Key}
			} else {
				e.Actors = append(e.Actors, r.To.Key)
			}
			if r.OffRoute {
				e.Summary += ", off every designed route"
			}
		case evReferralMove:
			h := o.ref.History[o.change]
			r := &c.Referrals[refIndex[o.ref]]
			r.History = append(r.History, h)
			e.Referral, e.Status, e.Note, e.By = r.Key, h.Status, h.Note, h.By
			e.Summary, e.Actors = "referral "+h.Status, []string{c.ManagingActor}
		case evIntervention:
			k := fmt.Sprintf("i%d", len(c.Interventions)+1)
			iv := *o.iv
			iv.Key = k
			c.Interventions = append(c.Interventions, iv)
			if c.PlanCreatedAt.IsZero() {
				c.PlanCreatedAt, c.PlanCreatedBy = e.At, iv.AddedBy
			}
			e.Summary, e.Services = "intervention added to the plan", []string{iv.Service}
		case evClosed:
			c.Status, c.Outcome, c.ClosedAt = statusClosed, b.outcome, e.At
			c.Version, c.UpdatedAt = c.Version+1, e.At
			e.Summary = "closed: " + b.outcome
		}
		c.Events = append(c.Events, e)
	}
	c.Stage = stage
	for i := range c.Interventions {
		c.Interventions[i].Status = b.interventionStatus(c, c.Interventions[i])
	}
	return c
}

// interventionStatus is where an intervention stands at Reference, or when its case closed.
func (b *builder) interventionStatus(c Case, i Intervention) string {
	switch {
	case c.Status == statusClosed && c.Outcome == included:
		return string(model.InterventionStatusDone)
	case c.Status == statusClosed:
		return string(model.InterventionStatusStopped)
	case i.StartDate.After(Reference):
		return string(model.InterventionStatusPlanned)
	case !i.EndDate.IsZero() && i.EndDate.Before(Reference):
		return string(model.InterventionStatusDone)
	}
	return string(model.InterventionStatusActive)
}

func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func optDay(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return neo4j.DateOf(t)
}

// importCases adds the cases with their referrals, interventions and events, with the
// properties and relationships the store's OpenCase, MoveCase, CloseCase, Refer, MoveReferral
// and AddIntervention write: keys where the store keeps keys, the global ID of a referral's
// recipient, times as DateTime and dates as Date. Cases whose code is in skip are left out:
// they were loaded before.
//
// As the store's keys, every case has a random key (store.NewKey), and its referrals,
// interventions and events keys made from it: no ID can be worked out from a case's code,
// which its recipients see, or from the seed.
func (n Network) importCases(node func(label, key string, props map[string]any), link func(lt store.LinkType, from, to string, props map[string]any), skip map[string]bool) {
	provider := map[string]string{}
	for _, sv := range n.Services {
		provider[sv.Key] = sv.Provider
	}
	maxDays := map[string]int{}
	for _, m := range n.PathwayModels {
		maxDays[m.Key] = m.MaxDurationDays
	}
	for _, c := range n.allCases() {
		if skip[c.Code] {
			continue
		}
		ck := store.NewKey()
		caseID := ID("Case", ck)
		node("Case", ck, map[string]any{
			"code": c.Code, "status": c.Status, "openedAt": c.OpenedAt, "closedAt": optTime(c.ClosedAt), "outcome": opt(c.Outcome),
			"zoneId": ID("Zone", c.Zone), "modelId": ID("PathwayModel", c.Model), "stageId": ID("Stage", StageKey(c.Model, c.Stage)),
			"managingActorId": ID("Actor", c.ManagingActor), "caseManager": c.CaseManager, "employability": opt(c.Employability),
			"maxDurationDays": optInt(maxDays[c.Model]), "planCreatedAt": optTime(c.PlanCreatedAt), "planCreatedBy": opt(c.PlanCreatedBy),
			"createdAt": c.OpenedAt, "updatedAt": c.UpdatedAt, "version": c.Version,
			"exploitation": opt(c.Exploitation), "projectId": optID("Partnership", c.Project),
		})
		link(store.LinkCaseZone, ck, c.Zone, nil)
		if c.Project != "" {
			link(store.LinkCaseProject, ck, c.Project, nil)
		}
		for _, x := range c.Needs {
			link(store.LinkCaseNeed, ck, x, nil)
		}
		link(store.LinkCaseModel, ck, c.Model, nil)
		link(store.LinkCaseStage, ck, StageKey(c.Model, c.Stage), nil)
		link(store.LinkCaseActor, ck, c.ManagingActor, nil)
		for _, r := range c.Referrals {
			rk := ck + "/" + r.Key
			last := r.History[len(r.History)-1]
			props := map[string]any{
				"caseId": caseID, "fromId": ID("Actor", c.ManagingActor), "toId": globalID(r.To.Kind, r.To.Key), "needId": ID("Need", r.Need),
				"status": last.Status, "sentAt": r.History[0].At, "offRoute": r.OffRoute,
				"createdAt": r.History[0].At, "updatedAt": last.At, "version": len(r.History),
				// As Refer: the person's consent to the recipient actor, recorded by the case manager as it is sent.
				"consentGivenAt": r.History[0].At, "consentScope": store.ConsentScopes(), "consentRecordedBy": r.History[0].By,
			}
			if r.To.Kind == EndService {
				props["consentActorId"] = ID("Actor", provider[r.To.Key])
			} else {
				props["consentActorId"] = ID("Actor", r.To.Key)
			}
			for _, h := range r.History {
				switch h.Status {
				case refused:
					props["reason"], props["refusalReason"] = h.Note, RefusalCode(h.Note)
				case completed:
					props["outcome"] = h.Note
				}
				// As MoveReferral: the first acceptance and completion are kept.
				if at := strings.ToLower(h.Status) + "At"; (h.Status == accepted || h.Status == completed) && props[at] == nil {
					props[at] = h.At
				}
			}
			node("Referral", rk, props)
			link(store.LinkCaseReferral, ck, rk, nil)
			link(store.LinkReferralFrom, rk, c.ManagingActor, nil)
			if r.To.Kind == EndService {
				link(store.LinkReferralToService, rk, r.To.Key, nil)
			} else {
				link(store.LinkReferralToActor, rk, r.To.Key, nil)
			}
			link(store.LinkReferralNeed, rk, r.Need, nil)
		}
		for _, i := range c.Interventions {
			ik := ck + "/" + i.Key
			node("Intervention", ik, map[string]any{"caseId": caseID, "needId": ID("Need", i.Need), "serviceId": ID("Service", i.Service),
				"status": i.Status, "startDate": optDay(i.StartDate), "endDate": optDay(i.EndDate)})
			link(store.LinkCaseIntervention, ck, ik, nil)
			link(store.LinkInterventionNeed, ik, i.Need, nil)
			link(store.LinkInterventionService, ik, i.Service, nil)
		}
		for _, e := range c.Events {
			ek := ck + "/" + e.Key
			ids := func(kind string, keys []string) []string {
				out := make([]string, len(keys))
				for i, k := range keys {
					out[i] = ID(kind, k)
				}
				return out
			}
			// As appendEvent: no stage, status or note is no property, and no referral an empty one.
			props := map[string]any{"caseId": caseID, "zoneId": ID("Zone", c.Zone), "at": e.At, "by": e.By, "kind": e.Kind,
				"summary": e.Summary, "stageId": nil, "referralId": "", "status": opt(e.Status), "note": opt(e.Note),
				"actorIds": ids("Actor", e.Actors), "serviceIds": ids("Service", e.Services)}
			if e.Stage != "" {
				props["stageId"] = ID("Stage", StageKey(c.Model, e.Stage))
			}
			if e.Referral != "" {
				props["referralId"] = ID("Referral", ck+"/"+e.Referral)
			}
			node("CaseEvent", ek, props)
			link(store.LinkCaseEvent, ck, ek, nil)
			if e.Referral != "" {
				link(store.LinkEventReferral, ek, ck+"/"+e.Referral, nil)
			}
		}
	}
}

// CaseCounts summarises a case history: cases by status and outcome, by model, referrals by
// status, off-route referrals, events, interventions and the SIL cases overdue at Reference.
func CaseCounts(cases []Case) map[string]int {
	out := map[string]int{}
	for _, c := range cases {
		out["cases"]++
		out["model "+c.Model]++
		if c.Status == statusOpen {
			out["open"]++
			if c.Model == ModelSIL && Reference.Sub(c.OpenedAt) > 730*24*time.Hour {
				out["overdue"]++
			}
		} else {
			out["closed "+c.Outcome]++
		}
		for _, r := range c.Referrals {
			out["referrals"]++
			out["referral "+r.History[len(r.History)-1].Status]++
			if r.OffRoute {
				out["off route"]++
			}
		}
		out["interventions"] += len(c.Interventions)
		out["events"] += len(c.Events)
	}
	return out
}

// SortedCounts lists counts as "name n" lines, by name.
func SortedCounts(m map[string]int) []string {
	var out []string
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s %d", k, v))
	}
	slices.SortFunc(out, cmp.Compare)
	return out
}

// allCases are the generated history and the cases the source documents count.
func (n Network) allCases() []Case { return append(append([]Case{}, n.Cases...), n.ReportedCases...) }

// optID is the ID of the record of the kind with the key, or no property for no key.
func optID(kind, key string) any {
	if key == "" {
		return nil
	}
	return ID(kind, key)
}
