package sheet

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"snodo/model"
	"snodo/store"
)

// resolver turns a row into a service record, checking it.
type resolver struct {
	st *store.Store
}

func newResolver(_ context.Context, st *store.Store) (*resolver, error) {
	return &resolver{st: st}, nil
}

var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// service maps one row; its errors name the row's line and the column.
func (r *resolver) service(ctx context.Context, line int, get func(string) string, modified time.Time) (*store.DirectoryRecord, []RowError) {
	var errs []RowError
	bad := func(col, msg string) { errs = append(errs, RowError{Line: line, Column: col, Message: msg}) }
	var c model.Check
	check := func(col string) {
		for _, e := range c.InputErrors {
			bad(col, e.Message)
		}
		c = model.Check{}
	}
	for _, col := range required {
		if get(col) == "" {
			bad(col, "is required")
		}
	}
	name := get(ColName)
	c.Name(name, ColName)
	check(ColName)
	// The provider: by ID, tax code or name, and only one.
	var provider string
	if ref := get(ColProvider); ref != "" {
		keys, err := r.st.ActorKeys(ctx, []string{ref})
		switch {
		case err != nil:
			return nil, append(errs, RowError{Line: line, Column: ColProvider, Message: err.Error()})
		case len(keys[ref]) == 0:
			bad(ColProvider, fmt.Sprintf("no actor has the name, tax code or ID %s", model.Quote(ref)))
		case len(keys[ref]) > 1:
			bad(ColProvider, fmt.Sprintf("%d actors answer to %s: give the tax code or the ID", len(keys[ref]), model.Quote(ref)))
		default:
			provider = keys[ref][0]
		}
	}
	var category []string
	if code := get(ColCategory); code != "" {
		keys, err := r.st.TermKeys(ctx, "ServiceCategory", []string{code})
		if err != nil {
			return nil, append(errs, RowError{Line: line, Column: ColCategory, Message: err.Error()})
		}
		if keys[code] == "" {
			bad(ColCategory, fmt.Sprintf("no category of the catalogue has the code %s", model.Quote(code)))
		} else {
			category = []string{keys[code]}
		}
	}
	var needs []string
	if codes := list(get(ColNeeds), ","); len(codes) > 0 {
		keys, err := r.st.TermKeys(ctx, "Need", codes)
		if err != nil {
			return nil, append(errs, RowError{Line: line, Column: ColNeeds, Message: err.Error()})
		}
		for _, code := range codes {
			if keys[code] == "" {
				bad(ColNeeds, fmt.Sprintf("no need has the code %s", model.Quote(code)))
			} else {
				needs = append(needs, keys[code])
			}
		}
	}
	var zones []string
	if codes := list(get(ColZones), ","); len(codes) > 0 {
		keys, err := r.st.ZoneKeysByIstat(ctx, codes)
		if err != nil {
			return nil, append(errs, RowError{Line: line, Column: ColZones, Message: err.Error()})
		}
		// A zone without an ISTAT code (a social district) is given by its ID.
		var ids []string
		for _, code := range codes {
			if uuidRe.MatchString(code) {
				ids = append(ids, strings.ToLower(code))
			}
		}
		if len(ids) > 0 {
			found, err := r.st.ExistingKeys(ctx, "Zone", ids)
			if err != nil {
				return nil, append(errs, RowError{Line: line, Column: ColZones, Message: err.Error()})
			}
			for _, code := range codes {
				if found[strings.ToLower(code)] {
					keys[code] = strings.ToLower(code)
				}
			}
		}
		for _, code := range codes {
			if keys[code] == "" {
				bad(ColZones, fmt.Sprintf("no zone has the ISTAT code or ID %s", model.Quote(code)))
			} else {
				zones = append(zones, keys[code])
			}
		}
	}
	channel := model.ServiceChannelDesk
	if v := strings.ToUpper(get(ColChannel)); v != "" {
		if ch, ok := channels[v]; ok {
			channel = ch
		} else if model.ServiceChannel(v).IsValid() {
			channel = model.ServiceChannel(v)
		} else {
			bad(ColChannel, fmt.Sprintf("%s is not a channel (SPORTELLO, ACCESSO LIBERO, UNITÀ MOBILE, NUMERO VERDE, OUTREACH, ACCOGLIENZA, CORSO, TIROCINIO, ONLINE)", model.Quote(v)))
		}
	}
	status := model.ServiceStatusActive
	if v := strings.ToUpper(get(ColStatus)); v != "" {
		if s, ok := statuses[v]; ok {
			status = s
		} else if model.ServiceStatus(v).IsValid() {
			status = model.ServiceStatus(v)
		} else {
			bad(ColStatus, fmt.Sprintf("%s is not a status (attivo, sospeso, archiviato)", model.Quote(v)))
		}
	}
	text := func(col string, max int, long bool) any {
		v := get(col)
		if long {
			c.Text(&v, max, col)
		} else {
			c.Line(&v, max, col)
		}
		check(col)
		if v == "" {
			return nil
		}
		return v
	}
	description := text(ColDescription, model.MaxTextLength, true)
	conditions := text(ColConditions, model.MaxTextLength, true)
	address := text(ColAddress, 300, false)
	location := coordinates(get, bad)
	c.Location(location)
	check(ColLatitude + " / " + ColLongitude)
	docs := list(get(ColDocuments), "|")
	c.Texts(docs, ColDocuments)
	check(ColDocuments)
	langs := list(strings.ToLower(get(ColLanguages)), ",")
	c.Languages(langs, ColLanguages)
	check(ColLanguages)
	number := func(col string) *int {
		v := get(col)
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			bad(col, fmt.Sprintf("%s is not a whole number", model.Quote(v)))
			return nil
		}
		return &n
	}
	minAge, maxAge := number(ColMinAge), number(ColMaxAge)
	c.Ages(minAge, maxAge)
	check(ColMinAge + " / " + ColMaxAge)
	capacity, free := number(ColCapacity), number(ColFree)
	c.Places(capacity, free)
	check(ColCapacity + " / " + ColFree)
	legal := list(strings.ToUpper(get(ColLegal)), ",")
	for _, l := range legal {
		if !model.LegalStatus(l).IsValid() {
			bad(ColLegal, fmt.Sprintf("%s is not a legal status", model.Quote(l)))
		}
	}
	var hours []string
	var slots []model.OpeningHoursInput
	for _, slot := range list(get(ColHours), ",") {
		day, span, _ := strings.Cut(slot, " ")
		wd, ok := days[strings.ToUpper(day)]
		if !ok && model.Weekday(strings.ToUpper(day)).IsValid() {
			wd, ok = model.Weekday(strings.ToUpper(day)), true
		}
		opens, closes, ok2 := strings.Cut(strings.TrimSpace(span), "-")
		if !ok || !ok2 {
			bad(ColHours, fmt.Sprintf("%s is not a slot like \"LUN 09:00-13:00\"", model.Quote(slot)))
			continue
		}
		slots = append(slots, model.OpeningHoursInput{Day: wd, Opens: opens, Closes: closes})
		hours = append(hours, model.OpeningHours{Day: wd, Opens: opens, Closes: closes}.String())
	}
	c.OpeningHours(slots, ColHours)
	check(ColHours)
	confidential := false
	switch strings.ToLower(get(ColConfidential)) {
	case "", "no", "n", "falso", "false":
	case "sì", "si", "s", "vero", "true", "x":
		confidential = true
	default:
		bad(ColConfidential, "is sì or no")
	}
	var verified any
	if v := get(ColVerified); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, model.Rome())
		if err != nil {
			t, err = time.ParseInLocation("02/01/2006", v, model.Rome())
		}
		if err != nil {
			bad(ColVerified, fmt.Sprintf("%s is not a date (2026-11-02 or 02/11/2026)", model.Quote(v)))
		} else {
			verified = model.Date{Time: t}
		}
	}
	id := strings.ToLower(get(ColID))
	switch {
	case id != "" && !uuidRe.MatchString(id):
		bad(ColID, "is a service's ID (a UUID), or empty for a new service")
	case id == "" && provider != "":
		id = uuid.NewSHA1(namespace, []byte(provider+"/"+strings.ToLower(name))).String()
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if legal == nil {
		legal = []string{}
	}
	if docs == nil {
		docs = []string{}
	}
	if langs == nil {
		langs = []string{}
	}
	if hours == nil {
		hours = []string{}
	}
	mod := modified
	return &store.DirectoryRecord{
		Label: "Service", ID: id, Ref: fmt.Sprintf("riga %d", line), ModifiedAt: &mod, PlacesUpdatedAt: &mod,
		Props: withLocation(location, map[string]any{
			"name": name, "description": description, "status": string(status), "channel": string(channel),
			"accessConditions": conditions, "confidential": confidential, "address": address,
			"requiredDocuments": docs, "languages": langs, "legalStatuses": legal, "minAge": intOrNil(minAge), "maxAge": intOrNil(maxAge),
			"capacity": intOrNil(capacity), "freePlaces": intOrNil(free), "openingHours": hours, "lastVerifiedAt": verified,
		}),
		Links: map[string][]string{"provider": {provider}, "category": category, "needs": needs, "zones": zones},
	}, nil
}

func intOrNil(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

// coordinates reads the latitude and longitude cells: decimal degrees with a comma (as a
// spreadsheet in Italian writes them) or a point, both or neither. Their ranges are the
// model's check.
func coordinates(get func(string) string, bad func(col, msg string)) *model.GeoPointInput {
	lat, lon := get(ColLatitude), get(ColLongitude)
	if lat == "" && lon == "" {
		return nil
	}
	if lat == "" || lon == "" {
		bad(ColLatitude+" / "+ColLongitude, "give both the latitude and the longitude, or neither")
		return nil
	}
	p := &model.GeoPointInput{}
	for _, x := range []struct {
		col, cell string
		to        *float64
	}{{ColLatitude, lat, &p.Latitude}, {ColLongitude, lon, &p.Longitude}} {
		v, err := strconv.ParseFloat(strings.Replace(x.cell, ",", ".", 1), 64)
		if err != nil {
			bad(x.col, fmt.Sprintf("%s is not a number of degrees like 43,7167", model.Quote(x.cell)))
			return nil
		}
		*x.to = v
	}
	return p
}

// withLocation adds a place's properties, stored as the store stores them, to a record's.
func withLocation(p *model.GeoPointInput, props map[string]any) map[string]any {
	maps.Copy(props, store.LocationProps(p))
	return props
}
