package model

import (
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestOpenAt(t *testing.T) {
	hours := []OpeningHours{{WeekdayMon, "09:00", "13:00"}, {WeekdayThu, "14:30", "18:00"}}
	cases := []struct {
		at   string
		open bool
	}{
		{"2026-11-23T09:00:00+01:00", true},  // Monday at opening
		{"2026-11-23T12:59:00+01:00", true},  // Monday before closing
		{"2026-11-23T13:00:00+01:00", false}, // Monday at closing
		{"2026-11-23T08:30:00Z", true},       // 09:30 in Rome
		{"2026-11-26T15:00:00+01:00", true},  // Thursday afternoon
		{"2026-11-22T10:00:00+01:00", false}, // Sunday
		{"2026-07-06T07:30:00Z", true},       // 09:30 in Rome in summer time
	}
	for _, c := range cases {
		at, _ := time.Parse(time.RFC3339, c.at)
		if got := OpenAt(hours, at); got != c.open {
			t.Errorf("open at %s: %v, want %v", c.at, got, c.open)
		}
	}
}

func TestBarriers(t *testing.T) {
	s := &Service{
		MinAge: ptr(18), MaxAge: ptr(29), LegalStatuses: []LegalStatus{LegalStatusSpecialProtection},
		Languages: []string{"it", "en"}, RequiredDocuments: []string{"permesso di soggiorno"},
		Capacity: ptr(5), FreePlaces: ptr(0), OpeningHours: []OpeningHours{{WeekdayMon, "09:00", "13:00"}},
	}
	sunday, _ := time.Parse(time.RFC3339, "2026-11-22T10:00:00+01:00")
	codes := func(bs []*Barrier) string {
		var out []string
		for _, b := range bs {
			out = append(out, string(b.Code))
		}
		return strings.Join(out, " ")
	}
	cases := []struct {
		name   string
		person *PersonProfile
		at     *time.Time
		want   string
	}{
		{"no person, no time: places only", nil, nil, "NO_FREE_PLACES"},
		{"too young", &PersonProfile{Age: ptr(16)}, nil, "AGE NO_FREE_PLACES"},
		{"too old", &PersonProfile{Age: ptr(30)}, nil, "AGE NO_FREE_PLACES"},
		{"wrong status", &PersonProfile{LegalStatus: ptr(LegalStatusAsylumSeeker)}, nil, "LEGAL_STATUS NO_FREE_PLACES"},
		{"no common language", &PersonProfile{Languages: []string{"ar", "fr"}}, nil, "LANGUAGE NO_FREE_PLACES"},
		{"one common language", &PersonProfile{Languages: []string{"ar", "en"}}, nil, "NO_FREE_PLACES"},
		{"missing documents", &PersonProfile{MissingDocuments: ptr(true)}, nil, "DOCUMENTS_REQUIRED NO_FREE_PLACES"},
		{"closed", nil, &sunday, "NO_FREE_PLACES CLOSED"},
		{"eligible", &PersonProfile{Age: ptr(20), LegalStatus: ptr(LegalStatusSpecialProtection), Languages: []string{"it"}, MissingDocuments: ptr(false)}, nil, "NO_FREE_PLACES"},
	}
	for _, c := range cases {
		if got := codes(Barriers(s, c.person, c.at)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	open := &Service{}
	if got := Barriers(open, &PersonProfile{Age: ptr(5), LegalStatus: ptr(LegalStatusUndocumented), Languages: []string{"wo"}, MissingDocuments: ptr(true)}, &sunday); len(got) != 0 {
		t.Errorf("a service with no conditions bars no one: %v", codes(got))
	}
}

func TestRankMatches(t *testing.T) {
	mk := func(name string, cov CoverageKind, barriers int, stale bool) *ServiceMatch {
		m := &ServiceMatch{Service: &Service{ID: name, Name: name}, Coverage: cov, Stale: stale}
		for i := 0; i < barriers; i++ {
			m.Barriers = append(m.Barriers, &Barrier{Code: BarrierCodeAge})
		}
		return m
	}
	ms := []*ServiceMatch{
		mk("full barred twice", CoverageKindFull, 2, false),
		mk("partial stale", CoverageKindPartial, 0, true),
		mk("full barred once", CoverageKindFull, 1, false),
		mk("partial", CoverageKindPartial, 0, false),
		mk("full stale", CoverageKindFull, 0, true),
		mk("b full", CoverageKindFull, 0, false),
		mk("a full", CoverageKindFull, 0, false),
	}
	RankMatches(ms)
	want := []string{"a full", "b full", "full stale", "partial", "partial stale", "full barred once", "full barred twice"}
	for i, m := range ms {
		if m.Service.Name != want[i] {
			t.Fatalf("rank %d is %s, want %s", i, m.Service.Name, want[i])
		}
	}
}

func TestGapsAndCSV(t *testing.T) {
	cells := []*CoverageCell{
		{ZoneID: "z", NeedID: "none"},
		{ZoneID: "z", NeedID: "partial", Partial: 2},
		{ZoneID: "z", NeedID: "single", Full: 1},
		{ZoneID: "z", NeedID: "stale", Full: 2, Stale: 2},
		{ZoneID: "z", NeedID: "fine", Full: 2, Stale: 1},
	}
	var got []string
	for _, g := range Gaps(cells) {
		got = append(got, g.NeedID+":"+string(g.Kind))
	}
	if strings.Join(got, " ") != "none:NONE partial:PARTIAL_ONLY single:SINGLE_SERVICE stale:STALE_ONLY" {
		t.Errorf("gaps: %v", got)
	}
	cov := &Coverage{
		Zones: []*Zone{{ID: "z", Name: `Zona "Pisana", Alta`, IstatCode: ptr("050")}},
		Needs: []*Need{{ID: "fine", Code: "work", LabelEn: "Work"}},
		Cells: cells[4:],
	}
	want := "zone,istat_code,need_code,need_label,full,partial,with_free_places,stale\n\"Zona \"\"Pisana\"\", Alta\",050,work,Work,2,0,0,1\n"
	if got := cov.CSV(); got != want {
		t.Errorf("csv:\n%s\nwant:\n%s", got, want)
	}
}

func TestPlacesSeries(t *testing.T) {
	d := func(n int) time.Time { return time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
	reports := []PlacesReport{
		{"a", d(1), 3, 10}, {"b", d(2), 5, 5}, {"a", d(9), 0, 10}, {"b", d(20), 2, 5},
	}
	got := PlacesSeries(reports, []time.Time{d(0), d(7), d(14), d(21)})
	want := [][2]int{{0, 0}, {8, 15}, {5, 15}, {2, 15}}
	for i, p := range got {
		if p.Free != want[i][0] || p.Capacity != want[i][1] {
			t.Errorf("point %d: %d of %d, want %v", i, p.Free, p.Capacity, want[i])
		}
	}
	q := QuarterOf(2026, 3)
	if n := len(q.WeekEnds(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))); n != 13 {
		t.Errorf("a past quarter has 13 week ends, got %d", n)
	}
	if n := len(q.WeekEnds(time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC))); n != 2 {
		t.Errorf("by 20 July two weeks have ended, got %d", n)
	}
}
