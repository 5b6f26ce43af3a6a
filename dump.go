package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"snodo/config"
	"snodo/store"
)

// runDump is `snodo dump --out FILE` and `snodo restore FILE`: a logical backup of the whole
// database in the dump format (store/dump.go), and its restore into an empty database.
func runDump(ctx context.Context, cmd string, args []string) error {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	var out string
	if cmd == "dump" {
		fs.StringVar(&out, "out", "", "the file to write the dump to (required)")
	}
	cfg, err := config.Load(fs, args, os.Getenv)
	if err != nil {
		return err
	}
	var in string
	switch {
	case cmd == "dump" && (out == "" || fs.NArg() > 0):
		return errors.New("usage: snodo dump --out FILE")
	case cmd == "restore" && fs.NArg() != 1:
		return errors.New("usage: snodo restore FILE")
	case cmd == "restore":
		in = fs.Arg(0)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	driver, err := store.Connect(ctx, cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword, cfg.Neo4jWait)
	if err != nil {
		return fmt.Errorf("%w (is Neo4j running?)", err)
	}
	defer func() { _ = driver.Close(context.Background()) }()
	st := store.New(driver, cfg.Neo4jDatabase)
	start := time.Now()
	if cmd == "dump" {
		// Written beside the target and renamed at the end, so that a failed dump leaves no file
		// that looks whole.
		tmp := out + ".partial"
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		counts, err := st.Dump(ctx, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(tmp)
			return err
		}
		if err := os.Rename(tmp, out); err != nil {
			return err
		}
		log.Info("dump written", "file", out, "nodes", counts.Nodes, "relationships", counts.Relationships, "took", time.Since(start).Round(time.Millisecond))
		return nil
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := st.Migrate(ctx); err != nil { // the constraints and indexes first
		return err
	}
	counts, err := st.Restore(ctx, f)
	if err != nil {
		return fmt.Errorf("restoring %s: %w", in, err)
	}
	log.Info("dump restored", "file", in, "nodes", counts.Nodes, "relationships", counts.Relationships, "took", time.Since(start).Round(time.Millisecond))
	return nil
}
