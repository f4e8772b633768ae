package release

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// PrunedFile marks a release whose files retention removed. It is written
// before anything is removed, so a release is either whole or marked; the
// handler answers 410 Gone for the files of a marked release even while
// some are still on disk.
const PrunedFile = "pruned.json"

// Mark is what PrunedFile holds.
type Mark struct {
	Version  string    `json:"version"`
	PrunedAt time.Time `json:"prunedAt"`
	// Keep is the retention setting that pruned the release.
	Keep int `json:"keep"`
}

// Pruned reports whether retention removed a release's files.
func Pruned(root, version string) bool {
	if !ValidVersion(version) {
		return false
	}
	_, err := os.Stat(filepath.Join(root, version, PrunedFile))
	return err == nil
}

// Prune applies retention after a build: of every release but the keep
// newest, the latest, and the release the latest's changes are measured
// against (its Previous), it removes the data files and the zip bundle
// and keeps the manifest, its signatures, datapackage.json and
// catalog.jsonld — so the changelog still lists the release with its row
// counts and changes, and the signed manifest still says what was
// published. keep ≤ 0 keeps every release whole.
//
// The release gate's private snapshots (<root>/.gate) are not touched: a
// pruned release's values were published, and later releases must still
// be attacked together with them. The next build's changes are measured
// against the latest release, which is never pruned.
//
// Prune is idempotent and safe against a crash at any point: a release is
// marked (PrunedFile, fsynced) before its files go, a marked release
// stays listed, and every run finishes the releases marked before. It
// returns the versions pruned by this run. When any was, it touches the
// root, so handlers rescan it.
func Prune(root string, keep int, now time.Time) ([]string, error) {
	defer lock(root)()
	versions, err := List(root)
	if err != nil || len(versions) == 0 {
		return nil, err
	}
	// The latest release and the one its changes are measured against are
	// never touched, even if marked by hand; the keep newest are not
	// marked, though a release marked before (a lower setting) is
	// finished: a mark is final.
	latest, err := Load(root, versions[len(versions)-1])
	if err != nil {
		return nil, err
	}
	never := map[string]bool{latest.Version: true}
	if latest.Previous != "" {
		never[latest.Previous] = true
	}
	kept := map[string]bool{}
	if keep > 0 {
		for _, v := range versions[max(0, len(versions)-keep):] {
			kept[v] = true
		}
	}
	var pruned []string
	var errs []error
	for _, v := range versions {
		marked := Pruned(root, v)
		if never[v] || (!marked && (keep <= 0 || kept[v])) {
			continue
		}
		if err := pruneOne(root, v, keep, now, marked); err != nil {
			errs = append(errs, fmt.Errorf("release %s: %w", v, err))
			continue
		}
		if !marked {
			pruned = append(pruned, v)
		}
	}
	if len(pruned) > 0 {
		// Handlers notice a new release by the root's modification time;
		// removing files inside a release does not change it.
		if err := os.Chtimes(root, now, now); err != nil {
			errs = append(errs, err)
		}
	}
	return pruned, errors.Join(errs...)
}

// pruneOne marks a release pruned (unless it is already) and removes its
// data files and bundle.
func pruneOne(root, version string, keep int, now time.Time, marked bool) error {
	dir := filepath.Join(root, version)
	if !marked {
		b, err := json.MarshalIndent(Mark{Version: version, PrunedAt: now.UTC().Truncate(time.Second), Keep: keep}, "", "  ")
		if err != nil {
			return err
		}
		tmp := filepath.Join(dir, "."+PrunedFile)
		if err := writeSynced(tmp, append(b, '\n'), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(dir, PrunedFile)); err != nil {
			return err
		}
		if err := syncDir(dir); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(filepath.Join(dir, "datasets")); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(dir, BundleName(version))); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return syncDir(dir)
}
