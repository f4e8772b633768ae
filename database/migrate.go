package database

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	atlas "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql/schema"

	"github.com/tongxing/tongxing/ent/migrate"
)

// migrationFiles are the versioned PostgreSQL migrations, generated from
// the ent schema by migrations/generate.go and checked against it by
// TestMigrationFilesMatchSchema. (The whole directory, so that it compiles
// before the first file exists; MigrationDir takes the SQL files and
// atlas.sum.)
//
//go:embed migrations
var migrationFiles embed.FS

// RevisionTable records the migrations applied to a PostgreSQL database.
const RevisionTable = "tongxing_schema_revisions"

// ErrSchemaNewer is returned when the database has migrations this binary
// does not know: a newer release migrated it, and this one would misread it.
var ErrSchemaNewer = errors.New("the database schema is newer than this binary")

// migrationLock is the PostgreSQL advisory lock that keeps two processes
// (several replicas starting at once) from migrating together.
const migrationLock = 7_470_011_001

// MigrationDir is the embedded migration directory.
func MigrationDir() (atlas.Dir, error) {
	dir := &atlas.MemDir{}
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") && e.Name() != atlas.HashFileName {
			continue
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		if err := dir.WriteFile(e.Name(), b); err != nil {
			return nil, err
		}
	}
	return dir, nil
}

// diffOptions are ent's migration options for both ways of migrating: the
// versioned files on PostgreSQL and the automatic one on SQLite.
func diffOptions() []schema.MigrateOption {
	return []schema.MigrateOption{migrate.WithForeignKeys(true)}
}

// DiffMigrations writes into dir the migration that takes the files
// already there to the ent schema, named name, replaying them on the empty
// PostgreSQL database at devURL; it writes nothing when they agree.
func DiffMigrations(ctx context.Context, devURL string, dir atlas.Dir, name string) error {
	opts := append(diffOptions(),
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dialect.Postgres),
		schema.WithFormatter(atlas.DefaultFormatter),
	)
	return migrate.NamedDiff(ctx, devURL, name, opts...)
}

// MigrationStatus is where a PostgreSQL database stands.
type MigrationStatus struct {
	// Current is the last applied version ("" for none).
	Current string
	// Applied are the recorded revisions, oldest first.
	Applied []*atlas.Revision
	// Pending are the versions this binary would apply.
	Pending []string
	// Unknown are applied versions this binary does not know.
	Unknown []string
	// Legacy is true for a database created by the automatic migration
	// of earlier releases: tables, no revisions.
	Legacy bool
}

// Status reads the migration state of a PostgreSQL database without
// changing it.
func (d *DB) Status(ctx context.Context) (*MigrationStatus, error) {
	if d.Dialect != dialect.Postgres {
		return nil, errors.New("versioned migrations are for PostgreSQL; the embedded SQLite database migrates automatically")
	}
	dir, err := MigrationDir()
	if err != nil {
		return nil, err
	}
	files, err := dir.Files()
	if err != nil {
		return nil, err
	}
	st := &MigrationStatus{}
	exists, err := tableExists(ctx, d.SQL, RevisionTable)
	if err != nil {
		return nil, err
	}
	if exists {
		if st.Applied, err = (revisions{d.SQL}).ReadRevisions(ctx); err != nil {
			return nil, err
		}
	} else if st.Legacy, err = tableExists(ctx, d.SQL, "organizations"); err != nil {
		return nil, err
	}
	applied := map[string]bool{}
	for _, r := range st.Applied {
		applied[r.Version] = true
		st.Current = r.Version
	}
	known := map[string]bool{}
	for _, f := range files {
		known[f.Version()] = true
		// As Atlas does: files up to the last applied version are behind
		// it, a database recorded at a baseline (from the automatic
		// migration) included.
		if !applied[f.Version()] && !st.Legacy && f.Version() > st.Current {
			st.Pending = append(st.Pending, f.Version())
		}
	}
	for _, r := range st.Applied {
		if !known[r.Version] {
			st.Unknown = append(st.Unknown, r.Version)
		}
	}
	return st, nil
}

// migratePostgres applies the pending versioned migrations, each file in
// one transaction with its revision record, under an advisory lock. A
// database of the automatic-migration era is first brought to the current
// schema by that same automatic migration (additive), then recorded as
// being at the latest version (Atlas's baseline). A database with versions
// this binary does not know is refused with ErrSchemaNewer.
func (d *DB) migratePostgres(ctx context.Context) error {
	conn, err := d.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
	}()
	st, err := d.Status(ctx)
	if err != nil {
		return err
	}
	if len(st.Unknown) > 0 {
		return fmt.Errorf("%w: it has migration %s, this binary knows up to %s; run the release that migrated it",
			ErrSchemaNewer, strings.Join(st.Unknown, ", "), latestVersion())
	}
	if _, err := conn.ExecContext(ctx, createRevisionTable); err != nil {
		return fmt.Errorf("create %s: %w", RevisionTable, err)
	}
	dir, err := MigrationDir()
	if err != nil {
		return err
	}
	var opts []atlas.ExecutorOption
	if st.Legacy {
		if err := d.Client.Schema.Create(ctx, diffOptions()...); err != nil {
			return fmt.Errorf("bring the schema up to date before recording it: %w", err)
		}
		opts = append(opts, atlas.WithBaselineVersion(latestVersion()))
	}
	for {
		done, err := migrateOne(ctx, conn, dir, opts)
		if err != nil || done {
			return err
		}
	}
}

// migrateOne applies the next pending file in a transaction; done reports
// that none was left.
func migrateOne(ctx context.Context, conn *sql.Conn, dir atlas.Dir, opts []atlas.ExecutorOption) (done bool, err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil || done {
			_ = tx.Rollback()
		}
	}()
	drv, err := postgres.Open(tx)
	if err != nil {
		return false, err
	}
	ex, err := atlas.NewExecutor(drv, dir, revisions{tx}, append(opts, atlas.WithOperatorVersion("tongxing"))...)
	if err != nil {
		return false, err
	}
	switch err := ex.ExecuteN(ctx, 1); {
	case errors.Is(err, atlas.ErrNoPendingFiles):
		// A baseline revision may have been written: keep it.
		return true, tx.Commit()
	case err != nil:
		return false, fmt.Errorf("migrate: %w", err)
	}
	return false, tx.Commit()
}

func latestVersion() string {
	dir, err := MigrationDir()
	if err != nil {
		return "?"
	}
	files, err := dir.Files()
	if err != nil || len(files) == 0 {
		return "?"
	}
	return files[len(files)-1].Version()
}

func tableExists(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, name string) (bool, error) {
	var ok bool
	err := q.QueryRowContext(ctx, "SELECT to_regclass($1) IS NOT NULL", "public."+name).Scan(&ok)
	return ok, err
}

const createRevisionTable = `CREATE TABLE IF NOT EXISTS ` + RevisionTable + ` (
	version text PRIMARY KEY,
	description text NOT NULL,
	type integer NOT NULL,
	applied integer NOT NULL,
	total integer NOT NULL,
	executed_at timestamptz NOT NULL,
	execution_time bigint NOT NULL,
	error text NOT NULL DEFAULT '',
	error_stmt text NOT NULL DEFAULT '',
	hash text NOT NULL,
	partial_hashes text NOT NULL DEFAULT '',
	operator_version text NOT NULL
)`

// revisions is Atlas's revision store on RevisionTable.
type revisions struct {
	q interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}
}

func (revisions) Ident() *atlas.TableIdent {
	return &atlas.TableIdent{Name: RevisionTable, Schema: "public"}
}

const revisionColumns = `version, description, type, applied, total, executed_at, execution_time, error, error_stmt, hash, partial_hashes, operator_version`

func (r revisions) ReadRevisions(ctx context.Context) ([]*atlas.Revision, error) {
	return r.read(ctx, "SELECT "+revisionColumns+" FROM "+RevisionTable+" ORDER BY version")
}

func (r revisions) ReadRevision(ctx context.Context, version string) (*atlas.Revision, error) {
	list, err := r.read(ctx, "SELECT "+revisionColumns+" FROM "+RevisionTable+" WHERE version = $1", version)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, atlas.ErrRevisionNotExist
	}
	return list[0], nil
}

func (r revisions) read(ctx context.Context, query string, args ...any) ([]*atlas.Revision, error) {
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*atlas.Revision
	for rows.Next() {
		var (
			rev     atlas.Revision
			took    int64
			partial string
		)
		if err := rows.Scan(&rev.Version, &rev.Description, &rev.Type, &rev.Applied, &rev.Total, &rev.ExecutedAt, &took,
			&rev.Error, &rev.ErrorStmt, &rev.Hash, &partial, &rev.OperatorVersion); err != nil {
			return nil, err
		}
		rev.ExecutionTime = time.Duration(took)
		if partial != "" {
			rev.PartialHashes = strings.Split(partial, ",")
		}
		out = append(out, &rev)
	}
	return out, rows.Err()
}

func (r revisions) WriteRevision(ctx context.Context, rev *atlas.Revision) error {
	_, err := r.q.ExecContext(ctx, `INSERT INTO `+RevisionTable+` (`+revisionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (version) DO UPDATE SET description = EXCLUDED.description, type = EXCLUDED.type,
			applied = EXCLUDED.applied, total = EXCLUDED.total, executed_at = EXCLUDED.executed_at,
			execution_time = EXCLUDED.execution_time, error = EXCLUDED.error, error_stmt = EXCLUDED.error_stmt,
			hash = EXCLUDED.hash, partial_hashes = EXCLUDED.partial_hashes, operator_version = EXCLUDED.operator_version`,
		rev.Version, rev.Description, rev.Type, rev.Applied, rev.Total, rev.ExecutedAt, int64(rev.ExecutionTime),
		rev.Error, rev.ErrorStmt, rev.Hash, strings.Join(rev.PartialHashes, ","), rev.OperatorVersion)
	return err
}

func (r revisions) DeleteRevision(ctx context.Context, version string) error {
	_, err := r.q.ExecContext(ctx, "DELETE FROM "+RevisionTable+" WHERE version = $1", version)
	return err
}
