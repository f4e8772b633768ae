package database_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	atlas "ariga.io/atlas/sql/migrate"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/demo"
	"github.com/tongxing/tongxing/ent/migrate"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

// The migration files build exactly the ent schema: replayed on an empty
// database, they leave nothing for a new migration to do. A change to
// ent/schema without its migration fails here, in CI.
func TestMigrationFilesMatchSchema(t *testing.T) {
	dev := dbtest.PostgresURL(t)
	embedded, err := database.MigrationDir()
	if err != nil {
		t.Fatal(err)
	}
	files, err := embedded.Files()
	if err != nil || len(files) == 0 {
		t.Fatalf("embedded migrations: %d files, %v", len(files), err)
	}
	tmp := t.TempDir()
	dir, err := atlas.NewLocalDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := dir.WriteFile(f.Name(), f.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := embedded.Checksum()
	if err != nil {
		t.Fatal(err)
	}
	if err := atlas.WriteSumFile(dir, sum); err != nil {
		t.Fatal(err)
	}
	if err := database.DiffMigrations(context.Background(), dev, dir, "check"); err != nil {
		t.Fatalf("diff: %v", err)
	}
	after, _ := os.ReadDir(tmp)
	for _, e := range after {
		if !strings.HasSuffix(e.Name(), ".sql") || hasFile(files, e.Name()) {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(tmp, e.Name()))
		t.Errorf("ent/schema has changes that no migration in database/migrations makes; generate one with\n"+
			"  TONGXING_DEV_DATABASE_URL=<an empty database> go run -mod=mod ./database/migrations/generate.go NAME\nThe change:\n%s", b)
	}
}

// The check sees a difference: files missing one index of the schema
// make a new migration that creates it.
func TestMigrationCheckFindsAMissingIndex(t *testing.T) {
	dev := dbtest.PostgresURL(t)
	embedded, err := database.MigrationDir()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := embedded.Files()
	dir, err := atlas.NewLocalDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dropped := ""
	for _, f := range files {
		b := f.Bytes()
		if dropped == "" {
			lines := strings.Split(string(b), "\n")
			for i := len(lines) - 1; i >= 0; i-- {
				if strings.HasPrefix(lines[i], "CREATE INDEX") || strings.HasPrefix(lines[i], "CREATE UNIQUE INDEX") {
					dropped = lines[i]
					lines = append(lines[:i], lines[i+1:]...)
					break
				}
			}
			b = []byte(strings.Join(lines, "\n"))
		}
		if err := dir.WriteFile(f.Name(), b); err != nil {
			t.Fatal(err)
		}
	}
	if dropped == "" {
		t.Fatal("no index statement to drop")
	}
	sum, err := dir.Checksum()
	if err != nil {
		t.Fatal(err)
	}
	if err := atlas.WriteSumFile(dir, sum); err != nil {
		t.Fatal(err)
	}
	if err := database.DiffMigrations(context.Background(), dev, dir, "check"); err != nil {
		t.Fatalf("diff: %v", err)
	}
	after, _ := dir.Files()
	if len(after) != len(files)+1 {
		t.Fatalf("no migration written for the dropped %s", dropped)
	}
	name := dropped[strings.Index(dropped, `"`):]
	name = name[:strings.Index(name[1:], `"`)+2]
	if got := string(after[len(after)-1].Bytes()); !strings.Contains(got, name) {
		t.Errorf("the new migration does not create %s:\n%s", name, got)
	}
}

func hasFile(files []atlas.File, name string) bool {
	for _, f := range files {
		if f.Name() == name {
			return true
		}
	}
	return false
}

// countRows counts the rows of every table of the schema.
func countRows(t *testing.T, db *database.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range migrate.Tables {
		var n int
		if err := db.SQL.QueryRow(`SELECT count(*) FROM "` + table.Name + `"`).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", table.Name, err)
		}
		out[table.Name] = n
	}
	return out
}

func openPostgres(t *testing.T, url string) *database.DB {
	t.Helper()
	db, err := database.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func seedDemo(t *testing.T, db *database.DB) {
	t.Helper()
	keys, err := pii.NewKeys([]byte(strings.Repeat("k", pii.MinKeyBytes)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(policy.SystemContext(context.Background(), "test"), db, keys); err != nil {
		t.Fatal(err)
	}
}

// Upgrades over data. A database of the automatic-migration era, holding
// the demo district, takes the versioned migrations without losing a row;
// a fresh one takes every file in order, one transaction each, and then
// holds data; a second run changes nothing; two processes starting at once
// migrate once; and a database that a newer release migrated is refused.
func TestMigrationsUpgradeDatabasesHoldingData(t *testing.T) {
	ctx := context.Background()
	embedded, _ := database.MigrationDir()
	files, _ := embedded.Files()
	latest := files[len(files)-1].Version()

	t.Run("from the automatic migration", func(t *testing.T) {
		db := openPostgres(t, dbtest.PostgresURL(t))
		if err := db.Client.Schema.Create(ctx, migrate.WithForeignKeys(true)); err != nil {
			t.Fatal(err)
		}
		seedDemo(t, db)
		before := countRows(t, db)
		if st, err := db.Status(ctx); err != nil || !st.Legacy || len(st.Applied) != 0 {
			t.Fatalf("status before = %+v, %v", st, err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		st, err := db.Status(ctx)
		if err != nil || st.Current != latest || len(st.Pending) != 0 || st.Legacy {
			t.Fatalf("status after = %+v, %v", st, err)
		}
		if after := countRows(t, db); !equalCounts(before, after) {
			t.Errorf("rows changed:\n%v\n%v", before, after)
		}
		if before["persons"] == 0 || before["service_records"] == 0 {
			t.Error("the demo district was not there to keep")
		}
	})

	t.Run("fresh, file by file, then data", func(t *testing.T) {
		url := dbtest.PostgresURL(t)
		// Two processes starting together: the advisory lock lets one
		// migrate and the other find nothing to do.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := database.Open(ctx, url)
				if err != nil {
					errs[i] = err
					return
				}
				defer db.Close()
				errs[i] = db.Migrate(ctx)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		db := openPostgres(t, url)
		st, err := db.Status(ctx)
		if err != nil || len(st.Applied) != len(files) || st.Current != latest {
			t.Fatalf("status = %+v, %v", st, err)
		}
		for i, rev := range st.Applied {
			if rev.Version != files[i].Version() || rev.Applied != rev.Total || rev.Error != "" || rev.Type != atlas.RevisionTypeExecute {
				t.Errorf("revision %d = %+v, want file %s applied whole", i, rev, files[i].Name())
			}
		}
		seedDemo(t, db)
		before := countRows(t, db)
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if after := countRows(t, db); !equalCounts(before, after) {
			t.Errorf("a second run changed rows")
		}
	})

	t.Run("newer than this binary", func(t *testing.T) {
		db := openPostgres(t, dbtest.PostgresURL(t))
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL.Exec(`INSERT INTO ` + database.RevisionTable + ` (version, description, type, applied, total, executed_at, execution_time, hash, operator_version)
			VALUES ('99991231000000', 'from the future', 2, 1, 1, now(), 0, '', 'tongxing')`); err != nil {
			t.Fatal(err)
		}
		err := db.Migrate(ctx)
		if !errors.Is(err, database.ErrSchemaNewer) || !strings.Contains(err.Error(), "99991231000000") {
			t.Errorf("Migrate on a newer schema = %v", err)
		}
	})
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
