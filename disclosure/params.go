// Package disclosure is the one layer through which every aggregate about people leaves Snodo:
// each GraphQL aggregate field, `snodo report` and every CSV of counts. It decides what may be
// published and nothing else does:
//
//   - counts are perturbed by the cell key method (Params, Table), so that the same records
//     always give the same published value and no published count lies in 1..k-1;
//   - figures derived from records (rates, medians, percentiles) are published only over groups
//     of at least MinGroup records, rounded (Figure);
//   - lists (flows, sequences, ties) keep only the items whose true count reaches the
//     threshold, ordered by published values and then by name (Rank);
//   - aggregates are asked for whole calendar periods that have ended (Period);
//   - each query is recorded and spends the researcher's daily budget (Spend).
package disclosure

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// KeyRange bounds record keys and cell keys: each case, referral and intervention has a
// permanent random key in [0, KeyRange), and a cell's key is the sum of its records' keys modulo
// KeyRange.
const KeyRange = 4096

// Params are the published parameters of the disclosure control. They are read once, at start,
// and validated: a server with unsafe parameters does not start.
type Params struct {
	// Threshold is k: no published count lies in 1..k-1, and a list item (a flow, a sequence, a
	// tie) appears only when its true count reaches k.
	Threshold int
	// MaxNoise is D: a published count of at least k differs from the true one by at most D.
	MaxNoise int
	// Variance is V: the variance of the noise added to counts of k+D and more.
	Variance float64
	// MinGroup is the fewest records a derived figure (a rate, a median, a percentile) is
	// measured over; under it the figure is not published.
	MinGroup int
	// DailyBudget is how many aggregate queries a researcher may make in a day (Italian time).
	DailyBudget int
}

// Defaults are the parameters Snodo publishes with unless configured otherwise.
var Defaults = Params{Threshold: 5, MaxNoise: 3, Variance: 2, MinGroup: 10, DailyBudget: 500}

// Validate says what is wrong with the parameters, if anything.
func (p Params) Validate() error {
	var problems []string
	if p.Threshold < 2 {
		problems = append(problems, fmt.Sprintf("the privacy threshold must be at least 2, not %d", p.Threshold))
	}
	if p.Threshold > 100 {
		problems = append(problems, fmt.Sprintf("the privacy threshold must be at most 100, not %d", p.Threshold))
	}
	if p.MaxNoise < 1 || p.MaxNoise > 20 {
		problems = append(problems, fmt.Sprintf("the maximum noise must be from 1 to 20, not %d", p.MaxNoise))
	} else if limit := float64(p.MaxNoise*(p.MaxNoise+1)) / 3; !(p.Variance > 0 && p.Variance < limit) {
		problems = append(problems, fmt.Sprintf("the noise variance must be above 0 and below %.3g (a uniform noise of ±%d), not %g", limit, p.MaxNoise, p.Variance))
	}
	if p.MinGroup < p.Threshold {
		problems = append(problems, fmt.Sprintf("the minimum group of derived figures (%d) must be at least the privacy threshold (%d)", p.MinGroup, p.Threshold))
	}
	if p.DailyBudget < 1 {
		problems = append(problems, fmt.Sprintf("the daily budget of aggregate queries must be at least 1, not %d", p.DailyBudget))
	}
	if len(problems) > 0 {
		return fmt.Errorf("disclosure: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Register adds the disclosure flags to fs, each defaulting to its environment variable, and
// returns the function that reads them once the flags are parsed: it fails on a malformed value
// or unsafe parameters, naming the setting.
func Register(fs *flag.FlagSet, getenv func(string) string) func() (Params, error) {
	type setting struct {
		flag, env, usage string
		def              string
		raw              string
	}
	settings := []*setting{
		{flag: "privacy-threshold", env: "SNODO_PRIVACY_THRESHOLD", def: strconv.Itoa(Defaults.Threshold),
			usage: "k: no published count lies in 1..k-1; at least 2"},
		{flag: "disclosure-max-noise", env: "SNODO_DISCLOSURE_MAX_NOISE", def: strconv.Itoa(Defaults.MaxNoise),
			usage: "D: the most a published count of k or more differs from the true one"},
		{flag: "disclosure-variance", env: "SNODO_DISCLOSURE_VARIANCE", def: strconv.FormatFloat(Defaults.Variance, 'g', -1, 64),
			usage: "V: the variance of the noise on counts"},
		{flag: "disclosure-min-group", env: "SNODO_DISCLOSURE_MIN_GROUP", def: strconv.Itoa(Defaults.MinGroup),
			usage: "the fewest records a rate, median or percentile is published over"},
		{flag: "disclosure-budget", env: "SNODO_DISCLOSURE_BUDGET", def: strconv.Itoa(Defaults.DailyBudget),
			usage: "aggregate queries a researcher may make a day"},
	}
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(&s.raw, s.flag, def, s.usage+" (env "+s.env+")")
	}
	return func() (Params, error) {
		var p Params
		ints := []*int{&p.Threshold, &p.MaxNoise, nil, &p.MinGroup, &p.DailyBudget}
		for i, s := range settings {
			if ints[i] == nil {
				f, err := strconv.ParseFloat(strings.TrimSpace(s.raw), 64)
				if err != nil {
					return Params{}, fmt.Errorf("disclosure: -%s (%s) %q is not a number", s.flag, s.env, s.raw)
				}
				p.Variance = f
				continue
			}
			n, err := strconv.Atoi(strings.TrimSpace(s.raw))
			if err != nil {
				return Params{}, fmt.Errorf("disclosure: -%s (%s) %q is not a whole number", s.flag, s.env, s.raw)
			}
			*ints[i] = n
		}
		return p, p.Validate()
	}
}
