package opendata_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/opendata"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
)

var db *database.DB

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "opendata-test-")
	if err != nil {
		panic(err)
	}
	db, err = fixture.SeedSQLite(dir)
	if err != nil {
		panic(err)
	}
	code := m.Run()
	db.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

func config(t testing.TB) opendata.Config {
	c, err := opendata.LoadConfig(func(string) string { return "" }, fixture.Secret, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBuildAndServe goes through the exported API the way the server and
// the CLI use it.
func TestBuildAndServe(t *testing.T) {
	cfg := config(t)
	rel, err := opendata.Build(context.Background(), db.Client, cfg, fixture.Now)
	if err != nil {
		t.Fatal(err)
	}
	if !rel.Created || rel.Manifest.Version != "2026-10-31" || rel.Dir != filepath.Join(cfg.Dir, "2026-10-31") {
		t.Fatalf("release %+v", rel)
	}
	h, err := opendata.NewHandler(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/opendata/", h)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, p := range []string{"/opendata/", "/opendata/catalog.jsonld", "/opendata/datasets/district-summary/latest.csv"} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", p, res.StatusCode)
		}
	}
	// Retention runs after every build: an older release (a copy of this
	// one under an earlier version) loses its files to Keep 1. (How the
	// handler answers for them is opendata/web's TestPrunedRelease.)
	older := filepath.Join(cfg.Dir, "2026-10-01")
	if err := os.CopyFS(older, os.DirFS(rel.Dir)); err != nil {
		t.Fatal(err)
	}
	kept := cfg
	kept.Keep = 1
	again, err := opendata.Build(context.Background(), db.Client, kept, fixture.Now)
	if err != nil || again.Created || len(again.Pruned) != 1 || again.Pruned[0] != "2026-10-01" || !release.Pruned(cfg.Dir, "2026-10-01") {
		t.Fatalf("a build with Keep 1: %+v (%v)", again, err)
	}
	if _, err := os.Stat(filepath.Join(older, "datasets")); !os.IsNotExist(err) {
		t.Errorf("the pruned release's data files: %v", err)
	}
	// K below 5 never builds.
	bad := cfg
	bad.K = 3
	if _, err := opendata.Build(context.Background(), db.Client, bad, fixture.Now); err == nil {
		t.Error("k = 3 built a release")
	}
}

// TestScheduler: with no release the scheduler builds one at once, then
// waits for the schedule; it stops with its context.
func TestScheduler(t *testing.T) {
	cfg := config(t)
	cfg.Schedule = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		opendata.RunScheduler(ctx, db.Client, cfg, slog.New(slog.DiscardHandler))
		close(done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		vs, _ := release.List(cfg.Dir)
		if len(vs) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no release after 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if vs, _ := release.List(cfg.Dir); len(vs) != 1 {
		t.Errorf("releases %v: the scheduler should wait an hour for the next", vs)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduler did not stop with its context")
	}
}

// BenchmarkBuild measures a full release of the demo district (about
// 57,000 verified service records, 3,380 people): aggregation, disclosure
// control, and every file in every format. Each iteration writes a fresh
// release directory.
//
//	go test ./opendata/ -run '^$' -bench BenchmarkBuild -benchmem -benchtime 5x
func BenchmarkBuild(b *testing.B) {
	cfg := config(b)
	root := cfg.Dir
	n := 0
	for b.Loop() {
		n++
		cfg.Dir = filepath.Join(root, "run", time.Now().Format("150405.000000"))
		rel, err := opendata.Build(context.Background(), db.Client, cfg, fixture.Now)
		if err != nil {
			b.Fatal(err)
		}
		if !rel.Created {
			b.Fatal("no release written")
		}
	}
	recs := db.Client.ServiceRecord.Query().CountX(fixture.Context())
	b.ReportMetric(float64(recs)*float64(n)/b.Elapsed().Seconds(), "records/s")
}
