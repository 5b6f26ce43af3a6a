package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
	"snodo/relay"
)

// keyOf turns the global ID given at path into the key of a node with the label, recording a
// NOT_FOUND input error when the ID is not one of a node of that type.
func keyOf(c *model.Check, label, gid string, path ...string) string {
	if !c.ID(gid, path...) {
		return ""
	}
	typ, key, err := relay.ParseGlobalID(gid)
	if err != nil || typ != label {
		c.Add(model.UserErrorCodeNotFound, fmt.Sprintf("%s is not the ID of a %s", model.Quote(gid), label), path...)
		return ""
	}
	return key
}

// keysOf is keyOf for a list of IDs; duplicates are dropped.
func keysOf(c *model.Check, label string, gids []string, path ...string) []string {
	keys := make([]string, 0, len(gids))
	seen := map[string]bool{}
	for i, gid := range gids {
		k := keyOf(c, label, gid, append(append([]string{}, path...), strconv.Itoa(i))...)
		if k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// optKeyOf is keyOf for an optional ID, where an empty string means "none".
func optKeyOf(c *model.Check, label string, gid *string, path ...string) *string {
	if gid == nil {
		return nil
	}
	if *gid == "" {
		return gid
	}
	k := keyOf(c, label, *gid, path...)
	return &k
}

// mustExist answers a NOT_FOUND input error at path for the keys with no node of the label; for
// a list, the path ends with the index of the missing one.
func mustExist(ctx context.Context, tx neo4j.ManagedTransaction, label string, keys []string, list bool, path ...string) error {
	if len(keys) == 0 {
		return nil
	}
	records, err := run(ctx, tx, "UNWIND range(0, size($ids) - 1) AS i OPTIONAL MATCH (n:"+label+" {id: $ids[i]}) "+
		"WITH i, n WHERE n IS NULL RETURN i", map[string]any{"ids": keys})
	if err != nil {
		return err
	}
	var errs model.InputErrors
	for _, r := range records {
		at := path
		if list {
			at = append(append([]string{}, path...), strconv.Itoa(int(r.Values[0].(int64))))
		}
		errs.Add(model.UserErrorCodeNotFound, "no "+label+" has this ID", at...)
	}
	return errs.Err()
}

// lock takes the write lock of the node with the label and key, checks that the viewer may
// change it, then that it is still at the version the client read. Locking first means that of
// two concurrent writers at the same version, the second finds the version raised and is
// refused instead of overwriting.
// A negative version means "whatever the version": the write applies to the latest state,
// which the lock makes safe (a delta of places, say).
func lock(ctx context.Context, tx neo4j.ManagedTransaction, label, key string, version int, path ...string) error {
	n, err := lockNode(ctx, tx, label, key, path...)
	if err != nil {
		return err
	}
	if err := authorize(ctx, tx, label, key); err != nil {
		return err
	}
	if current, _ := n.Props["version"].(int64); version >= 0 && int(current) != version {
		return model.InputError(model.UserErrorCodeVersionConflict,
			fmt.Sprintf("the %s changed since it was read: it is at version %d, not %d", label, current, version),
			"input", "version")
	}
	return nil
}

// lockNode is the one place the store locks a node: it takes the node's write lock and only
// then reads it, so that what it returns is the latest committed state, which no other writer
// can change before this transaction ends. The lock is taken by a write that changes the node
// (a property set and removed at once, as the Neo4j manual advises for lost updates): a write
// that sets a property to its own value, such as SET n.version = n.version, reads the value
// before it waits for the lock, and a writer that waited would write a stale version back. A
// node deleted by the writer the lock waited for answers NOT_FOUND at path, as one that never
// was.
func lockNode(ctx context.Context, tx neo4j.ManagedTransaction, label, key string, path ...string) (neo4j.Node, error) {
	records, err := run(ctx, tx, "MATCH (n:"+label+" {id: $id}) SET n._lock = true WITH n REMOVE n._lock RETURN n", map[string]any{"id": key})
	if err != nil && !deletedMeanwhile(err) {
		return neo4j.Node{}, err
	}
	if len(records) == 0 || err != nil {
		return neo4j.Node{}, model.InputError(model.UserErrorCodeNotFound, "no "+label+" has this ID", path...)
	}
	return records[0].Values[0].(neo4j.Node), nil
}

// touch records a change of the node: its update time and a new version.
const touch = "n.updatedAt = $now, n.version = n.version + 1"

// emptyToNil turns "" into nil, so that `SET n += $props` removes the property.
func emptyToNil(s *string) any {
	if s == nil || *s == "" {
		return nil
	}
	return *s
}

// setIfGiven puts value in props under key when the input gave it.
func setIfGiven[T any](props map[string]any, key string, value *T, conv func(T) any) {
	if value != nil {
		props[key] = conv(*value)
	}
}

func str[T ~string](v T) any { return string(v) }

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// getOne reads the node with the label and key.
func getOne[T any](ctx context.Context, tx neo4j.ManagedTransaction, label, key string, decode func(neo4j.Node) T) (T, error) {
	var zero T
	records, err := run(ctx, tx, "MATCH (n:"+label+" {id: $id}) RETURN n", map[string]any{"id": key})
	if err != nil || len(records) == 0 {
		return zero, err
	}
	return decode(records[0].Values[0].(neo4j.Node)), nil
}

// hasDependants answers a HAS_DEPENDANTS input error naming what still hangs on the node, given
// a query that returns one row of counts named by what they count.
func hasDependants(ctx context.Context, tx neo4j.ManagedTransaction, cypher, key string) error {
	records, err := run(ctx, tx, cypher, map[string]any{"id": key})
	if err != nil {
		return err
	}
	var left []string
	for i, k := range records[0].Keys {
		if n := records[0].Values[i].(int64); n > 0 {
			left = append(left, fmt.Sprintf("%d %s", n, k))
		}
	}
	if len(left) > 0 {
		return model.InputError(model.UserErrorCodeHasDependants, "still has "+strings.Join(left, ", "), "input", "id")
	}
	return nil
}

// parentCycle answers a CYCLE input error when the new parent of the node lies under it already.
func parentCycle(ctx context.Context, tx neo4j.ManagedTransaction, label, key string, parent *string) error {
	if parent == nil || *parent == "" {
		return nil
	}
	records, err := run(ctx, tx, "RETURN EXISTS { MATCH (:"+label+" {id: $parent})-[:PART_OF]->+(:"+label+" {id: $id}) }",
		map[string]any{"id": key, "parent": *parent})
	if err != nil {
		return err
	}
	if records[0].Values[0] == true {
		return model.InputError(model.UserErrorCodeCycle, "the parent lies under this "+strings.ToLower(label)+", so it cannot contain it", "input", "parentId")
	}
	return nil
}

// setLinks links a node of the label to its zones through zoneRel and to its parent of the
// same label through PART_OF; an empty parent links none.
func setLinks(ctx context.Context, tx neo4j.ManagedTransaction, label, zoneRel, key string, zones []string, parent *string) error {
	p := ""
	if parent != nil {
		p = *parent
	}
	_, err := run(ctx, tx, "MATCH (n:"+label+" {id: $id}) "+
		"CALL (n) { UNWIND $zones AS zid MATCH (z:Zone {id: zid}) CREATE (n)-[:"+zoneRel+"]->(z) } "+
		"CALL (n) { MATCH (p:"+label+" {id: $parent}) CREATE (n)-[:PART_OF]->(p) }",
		map[string]any{"id": key, "zones": zones, "parent": p})
	return err
}

// ref is an ID an input names at a field: the node must exist.
type ref struct {
	label, field string
	keys         []string
	list         bool
}

// mustExistAll answers a NOT_FOUND input error for the first ref with no node.
func mustExistAll(ctx context.Context, tx neo4j.ManagedTransaction, refs ...ref) error {
	for _, r := range refs {
		if err := mustExist(ctx, tx, r.label, r.keys, r.list, "input", r.field); err != nil {
			return err
		}
	}
	return nil
}

// deletedMeanwhile reports whether err is Neo4j's refusal to write to a node that another
// transaction deleted while this one waited for its lock.
func deletedMeanwhile(err error) bool {
	var e *neo4j.Neo4jError
	return errors.As(err, &e) && e.Code == "Neo.ClientError.Statement.EntityNotFound"
}
