package main

import (
	"context"
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"snodo/auth"
	"snodo/config"
)

// clearEnv unsets the settings that would change what serve and token do, for this test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"SNODO_JWT_SECRET", "SNODO_JWT_PUBLIC_KEY", "SNODO_JWKS_FILE", "SNODO_JWKS_URL", "SNODO_ADDR", "SNODO_JWT_ISSUER", "SNODO_JWT_MAX_LIFETIME"} {
		t.Setenv(k, "")
	}
	// Nothing listens here: serve must refuse before it tries to connect.
	t.Setenv("NEO4J_URI", "bolt://127.0.0.1:1")
	t.Setenv("NEO4J_WAIT", "0s")
}

// TestServeRefusesWithoutAProductionKey: `snodo serve` without a key, or with the public
// development secret on every interface, stops before it touches the database.
func TestServeRefusesWithoutAProductionKey(t *testing.T) {
	clearEnv(t)
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{nil, nil, "no production key"},
		{nil, map[string]string{"SNODO_JWT_SECRET": "0123456789abcdef0123456789abcdef"}, "only `serve --dev` accepts"},
		{[]string{"--dev", "--addr", ":8080"}, nil, "listens only on a loopback address"},
		{[]string{"--dev"}, map[string]string{"SNODO_ADDR": "0.0.0.0:8080"}, "listens only on a loopback address"},
	} {
		for k, v := range tc.env {
			t.Setenv(k, v)
		}
		err := runWithStore(context.Background(), "serve", tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("serve %v with %v: %v, want an error saying %q", tc.args, tc.env, err, tc.want)
		}
		for k := range tc.env {
			t.Setenv(k, "")
		}
	}
	// With --dev on loopback, serve goes on to connect (and fails here, where no Neo4j is).
	err := runWithStore(context.Background(), "serve", []string{"--dev"})
	if err == nil || !strings.Contains(err.Error(), "Neo4j") {
		t.Errorf("serve --dev: %v, want it to try Neo4j", err)
	}
}

// TestTokenMintsDevelopmentTokens: `snodo token` mints tokens that `serve --dev` accepts, and
// refuses a lifetime the server would refuse.
func TestTokenMintsDevelopmentTokens(t *testing.T) {
	clearEnv(t)
	out := captureStdout(t, func() {
		if err := runToken([]string{"--role", "RESEARCHER", "--subject", "ada"}, os.Getenv); err != nil {
			t.Fatal(err)
		}
	})
	cfg, err := config.Load(flag.NewFlagSet("t", flag.ContinueOnError), []string{"--dev"}, os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(cfg.Auth)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Verify(strings.TrimSpace(out))
	if err != nil || got.Subject != "ada" || got.Role != auth.Researcher {
		t.Errorf("the minted token verifies as %+v, %v", got, err)
	}
	if err := runToken([]string{"--role", "ADMIN", "--ttl", "24h"}, os.Getenv); err == nil || !strings.Contains(err.Error(), "SNODO_JWT_MAX_LIFETIME") {
		t.Errorf("a 24 h token: %v, want a refusal naming SNODO_JWT_MAX_LIFETIME", err)
	}
	demo := captureStdout(t, func() {
		if err := runToken([]string{"--demo"}, os.Getenv); err != nil {
			t.Fatal(err)
		}
	})
	for _, r := range auth.Roles {
		if !strings.Contains(demo, string(r)) {
			t.Errorf("token --demo prints no %s token:\n%s", r, demo)
		}
	}
}

func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	f()
	os.Stdout = old
	_ = w.Close()
	b, _ := io.ReadAll(r)
	return string(b)
}

// TestStartWithNeo4jDownWaitsThenFails: with nothing listening at NEO4J_URI, a command that
// needs the database waits NEO4J_WAIT for it, then fails with a message that says what is
// missing (main exits 1 on it).
func TestStartWithNeo4jDownWaitsThenFails(t *testing.T) {
	clearEnv(t)
	t.Setenv("NEO4J_WAIT", "1500ms")
	start := time.Now()
	err := runWithStore(context.Background(), "migrate", nil)
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "did not answer within 1.5s") || !strings.Contains(err.Error(), "is Neo4j running?") {
		t.Fatalf("migrate with Neo4j down: %v, want a clear error", err)
	}
	if took < 1500*time.Millisecond {
		t.Errorf("gave up after %s, before NEO4J_WAIT", took)
	}
}
