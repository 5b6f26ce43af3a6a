package auth_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"snodo/auth"
)

const (
	issuer = "https://id.example"
	secret = "0123456789abcdef0123456789abcdef"
)

// keyPair is a signing key of a test identity provider.
type keyPair struct {
	kid    string
	method jwt.SigningMethod
	key    crypto.Signer
}

var (
	keysOnce sync.Once
	rsaKeys  []*rsa.PrivateKey
)

func rsaKey(t *testing.T, i int) *rsa.PrivateKey {
	t.Helper()
	keysOnce.Do(func() {
		for range 3 {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			rsaKeys = append(rsaKeys, k)
		}
	})
	return rsaKeys[i]
}

func rs256(t *testing.T, kid string, i int) keyPair {
	return keyPair{kid: kid, method: jwt.SigningMethodRS256, key: rsaKey(t, i)}
}

func es256(t *testing.T, kid string) keyPair {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return keyPair{kid: kid, method: jwt.SigningMethodES256, key: k}
}

// claims are a valid token's claims, as a map so that a test can spoil any of them.
func claims() jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{"iss": issuer, "sub": "maria", "role": "CASE_MANAGER", "actor": "sds",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
}

func (k keyPair) sign(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(k.method, c)
	if k.kid != "" {
		tok.Header["kid"] = k.kid
	}
	s, err := tok.SignedString(k.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func hs256(t *testing.T, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pemFile(t *testing.T, k keyPair) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(k.key.Public())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func jwks(t *testing.T, keys ...keyPair) []byte {
	t.Helper()
	var set jwkset.JWKSMarshal
	for _, k := range keys {
		j, err := jwkset.NewJWKFromKey(k.key.Public(), jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: k.kid, USE: jwkset.UseSig}})
		if err != nil {
			t.Fatal(err)
		}
		set.Keys = append(set.Keys, j.Marshal())
	}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func verifier(t *testing.T, c auth.Config) *auth.Verifier {
	t.Helper()
	if c.Issuer == "" {
		c.Issuer = issuer
	}
	v, err := auth.NewVerifier(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return v
}

func accepts(t *testing.T, v *auth.Verifier, token, what string) auth.Viewer {
	t.Helper()
	got, err := v.Verify(token)
	if err != nil {
		t.Fatalf("%s: refused: %v", what, err)
	}
	return got
}

func refuses(t *testing.T, v *auth.Verifier, token, what string) {
	t.Helper()
	if got, err := v.Verify(token); err == nil {
		t.Errorf("%s: accepted as %+v", what, got)
	} else if !errors.Is(err, auth.ErrInvalid) {
		t.Errorf("%s: error %v is not ErrInvalid", what, err)
	}
}

func TestHS256Development(t *testing.T) {
	v := verifier(t, auth.Config{HMACSecret: secret})
	got := accepts(t, v, hs256(t, claims()), "an HS256 token")
	if got.Subject != "maria" || got.Role != auth.CaseManager || got.ActorID != "sds" {
		t.Errorf("viewer %+v", got)
	}
	minted, err := auth.Mint(secret, issuer, auth.Viewer{Subject: "x", Role: auth.Admin}, 8*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	accepts(t, v, minted, "a token of auth.Mint")
	other, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims()).SignedString([]byte("another-secret-another-secret-0000"))
	refuses(t, v, other, "a token of another secret")
	refuses(t, v, rs256(t, "", 0).sign(t, claims()), "an RS256 token on a server with only a secret")
	if _, err := auth.NewVerifier(auth.Config{HMACSecret: "short", Issuer: issuer}); err == nil {
		t.Error("a secret of 5 characters is accepted")
	}
}

func TestPEMKeys(t *testing.T) {
	for _, k := range []keyPair{rs256(t, "", 0), es256(t, "")} {
		t.Run(k.method.Alg(), func(t *testing.T) {
			v := verifier(t, auth.Config{PublicKeyFile: pemFile(t, k)})
			accepts(t, v, k.sign(t, claims()), "a token of the key")
			kid := k
			kid.kid = "whatever"
			accepts(t, v, kid.sign(t, claims()), "a token of the key naming a kid")
			refuses(t, v, es256(t, "").sign(t, claims()), "a token of another EC key")
			refuses(t, v, rs256(t, "", 1).sign(t, claims()), "a token of another RSA key")
			refuses(t, v, hs256(t, claims()), "an HS256 token on a production server")
			// Algorithm confusion: the public key's PEM bytes used as an HMAC secret.
			data, _ := os.ReadFile(pemFile(t, k))
			confused, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims()).SignedString(data)
			refuses(t, v, confused, "an HS256 token signed with the public key")
			none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
			refuses(t, v, none, "an unsigned token (alg none)")
		})
	}
}

func TestJWKSFile(t *testing.T) {
	r, e := rs256(t, "rsa-1", 0), es256(t, "ec-1")
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, jwks(t, r, e), 0o600); err != nil {
		t.Fatal(err)
	}
	v := verifier(t, auth.Config{JWKSFile: path})
	accepts(t, v, r.sign(t, claims()), "an RS256 token of the set")
	accepts(t, v, e.sign(t, claims()), "an ES256 token of the set")
	refuses(t, v, rs256(t, "rsa-2", 1).sign(t, claims()), "a token naming a key not in the set")
	refuses(t, v, keyPair{kid: "rsa-1", method: jwt.SigningMethodRS256, key: rsaKey(t, 1)}.sign(t, claims()), "a token naming a key of the set but signed with another")
	refuses(t, v, rs256(t, "", 0).sign(t, claims()), "a token naming no key")
	empty := filepath.Join(t.TempDir(), "empty.json")
	_ = os.WriteFile(empty, []byte(`{"keys": []}`), 0o600)
	if _, err := auth.NewVerifier(auth.Config{JWKSFile: empty, Issuer: issuer}); err == nil {
		t.Error("an empty JWKS file is accepted")
	}
}

// idp is a test identity provider publishing a JWKS that a test can rotate.
type idp struct {
	set     atomic.Pointer[[]byte]
	fetches atomic.Int32
	*httptest.Server
}

func newIDP(t *testing.T, keys ...keyPair) *idp {
	t.Helper()
	p := &idp{}
	p.rotate(t, keys...)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.fetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(*p.set.Load())
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *idp) rotate(t *testing.T, keys ...keyPair) {
	b := jwks(t, keys...)
	p.set.Store(&b)
}

func TestJWKSURLRotation(t *testing.T) {
	a, b, c := rs256(t, "2026-a", 0), es256(t, "2026-b"), rs256(t, "2026-c", 2)
	p := newIDP(t, a)
	v := verifier(t, auth.Config{JWKSURL: p.URL + "/.well-known/jwks.json", JWKSRefresh: 300 * time.Millisecond})
	if n := p.fetches.Load(); n != 1 {
		t.Errorf("the set is fetched %d times at start, want 1", n)
	}
	accepts(t, v, a.sign(t, claims()), "a token of the published key")
	accepts(t, v, a.sign(t, claims()), "a token of the published key, again")
	if n := p.fetches.Load(); n != 1 {
		t.Errorf("the set is fetched %d times for two tokens, want 1 (cached)", n)
	}

	// The provider rotates: a token of the new key fetches the set again at once.
	p.rotate(t, b)
	accepts(t, v, b.sign(t, claims()), "a token of the rotated-in key")
	if n := p.fetches.Load(); n != 2 {
		t.Errorf("the set is fetched %d times after a token of an unknown key, want 2", n)
	}
	refuses(t, v, a.sign(t, claims()), "a token of the rotated-out key")
	refuses(t, v, rs256(t, "forged", 1).sign(t, claims()), "a token naming a made-up key")
	if n := p.fetches.Load(); n != 2 {
		t.Errorf("made-up keys fetch the set %d times, want no more than once a minute", n-2)
	}

	// The next rotation arrives with the periodic refresh, even while unknown keys may not
	// trigger one.
	p.rotate(t, b, c)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := v.Verify(c.sign(t, claims())); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a key published later is never picked up by the periodic refresh")
		}
		time.Sleep(50 * time.Millisecond)
	}
	accepts(t, v, b.sign(t, claims()), "a token of a key still published")
}

func TestJWKSURLErrors(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	for _, u := range []string{down.URL, "http://id.example/jwks.json", "ftp://id.example/jwks.json", "not a url"} {
		if v, err := auth.NewVerifier(auth.Config{JWKSURL: u, Issuer: issuer}); err == nil {
			v.Close()
			t.Errorf("JWKS URL %q is accepted", u)
		}
	}
}

// TestStrictTokens: one signature has one spelling, time claims are numbers, iat is not in the
// future, and no token lives longer than the maximum.
func TestStrictTokens(t *testing.T) {
	v := verifier(t, auth.Config{HMACSecret: secret})
	good := hs256(t, claims())
	accepts(t, v, good, "a good token")

	// The last character of a base64url signature of 32 bytes carries 4 unused bits: only one
	// spelling is canonical.
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	variants := 0
	for _, ch := range alphabet {
		alt := good[:len(good)-1] + string(ch)
		if alt == good {
			continue
		}
		if b, err := base64.RawURLEncoding.DecodeString(alt[strings.LastIndex(alt, ".")+1:]); err == nil {
			if orig, _ := base64.RawURLEncoding.DecodeString(good[strings.LastIndex(good, ".")+1:]); string(b) == string(orig) {
				variants++
				refuses(t, v, alt, "a non-canonical spelling of the signature")
			}
		}
	}
	if variants != 3 {
		t.Errorf("the test found %d other spellings of the signature, want 3", variants)
	}

	now := time.Now()
	c := claims()
	c["exp"] = now.Add(time.Hour).Format("2006-01-02T15:04:05Z")
	refuses(t, v, hs256(t, c), "exp as a date string")
	c = claims()
	c["exp"] = itoa(now.Add(time.Hour).Unix())
	refuses(t, v, hs256(t, c), "exp as a string of digits")
	c = claims()
	c["iat"] = itoa(now.Unix())
	refuses(t, v, hs256(t, c), "iat as a string")
	c = claims()
	c["nbf"] = itoa(now.Unix())
	refuses(t, v, hs256(t, c), "nbf as a string")
	c = claims()
	delete(c, "exp")
	refuses(t, v, hs256(t, c), "no exp")

	c = claims()
	c["iat"] = now.Add(10 * time.Minute).Unix()
	refuses(t, v, hs256(t, c), "iat 10 minutes in the future")
	c["iat"] = now.Add(10 * time.Second).Unix()
	accepts(t, v, hs256(t, c), "iat 10 s in the future (within the leeway)")

	c = claims()
	c["iat"], c["exp"] = now.Unix(), now.Add(13*time.Hour).Unix()
	refuses(t, v, hs256(t, c), "a token valid for 13 h")
	c["iat"], c["exp"] = now.Add(-11*time.Hour).Unix(), now.Add(2*time.Hour).Unix()
	refuses(t, v, hs256(t, c), "a token issued 11 h ago valid for 2 h more")
	c["iat"], c["exp"] = now.Unix(), now.Add(12*time.Hour).Unix()
	accepts(t, v, hs256(t, c), "a token valid for 12 h")
	delete(c, "iat")
	c["exp"] = now.Add(13 * time.Hour).Unix()
	refuses(t, v, hs256(t, c), "a token without iat expiring in 13 h")
	c["exp"] = now.Add(11 * time.Hour).Unix()
	accepts(t, v, hs256(t, c), "a token without iat expiring in 11 h")

	short := verifier(t, auth.Config{HMACSecret: secret, MaxLifetime: time.Hour})
	c = claims()
	c["exp"] = now.Add(2 * time.Hour).Unix()
	refuses(t, short, hs256(t, c), "a 2 h token with a maximum of 1 h")
	accepts(t, short, hs256(t, claims()), "a 1 h token with a maximum of 1 h")
	unlimited := verifier(t, auth.Config{HMACSecret: secret, MaxLifetime: -1})
	c["exp"] = now.Add(100 * time.Hour).Unix()
	accepts(t, unlimited, hs256(t, c), "a 100 h token with no maximum")

	c = claims()
	c["role"] = "ROOT"
	refuses(t, v, hs256(t, c), "an unknown role")
	c = claims()
	c["iss"] = "someone-else"
	refuses(t, v, hs256(t, c), "another issuer")
	aud := verifier(t, auth.Config{HMACSecret: secret, Audience: "snodo"})
	refuses(t, aud, hs256(t, claims()), "no audience where one is required")
	c = claims()
	c["aud"] = "snodo"
	accepts(t, aud, hs256(t, c), "the required audience")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
