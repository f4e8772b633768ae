// Command loadcheck puts a Tongxing server it starts itself under load and
// under faults, on loopback only, and checks what operators rely on
// (docs/operations.md, "Load and fault tests"):
//
//	loadcheck mixed      64 connections of mixed reads and writes on PostgreSQL:
//	                     no 5xx, every acknowledged write present afterwards
//	loadcheck pg-restart PostgreSQL stopped and started under load: /readyz 503
//	                     while it is down, requests fail fast with a code, the
//	                     service back within 5 s, no acknowledged write lost
//	loadcheck sqlite-kill the server killed (SIGKILL) during writes and started
//	                     again: integrity_check ok, every acknowledged write there
//	loadcheck all        the three in turn
//
// PostgreSQL is a private cluster that loadcheck creates with initdb in a
// temporary directory, on a free port, and removes afterwards: restarting
// it disturbs nothing else. As root, it runs the cluster as the user
// "postgres". The server is built from this checkout with go build.
//
//	go run ./cmd/loadcheck all [-duration 60s] [-connections 64]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	fs := flag.NewFlagSet("loadcheck", flag.ExitOnError)
	duration := fs.Duration("duration", 60*time.Second, "how long the mixed load runs")
	connections := fs.Int("connections", 64, "concurrent connections of the mixed load")
	fs.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: loadcheck [-duration 60s] [-connections 64] mixed|pg-restart|sqlite-kill|all")
		fs.PrintDefaults()
	}
	if len(os.Args) < 2 {
		fs.Usage()
		os.Exit(2)
	}
	check, args := os.Args[1], os.Args[2:]
	if len(os.Args) > 2 && os.Args[1][0] == '-' {
		check, args = os.Args[len(os.Args)-1], os.Args[1:len(os.Args)-1]
	}
	_ = fs.Parse(args)
	if fs.NArg() > 0 {
		check = fs.Arg(0)
	}
	ctx := context.Background()
	checks := map[string]func(context.Context, *env) error{
		"mixed":       func(ctx context.Context, e *env) error { return mixed(ctx, e, *duration, *connections) },
		"pg-restart":  pgRestart,
		"sqlite-kill": sqliteKill,
	}
	var order []string
	switch check {
	case "all":
		order = []string{"mixed", "pg-restart", "sqlite-kill"}
	default:
		if checks[check] == nil {
			fs.Usage()
			os.Exit(2)
		}
		order = []string{check}
	}
	e, err := newEnv(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadcheck:", err)
		os.Exit(1)
	}
	defer e.close()
	var failed []error
	for _, name := range order {
		fmt.Printf("\n== %s\n", name)
		start := time.Now()
		if err := checks[name](ctx, e); err != nil {
			fmt.Printf("FAIL %s (%s): %v\n", name, time.Since(start).Round(time.Second), err)
			failed = append(failed, fmt.Errorf("%s: %w", name, err))
			continue
		}
		fmt.Printf("PASS %s (%s)\n", name, time.Since(start).Round(time.Second))
	}
	if err := errors.Join(failed...); err != nil {
		e.close()
		os.Exit(1)
	}
}
