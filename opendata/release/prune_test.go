package release_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tongxing/tongxing/opendata/attack"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
)

// TestPrune: retention keeps the files of the newest releases, of the
// latest and of the one the latest is measured against; older releases
// lose their data files and zip but stay listed with manifest, signatures
// and documents, and still verify. A prune interrupted half-way is
// finished by the next, a second run changes nothing, and the next build
// still diffs against the latest and attacks every release, pruned ones
// included, from the gate's snapshots.
func TestPrune(t *testing.T) {
	dir := t.TempDir()
	var vs []string
	for i := range 4 {
		if i > 0 {
			addRecord(t)
		}
		r := build(t, dir, fixture.Now.Add(time.Duration(i)*time.Minute))
		if !r.Created {
			t.Fatalf("build %d made no release", i)
		}
		vs = append(vs, r.Manifest.Version)
	}
	// Keep all (the default): nothing happens.
	if pruned, err := release.Prune(dir, 0, time.Now()); err != nil || len(pruned) != 0 {
		t.Fatalf("keep all pruned %v (%v)", pruned, err)
	}

	// A crash half-way through the oldest: marked, some files gone. It is
	// still listed, and counts as pruned.
	mark := `{"version": "` + vs[0] + `", "prunedAt": "2026-11-01T00:00:00Z", "keep": 1}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, vs[0], release.PrunedFile), []byte(mark), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, vs[0], "datasets", dataset.Projects)); err != nil {
		t.Fatal(err)
	}
	if listed, _ := release.List(dir); !slices.Equal(listed, vs) || !release.Pruned(dir, vs[0]) {
		t.Fatalf("a half-pruned release: listed %v, pruned %v", listed, release.Pruned(dir, vs[0]))
	}

	before, _ := os.Stat(dir)
	time.Sleep(10 * time.Millisecond)
	// Keep 1: the latest (vs[3]) and its Previous (vs[2]) stay.
	pruned, err := release.Prune(dir, 1, time.Now())
	if err != nil || !slices.Equal(pruned, vs[1:2]) {
		t.Fatalf("pruned %v (%v), want %v", pruned, err, vs[1:2])
	}
	if after, _ := os.Stat(dir); after.ModTime().Equal(before.ModTime()) {
		t.Error("pruning did not touch the root: handlers would not notice")
	}
	checkPruned(t, dir, vs, 2)

	// Again: nothing new, nothing fails.
	if pruned, err := release.Prune(dir, 1, time.Now()); err != nil || len(pruned) != 0 {
		t.Errorf("second run pruned %v (%v)", pruned, err)
	}

	// The next build: measured against the latest, attacked with every
	// release, the pruned ones from their snapshots.
	addRecord(t)
	next := build(t, dir, fixture.Now.Add(10*time.Minute))
	m := next.Manifest
	if !next.Created || m.Previous != vs[3] {
		t.Fatalf("next release: created %v, previous %s", next.Created, m.Previous)
	}
	if c, ok := release.Summary(m, dataset.VolunteerHoursMonthly); !ok || c.Changed == 0 {
		t.Errorf("the next build's changes: %+v", c)
	}
	if m.Gate == nil || m.Gate.Releases != len(vs)+1 || len(m.Gate.Unattackable) != 0 {
		t.Errorf("the gate attacked %+v, want all %d releases", m.Gate, len(vs)+1)
	}
	for _, v := range vs {
		if _, err := os.Stat(filepath.Join(dir, attack.Dir, v+".cells.gob.gz")); err != nil {
			t.Errorf("the gate's snapshot of %s: %v", v, err)
		}
	}
	vs = append(vs, m.Version)
	if pruned, err := release.Prune(dir, 1, time.Now()); err != nil || !slices.Equal(pruned, vs[2:3]) {
		t.Errorf("after the next build pruned %v (%v), want %v", pruned, err, vs[2:3])
	}
	checkPruned(t, dir, vs, 3)

	// Keep 0 never touches the latest, even marked by hand.
	latest := filepath.Join(dir, m.Version)
	if err := os.WriteFile(filepath.Join(latest, release.PrunedFile), []byte(mark), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := release.Prune(dir, 0, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(latest, release.BundleName(m.Version))); err != nil {
		t.Errorf("the latest release lost its files: %v", err)
	}
}

// checkPruned: the first n of vs are pruned — still listed, manifest,
// signatures and documents there and verifying, no data file and no zip
// — and the rest are whole.
func checkPruned(t *testing.T, dir string, vs []string, n int) {
	t.Helper()
	if listed, _ := release.List(dir); !slices.Equal(listed, vs) {
		t.Errorf("listed %v, want %v", listed, vs)
	}
	for i, v := range vs {
		if err := release.Verify(dir, v, nil); err != nil {
			t.Errorf("%s: %v", v, err)
		}
		_, errData := os.Stat(filepath.Join(dir, v, "datasets"))
		_, errZip := os.Stat(filepath.Join(dir, v, release.BundleName(v)))
		if i >= n {
			if release.Pruned(dir, v) || errData != nil || errZip != nil {
				t.Errorf("%s should be whole: pruned %v, datasets %v, zip %v", v, release.Pruned(dir, v), errData, errZip)
			}
			continue
		}
		if !release.Pruned(dir, v) || !os.IsNotExist(errData) || !os.IsNotExist(errZip) {
			t.Errorf("%s should be pruned: pruned %v, datasets %v, zip %v", v, release.Pruned(dir, v), errData, errZip)
		}
		entries, _ := os.ReadDir(filepath.Join(dir, v))
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		want := []string{"catalog.jsonld", "datapackage.json", "manifest.json", "manifest.json.sig", "manifest.json.sshsig", release.PrunedFile}
		if !slices.Equal(names, want) {
			t.Errorf("%s holds %v, want %v", v, names, want)
		}
	}
}
