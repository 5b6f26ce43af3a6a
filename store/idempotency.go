package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// Idempotency keys make a retried mutation safe. A request that carries a key (the
// Idempotency-Key header) has each of its writes claim an (:IdempotencyKey) node, named by the
// caller, the key and the write's place in the request, in the same transaction as the change:
// the node keeps a hash of the request and the write's result for IdempotencyTTL. A retry
// (the same caller, key and request) finds the node and gets the stored result back, and
// writes nothing; the same key with another request is refused with IDEMPOTENCY_KEY_REUSED.
// The node lives in Neo4j, so replicas behind a load balancer share it, and the unique
// constraint on its id makes two attempts under way at once wait for each other: the second
// sees the first's result.
type idempotency struct {
	key, caller, hash string
	writes            atomic.Int32 // the writes of the request so far
}

// IdempotencyTTL is how long a key's result is kept.
const IdempotencyTTL = 24 * time.Hour

type idempotencyKey struct{}

// WithIdempotency returns a context in which the writes are made idempotent under the key, for
// the caller (the viewer's subject) and a hash of the request.
func WithIdempotency(ctx context.Context, key, caller, requestHash string) context.Context {
	return context.WithValue(ctx, idempotencyKey{}, &idempotency{key: key, caller: caller, hash: requestHash})
}

// next names the next write of the request: a request with two mutations keeps two results.
func (i *idempotency) next() string {
	n := i.writes.Add(1)
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%s\x00%d", i.caller, i.key, n)))
	return hex.EncodeToString(sum[:])
}

// claimKey takes the key's node (creating it, and waiting for an attempt under way with the
// same key) and returns the stored result when this request was made before with it.
func claimKey[T any](ctx context.Context, tx neo4j.ManagedTransaction, id, hash string, now time.Time) (T, bool, error) {
	var zero T
	records, err := run(ctx, tx, `MERGE (k:IdempotencyKey {id: $id})
		RETURN k.hash AS hash, k.result AS result, coalesce(k.expiresAt < $now, true) AS expired`,
		map[string]any{"id": id, "now": now})
	if err != nil {
		return zero, false, err
	}
	r := records[0]
	if expired, _ := r.Values[2].(bool); expired {
		return zero, false, nil
	}
	if stored, _ := r.Values[0].(string); stored != hash {
		return zero, false, model.Errorf(model.CodeIdempotencyKeyReused,
			"this Idempotency-Key was used with another request; use a new key for a new request")
	}
	var v T
	if err := json.Unmarshal([]byte(r.Values[1].(string)), &v); err != nil {
		return zero, false, fmt.Errorf("stored result of an idempotency key: %w", err)
	}
	return v, true, nil
}

// keepResult stores the write's result under the key's node claimed by claimKey, and drops a
// few expired keys.
func keepResult(ctx context.Context, tx neo4j.ManagedTransaction, i *idempotency, id string, now time.Time, v any) error {
	result, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("result of an idempotent write: %w", err)
	}
	_, err = run(ctx, tx, `MATCH (k:IdempotencyKey {id: $id})
		SET k.caller = $caller, k.hash = $hash, k.result = $result, k.createdAt = $now, k.expiresAt = $expires
		WITH k CALL () { MATCH (old:IdempotencyKey) WHERE old.expiresAt < $now WITH old LIMIT 20 DELETE old }`,
		map[string]any{"id": id, "caller": i.caller, "hash": i.hash, "result": string(result), "now": now, "expires": now.Add(IdempotencyTTL)})
	return err
}
