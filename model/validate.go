package model

import (
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on the lengths of text fields, in characters. Every string an input carries is held
// to one of them; the schema's descriptions say which.
const (
	// MaxNameLength bounds a name or a title: one line.
	MaxNameLength = 200
	// MaxTextLength bounds a description, a note, access conditions: several lines.
	MaxTextLength = 2000
	// MaxItemLength bounds an item of a list of short texts (a required document, an instrument).
	MaxItemLength = 200
	// MaxListLength bounds how many items a list of short texts holds.
	MaxListLength = 50
	// MaxCodeLength bounds a code: an ISTAT code, a stage code, a language code, a tax code.
	MaxCodeLength = 64
	// MaxIDLength bounds a global ID given in an input or a filter.
	MaxIDLength = 200
	// MaxSearchLength and MaxSearchWords bound a full-text search.
	MaxSearchLength = 200
	MaxSearchWords  = 16
)

// Check collects the problems of one input; each method checks one field and records what is
// wrong with it under its path.
type Check struct{ InputErrors }

// Name checks a required name: not blank, one line of at most MaxNameLength characters.
func (c *Check) Name(value string, path ...string) {
	if strings.TrimSpace(value) == "" {
		c.Add(UserErrorCodeRequired, "must not be empty", path...)
		return
	}
	c.Line(&value, MaxNameLength, path...)
}

// Line checks an optional one-line text: at most max characters, no control characters (tab and
// newline included) and no bidirectional controls.
func (c *Check) Line(value *string, max int, path ...string) {
	if value != nil {
		c.text(*value, max, false, path...)
	}
}

// Text checks an optional text of several lines: at most max characters, no control characters
// but newline and tab, and no bidirectional controls.
func (c *Check) Text(value *string, max int, path ...string) {
	if value != nil {
		c.text(*value, max, true, path...)
	}
}

func (c *Check) text(value string, max int, multiline bool, path ...string) {
	// The byte length bounds the rune count from above: a long input is refused before it is read.
	if len(value) > max && (len(value) > 4*max || utf8.RuneCountInString(value) > max) {
		c.Add(UserErrorCodeInvalid, fmt.Sprintf("must be at most %d characters", max), path...)
		return
	}
	if msg := badRunes(value, multiline); msg != "" {
		c.Add(UserErrorCodeInvalid, msg, path...)
	}
}

// badRunes says what is wrong with the characters of a text, or "" when nothing is: invalid
// UTF-8, control characters (a NUL, an escape; newline and tab only in multiline text) and the
// bidirectional controls that make a text read otherwise than it is stored (U+202A to U+202E,
// U+2066 to U+2069).
func badRunes(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\t'):
		case unicode.IsControl(r):
			if multiline {
				return fmt.Sprintf("must not hold control characters (found U+%04X); newline and tab are allowed", r)
			}
			return fmt.Sprintf("must not hold control characters (found U+%04X)", r)
		case IsBidiControl(r):
			return fmt.Sprintf("must not hold bidirectional control characters (found U+%04X)", r)
		}
	}
	return ""
}

// IsBidiControl reports whether r is an embedding, override or isolate control (U+202A to
// U+202E, U+2066 to U+2069), which can make a name shown in a list read as another.
func IsBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// Code checks an optional code: one line of at most MaxCodeLength characters.
func (c *Check) Code(value *string, path ...string) { c.Line(value, MaxCodeLength, path...) }

// Search checks what a person typed into a full-text search: at most MaxSearchLength
// characters and MaxSearchWords words, one line. It runs before any query, so that a huge or
// many-worded search costs nothing.
func (c *Check) Search(value *string, path ...string) {
	if value == nil {
		return
	}
	if n := len(*value); n > 4*MaxSearchLength || (n > MaxSearchLength && utf8.RuneCountInString(*value) > MaxSearchLength) {
		c.Add(UserErrorCodeInvalid, fmt.Sprintf("a search is at most %d characters", MaxSearchLength), path...)
		return
	}
	if n := len(SearchWords(*value)); n > MaxSearchWords {
		c.Add(UserErrorCodeInvalid, fmt.Sprintf("a search is at most %d words, not %d", MaxSearchWords, n), path...)
		return
	}
	if msg := badRunes(*value, false); msg != "" {
		c.Add(UserErrorCodeInvalid, msg, path...)
	}
}

// SearchWords splits a search into the words the full-text index matches: runs of letters and
// digits.
func SearchWords(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// ID checks that a global ID given in an input is not absurdly long, before it is decoded or
// quoted in an error.
func (c *Check) ID(value string, path ...string) bool {
	if len(value) > MaxIDLength {
		c.Add(UserErrorCodeNotFound, fmt.Sprintf("is not an ID: an ID is at most %d characters", MaxIDLength), path...)
		return false
	}
	return true
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
		c.Line(&v, MaxItemLength, path...)
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
	c.Line(in.Email, 254, at("email")...)
	if in.Email != nil && *in.Email != "" && len(*in.Email) <= 254 {
		if a, err := mail.ParseAddress(*in.Email); err != nil || a.Address != *in.Email {
			c.Add(UserErrorCodeInvalid, "is not an e-mail address", at("email")...)
		}
	}
	if in.Website != nil && *in.Website != "" && !strings.HasPrefix(*in.Website, "http://") && !strings.HasPrefix(*in.Website, "https://") {
		c.Add(UserErrorCodeInvalid, "a web address starts with http:// or https://", at("website")...)
	}
	c.Line(in.Website, 300, at("website")...)
	c.Line(in.Address, 300, at("address")...)
}

// Languages checks a list of ISO 639-1 language codes.
func (c *Check) Languages(codes []string, path ...string) {
	if len(codes) > MaxListLength {
		c.Add(UserErrorCodeInvalid, fmt.Sprintf("must hold at most %d items", MaxListLength), path...)
		return
	}
	for _, l := range codes {
		if len(l) > MaxCodeLength {
			c.Add(UserErrorCodeInvalid, "is not an ISO 639-1 language code", path...)
		} else if !IsLanguage(l) {
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

// Location checks a point: a latitude between -90 and 90, a longitude between -180 and 180,
// both finite numbers.
func (c *Check) Location(p *GeoPointInput, path ...string) {
	if p == nil {
		return
	}
	at := func(f string) []string { return append(append([]string{}, path...), f) }
	lat, lon := p.ValidParts()
	if !lat {
		c.Add(UserErrorCodeInvalid, "a latitude lies between -90 and 90 degrees", at("latitude")...)
	}
	if !lon {
		c.Add(UserErrorCodeInvalid, "a longitude lies between -180 and 180 degrees", at("longitude")...)
	}
}

// ValidParts tells whether the latitude and the longitude are each within their range.
func (p GeoPointInput) ValidParts() (latitude, longitude bool) {
	return !math.IsNaN(p.Latitude) && p.Latitude >= -90 && p.Latitude <= 90,
		!math.IsNaN(p.Longitude) && p.Longitude >= -180 && p.Longitude <= 180
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

// Quote quotes what a client sent for an error message, cut to 64 characters, so that an
// answer never echoes a huge input back.
func Quote(s string) string {
	if utf8.RuneCountInString(s) <= 64 {
		return fmt.Sprintf("%q", s)
	}
	r := []rune(s)
	return fmt.Sprintf("%q… (%d characters)", string(r[:64]), len(r))
}
