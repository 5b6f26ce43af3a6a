package server

import (
	"errors"
	"net/http"

	"snodo/auth"
	"snodo/model"
)

// authenticate puts the viewer of the request's bearer token in its context. No token means an
// anonymous visitor; a token that is not valid (forged, expired, of another issuer) is refused
// with 401, whatever the request asked, so that a client never mistakes it for anonymity.
func authenticate(v *auth.Verifier, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := auth.BearerToken(r.Header.Get("Authorization"))
		if !ok {
			unauthorized(w, "the Authorization header must be: Bearer <token>")
			return
		}
		if token == "" {
			next.ServeHTTP(w, r)
			return
		}
		if v == nil {
			unauthorized(w, "this server accepts no tokens")
			return
		}
		viewer, err := v.Verify(token)
		if err != nil {
			msg := "the token is not valid"
			if errors.Is(err, auth.ErrInvalid) {
				msg = err.Error()
			}
			unauthorized(w, msg)
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithViewer(r.Context(), viewer)))
	})
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="snodo"`)
	writeJSON(w, http.StatusUnauthorized, errorBody(msg, model.CodeUnauthenticated))
}
