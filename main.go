// Command snodo is the Snodo server and its tools: serve, migrate, seed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"snodo/auth"
	"snodo/config"
	"snodo/disclosure"
	"snodo/loaders"
	"snodo/seed"
	"snodo/server"
	"snodo/store"
	"snodo/web"
)

const usage = `snodo: the directory and service-mapping hub of inclusion networks

usage: snodo <command> [flags]

commands:
  serve     migrate, then serve GraphQL on SNODO_ADDR (default :8080); needs a production key
            (SNODO_JWT_PUBLIC_KEY, SNODO_JWKS_FILE or SNODO_JWKS_URL) unless --dev is given
  migrate   apply the schema migrations (constraints and indexes) and exit
  seed      load the demo network (idempotent) and exit
  token     mint a development token (--demo: one per role on the demo network)
  report    write a zone's quarterly monitoring report: --zone ID --quarter 2026-Q3 --format csv|json
  export    export hsds --out DIR: the directory as an HSDS 3.0 dataset (docs/hsds.md)
  import    import hsds PATH [--dry-run]: an HSDS dataset or file into the directory;
            import istat FILE [--dry-run] [--region 09]: ISTAT's list of municipalities;
            import csv FILE [--dry-run]: a sheet of services (--template writes the template)
  export    export csv --list servizi|enti|zone [--out FILE]: a directory list as a sheet
  dump      write a consistent logical backup of the whole database: --out FILE
  restore   load a dump into an empty database: snodo restore FILE

Run 'snodo <command> -h' for the flags of a command; each flag defaults to an environment
variable, e.g. NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE, SNODO_ADDR.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cmd, args := os.Args[1], os.Args[2:]
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd {
	case "serve", "migrate", "seed", "report", "import", "export":
		if cmd == "serve" {
			tuneGC(os.Getenv)
		}
		err = runWithStore(ctx, cmd, args)
	case "token":
		err = runToken(args, os.Getenv)
	case "dump", "restore":
		err = runDump(ctx, cmd, args)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "snodo: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(os.Stderr, "snodo %s: %v\n", cmd, err)
		os.Exit(1)
	}
}

func runWithStore(ctx context.Context, cmd string, args []string) error {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	var rep reportFlags
	if cmd == "report" {
		rep.register(fs)
	}
	var data dataCommand
	if cmd == "import" || cmd == "export" {
		var err error
		if args, err = data.register(fs, cmd, args); err != nil {
			return err
		}
	}
	cfg, err := config.Load(fs, args, os.Getenv)
	if err != nil {
		return err
	}
	if done, err := data.offline(os.Stdout); done || err != nil {
		return err
	}
	if cmd == "serve" {
		// Before anything connects: a server that must not run does not touch the database.
		if err := cfg.CheckServe(); err != nil {
			return err
		}
	}
	log := slog.New(server.WithRequestID(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel})))
	slog.SetDefault(log)
	driver, err := store.Connect(ctx, cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword, cfg.Neo4jWait)
	if err != nil {
		return fmt.Errorf("%w (is Neo4j running? 'make neo4j' starts a local one)", err)
	}
	defer func() { _ = driver.Close(context.Background()) }()
	st := store.New(driver, cfg.Neo4jDatabase)
	st.SetRecipientAccessAfterClose(cfg.RecipientAccessAfterClose)
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	log.Info("migrations applied", "schemaVersion", store.SchemaVersion)
	stopTracing, traced, err := server.SetupTracing(ctx, "snodo")
	if err != nil {
		return fmt.Errorf("tracing (OTEL_EXPORTER_OTLP_ENDPOINT): %w", err)
	}
	defer func() { _ = stopTracing(context.Background()) }()
	switch cmd {
	case "migrate":
		return nil
	case "seed":
		return loadDemo(ctx, st, log)
	case "import", "export":
		return data.run(ctx, st, fs)
	}
	metrics := server.NewMetrics()
	pub, err := disclosure.New(cfg.Disclosure, st.Now, metrics.Ledger(st))
	if err != nil {
		return err
	}
	if cmd == "report" {
		return rep.write(ctx, st, pub)
	}
	if cfg.SeedIfEmpty {
		empty, err := st.Empty(ctx)
		if err != nil {
			return err
		}
		if empty {
			if err := loadDemo(ctx, st, log); err != nil {
				return err
			}
		}
	}
	verifier, err := auth.NewVerifier(cfg.Auth)
	if err != nil {
		return err
	}
	defer verifier.Close()
	if cfg.Dev {
		warnDev(cfg)
		log.Warn("development mode: development tokens accepted, introspection and GraphiQL on", "addr", cfg.Addr)
	}
	go st.Watch(ctx, log) // answers SERVICE_UNAVAILABLE at once while Neo4j is down
	store.ObserveQueries(metrics.Query)
	loaders.ObserveBatch = metrics.Batch
	if cfg.MetricsAddr != "" {
		go func() {
			if err := server.Run(ctx, cfg.MetricsAddr, metrics.Handler(), time.Second, log); err != nil {
				log.Error("metrics server", "addr", cfg.MetricsAddr, "error", err)
			}
		}()
	}
	h := server.New(st, server.Options{
		Verifier:             verifier,
		StaleAfter:           cfg.StaleAfter,
		Disclosure:           pub,
		CORSOrigins:          cfg.CORSOrigins,
		Logger:               log,
		AccessLog:            log,
		MaxDepth:             server.Limit(cfg.MaxDepth),
		MaxComplexity:        server.Limit(cfg.MaxComplexity),
		MaxAliases:           server.Limit(cfg.MaxAliases),
		RequestTimeout:       server.Limit(cfg.RequestTimeout),
		RatePerSecond:        server.Limit(cfg.RateLimit),
		TrustForwardedFor:    cfg.TrustForwardedFor,
		AuthFailuresPerMin:   server.Limit(cfg.AuthFailureLimit),
		DisableIntrospection: !cfg.Introspection,
		// The web app; dev sign-in only while the built-in development secret is in use.
		App:       web.Files(),
		DevSignIn: devSignIn(cfg),
		OIDC:      server.OIDC{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID},
		MapTiles:  cfg.MapTiles,
		Metrics:   metrics,
		Traced:    traced,
	})
	// Every replica sends the webhook deliveries due; leases in Neo4j send each once.
	go store.NewDispatcher(st).Run(ctx, 5*time.Second, func(f string, a ...any) { log.Warn(fmt.Sprintf(f, a...)) })
	return server.Run(ctx, cfg.Addr, h, 20*time.Second, log)
}

// warnDev says plainly, on stderr, that the server runs in development mode.
func warnDev(cfg config.Config) {
	secret := "the built-in development secret (public: anyone can mint an ADMIN token)"
	if cfg.DevSecret() != config.DevJWTSecret {
		secret = "SNODO_JWT_SECRET"
	}
	fmt.Fprintf(os.Stderr, `
  WARNING: development mode (--dev). Not for real data.
  Tokens signed with %s are accepted,
  introspection and GraphiQL are on, and the server listens on %s%s.

`, secret, cfg.Addr, map[bool]string{true: " (this machine only)", false: " (OTHER MACHINES CAN CONNECT)"}[config.Loopback(cfg.Addr)])
}

func loadDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	start := time.Now()
	counts, err := seed.Load(ctx, st, seed.Demo())
	if err != nil {
		return fmt.Errorf("loading the demo network: %w", err)
	}
	log.Info("demo network loaded", "nodes", counts, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// devSignIn is the web app's sign-in as the demo identities, on a development server only.
func devSignIn(cfg config.Config) *server.DevSignIn {
	if !cfg.Dev {
		return nil
	}
	return &server.DevSignIn{Secret: cfg.Auth.HMACSecret, Issuer: cfg.Auth.Issuer}
}
