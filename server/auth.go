package server

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"snodo/auth"
	"snodo/model"
)

// authenticate puts the viewer of the request's bearer token in its context. No token means an
// anonymous visitor; a token that is not valid (forged, expired, of another issuer) is refused
// with 401, whatever the request asked, so that a client never mistakes it for anonymity.
//
// Failed authentications are limited per client address (failures, nil for no limit): past its
// budget, a failure from that address is answered 429 RATE_LIMITED (with Retry-After) instead
// of 401, until the budget refills. Valid tokens from the same address still pass, so that one
// broken client behind an office's NAT does not lock its colleagues out.
func authenticate(v *auth.Verifier, failures *rateLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			next.ServeHTTP(w, r)
			return
		}
		fail := func(msg string) {
			if failures != nil {
				if wait := failures.take("ip:" + clientAddress(r, failures.trustForwarded)); wait > 0 {
					tooManyFailures(w, wait, failures)
					return
				}
			}
			unauthorized(w, msg)
		}
		token, ok := auth.BearerToken(header)
		switch {
		case !ok || token == "":
			fail("the Authorization header must be: Bearer <token>")
			return
		case v == nil:
			fail("this server accepts no tokens")
			return
		}
		viewer, err := v.Verify(token)
		if err != nil {
			msg := "the token is not valid"
			if errors.Is(err, auth.ErrInvalid) {
				msg = err.Error()
			}
			fail(msg)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithViewer(r.Context(), viewer)))
	})
}

func tooManyFailures(w http.ResponseWriter, wait time.Duration, failures *rateLimiter) {
	tooMany(w, wait, fmt.Sprintf("too many failed authentications from this address (%d, refilled at %g a minute)",
		failures.burst, float64(failures.limit)*60))
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="snodo"`)
	writeJSON(w, http.StatusUnauthorized, errorBody(msg, model.CodeUnauthenticated))
}
