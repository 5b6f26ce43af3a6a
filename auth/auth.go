// Package auth says who is asking: it verifies bearer tokens (JWTs) and carries the viewer, with
// its role, actor and zones, through a request's context.
package auth

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
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

// Verifier checks tokens: their signature with the configured keys, their expiry, their
// issuer and, when set, their audience.
type Verifier struct {
	keys     map[string]any // by key ID; "" for the key of tokens without one
	methods  []string
	issuer   string
	audience string
}

// ErrInvalid is the error of every token that is not accepted, whatever the reason, wrapped
// with the reason.
var ErrInvalid = errors.New("invalid token")

// Config says how tokens are verified.
type Config struct {
	// HMACSecret verifies HS256 tokens: for development and tests.
	HMACSecret string
	// PublicKeyFile is a PEM file of an RSA or ECDSA public key (RS256, ES256).
	PublicKeyFile string
	// JWKSFile is a JSON Web Key Set file, as identity providers publish them.
	JWKSFile string
	Issuer   string
	Audience string
}

// NewVerifier builds a verifier from the configuration; it needs an issuer and at least one key.
func NewVerifier(c Config) (*Verifier, error) {
	v := &Verifier{keys: map[string]any{}, issuer: c.Issuer, audience: c.Audience}
	if c.Issuer == "" {
		return nil, errors.New("auth: an issuer is required")
	}
	if c.HMACSecret != "" {
		if len(c.HMACSecret) < 32 {
			return nil, errors.New("auth: an HS256 secret needs at least 32 characters")
		}
		v.keys[""] = []byte(c.HMACSecret)
		v.methods = append(v.methods, "HS256")
	}
	if c.PublicKeyFile != "" {
		data, err := os.ReadFile(c.PublicKeyFile)
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
		v.keys[""] = key
		v.methods = append(v.methods, "RS256", "ES256")
	}
	if c.JWKSFile != "" {
		if err := v.loadJWKS(c.JWKSFile); err != nil {
			return nil, err
		}
		v.methods = append(v.methods, "RS256", "ES256")
	}
	if len(v.keys) == 0 {
		return nil, errors.New("auth: configure an HS256 secret, a public key or a JWKS file")
	}
	return v, nil
}

// Verify checks a token and returns its viewer.
func (v *Verifier) Verify(token string) (Viewer, error) {
	opts := []jwt.ParserOption{jwt.WithValidMethods(v.methods), jwt.WithIssuer(v.issuer), jwt.WithExpirationRequired(), jwt.WithLeeway(30 * time.Second)}
	if v.audience != "" {
		opts = append(opts, jwt.WithAudience(v.audience))
	}
	var claims Claims
	_, err := jwt.ParseWithClaims(token, &claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if key, ok := v.keys[kid]; ok {
			return key, nil
		}
		if key, ok := v.keys[""]; ok {
			return key, nil
		}
		return nil, fmt.Errorf("no key %q", kid)
	}, opts...)
	if err != nil {
		return Viewer{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if !slices.Contains(Roles, claims.Role) {
		return Viewer{}, fmt.Errorf("%w: unknown role %q", ErrInvalid, claims.Role)
	}
	return Viewer{Subject: claims.Subject, Role: claims.Role, ActorID: claims.ActorID, ZoneIDs: claims.ZoneIDs}, nil
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

// loadJWKS reads the RSA and EC keys of a JSON Web Key Set file.
func (v *Verifier) loadJWKS(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("auth: JWKS: %w", err)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return fmt.Errorf("auth: JWKS: %w", err)
	}
	for _, raw := range set.Keys {
		kid, key, err := parseJWK(raw)
		if err != nil {
			return fmt.Errorf("auth: JWKS: %w", err)
		}
		v.keys[kid] = key
	}
	return nil
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
