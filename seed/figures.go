package seed

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"snodo/store"
)

// The figures the source documents report, as data: ConTratTo's first half of 2012 (004) as
// activity records and helpline cases, TEAMS's context and targets for the CoeSo zone of
// Grosseto (003). `snodo report` for those zones and periods gives the figures back; the
// synthetic case history is left as it is.

// Activity is one activity record: what a service's outreach did from From to To (days).
type Activity struct {
	Key, Service, Zone, Kind string
	From, To                 string // YYYY-MM-DD
	Count                    int
	Exploitation             string // an ExploitationKind, "" when the record mixes kinds
}

// ContextValue is one context indicator of a zone for a year.
type ContextValue struct {
	Zone, Indicator string
	Year            int
	Value           float64
	Source, Note    string
}

// Target is a target of a funded project.
type Target struct {
	Key, Project, Description, Measure, Zone string
	Count                                    int
	From, To                                 string // YYYY-MM-DD
}

// ConTratTo's period: "nei primi sei mesi di attività del progetto, gennaio-giugno 2012".
const contrattoFrom, contrattoTo = "2012-01-01", "2012-06-30"

// figureServices are the keys of the regional system's outreach services whose 2012 activity
// ConTratTo reports: its mobile units and drop-ins as a whole (the press release gives regional
// totals). They are in the dataset; the case generator refers no one to them.
var figureServices = []string{"satis-unita-mobili", "satis-drop-in"}

// isFigureService reports whether the service is one of figureServices.
func isFigureService(key string) bool { return slices.Contains(figureServices, key) }

// contrattoActivity is ConTratTo's activity of January-June 2012: one record a figure, each
// a regional total.
var contrattoActivity = []Activity{
	{Key: "contratto-2012h1-contatti", Service: "satis-unita-mobili", Zone: "reg-toscana", Kind: "CONTACT", From: contrattoFrom, To: contrattoTo, Count: 2651},
	{Key: "contratto-2012h1-colloqui", Service: "satis-drop-in", Zone: "reg-toscana", Kind: "INTERVIEW", From: contrattoFrom, To: contrattoTo, Count: 89},
	{Key: "contratto-2012h1-emergenza", Service: "satis-pronta-accoglienza", Zone: "reg-toscana", Kind: "EMERGENCY_RECEPTION", From: contrattoFrom, To: contrattoTo, Count: 27},
	{Key: "contratto-2012h1-protezione", Service: "satis-programma-art18", Zone: "reg-toscana", Kind: "PROTECTION_PROGRAMME_START", From: contrattoFrom, To: contrattoTo, Count: 63},
	{Key: "contratto-2012h1-accompagnamenti", Service: "satis-drop-in", Zone: "reg-toscana", Kind: "ACCOMPANIMENT", From: contrattoFrom, To: contrattoTo, Count: 124},
}

// teamsSource is where TEAMS's figures come from.
const teamsSource = "TEAMS, piano d'azione locale dell'ambito PI-LI-GR: scheda del soggetto aderente CoeSo (SdS Amiata Grossetana, Colline Metallifere e Area Grossetana)"

// teamsYear is the year the plan's indicators describe: the plan does not say, so they are
// recorded at the project's start.
const teamsYear = 2018

const teamsNote = "anno di riferimento non indicato nel piano; registrato all'avvio del progetto (2018)"

// teamsContext are the indicators of the CoeSo zone in TEAMS's plan.
var teamsContext = []ContextValue{
	{Zone: "sd-coeso", Indicator: "FOREIGN_RESIDENTS", Value: 18598},
	{Zone: "sd-coeso", Indicator: "FOREIGN_RESIDENTS_SHARE", Value: 10.8},
	{Zone: "sd-coeso", Indicator: "UNEMPLOYMENT_RATE", Value: 22.9},
	{Zone: "sd-coeso", Indicator: "FOREIGN_UNEMPLOYMENT_RATE", Value: 45.9},
	{Zone: "sd-coeso", Indicator: "UNEMPLOYMENT_RATE_COMPARED", Value: 28, Note: "il tasso di disoccupazione generale cui il piano confronta quello straniero"},
	{Zone: "sd-coeso", Indicator: "SOCIAL_RECORDS_OPEN", Value: 2341},
	{Zone: "sd-coeso", Indicator: "SOCIAL_RECORDS_OPEN_FOREIGNERS", Value: 363},
}

// teamsTargets are TEAMS's targets: "il progetto ha avuto avvio il 2/10/2018 e si concluderà il
// 31/12/2020".
var teamsTargets = []Target{
	{Key: "teams-pua-coeso", Project: "teams", Description: "prese in carico attraverso il PUA di II livello", Measure: "CASES_TAKEN_IN_CHARGE",
		Zone: "sd-coeso", Count: 60, From: "2018-10-02", To: "2020-12-31"},
	{Key: "teams-destinatari", Project: "teams", Description: "cittadini di Paesi terzi presenti in Toscana, con permesso di soggiorno, di 16-65 anni, con problematiche sociali o lavorative",
		Measure: "CASES_OPENED", Zone: "reg-toscana", Count: 1150, From: "2018-10-02", To: "2020-12-31"},
}

// helplineCases are the 37 cases of exploitation the regional helpline handled in January-June
// 2012 (28 sexual, 5 labour, 4 begging), each opened by the helpline and transferred to a
// territorial system within days; their codes are drawn from a stream of their own.
func helplineCases() []Case {
	kinds := []struct {
		kind string
		n    int
	}{{"SEXUAL", 28}, {"LABOUR", 5}, {"BEGGING", 4}}
	rnd := rand.New(rand.NewPCG(2012, 4))
	start := time.Date(2012, 1, 2, 8, 0, 0, 0, time.UTC)
	var out []Case
	for _, k := range kinds {
		for range k.n {
			i := len(out)
			// Spread over the 182 days of the half, one every 4.9 days or so.
			opened := start.Add(time.Duration(i*118+rnd.IntN(24)) * time.Hour)
			closed := opened.Add(time.Duration(48+rnd.IntN(120)) * time.Hour)
			by := "op-numero-verde"
			out = append(out, Case{
				Code: caseCode(rnd), Zone: "reg-toscana", Needs: []string{"protection.anti_trafficking"}, Model: ModelCOMMIT, Stage: "1",
				ManagingActor: "nv-toscana", CaseManager: by, Status: statusClosed, Outcome: "TRANSFERRED", Exploitation: k.kind,
				OpenedAt: opened, ClosedAt: closed, UpdatedAt: closed, Version: 2,
				Events: []CaseEvent{
					{Key: "e1", At: opened, Kind: evOpened, By: by, Stage: "1", Summary: "opened at stage Emersione e prevenzione", Actors: []string{"nv-toscana"}},
					{Key: "e2", At: closed, Kind: evClosed, By: by, Summary: "closed: TRANSFERRED"},
				},
			})
		}
	}
	return out
}

// refusalCodes codes the synthetic history's refusal reasons (free text, as operators write
// them) by the closed set of refusal reasons; a reason not listed is OTHER.
var refusalCodes = map[string]string{
	"nessun posto disponibile nella struttura":                             "NO_PLACES",
	"corso al completo: prossima edizione tra tre mesi":                    "NO_PLACES",
	"lista d'attesa chiusa fino al prossimo avviso":                        "NO_PLACES",
	"requisiti di accesso non soddisfatti":                                 "NOT_ELIGIBLE",
	"la persona non rientra nei requisiti del progetto di accoglienza":     "NOT_ELIGIBLE",
	"la struttura non accoglie nuclei con minori":                          "NOT_ELIGIBLE",
	"posti riservati a donne vittime di tratta":                            "NOT_ELIGIBLE",
	"livello di italiano insufficiente per il corso":                       "NOT_ELIGIBLE",
	"il corso richiede la licenza media":                                   "NOT_ELIGIBLE",
	"manca la dichiarazione di immediata disponibilità (DID)":              "NOT_ELIGIBLE",
	"profilo non compatibile con le posizioni aperte":                      "NOT_ELIGIBLE",
	"la scheda non riporta indicatori di sfruttamento lavorativo":          "NOT_ELIGIBLE",
	"la situazione non presenta i caratteri dell'emergenza":                "NOT_ELIGIBLE",
	"documentazione incompleta: manca il permesso di soggiorno":            "NOT_ELIGIBLE",
	"fuori dal territorio di competenza del servizio":                      "OUTSIDE_AREA",
	"la persona è già in carico al sistema antitratta di un'altra regione": "OUTSIDE_AREA",
}

// RefusalCode is the coded reason of a refusal reason of the synthetic history.
func RefusalCode(note string) string {
	if c, ok := refusalCodes[note]; ok {
		return c
	}
	return "OTHER"
}

// importFigures adds the activity records, the zones' context and the projects' targets.
func (n Network) importFigures(node func(label, key string, props map[string]any), link func(lt store.LinkType, from, to string, props map[string]any)) {
	for _, a := range n.Activities {
		node("Activity", a.Key, map[string]any{"serviceId": ID("Service", a.Service), "zoneId": ID("Zone", a.Zone), "kind": a.Kind,
			"from": optDate(a.From), "to": optDate(a.To), "count": a.Count, "exploitation": opt(a.Exploitation), "recordedBy": "seed"})
		link(store.LinkServiceActivity, a.Service, a.Key, nil)
		link(store.LinkActivityZone, a.Key, a.Zone, nil)
	}
	for i, v := range n.Context {
		key := fmt.Sprintf("%s/%d/%s", v.Zone, v.Year, v.Indicator)
		node("ZoneContext", key, map[string]any{"zoneId": ID("Zone", v.Zone), "year": v.Year, "indicator": v.Indicator, "position": contextPosition(v.Indicator, i),
			"value": v.Value, "source": v.Source, "note": opt(v.Note), "enteredBy": "seed"})
		link(store.LinkZoneContext, v.Zone, key, nil)
	}
	for _, t := range n.Targets {
		node("ProjectTarget", t.Key, map[string]any{"projectId": ID("Partnership", t.Project), "zoneId": ID("Zone", t.Zone), "description": t.Description,
			"measure": t.Measure, "count": t.Count, "from": optDate(t.From), "to": optDate(t.To)})
		link(store.LinkProjectTarget, t.Project, t.Key, nil)
		link(store.LinkTargetZone, t.Key, t.Zone, nil)
	}
}

// contextIndicators are the context indicators in the schema's order.
var contextIndicators = []string{"FOREIGN_RESIDENTS", "FOREIGN_RESIDENTS_SHARE", "UNEMPLOYMENT_RATE", "FOREIGN_UNEMPLOYMENT_RATE",
	"UNEMPLOYMENT_RATE_COMPARED", "SOCIAL_RECORDS_OPEN", "SOCIAL_RECORDS_OPEN_FOREIGNERS"}

func contextPosition(indicator string, fallback int) int {
	for i, c := range contextIndicators {
		if c == indicator {
			return i
		}
	}
	return len(contextIndicators) + fallback
}

// withFigures adds the source documents' figures to the network.
func withFigures(n Network) Network {
	n.Activities = append(n.Activities, contrattoActivity...)
	for _, v := range teamsContext {
		v.Year, v.Source = teamsYear, teamsSource
		if v.Note == "" {
			v.Note = teamsNote
		} else {
			v.Note += "; " + teamsNote
		}
		n.Context = append(n.Context, v)
	}
	n.Targets = append(n.Targets, teamsTargets...)
	n.ReportedCases = helplineCases()
	return n
}
