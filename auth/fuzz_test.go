package auth

import (
	"strings"
	"testing"
	"time"
)

// FuzzTokens: any Authorization header and any token is read without a panic; a token that is
// not one the verifier accepts is refused, and only the tokens minted with its key pass.
func FuzzTokens(f *testing.F) {
	const secret, issuer = "fuzz-secret-0123456789abcdef0123", "fuzz"
	good, err := Mint(secret, issuer, Viewer{Subject: "s", Role: Admin}, time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	v, err := NewVerifier(Config{HMACSecret: secret, Issuer: issuer})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"Bearer " + good, "bearer  " + good + " ", "Basic abc", "Bearer", "Bearer ", "", good,
		"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "Bearer a.b.c", "Bearer " + strings.Repeat("A", 5000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		token, ok := BearerToken(header)
		if !ok || token == "" {
			return
		}
		viewer, err := v.Verify(token)
		if err != nil {
			if viewer.Subject != "" || viewer.Role != "" {
				t.Fatalf("a refused token gave a viewer: %+v", viewer)
			}
			return
		}
		// Only the minted token passes (or one its encoding cannot tell from it), as its viewer.
		if viewer.Subject != "s" || viewer.Role != Admin {
			t.Fatalf("the token %q was accepted as %+v", token, viewer)
		}
	})
}
