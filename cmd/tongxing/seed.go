package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/tongxing/tongxing/demo"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/server"
)

// seedCommand loads a synthetic district into an empty database: the demo
// district, or with --scale district one the size of Xiuzhou itself. Each
// step is reported on stderr as it starts, with the time since the start.
func seedCommand(ctx context.Context, cfg server.Config, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	scaleName := fs.String("scale", "demo", "demo, district or district10")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return usageError{"seed: [--scale demo|district|district10]\n" + usage}
	}
	scale, err := demo.ScaleNamed(*scaleName)
	if err != nil {
		return usageError{"seed: " + err.Error() + "\n" + usage}
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := cfg.ResolveSecretKey(); err != nil {
		return err
	}
	keys, err := pii.NewKeys(cfg.SecretKey)
	if err != nil {
		return err
	}
	start := time.Now()
	progress := func(step string) {
		fmt.Fprintf(stderr, "%7.1fs  %s\n", time.Since(start).Seconds(), step)
	}
	fmt.Fprintf(stderr, "seeding the %s scale: %d people, activities and needs ×%d a year\n", scale.Name, scale.People(), scale.PerYear)
	seeded, err := demo.SeedScale(policy.SystemContext(ctx, "demo-seed"), db, keys, scale, progress)
	if err != nil {
		return err
	}
	if !seeded {
		fmt.Fprintln(stderr, "demo data already present; nothing done")
		return nil
	}
	fmt.Fprintf(stderr, "%7.1fs  done\n", time.Since(start).Seconds())
	return nil
}
