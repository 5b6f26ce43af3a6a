package model

// Suppress decides which cells of a table of counts to withhold so that no person can be
// singled out. Each row ends with its total, and the last row holds the column totals. A count
// from 1 to threshold-1 is withheld (primary suppression); then, while a row or a column has
// exactly one withheld cell, the smallest other non-zero cell of that line is withheld too, so
// that the first cannot be worked out by subtraction from the total (secondary suppression).
// Zeros are published: a zero reveals nobody.
func Suppress(table [][]int, threshold int) [][]bool {
	mask := make([][]bool, len(table))
	for i, row := range table {
		mask[i] = make([]bool, len(row))
		for j, v := range row {
			mask[i][j] = v > 0 && v < threshold
		}
	}
	for changed := true; changed; {
		changed = false
		for i := range table { // rows: the cells and their total
			cells := make([][2]int, len(table[i]))
			for j := range table[i] {
				cells[j] = [2]int{i, j}
			}
			changed = secondary(table, mask, cells) || changed
		}
		for j := range table[0] { // columns: the cells and the total row
			cells := make([][2]int, len(table))
			for i := range table {
				cells[i] = [2]int{i, j}
			}
			changed = secondary(table, mask, cells) || changed
		}
	}
	return mask
}

// secondary withholds one more cell of a line that has exactly one withheld cell; it reports
// whether it did.
func secondary(table [][]int, mask [][]bool, line [][2]int) bool {
	withheld, pick := 0, [2]int{-1, -1}
	for _, c := range line {
		if mask[c[0]][c[1]] {
			withheld++
			continue
		}
		v := table[c[0]][c[1]]
		if v > 0 && (pick[0] < 0 || v < table[pick[0]][pick[1]]) {
			pick = c
		}
	}
	if withheld != 1 || pick[0] < 0 {
		return false
	}
	mask[pick[0]][pick[1]] = true
	return true
}
