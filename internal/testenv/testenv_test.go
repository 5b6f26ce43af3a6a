package testenv

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func count(t *testing.T, e *Env, cypher string) int64 {
	t.Helper()
	return e.Query(t, cypher, nil)[0].Values[0].(int64)
}

// TestWipeRefusesADatabaseWithoutTheMarker: a database holding data but no test marker, as a
// real one would, is neither wiped nor connected to; the marker makes it wipeable again, and an
// empty database gets the marker.
func TestWipeRefusesADatabaseWithoutTheMarker(t *testing.T) {
	e := Open(t)
	ctx := context.Background()
	if n := count(t, e, `MATCH (m:`+Marker+`) RETURN count(m)`); n != 1 {
		t.Fatalf("after Open the database holds %d markers, want 1", n)
	}

	// A real database: data, no marker.
	e.Query(t, `MATCH (m:`+Marker+`) DELETE m`, nil)
	e.Query(t, `CREATE (:Zone {id: 'real', name: 'Toscana'})`, nil)
	t.Cleanup(func() {
		// Put the database back as the suite's own for the tests after this one.
		e.Query(t, `MATCH (z:Zone {id: 'real'}) DELETE z`, nil)
		if err := e.claim(ctx); err != nil {
			t.Error(err)
		}
	})
	if err := e.wipe(ctx); !errors.Is(err, ErrNotATestDatabase) {
		t.Fatalf("wiping a database with data and no marker: %v, want ErrNotATestDatabase", err)
	}
	if n := count(t, e, `MATCH (z:Zone {id: 'real'}) RETURN count(z)`); n != 1 {
		t.Errorf("the refused wipe deleted the data: %d zones left", n)
	}
	if n := count(t, e, `MATCH (m:`+Marker+`) RETURN count(m)`); n != 0 {
		t.Errorf("the refused wipe marked the database as the tests' own (%d markers)", n)
	}
	if _, err := connect(); !errors.Is(err, ErrNotATestDatabase) {
		t.Errorf("connecting to a database with data and no marker: %v, want ErrNotATestDatabase", err)
	} else if msg := err.Error(); !strings.Contains(msg, "make test") || !strings.Contains(msg, Marker) {
		t.Errorf("the refusal does not say what to do: %s", msg)
	}

	// Marked again, the same data is the tests' own and is wiped.
	e.Query(t, `CREATE (:`+Marker+`)`, nil)
	if err := e.wipe(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, e, `MATCH (n) WHERE NOT n:SnodoSchema AND NOT n:`+Marker+` RETURN count(n)`); n != 0 {
		t.Errorf("the wipe of a marked database left %d nodes", n)
	}
	if n := count(t, e, `MATCH (s:SnodoSchema) RETURN count(s)`); n != 1 {
		t.Errorf("the wipe left %d schema records, want 1", n)
	}

	// An empty database (only the schema record) is claimed: the marker is written.
	e.Query(t, `MATCH (m:`+Marker+`) DELETE m`, nil)
	if err := e.wipe(ctx); err != nil {
		t.Fatalf("wiping an empty database: %v", err)
	}
	if n := count(t, e, `MATCH (m:`+Marker+`) RETURN count(m)`); n != 1 {
		t.Errorf("an empty database got %d markers, want 1", n)
	}
}
