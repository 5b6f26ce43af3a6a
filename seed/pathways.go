package seed

import (
	"slices"

	"snodo/relay"
	"snodo/store"
)

// The keys of the three pathway models of the source documents.
const (
	ModelCOMMIT = "commit"
	ModelInLav  = "inlav"
	ModelSIL    = "sil"
)

// pathwayModels are the pathway models of the source documents, with their stages in order:
// the COMMIT model of the Tuscan anti-exploitation networks (000), the package of the InLav
// single access point (001) and the eight steps of the SIL of Sesto San Giovanni (002), which
// lasts at most two years. Monitoring runs across COMMIT's phases, so it is no stage of its own.
var pathwayModels = []PathwayModel{
	{
		Key:  ModelCOMMIT,
		Name: "COMMIT – Modello di rete territoriale contro lo sfruttamento lavorativo",
		Description: "Modello del progetto COMMIT (Regione Toscana, FAMI 2014-2020): emersione e prevenzione, presa in carico " +
			"(primo assessment della segreteria tecnica regionale, risposte in emergenza, piano personalizzato I e II con il " +
			"gruppo di coordinamento zonale e il case manager) e inclusione; il monitoraggio accompagna tutte le fasi.",
		Stages: []Stage{
			{Code: "1", Name: "Emersione e prevenzione"},
			{Code: "2a", Name: "Presa in carico – primo assessment della segreteria tecnica"},
			{Code: "2b", Name: "Presa in carico – risposte in emergenza"},
			{Code: "2c", Name: "Presa in carico – piano personalizzato I"},
			{Code: "2d", Name: "Presa in carico – piano personalizzato II", AllowedBack: []string{"2c"}},
			{Code: "3", Name: "Inclusione"},
		},
	},
	{
		Key:  ModelInLav,
		Name: "InLav – Pacchetto servizi del Punto Unico di Accesso",
		Description: "Modello organizzativo del PUA InLav Lombardia: contatto e identificazione, presa in carico con il piano " +
			"individuale di intervento (PIP), protezione, interventi sociali, formativi e di inserimento lavorativo, housing " +
			"e mobilità, monitoraggio dell'attività.",
		Stages: []Stage{
			{Code: "F2.1", Name: "Contatto e identificazione"},
			{Code: "F2.2", Name: "Presa in carico e accompagnamento"},
			{Code: "F2.3", Name: "Protezione"},
			{Code: "F2.4", Name: "Interventi sociali"},
			{Code: "F2.5", Name: "Interventi formativi e di inserimento lavorativo"},
			{Code: "F2.6", Name: "Housing e mobilità"},
			{Code: "F3", Name: "Monitoraggio"},
		},
	},
	{
		Key:  ModelSIL,
		Name: "SIL – Servizio di Inserimento Lavorativo",
		Description: "Processo del Servizio di Inserimento Lavorativo (linee guida del 4 maggio 2007) gestito dal gruppo di " +
			"coprogettazione di cooperative e assistenti sociali; la durata massima del percorso è di due anni.",
		MaxDurationDays: 730,
		Stages: []Stage{
			{Code: "report", Name: "Segnalazione dal segretariato sociale"},
			{Code: "first-evaluation", Name: "Prima valutazione della richiesta"},
			{Code: "social-worker", Name: "Colloquio con l'assistente sociale"},
			{Code: "person-interview", Name: "Colloquio con la persona"},
			{Code: "decision", Name: "Decisione"},
			{Code: "acceptance", Name: "Accettazione della proposta di inserimento"},
			{Code: "development", Name: "Sviluppo dell'intervento"},
			{Code: "final-evaluation", Name: "Valutazione finale"},
		},
	},
}

// PathwayModels returns the three pathway models of the demo network, for generated networks
// that follow the same models.
func PathwayModels() []PathwayModel { return slices.Clone(pathwayModels) }

func actor(key string) End   { return End{Kind: EndActor, Key: key} }
func service(key string) End { return End{Kind: EndService, Key: key} }

// The instruments of the routes.
const (
	profiling   = "scheda di prima profilazione"
	emergency   = "attivazione della risposta in emergenza"
	art18       = "proposta di programma di protezione ex art. 18"
	zoneGroup   = "attivazione del gruppo di coordinamento zonale e nomina del case manager"
	seusCall    = "segnalazione al pronto intervento sociale"
	sharedPlan  = "piano personalizzato condiviso"
	servicePact = "patto di servizio condiviso"
	silReport   = "scheda di segnalazione al SIL"
	silSheet    = "scheda personale e griglia di colloquio"
	silProject  = "progetto di inserimento"
	contact     = "scheda di contatto"
	pip         = "piano individuale di intervento (PIP)"
)

// routes are the designed referral paths of the demo network. COMMIT's: the actors of emergence
// (reception centres, the union's street outreach, mobile units, the social desks) send the
// first-profiling form to the regional technical secretariat; the secretariat activates the
// emergency response (SATIS, SEUS, art. 18) or the zone coordination group, whose lead names the
// case manager; the case manager shares the plan with the zone's services. The SIL's: the social
// workers report to the SIL, which sends the person to the cooperatives of its temporary
// association and the employers of its territorial pact. InLav's: the street unit hands its
// contacts to the PUA, which assigns the services of its package.
//
// Not every actor has its routes: the CAS of Cascina and of Massa Marittima send no form, and
// the Consorzio Terre has no route to the social emergency service, so the cases they manage
// show referrals off every designed route.
var routes = []Route{
	// COMMIT 1: emergence and prevention, to the regional technical secretariat.
	{Key: "commit-cas-grosseto-segreteria", From: actor("cas-grosseto"), To: actor("segreteria-tecnica"), Needs: []string{"protection"}, Model: ModelCOMMIT, Stage: "1", Instrument: profiling, Partnership: "commit"},
	{Key: "commit-sai-follonica-segreteria", From: actor("sai-follonica"), To: actor("segreteria-tecnica"), Needs: []string{"protection"}, Model: ModelCOMMIT, Stage: "1", Instrument: profiling, Partnership: "commit"},
	{Key: "commit-sai-pisa-segreteria", From: actor("sai-pisa"), To: actor("segreteria-tecnica"), Needs: []string{"protection"}, Model: ModelCOMMIT, Stage: "1", Instrument: profiling, Partnership: "commit"},
	{Key: "commit-cas-livorno-segreteria", From: actor("cas-livorno"), To: actor("segreteria-tecnica"), Needs: []string{"protection"}, Model: ModelCOMMIT, Stage: "1", Instrument: profiling, Partnership: "commit"},
	{Key: "commit-flai-segreteria", From: service("flai-toscana-sindacato-strada"), To: actor("segreteria-tecnica"), Needs: []string{"protection", "information.rights"}, Model: ModelCOMMIT, Stage: "1", Instrument: profiling, Partnership: "commit"},
	{Key: "commit-mare-aperto-segreteria", From: service("coop-mare-aperto-unita-mobile"), To: actor("segreteria-tecnica"), Needs: []string{"protection"}, Model: ModelCOMMIT, Stage: "1", Instrument: profiling, Partnership: "satis-rete"},
	{Key: "commit-il-faro-segreteria", From: service("coop-il-faro-unita-strada"), To: actor("segreteria-tecnica"), Needs: []string{"protection"}, Model: ModelCOMMIT, Stage: "1", Instrument: profiling, Partnership: "satis-rete"},
	{Key: "commit-sds-pisana-segreteria", From: service("sds-pisana-segretariato"), To: actor("segreteria-tecnica"), Needs: []string{"protection"}, Model: ModelCOMMIT, Stage: "1", Instrument: profiling, Partnership: "commit-gcz-pisana"},
	{Key: "commit-coeso-segreteria", From: service("coeso-pua"), To: actor("segreteria-tecnica"), Needs: []string{"protection"}, Model: ModelCOMMIT, Stage: "1", Instrument: profiling, Partnership: "commit-gcz-coeso"},
	{Key: "commit-terre-segreteria", From: actor("consorzio-terre"), To: actor("segreteria-tecnica"), Needs: []string{"protection"}, Model: ModelCOMMIT, Stage: "1", Instrument: profiling, Partnership: "commit-gcz-livornese"},

	// COMMIT 2b: the secretariat activates the emergency response; the social-health consortia
	// call the social emergency service themselves.
	{Key: "commit-segreteria-satis-accoglienza", From: actor("segreteria-tecnica"), To: service("satis-pronta-accoglienza"), Needs: []string{"protection.emergency", "housing.emergency_shelter"}, Model: ModelCOMMIT, Stage: "2b", Instrument: emergency, Partnership: "satis-rete"},
	{Key: "commit-segreteria-seus", From: actor("segreteria-tecnica"), To: service("seus-pronto-intervento"), Needs: []string{"protection.emergency"}, Model: ModelCOMMIT, Stage: "2b", Instrument: emergency, Partnership: "satis-rete"},
	{Key: "commit-segreteria-art18", From: actor("segreteria-tecnica"), To: service("satis-programma-art18"), Needs: []string{"protection.art18"}, Model: ModelCOMMIT, Stage: "2b", Instrument: art18, Partnership: "satis-rete"},
	{Key: "commit-sds-pisana-seus", From: actor("sds-pisana"), To: service("seus-pronto-intervento"), Needs: []string{"protection.emergency"}, Model: ModelCOMMIT, Stage: "2b", Instrument: seusCall, Partnership: "satis-rete"},
	{Key: "commit-coeso-seus", From: actor("coeso"), To: service("seus-pronto-intervento"), Needs: []string{"protection.emergency"}, Model: ModelCOMMIT, Stage: "2b", Instrument: seusCall, Partnership: "satis-rete"},

	// COMMIT 2c: the secretariat activates the zone coordination group, whose lead names the case manager.
	{Key: "commit-segreteria-sds-pisana", From: actor("segreteria-tecnica"), To: actor("sds-pisana"), Model: ModelCOMMIT, Stage: "2c", Instrument: zoneGroup, Partnership: "commit-gcz-pisana"},
	{Key: "commit-segreteria-terre", From: actor("segreteria-tecnica"), To: actor("consorzio-terre"), Model: ModelCOMMIT, Stage: "2c", Instrument: zoneGroup, Partnership: "commit-gcz-livornese"},
	{Key: "commit-segreteria-coeso", From: actor("segreteria-tecnica"), To: actor("coeso"), Model: ModelCOMMIT, Stage: "2c", Instrument: zoneGroup, Partnership: "commit-gcz-coeso"},

	// COMMIT 2d and 3: the case manager shares the plan with the zone's services.
	{Key: "commit-sds-pisana-cpi", From: actor("sds-pisana"), To: service("cpi-pisa-accoglienza"), Needs: []string{"work"}, Model: ModelCOMMIT, Stage: "3", Instrument: servicePact, Partnership: "protocollo-cpi-sds-pisana"},
	{Key: "commit-sds-pisana-cpia", From: actor("sds-pisana"), To: service("cpia-pisa-italiano"), Needs: []string{"training.language"}, Model: ModelCOMMIT, Stage: "3", Instrument: sharedPlan, Partnership: "commit-gcz-pisana"},
	{Key: "commit-sds-pisana-casa", From: actor("sds-pisana"), To: service("asc-pisa-ricerca-casa"), Needs: []string{"housing"}, Model: ModelCOMMIT, Stage: "3", Instrument: sharedPlan, Partnership: "commit-gcz-pisana"},
	{Key: "commit-terre-cpi", From: actor("consorzio-terre"), To: service("cpi-livorno-accoglienza"), Needs: []string{"work"}, Model: ModelCOMMIT, Stage: "3", Instrument: sharedPlan, Partnership: "commit-gcz-livornese"},
	{Key: "commit-terre-abitare", From: actor("consorzio-terre"), To: service("coop-il-faro-abitare"), Needs: []string{"housing"}, Model: ModelCOMMIT, Stage: "3", Instrument: sharedPlan, Partnership: "commit-gcz-livornese"},
	{Key: "commit-coeso-cpi-grosseto", From: actor("coeso"), To: service("cpi-grosseto-accoglienza"), Needs: []string{"work"}, Model: ModelCOMMIT, Stage: "3", Instrument: servicePact, Partnership: "protocollo-cpi-coeso"},
	{Key: "commit-coeso-cpi-follonica", From: actor("coeso"), To: service("cpi-follonica-accoglienza"), Needs: []string{"work"}, Model: ModelCOMMIT, Stage: "3", Instrument: servicePact, Partnership: "protocollo-cpi-coeso"},
	{Key: "commit-coeso-orizzonte", From: actor("coeso"), To: service("coop-orizzonte-accompagnamento"), Needs: []string{"work", "training.internship"}, Model: ModelCOMMIT, Stage: "3", Instrument: sharedPlan, Partnership: "commit-gcz-coeso"},
	{Key: "commit-coeso-diritti-campo", From: actor("coeso"), To: service("ass-diritti-campo-legale"), Needs: []string{"legal"}, Model: ModelCOMMIT, Stage: "2d", Instrument: sharedPlan, Partnership: "commit-gcz-coeso"},
	{Key: "commit-mare-aperto-orizzonte", From: service("coop-mare-aperto-case-management"), To: service("coop-orizzonte-bilancio"), Needs: []string{"work.skills_certification", "work.orientation"}, Model: ModelCOMMIT, Stage: "3", Instrument: sharedPlan, Partnership: "commit-gcz-coeso"},

	// SIL: the social workers' report, the evaluation of skills, the development of the placement.
	{Key: "sil-segnalazione", From: service("as-gruppo-sesto-segretariato"), To: service("consorzio-san-donato-sil"), Needs: []string{"work"}, Model: ModelSIL, Stage: "report", Instrument: silReport, Partnership: "sil-convenzione"},
	{Key: "sil-bilancio", From: service("consorzio-san-donato-sil"), To: service("arti-e-mestieri-bilancio"), Needs: []string{"work.skills_certification", "work.orientation"}, Model: ModelSIL, Stage: "person-interview", Instrument: silSheet, Partnership: "sil-ati"},
	{Key: "sil-accompagnamento", From: service("consorzio-san-donato-sil"), To: service("coop-lotta-accompagnamento"), Needs: []string{"work.placement", "training.internship"}, Model: ModelSIL, Stage: "development", Instrument: silProject, Partnership: "sil-ati"},
	{Key: "sil-ricerca-lavoro", From: service("consorzio-san-donato-sil"), To: service("coop-alboran-ricerca-lavoro"), Needs: []string{"work.job_search"}, Model: ModelSIL, Stage: "development", Instrument: silProject, Partnership: "sil-ati"},
	{Key: "sil-sostegno", From: service("consorzio-san-donato-sil"), To: service("ass-psiche-sostegno"), Needs: []string{"health.psychological"}, Model: ModelSIL, Stage: "development", Instrument: silProject, Partnership: "sil-ati"},
	{Key: "sil-apprendistato", From: service("consorzio-san-donato-sil"), To: service("emp-edilnord-apprendistato"), Needs: []string{"work.placement"}, Model: ModelSIL, Stage: "development", Instrument: silProject, Partnership: "sil-patto-territoriale"},

	// InLav: contact by the street unit, then the PUA assigns the services of its package.
	{Key: "inlav-contatto", From: service("ass-strade-sicure-unita-strada"), To: service("pua-sesto-sportello"), Needs: []string{"protection", "information"}, Model: ModelInLav, Stage: "F2.1", Instrument: contact, Partnership: "inlav"},
	{Key: "inlav-protezione", From: actor("pua-sesto"), To: service("pua-sesto-protezione"), Needs: []string{"protection", "legal"}, Model: ModelInLav, Stage: "F2.3", Instrument: pip, Partnership: "inlav-scc-sesto"},
	{Key: "inlav-salute", From: actor("pua-sesto"), To: service("asst-nord-milano-ssr"), Needs: []string{"health"}, Model: ModelInLav, Stage: "F2.4", Instrument: pip, Partnership: "inlav-scc-sesto"},
	{Key: "inlav-cpi", From: actor("pua-sesto"), To: service("cpi-sesto-accoglienza"), Needs: []string{"work"}, Model: ModelInLav, Stage: "F2.5", Instrument: pip, Partnership: "inlav-scc-sesto"},
	{Key: "inlav-sil", From: actor("pua-sesto"), To: service("consorzio-san-donato-sil"), Needs: []string{"work.placement"}, Model: ModelInLav, Stage: "F2.5", Instrument: pip, Partnership: "inlav-scc-sesto"},
	{Key: "inlav-casa", From: actor("pua-sesto"), To: service("coop-abitare-ricerca-casa"), Needs: []string{"housing"}, Model: ModelInLav, Stage: "F2.6", Instrument: pip, Partnership: "inlav"},
}

// StageKey is the key of a model's stage, for ID("Stage", ...).
func StageKey(model, code string) string { return model + "/" + code }

// globalID is the API's ID of the record of the kind with the key.
func globalID(kind, key string) string { return relay.GlobalID(kind, ID(kind, key)) }

// importPathways adds the models with their stages and the routes, as the store's
// CreatePathwayModel and CreateRoute write them: a route keeps the global IDs of its ends,
// stage and partnership, and the keys of its needs.
func (n Network) importPathways(node func(label, key string, props map[string]any), link func(lt store.LinkType, from, to string, props map[string]any)) {
	for _, m := range n.PathwayModels {
		node("PathwayModel", m.Key, map[string]any{"name": m.Name, "description": opt(m.Description), "maxDurationDays": optInt(m.MaxDurationDays)})
		for i, st := range m.Stages {
			k := StageKey(m.Key, st.Code)
			node("Stage", k, map[string]any{"modelId": ID("PathwayModel", m.Key), "code": st.Code, "name": st.Name,
				"position": i + 1, "allowedBack": list(st.AllowedBack)})
			link(store.LinkModelStage, m.Key, k, nil)
		}
	}
	for _, r := range n.Routes {
		needs := make([]string, len(r.Needs))
		for i, x := range r.Needs {
			needs[i] = ID("Need", x)
			link(store.LinkRouteNeed, r.Key, x, nil)
		}
		props := map[string]any{"fromId": globalID(r.From.Kind, r.From.Key), "toId": globalID(r.To.Kind, r.To.Key), "needIds": needs,
			"stageId": nil, "instrument": opt(r.Instrument), "partnershipId": nil}
		if r.Stage != "" {
			props["stageId"] = globalID("Stage", StageKey(r.Model, r.Stage))
			link(store.LinkRouteStage, r.Key, StageKey(r.Model, r.Stage), nil)
		}
		if r.Partnership != "" {
			props["partnershipId"] = globalID("Partnership", r.Partnership)
			link(store.LinkRoutePartnership, r.Key, r.Partnership, nil)
		}
		node("Route", r.Key, props)
		if r.From.Kind == EndService {
			link(store.LinkRouteFromService, r.Key, r.From.Key, nil)
		} else {
			link(store.LinkRouteFromActor, r.Key, r.From.Key, nil)
		}
		if r.To.Kind == EndService {
			link(store.LinkRouteToService, r.Key, r.To.Key, nil)
		} else {
			link(store.LinkRouteToActor, r.Key, r.To.Key, nil)
		}
	}
}
