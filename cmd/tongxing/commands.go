package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tongxing/tongxing/apikeys"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/ent/apikey"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/server"
)

// usageError is a mistake on the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

const usage = `usage:
  tongxing [serve]
  tongxing migrate [status|up]
  tongxing seed [--scale demo|district|district10]
  tongxing keys create --name NAME --role ADMIN|EDITOR|REVIEWER|PARTNER [--org ORG_ID] [--expires 90d|never]
                       [--holder PERSON_ID] [--casework WORKER|SUPERVISOR]
  tongxing keys list
  tongxing keys revoke ID
  tongxing opendata build [--out DIR]
  tongxing opendata list [--out DIR]
  tongxing import KIND FILE [--commit] [--key KEY] [--report OUT.xlsx|OUT.json]
  tongxing healthcheck
  tongxing backup FILE
  tongxing restore [--force] FILE`

func run(ctx context.Context, args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	cfg, err := server.LoadConfig(os.Getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	switch cmd {
	case "serve":
		return server.Run(ctx, cfg, os.Stdout)
	case "migrate":
		return migrateCommand(ctx, cfg, args, os.Stdout)
	case "seed":
		return seedCommand(ctx, cfg, args, os.Stderr)
	case "keys":
		return keys(ctx, cfg, args, os.Stdout)
	case "opendata":
		return opendataCommand(ctx, cfg, args)
	case "import":
		return importCommand(ctx, cfg, args, os.Stdout, os.Stderr, time.Now)
	case "healthcheck":
		return healthcheck(ctx, cfg)
	case "backup":
		return backupCommand(ctx, cfg, args, os.Stdout)
	case "restore":
		return restoreCommand(ctx, cfg, args, os.Stdout)
	case "help", "-h", "--help":
		fmt.Println(usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q\n%s", cmd, usage)}
}

func openDB(ctx context.Context, cfg server.Config) (*database.DB, error) {
	db, err := database.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func keys(ctx context.Context, cfg server.Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError{usage}
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "create":
		fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		name := fs.String("name", "", "who or what the key is for")
		// No default role: a key that can do everything is asked for by
		// name, never handed out because a flag was forgotten.
		role := fs.String("role", "", "ADMIN, EDITOR, REVIEWER or PARTNER (required)")
		org := fs.String("org", "", "GraphQL id of the organisation the key is scoped to")
		expires := fs.String("expires", defaultKeyLifetime, "lifetime such as 90d or 720h; never for no expiry")
		holder := fs.String("holder", "", "GraphQL id of the person the key belongs to (a current member of --org)")
		casework := fs.String("casework", "", "case permission of an EDITOR key: WORKER (its holder's cases) or SUPERVISOR (every case of --org)")
		if err := fs.Parse(args); err != nil {
			return usageError{err.Error() + "\n" + usage}
		}
		if strings.TrimSpace(*name) == "" {
			return usageError{"keys create: --name is required\n" + usage}
		}
		if *role == "" {
			return usageError{"keys create: --role is required (ADMIN, EDITOR, REVIEWER or PARTNER)\n" + usage}
		}
		opts := apikeys.CreateOptions{Role: apikey.Role(strings.ToUpper(*role))}
		if err := apikey.RoleValidator(opts.Role); err != nil {
			return usageError{fmt.Sprintf("keys create: unknown role %q", *role)}
		}
		if opts.Role != apikey.RoleADMIN && *org == "" {
			return usageError{fmt.Sprintf("keys create: role %s acts for one organisation: give --org ORG_ID (its GraphQL id)", opts.Role)}
		}
		if *org != "" {
			id, err := gid.Decode(*org)
			if err != nil {
				return usageError{fmt.Sprintf("keys create: --org %q is not an organisation id", *org)}
			}
			opts.OrganizationID = &id
		}
		if *holder != "" {
			id, err := gid.Decode(*holder)
			if err != nil {
				return usageError{fmt.Sprintf("keys create: --holder %q is not a person id", *holder)}
			}
			opts.HolderID = &id
		}
		if *casework != "" {
			opts.Casework = apikey.Casework(strings.ToUpper(*casework))
			if err := apikey.CaseworkValidator(opts.Casework); err != nil {
				return usageError{fmt.Sprintf("keys create: unknown case permission %q (WORKER or SUPERVISOR)", *casework)}
			}
		}
		if *expires != "never" {
			d, err := parseLifetime(*expires)
			if err != nil {
				return usageError{fmt.Sprintf("keys create: --expires %q: %v", *expires, err)}
			}
			at := time.Now().Add(d)
			opts.ExpiresAt = &at
		}
		db, err := openDB(ctx, cfg)
		if err != nil {
			return err
		}
		defer db.Close()
		sys := policy.SystemContext(ctx, "cli")
		if opts.OrganizationID != nil {
			if _, err := db.Client.Organization.Get(sys, *opts.OrganizationID); err != nil {
				return usageError{fmt.Sprintf("keys create: no organisation with id %s", *org)}
			}
		}
		secret, k, err := apikeys.Create(sys, db.Client, *name, opts)
		if apikeys.IsHolderError(err) {
			return usageError{"keys create: " + err.Error()}
		}
		if err != nil {
			return err
		}
		// The secret alone on stdout, so scripts can capture it; details go to stderr.
		fmt.Fprintln(out, secret)
		fmt.Fprintf(os.Stderr, "created key %d (%s, role %s); store it now, it is not shown again\n", k.ID, k.Prefix, k.Role)
		return nil
	case "list":
		db, err := openDB(ctx, cfg)
		if err != nil {
			return err
		}
		defer db.Close()
		list, err := apikeys.List(policy.SystemContext(ctx, "cli"), db.Client)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tPREFIX\tNAME\tROLE\tCREATED\tEXPIRES\tREVOKED\tLAST USED")
		for _, k := range list {
			fmt.Fprintf(tw, "%d\t%s…\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Prefix, k.Name, k.Role,
				k.CreatedAt.Format(time.DateTime), fmtTime(k.ExpiresAt), fmtTime(k.RevokedAt), fmtTime(k.LastUsedAt))
		}
		return tw.Flush()
	case "revoke":
		if len(args) != 1 {
			return usageError{"keys revoke: give one key ID (from keys list)\n" + usage}
		}
		id, err := strconv.Atoi(args[0])
		if err != nil {
			return usageError{fmt.Sprintf("keys revoke: %q is not a key ID", args[0])}
		}
		db, err := openDB(ctx, cfg)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := apikeys.Revoke(policy.SystemContext(ctx, "cli"), db.Client, id, time.Now()); err != nil {
			return fmt.Errorf("keys revoke %d: %w", id, err)
		}
		fmt.Fprintf(os.Stderr, "revoked key %d\n", id)
		return nil
	}
	return usageError{fmt.Sprintf("unknown keys command %q\n%s", sub, usage)}
}

// defaultKeyLifetime is how long a key lives unless --expires says
// otherwise: long enough for a quarter's work, short enough that a
// forgotten key stops working by itself.
const defaultKeyLifetime = "90d"

func parseLifetime(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 {
			return 0, errors.New("want a positive number of days such as 90d")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, errors.New("want 90d or a Go duration such as 720h")
	}
	return d, nil
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.DateTime)
}
