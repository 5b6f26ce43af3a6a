package model_test

import (
	"strings"
	"testing"
	"time"

	"snodo/model"
)

func ptr[T any](v T) *T { return &v }

// problem is a recorded error as a test expects it: the field path joined by dots, and the code.
type problem struct{ field, code string }

type checkCase struct {
	name  string
	check func(c *model.Check)
	want  []problem // none for a valid input
}

func runChecks(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c model.Check
			tc.check(&c)
			got := make([]problem, len(c.InputErrors))
			for i, u := range c.InputErrors {
				got[i] = problem{strings.Join(u.Field, "."), string(u.Code)}
				if u.Message == "" {
					t.Errorf("error at %v has no message", u.Field)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v (%v), want %v", got, c.InputErrors, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("error %d is %v, want %v (%v)", i, got[i], tc.want[i], c.InputErrors)
				}
			}
			if (c.Err() == nil) != (len(tc.want) == 0) {
				t.Errorf("Err() = %v with %d problems", c.Err(), len(tc.want))
			}
		})
	}
}

func TestCheckName(t *testing.T) {
	name := func(v string) func(*model.Check) { return func(c *model.Check) { c.Name(v, "input", "name") } }
	req := []problem{{"input.name", "REQUIRED"}}
	inv := []problem{{"input.name", "INVALID"}}
	runChecks(t, []checkCase{
		{"plain", name("Follonica"), nil},
		{"one character", name("X"), nil},
		{"empty", name(""), req},
		{"blank", name("  \t\n"), req},
		{"200 characters", name(strings.Repeat("a", model.MaxNameLength)), nil},
		{"201 characters", name(strings.Repeat("a", model.MaxNameLength+1)), inv},
		{"200 accented characters (400 bytes)", name(strings.Repeat("è", model.MaxNameLength)), nil},
		{"201 accented characters", name(strings.Repeat("è", model.MaxNameLength+1)), inv},
	})
}

func TestCheckText(t *testing.T) {
	text := func(v *string, max int) func(*model.Check) {
		return func(c *model.Check) { c.Text(v, max, "input", "description") }
	}
	inv := []problem{{"input.description", "INVALID"}}
	runChecks(t, []checkCase{
		{"nil", text(nil, 10), nil},
		{"empty", text(ptr(""), 10), nil},
		{"at the limit", text(ptr(strings.Repeat("x", model.MaxTextLength)), model.MaxTextLength), nil},
		{"over the limit", text(ptr(strings.Repeat("x", model.MaxTextLength+1)), model.MaxTextLength), inv},
		{"runes, not bytes", text(ptr("àèìòù"), 5), nil},
		{"six runes over five", text(ptr("àèìòùé"), 5), inv},
	})
}

func TestCheckTexts(t *testing.T) {
	texts := func(v ...string) func(*model.Check) {
		return func(c *model.Check) { c.Texts(v, "input", "tags") }
	}
	many := make([]string, model.MaxListLength+1)
	for i := range many {
		many[i] = "t"
	}
	inv := []problem{{"input.tags", "INVALID"}}
	runChecks(t, []checkCase{
		{"none", texts(), nil},
		{"some", texts("a", "b"), nil},
		{"50 items", texts(many[:model.MaxListLength]...), nil},
		{"51 items", texts(many...), inv},
		{"an empty item", texts("a", " "), inv},
		{"a long item", texts(strings.Repeat("x", model.MaxItemLength+1)), inv},
	})
}

func TestCheckIstatCode(t *testing.T) {
	istat := func(kind model.ZoneKind, code *string) func(*model.Check) {
		return func(c *model.Check) { c.IstatCode(kind, code, "input", "istatCode") }
	}
	inv := []problem{{"input.istatCode", "INVALID"}}
	runChecks(t, []checkCase{
		{"region, 2 digits", istat(model.ZoneKindRegion, ptr("09")), nil},
		{"region, 1 digit", istat(model.ZoneKindRegion, ptr("9")), inv},
		{"region, 3 digits", istat(model.ZoneKindRegion, ptr("009")), inv},
		{"region, a letter", istat(model.ZoneKindRegion, ptr("0a")), inv},
		{"province, 3 digits", istat(model.ZoneKindProvince, ptr("053")), nil},
		{"province, 2 digits", istat(model.ZoneKindProvince, ptr("53")), inv},
		{"province, a sign", istat(model.ZoneKindProvince, ptr("-53")), inv},
		{"municipality, 6 digits", istat(model.ZoneKindMunicipality, ptr("053009")), nil},
		{"municipality, 5 digits", istat(model.ZoneKindMunicipality, ptr("53009")), inv},
		{"municipality, 7 digits", istat(model.ZoneKindMunicipality, ptr("0530090")), inv},
		{"municipality, a space", istat(model.ZoneKindMunicipality, ptr("053 09")), inv},
		{"municipality, fullwidth digits", istat(model.ZoneKindMunicipality, ptr("０９")), inv},
		{"social district has none", istat(model.ZoneKindSocialDistrict, ptr("123")), inv},
		{"health agency area has none", istat(model.ZoneKindHealthAgencyArea, ptr("12")), inv},
		{"custom has none", istat(model.ZoneKindCustom, ptr("1")), inv},
		{"nil on any kind", istat(model.ZoneKindCustom, nil), nil},
		{"empty on any kind", istat(model.ZoneKindSocialDistrict, ptr("")), nil},
		{"empty on a municipality", istat(model.ZoneKindMunicipality, ptr("")), nil},
	})
}

func TestCheckTaxCode(t *testing.T) {
	tax := func(v *string) func(*model.Check) { return func(c *model.Check) { c.TaxCode(v, "input", "taxCode") } }
	inv := []problem{{"input.taxCode", "INVALID"}}
	runChecks(t, []checkCase{
		{"nil", tax(nil), nil},
		{"empty", tax(ptr("")), nil},
		{"11 digits", tax(ptr("01234567890")), nil},
		{"10 digits", tax(ptr("0123456789")), inv},
		{"12 digits", tax(ptr("012345678901")), inv},
		{"a letter", tax(ptr("0123456789a")), inv},
		{"VAT prefix", tax(ptr("IT01234567890")), inv},
		{"a person's codice fiscale", tax(ptr("RSSMRA80A01H501U")), inv},
		{"spaces", tax(ptr("012 3456 7890")), inv},
		{"trailing newline", tax(ptr("01234567890\n")), inv},
	})
}

func TestCheckContacts(t *testing.T) {
	contacts := func(in *model.ContactsInput) func(*model.Check) {
		return func(c *model.Check) { c.Contacts(in, "input", "contacts") }
	}
	phone := func(p string) *model.ContactsInput { return &model.ContactsInput{Phone: &p} }
	email := func(e string) *model.ContactsInput { return &model.ContactsInput{Email: &e} }
	website := func(w string) *model.ContactsInput { return &model.ContactsInput{Website: &w} }
	badPhone := []problem{{"input.contacts.phone", "INVALID"}}
	badEmail := []problem{{"input.contacts.email", "INVALID"}}
	badWebsite := []problem{{"input.contacts.website", "INVALID"}}
	runChecks(t, []checkCase{
		{"nil", contacts(nil), nil},
		{"all empty", contacts(&model.ContactsInput{}), nil},
		{"empty strings", contacts(&model.ContactsInput{Phone: ptr(""), Email: ptr(""), Website: ptr(""), Address: ptr("")}), nil},
		{"all good", contacts(&model.ContactsInput{
			Phone: ptr("+39 0566 123456"), Email: ptr("info@example.org"),
			Website: ptr("https://example.org/contatti"), Address: ptr("Via Roma 1, 58022 Follonica GR"),
		}), nil},
		{"phone with dots, dashes and a slash", contacts(phone("0566/12.34-56")), nil},
		{"phone of 3 digits", contacts(phone("112")), nil},
		{"phone too short", contacts(phone("11")), badPhone},
		{"phone with letters", contacts(phone("0566 CALLME")), badPhone},
		{"phone with brackets", contacts(phone("+39 (0566) 1234")), badPhone},
		{"phone with a plus inside", contacts(phone("39+0566")), badPhone},
		{"phone starting with a space", contacts(phone(" 0566123")), badPhone},
		{"phone of 40 characters", contacts(phone("+" + strings.Repeat("1", 39))), nil},
		{"phone of 41 characters", contacts(phone("+" + strings.Repeat("1", 40))), badPhone},
		{"e-mail without @", contacts(email("info.example.org")), badEmail},
		{"e-mail with a display name", contacts(email("Info <info@example.org>")), badEmail},
		{"e-mail with spaces", contacts(email(" info@example.org")), badEmail},
		{"two e-mails", contacts(email("a@example.org, b@example.org")), badEmail},
		{"website http", contacts(website("http://example.org")), nil},
		{"website without scheme", contacts(website("www.example.org")), badWebsite},
		{"website ftp", contacts(website("ftp://example.org")), badWebsite},
		{"website javascript", contacts(website("javascript:alert(1)")), badWebsite},
		{"website of 300 characters", contacts(website("https://" + strings.Repeat("a", 292))), nil},
		{"website of 301 characters", contacts(website("https://" + strings.Repeat("a", 293))), badWebsite},
		{"address of 301 characters", contacts(&model.ContactsInput{Address: ptr(strings.Repeat("a", 301))}), []problem{{"input.contacts.address", "INVALID"}}},
		{"every field wrong", contacts(&model.ContactsInput{Phone: ptr("x"), Email: ptr("y"), Website: ptr("z")}),
			[]problem{{"input.contacts.phone", "INVALID"}, {"input.contacts.email", "INVALID"}, {"input.contacts.website", "INVALID"}}},
	})
}

func TestCheckLanguages(t *testing.T) {
	langs := func(v ...string) func(*model.Check) {
		return func(c *model.Check) { c.Languages(v, "input", "languages") }
	}
	inv := problem{"input.languages", "INVALID"}
	runChecks(t, []checkCase{
		{"none", langs(), nil},
		{"Italian, Arabic, English", langs("it", "ar", "en"), nil},
		{"upper case", langs("IT"), []problem{inv}},
		{"three letters", langs("ita"), []problem{inv}},
		{"a locale", langs("it-IT"), []problem{inv}},
		{"empty", langs(""), []problem{inv}},
		{"not a code", langs("xx"), []problem{inv}},
		{"each bad code counts", langs("it", "xx", "yy"), []problem{inv, inv}},
	})
}

func TestCheckAges(t *testing.T) {
	ages := func(lo, hi *int) func(*model.Check) { return func(c *model.Check) { c.Ages(lo, hi, "input") } }
	runChecks(t, []checkCase{
		{"none", ages(nil, nil), nil},
		{"0 to 120", ages(ptr(0), ptr(120)), nil},
		{"one age", ages(ptr(18), ptr(18)), nil},
		{"only a minimum", ages(ptr(65), nil), nil},
		{"only a maximum", ages(nil, ptr(17)), nil},
		{"negative minimum", ages(ptr(-1), nil), []problem{{"input.minAge", "INVALID"}}},
		{"maximum over 120", ages(nil, ptr(121)), []problem{{"input.maxAge", "INVALID"}}},
		{"minimum over maximum", ages(ptr(30), ptr(20)), []problem{{"input.maxAge", "INVALID"}}},
		{"both out of range and crossed", ages(ptr(200), ptr(-5)),
			[]problem{{"input.minAge", "INVALID"}, {"input.maxAge", "INVALID"}, {"input.maxAge", "INVALID"}}},
	})
}

func TestCheckPlaces(t *testing.T) {
	places := func(capacity, free *int) func(*model.Check) {
		return func(c *model.Check) { c.Places(capacity, free, "input") }
	}
	badFree := []problem{{"input.freePlaces", "INVALID"}}
	runChecks(t, []checkCase{
		{"none", places(nil, nil), nil},
		{"capacity only", places(ptr(10), nil), nil},
		{"some free", places(ptr(10), ptr(3)), nil},
		{"all free", places(ptr(10), ptr(10)), nil},
		{"full", places(ptr(10), ptr(0)), nil},
		{"zero capacity", places(ptr(0), ptr(0)), nil},
		{"more free than capacity", places(ptr(10), ptr(11)), badFree},
		{"free without capacity", places(nil, ptr(0)), badFree},
		{"negative capacity", places(ptr(-1), nil), []problem{{"input.capacity", "INVALID"}}},
		{"negative free", places(ptr(5), ptr(-1)), badFree},
	})
}

func TestCheckDateRange(t *testing.T) {
	date := func(s string) *model.Date {
		d, err := model.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	rng := func(start, end *model.Date) func(*model.Check) {
		return func(c *model.Check) { c.DateRange(start, end, "input", "endDate") }
	}
	runChecks(t, []checkCase{
		{"none", rng(nil, nil), nil},
		{"start only", rng(date("2025-01-01"), nil), nil},
		{"end only", rng(nil, date("2025-01-01")), nil},
		{"one day", rng(date("2025-01-01"), date("2025-01-01")), nil},
		{"a year", rng(date("2025-01-01"), date("2025-12-31")), nil},
		{"end before start", rng(date("2025-01-02"), date("2025-01-01")), []problem{{"input.endDate", "INVALID"}}},
	})
}

func TestParseDate(t *testing.T) {
	d, err := model.ParseDate("2024-02-29")
	if err != nil || d.String() != "2024-02-29" || d.Location() != time.UTC || d.Hour() != 0 {
		t.Errorf("ParseDate(2024-02-29) = %v, %v", d, err)
	}
	for _, s := range []string{"", "2025-02-29", "2025-13-01", "01/02/2025", "2025-1-2", "2025-01-01T00:00:00Z"} {
		if _, err := model.ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
}

func TestCheckOpeningHours(t *testing.T) {
	slot := func(day model.Weekday, opens, closes string) model.OpeningHoursInput {
		return model.OpeningHoursInput{Day: day, Opens: opens, Closes: closes}
	}
	hours := func(slots ...model.OpeningHoursInput) func(*model.Check) {
		return func(c *model.Check) { c.OpeningHours(slots, "input", "openingHours") }
	}
	inv := problem{"input.openingHours", "INVALID"}
	runChecks(t, []checkCase{
		{"none", hours(), nil},
		{"a morning", hours(slot(model.WeekdayMon, "09:00", "13:00")), nil},
		{"morning and afternoon", hours(slot(model.WeekdayTue, "09:00", "13:00"), slot(model.WeekdayTue, "14:30", "18:00")), nil},
		{"the whole day", hours(slot(model.WeekdaySun, "00:00", "23:59")), nil},
		{"closes when it opens", hours(slot(model.WeekdayMon, "09:00", "09:00")), []problem{inv}},
		{"closes before it opens", hours(slot(model.WeekdayMon, "13:00", "09:00")), []problem{inv}},
		{"overnight", hours(slot(model.WeekdayFri, "22:00", "02:00")), []problem{inv}},
		{"one-digit hour", hours(slot(model.WeekdayMon, "9:00", "13:00")), []problem{inv}},
		{"24:00", hours(slot(model.WeekdayMon, "09:00", "24:00")), []problem{inv}},
		{"minute 60", hours(slot(model.WeekdayMon, "09:60", "13:00")), []problem{inv}},
		{"seconds", hours(slot(model.WeekdayMon, "09:00:00", "13:00")), []problem{inv}},
		{"unknown day", hours(slot("FUN", "09:00", "13:00")), []problem{inv}},
		{"lower-case day", hours(slot("mon", "09:00", "13:00")), []problem{inv}},
		{"each bad slot counts", hours(slot("X", "09:00", "13:00"), slot(model.WeekdayMon, "09:00", "13:00"), slot(model.WeekdayMon, "1", "2")), []problem{inv, inv}},
	})
}

func TestParseOpeningHours(t *testing.T) {
	for _, s := range []string{"MON 09:00-13:00", "SUN 00:00-23:59", "WED 14:30-18:00"} {
		h, err := model.ParseOpeningHours(s)
		if err != nil {
			t.Errorf("ParseOpeningHours(%q): %v", s, err)
			continue
		}
		if h.String() != s {
			t.Errorf("ParseOpeningHours(%q).String() = %q", s, h.String())
		}
	}
	h, err := model.ParseOpeningHours("FRI 08:15-12:45")
	if want := (model.OpeningHours{Day: model.WeekdayFri, Opens: "08:15", Closes: "12:45"}); err != nil || h != want {
		t.Errorf("ParseOpeningHours(FRI 08:15-12:45) = %+v, %v", h, err)
	}
	for _, day := range model.AllWeekday {
		s := model.OpeningHours{Day: day, Opens: "10:00", Closes: "11:00"}.String()
		if h, err := model.ParseOpeningHours(s); err != nil || h.String() != s {
			t.Errorf("round trip of %q gives %q, %v", s, h.String(), err)
		}
	}
	for _, s := range []string{
		"", "MON", "MON 09:00", "MON09:00-13:00", "MON 09:00 13:00", "MON 13:00-09:00",
		"MON 09:00-09:00", "FUNDAY 09:00-10:00", "mon 09:00-13:00", "MON 9:00-13:00",
		"MON 09:00-13:00 ", "MON  09:00-13:00", "MON 09:00-13:00-14:00",
	} {
		if h, err := model.ParseOpeningHours(s); err == nil {
			t.Errorf("ParseOpeningHours(%q) accepted as %+v", s, h)
		}
	}
}

func TestIsLanguage(t *testing.T) {
	for _, code := range []string{"it", "en", "ar", "fr", "de", "es", "ro", "sq", "uk", "zh", "aa", "zu", "ti", "wo"} {
		if !model.IsLanguage(code) {
			t.Errorf("IsLanguage(%q) = false", code)
		}
	}
	for _, code := range []string{"", "IT", "It", "ita", "eng", "xx", "qq", "i", " it", "it ", "it-IT", "en_GB"} {
		if model.IsLanguage(code) {
			t.Errorf("IsLanguage(%q) = true", code)
		}
	}
}

func TestInputErrors(t *testing.T) {
	var c model.Check
	if c.Err() != nil {
		t.Error("a check with no problems has an error")
	}
	c.Name("", "input", "name")
	c.TaxCode(ptr("1"), "input", "taxCode")
	err := c.Err()
	if err == nil {
		t.Fatal("a check with problems has no error")
	}
	if msg := err.Error(); !strings.Contains(msg, "input.name: ") || !strings.Contains(msg, "; input.taxCode: ") {
		t.Errorf("the error reads %q", msg)
	}
	got, ok := model.AsInputErrors(err)
	if !ok || len(got) != 2 {
		t.Errorf("AsInputErrors = %v, %v", got, ok)
	}
	if _, ok := model.AsInputErrors(model.Errorf(model.CodeNotFound, "x")); ok {
		t.Error("an *Error is taken for input errors")
	}
	if code := model.ErrorCode(model.Errorf(model.CodeNotFound, "x")); code != model.CodeNotFound {
		t.Errorf("ErrorCode of a NOT_FOUND error is %s", code)
	}
	if code := model.ErrorCode(err); code != model.CodeInternal {
		t.Errorf("ErrorCode of input errors is %s, want INTERNAL_SERVER_ERROR", code)
	}
}

func TestTextCharactersAndBounds(t *testing.T) {
	invalid := []problem{{"f", "INVALID"}}
	runChecks(t, []checkCase{
		{"a plain name", func(c *model.Check) { c.Name("Società della Salute", "f") }, nil},
		{"a NUL in a name", func(c *model.Check) { c.Name("a\x00b", "f") }, invalid},
		{"a newline in a name", func(c *model.Check) { c.Name("a\nb", "f") }, invalid},
		{"a tab in a name", func(c *model.Check) { c.Name("a\tb", "f") }, invalid},
		{"a right-to-left override in a name", func(c *model.Check) { c.Name("exe.\u202etxt", "f") }, invalid},
		{"each embedding, override and isolate", func(c *model.Check) {
			for _, r := range []rune{0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069} {
				c.Line(ptr("a"+string(r)), 10, "f")
			}
		}, []problem{{"f", "INVALID"}, {"f", "INVALID"}, {"f", "INVALID"}, {"f", "INVALID"}, {"f", "INVALID"}, {"f", "INVALID"}, {"f", "INVALID"}, {"f", "INVALID"}, {"f", "INVALID"}}},
		{"a right-to-left mark is text", func(c *model.Check) { c.Name("نص\u200fعربي", "f") }, nil},
		{"invalid UTF-8", func(c *model.Check) { c.Name("a\xffb", "f") }, invalid},
		{"newline and tab in long text", func(c *model.Check) { c.Text(ptr("una\n\triga"), model.MaxTextLength, "f") }, nil},
		{"a carriage return in long text", func(c *model.Check) { c.Text(ptr("una\r\nriga"), model.MaxTextLength, "f") }, invalid},
		{"an escape in long text", func(c *model.Check) { c.Text(ptr("\x1b[2J"), model.MaxTextLength, "f") }, invalid},
		{"a DEL in long text", func(c *model.Check) { c.Text(ptr("a\x7f"), model.MaxTextLength, "f") }, invalid},
		{"2000 accented characters", func(c *model.Check) { c.Text(ptr(strings.Repeat("è", 2000)), model.MaxTextLength, "f") }, nil},
		{"2001 characters", func(c *model.Check) { c.Text(ptr(strings.Repeat("a", 2001)), model.MaxTextLength, "f") }, invalid},
		{"a 65-character code", func(c *model.Check) { c.Code(ptr(strings.Repeat("1", 65)), "f") }, invalid},
		{"a 201-character ID", func(c *model.Check) { c.ID(strings.Repeat("A", 201), "f") }, []problem{{"f", "NOT_FOUND"}}},
	})
}

func TestSearchBounds(t *testing.T) {
	invalid := []problem{{"f", "INVALID"}}
	runChecks(t, []checkCase{
		{"16 words", func(c *model.Check) { c.Search(ptr(strings.Repeat("parola ", 16)), "f") }, nil},
		{"17 words", func(c *model.Check) { c.Search(ptr(strings.Repeat("parola ", 17)), "f") }, invalid},
		{"punctuation is no word", func(c *model.Check) { c.Search(ptr("a "+strings.Repeat("-! ", 40)), "f") }, nil},
		{"200 characters", func(c *model.Check) { c.Search(ptr(strings.Repeat("à", 200)), "f") }, nil},
		{"201 characters", func(c *model.Check) { c.Search(ptr(strings.Repeat("a", 201)), "f") }, invalid},
		{"900 KB", func(c *model.Check) { c.Search(ptr(strings.Repeat("x", 900_000)), "f") }, invalid},
		{"a NUL", func(c *model.Check) { c.Search(ptr("a\x00"), "f") }, invalid},
	})
}

func TestQuoteCutsLongInput(t *testing.T) {
	if got := model.Quote("abc"); got != `"abc"` {
		t.Errorf("Quote(abc) = %s", got)
	}
	if got := model.Quote(strings.Repeat("x", 900_000)); len(got) > 100 || !strings.Contains(got, "900000 characters") {
		t.Errorf("Quote of 900 KB = %s", got)
	}
}
