package store

import (
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"snodo/model"
)

// props reads the properties of a node, tolerating absent ones.
type props map[string]any

func (p props) str(k string) string {
	s, _ := p[k].(string)
	return s
}

// optStr is the property, nil when absent. The copy is made only when there is one: a variable
// whose address is returned is put on the heap where it is declared, so taking the address of
// the type switch's own variable cost an allocation for every absent property of every node.
func (p props) optStr(k string) *string {
	if v, ok := p[k].(string); ok {
		s := v
		return &s
	}
	return nil
}

func (p props) optInt(k string) *int {
	if n, ok := p[k].(int64); ok {
		i := int(n)
		return &i
	}
	return nil
}

func (p props) strs(k string) []string {
	list, _ := p[k].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (p props) time(k string) time.Time {
	t, _ := p[k].(time.Time)
	return t
}

func (p props) optTime(k string) *time.Time {
	if v, ok := p[k].(time.Time); ok {
		t := v // as optStr
		return &t
	}
	return nil
}

func (p props) optDate(k string) *model.Date {
	if d, ok := p[k].(dbtype.Date); ok {
		return &model.Date{Time: d.Time()}
	}
	return nil
}

func (p props) meta() model.Meta {
	v, _ := p["version"].(int64)
	return model.Meta{CreatedAt: p.time("createdAt"), UpdatedAt: p.time("updatedAt"), Version: int(v)}
}

// dateParam passes an optional date to Cypher, which stores it as a native DATE.
func dateParam(d *model.Date) any {
	if d == nil {
		return nil
	}
	return neo4j.DateOf(d.Time)
}

func decodeZone(n neo4j.Node) *model.Zone {
	p := props(n.Props)
	return &model.Zone{
		ID: p.str("id"), Name: p.str("name"), Kind: model.ZoneKind(p.str("kind")),
		IstatCode: p.optStr("istatCode"), Status: recordStatus(p), Meta: p.meta(),
	}
}

func decodeActor(n neo4j.Node) *model.Actor {
	p := props(n.Props)
	return &model.Actor{
		ID: p.str("id"), Name: p.str("name"), Kind: model.ActorKind(p.str("kind")),
		Description: p.optStr("description"), TaxCode: p.optStr("taxCode"),
		Contacts: model.Contacts{
			Phone: p.optStr("phone"), Email: p.optStr("email"),
			Website: p.optStr("website"), Address: p.optStr("address"),
		},
		Location: p.location(),
		Status:   recordStatus(p),
		Meta:     p.meta(),
	}
}

func decodeService(n neo4j.Node) *model.Service {
	p := props(n.Props)
	s := &model.Service{
		ID: p.str("id"), Name: p.str("name"), Description: p.optStr("description"),
		Channel: model.ServiceChannel(p.str("channel")), Status: model.ServiceStatus(p.str("status")),
		AccessConditions: p.optStr("accessConditions"), RequiredDocuments: p.strs("requiredDocuments"),
		Confidential: p["confidential"] == true, Address: p.optStr("address"), Location: p.location(),
		Languages: p.strs("languages"), MinAge: p.optInt("minAge"), MaxAge: p.optInt("maxAge"),
		Capacity: p.optInt("capacity"), FreePlaces: p.optInt("freePlaces"),
		PlacesUpdatedAt: p.optTime("placesUpdatedAt"), LastVerifiedAt: p.optDate("lastVerifiedAt"),
		Meta: p.meta(),
	}
	for _, l := range p.strs("legalStatuses") {
		s.LegalStatuses = append(s.LegalStatuses, model.LegalStatus(l))
	}
	for _, h := range p.strs("openingHours") {
		if oh, err := model.ParseOpeningHours(h); err == nil {
			s.OpeningHours = append(s.OpeningHours, oh)
		}
	}
	return s
}

// recordStatus is a zone's or an actor's status; records written before statuses existed are
// active.
func recordStatus(p props) model.RecordStatus {
	if s := p.optStr("status"); s != nil {
		return model.RecordStatus(*s)
	}
	return model.RecordStatusActive
}

func decodeNeed(n neo4j.Node) *model.Need {
	p := props(n.Props)
	return &model.Need{ID: p.str("id"), Code: p.str("code"), LabelIt: p.str("labelIt"), LabelEn: p.str("labelEn")}
}

func decodeCategory(n neo4j.Node) *model.ServiceCategory {
	p := props(n.Props)
	return &model.ServiceCategory{ID: p.str("id"), Code: p.str("code"), LabelIt: p.str("labelIt"), LabelEn: p.str("labelEn")}
}

func decodePartnership(n neo4j.Node) *model.Partnership {
	p := props(n.Props)
	return &model.Partnership{
		ID: p.str("id"), Title: p.str("title"), Kind: model.PartnershipKind(p.str("kind")),
		Description: p.optStr("description"), Status: model.PartnershipStatus(p.str("status")),
		StartDate: p.optDate("startDate"), EndDate: p.optDate("endDate"),
		Meta: p.meta(),
	}
}
