// Package database opens the ent client on the configured store: an embedded
// SQLite file (modernc.org/sqlite, pure Go) by default, or PostgreSQL
// through lib/pq, and brings the schema up to date.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq" // PostgreSQL driver "postgres"
	"modernc.org/sqlite"

	"github.com/tongxing/tongxing/ent"
	_ "github.com/tongxing/tongxing/ent/runtime" // schema defaults, validators and privacy policies
	"github.com/tongxing/tongxing/partners"
	"github.com/tongxing/tongxing/randomids"
	"github.com/tongxing/tongxing/rollups"
)

func init() {
	// Atlas opens sqlite:// URLs with the driver name "sqlite3"; let the
	// pure-Go driver answer to it too.
	sql.Register("sqlite3", &sqlite.Driver{})
}

// DefaultURL is the embedded database used when nothing is configured.
const DefaultURL = "tongxing.db"

// sqlitePragmas make SQLite behave as the code expects: foreign keys
// enforced (ent refuses to migrate without them), WAL so readers never block
// the writer, a busy timeout instead of immediate "database is locked", and
// times stored in a format SQL date functions understand.
const sqlitePragmas = "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_time_format=sqlite&_txlock=immediate"

// DB is an open database.
type DB struct {
	Client  *ent.Client
	SQL     *sql.DB
	Dialect string
	// Location is the URL with any password removed, safe to log.
	Location string
	// url is the URL as configured, for the PostgreSQL client programs
	// that Backup runs.
	url string
}

// Options tune how Open connects.
type Options struct {
	// StatementTimeout, when positive, bounds every statement the server
	// runs on PostgreSQL: it is set as statement_timeout on each pooled
	// connection, so a statement that outlives it is cancelled by the
	// database itself (SQLSTATE 57014; see IsStatementTimeout), even when
	// no Go context is watching. A statement_timeout given in the URL wins.
	// SQLite has no such setting and needs none: the pure-Go driver
	// interrupts a statement as soon as its context ends (the request
	// timeout), which TestSQLiteStatementStopsWithContext proves.
	StatementTimeout time.Duration
}

// Open connects to url: "postgres://…" or "postgresql://…" selects
// PostgreSQL; anything else is an SQLite file path or "file:" URI.
func Open(ctx context.Context, rawURL string, opts ...ent.Option) (*DB, error) {
	return OpenWith(ctx, rawURL, Options{}, opts...)
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, rawURL string, o Options, opts ...ent.Option) (*DB, error) {
	if rawURL == "" {
		rawURL = DefaultURL
	}
	var (
		drv, dsn, dia, location string
	)
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		drv, dsn, dia = "postgres", withStatementTimeout(rawURL, o.StatementTimeout), dialect.Postgres
		location = redact(rawURL)
	default:
		drv, dia = "sqlite", dialect.SQLite
		dsn = sqliteDSN(rawURL)
		location = strings.TrimPrefix(strings.SplitN(rawURL, "?", 2)[0], "file:")
	}
	db, err := sql.Open(drv, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s database %s: %w", dia, location, err)
	}
	if dia == dialect.Postgres {
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("cannot reach %s database %s: %w", dia, location, rootCause(err))
	}
	drvr := entsql.OpenDB(dia, db)
	client := ent.NewClient(append([]ent.Option{ent.Driver(drvr)}, opts...)...)
	partners.Track(client)
	rollups.Register(client, dia)
	randomids.Register(client)
	return &DB{Client: client, SQL: db, Dialect: dia, Location: location, url: rawURL}, nil
}

// Migrate brings the schema up to date. PostgreSQL takes the versioned
// migrations embedded in the binary (migrate.go), and refuses a database
// that a newer release migrated; the embedded SQLite database is migrated
// automatically from the ent schema, additively: columns and tables are
// added, never dropped.
//
// A database with verified records but no roll-ups (written before them)
// has them counted once, here (rollups.Backfill).
func (d *DB) Migrate(ctx context.Context) error {
	if d.Dialect == dialect.Postgres {
		if err := d.migratePostgres(ctx); err != nil {
			return err
		}
	} else if err := d.Client.Schema.Create(ctx, diffOptions()...); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	if _, err := rollups.Backfill(ctx, d.Client, d.Dialect); err != nil {
		return fmt.Errorf("count the roll-ups: %w", err)
	}
	return nil
}

// Ping reports whether the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.SQL.PingContext(ctx) }

// Close closes the client and the pool.
func (d *DB) Close() error { return d.Client.Close() }

func sqliteDSN(raw string) string {
	if strings.Contains(raw, "_pragma=") {
		return raw
	}
	if !strings.HasPrefix(raw, "file:") {
		raw = "file:" + raw
	}
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	return raw + sep + sqlitePragmas
}

// withStatementTimeout adds statement_timeout (in milliseconds) to a
// PostgreSQL URL. lib/pq sends every URL parameter it does not know itself
// to the server as a run-time parameter of the session, so each new
// connection of the pool starts with the timeout set: no hook after
// connecting is needed, and a connection cannot miss it.
func withStatementTimeout(raw string, d time.Duration) string {
	if d <= 0 {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw // sql.Open reports it
	}
	q := u.Query()
	if q.Has("statement_timeout") || strings.Contains(q.Get("options"), "statement_timeout") {
		return raw
	}
	q.Set("statement_timeout", strconv.FormatInt(max(1, d.Milliseconds()), 10))
	u.RawQuery = q.Encode()
	return u.String()
}

// IsStatementTimeout reports whether err is PostgreSQL cancelling a
// statement (SQLSTATE 57014, query_canceled): its statement_timeout ran
// out, or the statement's context ended and lib/pq asked the server to
// cancel it. Callers tell the two apart by their context.
func IsStatementTimeout(err error) bool {
	var pe *pq.Error
	return errors.As(err, &pe) && pe.Code == "57014"
}

// IsBusy reports whether err is SQLite's refusal to wait longer for its
// one write lock (SQLITE_BUSY, after the busy timeout; SQLITE_LOCKED): a
// long write, such as an import, held it. The request may be retried.
func IsBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff { // the primary code; extended codes add bits above
	case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
		return true
	}
	return false
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://…"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// rootCause drops wrapping that repeats the DSN, keeping the driver's reason
// (e.g. "connection refused") for a one-line startup error.
func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
