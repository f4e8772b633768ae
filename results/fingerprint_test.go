package results

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/opendata"
	"github.com/tongxing/tongxing/policy"
)

// The fingerprint is read at most once a second, yet a write through this
// process is seen by the next figure at once, inside a transaction only
// after it commits; a write that bypasses ent (another process) shows
// within FingerprintMaxAge.
func TestFingerprintFollowsWrites(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f, ctx := watchedFigures(t, db)
		read := func() string {
			t.Helper()
			fp, err := f.currentFingerprint(ctx, db.Client)
			if err != nil {
				t.Fatal(err)
			}
			return fp
		}
		first := read()

		if _, err := db.Client.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(ctx); err != nil {
			t.Fatal(err)
		}
		afterWrite := read()
		if afterWrite == first {
			t.Fatal("a write through ent was not seen at once")
		}

		tx, err := db.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Region.Create().SetCode("330411104").SetName("新塍镇").SetLevel(region.LevelTOWN).Save(ctx); err != nil {
			t.Fatal(err)
		}
		if read() != afterWrite {
			t.Error("an uncommitted write changed the fingerprint")
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		afterCommit := read()
		if afterCommit == afterWrite {
			t.Fatal("a committed transaction was not seen at once")
		}

		// Another process's write: not through this client's hooks.
		if _, err := db.SQL.Exec(`UPDATE regions SET name = '新塍镇 (改)', updated_at = updated_at + INTERVAL '1 second' WHERE code = '330411104'`); err != nil {
			if _, err := db.SQL.Exec(`UPDATE regions SET name = '新塍镇 (改)', updated_at = datetime(updated_at, '+1 second') WHERE code = '330411104'`); err != nil {
				t.Fatal(err)
			}
		}
		if read() != afterCommit {
			t.Error("the fingerprint was read again within its age without a write here")
		}
		// Past the age the last read still answers at once, while a new
		// one runs in the background.
		time.Sleep(FingerprintMaxAge)
		if read() != afterCommit {
			t.Error("a request waited for the background read")
		}
		deadline := time.Now().Add(5 * time.Second)
		for read() == afterCommit {
			if time.Now().After(deadline) {
				t.Fatal("another process's write was not seen after FingerprintMaxAge")
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// A kept value is read once while the data stays as it was, once for any
// number of requests asking at the same time, and again after a write.
func TestRememberFollowsTheData(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	f, ctx := watchedFigures(t, db)
	var reads atomic.Int64
	read := func(context.Context) (any, error) {
		reads.Add(1)
		time.Sleep(20 * time.Millisecond) // long enough for the others to queue
		return reads.Load(), nil
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.remember(WithOneFingerprint(ctx), db.Client, "k", read); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Fatalf("%d reads for 8 requests at once", n)
	}
	if v, _ := f.remember(WithOneFingerprint(ctx), db.Client, "k", read); v != int64(1) || reads.Load() != 1 {
		t.Errorf("unchanged data: value %v after %d reads", v, reads.Load())
	}
	if _, err := db.Client.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(ctx); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.remember(WithOneFingerprint(ctx), db.Client, "k", read); v != int64(2) {
		t.Errorf("after a write: value %v, want a second read", v)
	}
}

// What a mutation reads inside its transaction includes its own writes,
// which may roll back: it is answered, but never kept for others.
func TestUncommittedReadsAreNotKept(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f, ctx := watchedFigures(t, db)
		before, err := f.currentFingerprint(ctx, db.Client)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := db.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		txCtx := ent.NewTxContext(ctx, tx)
		if _, err := tx.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(txCtx); err != nil {
			t.Fatal(err)
		}
		inside, err := f.currentFingerprint(txCtx, tx.Client())
		if err != nil || inside == before {
			t.Fatalf("inside the transaction: %q (%v), before %q", inside, err, before)
		}
		kept, err := f.remember(txCtx, tx.Client(), "k", func(context.Context) (any, error) { return "uncommitted", nil })
		if err != nil || kept != "uncommitted" {
			t.Fatalf("remember inside the transaction = %v, %v", kept, err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if after, _ := f.currentFingerprint(ctx, db.Client); after != before {
			t.Errorf("after the rollback the fingerprint is %q, was %q: the transaction's view was kept", after, before)
		}
		if v, _ := f.remember(WithOneFingerprint(ctx), db.Client, "k", func(context.Context) (any, error) { return "committed", nil }); v != "committed" {
			t.Errorf("after the rollback remember answers %v: the transaction's value was kept", v)
		}
	})
}

// watchedFigures are figures told of db's writes, with a context that may
// read everything.
func watchedFigures(t *testing.T, db *database.DB) (*Figures, context.Context) {
	t.Helper()
	f, err := NewFigures(opendata.Config{Secret: make([]byte, 32)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Client.Use(f.Hook())
	return f, policy.SystemContext(context.Background(), "test")
}

// After a change, a slow build runs behind the last tables when they are
// young enough (ServeStaleFor): the request is answered from them at once,
// the next after the build from the new ones. Tables older than maxStale,
// and reads inside a transaction, wait for the build.
func TestStaleWhileRebuilding(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	f, ctx := watchedFigures(t, db)
	f.slowBuild = 0 // every build counts as slow here
	clock := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	f.now = func() time.Time { return clock }
	write := func(code string) {
		t.Helper()
		if err := db.Client.Indicator.Create().SetCode(code).SetName("指标" + code).SetUnit("户").Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	get := func() *published {
		t.Helper()
		p, err := f.Published(ctx, db.Client)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	waitRebuilt := func() {
		t.Helper()
		for range 500 {
			f.mu.Lock()
			busy := f.rebuilding
			f.mu.Unlock()
			if !busy {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("the background build did not finish")
	}

	if err := db.Client.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	first := get()
	if again := get(); again != first {
		t.Fatal("unchanged data was built again")
	}
	// Without ServeStaleFor every change waits for its build.
	write("i1")
	fresh := get()
	if fresh == first || fresh.key == first.key {
		t.Fatal("a change was not built before answering")
	}

	f.ServeStaleFor(2 * time.Minute)
	write("i2")
	clock = clock.Add(time.Minute)
	if got := get(); got != fresh {
		t.Fatal("a change with young tables did not answer from them")
	}
	waitRebuilt()
	rebuilt := get()
	if rebuilt == fresh || !rebuilt.builtAt.Equal(clock) {
		t.Fatalf("after the background build: %v built at %v, want new tables as of %v", rebuilt.key, rebuilt.builtAt, clock)
	}

	// Older than maxStale: wait.
	write("i3")
	clock = clock.Add(3 * time.Minute)
	if got := get(); got == rebuilt || !got.builtAt.Equal(clock) {
		t.Fatal("tables older than maxStale were served after a change")
	}
	// Inside a transaction: wait, and keep nothing.
	kept := get()
	tx, err := db.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := tx.Indicator.Create().SetCode("i4").SetName("指标4").SetUnit("户").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	txCtx := ent.NewTxContext(ctx, tx)
	inside, err := f.Published(txCtx, tx.Client())
	if err != nil {
		t.Fatal(err)
	}
	if inside == kept {
		t.Error("a read inside a transaction was answered from the kept tables")
	}
	if f.rebuilding {
		t.Error("a read inside a transaction started a background build")
	}
}

// After a change, a kept value whose read was slow is answered while one
// read runs in the background, with a context of its own (the request's
// may have ended), when ServeStaleFor allows; otherwise the request waits.
func TestRememberServesStaleWhileRereading(t *testing.T) {
	db := dbtest.OpenSQLite(t)
	f, ctx := watchedFigures(t, db)
	f.slowRead = 0 // every read counts as slow here
	var reads atomic.Int64
	release := make(chan struct{})
	read := func(ctx context.Context) (any, error) {
		n := reads.Add(1)
		if n > 1 {
			<-release // the background read waits until the test lets it go
		}
		return n, ctx.Err()
	}
	write := func(code string) {
		t.Helper()
		if err := db.Client.Indicator.Create().SetCode(code).SetName("指标" + code).SetUnit("户").Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ask := func(ctx context.Context) any {
		t.Helper()
		v, err := f.remember(WithOneFingerprint(ctx), db.Client, "k", read)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := ask(ctx); v != int64(1) {
		t.Fatalf("first read: %v", v)
	}
	f.ServeStaleFor(time.Minute)
	write("i1")
	// The request that finds the change ends at once; its context too.
	reqCtx, cancel := context.WithCancel(ctx)
	if v := ask(reqCtx); v != int64(1) {
		t.Fatalf("after a change, with young kept value: %v, want the kept 1", v)
	}
	cancel()
	for i := 0; reads.Load() < 2 && i < 500; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if v := ask(ctx); v != int64(1) || reads.Load() != 2 {
		t.Fatalf("while the background read runs: %v after %d reads, want the kept 1 and one background read", v, reads.Load())
	}
	close(release)
	for range 500 {
		if v := ask(ctx); v == int64(2) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if v := ask(ctx); v != int64(2) {
		t.Fatalf("after the background read: %v, want 2 (its context must outlive the request's)", v)
	}
	// Without ServeStaleFor, a change is read in front of the request.
	f.ServeStaleFor(0)
	write("i2")
	if v := ask(ctx); v != int64(3) {
		t.Fatalf("maxStale 0: %v, want a third read", v)
	}
}
