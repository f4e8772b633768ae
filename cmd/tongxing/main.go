// Command tongxing is the Tongxing server and its administration tool.
//
//	tongxing [serve]                 run the API server (the default)
//	tongxing migrate                 create or update the database schema
//	tongxing seed [--scale district] load the demo (or a district-size) district into an empty database
//	tongxing keys create --name N    issue an API key (printed once); --holder and
//	                                 --casework make an EDITOR key a case key
//	tongxing keys list               list keys (never their secrets)
//	tongxing keys revoke ID          revoke a key
//	tongxing opendata build          build an open-data release now
//	tongxing opendata list           list the releases
//
// Configuration comes from TONGXING_* environment variables; see README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Garbage collection defaults for a server whose answers allocate much and
// keep little: collecting at 5× the live heap instead of 2× made a nested
// read of 1,300 objects 40 % faster (docs/benchmarks.md), and the soft
// limit keeps the heap small where the live heap grows: an open-data build
// at district scale holds 90 MB live and stays under 256 MiB resident
// (docs/operations.md). GOGC and GOMEMLIMIT set in the environment win.
const (
	defaultGCPercent   = 400
	defaultMemoryLimit = 200 << 20
)

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "tongxing:", err)
		os.Exit(exitCode(err))
	}
}
