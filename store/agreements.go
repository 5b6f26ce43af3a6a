package store

import (
	"context"
	"time"

	"snodo/auth"
	"snodo/model"
)

// Agreements behind routes: a designed route governed by a partnership (GOVERNED_BY) loses its
// agreement when the partnership ends. One rule, here: a route loses its agreement within N
// days when its partnership's end date is on or before the store's today plus N days.

// MaxAgreementDays bounds how far ahead a reader looks for agreements that end.
const MaxAgreementDays = 3650

// AgreementDeadline is the last end date that counts as ending within the days, at the store's
// clock: today plus the days. Days outside 0..MaxAgreementDays are refused.
func (s *Store) AgreementDeadline(days int) (model.Date, error) {
	if days < 0 || days > MaxAgreementDays {
		return model.Date{}, model.Errorf(model.CodeBadUserInput, "withinDays lies in 0..%d, not %d", MaxAgreementDays, days)
	}
	now := s.now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return model.Date{Time: today.AddDate(0, 0, days)}, nil
}

// AgreementEnding reports whether an agreement that ends on end (nil: open-ended) ends by the
// deadline.
func AgreementEnding(end *model.Date, deadline model.Date) bool {
	return end != nil && !end.After(deadline.Time)
}

// RoutesLosingAgreement lists the routes whose governing partnership ends within the days,
// soonest first: from the partnerships by their end date (an index), to the routes they
// govern. A coordinator gets the routes whose two ends lie wholly in its zones.
func (s *Store) RoutesLosingAgreement(ctx context.Context, days int, p Page) (*model.Connection[*model.Route], error) {
	deadline, err := s.AgreementDeadline(days)
	if err != nil {
		return nil, err
	}
	q := query{start: "MATCH (agreement:Partnership) WHERE agreement.endDate <= $deadline MATCH (n:Route)-[:GOVERNED_BY]->(agreement)",
		params: map[string]any{"deadline": deadline}}
	if v := auth.From(ctx); v.Role != auth.Admin {
		q.where(routeInScope("n"), "scope", orEmpty(v.ZoneIDs))
	}
	return list(ctx, s, q, p, order{expr: "toString(agreement.endDate)"}, decodeRoute)
}
