package relay_test

import (
	"encoding/base64"
	"errors"
	"math"
	"strings"
	"testing"

	"snodo/relay"
)

func raw(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestGlobalIDRoundTrip(t *testing.T) {
	cases := []struct{ typ, key string }{
		{"Zone", "3f2a9c1e-8b1d-4a57-9a53-1f4f3c2d1b00"},
		{"Actor", "x"},
		{"Service", "with:colons:inside"},
		{"Need", "società è più"},
		{"ServiceCategory", strings.Repeat("k", 500)},
	}
	for _, c := range cases {
		id := relay.GlobalID(c.typ, c.key)
		if strings.ContainsAny(id, "+/= ") {
			t.Errorf("GlobalID(%q, %q) = %q is not URL-safe", c.typ, c.key, id)
		}
		typ, key, err := relay.ParseGlobalID(id)
		if err != nil || typ != c.typ || key != c.key {
			t.Errorf("ParseGlobalID(GlobalID(%q, %q)) = %q, %q, %v", c.typ, c.key, typ, key, err)
		}
	}
	if relay.GlobalID("Zone", "a") == relay.GlobalID("Actor", "a") {
		t.Error("objects of two types with one key share a global ID")
	}
}

func TestParseGlobalIDRefuses(t *testing.T) {
	cases := map[string]string{
		"empty":                 "",
		"not base64":            "!!not-base64!!",
		"standard base64 +/":    base64.StdEncoding.EncodeToString([]byte("Zone:\xfb\xff")),
		"padded":                base64.URLEncoding.EncodeToString([]byte("Zone:ab")),
		"space inside":          "Wm9u ZTph",
		"missing colon":         raw("Zone"),
		"empty type":            raw(":abc"),
		"empty key":             raw("Zone:"),
		"only a colon":          raw(":"),
		"truncated base64":      relay.GlobalID("Zone", "abc")[:1],
		"not base64 of the key": "Zone:abc",
	}
	for name, id := range cases {
		typ, key, err := relay.ParseGlobalID(id)
		if !errors.Is(err, relay.ErrMalformed) {
			t.Errorf("%s: ParseGlobalID(%q) = %q, %q, %v; want ErrMalformed", name, id, typ, key, err)
		}
		if typ != "" || key != "" {
			t.Errorf("%s: a refused ID still yields %q, %q", name, typ, key)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		in   relay.Cursor
		want any // the sort value read back
	}{
		{"string", relay.Cursor{Sort: "Follonica", Key: "k1"}, "Follonica"},
		{"empty string", relay.Cursor{Sort: "", Key: "k1"}, ""},
		{"accented string", relay.Cursor{Sort: "società", Key: "k1"}, "società"},
		{"quotes and colons", relay.Cursor{Sort: `a "b": c`, Key: "k:1"}, `a "b": c`},
		{"int64", relay.Cursor{Sort: int64(42), Key: "k2"}, int64(42)},
		{"zero", relay.Cursor{Sort: int64(0), Key: "k2"}, int64(0)},
		{"negative", relay.Cursor{Sort: int64(-7), Key: "k2"}, int64(-7)},
		{"max int64", relay.Cursor{Sort: int64(math.MaxInt64), Key: "k2"}, int64(math.MaxInt64)},
		{"min int64", relay.Cursor{Sort: int64(math.MinInt64), Key: "k2"}, int64(math.MinInt64)},
		{"int reads back as int64", relay.Cursor{Sort: 5, Key: "k3"}, int64(5)},
		{"nil", relay.Cursor{Sort: nil, Key: "k4"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := c.in.Encode()
			if strings.ContainsAny(s, "+/= ") {
				t.Errorf("cursor %q is not URL-safe", s)
			}
			got, err := relay.ParseCursor(s)
			if err != nil {
				t.Fatalf("ParseCursor(%q): %v", s, err)
			}
			if got.Sort != c.want || got.Key != c.in.Key {
				t.Errorf("round trip of %#v gives %#v (%T)", c.in, got, got.Sort)
			}
		})
	}
}

func TestIDsAndCursorsDoNotMix(t *testing.T) {
	id := relay.GlobalID("Zone", "abc")
	if c, err := relay.ParseCursor(id); !errors.Is(err, relay.ErrMalformed) {
		t.Errorf("a global ID is accepted as a cursor: %#v, %v", c, err)
	}
	// A global ID whose key looks like a cursor's body is still no cursor.
	id = relay.GlobalID("Zone", `{"s":"a","k":"b"}`)
	if c, err := relay.ParseCursor(id); !errors.Is(err, relay.ErrMalformed) {
		t.Errorf("a global ID is accepted as a cursor: %#v, %v", c, err)
	}
	// A cursor never reads as the ID of an object of a type of the API.
	types := map[string]bool{"Zone": true, "Actor": true, "Service": true, "Need": true, "ServiceCategory": true, "Partnership": true}
	for _, sort := range []any{"Zone", int64(1), nil} {
		cur := relay.Cursor{Sort: sort, Key: "abc"}.Encode()
		if typ, _, err := relay.ParseGlobalID(cur); err == nil && types[typ] {
			t.Errorf("cursor %q reads as a global ID of a %s", cur, typ)
		}
	}
}

// The package promises that "neither is accepted for the other".
func TestCursorIsNotAGlobalID(t *testing.T) {
	cur := relay.Cursor{Sort: "a", Key: "abc"}.Encode()
	if typ, key, err := relay.ParseGlobalID(cur); !errors.Is(err, relay.ErrMalformed) {
		t.Errorf("a cursor is accepted as a global ID: %q, %q, %v", typ, key, err)
	}
}

func TestParseCursorRefuses(t *testing.T) {
	good := relay.Cursor{Sort: "Follonica", Key: "k1"}.Encode()
	// Cursors carry no signature: what is refused is a cursor whose prefix or structure is
	// damaged, not one whose sort value was edited into another well-formed value.
	tampered := func(i int) string {
		b := []byte(good)
		b[i] ^= 0x01
		return string(b)
	}
	cases := map[string]string{
		"empty":                  "",
		"not base64":             "***",
		"padded":                 base64.URLEncoding.EncodeToString([]byte(`cursor:{"s":"ab","k":"b"}`)),
		"tampered prefix":        tampered(0),
		"tampered prefix end":    tampered(8),
		"tampered structure":     tampered(len(good) - 1),
		"truncated":              good[:len(good)-3],
		"no prefix":              raw(`{"s":"a","k":"b"}`),
		"other prefix":           raw(`Zone:{"s":"a","k":"b"}`),
		"prefix only":            raw("cursor:"),
		"not JSON":               raw("cursor:hello"),
		"JSON not an object":     raw(`cursor:["a","b"]`),
		"no key":                 raw(`cursor:{"s":"a"}`),
		"empty key":              raw(`cursor:{"s":"a","k":""}`),
		"key not a string":       raw(`cursor:{"s":"a","k":7}`),
		"float sort":             raw(`cursor:{"s":1.5,"k":"b"}`),
		"exponent sort":          raw(`cursor:{"s":1e3,"k":"b"}`),
		"sort beyond int64":      raw(`cursor:{"s":9223372036854775808,"k":"b"}`),
		"bool sort":              raw(`cursor:{"s":true,"k":"b"}`),
		"object sort":            raw(`cursor:{"s":{"$gt":""},"k":"b"}`),
		"list sort":              raw(`cursor:{"s":[1],"k":"b"}`),
		"float sort from Encode": relay.Cursor{Sort: 1.5, Key: "b"}.Encode(),
	}
	for name, s := range cases {
		c, err := relay.ParseCursor(s)
		if !errors.Is(err, relay.ErrMalformed) {
			t.Errorf("%s: ParseCursor(%q) = %#v, %v; want ErrMalformed", name, s, c, err)
		}
		if c != (relay.Cursor{}) {
			t.Errorf("%s: a refused cursor still yields %#v", name, c)
		}
	}
}

// A cursor is read whole: nothing may follow its JSON body.
func TestParseCursorRefusesTrailingData(t *testing.T) {
	for _, body := range []string{`cursor:{"s":"a","k":"b"}junk`, `cursor:{"s":"a","k":"b"}{"s":"c","k":"d"}`} {
		if c, err := relay.ParseCursor(raw(body)); !errors.Is(err, relay.ErrMalformed) {
			t.Errorf("ParseCursor(%q) = %#v, %v; want ErrMalformed", body, c, err)
		}
	}
}
