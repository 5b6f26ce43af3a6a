package analysis

import (
	"reflect"
	"testing"
)

func TestAnalyseKnownNetworks(t *testing.T) {
	// A star: the centre bridges every pair of the 4 leaves, C(4,2) = 6; a separate path a-b-c,
	// where b bridges a and c; lone stands alone.
	actors := []string{"centre", "l1", "l2", "l3", "l4", "a", "b", "c", "lone"}
	links := []Link{
		{"centre", "l1", "PARTNERSHIPS"}, {"centre", "l2", "ROUTES"}, {"centre", "l3", "REFERRALS"}, {"centre", "l4", "ROUTES"},
		{"centre", "l1", "ROUTES"}, // a second layer between the same pair is one tie
		{"a", "b", "ROUTES"}, {"b", "c", "ROUTES"},
	}
	n := Analyse(actors, links)
	bc := map[string]float64{}
	deg := map[string]int{}
	for _, c := range n.Actors {
		bc[c.Actor], deg[c.Actor] = c.Betweenness, c.Degree
	}
	if bc["centre"] != 6 || bc["b"] != 1 || bc["a"] != 0 || bc["l1"] != 0 {
		t.Errorf("betweenness: %v", bc)
	}
	if deg["centre"] != 4 || deg["b"] != 2 || deg["lone"] != 0 {
		t.Errorf("degree: %v", deg)
	}
	if n.Ties != 6 {
		t.Errorf("ties: %d", n.Ties)
	}
	want := [][]string{{"centre", "l1", "l2", "l3", "l4"}, {"a", "b", "c"}, {"lone"}}
	if !reflect.DeepEqual(n.Components, want) {
		t.Errorf("components: %v", n.Components)
	}
	if !reflect.DeepEqual(n.Isolated, []string{"lone"}) {
		t.Errorf("isolated: %v", n.Isolated)
	}
	// The ties as links: each pair once, its layers merged and by name.
	wantLinks := []Tie{{"a", "b", []string{"ROUTES"}}, {"b", "c", []string{"ROUTES"}},
		{"centre", "l1", []string{"PARTNERSHIPS", "ROUTES"}}, {"centre", "l2", []string{"ROUTES"}},
		{"centre", "l3", []string{"REFERRALS"}}, {"centre", "l4", []string{"ROUTES"}}}
	if !reflect.DeepEqual(n.Links, wantLinks) || len(n.Links) != n.Ties {
		t.Errorf("links: %v", n.Links)
	}
	if n.Actors[0].Actor != "centre" || n.Actors[1].Actor != "b" {
		t.Errorf("by betweenness: %v", n.Actors[:2])
	}
}
