package model

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// Date is a calendar date with no time of day, held as midnight UTC.
type Date struct{ time.Time }

// ParseDate reads a date written YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%s is not a date written YYYY-MM-DD", Quote(s))
	}
	return Date{t}, nil
}

// String writes the date as YYYY-MM-DD.
func (d Date) String() string { return d.Format(time.DateOnly) }

// MarshalGQL writes the date as a GraphQL string.
func (d Date) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(d.String())) }

// UnmarshalGQL reads a date from a GraphQL string.
func (d *Date) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return Errorf(CodeBadUserInput, "a date is a string written YYYY-MM-DD")
	}
	p, err := ParseDate(s)
	if err != nil {
		return Errorf(CodeBadUserInput, "%s", err.Error())
	}
	*d = p
	return nil
}

// MarshalDateTime writes an instant as an RFC 3339 string.
func MarshalDateTime(t time.Time) graphql.Marshaler {
	return graphql.MarshalTime(t)
}

// UnmarshalDateTime reads an instant written in RFC 3339, with its offset from UTC (which RFC
// 3339 bounds to under 24 hours; its T and Z may be lower case). The instant keeps the offset it
// was written with; the store sends every instant to Neo4j in UTC.
func UnmarshalDateTime(v any) (time.Time, error) {
	if s, ok := v.(string); ok {
		if t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(s)); err == nil {
			if _, offset := t.Zone(); offset > -24*3600 && offset < 24*3600 {
				return t, nil
			}
		}
	}
	return time.Time{}, Errorf(CodeBadUserInput, "%s is not a time written in RFC 3339, such as 2026-11-23T10:00:00+01:00", Quote(fmt.Sprint(v)))
}
