package release

import (
	"archive/zip"
	"bufio"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// BundleName is the name of a release's zip bundle in its directory and
// the name it is downloaded under.
func BundleName(version string) string { return "tongxing-opendata-" + version + ".zip" }

// BundleMediaType is the bundle's media type.
const BundleMediaType = "application/zip"

// notBundled are files of a release directory that are not the release's
// own: the bundle itself, and the mark retention leaves.
func notBundled(version, name string) bool {
	return name == BundleName(version) || name == PrunedFile
}

// writeBundle zips the build directory into it, after the signatures: a
// reader who downloads the zip has every file, the manifest and the
// signatures, and verifies them as the single files (the zip's own digest
// cannot be in the manifest it contains).
func (b *build) writeBundle(version string, modified time.Time) error {
	out, err := os.Create(filepath.Join(b.tmp, BundleName(version)))
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	err = WriteBundle(bw, b.tmp, version, modified)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// WriteBundle writes the zip of the release directory dir: every file in
// it but the bundle, below a folder named like the bundle, in path order,
// each with the time modified (the release's build time) and mode 0644,
// so the same directory always gives the same bytes. XLSX and Parquet,
// compressed already, are stored; the rest is deflated.
func WriteBundle(w io.Writer, dir, version string, modified time.Time) error {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); !notBundled(version, rel) {
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.Sort(names)
	folder := strings.TrimSuffix(BundleName(version), ".zip") + "/"
	zw := zip.NewWriter(w)
	for _, name := range names {
		h := &zip.FileHeader{Name: folder + name, Method: zip.Deflate, Modified: modified.UTC()}
		switch path.Ext(name) {
		case ".xlsx", ".parquet":
			h.Method = zip.Store
		}
		h.SetMode(0o644)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return err
		}
		_, err = io.Copy(fw, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return zw.Close()
}
