package store_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"snodo/internal/testenv"
	"snodo/seed"
	"snodo/store"
)

// canonical reads a dump into what it says regardless of element ids: each node as its labels
// and typed properties, each relationship as its type, properties and the two nodes it joins;
// the markers left out. Sorted, so that two dumps of the same data compare equal.
func canonical(t *testing.T, dump []byte) (nodes, rels []string) {
	t.Helper()
	key := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(dump))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var l struct {
			Node, Rel, Type, Start, End string
			Labels                      []string
			Props                       map[string]any
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("a dump line that is not JSON: %s", sc.Text())
		}
		props, _ := json.Marshal(l.Props)
		switch {
		case l.Node != "":
			if slices.Contains(l.Labels, "SnodoSchema") || slices.Contains(l.Labels, testenv.Marker) {
				continue
			}
			key[l.Node] = strings.Join(l.Labels, ":") + string(props)
			nodes = append(nodes, key[l.Node])
		case l.Rel != "":
			rels = append(rels, key[l.Start]+" -"+l.Type+string(props)+"-> "+key[l.End])
		}
	}
	slices.Sort(nodes)
	slices.Sort(rels)
	return nodes, rels
}

// TestDumpRestoreRoundTrip dumps the demo network (and a node with every kind of value),
// restores it into the emptied database and dumps it again: the two dumps hold the same
// nodes, properties and relationships. A restore into a database with data, and of a file cut
// short, are refused.
func TestDumpRestoreRoundTrip(t *testing.T) {
	e := testenv.Open(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	e.Query(t, `MATCH (z:Zone) WITH z LIMIT 1 CREATE (z)-[:PROBED {at: datetime('2026-11-23T10:00:00.123456789+01:00')}]->(:DumpProbe {
		s: 'Società "quoted" \n line', i: -9007199254740993, f: 0.1, nan: 0.0/0.0, b: false, list: [1, 2, 3], strs: ['a', 'b'],
		d: date('2026-02-28'), ldt: localdatetime('2026-11-23T10:00:00.5'), lt: localtime('23:59:59'), ot: time('10:00:00+01:00'),
		dur: duration('P1Y2M3DT4H5M6.007S')})`, nil)
	var first bytes.Buffer
	start := time.Now()
	counts, err := e.Store.Dump(ctx, &first)
	if err != nil {
		t.Fatal(err)
	}
	dumpTook := time.Since(start)
	total := e.Query(t, "MATCH (n) RETURN count(n)", nil)[0].Values[0].(int64)
	if int64(counts.Nodes) != total || counts.Relationships == 0 {
		t.Fatalf("the dump holds %+v; the database %d nodes", counts, total)
	}
	if _, err := e.Store.Restore(ctx, bytes.NewReader(first.Bytes())); !errors.Is(err, store.ErrNotEmpty) {
		t.Errorf("a restore into a database with data: %v, want ErrNotEmpty", err)
	}

	// A file cut short writes what it read and says so.
	e.Wipe(t)
	cut := first.Bytes()[:len(first.Bytes())*2/3]
	if _, err := e.Store.Restore(ctx, bytes.NewReader(cut[:bytes.LastIndexByte(cut, '\n')+1])); err == nil || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("a dump cut short: %v", err)
	}

	e.Wipe(t)
	start = time.Now()
	restored, err := e.Store.Restore(ctx, bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	restoreTook := time.Since(start)
	t.Logf("demo network: %d nodes, %d relationships, %d bytes; dump %s, restore %s",
		counts.Nodes, counts.Relationships, first.Len(), dumpTook.Round(time.Millisecond), restoreTook.Round(time.Millisecond))
	if restored.Relationships != counts.Relationships {
		t.Errorf("restored %+v of %+v", restored, counts)
	}
	var second bytes.Buffer
	if _, err := e.Store.Dump(ctx, &second); err != nil {
		t.Fatal(err)
	}
	n1, r1 := canonical(t, first.Bytes())
	n2, r2 := canonical(t, second.Bytes())
	if !slices.Equal(n1, n2) || !slices.Equal(r1, r2) {
		for i := range min(len(n1), len(n2)) {
			if n1[i] != n2[i] {
				t.Errorf("first node that differs:\n%s\n%s", n1[i], n2[i])
				break
			}
		}
		t.Fatalf("the restored database differs: %d/%d nodes, %d/%d relationships", len(n1), len(n2), len(r1), len(r2))
	}
	if probe := e.Query(t, "MATCH (p:DumpProbe) RETURN p.i, p.dur.days, p.ldt.nanosecond", nil); len(probe) != 1 ||
		probe[0].Values[0] != int64(-9007199254740993) || probe[0].Values[1] != int64(3) || probe[0].Values[2] != int64(500000000) {
		t.Errorf("the probe's values: %v", probe)
	}
	if left := e.Query(t, "MATCH (n:SnodoRestore) RETURN count(n)", nil)[0].Values[0].(int64); left != 0 {
		t.Errorf("%d nodes keep the restore's mark", left)
	}
	if ok, err := e.Store.Migrated(ctx); err != nil || !ok {
		t.Errorf("after the restore the schema is not current: %v %v", ok, err)
	}
}
