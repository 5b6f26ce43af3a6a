package relay

import (
	"errors"
	"testing"
)

// FuzzParseGlobalID: any string is either refused with ErrMalformed or split into a type and
// key that give back the same ID; what GlobalID makes always parses back.
func FuzzParseGlobalID(f *testing.F) {
	for _, s := range []string{"", "Wm9uZTox", GlobalID("Zone", "1"), GlobalID("Case", "a:b:c"), "Wm9uZTo", "====", "Wm9uZQ", "\x00\xff", GlobalID("zone", "x")} {
		f.Add(s, "Zone", "k")
	}
	f.Fuzz(func(t *testing.T, id, typ, key string) {
		gotType, gotKey, err := ParseGlobalID(id)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParseGlobalID(%q): %v, not ErrMalformed", id, err)
			}
		} else if GlobalID(gotType, gotKey) != id {
			t.Fatalf("ParseGlobalID(%q) = %q, %q, which do not make the ID again", id, gotType, gotKey)
		}
		if typeName.MatchString(typ) && key != "" {
			if a, b, err := ParseGlobalID(GlobalID(typ, key)); err != nil || a != typ || b != key {
				t.Fatalf("GlobalID(%q, %q) parses as %q, %q, %v", typ, key, a, b, err)
			}
		}
	})
}

// FuzzParseCursor: any string is refused with ErrMalformed or read as a cursor that encodes to
// a cursor that reads the same; a cursor's own encoding reads back.
func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{"", Cursor{Sort: "b", Key: "k"}.Encode(), Cursor{Sort: int64(7), Key: "k"}.Encode(),
		Cursor{Sort: nil, Key: "k"}.Encode(), GlobalID("Zone", "1"), "Y3Vyc29yOnt9", "Y3Vyc29yOnsiayI6IngifXt9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCursor(s)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("ParseCursor(%q): %v, not ErrMalformed", s, err)
			}
			return
		}
		again, err := ParseCursor(c.Encode())
		if err != nil || again.Key != c.Key || again.Sort != c.Sort {
			t.Fatalf("ParseCursor(%q) = %+v, whose encoding reads %+v, %v", s, c, again, err)
		}
	})
}
