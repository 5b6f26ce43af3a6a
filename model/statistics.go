package model

// Count is a count that may be withheld.
type Count struct {
	Value    *int
	Withheld bool
}

// CaseCountRow is a zone's case counts; ZoneID is empty for the totals.
type CaseCountRow struct {
	ZoneID      string
	Open        Count
	Included    Count
	Transferred Count
	DroppedOut  Count
	Other       Count
	Total       Count
}

// CaseCounts is a table of case counts.
type CaseCounts struct {
	Rows      []*CaseCountRow
	Threshold int
}

// CaseCountTable builds the table of rows of counts (open, included, transferred, dropped
// out, other) per zone, adds the totals, and withholds what Suppress says.
func CaseCountTable(zoneIDs []string, counts [][5]int, threshold int) *CaseCounts {
	table := make([][]int, len(counts)+1)
	table[len(counts)] = make([]int, 6)
	for i, c := range counts {
		row := append(c[:], 0)
		for j := 0; j < 5; j++ {
			row[5] += c[j]
			table[len(counts)][j] += c[j]
		}
		table[len(counts)][5] += row[5]
		table[i] = row
	}
	mask := Suppress(table, threshold)
	out := &CaseCounts{Threshold: threshold}
	for i, row := range table {
		cell := func(j int) Count {
			if mask[i][j] {
				return Count{Withheld: true}
			}
			v := row[j]
			return Count{Value: &v}
		}
		r := &CaseCountRow{Open: cell(0), Included: cell(1), Transferred: cell(2), DroppedOut: cell(3), Other: cell(4), Total: cell(5)}
		if i < len(zoneIDs) {
			r.ZoneID = zoneIDs[i]
		}
		out.Rows = append(out.Rows, r)
	}
	return out
}

// Withhold applies the privacy threshold to a count: from 1 to threshold-1 it is withheld.
func Withhold(n, threshold int) *Count {
	if n > 0 && n < threshold {
		return &Count{Withheld: true}
	}
	return &Count{Value: &n}
}
