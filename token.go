package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"snodo/auth"
	"snodo/config"
	"snodo/relay"
	"snodo/seed"
)

// runToken mints a development token, signed with SNODO_JWT_SECRET or the built-in development
// secret: tokens that only `snodo serve --dev` accepts.
func runToken(args []string, getenv func(string) string) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	role := fs.String("role", "", "ADMIN, COORDINATOR, CASE_MANAGER, SERVICE_OPERATOR or RESEARCHER")
	actor := fs.String("actor", "", "the actor the viewer works for: its global ID or its key")
	zones := fs.String("zone", "", "comma-separated zones a coordinator keeps: global IDs or keys")
	subject := fs.String("subject", "dev", "the token's subject, as the audit log shows it")
	ttl := fs.Duration("ttl", 8*time.Hour, "how long the token is valid (at most SNODO_JWT_MAX_LIFETIME, 12h by default)")
	demo := fs.Bool("demo", false, "print a token for each role on the demo network")
	cfg, err := config.Load(fs, args, getenv)
	if err != nil {
		return err
	}
	if *ttl <= 0 {
		return fmt.Errorf("ttl %s: use a positive duration such as 8h", *ttl)
	}
	if cfg.Auth.MaxLifetime > 0 && *ttl > cfg.Auth.MaxLifetime {
		return fmt.Errorf("ttl %s is longer than the longest lifetime the server accepts, %s (SNODO_JWT_MAX_LIFETIME)", *ttl, cfg.Auth.MaxLifetime)
	}
	mint := func(v auth.Viewer) (string, error) { return auth.Mint(cfg.DevSecret(), cfg.Auth.Issuer, v, *ttl) }
	if *demo {
		fmt.Println("Development tokens for the demo network, accepted by `snodo serve --dev` (send as Authorization: Bearer <token>):")
		for _, v := range demoViewers() {
			t, err := mint(v)
			if err != nil {
				return err
			}
			fmt.Printf("  %-16s %s\n", v.Role, t)
		}
		return nil
	}
	v := auth.Viewer{Subject: *subject, Role: auth.Role(strings.ToUpper(*role)), ActorID: keyOf(*actor)}
	if *zones != "" {
		for _, z := range strings.Split(*zones, ",") {
			v.ZoneIDs = append(v.ZoneIDs, keyOf(strings.TrimSpace(z)))
		}
	}
	found := false
	for _, r := range auth.Roles {
		found = found || r == v.Role
	}
	if !found {
		return fmt.Errorf("role %q: use one of %v", *role, auth.Roles)
	}
	t, err := mint(v)
	if err != nil {
		return err
	}
	fmt.Println(t)
	return nil
}

// keyOf accepts a global ID or a bare key.
func keyOf(id string) string {
	if _, k, err := relay.ParseGlobalID(id); err == nil {
		return k
	}
	return id
}

// demoViewers are one viewer per role on the demo network.
func demoViewers() []auth.Viewer {
	return []auth.Viewer{
		{Subject: "demo-admin", Role: auth.Admin},
		{Subject: "demo-coordinator-pisana", Role: auth.Coordinator, ZoneIDs: []string{seed.ID("Zone", "sd-pisana")}},
		{Subject: "demo-case-manager-sds", Role: auth.CaseManager, ActorID: seed.ID("Actor", "sds-pisana")},
		{Subject: "demo-operator-satis", Role: auth.ServiceOperator, ActorID: seed.ID("Actor", "satis")},
		{Subject: "demo-researcher", Role: auth.Researcher},
	}
}
