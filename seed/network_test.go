package seed

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"snodo/store"
)

// The value sets of the schema's enums, copied from schema/*.graphqls.
var (
	zoneKinds  = set("REGION", "PROVINCE", "HEALTH_AGENCY_AREA", "SOCIAL_DISTRICT", "MUNICIPALITY", "CUSTOM")
	actorKinds = set("REGIONAL_AUTHORITY", "MUNICIPALITY", "SOCIAL_HEALTH_CONSORTIUM", "JOB_CENTRE",
		"REGIONAL_LABOUR_AGENCY", "HEALTH_AUTHORITY", "WORK_INSURANCE_INSTITUTE", "LABOUR_INSPECTORATE",
		"POLICE_HEADQUARTERS", "PREFECTURE", "TERRITORIAL_COMMISSION", "COURT", "RECEPTION_CENTRE",
		"COOPERATIVE", "ASSOCIATION", "CONSORTIUM", "TRADE_UNION", "EMPLOYER", "BANK_OR_CHAMBER",
		"ADULT_SCHOOL", "HELPLINE", "ANTI_TRAFFICKING_SYSTEM", "EMERGENCY_SYSTEM", "GOVERNANCE_BODY", "OTHER")
	serviceChannels = set("DESK", "DROP_IN", "MOBILE_UNIT", "HELPLINE", "OUTREACH", "SHELTER", "COURSE", "PLACEMENT", "ONLINE")
	serviceStatuses = set("ACTIVE", "SUSPENDED", "ARCHIVED")
	legalStatuses   = set("ITALIAN_CITIZEN", "EU_CITIZEN", "RESIDENCE_PERMIT", "ASYLUM_SEEKER",
		"INTERNATIONAL_PROTECTION", "SPECIAL_PROTECTION", "UNDOCUMENTED")
	weekdays            = set("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
	partnershipKinds    = set("OPERATIONAL_PROTOCOL", "PROGRAMME_AGREEMENT", "TEMPORARY_ASSOCIATION", "LETTER_OF_ADHESION", "CONVENTION", "ETS_CONTRACT", "COORDINATION_GROUP", "FUNDED_PROJECT")
	partnershipStatuses = set("DRAFT", "ACTIVE", "ENDED")
	memberRoles         = set("LEAD", "PARTNER", "ADHERENT", "FUNDER", "OBSERVER")
)

func set(values ...string) map[string]bool {
	m := map[string]bool{}
	for _, v := range values {
		m[v] = true
	}
	return m
}

// keys indexes the keys of one kind and reports the duplicates.
func keys[T any](t *testing.T, kind string, items []T, key func(T) string) map[string]T {
	t.Helper()
	m := map[string]T{}
	for _, it := range items {
		k := key(it)
		if k == "" {
			t.Errorf("%s with an empty key", kind)
		}
		if _, dup := m[k]; dup {
			t.Errorf("%s %q twice", kind, k)
		}
		m[k] = it
	}
	return m
}

// acyclic reports a cycle in the graph given by each node's outgoing edges.
func acyclic(t *testing.T, kind string, edges map[string][]string) {
	t.Helper()
	const (
		unseen = iota
		open
		done
	)
	state := map[string]int{}
	var visit func(string, []string)
	visit = func(n string, path []string) {
		switch state[n] {
		case open:
			t.Errorf("%s cycle: %s -> %s", kind, strings.Join(path, " -> "), n)
			return
		case done:
			return
		}
		state[n] = open
		for _, m := range edges[n] {
			visit(m, append(path, n))
		}
		state[n] = done
	}
	for n := range edges {
		visit(n, nil)
	}
}

func date(t *testing.T, what, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Errorf("%s: bad date %q", what, s)
	}
	return d
}

func TestDemoSizes(t *testing.T) {
	n := Demo()
	t.Logf("zones %d, needs %d, categories %d, actors %d, services %d, partnerships %d",
		len(n.Zones), len(n.Needs), len(n.Categories), len(n.Actors), len(n.Services), len(n.Partnerships))
	if len(n.Services) < 100 || len(n.Services) > 150 {
		t.Errorf("%d services, want 100 to 150", len(n.Services))
	}
	if len(n.Partnerships) < 12 || len(n.Partnerships) > 20 {
		t.Errorf("%d partnerships, want 12 to 20", len(n.Partnerships))
	}
	status := map[string]int{}
	for _, s := range n.Services {
		status[s.Status]++
	}
	if status["SUSPENDED"] != 2 || status["ARCHIVED"] != 1 {
		t.Errorf("service statuses %v, want 2 suspended and 1 archived", status)
	}
}

func TestDemoZones(t *testing.T) {
	n := Demo()
	zs := keys(t, "zone", n.Zones, func(z Zone) string { return z.Key })
	istat := map[string]*regexp.Regexp{
		"REGION":       regexp.MustCompile(`^\d{2}$`),
		"PROVINCE":     regexp.MustCompile(`^\d{3}$`),
		"MUNICIPALITY": regexp.MustCompile(`^(\d{6})?$`),
	}
	codes := map[string]string{}
	edges := map[string][]string{}
	for _, z := range n.Zones {
		if z.Name == "" {
			t.Errorf("zone %s has no name", z.Key)
		}
		if !zoneKinds[z.Kind] {
			t.Errorf("zone %s: kind %q", z.Key, z.Kind)
		}
		if re, ok := istat[z.Kind]; ok {
			if !re.MatchString(z.IstatCode) {
				t.Errorf("zone %s (%s): ISTAT code %q", z.Key, z.Kind, z.IstatCode)
			}
		} else if z.IstatCode != "" {
			t.Errorf("zone %s (%s) has ISTAT code %q", z.Key, z.Kind, z.IstatCode)
		}
		if z.IstatCode != "" {
			if other, dup := codes[z.IstatCode]; dup {
				t.Errorf("zones %s and %s share ISTAT code %s", other, z.Key, z.IstatCode)
			}
			codes[z.IstatCode] = z.Key
		}
		// A municipality's code starts with its province's.
		for _, p := range z.Parents {
			parent, ok := zs[p]
			if !ok {
				t.Errorf("zone %s: parent %q not found", z.Key, p)
				continue
			}
			if z.Kind == "MUNICIPALITY" && parent.Kind == "PROVINCE" && z.IstatCode != "" && !strings.HasPrefix(z.IstatCode, parent.IstatCode) {
				t.Errorf("zone %s: code %s outside province %s", z.Key, z.IstatCode, parent.IstatCode)
			}
		}
		if seen := set(z.Parents...); len(seen) != len(z.Parents) {
			t.Errorf("zone %s: a parent twice", z.Key)
		}
		edges[z.Key] = z.Parents
	}
	acyclic(t, "zone", edges)
}

func TestDemoTaxonomies(t *testing.T) {
	n := Demo()
	ns := keys(t, "need", n.Needs, func(x Need) string { return x.Code })
	cs := keys(t, "category", n.Categories, func(c Category) string { return c.Code })
	check := func(kind, code, it, en, broader string, known func(string) bool) {
		if it == "" || en == "" {
			t.Errorf("%s %s lacks a label", kind, code)
		}
		want := ""
		if i := strings.LastIndex(code, "."); i >= 0 {
			want = code[:i]
		}
		if broader != want {
			t.Errorf("%s %s: broader %q, want %q", kind, code, broader, want)
		}
		if broader != "" && !known(broader) {
			t.Errorf("%s %s: broader %q not found", kind, code, broader)
		}
	}
	for _, x := range n.Needs {
		check("need", x.Code, x.LabelIt, x.LabelEn, x.Broader, func(k string) bool { _, ok := ns[k]; return ok })
	}
	for _, c := range n.Categories {
		check("category", c.Code, c.LabelIt, c.LabelEn, c.Broader, func(k string) bool { _, ok := cs[k]; return ok })
	}
}

func TestDemoActors(t *testing.T) {
	n := Demo()
	zs := keys(t, "zone", n.Zones, func(z Zone) string { return z.Key })
	as := keys(t, "actor", n.Actors, func(a Actor) string { return a.Key })
	edges := map[string][]string{}
	for _, a := range n.Actors {
		if a.Name == "" {
			t.Errorf("actor %s has no name", a.Key)
		}
		if !actorKinds[a.Kind] {
			t.Errorf("actor %s: kind %q", a.Key, a.Kind)
		}
		if len(a.Zones) == 0 {
			t.Errorf("actor %s operates in no zone", a.Key)
		}
		for _, z := range a.Zones {
			if _, ok := zs[z]; !ok {
				t.Errorf("actor %s: zone %q not found", a.Key, z)
			}
		}
		if a.Parent != "" {
			if _, ok := as[a.Parent]; !ok {
				t.Errorf("actor %s: parent %q not found", a.Key, a.Parent)
			}
			edges[a.Key] = []string{a.Parent}
		}
		if a.Website != "" && !strings.HasPrefix(a.Website, "https://") && !strings.HasPrefix(a.Website, "http://") {
			t.Errorf("actor %s: website %q", a.Key, a.Website)
		}
	}
	acyclic(t, "actor", edges)
}

var (
	slotRE = regexp.MustCompile(`^([A-Z]{3}) (\d{2}:\d{2})-(\d{2}:\d{2})$`)
	langRE = regexp.MustCompile(`^[a-z]{2}$`)
)

func TestDemoServices(t *testing.T) {
	n := Demo()
	zs := keys(t, "zone", n.Zones, func(z Zone) string { return z.Key })
	ns := keys(t, "need", n.Needs, func(x Need) string { return x.Code })
	cs := keys(t, "category", n.Categories, func(c Category) string { return c.Code })
	as := keys(t, "actor", n.Actors, func(a Actor) string { return a.Key })
	keys(t, "service", n.Services, func(s Service) string { return s.Key })
	stale := 0
	met := map[string]bool{}
	for _, s := range n.Services {
		if s.Name == "" || s.Description == "" {
			t.Errorf("service %s lacks a name or description", s.Key)
		}
		if _, ok := as[s.Provider]; !ok {
			t.Errorf("service %s: provider %q not found", s.Key, s.Provider)
		}
		if _, ok := cs[s.Category]; !ok {
			t.Errorf("service %s: category %q not found", s.Key, s.Category)
		}
		if !serviceChannels[s.Channel] {
			t.Errorf("service %s: channel %q", s.Key, s.Channel)
		}
		if s.Status != "" && !serviceStatuses[s.Status] {
			t.Errorf("service %s: status %q", s.Key, s.Status)
		}
		if len(s.Needs) == 0 || len(s.Zones) == 0 {
			t.Errorf("service %s meets no need or covers no zone", s.Key)
		}
		for _, x := range s.Needs {
			if _, ok := ns[x]; !ok {
				t.Errorf("service %s: need %q not found", s.Key, x)
			}
			met[x] = true
		}
		for _, z := range s.Zones {
			if _, ok := zs[z]; !ok {
				t.Errorf("service %s: zone %q not found", s.Key, z)
			}
		}
		for _, l := range s.Languages {
			if !langRE.MatchString(l) {
				t.Errorf("service %s: language %q is not an ISO 639-1 code", s.Key, l)
			}
		}
		for _, l := range s.LegalStatuses {
			if !legalStatuses[l] {
				t.Errorf("service %s: legal status %q", s.Key, l)
			}
		}
		if s.MinAge < 0 || s.MaxAge < 0 || (s.MaxAge > 0 && s.MinAge > s.MaxAge) {
			t.Errorf("service %s: ages %d-%d", s.Key, s.MinAge, s.MaxAge)
		}
		if s.Capacity < 0 || s.FreePlaces < 0 || s.FreePlaces > s.Capacity {
			t.Errorf("service %s: %d free places of %d", s.Key, s.FreePlaces, s.Capacity)
		}
		if s.Channel == "SHELTER" && s.Capacity == 0 {
			t.Errorf("service %s is a shelter without places", s.Key)
		}
		for _, h := range s.OpeningHours {
			m := slotRE.FindStringSubmatch(h)
			if m == nil || !weekdays[m[1]] {
				t.Errorf("service %s: opening hours %q", s.Key, h)
				continue
			}
			opens, err1 := time.Parse("15:04", m[2])
			closes, err2 := time.Parse("15:04", m[3])
			if err1 != nil || err2 != nil || !opens.Before(closes) {
				t.Errorf("service %s: opening hours %q", s.Key, h)
			}
		}
		v := date(t, "service "+s.Key+" last verified", s.LastVerified)
		if v.Year() < 2025 || v.Year() > 2026 {
			t.Errorf("service %s: verified %s, want 2025 or 2026", s.Key, s.LastVerified)
		}
		if v.Before(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)) {
			stale++
		}
	}
	if stale == 0 || stale > len(n.Services)/5 {
		t.Errorf("%d services verified before 2025-06, want a few", stale)
	}
	// Every need area is met somewhere, down to its narrower needs.
	for _, x := range n.Needs {
		if x.Broader != "" && !met[x.Code] {
			t.Errorf("no service meets %s", x.Code)
		}
	}
}

// The gaps the services' comment promises are there: no service for mobility in the Zona Pisana.
func TestDemoGaps(t *testing.T) {
	n := Demo()
	parents := map[string][]string{}
	for _, z := range n.Zones {
		parents[z.Key] = z.Parents
	}
	// within reports whether zone a is b or lies inside it.
	var within func(a, b string) bool
	within = func(a, b string) bool {
		if a == b {
			return true
		}
		for _, p := range parents[a] {
			if within(p, b) {
				return true
			}
		}
		return false
	}
	covered := func(zone, area string) bool {
		for _, s := range n.Services {
			for _, x := range s.Needs {
				if x != area && !strings.HasPrefix(x, area+".") {
					continue
				}
				for _, z := range s.Zones {
					if within(zone, z) || within(z, zone) {
						return true
					}
				}
			}
		}
		return false
	}
	for _, gap := range [][2]string{{"com-pisa", "mobility"}, {"com-livorno", "mobility"}, {"com-arcidosso", "balance"}} {
		if covered(gap[0], gap[1]) {
			t.Errorf("%s in %s should be a gap of the demo network", gap[1], gap[0])
		}
	}
	if !covered("com-follonica", "mobility") || !covered("com-sesto-san-giovanni", "mobility") {
		t.Error("mobility should be covered in Follonica and Sesto San Giovanni")
	}
}

func TestDemoPartnerships(t *testing.T) {
	n := Demo()
	zs := keys(t, "zone", n.Zones, func(z Zone) string { return z.Key })
	as := keys(t, "actor", n.Actors, func(a Actor) string { return a.Key })
	ps := keys(t, "partnership", n.Partnerships, func(p Partnership) string { return p.Key })
	edges := map[string][]string{}
	for _, p := range n.Partnerships {
		if p.Title == "" {
			t.Errorf("partnership %s has no title", p.Key)
		}
		if !partnershipKinds[p.Kind] {
			t.Errorf("partnership %s: kind %q", p.Key, p.Kind)
		}
		if p.Status != "" && !partnershipStatuses[p.Status] {
			t.Errorf("partnership %s: status %q", p.Key, p.Status)
		}
		for _, z := range p.Zones {
			if _, ok := zs[z]; !ok {
				t.Errorf("partnership %s: zone %q not found", p.Key, z)
			}
		}
		if p.Parent != "" {
			if _, ok := ps[p.Parent]; !ok {
				t.Errorf("partnership %s: parent %q not found", p.Key, p.Parent)
			}
			edges[p.Key] = []string{p.Parent}
		}
		var start, end time.Time
		if p.StartDate != "" {
			start = date(t, "partnership "+p.Key+" start", p.StartDate)
		}
		if p.EndDate != "" {
			end = date(t, "partnership "+p.Key+" end", p.EndDate)
		}
		if p.StartDate != "" && p.EndDate != "" && end.Before(start) {
			t.Errorf("partnership %s ends %s before it starts %s", p.Key, p.EndDate, p.StartDate)
		}
		if p.Status == "ENDED" && p.EndDate == "" {
			t.Errorf("partnership %s ended without an end date", p.Key)
		}
		if len(p.Members) == 0 {
			t.Errorf("partnership %s has no members", p.Key)
		}
		leads := 0
		seen := map[string]bool{}
		for _, m := range p.Members {
			if _, ok := as[m.Actor]; !ok {
				t.Errorf("partnership %s: member %q not found", p.Key, m.Actor)
			}
			if seen[m.Actor] {
				t.Errorf("partnership %s: %s is a member twice", p.Key, m.Actor)
			}
			seen[m.Actor] = true
			if !memberRoles[m.Role] {
				t.Errorf("partnership %s: %s has role %q", p.Key, m.Actor, m.Role)
			}
			if m.Role == "LEAD" {
				leads++
			}
			if m.Since != "" {
				since := date(t, "membership of "+m.Actor+" in "+p.Key, m.Since)
				if p.EndDate != "" && since.After(end) {
					t.Errorf("partnership %s: %s joined %s, after the end", p.Key, m.Actor, m.Since)
				}
			}
		}
		if leads > 1 {
			t.Errorf("partnership %s has %d leads", p.Key, leads)
		}
	}
	acyclic(t, "partnership", edges)
}

// The bulk form links only nodes it holds, and holds every record once.
func TestDemoImportIsClosed(t *testing.T) {
	n := Demo()
	im := n.Import()
	ids := map[string]map[string]bool{}
	for label, nodes := range im.Nodes {
		ids[label] = map[string]bool{}
		for _, x := range nodes {
			if ids[label][x.ID] {
				t.Errorf("%s %s twice in the import", label, x.ID)
			}
			ids[label][x.ID] = true
		}
	}
	want := map[string]int{"Zone": len(n.Zones), "Need": len(n.Needs), "ServiceCategory": len(n.Categories),
		"Actor": len(n.Actors), "Service": len(n.Services), "Partnership": len(n.Partnerships)}
	for label, count := range want {
		if len(ids[label]) != count {
			t.Errorf("%d %s nodes in the import, want %d", len(ids[label]), label, count)
		}
	}
	for lt, links := range im.Links {
		for _, l := range links {
			if !ids[lt.From][l.From] || !ids[lt.To][l.To] {
				t.Errorf("%s link %s -> %s leaves the imported nodes", lt.Type, l.From, l.To)
			}
		}
	}
}

// The demo network's protected shelters are confidential, and the backfill that marks them in
// databases seeded before names exactly them.
func TestAntiTraffickingSheltersAreConfidential(t *testing.T) {
	var got []string
	for _, s := range Demo().Services {
		if s.Confidential {
			got = append(got, ID("Service", s.Key))
			if s.Channel != "SHELTER" {
				t.Errorf("%s is confidential but no shelter", s.Key)
			}
		}
	}
	if strings.Join(got, " ") != strings.Join(store.DemoConfidentialServices, " ") {
		t.Errorf("confidential demo services %v, the backfill marks %v", got, store.DemoConfidentialServices)
	}
}
