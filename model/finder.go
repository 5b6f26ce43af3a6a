package model

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"snodo/internal/csvsafe"
)

// ServiceMatch is a service that covers a need in a zone, with why and what may bar access.
type ServiceMatch struct {
	Service        *Service
	Coverage       CoverageKind
	ThroughZone    *Zone
	MatchedNeed    *Need
	Reasons        []string
	Barriers       []*Barrier
	Stale          bool
	PlacesAgeHours *int
}

// ServiceMatchConnection is a page of matches.
type (
	ServiceMatchConnection = Connection[*ServiceMatch]
	ServiceMatchEdge       = Edge[*ServiceMatch]
)

// rome is the time zone of the networks, in which opening hours are written.
var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// Rome is the time zone of the networks (Europe/Rome), in which opening hours and dates are
// written.
func Rome() *time.Location { return rome }

// weekdays maps Go's days to the schema's.
var weekdays = [...]Weekday{WeekdaySun, WeekdayMon, WeekdayTue, WeekdayWed, WeekdayThu, WeekdayFri, WeekdaySat}

// OpenAt reports whether weekly hours include the instant t, read in Italian local time.
func OpenAt(hours []OpeningHours, t time.Time) bool {
	local := t.In(rome)
	day, clock := weekdays[local.Weekday()], local.Format("15:04")
	for _, h := range hours {
		if h.Day == day && h.Opens <= clock && clock < h.Closes {
			return true
		}
	}
	return false
}

// Barriers lists what may keep the person from using the service: conditions they do not meet,
// no free places, and being closed at openAt. Unknown facts bar nothing.
func Barriers(s *Service, p *PersonProfile, openAt *time.Time) []*Barrier {
	var out []*Barrier
	add := func(code BarrierCode, format string, args ...any) {
		out = append(out, &Barrier{Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if p != nil {
		if p.Age != nil && s.MinAge != nil && *p.Age < *s.MinAge {
			add(BarrierCodeAge, "serves people aged %d and over", *s.MinAge)
		}
		if p.Age != nil && s.MaxAge != nil && *p.Age > *s.MaxAge {
			add(BarrierCodeAge, "serves people aged up to %d", *s.MaxAge)
		}
		if p.LegalStatus != nil && len(s.LegalStatuses) > 0 && !slices.Contains(s.LegalStatuses, *p.LegalStatus) {
			add(BarrierCodeLegalStatus, "is open only to %s", joinStatuses(s.LegalStatuses))
		}
		if len(p.Languages) > 0 && len(s.Languages) > 0 && !slices.ContainsFunc(p.Languages, func(l string) bool { return slices.Contains(s.Languages, l) }) {
			add(BarrierCodeLanguage, "works in %s only", strings.Join(s.Languages, ", "))
		}
		if p.MissingDocuments != nil && *p.MissingDocuments && len(s.RequiredDocuments) > 0 {
			add(BarrierCodeDocumentsRequired, "asks for %s", strings.Join(s.RequiredDocuments, ", "))
		}
	}
	if s.Capacity != nil && (s.FreePlaces == nil || *s.FreePlaces <= 0) {
		add(BarrierCodeNoFreePlaces, "has no free places of %d", *s.Capacity)
	}
	if openAt != nil && len(s.OpeningHours) > 0 && !OpenAt(s.OpeningHours, *openAt) {
		add(BarrierCodeClosed, "is closed on %s", openAt.In(rome).Format("Mon 2 Jan 15:04"))
	}
	return out
}

func joinStatuses(ls []LegalStatus) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = strings.ToLower(strings.ReplaceAll(string(l), "_", " "))
	}
	return strings.Join(s, ", ")
}

// RankMatches orders matches best first: without barriers before with, full coverage before
// partial, fewer barriers, fresh records before stale, more free places, then by name and ID so
// the order is stable.
func RankMatches(ms []*ServiceMatch) {
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if (len(a.Barriers) == 0) != (len(b.Barriers) == 0) {
			return len(a.Barriers) == 0
		}
		if a.Coverage != b.Coverage {
			return a.Coverage == CoverageKindFull
		}
		if len(a.Barriers) != len(b.Barriers) {
			return len(a.Barriers) < len(b.Barriers)
		}
		if a.Stale != b.Stale {
			return !a.Stale
		}
		if fa, fb := deref(a.Service.FreePlaces), deref(b.Service.FreePlaces); fa != fb {
			return fa > fb
		}
		if a.Service.Name != b.Service.Name {
			return a.Service.Name < b.Service.Name
		}
		return a.Service.ID < b.Service.ID
	})
}

func deref(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

// CoverageCell counts the active services that cover a need in a zone.
type CoverageCell struct {
	ZoneID         string
	NeedID         string
	Full           int
	Partial        int
	WithFreePlaces int
	Stale          int
}

// Coverage is the matrix of needs by zones.
type Coverage struct {
	Zones []*Zone
	Needs []*Need
	Cells []*CoverageCell
}

// CoverageGap is a need and zone pair where the network is thin.
type CoverageGap struct {
	ZoneID  string
	NeedID  string
	Kind    GapKind
	Full    int
	Partial int
}

// Gaps finds the thin pairs of a coverage matrix: no covering service, only partial ones, a
// single one, or only stale ones; in the order of the cells.
func Gaps(cells []*CoverageCell) []*CoverageGap {
	var out []*CoverageGap
	for _, c := range cells {
		var kind GapKind
		switch {
		case c.Full == 0 && c.Partial == 0:
			kind = GapKindNone
		case c.Full == 0:
			kind = GapKindPartialOnly
		case c.Stale >= c.Full+c.Partial:
			kind = GapKindStaleOnly
		case c.Full == 1:
			kind = GapKindSingleService
		default:
			continue
		}
		out = append(out, &CoverageGap{ZoneID: c.ZoneID, NeedID: c.NeedID, Kind: kind, Full: c.Full, Partial: c.Partial})
	}
	return out
}

// CSV writes the coverage matrix as CSV with a header row, through csvsafe, so that no name
// becomes a formula in a spreadsheet.
func (c *Coverage) CSV() string {
	zones, needs := map[string]*Zone{}, map[string]*Need{}
	for _, z := range c.Zones {
		zones[z.ID] = z
	}
	for _, n := range c.Needs {
		needs[n.ID] = n
	}
	rows := [][]string{{"zone", "istat_code", "need_code", "need_label", "full", "partial", "with_free_places", "stale"}}
	for _, cell := range c.Cells {
		z, n := zones[cell.ZoneID], needs[cell.NeedID]
		istat := ""
		if z.IstatCode != nil {
			istat = *z.IstatCode
		}
		rows = append(rows, []string{z.Name, istat, n.Code, n.LabelEn,
			strconv.Itoa(cell.Full), strconv.Itoa(cell.Partial), strconv.Itoa(cell.WithFreePlaces), strconv.Itoa(cell.Stale)})
	}
	out, _ := csvsafe.String(rows) // writing to memory cannot fail
	return out
}
