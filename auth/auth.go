// Package auth says who is asking: it verifies bearer tokens (JWTs) and carries the viewer, with
// its role, actor and zones, through a request's context.
package auth

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// Role is what a viewer may do; the schema's Role enum has the same values.
type Role string

// The roles of Snodo.
const (
	Admin           Role = "ADMIN"
	Coordinator     Role = "COORDINATOR"
	CaseManager     Role = "CASE_MANAGER"
	ServiceOperator Role = "SERVICE_OPERATOR"
	Researcher      Role = "RESEARCHER"
	// Anonymous is a visitor without a token: it reads the public directory only.
	Anonymous Role = "ANONYMOUS"
)

// Roles are the roles a token may carry.
var Roles = []Role{Admin, Coordinator, CaseManager, ServiceOperator, Researcher}

// Viewer is who makes a request.
type Viewer struct {
	Subject string
	Role    Role
	// ActorID is the key of the actor the viewer works for, if any.
	ActorID string
	// ZoneIDs are the keys of the zones a coordinator keeps the directory for.
	ZoneIDs []string
}

// Is reports whether the viewer has one of the roles.
func (v Viewer) Is(roles ...Role) bool { return slices.Contains(roles, v.Role) }

type ctxKey struct{}

// WithViewer returns a context carrying the viewer.
func WithViewer(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// From returns the viewer of the context: an anonymous visitor when there is none.
func From(ctx context.Context) Viewer {
	if v, ok := ctx.Value(ctxKey{}).(Viewer); ok {
		return v
	}
	return Viewer{Role: Anonymous}
}

// Claims are the claims of a Snodo token beyond the registered ones.
type Claims struct {
	Role    Role     `json:"role"`
	ActorID string   `json:"actor,omitempty"`
	ZoneIDs []string `json:"zones,omitempty"`
	jwt.RegisteredClaims
}

// UnmarshalJSON refuses time claims (exp, iat, nbf) that are not JSON numbers: RFC 7519 makes
// them NumericDates, and the JWT library would otherwise read "exp": "1700000000" as well.
func (c *Claims) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for _, name := range []string{"exp", "iat", "nbf"} {
		if v, ok := raw[name]; ok && !isNumber(v) {
			return fmt.Errorf("claim %q is %s, not a number of seconds", name, v)
		}
	}
	type plain Claims // without this method
	return json.Unmarshal(b, (*plain)(c))
}

func isNumber(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) > 0 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9')
}

// Verifier checks tokens: their signature with the configured keys (strict base64, the
// configured algorithms only), their times (exp required, iat not in the future, a lifetime of
// at most MaxLifetime), their issuer and, when set, their audience.
type Verifier struct {
	hmac        []byte            // HS256 development secret
	pem         any               // the PEM public key, for tokens with or without a kid
	jwks        []keyfunc.Keyfunc // JWKS file and URL, for tokens that name their key (kid)
	methods     []string
	issuer      string
	audience    string
	maxLifetime time.Duration
	now         func() time.Time
	stop        context.CancelFunc
}

// ErrInvalid is the error of every token that is not accepted, whatever the reason, wrapped
// with the reason.
var ErrInvalid = errors.New("invalid token")

// Leeway is the clock skew allowed between the identity provider and Snodo, for exp, nbf and iat.
const Leeway = 30 * time.Second

// DefaultMaxLifetime is the longest lifetime of a token (exp - iat) accepted by default.
const DefaultMaxLifetime = 12 * time.Hour

// DefaultJWKSRefresh is how often a JWKS URL is fetched again by default.
const DefaultJWKSRefresh = time.Hour

// Config says how tokens are verified.
type Config struct {
	// HMACSecret verifies HS256 tokens: for development and tests.
	HMACSecret string
	// PublicKeyFile is a PEM file of an RSA or ECDSA public key (RS256, ES256).
	PublicKeyFile string
	// JWKSFile is a JSON Web Key Set file, as identity providers publish them.
	JWKSFile string
	// JWKSURL is where the identity provider publishes its JSON Web Key Set: https, or http to
	// a loopback address. The keys are fetched at start (a failure stops the start), again every
	// JWKSRefresh, and at once (at most once a minute) when a token names a key not in the set,
	// so that a rotated key is picked up and a removed one refused.
	JWKSURL string
	// JWKSRefresh is how often the JWKS URL is fetched again; 0 means DefaultJWKSRefresh.
	JWKSRefresh time.Duration
	Issuer      string
	Audience    string
	// MaxLifetime is the longest a token may be valid: exp - iat, or exp - now for a token
	// without iat. 0 means DefaultMaxLifetime; a negative value means no maximum.
	MaxLifetime time.Duration
}

// Production reports whether the configuration has a production key: a PEM key, a JWKS file or
// a JWKS URL.
func (c Config) Production() bool {
	return c.PublicKeyFile != "" || c.JWKSFile != "" || c.JWKSURL != ""
}

// NewVerifier builds a verifier from the configuration; it needs an issuer and at least one key.
// Close it to stop the refresh of a JWKS URL.
func NewVerifier(c Config) (*Verifier, error) {
	v := &Verifier{issuer: c.Issuer, audience: c.Audience, now: time.Now, stop: func() {}}
	switch {
	case c.MaxLifetime == 0:
		v.maxLifetime = DefaultMaxLifetime
	case c.MaxLifetime > 0:
		v.maxLifetime = c.MaxLifetime
	}
	if c.Issuer == "" {
		return nil, errors.New("auth: an issuer is required")
	}
	if c.HMACSecret != "" {
		if len(c.HMACSecret) < 32 {
			return nil, errors.New("auth: an HS256 secret needs at least 32 characters")
		}
		v.hmac = []byte(c.HMACSecret)
		v.methods = append(v.methods, "HS256")
	}
	if c.PublicKeyFile != "" {
		key, err := readPEM(c.PublicKeyFile)
		if err != nil {
			return nil, err
		}
		v.pem = key
	}
	if c.JWKSFile != "" {
		data, err := os.ReadFile(c.JWKSFile)
		if err != nil {
			return nil, fmt.Errorf("auth: JWKS file: %w", err)
		}
		k, err := keyfunc.NewJWKSetJSON(data)
		if err != nil {
			return nil, fmt.Errorf("auth: JWKS file %s: %w", c.JWKSFile, err)
		}
		if keys, err := k.Storage().KeyReadAll(context.Background()); err != nil || len(keys) == 0 {
			return nil, fmt.Errorf("auth: JWKS file %s holds no key", c.JWKSFile)
		}
		v.jwks = append(v.jwks, k)
	}
	if c.JWKSURL != "" {
		ctx, cancel := context.WithCancel(context.Background())
		k, err := fromURL(ctx, c.JWKSURL, c.JWKSRefresh)
		if err != nil {
			cancel()
			return nil, err
		}
		v.jwks = append(v.jwks, k)
		v.stop = cancel
	}
	if c.Production() {
		v.methods = append(v.methods, "RS256", "ES256")
	}
	if len(v.methods) == 0 {
		return nil, errors.New("auth: configure a public key, a JWKS file or URL, or (for development) an HS256 secret")
	}
	return v, nil
}

// Close stops the refresh of the JWKS URL, if any.
func (v *Verifier) Close() { v.stop() }

func readPEM(path string) (any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("auth: public key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("auth: public key: no PEM block")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("auth: public key: %w", err)
	}
	return key, nil
}

// fromURL fetches a JWKS URL now (an error if it fails) and keeps it fresh until ctx ends.
func fromURL(ctx context.Context, raw string, every time.Duration) (keyfunc.Keyfunc, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("auth: JWKS URL %q: not a URL", raw)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())) {
		return nil, fmt.Errorf("auth: JWKS URL %q: use https (http only to a loopback address)", raw)
	}
	if every <= 0 {
		every = DefaultJWKSRefresh
	}
	storage, err := jwkset.NewStorageFromHTTP(raw, jwkset.HTTPClientStorageOptions{
		Ctx:             ctx,
		Client:          &http.Client{Timeout: 10 * time.Second},
		HTTPTimeout:     10 * time.Second,
		RefreshInterval: every,
		RefreshErrorHandler: func(ctx context.Context, err error) {
			slog.Default().ErrorContext(ctx, "auth: refreshing the JWKS failed; the keys fetched before stay in use", "url", raw, "error", err)
		},
	})
	if err != nil {
		return nil, fmt.Errorf("auth: JWKS URL %s: %w", raw, err)
	}
	// A token naming a key not in the set fetches it again at once, at most once a minute; past
	// that it is refused at once rather than made to wait (gated.KeyRead). The wait bound is
	// also the fetch's deadline: jwkset fetches under the context it waits with.
	unknown := rate.NewLimiter(rate.Every(time.Minute), 1)
	client, err := jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
		HTTPURLs:          map[string]jwkset.Storage{raw: storage},
		RefreshUnknownKID: unknown,
		RateLimitWaitMax:  10 * time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("auth: JWKS URL %s: %w", raw, err)
	}
	return keyfunc.New(keyfunc.Options{Ctx: ctx, Storage: gated{Storage: client, cached: storage, unknown: unknown}})
}

// gated reads keys from a JWKS URL's client, which fetches the set again for an unknown key,
// only when its limiter allows a fetch now; otherwise it answers from the keys fetched before,
// so that a storm of made-up key IDs never makes requests wait for the limiter.
type gated struct {
	jwkset.Storage                // the client: cached keys, then a fetch for an unknown one
	cached         jwkset.Storage // the keys fetched before
	unknown        *rate.Limiter
}

func (g gated) KeyRead(ctx context.Context, kid string) (jwkset.JWK, error) {
	if jwk, err := g.cached.KeyRead(ctx, kid); err == nil {
		return jwk, nil
	}
	if g.unknown.Tokens() < 1 {
		return jwkset.JWK{}, fmt.Errorf("%w %q", jwkset.ErrKeyNotFound, kid)
	}
	return g.Storage.KeyRead(ctx, kid)
}

// loopback reports whether a host name or address is this machine's loopback.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// key finds the key of a token: the HS256 secret, the JWKS key it names, or the PEM key.
func (v *Verifier) key(t *jwt.Token) (any, error) {
	if t.Method.Alg() == "HS256" {
		return v.hmac, nil // methods hold HS256 only when there is a secret
	}
	if kid, _ := t.Header["kid"].(string); kid != "" {
		for _, k := range v.jwks {
			if key, err := k.Keyfunc(t); err == nil {
				return key, nil
			}
		}
		if v.pem == nil {
			return nil, fmt.Errorf("no key %q", kid)
		}
	}
	if v.pem == nil {
		return nil, errors.New("the token names no key (kid)")
	}
	return v.pem, nil
}

// Verify checks a token and returns its viewer.
func (v *Verifier) Verify(token string) (Viewer, error) {
	viewer, _, err := v.VerifyExpiry(token)
	return viewer, err
}

// VerifyExpiry checks a token as Verify does and also returns when it expires: a connection
// that outlives a request (a subscription) ends then.
func (v *Verifier) VerifyExpiry(token string) (Viewer, time.Time, error) {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(v.methods), jwt.WithIssuer(v.issuer), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(Leeway), jwt.WithStrictDecoding(), jwt.WithTimeFunc(v.now),
	}
	if v.audience != "" {
		opts = append(opts, jwt.WithAudience(v.audience))
	}
	var claims Claims
	if _, err := jwt.ParseWithClaims(token, &claims, v.key, opts...); err != nil {
		return Viewer{}, time.Time{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if v.maxLifetime > 0 {
		from := v.now()
		if claims.IssuedAt != nil {
			from = claims.IssuedAt.Time
		}
		if life := claims.ExpiresAt.Sub(from); life > v.maxLifetime {
			return Viewer{}, time.Time{}, fmt.Errorf("%w: the token is valid for %s, longer than the longest lifetime accepted, %s", ErrInvalid, life.Round(time.Second), v.maxLifetime)
		}
	}
	if !slices.Contains(Roles, claims.Role) {
		return Viewer{}, time.Time{}, fmt.Errorf("%w: unknown role %q", ErrInvalid, claims.Role)
	}
	return Viewer{Subject: claims.Subject, Role: claims.Role, ActorID: claims.ActorID, ZoneIDs: claims.ZoneIDs}, claims.ExpiresAt.Time, nil
}

// Mint signs an HS256 development token for the viewer, valid for ttl.
func Mint(secret, issuer string, v Viewer, ttl time.Duration) (string, error) {
	now := time.Now()
	claims := Claims{Role: v.Role, ActorID: v.ActorID, ZoneIDs: v.ZoneIDs, RegisteredClaims: jwt.RegisteredClaims{
		Subject: v.Subject, Issuer: issuer, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
}

// BearerToken returns the token of an Authorization header, or "" when there is none.
func BearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", header == ""
	}
	return strings.TrimSpace(token), true
}

// Operation is the GraphQL operation a change is made through, for the audit log.
type Operation struct {
	// Field is the mutation's field, e.g. "updateZone".
	Field string
	// Target is the global ID the arguments name, if any; the written object's ID wins.
	Target string
}

type opKey struct{}

// WithOperation returns a context in which writes are audited as made through op.
func WithOperation(ctx context.Context, op Operation) context.Context {
	return context.WithValue(ctx, opKey{}, op)
}

// OperationFrom returns the operation writes of the context are made through, if any.
func OperationFrom(ctx context.Context) (Operation, bool) {
	op, ok := ctx.Value(opKey{}).(Operation)
	return op, ok
}
