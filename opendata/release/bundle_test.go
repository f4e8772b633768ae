package release_test

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
)

// TestBundle: every release has a zip of exactly its files — datasets in
// every format, manifest, signatures, datapackage.json, catalog.jsonld —
// below one folder, in path order, with fixed times, and zipping the same
// directory again gives the same bytes.
func TestBundle(t *testing.T) {
	dir := t.TempDir()
	r := build(t, dir, fixture.Now)
	v := r.Manifest.Version
	stored, err := os.ReadFile(filepath.Join(r.Dir, release.BundleName(v)))
	if err != nil {
		t.Fatal(err)
	}
	if release.BundleName(v) != "tongxing-opendata-2026-10-31.zip" || r.Manifest.Bundle != release.BundleName(v) {
		t.Errorf("bundle name %s, in the manifest %q", release.BundleName(v), r.Manifest.Bundle)
	}
	zr, err := zip.NewReader(bytes.NewReader(stored), int64(len(stored)))
	if err != nil {
		t.Fatal(err)
	}
	onDisk := map[string][]byte{}
	_ = filepath.WalkDir(r.Dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(r.Dir, p)
			if rel != release.BundleName(v) {
				onDisk[filepath.ToSlash(rel)], _ = os.ReadFile(p)
			}
		}
		return err
	})
	var names []string
	for _, f := range zr.File {
		name, ok := strings.CutPrefix(f.Name, "tongxing-opendata-"+v+"/")
		if !ok {
			t.Errorf("entry %s is outside the bundle's folder", f.Name)
			continue
		}
		names = append(names, name)
		want, ok := onDisk[name]
		if !ok {
			t.Errorf("entry %s is no file of the release", name)
			continue
		}
		rc, _ := f.Open()
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("entry %s differs from the release's file (%v)", name, err)
		}
		if !f.Modified.Equal(r.Manifest.BuiltAt) || f.Mode() != 0o644 {
			t.Errorf("entry %s: modified %v, mode %v", name, f.Modified, f.Mode())
		}
		if stored := strings.HasSuffix(name, ".xlsx") || strings.HasSuffix(name, ".parquet"); stored != (f.Method == zip.Store) {
			t.Errorf("entry %s: method %d", name, f.Method)
		}
	}
	if !slices.IsSorted(names) {
		t.Error("entries are not in path order")
	}
	if len(names) != len(onDisk) {
		t.Errorf("%d entries, the release has %d files", len(names), len(onDisk))
	}
	for _, want := range []string{"manifest.json", "manifest.json.sig", "manifest.json.sshsig", "datapackage.json", "catalog.jsonld",
		"datasets/projects/" + v + ".csv", "datasets/projects/" + v + ".xlsx", "datasets/projects/" + v + ".json", "datasets/projects/" + v + ".parquet"} {
		if !slices.Contains(names, want) {
			t.Errorf("the bundle lacks %s", want)
		}
	}
	// Deterministic: zipping a copy of the directory again gives the stored
	// bytes.
	copyDir := t.TempDir()
	if err := os.CopyFS(copyDir, os.DirFS(r.Dir)); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := release.WriteBundle(&again, copyDir, v, r.Manifest.BuiltAt); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), stored) {
		t.Error("zipping the release again gives other bytes")
	}
}
