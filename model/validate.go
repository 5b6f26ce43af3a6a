package model

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on the lengths of text fields, in characters.
const (
	MaxNameLength = 200
	MaxTextLength = 2000
	MaxItemLength = 200
	MaxListLength = 50
)

// Check collects the problems of one input; each method checks one field and records what is
// wrong with it under its path.
type Check struct{ InputErrors }

// Name checks a required name: not blank, at most MaxNameLength characters.
func (c *Check) Name(value string, path ...string) {
	if strings.TrimSpace(value) == "" {
		c.Add(UserErrorCodeRequired, "must not be empty", path...)
		return
	}
	c.Text(&value, MaxNameLength, path...)
}

// Text checks an optional text's length.
func (c *Check) Text(value *string, max int, path ...string) {
	if value != nil && utf8.RuneCountInString(*value) > max {
		c.Add(UserErrorCodeInvalid, fmt.Sprintf("must be at most %d characters", max), path...)
	}
}

// Texts checks a list of short texts: at most MaxListLength items of at most MaxItemLength.
func (c *Check) Texts(values []string, path ...string) {
	if len(values) > MaxListLength {
		c.Add(UserErrorCodeInvalid, fmt.Sprintf("must hold at most %d items", MaxListLength), path...)
	}
	for _, v := range values {
		if strings.TrimSpace(v) == "" {
			c.Add(UserErrorCodeInvalid, "must not hold empty items", path...)
			return
		}
		c.Text(&v, MaxItemLength, path...)
	}
}

var (
	digits11 = regexp.MustCompile(`^[0-9]{11}$`)
	phoneRe  = regexp.MustCompile(`^\+?[0-9][0-9 ./-]{2,38}$`)
	hhmm     = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// istatDigits is how many digits the ISTAT code of each kind of zone has.
var istatDigits = map[ZoneKind]int{ZoneKindRegion: 2, ZoneKindProvince: 3, ZoneKindMunicipality: 6}

// IstatCode checks an ISTAT code against the kind of zone: 2 digits for a region, 3 for a
// province, 6 for a municipality; other kinds of zone have none.
func (c *Check) IstatCode(kind ZoneKind, code *string, path ...string) {
	if code == nil || *code == "" {
		return
	}
	n, ok := istatDigits[kind]
	switch {
	case !ok:
		c.Add(UserErrorCodeInvalid, fmt.Sprintf("a zone of kind %s has no ISTAT code", kind), path...)
	case len(*code) != n || strings.Trim(*code, "0123456789") != "":
		c.Add(UserErrorCodeInvalid, fmt.Sprintf("the ISTAT code of a zone of kind %s has %d digits", kind, n), path...)
	}
}

// TaxCode checks an organisation's tax code: 11 digits.
func (c *Check) TaxCode(code *string, path ...string) {
	if code != nil && *code != "" && !digits11.MatchString(*code) {
		c.Add(UserErrorCodeInvalid, "an organisation's tax code has 11 digits", path...)
	}
}

// Contacts checks an organisation's contacts.
func (c *Check) Contacts(in *ContactsInput, path ...string) {
	if in == nil {
		return
	}
	at := func(f string) []string { return append(append([]string{}, path...), f) }
	if in.Phone != nil && *in.Phone != "" && !phoneRe.MatchString(*in.Phone) {
		c.Add(UserErrorCodeInvalid, "a phone number has digits, spaces, dots, dashes and an optional leading +", at("phone")...)
	}
	if in.Email != nil && *in.Email != "" {
		if a, err := mail.ParseAddress(*in.Email); err != nil || a.Address != *in.Email {
			c.Add(UserErrorCodeInvalid, "is not an e-mail address", at("email")...)
		}
	}
	if in.Website != nil && *in.Website != "" && !strings.HasPrefix(*in.Website, "http://") && !strings.HasPrefix(*in.Website, "https://") {
		c.Add(UserErrorCodeInvalid, "a web address starts with http:// or https://", at("website")...)
	}
	c.Text(in.Website, 300, at("website")...)
	c.Text(in.Address, 300, at("address")...)
}

// Languages checks a list of ISO 639-1 language codes.
func (c *Check) Languages(codes []string, path ...string) {
	for _, l := range codes {
		if !IsLanguage(l) {
			c.Add(UserErrorCodeInvalid, fmt.Sprintf("%q is not an ISO 639-1 language code", l), path...)
		}
	}
}

// Ages checks an age range: each end from 0 to 120, the minimum not above the maximum.
func (c *Check) Ages(minAge, maxAge *int, path ...string) {
	at := func(f string) []string { return append(append([]string{}, path...), f) }
	for _, a := range []struct {
		v *int
		f string
	}{{minAge, "minAge"}, {maxAge, "maxAge"}} {
		if a.v != nil && (*a.v < 0 || *a.v > 120) {
			c.Add(UserErrorCodeInvalid, "an age lies between 0 and 120", at(a.f)...)
		}
	}
	if minAge != nil && maxAge != nil && *minAge > *maxAge {
		c.Add(UserErrorCodeInvalid, "must not be below minAge", at("maxAge")...)
	}
}

// Places checks a capacity and a count of free places: none negative, no more free places
// than the capacity, and no free places without a capacity.
func (c *Check) Places(capacity, free *int, path ...string) {
	at := func(f string) []string { return append(append([]string{}, path...), f) }
	if capacity != nil && *capacity < 0 {
		c.Add(UserErrorCodeInvalid, "must not be negative", at("capacity")...)
	}
	switch {
	case free == nil:
	case *free < 0:
		c.Add(UserErrorCodeInvalid, "must not be negative", at("freePlaces")...)
	case capacity == nil:
		c.Add(UserErrorCodeInvalid, "a service without a capacity has no free places", at("freePlaces")...)
	case *free > *capacity:
		c.Add(UserErrorCodeInvalid, fmt.Sprintf("must not exceed the capacity of %d", *capacity), at("freePlaces")...)
	}
}

// DateRange checks that an end date is not before its start date.
func (c *Check) DateRange(start, end *Date, path ...string) {
	if start != nil && end != nil && end.Before(start.Time) {
		c.Add(UserErrorCodeInvalid, "must not be before the start date", path...)
	}
}

// OpeningHours checks weekly opening slots: times written HH:MM, each slot closing after it opens.
func (c *Check) OpeningHours(slots []OpeningHoursInput, path ...string) {
	for _, s := range slots {
		if _, err := parseSlot(s.Day, s.Opens, s.Closes); err != nil {
			c.Add(UserErrorCodeInvalid, err.Error(), path...)
		}
	}
}

// ParseOpeningHours reads a slot as the store keeps it: "MON 09:00-13:00".
func ParseOpeningHours(s string) (OpeningHours, error) {
	day, span, ok := strings.Cut(s, " ")
	opens, closes, ok2 := strings.Cut(span, "-")
	if !ok || !ok2 {
		return OpeningHours{}, fmt.Errorf("%q is not a slot written DAY HH:MM-HH:MM", s)
	}
	return parseSlot(Weekday(day), opens, closes)
}

// String writes the slot as the store keeps it.
func (h OpeningHours) String() string { return fmt.Sprintf("%s %s-%s", h.Day, h.Opens, h.Closes) }

func parseSlot(day Weekday, opens, closes string) (OpeningHours, error) {
	switch {
	case !day.IsValid():
		return OpeningHours{}, fmt.Errorf("%q is not a day of the week", day)
	case !hhmm.MatchString(opens) || !hhmm.MatchString(closes):
		return OpeningHours{}, fmt.Errorf("times are written HH:MM, from 00:00 to 23:59")
	case opens >= closes: // HH:MM strings order as the times do
		return OpeningHours{}, fmt.Errorf("a slot must close after it opens, not %s-%s", opens, closes)
	}
	return OpeningHours{Day: day, Opens: opens, Closes: closes}, nil
}

// Today is the current date in Italy, where Snodo's networks are.
func Today() Date {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		loc = time.UTC
	}
	y, m, d := time.Now().In(loc).Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}
