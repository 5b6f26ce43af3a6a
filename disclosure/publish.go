package disclosure

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"snodo/analysis"
	"snodo/auth"
	"snodo/model"
)

// The codes of the errors of the disclosure layer.
const (
	// CodePeriodNotEnded refuses an aggregate over a period that has not ended yet.
	CodePeriodNotEnded model.Code = "PERIOD_NOT_ENDED"
	// CodeBudgetExceeded refuses an aggregate query past the researcher's daily budget.
	CodeBudgetExceeded model.Code = "BUDGET_EXCEEDED"
)

// Query is one aggregate query, as the ledger records it.
type Query struct {
	// Name is the field or command asked: caseCounts, referralFlows, report...
	Name    string
	Subject string
	Role    string
	At      time.Time
	// Day is the day of Italian time the query spends the budget of, written YYYY-MM-DD.
	Day string
	// Exact marks a report of exact figures, which only the data controller produces.
	Exact bool
}

// Ledger records aggregate queries where every replica of Snodo sees them (the database).
type Ledger interface {
	// RecordAggregateQuery records the query and returns how many aggregate queries its subject
	// has made on its day, this one included.
	RecordAggregateQuery(ctx context.Context, q Query) (int, error)
}

// Publisher applies the disclosure control with one set of parameters. Its clock is the
// store's, the one answer Snodo gives to what time it is.
type Publisher struct {
	params Params
	table  *Table
	exact  bool
	now    func() time.Time
	ledger Ledger
}

// New returns the publisher of the parameters, which must be valid.
func New(p Params, now func() time.Time, ledger Ledger) (*Publisher, error) {
	t, err := NewTable(p)
	if err != nil {
		return nil, err
	}
	return &Publisher{params: p, table: t, now: now, ledger: ledger}, nil
}

// Exact returns a publisher of exact figures: for the data controller's report to a funder
// (`snodo report --exact`), never for the API.
func (pub *Publisher) Exact() *Publisher {
	e := *pub
	e.exact = true
	return &e
}

// IsExact reports whether the publisher publishes exact figures.
func (pub *Publisher) IsExact() bool { return pub.exact }

// Params are the publisher's parameters.
func (pub *Publisher) Params() Params { return pub.params }

// Table is the publisher's perturbation table.
func (pub *Publisher) Table() *Table { return pub.table }

// Count is the published value of a cell: perturbed by its cell key.
func (pub *Publisher) Count(c Cell) int {
	if pub.exact {
		return c.N
	}
	return pub.table.Perturb(c.N, c.Key())
}

// Listed reports whether a list item counting the cell's records may appear: only when their
// true number reaches the threshold.
func (pub *Publisher) Listed(c Cell) bool {
	if pub.exact {
		return c.N > 0
	}
	return c.N >= pub.params.Threshold
}

// tooFew is a figure not published because its group is too small.
func tooFew() *model.Figure {
	r := model.WithheldReasonTooFew
	return &model.Figure{Withheld: &r}
}

// Ratio is the share of part in part and rest (accepted over accepted and refused, say),
// computed from their published counts so that it tells nothing they do not, rounded to two
// digits, and published only when the group (part and rest together) reaches the minimum.
func (pub *Publisher) Ratio(part, rest Cell) *model.Figure {
	if pub.exact {
		if part.N+rest.N == 0 {
			return tooFew()
		}
		return figure(float64(part.N)/float64(part.N+rest.N), 100)
	}
	if part.N+rest.N < pub.params.MinGroup {
		return tooFew()
	}
	p, r := pub.Count(part), pub.Count(rest)
	if p+r == 0 {
		return tooFew()
	}
	return figure(float64(p)/float64(p+r), 100)
}

// Days is the pct-th percentile of durations in days, rounded to whole days, published only
// over at least the minimum group of durations.
func (pub *Publisher) Days(days []float64, pct float64) *model.Figure {
	if len(days) == 0 || (!pub.exact && len(days) < pub.params.MinGroup) {
		return tooFew()
	}
	v := analysis.Percentile(days, pct)
	if pub.exact {
		return figure(v, 100)
	}
	return figure(v, 1)
}

// figure rounds v to 1/scale.
func figure(v float64, scale float64) *model.Figure {
	r := math.Round(v*scale) / scale
	return &model.Figure{Value: &r}
}

// Period reads the period an aggregate is asked for, which must have ended.
func (pub *Publisher) Period(s string) (model.Period, error) {
	p, err := model.ParsePeriod(s)
	if err != nil {
		return model.Period{}, err
	}
	if !pub.exact && !p.Ended(pub.now()) {
		return model.Period{}, model.Errorf(CodePeriodNotEnded, "%s has not ended: aggregates are published for whole periods that are over", p)
	}
	return p, nil
}

// Spend records an aggregate query of the viewer and spends its daily budget; a researcher past
// it is refused with BUDGET_EXCEEDED.
func (pub *Publisher) Spend(ctx context.Context, name string) error {
	v := auth.From(ctx)
	now := pub.now()
	q := Query{Name: name, Subject: subject(v), Role: string(v.Role), At: now, Day: model.ItalianDay(now), Exact: pub.exact}
	used, err := pub.ledger.RecordAggregateQuery(ctx, q)
	if err != nil {
		return err
	}
	if v.Role == auth.Researcher && used > pub.params.DailyBudget {
		return model.Errorf(CodeBudgetExceeded, "you have made the %d aggregate queries a day allows; the budget renews at midnight (Italian time)", pub.params.DailyBudget)
	}
	return nil
}

// subject names whose budget a query spends: the token's subject, else its actor.
func subject(v auth.Viewer) string {
	if v.Subject != "" {
		return v.Subject
	}
	if v.ActorID != "" {
		return "actor:" + v.ActorID
	}
	return string(v.Role)
}

// Rank orders list items by their published value, largest first, then by a name that carries
// no information: never by a true value that is not published.
func Rank[T any](items []T, published func(T) int, name func(T) string) {
	slices.SortStableFunc(items, func(a, b T) int {
		if c := cmp.Compare(published(b), published(a)); c != 0 {
			return c
		}
		return cmp.Compare(name(a), name(b))
	})
}

// Level checks the level a table of zones is asked by: only the published levels of the zone
// graph (regions, provinces, health-agency areas, social districts, municipalities), never the
// custom areas a network draws for itself, which could be drawn around a few people.
func Level(kind *model.ZoneKind) error {
	if kind != nil && *kind == model.ZoneKindCustom {
		return model.Errorf(model.CodeBadUserInput, "counts are published by regions, provinces, health-agency areas, social districts or municipalities, not by custom areas")
	}
	return nil
}
