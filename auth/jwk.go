package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
)

// parseJWK reads one RSA or EC (P-256) public key of a JSON Web Key Set.
func parseJWK(raw json.RawMessage) (string, any, error) {
	var k struct {
		Kty, Kid, N, E, Crv, X, Y string
	}
	if err := json.Unmarshal(raw, &k); err != nil {
		return "", nil, err
	}
	num := func(s string) (*big.Int, error) {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k.Kid, err)
		}
		return new(big.Int).SetBytes(b), nil
	}
	switch k.Kty {
	case "RSA":
		n, err := num(k.N)
		if err != nil {
			return "", nil, err
		}
		e, err := num(k.E)
		if err != nil {
			return "", nil, err
		}
		return k.Kid, &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
	case "EC":
		if k.Crv != "P-256" {
			return "", nil, fmt.Errorf("key %q: curve %q: only P-256 (ES256)", k.Kid, k.Crv)
		}
		x, err := num(k.X)
		if err != nil {
			return "", nil, err
		}
		y, err := num(k.Y)
		if err != nil {
			return "", nil, err
		}
		return k.Kid, &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}, nil
	}
	return "", nil, fmt.Errorf("key %q: type %q: only RSA and EC", k.Kid, k.Kty)
}
