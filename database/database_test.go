package database_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/policy"
)

func TestOpenAndMigrate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := policy.SystemContext(context.Background(), "test")
		r, err := db.Client.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(ctx)
		if err != nil {
			t.Fatalf("create region: %v", err)
		}
		if r.ID>>32 == 0 {
			t.Errorf("region id %d is not in its global-id range", r.ID)
		}
		if err := db.Ping(ctx); err != nil {
			t.Errorf("ping: %v", err)
		}
	})
}

func TestOpenUnreachable(t *testing.T) {
	_, err := database.Open(context.Background(), "postgres://nobody:secret@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("expected an error for an unreachable server")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error leaks the password: %v", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
}

// TestStatementTimeoutPostgres: with Options.StatementTimeout every pooled
// connection carries statement_timeout, the database cancels a statement
// that outlives it, and the error is recognisable as such. A timeout
// written in the URL wins.
func TestStatementTimeoutPostgres(t *testing.T) {
	admin := os.Getenv(dbtest.EnvPostgres)
	if admin == "" {
		t.Skip("PostgreSQL tests skipped: set " + dbtest.EnvPostgres)
	}
	ctx := context.Background()
	for _, tt := range []struct {
		name, url string
		want      string
	}{
		{"from options", admin, "300ms"},
		{"the URL wins", admin + "&statement_timeout=400", "400ms"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db, err := database.OpenWith(ctx, tt.url, database.Options{StatementTimeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.SQL.SetMaxOpenConns(3)
			// Several connections at once, so more than the first is checked.
			var conns []*sql.Conn
			for range 3 {
				c, err := db.SQL.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				conns = append(conns, c)
				var got string
				if err := c.QueryRowContext(ctx, "SHOW statement_timeout").Scan(&got); err != nil || got != tt.want {
					t.Errorf("statement_timeout = %q, %v; want %q", got, err, tt.want)
				}
			}
			for _, c := range conns {
				_ = c.Close()
			}
			start := time.Now()
			_, err = db.SQL.ExecContext(ctx, "SELECT pg_sleep(5)")
			if !database.IsStatementTimeout(err) || time.Since(start) > 3*time.Second {
				t.Errorf("pg_sleep(5): %v after %v, want a statement timeout", err, time.Since(start))
			}
			if database.IsStatementTimeout(errors.New("canceling statement due to statement timeout")) {
				t.Error("a plain error taken for a statement timeout")
			}
		})
	}
	// Without the option nothing is set.
	db, err := database.Open(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	if err := db.SQL.QueryRowContext(ctx, "SHOW statement_timeout").Scan(&got); err != nil || got != "0" {
		t.Errorf("default statement_timeout = %q, %v", got, err)
	}
}

// TestSQLiteStatementStopsWithContext: SQLite has no statement timeout; the
// driver interrupts a running statement when its context ends, so the
// request timeout stops the database work itself, not just the wait for it.
func TestSQLiteStatementStopsWithContext(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	// One connection: the query after the interrupt must reuse it, and
	// would wait if the endless statement still held it.
	db.SQL.SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	// Counts forever unless interrupted.
	var n int64
	err := db.SQL.QueryRowContext(ctx, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c").Scan(&n)
	elapsed := time.Since(start)
	if err == nil || elapsed > 3*time.Second {
		t.Fatalf("endless statement: %v after %v, want it interrupted near 200ms", err, elapsed)
	}
	// The connection is usable afterwards: the interrupt ended the statement.
	if err := db.SQL.QueryRowContext(context.Background(), "SELECT 1").Scan(&n); err != nil || n != 1 {
		t.Errorf("after the interrupt: %v", err)
	}
	t.Logf("interrupted after %v: %v", elapsed.Round(time.Millisecond), err)
}
