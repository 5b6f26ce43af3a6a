// Package config reads Snodo's settings from flags, which default to environment variables,
// which default to a local development setup.
package config

import (
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of Snodo.
type Config struct {
	Neo4jURI      string
	Neo4jUser     string
	Neo4jPassword string
	Neo4jDatabase string
	// Neo4jWait is how long to wait for Neo4j at start before giving up.
	Neo4jWait   time.Duration
	Addr        string
	CORSOrigins []string
	LogLevel    slog.Level
	// SeedIfEmpty loads the demo network at start when the database holds no zone.
	SeedIfEmpty bool
}

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
	fs.StringVar(&c.Addr, "addr", env("SNODO_ADDR", ":8080"), "address to listen on (env SNODO_ADDR)")
	fs.StringVar(&cors, "cors-origins", env("SNODO_CORS_ORIGINS", ""), "comma-separated origins allowed by CORS, or * (env SNODO_CORS_ORIGINS)")
	fs.StringVar(&level, "log-level", env("SNODO_LOG_LEVEL", "info"), "debug, info, warn or error (env SNODO_LOG_LEVEL)")
	seedIfEmpty, _ := strconv.ParseBool(env("SNODO_SEED_IF_EMPTY", "false"))
	fs.BoolVar(&c.SeedIfEmpty, "seed-if-empty", seedIfEmpty, "load the demo network when the database is empty (env SNODO_SEED_IF_EMPTY)")
	if err := fs.Parse(args); err != nil {
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
	if !strings.Contains(c.Neo4jURI, "://") {
		return Config{}, fmt.Errorf("neo4j URI %q: use a URI such as bolt://127.0.0.1:7687", c.Neo4jURI)
	}
	return c, nil
}
