// Package dbtest gives tests a fresh, migrated database: an SQLite file in
// the test's temporary directory always, and a scratch PostgreSQL database
// when TONGXING_TEST_DATABASE_URL is set.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/database"
)

// EnvPostgres names the variable that enables the PostgreSQL runs.
const EnvPostgres = "TONGXING_TEST_DATABASE_URL"

// Backend is one database a test can run against.
type Backend struct {
	Name string
	open func(t testing.TB) *database.DB
}

// Open returns a new empty, migrated database on this backend; it is closed
// (and for PostgreSQL dropped) when the test ends.
func (b Backend) Open(t testing.TB) *database.DB { return b.open(t) }

// Backends lists SQLite, then PostgreSQL if configured.
func Backends() []Backend {
	bs := []Backend{{Name: "sqlite", open: OpenSQLite}}
	if os.Getenv(EnvPostgres) != "" {
		bs = append(bs, Backend{Name: "postgres", open: OpenPostgres})
	}
	return bs
}

// Each runs fn as a subtest on every backend. Without PostgreSQL it says so,
// so a skipped backend never passes silently.
func Each(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.Open(t)) })
	}
	if os.Getenv(EnvPostgres) == "" {
		t.Run("postgres", func(t *testing.T) {
			t.Skip("PostgreSQL tests skipped: set " + EnvPostgres + "=postgres://user@host:5432/db?sslmode=disable to run them")
		})
	}
}

// OpenSQLite opens a migrated SQLite database in t.TempDir().
func OpenSQLite(t testing.TB) *database.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	db, err := database.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// OpenPostgres creates a scratch database on the server named by
// TONGXING_TEST_DATABASE_URL, migrates it and drops it after the test.
func OpenPostgres(t testing.TB) *database.DB {
	t.Helper()
	db, err := database.Open(context.Background(), PostgresURL(t))
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return db
}

// PostgresURL creates an empty scratch database on the server named by
// TONGXING_TEST_DATABASE_URL and returns its URL, for tests that start a
// process of their own on it; the database is dropped after the test,
// connections still open included.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(EnvPostgres)
	if admin == "" {
		t.Skip("PostgreSQL tests skipped: " + EnvPostgres + " is not set")
	}
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	name := "tongxing_test_" + hex.EncodeToString(buf)
	adminDB, err := sql.Open("postgres", admin)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer adminDB.Close()
	if _, err := adminDB.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + name
	t.Cleanup(func() {
		if a, err := sql.Open("postgres", admin); err == nil {
			_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			_ = a.Close()
		}
	})
	return u.String()
}

// IsPostgres reports whether db is the PostgreSQL backend.
func IsPostgres(db *database.DB) bool { return strings.HasPrefix(db.Dialect, "postgres") }
