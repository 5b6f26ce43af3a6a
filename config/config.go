// Package config reads Snodo's settings from flags, which default to environment variables,
// which default to a local development setup.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"snodo/auth"
	"snodo/disclosure"
)

// Config is every setting of Snodo.
type Config struct {
	Neo4jURI      string
	Neo4jUser     string
	Neo4jPassword string
	Neo4jDatabase string
	// Neo4jWait is how long to wait for Neo4j at start before giving up.
	Neo4jWait time.Duration
	Addr      string
	// MetricsAddr is where /metrics is served (Prometheus format), apart from the API; "" for
	// nowhere.
	MetricsAddr string
	CORSOrigins []string
	LogLevel    slog.Level
	// SeedIfEmpty loads the demo network at start when the database holds no zone.
	SeedIfEmpty bool

	// The limits of the API; 0 turns a limit off.

	// MaxDepth is the deepest nesting of fields a GraphQL operation may have.
	MaxDepth int
	// MaxComplexity is the highest cost an operation may have (a field costs 1, a connection
	// multiplies the cost of its items by its page size).
	MaxComplexity int
	// MaxAliases is the most aliases an operation may use.
	MaxAliases int
	// RequestTimeout bounds each GraphQL request, its Neo4j transactions included.
	RequestTimeout time.Duration
	// RateLimit is how many GraphQL requests per second each client may send, in bursts of
	// twice as many.
	RateLimit float64
	// TrustForwardedFor names clients by X-Forwarded-For, behind a proxy that sets it.
	TrustForwardedFor bool
	// Introspection lets clients read the schema (__schema, __type) and serves GraphiQL; off
	// unless Dev, and validation errors then suggest no names ("Did you mean ...").
	Introspection bool
	// AuthFailureLimit is how many failed authentications per minute each client address may
	// make before it is refused with 429 for a while; 0 for no limit.
	AuthFailureLimit float64
	// StaleAfter is how long a service record may go unverified before it is flagged stale.
	StaleAfter time.Duration
	// Auth says how bearer tokens are verified by `serve`: the production keys, and the
	// development secret only with Dev.
	Auth auth.Config
	// Disclosure are the parameters of the disclosure layer, validated: a threshold under 2 or a
	// malformed value stops Snodo at start.
	Disclosure disclosure.Params
	// RecipientAccessAfterClose is how long an actor a case is referred to still sees the case
	// after its referral is completed, failed or cancelled.
	RecipientAccessAfterClose time.Duration
	// JWTSecret is SNODO_JWT_SECRET as given, "" when unset; DevSecret says what signs
	// development tokens.
	JWTSecret string
	// Dev is development mode (--dev): development tokens accepted, introspection and GraphiQL
	// on, and the server on 127.0.0.1 unless an address is given.
	Dev bool

	// The web app's sign-in: the OpenID Connect provider and the app's client ID there.
	OIDCIssuer, OIDCClientID string
	// MapTiles is the URL template of the map tiles the web app's map draws
	// (https://tile.example/{z}/{x}/{y}.png); "" for no map.
	MapTiles string
}

// DevJWTSecret signs development tokens when SNODO_JWT_SECRET is not set. It is public (it is in
// the source), so `serve` accepts it only with --dev and only on a loopback address.
const DevJWTSecret = "snodo-development-secret-not-for-production"

// DevPassword is the password of the local development Neo4j that scripts/neo4j provisions.
const DevPassword = "snodo-dev-password"

// Load reads the settings: each flag of fs defaults to its environment variable, read by getenv.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	var c Config
	var cors, level, wait string
	fs.StringVar(&c.Neo4jURI, "neo4j-uri", env("NEO4J_URI", "bolt://127.0.0.1:7687"), "Neo4j URI: bolt:// for one server, neo4j:// for a cluster (env NEO4J_URI)")
	fs.StringVar(&c.Neo4jUser, "neo4j-user", env("NEO4J_USER", "neo4j"), "Neo4j user (env NEO4J_USER)")
	fs.StringVar(&c.Neo4jPassword, "neo4j-password", env("NEO4J_PASSWORD", DevPassword), "Neo4j password (env NEO4J_PASSWORD)")
	fs.StringVar(&c.Neo4jDatabase, "neo4j-database", env("NEO4J_DATABASE", ""), "Neo4j database; empty for the server's default (env NEO4J_DATABASE)")
	fs.StringVar(&wait, "neo4j-wait", env("NEO4J_WAIT", "30s"), "how long to wait for Neo4j at start (env NEO4J_WAIT)")
	fs.StringVar(&c.Addr, "addr", env("SNODO_ADDR", ""), "address to listen on; :8080 (every interface), or 127.0.0.1:8080 with --dev (env SNODO_ADDR)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("SNODO_METRICS_ADDR", ""), "address to serve /metrics on, apart from the API, e.g. 127.0.0.1:9090; none by default (env SNODO_METRICS_ADDR)")
	fs.BoolVar(&c.Dev, "dev", false, "development mode: accept development tokens (HS256), turn introspection and GraphiQL on, listen on 127.0.0.1:8080 unless -addr is given")
	fs.StringVar(&cors, "cors-origins", env("SNODO_CORS_ORIGINS", ""), "comma-separated origins allowed by CORS, or * (env SNODO_CORS_ORIGINS)")
	fs.StringVar(&level, "log-level", env("SNODO_LOG_LEVEL", "info"), "debug, info, warn or error (env SNODO_LOG_LEVEL)")
	seedIfEmpty, _ := strconv.ParseBool(env("SNODO_SEED_IF_EMPTY", "false"))
	fs.BoolVar(&c.SeedIfEmpty, "seed-if-empty", seedIfEmpty, "load the demo network when the database is empty (env SNODO_SEED_IF_EMPTY)")
	var maxDepth, maxComplexity, maxAliases, timeout, rateLimit, trustForwarded, introspection, staleAfter, authFailures, maxLifetime, jwksRefresh string
	fs.StringVar(&maxDepth, "max-depth", env("SNODO_MAX_DEPTH", "12"), "deepest nesting of fields in a GraphQL operation; 0 for no limit (env SNODO_MAX_DEPTH)")
	fs.StringVar(&maxComplexity, "max-complexity", env("SNODO_MAX_COMPLEXITY", "5000"), "highest cost of a GraphQL operation; 0 for no limit (env SNODO_MAX_COMPLEXITY)")
	fs.StringVar(&maxAliases, "max-aliases", env("SNODO_MAX_ALIASES", "30"), "most aliases in a GraphQL operation; 0 for no limit (env SNODO_MAX_ALIASES)")
	fs.StringVar(&timeout, "request-timeout", env("SNODO_REQUEST_TIMEOUT", "10s"), "time limit of a GraphQL request, its Neo4j transactions included; 0 for none (env SNODO_REQUEST_TIMEOUT)")
	fs.StringVar(&rateLimit, "rate-limit", env("SNODO_RATE_LIMIT", "20"), "GraphQL requests per second per client (by bearer token, else by IP address); 0 for no limit (env SNODO_RATE_LIMIT)")
	fs.StringVar(&trustForwarded, "trust-forwarded-for", env("SNODO_TRUST_FORWARDED_FOR", "false"), "name clients by the last address of X-Forwarded-For, behind a proxy that sets it (env SNODO_TRUST_FORWARDED_FOR)")
	fs.StringVar(&authFailures, "auth-failure-limit", env("SNODO_AUTH_FAILURE_LIMIT", "10"), "failed authentications per minute per client address before 429; 0 for no limit (env SNODO_AUTH_FAILURE_LIMIT)")
	fs.StringVar(&introspection, "introspection", env("SNODO_INTROSPECTION", ""), "allow schema introspection and serve GraphiQL; on with --dev, else off (env SNODO_INTROSPECTION)")
	fs.StringVar(&staleAfter, "stale-after", env("SNODO_STALE_AFTER", "8760h"), "how long a service record may go unverified before it is flagged stale (env SNODO_STALE_AFTER)")
	disclosureParams := disclosure.Register(fs, getenv)
	var recipientAccess string
	fs.StringVar(&recipientAccess, "recipient-access-after-close", env("SNODO_RECIPIENT_ACCESS_AFTER_CLOSE", "720h"), "how long the recipient of a referral still sees its case after the referral closes (env SNODO_RECIPIENT_ACCESS_AFTER_CLOSE)")
	fs.StringVar(&c.JWTSecret, "jwt-secret", env("SNODO_JWT_SECRET", ""), "HS256 key of development tokens, accepted with --dev only; a built-in one when unset (env SNODO_JWT_SECRET)")
	fs.StringVar(&c.Auth.PublicKeyFile, "jwt-public-key", env("SNODO_JWT_PUBLIC_KEY", ""), "PEM file of the identity provider's RS256/ES256 key (env SNODO_JWT_PUBLIC_KEY)")
	fs.StringVar(&c.Auth.JWKSFile, "jwks-file", env("SNODO_JWKS_FILE", ""), "JWKS file of the identity provider's keys (env SNODO_JWKS_FILE)")
	fs.StringVar(&c.Auth.JWKSURL, "jwks-url", env("SNODO_JWKS_URL", ""), "https URL of the identity provider's JWKS, fetched at start and kept fresh (env SNODO_JWKS_URL)")
	fs.StringVar(&jwksRefresh, "jwks-refresh", env("SNODO_JWKS_REFRESH", "1h"), "how often the JWKS URL is fetched again (env SNODO_JWKS_REFRESH)")
	fs.StringVar(&maxLifetime, "jwt-max-lifetime", env("SNODO_JWT_MAX_LIFETIME", "12h"), "longest lifetime of a token accepted (exp - iat); 0 for no maximum (env SNODO_JWT_MAX_LIFETIME)")
	fs.StringVar(&c.Auth.Issuer, "jwt-issuer", env("SNODO_JWT_ISSUER", "snodo-dev"), "the issuer tokens must name (env SNODO_JWT_ISSUER)")
	fs.StringVar(&c.Auth.Audience, "jwt-audience", env("SNODO_JWT_AUDIENCE", ""), "the audience tokens must name, if set (env SNODO_JWT_AUDIENCE)")
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", env("SNODO_OIDC_ISSUER", ""), "OpenID Connect issuer the web app signs in with (env SNODO_OIDC_ISSUER)")
	fs.StringVar(&c.OIDCClientID, "oidc-client-id", env("SNODO_OIDC_CLIENT_ID", ""), "the web app's client ID at the OIDC issuer (env SNODO_OIDC_CLIENT_ID)")
	fs.StringVar(&c.MapTiles, "map-tiles", env("SNODO_MAP_TILES", ""), "URL template of the web app's map tiles, such as https://tile.example/{z}/{x}/{y}.png; no map when unset (env SNODO_MAP_TILES)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	var err error
	count := func(name, v string) int {
		n, e := strconv.Atoi(strings.TrimSpace(v))
		if e != nil || n < 0 {
			err = errors.Join(err, fmt.Errorf("%s %q: use a whole number, 0 for no limit", name, v))
		}
		return n
	}
	duration := func(name, v string) time.Duration {
		d, e := time.ParseDuration(strings.TrimSpace(v))
		if e != nil || d < 0 {
			err = errors.Join(err, fmt.Errorf("%s %q: use a duration such as 10s", name, v))
		}
		return d
	}
	boolean := func(name, v string) bool {
		b, e := strconv.ParseBool(strings.TrimSpace(v))
		if e != nil {
			err = errors.Join(err, fmt.Errorf("%s %q: use true or false", name, v))
		}
		return b
	}
	c.MaxDepth = count("max depth", maxDepth)
	c.MaxComplexity = count("max complexity", maxComplexity)
	c.MaxAliases = count("max aliases", maxAliases)
	c.RequestTimeout = duration("request timeout", timeout)
	if r, e := strconv.ParseFloat(strings.TrimSpace(rateLimit), 64); e != nil || r < 0 || math.IsInf(r, 0) || math.IsNaN(r) {
		err = errors.Join(err, fmt.Errorf("rate limit %q: use requests per second, such as 20, or 0 for no limit", rateLimit))
	} else {
		c.RateLimit = r
	}
	c.TrustForwardedFor = boolean("trust forwarded for", trustForwarded)
	c.Introspection = c.Dev
	if strings.TrimSpace(introspection) != "" {
		c.Introspection = boolean("introspection", introspection)
	}
	c.StaleAfter = duration("stale after", staleAfter)
	if p, e := disclosureParams(); e != nil {
		err = errors.Join(err, e)
	} else {
		c.Disclosure = p
	}
	c.RecipientAccessAfterClose = duration("recipient access after close", recipientAccess)
	if r, e := strconv.ParseFloat(strings.TrimSpace(authFailures), 64); e != nil || r < 0 || math.IsInf(r, 0) || math.IsNaN(r) {
		err = errors.Join(err, fmt.Errorf("auth failure limit %q: use failures per minute, such as 10, or 0 for no limit", authFailures))
	} else {
		c.AuthFailureLimit = r
	}
	c.Auth.JWKSRefresh = duration("JWKS refresh", jwksRefresh)
	if c.Auth.MaxLifetime = duration("JWT max lifetime", maxLifetime); c.Auth.MaxLifetime == 0 {
		c.Auth.MaxLifetime = -1 // auth.Config: negative for no maximum
	}
	if c.Addr == "" {
		c.Addr = ":8080"
		if c.Dev {
			c.Addr = "127.0.0.1:8080"
		}
	}
	// Development tokens are accepted only in development mode: a production server never
	// accepts a token signed with a shared secret, least of all the public built-in one.
	if c.Dev {
		c.Auth.HMACSecret = c.DevSecret()
	}
	if err != nil {
		return Config{}, err
	}
	for _, o := range strings.Split(cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return Config{}, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	d, err := time.ParseDuration(wait)
	if err != nil || d < 0 {
		return Config{}, fmt.Errorf("neo4j wait %q: use a duration such as 30s", wait)
	}
	c.Neo4jWait = d
	if c.MapTiles != "" {
		if err := CheckMapTiles(c.MapTiles); err != nil {
			return Config{}, err
		}
	}
	if !strings.Contains(c.Neo4jURI, "://") {
		return Config{}, fmt.Errorf("neo4j URI %q: use a URI such as bolt://127.0.0.1:7687", c.Neo4jURI)
	}
	return c, nil
}

// DevSecret is the HS256 secret of development tokens: SNODO_JWT_SECRET, or DevJWTSecret.
func (c Config) DevSecret() string {
	if c.JWTSecret != "" {
		return c.JWTSecret
	}
	return DevJWTSecret
}

// CheckServe refuses a configuration that `serve` must not run with: no production key outside
// development mode, a development secret outside it, or the public built-in secret on an address
// other computers reach.
func (c Config) CheckServe() error {
	switch {
	case !c.Dev && c.JWTSecret != "":
		return errors.New("SNODO_JWT_SECRET signs development tokens, which only `serve --dev` accepts: unset it, or add --dev for development")
	case !c.Dev && !c.Auth.Production():
		return errors.New("no production key: set SNODO_JWT_PUBLIC_KEY (a PEM file), SNODO_JWKS_FILE or SNODO_JWKS_URL to the identity provider's keys, or run `snodo serve --dev` (as `make run` does) for development")
	case c.Dev && c.JWTSecret == "" && !Loopback(c.Addr):
		return fmt.Errorf("--dev with the built-in development secret, which is public, listens only on a loopback address, not %q: set SNODO_JWT_SECRET to a secret of your own (32 characters or more) to listen there", c.Addr)
	}
	return nil
}

// Loopback reports whether a listening address (host:port) accepts connections from this
// machine only: its host is localhost or a loopback IP. An empty host is every interface.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckMapTiles refuses a map tile template that is not an absolute http(s) URL with {z}, {x}
// and {y}: the browser fetches tiles from it, and the app's policy allows images from its origin.
func CheckMapTiles(template string) error {
	u, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0", "{r}", "").Replace(template))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("map tiles %q: use an http(s) URL template such as https://tile.example/{z}/{x}/{y}.png", template)
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(template, p) {
			return fmt.Errorf("map tiles %q: the template needs {z}, {x} and {y}", template)
		}
	}
	return nil
}
