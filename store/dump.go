package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// A dump is a logical copy of the whole database, written by Dump from one read transaction
// (so it is consistent) and read back by Restore into an empty database. Its format, version
// DumpVersion, is JSON Lines (UTF-8, one JSON object a line):
//
//	{"format":"snodo-dump","version":1,"schemaVersion":48,"createdAt":"2026-12-01T20:00:00Z"}
//	{"node":"4:…:0","labels":["Zone"],"props":{"id":["string","…"],"version":["int","3"]}}
//	{"rel":"5:…:0","type":"PART_OF","start":"4:…:0","end":"4:…:1","props":{}}
//	{"trailer":true,"nodes":1234,"relationships":5678}
//
// The header comes first, then every node, then every relationship, then the trailer, whose
// counts let Restore refuse a file cut short. Node and relationship ids are Neo4j element ids,
// meaningful only within the file. Every property value is a pair [type, value], with the
// value written as a string where JSON would lose it:
//
//	["string", "…"]   ["bool", true]   ["int", "42"]   ["float", "0.5"] (or "NaN", "+Inf", "-Inf")
//	["datetime", RFC 3339 in UTC, with nanoseconds]   ["date", "2026-11-23"]
//	["localdatetime", "2026-11-23T10:00:00"]   ["localtime", "10:00:00"]   ["time", "10:00:00+01:00"]
//	["duration", "P{months}M{days}DT{seconds}.{nanoseconds}S"]   ["bytes", base64]   ["list", [pairs]]
//
// Snodo's own marker nodes (SnodoSchema, the tests' SnodoTestMarker) are dumped but not
// restored: the restored database gets the schema of this build, then the migrations bring the
// data from the dump's schema version to it.

// DumpVersion is the version of the dump format this build writes and reads.
const DumpVersion = 1

// DumpFormat names the format in the header.
const DumpFormat = "snodo-dump"

// DumpCounts are what a dump holds.
type DumpCounts struct {
	Nodes         int `json:"nodes"`
	Relationships int `json:"relationships"`
}

type dumpHeader struct {
	Format        string    `json:"format"`
	Version       int       `json:"version"`
	SchemaVersion int       `json:"schemaVersion"`
	CreatedAt     time.Time `json:"createdAt"`
}

type dumpLine struct {
	Node   string           `json:"node,omitempty"`
	Rel    string           `json:"rel,omitempty"`
	Labels []string         `json:"labels,omitempty"`
	Type   string           `json:"type,omitempty"`
	Start  string           `json:"start,omitempty"`
	End    string           `json:"end,omitempty"`
	Props  map[string]typed `json:"props"`
	Done   bool             `json:"trailer,omitempty"`
}

// typed is a property value as a [type, value] pair.
type typed [2]any

// Dump writes the whole database to w in the dump format, from one read transaction.
func (s *Store) Dump(ctx context.Context, w io.Writer) (DumpCounts, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	session := s.session(ctx, neo4j.AccessModeRead)
	defer func() { _ = session.Close(context.Background()) }()
	counts, err := neo4j.ExecuteRead(ctx, session, func(tx neo4j.ManagedTransaction) (DumpCounts, error) {
		var c DumpCounts
		version := 0
		res, err := tx.Run(ctx, "OPTIONAL MATCH (m:SnodoSchema {id: 'snodo'}) RETURN coalesce(m.version, 0)", nil)
		if err != nil {
			return c, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return c, err
		}
		version = int(rec.Values[0].(int64))
		if err := enc.Encode(dumpHeader{Format: DumpFormat, Version: DumpVersion, SchemaVersion: version, CreatedAt: s.now().UTC()}); err != nil {
			return c, err
		}
		nodes, err := tx.Run(ctx, "MATCH (n) RETURN n", nil)
		if err != nil {
			return c, err
		}
		for nodes.Next(ctx) {
			n := nodes.Record().Values[0].(neo4j.Node)
			props, err := encodeProps(n.Props)
			if err != nil {
				return c, fmt.Errorf("node %s: %w", n.ElementId, err)
			}
			labels := slices.Clone(n.Labels)
			sort.Strings(labels)
			if err := enc.Encode(dumpLine{Node: n.ElementId, Labels: labels, Props: props}); err != nil {
				return c, err
			}
			c.Nodes++
		}
		if err := nodes.Err(); err != nil {
			return c, err
		}
		rels, err := tx.Run(ctx, "MATCH ()-[r]->() RETURN r", nil)
		if err != nil {
			return c, err
		}
		for rels.Next(ctx) {
			r := rels.Record().Values[0].(neo4j.Relationship)
			props, err := encodeProps(r.Props)
			if err != nil {
				return c, fmt.Errorf("relationship %s: %w", r.ElementId, err)
			}
			if err := enc.Encode(dumpLine{Rel: r.ElementId, Type: r.Type, Start: r.StartElementId, End: r.EndElementId, Props: props}); err != nil {
				return c, err
			}
			c.Relationships++
		}
		if err := rels.Err(); err != nil {
			return c, err
		}
		return c, enc.Encode(map[string]any{"trailer": true, "nodes": c.Nodes, "relationships": c.Relationships})
	})
	if err != nil {
		return counts, err
	}
	return counts, bw.Flush()
}

func encodeProps(props map[string]any) (map[string]typed, error) {
	out := make(map[string]typed, len(props))
	for k, v := range props {
		t, err := encodeValue(v)
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", k, err)
		}
		out[k] = t
	}
	return out, nil
}

func encodeValue(v any) (typed, error) {
	switch v := v.(type) {
	case string:
		return typed{"string", v}, nil
	case bool:
		return typed{"bool", v}, nil
	case int64:
		return typed{"int", strconv.FormatInt(v, 10)}, nil
	case float64:
		return typed{"float", strconv.FormatFloat(v, 'g', -1, 64)}, nil
	case time.Time:
		return typed{"datetime", v.UTC().Format(time.RFC3339Nano)}, nil // Snodo keeps instants in UTC
	case dbtype.Date:
		return typed{"date", v.Time().Format(time.DateOnly)}, nil
	case dbtype.LocalDateTime:
		return typed{"localdatetime", v.Time().Format("2006-01-02T15:04:05.999999999")}, nil
	case dbtype.LocalTime:
		return typed{"localtime", v.Time().Format("15:04:05.999999999")}, nil
	case dbtype.Time:
		return typed{"time", v.Time().Format("15:04:05.999999999Z07:00")}, nil
	case dbtype.Duration:
		return typed{"duration", fmt.Sprintf("P%dM%dDT%d.%09dS", v.Months, v.Days, v.Seconds, v.Nanos)}, nil
	case []byte:
		return typed{"bytes", v}, nil // encoding/json writes base64
	case []any:
		list := make([]typed, len(v))
		for i, x := range v {
			t, err := encodeValue(x)
			if err != nil {
				return typed{}, err
			}
			list[i] = t
		}
		return typed{"list", list}, nil
	}
	return typed{}, fmt.Errorf("a value of type %T, which the dump format does not hold", v)
}

// ErrNotEmpty is the refusal to restore into a database that holds data.
var ErrNotEmpty = errors.New("the database is not empty")

// restoreBatch is how many nodes or relationships one restore transaction writes.
const restoreBatch = 2000

// identifier is a label or relationship type Restore writes into Cypher: a plain name.
var identifier = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,99}$`)

// markers are the labels of nodes that are dumped but not restored.
var markers = map[string]bool{"SnodoSchema": true, "SnodoTestMarker": true}

// Restore reads a dump into the database, which must be empty (nothing but Snodo's markers):
// nodes and relationships in batches, then the migrations from the dump's schema version. A
// file of another format or version, cut short, or from a newer schema is refused; a restore
// that fails part way leaves the database to be emptied and the restore run again.
func (s *Store) Restore(ctx context.Context, r io.Reader) (DumpCounts, error) {
	var c DumpCounts
	empty, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		records, err := run(ctx, tx, "RETURN NOT EXISTS { MATCH (n) WHERE NOT n:SnodoSchema AND NOT n:SnodoTestMarker }", nil)
		if err != nil {
			return false, err
		}
		return records[0].Values[0].(bool), nil
	})
	if err != nil {
		return c, err
	}
	if !empty {
		return c, fmt.Errorf("%w: restore loads a dump into an empty database only", ErrNotEmpty)
	}
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	dec.UseNumber()
	var h dumpHeader
	if err := dec.Decode(&h); err != nil || h.Format != DumpFormat {
		return c, fmt.Errorf("not a Snodo dump (the first line must be a %s header): %v", DumpFormat, err)
	}
	if h.Version != DumpVersion {
		return c, fmt.Errorf("a dump of format version %d; this Snodo reads version %d", h.Version, DumpVersion)
	}
	if h.SchemaVersion > SchemaVersion {
		return c, fmt.Errorf("a dump of schema version %d, newer than this Snodo's %d: restore it with a newer Snodo", h.SchemaVersion, SchemaVersion)
	}
	if err := autoCommitStmt(ctx, s, "CREATE INDEX snodo_restore IF NOT EXISTS FOR (n:SnodoRestore) ON (n.`_dumpId`)"); err != nil {
		return c, err
	}
	if err := autoCommitStmt(ctx, s, "CALL db.awaitIndexes(300)"); err != nil {
		return c, err
	}
	// Rows wait in batches by their labels (or type), which Cypher cannot take as parameters.
	nodes, rels := map[string][]map[string]any{}, map[string][]map[string]any{}
	flushNodes := func(key string) error {
		rows := nodes[key]
		if len(rows) == 0 {
			return nil
		}
		labels := ":SnodoRestore"
		if key != "" {
			labels += ":" + strings.ReplaceAll(key, ",", ":")
		}
		_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
			return run(ctx, tx, "UNWIND $rows AS row CREATE (n"+labels+") SET n = row.props, n.`_dumpId` = row.id", map[string]any{"rows": rows})
		})
		c.Nodes += len(rows)
		delete(nodes, key)
		return err
	}
	flushRels := func(typ string) error {
		rows := rels[typ]
		if len(rows) == 0 {
			return nil
		}
		records, err := write(ctx, s, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
			return run(ctx, tx, "UNWIND $rows AS row MATCH (a:SnodoRestore {`_dumpId`: row.start}), (b:SnodoRestore {`_dumpId`: row.end}) "+
				"CREATE (a)-[r:"+typ+"]->(b) SET r = row.props RETURN count(r)", map[string]any{"rows": rows})
		})
		if err == nil && int(records[0].Values[0].(int64)) != len(rows) {
			err = fmt.Errorf("a relationship of the dump joins a node the dump does not hold")
		}
		c.Relationships += len(rows)
		delete(rels, typ)
		return err
	}
	flushAll := func(batches map[string][]map[string]any, flush func(string) error) error {
		for _, k := range slices.Sorted(maps.Keys(batches)) {
			if err := flush(k); err != nil {
				return err
			}
		}
		return nil
	}
	var trailer *DumpCounts
	skipped, skippedRels := map[string]bool{}, 0
	for trailer == nil {
		var line struct {
			dumpLine
			Props         map[string]json.RawMessage `json:"props"`
			Nodes         int                        `json:"nodes"`
			Relationships int                        `json:"relationships"`
		}
		if err := dec.Decode(&line); err != nil {
			if errors.Is(err, io.EOF) {
				return c, fmt.Errorf("the dump is cut short: it has no trailer")
			}
			return c, fmt.Errorf("a line of the dump after %d nodes and %d relationships: %w", c.Nodes, c.Relationships, err)
		}
		props, err := decodeProps(line.Props)
		if err != nil {
			return c, err
		}
		switch {
		case line.Done:
			trailer = &DumpCounts{Nodes: line.Nodes, Relationships: line.Relationships}
		case line.Node != "":
			if slices.ContainsFunc(line.Labels, func(l string) bool { return markers[l] }) {
				skipped[line.Node] = true
				continue
			}
			for _, l := range line.Labels {
				if !identifier.MatchString(l) {
					return c, fmt.Errorf("node %s has a label that is not a plain name: %q", line.Node, l)
				}
			}
			key := strings.Join(line.Labels, ",")
			nodes[key] = append(nodes[key], map[string]any{"id": line.Node, "props": props})
			if len(nodes[key]) >= restoreBatch {
				if err := flushNodes(key); err != nil {
					return c, err
				}
			}
		case line.Rel != "":
			if err := flushAll(nodes, flushNodes); err != nil { // every node before the first relationship
				return c, err
			}
			if skipped[line.Start] || skipped[line.End] {
				skippedRels++
				continue
			}
			if !identifier.MatchString(line.Type) {
				return c, fmt.Errorf("relationship %s has a type that is not a plain name: %q", line.Rel, line.Type)
			}
			rels[line.Type] = append(rels[line.Type], map[string]any{"start": line.Start, "end": line.End, "props": props})
			if len(rels[line.Type]) >= restoreBatch {
				if err := flushRels(line.Type); err != nil {
					return c, err
				}
			}
		default:
			return c, fmt.Errorf("a line of the dump that is neither a node, a relationship nor the trailer")
		}
	}
	if err := flushAll(nodes, flushNodes); err != nil {
		return c, err
	}
	if err := flushAll(rels, flushRels); err != nil {
		return c, err
	}
	if c.Nodes+len(skipped) != trailer.Nodes {
		return c, fmt.Errorf("the dump's trailer counts %d nodes, the file holds %d", trailer.Nodes, c.Nodes+len(skipped))
	}
	if c.Relationships+skippedRels != trailer.Relationships {
		return c, fmt.Errorf("the dump's trailer counts %d relationships, the file holds %d", trailer.Relationships, c.Relationships+skippedRels)
	}
	// The restore's marks go, in batches; the schema record takes the dump's version, from
	// which the migrations bring it up to date.
	for _, stmt := range []string{
		"MATCH (n:SnodoRestore) CALL (n) { REMOVE n:SnodoRestore, n.`_dumpId` } IN TRANSACTIONS OF 10000 ROWS",
		"DROP INDEX snodo_restore IF EXISTS",
	} {
		if err := autoCommitStmt(ctx, s, stmt); err != nil {
			return c, err
		}
	}
	if _, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, "MERGE (m:SnodoSchema {id: 'snodo'}) SET m.version = $v", map[string]any{"v": h.SchemaVersion})
	}); err != nil {
		return c, err
	}
	return c, s.Migrate(ctx)
}

func autoCommitStmt(ctx context.Context, s *Store, stmt string) error {
	session := s.session(ctx, neo4j.AccessModeWrite)
	defer func() { _ = session.Close(context.Background()) }()
	return autoCommit(ctx, session, stmt)
}

func decodeProps(raw map[string]json.RawMessage) (map[string]any, error) {
	out := make(map[string]any, len(raw))
	for k, r := range raw {
		v, err := decodeValue(r)
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

func decodeValue(raw json.RawMessage) (any, error) {
	var pair [2]json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil {
		return nil, fmt.Errorf("a value that is not a [type, value] pair: %w", err)
	}
	var typ string
	if err := json.Unmarshal(pair[0], &typ); err != nil {
		return nil, err
	}
	if typ == "list" {
		var items []json.RawMessage
		if err := json.Unmarshal(pair[1], &items); err != nil {
			return nil, err
		}
		list := make([]any, len(items))
		for i, it := range items {
			v, err := decodeValue(it)
			if err != nil {
				return nil, err
			}
			list[i] = v
		}
		return list, nil
	}
	if typ == "bool" {
		var b bool
		err := json.Unmarshal(pair[1], &b)
		return b, err
	}
	if typ == "bytes" {
		var b []byte
		err := json.Unmarshal(pair[1], &b)
		return b, err
	}
	var s string
	if err := json.Unmarshal(pair[1], &s); err != nil {
		return nil, fmt.Errorf("a %s value that is not a string: %w", typ, err)
	}
	switch typ {
	case "string":
		return s, nil
	case "int":
		return strconv.ParseInt(s, 10, 64)
	case "float":
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !math.IsInf(f, 0) {
			return nil, err
		}
		return f, nil
	case "datetime":
		return time.Parse(time.RFC3339Nano, s)
	case "date":
		t, err := time.Parse(time.DateOnly, s)
		return neo4j.DateOf(t), err
	case "localdatetime":
		t, err := time.Parse("2006-01-02T15:04:05.999999999", s)
		return neo4j.LocalDateTimeOf(t), err
	case "localtime":
		t, err := time.Parse("15:04:05.999999999", s)
		return neo4j.LocalTimeOf(t), err
	case "time":
		t, err := time.Parse("15:04:05.999999999Z07:00", s)
		return neo4j.OffsetTimeOf(t), err
	case "duration":
		var d dbtype.Duration
		var sec, nanos int64
		if _, err := fmt.Sscanf(s, "P%dM%dDT%d.%dS", &d.Months, &d.Days, &sec, &nanos); err != nil {
			return nil, fmt.Errorf("a duration %q: %w", s, err)
		}
		d.Seconds, d.Nanos = sec, int(nanos)
		return d, nil
	}
	return nil, fmt.Errorf("a value of unknown type %q", typ)
}
