package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tongxing/tongxing/opendata"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/server"
)

const opendataUsage = `usage:
  tongxing opendata build [--out DIR]   build a release of every open dataset (nothing new if the data is unchanged)
  tongxing opendata list [--out DIR]    list the releases, newest first`

// opendataCommand implements `tongxing opendata …`.
func opendataCommand(ctx context.Context, cfg server.Config, args []string) error {
	return runOpendata(ctx, cfg, args, os.Stdout, time.Now)
}

func runOpendata(ctx context.Context, cfg server.Config, args []string, out io.Writer, now func() time.Time) error {
	if len(args) == 0 {
		return usageError{opendataUsage}
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("opendata "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("out", "", "releases directory (default TONGXING_OPENDATA_DIR, or tongxing-opendata/ next to the database)")
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Sprintf("opendata %s: %v\n%s", sub, err, opendataUsage)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("opendata %s: unexpected argument %q\n%s", sub, fs.Arg(0), opendataUsage)}
	}
	switch sub {
	case "build":
		if err := cfg.ResolveSecretKey(); err != nil {
			return err
		}
		ocfg, err := opendata.LoadConfig(os.Getenv, cfg.SecretKey, dataDir(cfg))
		if err != nil {
			return fmt.Errorf("configuration: %w", err)
		}
		if *dir != "" {
			ocfg.Dir = *dir
		}
		db, err := openDB(ctx, cfg)
		if err != nil {
			return err
		}
		defer db.Close()
		start := time.Now()
		rel, err := opendata.Build(ctx, db.Client, ocfg, now())
		if err != nil {
			return err
		}
		m := rel.Manifest
		if len(rel.Pruned) > 0 {
			fmt.Fprintf(out, "retention (TONGXING_OPENDATA_KEEP=%d): data files of %s removed; their manifests and signatures stay\n",
				ocfg.Keep, strings.Join(rel.Pruned, ", "))
		}
		if !rel.Created {
			fmt.Fprintf(out, "data unchanged since release %s; nothing written (%s)\n", m.Version, rel.Dir)
			return nil
		}
		fmt.Fprintf(out, "release %s built in %v: %s\n", m.Version, time.Since(start).Round(time.Millisecond), rel.Dir)
		if s := m.Signature; s != nil {
			fmt.Fprintf(out, "  signed with %s key %s\n", s.Algorithm, s.KeyFingerprint)
		}
		for _, d := range m.Datasets {
			fmt.Fprintf(out, "  %-24s %6d rows  %5d withheld cells\n", d.ID, d.Rows, d.Suppressed)
		}
		return nil
	case "list":
		root := *dir
		if root == "" {
			ocfg, err := opendata.LoadConfig(os.Getenv, []byte("listing needs no secret"), dataDir(cfg))
			if err != nil {
				return fmt.Errorf("configuration: %w", err)
			}
			root = ocfg.Dir
		}
		vs, err := release.List(root)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			fmt.Fprintf(out, "no releases in %s\n", root)
			return nil
		}
		for i := len(vs) - 1; i >= 0; i-- {
			m, err := release.Load(root, vs[i])
			if err != nil {
				return err
			}
			note := ""
			if release.Pruned(root, vs[i]) {
				note = "  (files removed by retention)"
			}
			fmt.Fprintf(out, "%s  reference date %s  built %s%s\n", m.Version, m.ReferenceDate, m.BuiltAt.Format(time.RFC3339), note)
		}
		return nil
	}
	return usageError{fmt.Sprintf("unknown opendata command %q\n%s", sub, opendataUsage)}
}

// dataDir is where data lives by default: the SQLite file's directory, or
// the working directory with PostgreSQL.
func dataDir(cfg server.Config) string {
	if cfg.IsPostgres() {
		return "."
	}
	path := strings.TrimPrefix(strings.SplitN(cfg.DatabaseURL, "?", 2)[0], "file:")
	return filepath.Dir(path)
}
