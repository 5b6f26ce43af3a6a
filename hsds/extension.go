package hsds

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"snodo/model"
	"snodo/store"
)

// Snodo's extension files: what HSDS cannot carry. Each is a JSON array of objects with a UUID
// id and a last_modified time, as the entity files; their fields are documented in docs/hsds.md.
const (
	// PartnershipsFile holds the partnerships: agreements and joint bodies, with their members'
	// roles, the zones they cover and the partnership they belong to.
	PartnershipsFile = "snodo_partnerships.json"
	// PathwayModelsFile holds the pathway models with their ordered stages.
	PathwayModelsFile = "snodo_pathway_models.json"
	// RoutesFile holds the designed referral routes.
	RoutesFile = "snodo_routes.json"
)

// Partnership is a partnership of Snodo's extension file.
type Partnership struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Kind        string   `json:"kind"`
	Status      string   `json:"status"`
	Description string   `json:"description,omitempty"`
	StartDate   string   `json:"start_date,omitempty"`
	EndDate     string   `json:"end_date,omitempty"`
	ZoneIDs     []string `json:"zone_ids"`
	ParentID    string   `json:"parent_id,omitempty"`
	Members     []Member `json:"members"`
	// LastModified is when the partnership last changed.
	LastModified string `json:"last_modified,omitempty"`
}

// Member is an organization's membership of a partnership: its role (lead, partner, adherent,
// funder, observer) and since when.
type Member struct {
	OrganizationID string `json:"organization_id"`
	Role           string `json:"role"`
	Since          string `json:"since,omitempty"`
}

// PathwayModel is a pathway model of Snodo's extension file, its stages in order.
type PathwayModel struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	Description     string  `json:"description,omitempty"`
	MaxDurationDays int     `json:"max_duration_days,omitempty"`
	Stages          []Stage `json:"stages"`
	LastModified    string  `json:"last_modified,omitempty"`
}

// Stage is a stage of a pathway model: its code within the model, and the codes of the earlier
// stages a case may go back to from it.
type Stage struct {
	ID          string   `json:"id"`
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	AllowedBack []string `json:"allowed_back,omitempty"`
}

// Route is a designed referral route of Snodo's extension file.
type Route struct {
	ID            string   `json:"id"`
	From          RouteEnd `json:"from"`
	To            RouteEnd `json:"to"`
	NeedIDs       []string `json:"need_ids,omitempty"`
	StageID       string   `json:"stage_id,omitempty"`
	Instrument    string   `json:"instrument,omitempty"`
	PartnershipID string   `json:"partnership_id,omitempty"`
	LastModified  string   `json:"last_modified,omitempty"`
}

// RouteEnd is an end of a route: an organization or a service, by HSDS entity and ID.
type RouteEnd struct {
	Entity string `json:"entity"`
	ID     string `json:"id"`
}

// endEntity names a route end's label as an HSDS entity, and back.
var (
	endEntity = map[string]string{"Actor": "organization", "Service": "service"}
	endLabel  = map[string]string{"organization": "Actor", "service": "Service"}
)

// networkFiles converts the network's partnerships, models and routes to the extension files'
// records.
func networkFiles(n store.NetworkRecords) ([]Partnership, []PathwayModel, []Route) {
	ps := make([]Partnership, 0, len(n.Partnerships))
	for _, p := range n.Partnerships {
		out := Partnership{ID: p.Partnership.ID, Title: p.Partnership.Title, Kind: string(p.Partnership.Kind), Status: string(p.Partnership.Status),
			Description: deref(p.Partnership.Description), StartDate: day(p.Partnership.StartDate), EndDate: day(p.Partnership.EndDate),
			ZoneIDs: orEmptyStrings(p.Zones), ParentID: p.Parent, Members: []Member{}, LastModified: stamp(p.Partnership.UpdatedAt)}
		for _, m := range p.Members {
			out.Members = append(out.Members, Member{OrganizationID: m.Actor, Role: string(m.Role), Since: day(m.Since)})
		}
		ps = append(ps, out)
	}
	ms := make([]PathwayModel, 0, len(n.Models))
	for _, m := range n.Models {
		out := PathwayModel{ID: m.Model.ID, Name: m.Model.Name, Description: deref(m.Model.Description), Stages: []Stage{},
			LastModified: stamp(m.Model.UpdatedAt)}
		if m.Model.MaxDurationDays != nil {
			out.MaxDurationDays = *m.Model.MaxDurationDays
		}
		for _, st := range m.Stages {
			out.Stages = append(out.Stages, Stage{ID: st.ID, Code: st.Code, Name: st.Name, AllowedBack: st.AllowedBack})
		}
		ms = append(ms, out)
	}
	rs := make([]Route, 0, len(n.Routes))
	for _, r := range n.Routes {
		needs := r.Route.NeedIDs // in the order the route keeps them
		if len(needs) == 0 {
			needs = r.Needs
		}
		rs = append(rs, Route{ID: r.Route.ID, From: RouteEnd{endEntity[r.FromLabel], r.From}, To: RouteEnd{endEntity[r.ToLabel], r.To},
			NeedIDs: needs, StageID: r.Stage, Instrument: deref(r.Route.Instrument), PartnershipID: r.Partnership,
			LastModified: stamp(r.Route.UpdatedAt)})
	}
	return ps, ms, rs
}

func day(d *model.Date) string {
	if d == nil {
		return ""
	}
	return d.Format(time.DateOnly)
}

// parseDay reads an extension file's date (YYYY-MM-DD), reporting a bad one at the field.
func (x *rec) parseDay(s, field string) *model.Date {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		x.problem(field, fmt.Sprintf("%s is not a date (YYYY-MM-DD)", model.Quote(s)))
		return nil
	}
	return &model.Date{Time: t}
}

// uuids checks that each of the IDs is a UUID, and gives them in lower case.
func (x *rec) uuids(ids []string, field string) []string {
	out := make([]string, 0, len(ids))
	for i, id := range ids {
		if !isUUID(id) {
			x.problem(fmt.Sprintf("%s/%d", field, i), fmt.Sprintf("%s is not a UUID", model.Quote(id)))
			continue
		}
		out = append(out, strings.ToLower(id))
	}
	return out
}

// optUUID is uuids for one ID that may be absent.
func (x *rec) optUUID(id, field string) []string {
	if id == "" {
		return nil
	}
	if !isUUID(id) {
		x.problem(field, fmt.Sprintf("%s is not a UUID", model.Quote(id)))
		return nil
	}
	return []string{strings.ToLower(id)}
}

// start reads an extension record and checks its id, or refuses it.
func (im *importer) start(r raw, id string, into any, what string) (*rec, bool) {
	x := &rec{im: im, file: r.file, id: id}
	if err := json.Unmarshal(r.json, into); err != nil {
		x.problem("", "is not "+what+": "+err.Error())
		return x, false
	}
	if !isUUID(id) {
		x.problem("/id", "is not a UUID")
		return x, false
	}
	return x, true
}

func (im *importer) partnershipRecord(r raw, id string) []checked {
	var p Partnership
	x, ok := im.start(r, id, &p, "a partnership")
	if !ok {
		return im.refused(r, id)
	}
	start, end := x.parseDay(p.StartDate, "/start_date"), x.parseDay(p.EndDate, "/end_date")
	store.CheckPartnership(&x.c, p.Title, &p.Description, start, end)
	if !model.PartnershipKind(p.Kind).IsValid() {
		x.problem("/kind", fmt.Sprintf("%s is not a partnership kind", model.Quote(p.Kind)))
	}
	status := orDefault(p.Status, string(model.PartnershipStatusActive))
	if !model.PartnershipStatus(status).IsValid() {
		x.problem("/status", fmt.Sprintf("%s is not a partnership status", model.Quote(status)))
	}
	var members []store.MemberRecord
	for i, m := range p.Members {
		at := fmt.Sprintf("/members/%d", i)
		actor := x.optUUID(m.OrganizationID, at+"/organization_id")
		if len(actor) == 0 {
			x.problem(at+"/organization_id", "a member names its organization")
			continue
		}
		if !model.MemberRole(m.Role).IsValid() {
			x.problem(at+"/role", fmt.Sprintf("%s is not a member role", model.Quote(m.Role)))
		}
		members = append(members, store.MemberRecord{Actor: actor[0], Role: model.MemberRole(m.Role), Since: x.parseDay(m.Since, at+"/since")})
	}
	links := map[string][]string{"zones": x.uuids(p.ZoneIDs, "/zone_ids"), "parent": x.optUUID(p.ParentID, "/parent_id")}
	x.done()
	return []checked{{bad: x.bad, DirectoryRecord: store.DirectoryRecord{
		Label: "Partnership", ID: strings.ToLower(id), Ref: r.file, ModifiedAt: parseStamp(p.LastModified),
		Props: map[string]any{"title": p.Title, "kind": p.Kind, "status": status, "description": nilIfEmpty(p.Description),
			"startDate": start, "endDate": end},
		Links: links, Members: orNoMembers(members),
	}}}
}

func orNoMembers(ms []store.MemberRecord) []store.MemberRecord {
	if ms == nil {
		return []store.MemberRecord{}
	}
	return ms
}

func (im *importer) pathwayModelRecord(r raw, id string) []checked {
	var m PathwayModel
	x, ok := im.start(r, id, &m, "a pathway model")
	if !ok {
		return im.refused(r, id)
	}
	stages := make([]*model.StageInput, len(m.Stages))
	records := make([]store.StageRecord, len(m.Stages))
	for i, st := range m.Stages {
		stages[i] = &model.StageInput{Code: st.Code, Name: st.Name, AllowedBack: st.AllowedBack}
		records[i] = store.StageRecord{Code: st.Code, Name: st.Name, AllowedBack: orEmptyStrings(st.AllowedBack)}
		if ids := x.optUUID(st.ID, fmt.Sprintf("/stages/%d/id", i)); len(ids) == 1 {
			records[i].ID = ids[0]
		} else {
			x.problem(fmt.Sprintf("/stages/%d/id", i), "a stage has a UUID")
		}
	}
	var days *int
	if m.MaxDurationDays != 0 {
		days = &m.MaxDurationDays
	}
	store.CheckPathwayModel(&x.c, m.Name, &m.Description, days, stages)
	x.done()
	return []checked{{bad: x.bad, DirectoryRecord: store.DirectoryRecord{
		Label: "PathwayModel", ID: strings.ToLower(id), Ref: r.file, ModifiedAt: parseStamp(m.LastModified),
		Props:  map[string]any{"name": m.Name, "description": nilIfEmpty(m.Description), "maxDurationDays": intOrNil(days)},
		Stages: records,
	}}}
}

func (im *importer) routeRecord(r raw, id string) []checked {
	var rt Route
	x, ok := im.start(r, id, &rt, "a route")
	if !ok {
		return im.refused(r, id)
	}
	links := map[string][]string{"needs": x.uuids(rt.NeedIDs, "/need_ids"), "stage": x.optUUID(rt.StageID, "/stage_id"),
		"partnership": x.optUUID(rt.PartnershipID, "/partnership_id")}
	for side, e := range map[string]RouteEnd{"from": rt.From, "to": rt.To} {
		label := endLabel[e.Entity]
		if label == "" {
			x.problem("/"+side+"/entity", fmt.Sprintf("%s is neither organization nor service", model.Quote(e.Entity)))
			continue
		}
		links[side+label] = x.optUUID(e.ID, "/"+side+"/id")
		if len(links[side+label]) == 0 {
			x.problem("/"+side+"/id", "a route names both its ends")
		}
	}
	store.CheckRoute(&x.c, strings.ToLower(rt.From.ID), strings.ToLower(rt.To.ID), &rt.Instrument)
	x.done()
	return []checked{{bad: x.bad, DirectoryRecord: store.DirectoryRecord{
		Label: "Route", ID: strings.ToLower(id), Ref: r.file, ModifiedAt: parseStamp(rt.LastModified),
		Props: map[string]any{"instrument": nilIfEmpty(rt.Instrument)}, Links: links,
	}}}
}
