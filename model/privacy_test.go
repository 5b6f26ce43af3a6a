package model

import (
	"reflect"
	"testing"
)

func TestSuppress(t *testing.T) {
	cases := []struct {
		name  string
		table [][]int
		want  [][]bool
	}{
		{
			name:  "nothing small",
			table: [][]int{{10, 20, 30}, {5, 5, 10}, {15, 25, 40}},
			want:  [][]bool{{false, false, false}, {false, false, false}, {false, false, false}},
		},
		{
			// The 2 is withheld; its row total 12 would reveal it from the 10, so the 10 goes
			// too; then the columns of the 2 and the 10 each have one withheld cell, so the
			// smallest others of those columns go (the 8 and the 6), which balances the rows.
			name:  "one small count and its complements",
			table: [][]int{{2, 10, 12}, {8, 6, 14}, {10, 16, 26}},
			want:  [][]bool{{true, true, false}, {true, true, false}, {false, false, false}},
		},
		{
			name:  "zeros are published",
			table: [][]int{{0, 7, 7}, {0, 9, 9}, {0, 16, 16}},
			want:  [][]bool{{false, false, false}, {false, false, false}, {false, false, false}},
		},
	}
	for _, c := range cases {
		if got := Suppress(c.table, 5); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// No withheld cell can be worked out: every row and column with a withheld cell has at least two.
func TestSuppressLeavesNoLoneCell(t *testing.T) {
	table := [][]int{{1, 3, 9, 13}, {4, 0, 12, 16}, {7, 8, 2, 17}, {12, 11, 23, 46}}
	mask := Suppress(table, 5)
	for i := range table {
		n := 0
		for j := range table[i] {
			if mask[i][j] {
				n++
			}
		}
		if n == 1 {
			t.Errorf("row %d has a lone withheld cell: %v", i, mask)
		}
	}
	for j := range table[0] {
		n := 0
		for i := range table {
			if mask[i][j] {
				n++
			}
		}
		if n == 1 {
			t.Errorf("column %d has a lone withheld cell: %v", j, mask)
		}
	}
}
