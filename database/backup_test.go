package database_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/pii"
	"github.com/tongxing/tongxing/policy"
)

var backupKey = []byte(strings.Repeat("k", pii.MinKeyBytes))

// idNumbers opens every sealed ID number of db with the test's key.
func idNumbers(t *testing.T, db *database.DB) map[int]string {
	t.Helper()
	keys, err := pii.NewKeys(backupKey)
	if err != nil {
		t.Fatal(err)
	}
	people, err := db.Client.Person.Query().Where(person.IDNumberCiphertextNotNil()).All(policy.SystemContext(context.Background(), "test"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	for _, p := range people {
		id, err := keys.OpenIDNumber(p.IDNumberCiphertext)
		if err != nil {
			t.Fatalf("person %d: ID number does not open: %v", p.ID, err)
		}
		out[p.ID] = id
	}
	return out
}

// A backup taken while writes go on restores whole: integrity, every
// table's rows as of one instant between the first and the last write,
// and ID numbers that still open with the same secret.
func TestBackupAndRestore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if dbtest.IsPostgres(db) {
			if _, err := exec.LookPath("pg_dump"); err != nil {
				t.Skip("pg_dump is not installed (postgresql-client): PostgreSQL backup skipped")
			}
		}
		seedDemo(t, db)
		ids := idNumbers(t, db)
		if len(ids) == 0 {
			t.Fatal("the demo district has no ID numbers to check")
		}
		before := countRows(t, db)

		// A writer adds regions while the backup runs.
		var written atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			sys := policy.SystemContext(ctx, "test")
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := db.Client.Region.Create().SetCode(fmt.Sprintf("99%010d", i)).
					SetName("写入中").SetLevel(region.LevelCOMMUNITY).Save(sys); err == nil {
					written.Add(1)
				}
			}
		}()
		time.Sleep(50 * time.Millisecond)
		file := filepath.Join(t.TempDir(), "tongxing.backup")
		err := db.Backup(ctx, file)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d regions written while the backup ran", written.Load())
		if err := db.Backup(ctx, file); err == nil {
			t.Error("a backup overwrote an existing file")
		}

		target := filepath.Join(t.TempDir(), "restored.db")
		if dbtest.IsPostgres(db) {
			target = dbtest.PostgresURL(t)
		}
		if err := database.Restore(ctx, target, file, false); err != nil {
			t.Fatal(err)
		}
		restored, err := database.Open(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		defer restored.Close()
		if err := restored.Migrate(ctx); err != nil {
			t.Fatalf("the restored database does not migrate: %v", err)
		}
		got := countRows(t, restored)
		for table, n := range before {
			switch {
			case table == "regions":
				if got[table] < n || got[table] > n+int(written.Load()) {
					t.Errorf("regions: %d restored, %d before and %d written during the backup", got[table], n, written.Load())
				}
			case got[table] != n:
				t.Errorf("%s: %d rows restored, %d backed up", table, got[table], n)
			}
		}
		if again := idNumbers(t, restored); len(again) != len(ids) {
			t.Errorf("%d ID numbers restored, %d backed up", len(again), len(ids))
		} else {
			for id, number := range ids {
				if again[id] != number {
					t.Errorf("person %d: ID number differs after restore", id)
				}
			}
		}
		if dbtest.IsPostgres(db) {
			st, err := restored.Status(ctx)
			if err != nil || len(st.Pending) != 0 || st.Current == "" {
				t.Errorf("restored migration state = %+v, %v", st, err)
			}
		} else {
			var ok string
			if err := restored.SQL.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
				t.Errorf("integrity_check = %q, %v", ok, err)
			}
		}

		// A database that is not empty is replaced only when asked.
		if err := database.Restore(ctx, target, file, false); err == nil || !strings.Contains(err.Error(), "--force") {
			t.Errorf("restore over a database in use: %v", err)
		}
		restored.Close()
		if err := database.Restore(ctx, target, file, true); err != nil {
			t.Errorf("restore --force: %v", err)
		}
	})
}

func TestRestoreRefusesWhatIsNotABackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("not a database at all, just some bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.db")
	db, err := database.Open(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL.Exec("CREATE TABLE notes (x TEXT)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for name, file := range map[string]string{"junk": junk, "another SQLite database": other, "missing": filepath.Join(dir, "nope.db")} {
		target := filepath.Join(t.TempDir(), "t.db")
		if err := database.Restore(ctx, target, file, true); err == nil {
			t.Errorf("%s restored", name)
		}
		if _, err := os.Stat(target); err == nil {
			t.Errorf("%s: a target was written", name)
		}
	}
}
