package config_test

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"reflect"
	"snodo/auth"
	"strings"
	"testing"
	"time"

	"snodo/config"
	"snodo/disclosure"
)

// load reads the settings from args and an environment given as a map.
func load(args []string, env map[string]string) (config.Config, error) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return config.Load(fs, args, func(k string) string { return env[k] })
}

func TestDefaults(t *testing.T) {
	c, err := load(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{
		Neo4jURI:         "bolt://127.0.0.1:7687",
		Neo4jUser:        "neo4j",
		Neo4jPassword:    config.DevPassword,
		Neo4jDatabase:    "",
		Neo4jWait:        30 * time.Second,
		Addr:             ":8080",
		CORSOrigins:      nil,
		LogLevel:         slog.LevelInfo,
		SeedIfEmpty:      false,
		MaxDepth:         12,
		MaxComplexity:    5000,
		MaxAliases:       30,
		RequestTimeout:   10 * time.Second,
		RateLimit:        20,
		Introspection:    false,
		AuthFailureLimit: 10,
		StaleAfter:       8760 * time.Hour,
		Auth:             auth.Config{Issuer: "snodo-dev", JWKSRefresh: time.Hour, MaxLifetime: 12 * time.Hour},
		Disclosure:       disclosure.Defaults,
	}
	want.RecipientAccessAfterClose = 720 * time.Hour
	if !reflect.DeepEqual(c, want) {
		t.Errorf("defaults:\n got %+v\nwant %+v", c, want)
	}
	if config.DevPassword != "snodo-dev-password" {
		t.Errorf("DevPassword is %q; docker-compose.yml and scripts/neo4j use snodo-dev-password", config.DevPassword)
	}
}

var fullEnv = map[string]string{
	"NEO4J_URI":           "neo4j://db.example:7687",
	"SNODO_MAP_TILES":     "https://tile.example/{z}/{x}/{y}.png",
	"NEO4J_USER":          "snodo",
	"NEO4J_PASSWORD":      "secret",
	"NEO4J_DATABASE":      "directory",
	"NEO4J_WAIT":          "90s",
	"SNODO_ADDR":          "127.0.0.1:9000",
	"SNODO_CORS_ORIGINS":  "https://app.example",
	"SNODO_LOG_LEVEL":     "debug",
	"SNODO_SEED_IF_EMPTY": "true",

	"SNODO_MAX_DEPTH":                    "8",
	"SNODO_MAX_COMPLEXITY":               "900",
	"SNODO_MAX_ALIASES":                  "0",
	"SNODO_REQUEST_TIMEOUT":              "3s",
	"SNODO_RATE_LIMIT":                   "2.5",
	"SNODO_TRUST_FORWARDED_FOR":          "true",
	"SNODO_INTROSPECTION":                "false",
	"SNODO_STALE_AFTER":                  "720h",
	"SNODO_AUTH_FAILURE_LIMIT":           "3",
	"SNODO_JWKS_URL":                     "https://id.example/jwks.json",
	"SNODO_JWKS_REFRESH":                 "10m",
	"SNODO_JWT_MAX_LIFETIME":             "2h",
	"SNODO_JWT_ISSUER":                   "https://id.example",
	"SNODO_RECIPIENT_ACCESS_AFTER_CLOSE": "240h",
}

func TestEnvOverridesDefaults(t *testing.T) {
	c, err := load(nil, fullEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{
		Neo4jURI:          "neo4j://db.example:7687",
		Neo4jUser:         "snodo",
		Neo4jPassword:     "secret",
		Neo4jDatabase:     "directory",
		Neo4jWait:         90 * time.Second,
		Addr:              "127.0.0.1:9000",
		CORSOrigins:       []string{"https://app.example"},
		LogLevel:          slog.LevelDebug,
		SeedIfEmpty:       true,
		MaxDepth:          8,
		MaxComplexity:     900,
		MaxAliases:        0,
		RequestTimeout:    3 * time.Second,
		RateLimit:         2.5,
		TrustForwardedFor: true,
		Introspection:     false,
		AuthFailureLimit:  3,
		StaleAfter:        720 * time.Hour,
		Disclosure:        disclosure.Defaults,
		Auth:              auth.Config{JWKSURL: "https://id.example/jwks.json", JWKSRefresh: 10 * time.Minute, MaxLifetime: 2 * time.Hour, Issuer: "https://id.example"},
	}
	want.RecipientAccessAfterClose = 240 * time.Hour
	want.MapTiles = "https://tile.example/{z}/{x}/{y}.png"
	if !reflect.DeepEqual(c, want) {
		t.Errorf("from the environment:\n got %+v\nwant %+v", c, want)
	}
}

func TestEmptyEnvIsUnset(t *testing.T) {
	env := map[string]string{}
	for k := range fullEnv {
		env[k] = ""
	}
	c, err := load(nil, env)
	if err != nil {
		t.Fatal(err)
	}
	def, _ := load(nil, nil)
	if !reflect.DeepEqual(c, def) {
		t.Errorf("empty variables should leave the defaults:\n got %+v\nwant %+v", c, def)
	}
}

func TestFlagsOverrideEnv(t *testing.T) {
	args := []string{
		"--neo4j-uri", "bolt://other:7687",
		"--neo4j-user", "admin",
		"--neo4j-password", "flagpw",
		"--neo4j-database", "neo4j",
		"--neo4j-wait", "5s",
		"--addr", ":9090",
		"--cors-origins", "https://a.example,https://b.example",
		"--log-level", "warn",
		"--seed-if-empty=false",
		"--max-depth", "20",
		"--max-complexity", "0",
		"--max-aliases", "5",
		"--request-timeout", "0",
		"--rate-limit", "0",
		"--trust-forwarded-for=false",
		"--introspection", "true",
		"--stale-after", "48h",
		"--auth-failure-limit", "0",
		"--jwks-url", "https://other.example/keys",
		"--map-tiles", "http://127.0.0.1:9999/{z}/{x}/{y}.png",
		"--jwks-refresh", "5m",
		"--jwt-max-lifetime", "0",
		"--recipient-access-after-close", "24h",
	}
	c, err := load(args, fullEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{
		Neo4jURI:      "bolt://other:7687",
		Neo4jUser:     "admin",
		Neo4jPassword: "flagpw",
		Neo4jDatabase: "neo4j",
		Neo4jWait:     5 * time.Second,
		Addr:          ":9090",
		CORSOrigins:   []string{"https://a.example", "https://b.example"},
		LogLevel:      slog.LevelWarn,
		SeedIfEmpty:   false,
		MaxDepth:      20,
		MaxAliases:    5,
		Introspection: true,
		StaleAfter:    48 * time.Hour,
		Disclosure:    disclosure.Defaults,
		Auth:          auth.Config{JWKSURL: "https://other.example/keys", JWKSRefresh: 5 * time.Minute, MaxLifetime: -1, Issuer: "https://id.example"},
	}
	want.RecipientAccessAfterClose = 24 * time.Hour
	want.MapTiles = "http://127.0.0.1:9999/{z}/{x}/{y}.png"
	if !reflect.DeepEqual(c, want) {
		t.Errorf("flags over the environment:\n got %+v\nwant %+v", c, want)
	}

	c, err = load([]string{"-seed-if-empty"}, nil)
	if err != nil || !c.SeedIfEmpty {
		t.Errorf("-seed-if-empty: SeedIfEmpty %v, err %v", c.SeedIfEmpty, err)
	}
	// A flag given for one setting leaves the others to the environment.
	c, err = load([]string{"-addr", ":1234"}, fullEnv)
	if err != nil || c.Addr != ":1234" || c.Neo4jUser != "snodo" || c.LogLevel != slog.LevelDebug {
		t.Errorf("-addr alone: %+v, err %v", c, err)
	}
}

func TestCORSOrigins(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" , ,", nil},
		{"https://app.example", []string{"https://app.example"}},
		{" https://a.example , https://b.example ,", []string{"https://a.example", "https://b.example"}},
		{"https://a.example,,https://b.example", []string{"https://a.example", "https://b.example"}},
		{"*", []string{"*"}},
	}
	for _, c := range cases {
		got, err := load(nil, map[string]string{"SNODO_CORS_ORIGINS": c.in})
		if err != nil {
			t.Fatalf("SNODO_CORS_ORIGINS=%q: %v", c.in, err)
		}
		if !reflect.DeepEqual(got.CORSOrigins, c.want) {
			t.Errorf("SNODO_CORS_ORIGINS=%q: got %q, want %q", c.in, got.CORSOrigins, c.want)
		}
		got, err = load([]string{"-cors-origins", c.in}, nil)
		if err != nil || !reflect.DeepEqual(got.CORSOrigins, c.want) {
			t.Errorf("-cors-origins %q: got %q (err %v), want %q", c.in, got.CORSOrigins, err, c.want)
		}
	}
}

func TestLogLevels(t *testing.T) {
	for in, want := range map[string]slog.Level{
		"debug": slog.LevelDebug,
		"info":  slog.LevelInfo,
		"warn":  slog.LevelWarn,
		"error": slog.LevelError,
		"ERROR": slog.LevelError,
	} {
		c, err := load([]string{"-log-level", in}, nil)
		if err != nil || c.LogLevel != want {
			t.Errorf("-log-level %s: got %v (err %v), want %v", in, c.LogLevel, err, want)
		}
	}
}

func TestDurations(t *testing.T) {
	for in, want := range map[string]time.Duration{"0s": 0, "500ms": 500 * time.Millisecond, "2m": 2 * time.Minute} {
		c, err := load(nil, map[string]string{"NEO4J_WAIT": in})
		if err != nil || c.Neo4jWait != want {
			t.Errorf("NEO4J_WAIT=%s: got %v (err %v), want %v", in, c.Neo4jWait, err, want)
		}
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string // in the message
	}{
		{"bad log level flag", []string{"-log-level", "verbose"}, nil, "log level"},
		{"bad log level env", nil, map[string]string{"SNODO_LOG_LEVEL": "loud"}, "log level"},
		{"bad duration", []string{"-neo4j-wait", "soon"}, nil, "neo4j wait"},
		{"duration without unit", nil, map[string]string{"NEO4J_WAIT": "30"}, "neo4j wait"},
		{"negative duration", []string{"-neo4j-wait", "-1s"}, nil, "neo4j wait"},
		{"URI without scheme", []string{"-neo4j-uri", "127.0.0.1:7687"}, nil, "neo4j URI"},
		{"URI without scheme from env", nil, map[string]string{"NEO4J_URI": "localhost"}, "neo4j URI"},
		{"unknown flag", []string{"-port", "80"}, nil, "port"},
		{"stray argument to a bool flag", []string{"-seed-if-empty=maybe"}, nil, "seed-if-empty"},
		{"bad max depth", nil, map[string]string{"SNODO_MAX_DEPTH": "deep"}, "max depth"},
		{"negative max complexity", []string{"-max-complexity", "-1"}, nil, "max complexity"},
		{"bad max aliases", []string{"-max-aliases", "1.5"}, nil, "max aliases"},
		{"bad request timeout", nil, map[string]string{"SNODO_REQUEST_TIMEOUT": "10"}, "request timeout"},
		{"negative rate limit", nil, map[string]string{"SNODO_RATE_LIMIT": "-3"}, "rate limit"},
		{"bad rate limit", []string{"-rate-limit", "fast"}, nil, "rate limit"},
		{"bad introspection", nil, map[string]string{"SNODO_INTROSPECTION": "sometimes"}, "introspection"},
		{"bad stale after", nil, map[string]string{"SNODO_STALE_AFTER": "1y"}, "stale after"},
		{"bad recipient access", nil, map[string]string{"SNODO_RECIPIENT_ACCESS_AFTER_CLOSE": "30d"}, "recipient access after close"},
		{"map tiles without a scheme", nil, map[string]string{"SNODO_MAP_TILES": "tile.example/{z}/{x}/{y}.png"}, "map tiles"},
		{"map tiles without {y}", []string{"-map-tiles", "https://tile.example/{z}/{x}.png"}, nil, "map tiles"},
		{"map tiles of another scheme", nil, map[string]string{"SNODO_MAP_TILES": "javascript:alert(1)//{z}/{x}/{y}"}, "map tiles"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := load(c.args, c.env)
			if err == nil {
				t.Fatalf("no error; config %+v", got)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
			if !reflect.DeepEqual(got, config.Config{}) {
				t.Errorf("a failed Load returns %+v, want the zero Config", got)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	if _, err := load([]string{"-h"}, nil); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h gives %v, want flag.ErrHelp", err)
	}
}

func TestAuthKeys(t *testing.T) {
	env := map[string]string{"SNODO_JWKS_FILE": "/etc/snodo/jwks.json", "SNODO_JWT_ISSUER": "https://id.example", "SNODO_JWT_AUDIENCE": "snodo"}
	c, err := load(nil, env)
	if err != nil {
		t.Fatal(err)
	}
	want := auth.Config{JWKSFile: "/etc/snodo/jwks.json", Issuer: "https://id.example", Audience: "snodo", JWKSRefresh: time.Hour, MaxLifetime: 12 * time.Hour}
	if c.Auth != want || c.CheckServe() != nil {
		t.Errorf("a production key: %+v, CheckServe %v", c.Auth, c.CheckServe())
	}
	if c.DevSecret() != config.DevJWTSecret {
		t.Errorf("development tokens are signed with %q, want the built-in secret", c.DevSecret())
	}
	c, err = load([]string{"-jwt-secret", "0123456789abcdef0123456789abcdef"}, nil)
	if err != nil || c.DevSecret() != "0123456789abcdef0123456789abcdef" || c.Auth.HMACSecret != "" {
		t.Errorf("a given secret outside --dev: %+v %v", c.Auth, err)
	}
}

// TestServeNeedsAProductionKey: outside --dev, serve needs a production key and accepts no
// development secret; --dev accepts development tokens on loopback, or elsewhere with a secret
// of one's own.
func TestServeNeedsAProductionKey(t *testing.T) {
	const own = "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct {
		name        string
		args        []string
		env         map[string]string
		ok          bool
		addr        string
		hmac        string
		introspects bool
	}{
		{"no key", nil, nil, false, ":8080", "", false},
		{"a development secret without --dev", nil, map[string]string{"SNODO_JWT_SECRET": own}, false, ":8080", "", false},
		{"a PEM key", nil, map[string]string{"SNODO_JWT_PUBLIC_KEY": "/k.pem"}, true, ":8080", "", false},
		{"a JWKS file", nil, map[string]string{"SNODO_JWKS_FILE": "/k.json"}, true, ":8080", "", false},
		{"a JWKS URL", []string{"-jwks-url", "https://id.example/k"}, nil, true, ":8080", "", false},
		{"a key and a development secret", nil, map[string]string{"SNODO_JWKS_FILE": "/k.json", "SNODO_JWT_SECRET": own}, false, ":8080", "", false},
		{"introspection asked for", nil, map[string]string{"SNODO_JWKS_FILE": "/k.json", "SNODO_INTROSPECTION": "true"}, true, ":8080", "", true},
		{"--dev", []string{"--dev"}, nil, true, "127.0.0.1:8080", config.DevJWTSecret, true},
		{"--dev with introspection off", []string{"--dev", "--introspection=false"}, nil, true, "127.0.0.1:8080", config.DevJWTSecret, false},
		{"--dev on localhost", []string{"--dev", "--addr", "localhost:9000"}, nil, true, "localhost:9000", config.DevJWTSecret, true},
		{"--dev on ::1", []string{"--dev", "--addr", "[::1]:9000"}, nil, true, "[::1]:9000", config.DevJWTSecret, true},
		{"--dev on every interface with the built-in secret", []string{"--dev", "--addr", ":8080"}, nil, false, ":8080", config.DevJWTSecret, true},
		{"--dev on SNODO_ADDR 0.0.0.0 with the built-in secret", []string{"--dev"}, map[string]string{"SNODO_ADDR": "0.0.0.0:8080"}, false, "0.0.0.0:8080", config.DevJWTSecret, true},
		{"--dev on every interface with one's own secret", []string{"--dev"}, map[string]string{"SNODO_ADDR": ":8080", "SNODO_JWT_SECRET": own}, true, ":8080", own, true},
		{"--dev with a production key too", []string{"--dev", "--jwks-file", "/k.json"}, nil, true, "127.0.0.1:8080", config.DevJWTSecret, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := load(tc.args, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.CheckServe(); (err == nil) != tc.ok {
				t.Errorf("CheckServe: %v, want ok %v", err, tc.ok)
			}
			if c.Addr != tc.addr || c.Auth.HMACSecret != tc.hmac || c.Introspection != tc.introspects {
				t.Errorf("addr %q, HMAC secret %q, introspection %v; want %q, %q, %v", c.Addr, c.Auth.HMACSecret, c.Introspection, tc.addr, tc.hmac, tc.introspects)
			}
		})
	}
}

// The disclosure parameters are read once and validated: a threshold under 2 or a malformed
// value stops Snodo at start with a message naming the setting.
func TestDisclosureSettings(t *testing.T) {
	c, err := load(nil, map[string]string{"SNODO_PRIVACY_THRESHOLD": "7", "SNODO_DISCLOSURE_MIN_GROUP": "12",
		"SNODO_DISCLOSURE_MAX_NOISE": "4", "SNODO_DISCLOSURE_VARIANCE": "2.5", "SNODO_DISCLOSURE_BUDGET": "50"})
	want := disclosure.Params{Threshold: 7, MaxNoise: 4, Variance: 2.5, MinGroup: 12, DailyBudget: 50}
	if err != nil || c.Disclosure != want {
		t.Errorf("from the environment: %+v, %v", c.Disclosure, err)
	}
	if c, err := load([]string{"-privacy-threshold", "6"}, nil); err != nil || c.Disclosure.Threshold != 6 {
		t.Errorf("flag: %+v, %v", c.Disclosure, err)
	}
	for env, value := range map[string]string{
		"SNODO_PRIVACY_THRESHOLD": "0", "SNODO_DISCLOSURE_MIN_GROUP": "3", "SNODO_DISCLOSURE_VARIANCE": "9",
		"SNODO_DISCLOSURE_BUDGET": "0", "SNODO_DISCLOSURE_MAX_NOISE": "x",
	} {
		if _, err := load(nil, map[string]string{env: value}); err == nil {
			t.Errorf("%s=%s is refused", env, value)
		}
	}
	if _, err := load(nil, map[string]string{"SNODO_PRIVACY_THRESHOLD": "five"}); err == nil || !strings.Contains(err.Error(), "SNODO_PRIVACY_THRESHOLD") {
		t.Errorf("a malformed threshold names its setting: %v", err)
	}
	if _, err := load(nil, map[string]string{"SNODO_PRIVACY_THRESHOLD": "1"}); err == nil || !strings.Contains(err.Error(), "at least 2") {
		t.Errorf("a threshold of 1 is refused: %v", err)
	}
}
