// Package release builds, stores and lists the immutable open-data
// releases.
//
// A release is a directory named by its version under the releases root:
//
//	<root>/2026-10-31/
//	  manifest.json                   what is in it: files, hashes, row counts, changes
//	  manifest.json.sig               Ed25519 signature over manifest.json (raw 64 bytes)
//	  manifest.json.sshsig            the same, as an SSH signature (SSHSIG)
//	  tongxing-opendata-2026-10-31.zip  every file of the release
//	  datapackage.json                Frictionless Data Package v2 (CSV resources)
//	  catalog.jsonld                  DCAT 3 catalogue
//	  datasets/<id>/2026-10-31.csv    and .xlsx, .json, .parquet for every dataset
//	<root>/signing-keys/<fingerprint>.pem   every public key that signed a release
//
// Paths inside mirror the URLs below /opendata/, so the directory is itself
// a valid data package. A release is written to a temporary directory,
// fsynced and renamed into place, and never changed afterwards, except
// that retention (Prune) may remove an old release's data files and zip,
// leaving its manifest, signatures and documents; versions are the
// reference date, with ".2", ".3" … for later builds on the same day.
package release

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tongxing/tongxing/opendata/attack"
	"github.com/tongxing/tongxing/opendata/catalog"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/release/diff"
	"github.com/tongxing/tongxing/opendata/writer"
)

// ManifestFile is the name of the manifest in a release directory. It is
// written after every file it lists, and a directory without one is not a
// release.
const ManifestFile = "manifest.json"

// The signatures over the manifest's exact bytes, written after it. Like
// the manifest they are in the build directory before it is renamed into
// place, so a listed release always has them (docs/opendata.md, "Signed
// releases").
const (
	// SignatureFile holds the raw 64-byte Ed25519 signature, as
	// `openssl pkeyutl -verify -rawin -sigfile` reads it.
	SignatureFile = "manifest.json.sig"
	// SSHSignatureFile holds the same signature in the SSHSIG format, as
	// `ssh-keygen -Y verify` reads it.
	SSHSignatureFile = "manifest.json.sshsig"
)

// KeysDir, below the releases root and below /opendata/, holds every public
// key that signed a release, named by fingerprint; it is kept after a key
// is replaced, so old releases stay verifiable.
const KeysDir = "signing-keys"

// KeyPath is a public key's path below the releases root and /opendata/.
func KeyPath(fingerprint string) string { return KeysDir + "/" + fingerprint + ".pem" }

// Manifest describes a release.
type Manifest struct {
	Version       string    `json:"version"`
	ReferenceDate string    `json:"referenceDate"`
	BuiltAt       time.Time `json:"builtAt"`
	// Previous is the version this release's changes are measured against.
	Previous  string       `json:"previous,omitempty"`
	District  Division     `json:"district"`
	Publisher dataset.Text `json:"publisher"`
	BaseURL   string       `json:"baseURL,omitempty"`
	// Created is the reference date's start in the district's time zone.
	Created   string            `json:"created"`
	Frequency catalog.Frequency `json:"frequency"`
	// K is the frequency threshold the release was protected with.
	K int `json:"k"`
	// ContentDigest is a SHA-256 over every dataset's CSV and JSON bytes: two
	// builds with the same digest published the same data.
	ContentDigest string `json:"contentDigest"`
	// Signature names the key that signed this manifest and the files that
	// hold the signature; nil in releases built before signing.
	Signature *Signature `json:"signature,omitempty"`
	// Bundle names the zip of the whole release in its directory (empty in
	// releases built before bundles). Its digest cannot be here: the zip
	// holds this manifest.
	Bundle string `json:"bundle,omitempty"`
	// Gate is the release gate's report on this release, aggregate only:
	// attacks tried, cells checked, how close the nearest came.
	Gate     *attack.Report `json:"gate,omitempty"`
	Datasets []Dataset      `json:"datasets"`
	// Documents are datapackage.json and catalog.jsonld.
	Documents []File   `json:"documents"`
	Changes   []Change `json:"changes"`
}

// Signature says how a manifest is signed. It is inside the signed bytes,
// so the key it names cannot be swapped without breaking the signature; the
// signature itself is in files beside the manifest, since no signature can
// cover itself.
type Signature struct {
	// Algorithm is "Ed25519".
	Algorithm string `json:"algorithm"`
	// KeyFingerprint is the SHA-256 of the public key's DER
	// (SubjectPublicKeyInfo), lowercase hex.
	KeyFingerprint string `json:"keyFingerprint"`
	// Key is the public key's path below /opendata/ (KeyPath).
	Key string `json:"key"`
	// Files are the signature files in the release directory: raw, then
	// SSHSIG.
	Files []string `json:"files"`
	// SSHNamespace is the namespace of the SSH signature (ssh-keygen -n).
	SSHNamespace string `json:"sshNamespace"`
}

// Division is the district published.
type Division struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Dataset is one dataset of a release.
type Dataset struct {
	ID            string     `json:"id"`
	Rows          int        `json:"rows"`
	Suppressed    int        `json:"suppressedCells"`
	TemporalStart string     `json:"temporalStart,omitempty"`
	TemporalEnd   string     `json:"temporalEnd,omitempty"`
	Files         []File     `json:"files"`
	Preview       [][]string `json:"preview"` // the first rows, as written in CSV
	Chart         *ChartData `json:"chart,omitempty"`
}

// File is one file of a release.
type File struct {
	// Format is the extension: csv, xlsx, json, parquet, or jsonld.
	Format string `json:"format"`
	// Path is relative to the release directory and to /opendata/.
	Path      string `json:"path"`
	MediaType string `json:"mediaType"`
	Bytes     int64  `json:"bytes"`
	SHA256    string `json:"sha256"`
}

// Change summarises how a dataset changed since the previous release; it
// is computed from the two releases' published CSV files only (package
// diff, and Summary for one dataset of a release).
type Change = diff.Change

// FieldChange counts the changed cells of one field.
type FieldChange = diff.FieldChange

// Dataset returns the entry of a dataset id.
func (m *Manifest) Dataset(id string) (*Dataset, bool) {
	for i := range m.Datasets {
		if m.Datasets[i].ID == id {
			return &m.Datasets[i], true
		}
	}
	return nil, false
}

// File returns the dataset's file in a format.
func (d *Dataset) File(ext string) (File, bool) {
	for _, f := range d.Files {
		if f.Format == ext {
			return f, true
		}
	}
	return File{}, false
}

// Catalog converts the manifest into the input of package catalog.
func (m *Manifest) Catalog(baseURL string) catalog.Release {
	r := catalog.Release{
		Version: m.Version, ReferenceDate: m.ReferenceDate, Created: m.Created, BaseURL: baseURL,
		Publisher: m.Publisher, District: catalog.Place{Code: m.District.Code, Name: m.District.Name},
		Frequency: m.Frequency, CatalogTitle: CatalogTitle(m.District.Name),
	}
	for _, d := range m.Datasets {
		def := dataset.ByID(d.ID)
		if def == nil {
			continue // a dataset retired since; its files stay in the release
		}
		cd := catalog.Dataset{Def: def, Rows: d.Rows, TemporalStart: d.TemporalStart, TemporalEnd: d.TemporalEnd}
		for _, f := range d.Files {
			format, ok := writer.FormatByExt(f.Format)
			if !ok {
				continue
			}
			cd.Files = append(cd.Files, catalog.File{Format: format, Path: f.Path, Bytes: f.Bytes, SHA256: f.SHA256})
		}
		r.Datasets = append(r.Datasets, cd)
	}
	return r
}

// CatalogTitle is the title of the open-data catalogue of a district.
func CatalogTitle(district string) dataset.Text {
	return dataset.Text{Zh: district + "“专业社工 + 志愿服务”开放数据", En: "Open data: professional social work and volunteer service, " + district}
}

// versionRE matches release versions: a date, optionally ".N" (N ≥ 2).
var versionRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(?:\.([2-9]|[1-9]\d+))?$`)

// ValidVersion reports whether v is a well-formed release version.
func ValidVersion(v string) bool {
	m := versionRE.FindStringSubmatch(v)
	if m == nil {
		return false
	}
	_, err := time.Parse(time.DateOnly, m[1])
	return err == nil
}

// CompareVersions orders versions by date, then by build number.
func CompareVersions(a, b string) int {
	da, na := splitVersion(a)
	db, nb := splitVersion(b)
	if c := strings.Compare(da, db); c != 0 {
		return c
	}
	return na - nb
}

func splitVersion(v string) (date string, n int) {
	m := versionRE.FindStringSubmatch(v)
	if m == nil {
		return v, 0
	}
	n = 1
	if m[2] != "" {
		n, _ = strconv.Atoi(m[2])
	}
	return m[1], n
}

// List returns the versions of the releases under root, oldest first. A
// missing root has none.
func List(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var vs []string
	for _, e := range entries {
		if !e.IsDir() || !ValidVersion(e.Name()) {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, e.Name(), ManifestFile)); err == nil {
			vs = append(vs, e.Name())
		}
	}
	slices.SortFunc(vs, CompareVersions)
	return vs, nil
}

// Load reads the manifest of one release.
func Load(root, version string) (*Manifest, error) {
	if !ValidVersion(version) {
		return nil, fmt.Errorf("release: bad version %q", version)
	}
	b, err := os.ReadFile(filepath.Join(root, version, ManifestFile))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("release %s: manifest: %w", version, err)
	}
	return &m, nil
}

// Latest returns the newest release's manifest, or nil when there is none.
func Latest(root string) (*Manifest, error) {
	vs, err := List(root)
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	return Load(root, vs[len(vs)-1])
}

// DatasetPath is a dataset file's path within a release and below /opendata/.
func DatasetPath(id, version, ext string) string {
	return "datasets/" + id + "/" + version + "." + ext
}

// DownloadName is the file name offered for a dataset file.
func DownloadName(id, version, ext string) string {
	return "tongxing-" + id + "-" + version + "." + ext
}
