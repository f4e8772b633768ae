package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"entgo.io/ent/dialect"
)

// Backup writes a consistent copy of the database to path while the
// server keeps serving. SQLite: VACUUM INTO, one read transaction, so the
// copy is the database as of one instant, compacted, without its WAL.
// PostgreSQL: pg_dump in its custom format (one snapshot as well), which
// must be on PATH and not older than the server. The secrets
// (TONGXING_SECRET_KEY, TONGXING_CASE_KEY, or the generated
// tongxing.secret files) are not in the copy: keep them apart from it.
func (d *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file", path)
	}
	switch d.Dialect {
	case dialect.SQLite:
		if _, err := d.SQL.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
			_ = os.Remove(path)
			return fmt.Errorf("backup: %w", err)
		}
		return nil
	case dialect.Postgres:
		return pgTool(ctx, "pg_dump", d.url, "--format=custom", "--no-owner", "--file", path)
	}
	return fmt.Errorf("backup: unknown dialect %s", d.Dialect)
}

// Restore puts the backup at path into the database at rawURL, which must
// be empty unless force is set (then what is there is replaced). Stop the
// server first. SQLite: the copy is checked (integrity_check, a Tongxing
// schema) and moved into place, replacing the file and dropping a stale
// WAL. PostgreSQL: pg_restore of a pg_dump custom-format file into the
// existing database.
func Restore(ctx context.Context, rawURL, path string, force bool) error {
	if rawURL == "" {
		rawURL = DefaultURL
	}
	if isPostgresURL(rawURL) {
		return restorePostgres(ctx, rawURL, path, force)
	}
	return restoreSQLite(ctx, rawURL, path, force)
}

func restoreSQLite(ctx context.Context, rawURL, path string, force bool) error {
	target := strings.TrimPrefix(strings.SplitN(rawURL, "?", 2)[0], "file:")
	if err := checkSQLiteBackup(ctx, path); err != nil {
		return err
	}
	if fi, err := os.Stat(target); err == nil && fi.Size() > 0 && !force {
		return fmt.Errorf("restore: %s exists; stop the server and pass --force to replace it", target)
	}
	// Copy beside the target, then rename: the target is either the old
	// database or the whole backup, never half of it.
	tmp, err := os.CreateTemp(filepath.Dir(target), ".restore-*")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp.Name())
	src, err := os.Open(path)
	if err != nil {
		tmp.Close()
		return fmt.Errorf("restore: %w", err)
	}
	_, err = io.Copy(tmp, src)
	src.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, stale := range []string{target + "-wal", target + "-shm"} {
		if err := os.Remove(stale); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// checkSQLiteBackup opens the backup read-only and checks it is whole and
// is a Tongxing database.
func checkSQLiteBackup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&result); err != nil {
		return fmt.Errorf("restore: %s is not an SQLite database: %w", path, err)
	}
	if result != "ok" {
		return fmt.Errorf("restore: %s fails its integrity check: %s", path, result)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('organizations', 'persons', 'service_records')").Scan(&n); err != nil || n != 3 {
		return fmt.Errorf("restore: %s is not a Tongxing database", path)
	}
	return nil
}

func restorePostgres(ctx context.Context, rawURL, path string, force bool) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	db, err := sql.Open("postgres", rawURL)
	if err != nil {
		return err
	}
	var tables int
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&tables)
	db.Close()
	if err != nil {
		return fmt.Errorf("restore: cannot reach %s: %w", redact(rawURL), rootCause(err))
	}
	args := []string{"--no-owner", "--exit-on-error", "--single-transaction", "--dbname", rawURL}
	if tables > 0 {
		if !force {
			return fmt.Errorf("restore: %s is not empty (%d tables); stop the server and pass --force to replace it", redact(rawURL), tables)
		}
		args = append(args, "--clean", "--if-exists")
	}
	return pgTool(ctx, "pg_restore", "", append(args, path)...)
}

// pgTool runs a PostgreSQL client program. The connection URL goes in as
// the last --dbname or positional argument with its password moved to
// PGPASSWORD, so that it does not show in the process list.
func pgTool(ctx context.Context, name, rawURL string, args ...string) error {
	bin, err := exec.LookPath(name)
	if err != nil {
		return fmt.Errorf("%s is not installed (Debian: apt-get install postgresql-client): %w", name, err)
	}
	env := os.Environ()
	for i, a := range args {
		if isPostgresURL(a) {
			var pw string
			args[i], pw = withoutPassword(a)
			if pw != "" {
				env = append(env, "PGPASSWORD="+pw)
			}
		}
	}
	if rawURL != "" {
		u, pw := withoutPassword(rawURL)
		if pw != "" {
			env = append(env, "PGPASSWORD="+pw)
		}
		args = append(args, u)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func withoutPassword(raw string) (string, string) {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw, ""
	}
	pw, _ := u.User.Password()
	u.User = url.User(u.User.Username())
	return u.String(), pw
}

func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}
