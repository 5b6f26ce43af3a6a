package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"snodo/auth"
	"snodo/model"
	"snodo/store"
)

// IdempotencyHeader names the header with which a client makes a mutation safe to retry, as in
// Stripe's API: a retry with the same key and request is answered with the first attempt's
// result and writes nothing (store/idempotency.go).
const IdempotencyHeader = "Idempotency-Key"

// MaxIdempotencyKey is the longest key accepted; a UUID is 36 characters.
const MaxIdempotencyKey = 255

type pendingKey struct{}

type pendingIdempotency struct{ key, hash string }

// idempotencyKeys reads the Idempotency-Key header and a hash of the request (its JSON body in a
// canonical form, so that a retry that orders its fields otherwise is the same request), for
// idempotentMutations to apply to a mutation. A key that is empty, too long or not printable
// ASCII is refused with 400.
func idempotencyKeys(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := r.Header[http.CanonicalHeaderKey(IdempotencyHeader)]
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) != 1 || !validIdempotencyKey(key[0]) {
			writeJSON(w, http.StatusBadRequest, errorBody("the Idempotency-Key header must be one value of 1 to 255 printable ASCII characters", model.CodeBadRequest))
			return
		}
		body, err := io.ReadAll(r.Body) // already read into memory and bounded by limitBody
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errorBody("could not read the request body", model.CodeBadUserInput))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ctx := context.WithValue(r.Context(), pendingKey{}, pendingIdempotency{key: key[0], hash: requestHash(body)})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > MaxIdempotencyKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// requestHash is the SHA-256 of the request's JSON in canonical form (keys sorted, no spaces),
// or of its bytes when it is not JSON.
func requestHash(body []byte) string {
	var v any
	if err := json.Unmarshal(body, &v); err == nil {
		if canon, err := json.Marshal(v); err == nil {
			body = canon
		}
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// idempotentMutations makes the writes of a mutation sent with an Idempotency-Key idempotent
// for its caller; a query with a key is served as any other.
func idempotentMutations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	p, ok := ctx.Value(pendingKey{}).(pendingIdempotency)
	if ok && graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Mutation {
			ctx = store.WithIdempotency(ctx, p.key, auth.From(ctx).Subject, p.hash)
		}
	}
	return next(ctx)
}
