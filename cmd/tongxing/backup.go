package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/server"
)

// backupCommand is `tongxing backup FILE`: a consistent copy of the
// configured database, taken while the server runs (docs/operations.md).
func backupCommand(ctx context.Context, cfg server.Config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return usageError{"backup: want one FILE\n" + usage}
	}
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, args[0]); err != nil {
		return err
	}
	size := int64(0)
	if fi, err := os.Stat(args[0]); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(out, "backed up %s to %s (%d bytes, %s); keep the secret keys apart from it: the copy does not hold them\n",
		db.Location, args[0], size, time.Since(start).Round(time.Millisecond))
	return nil
}

// restoreCommand is `tongxing restore [--force] FILE`, with the server
// stopped.
func restoreCommand(ctx context.Context, cfg server.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	force := fs.Bool("force", false, "replace a database that is not empty")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return usageError{"restore: want [--force] FILE\n" + usage}
	}
	start := time.Now()
	if err := database.Restore(ctx, cfg.DatabaseURL, fs.Arg(0), *force); err != nil {
		return err
	}
	fmt.Fprintf(out, "restored %s (%s); start the server with the same TONGXING_SECRET_KEY as the backup's\n",
		fs.Arg(0), time.Since(start).Round(time.Millisecond))
	return nil
}
