package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/server"
)

// migrateCommand is `tongxing migrate [status|up]`. up (the default)
// applies what is pending; status shows where a PostgreSQL database
// stands and changes nothing. The embedded SQLite database migrates
// itself on every start; status says so.
func migrateCommand(ctx context.Context, cfg server.Config, args []string, out io.Writer) error {
	sub := "up"
	if len(args) > 0 {
		sub = args[0]
	}
	if len(args) > 1 || sub != "up" && sub != "status" {
		return usageError{"migrate: want status or up\n" + usage}
	}
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "up" {
		start := time.Now()
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		fmt.Fprintf(out, "schema is up to date: %s (%s)\n", db.Location, time.Since(start).Round(time.Millisecond))
		if db.Dialect != "postgres" {
			return nil
		}
	}
	if db.Dialect != "postgres" {
		fmt.Fprintf(out, "%s: the embedded SQLite database is migrated automatically from the ent schema when the server starts (columns and tables are added, never dropped)\n", db.Location)
		return nil
	}
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	current := st.Current
	if current == "" {
		current = "none"
	}
	fmt.Fprintf(out, "database  %s\ncurrent   %s\n", db.Location, current)
	for _, r := range st.Applied {
		fmt.Fprintf(out, "applied   %s %-24s %s  %d/%d statements\n", r.Version, r.Description, r.ExecutedAt.Format(time.DateTime), r.Applied, r.Total)
	}
	if st.Legacy {
		fmt.Fprintln(out, "legacy    created by the automatic migration of an earlier release; 'migrate up' brings it up to date and records it at the latest version")
	}
	if len(st.Pending) > 0 {
		fmt.Fprintf(out, "pending   %s\n", strings.Join(st.Pending, " "))
	}
	if len(st.Unknown) > 0 {
		return fmt.Errorf("%w: it has migration %s", database.ErrSchemaNewer, strings.Join(st.Unknown, ", "))
	}
	return nil
}
