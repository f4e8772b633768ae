package release

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/opendata/attack"
	"github.com/tongxing/tongxing/opendata/catalog"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/signing"
	"github.com/tongxing/tongxing/opendata/tables"
	"github.com/tongxing/tongxing/opendata/writer"
)

// Options configure a build.
type Options struct {
	// Dir is the releases root.
	Dir string
	// Rules is the disclosure control.
	Rules *disclosure.Rules
	// BaseURL is the site's external URL (no trailing slash), or empty.
	BaseURL string
	// Schedule is how often releases are built (for the catalogue's
	// update frequency).
	Schedule time.Duration
	// Publisher names who publishes; zero means "<district> 同行开放数据".
	Publisher dataset.Text
	// Tables configures the aggregation; its Rules and Now are set by Build.
	Tables tables.Options
	// PreviewRows is how many rows each dataset page previews (default 10).
	PreviewRows int
	// Tolerance is the release gate's (zero: attack.DefaultTolerance).
	Tolerance attack.Tolerance
	// SigningKey signs every manifest (required).
	SigningKey *signing.Key
}

// planted, when set (by tests only, see export_test.go), changes the
// computed tables before the gate sees them: how tests plant leaks.
var planted func(*tables.Result)

// Release is the result of a build.
type Release struct {
	Manifest *Manifest
	// Dir is the release directory.
	Dir string
	// Created is false when the build published exactly what the latest
	// release holds, so no new release was written.
	Created bool
	// Pruned are the releases whose files retention removed after the
	// build (opendata.Build, Prune).
	Pruned []string
}

// locks serialises builds into the same root within this process; across
// processes the final rename is atomic and a taken version is skipped.
var locks sync.Map // root → *sync.Mutex

// lock takes root's lock and returns its release.
func lock(root string) func() {
	mu, _ := locks.LoadOrStore(filepath.Clean(root), &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	return mu.(*sync.Mutex).Unlock
}

// Build computes every dataset and writes a new release under opt.Dir,
// unless its data files are byte-identical to the latest release's, in
// which case the latest release is returned with Created false.
func Build(ctx context.Context, client *ent.Client, opt Options, now time.Time) (*Release, error) {
	if opt.Dir == "" {
		return nil, errors.New("release: no releases directory")
	}
	if opt.SigningKey == nil {
		return nil, errors.New("release: no signing key")
	}
	defer lock(opt.Dir)()

	topt := opt.Tables
	topt.Rules, topt.Now = opt.Rules, now
	if topt.Location == nil {
		topt.Location = calendar.Zone
	}
	res, err := tables.Build(ctx, client, topt)
	if err != nil {
		return nil, err
	}
	// Secondary suppression: wherever everything published would confine a
	// withheld count to within ±1 person, withhold a complement beside it
	// (the gate's interval audit decides; docs/opendata.md).
	res.Complements = attack.Complements(opt.Rules, attack.DefaultTolerance,
		attack.Snapshot("build", res.District.Code, opt.Rules, res.Tables))
	if planted != nil {
		planted(res)
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, err
	}
	removeStaleBuilds(opt.Dir, now)
	tmp, err := os.MkdirTemp(opt.Dir, ".build-")
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			_ = os.RemoveAll(tmp)
		}
	}()

	b := &build{opt: opt, res: res, tmp: tmp, now: now}
	if err := b.writeData(); err != nil {
		return nil, err
	}
	latest, err := Latest(opt.Dir)
	if err != nil {
		return nil, err
	}
	if latest != nil && latest.ContentDigest == b.digest {
		return &Release{Manifest: latest, Dir: filepath.Join(opt.Dir, latest.Version)}, nil
	}
	snap, report, err := b.gate()
	if err != nil {
		return nil, err
	}
	b.report = report.Aggregate()
	b.fullReport = report
	// The public key is kept before any release it signed is listed.
	if err := SaveKey(opt.Dir, opt.SigningKey.Public()); err != nil {
		return nil, fmt.Errorf("release: keep the public signing key: %w", err)
	}
	for attempt := 0; ; attempt++ {
		version, err := nextVersion(opt.Dir, res.Reference.Format(time.DateOnly))
		if err != nil {
			return nil, err
		}
		m, err := b.finish(version, latest)
		if err != nil {
			return nil, err
		}
		dir := filepath.Join(opt.Dir, version)
		err = os.Rename(tmp, dir)
		if err == nil {
			done = true
			if err := syncDir(opt.Dir); err != nil {
				return nil, err
			}
			// Saved once the version is ours. Should this fail, the
			// release is out without a snapshot: later gates list it as
			// unattackable, and the error says so.
			snap.Version = version
			if err := snap.Save(opt.Dir); err != nil {
				return nil, fmt.Errorf("release gate: release %s published, but its snapshot was not saved: %w", version, err)
			}
			b.fullReport.Version = version
			if err := attack.SaveReport(opt.Dir, b.fullReport); err != nil {
				return nil, fmt.Errorf("release gate: release %s published, but its report was not saved: %w", version, err)
			}
			return &Release{Manifest: m, Dir: dir, Created: true}, nil
		}
		if _, serr := os.Stat(dir); serr != nil || attempt >= 20 {
			return nil, fmt.Errorf("release: move %s into place: %w", version, err)
		}
		// Another process took this version in the meantime: take the next.
		if err := b.unversion(version); err != nil {
			return nil, err
		}
	}
}

// removeStaleBuilds deletes temporary directories left by builds that
// crashed more than an hour ago.
func removeStaleBuilds(root string, now time.Time) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), ".build-") {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > time.Hour {
			_ = os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
}

// nextVersion is the reference date, or the date with the next free build
// number when a release of that date exists.
func nextVersion(root, date string) (string, error) {
	vs, err := List(root)
	if err != nil {
		return "", err
	}
	taken := map[string]bool{}
	for _, v := range vs {
		taken[v] = true
	}
	// Directories without a manifest (a build being moved in by another
	// process) also hold their name.
	if entries, err := os.ReadDir(root); err == nil {
		for _, e := range entries {
			taken[e.Name()] = true
		}
	}
	if !taken[date] {
		return date, nil
	}
	for n := 2; ; n++ {
		if v := fmt.Sprintf("%s.%d", date, n); !taken[v] {
			return v, nil
		}
	}
}

type build struct {
	opt    Options
	res    *tables.Result
	report *attack.Report // the gate's, aggregate
	// fullReport is the gate's with findings (none when it passed), saved
	// again under the version once the release is in place.
	fullReport *attack.Report
	tmp        string
	now        time.Time
	digest     string
	// per dataset, in order
	files map[string][]File // id → CSV and JSON first, then XLSX and Parquet
}

// gate attacks the new tables together with every published release that
// has a snapshot, keeps the report, and refuses the build when a protected
// value is recovered.
func (b *build) gate() (*attack.Release, *attack.Report, error) {
	versions, err := List(b.opt.Dir)
	if err != nil {
		return nil, nil, err
	}
	prev, missing, err := attack.Stream(b.opt.Dir, versions)
	if err != nil {
		return nil, nil, err
	}
	tol := b.opt.Tolerance
	if tol == (attack.Tolerance{}) {
		tol = attack.DefaultTolerance
	}
	snap := attack.Snapshot("new", b.res.District.Code, b.opt.Rules, b.res.Tables)
	report, err := attack.RunStream(b.opt.Rules, tol, snap, prev, missing, b.now)
	if err != nil {
		return nil, nil, err
	}
	if err := attack.SaveReport(b.opt.Dir, report); err != nil {
		return nil, nil, fmt.Errorf("release gate: %w", err)
	}
	if !report.Passed {
		return nil, nil, &attack.RefusedError{Report: report}
	}
	return snap, report, nil
}

// unversioned names of the data files while the version is not known.
func unversioned(id, ext string) string { return "datasets/" + id + "/data." + ext }

// writeData writes every dataset's CSV and JSON (the files whose bytes
// define the release's content) and computes the content digest.
func (b *build) writeData() error {
	b.files = map[string][]File{}
	all := sha256.New()
	for _, t := range b.res.Tables {
		for _, f := range []writer.Format{writer.CSV, writer.JSON} {
			path := unversioned(t.Dataset.ID, f.Ext)
			file, err := b.write(path, f, func(w io.Writer) error {
				if f == writer.CSV {
					return writer.WriteCSV(w, t)
				}
				return writer.WriteJSON(w, t)
			})
			if err != nil {
				return fmt.Errorf("%s.%s: %w", t.Dataset.ID, f.Ext, err)
			}
			b.files[t.Dataset.ID] = append(b.files[t.Dataset.ID], file)
			fmt.Fprintf(all, "%s %s %s\n", t.Dataset.ID, f.Ext, file.SHA256)
		}
	}
	b.digest = hex.EncodeToString(all.Sum(nil))
	return nil
}

// write creates path in the build directory through fn, fsyncs it and
// returns its size and SHA-256.
func (b *build) write(path string, f writer.Format, fn func(io.Writer) error) (File, error) {
	full := filepath.Join(b.tmp, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return File{}, err
	}
	out, err := os.Create(full)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(out, h)}
	bw := bufio.NewWriterSize(cw, 64<<10)
	err = fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return File{}, err
	}
	return File{Format: f.Ext, Path: path, MediaType: f.MediaType, Bytes: cw.n, SHA256: hexSum(h)}, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// finish names the data files for version and writes everything that
// carries the version: XLSX, Parquet, the metadata documents, the manifest
// (after every file it lists), the signatures over it and the zip bundle of
// it all. All of it is in the build directory, which is renamed into place
// only afterwards.
func (b *build) finish(version string, prev *Manifest) (*Manifest, error) {
	res := b.res
	m := &Manifest{
		Version:       version,
		ReferenceDate: res.Reference.Format(time.DateOnly),
		BuiltAt:       b.now.UTC().Truncate(time.Second),
		District:      Division{res.District.Code, res.District.Name},
		Publisher:     b.opt.Publisher,
		BaseURL:       b.opt.BaseURL,
		Frequency:     catalog.FrequencyOf(b.opt.Schedule),
		K:             b.opt.Rules.K(),
		ContentDigest: b.digest,
		Signature:     signatureOf(b.opt.SigningKey),
		Bundle:        BundleName(version),
	}
	if b.report != nil {
		g := *b.report
		g.Version = version
		m.Gate = &g
	}
	loc := b.opt.Tables.Location
	if loc == nil {
		loc = calendar.Zone
	}
	ref := res.Reference
	m.Created = time.Date(ref.Year(), ref.Month(), ref.Day(), 0, 0, 0, 0, loc).Format(time.RFC3339)
	if m.Publisher == (dataset.Text{}) {
		m.Publisher = dataset.Text{Zh: res.District.Name + "同行开放数据", En: "Tongxing open data, " + res.District.Name}
	}
	if prev != nil {
		m.Previous = prev.Version
	}
	previewRows := b.opt.PreviewRows
	if previewRows <= 0 {
		previewRows = 10
	}
	for _, t := range res.Tables {
		id := t.Dataset.ID
		d := Dataset{ID: id, Rows: len(t.Rows), Chart: Chart(t, res.District.Code)}
		d.TemporalStart, d.TemporalEnd = temporal(t, res.Reference)
		for _, r := range t.Rows {
			for _, v := range r {
				if v.Kind == dataset.KindSuppressed {
					d.Suppressed++
				}
			}
		}
		header := make([]string, len(t.Dataset.Fields))
		for i, f := range t.Dataset.Fields {
			header[i] = f.Name
		}
		d.Preview = append(d.Preview, header)
		for _, r := range t.Rows[:min(previewRows, len(t.Rows))] {
			row := make([]string, len(r))
			for i, v := range r {
				row[i] = v.Text()
			}
			d.Preview = append(d.Preview, row)
		}
		// CSV and JSON: move into their versioned names.
		for _, f := range b.files[id][:2] {
			to := DatasetPath(id, version, f.Format)
			if err := os.Rename(filepath.Join(b.tmp, filepath.FromSlash(f.Path)), filepath.Join(b.tmp, filepath.FromSlash(to))); err != nil {
				return nil, err
			}
			f.Path = to
			d.Files = append(d.Files, f)
		}
		// XLSX and Parquet carry the version, so they are written now.
		notes := writer.Notes{
			Version: version, ReferenceDate: m.ReferenceDate, Publisher: m.Publisher,
			License: dataset.LicenseName, LicenseURL: dataset.LicenseURL,
			Methodology: Methodology(m.K), PageURL: b.opt.BaseURL + "/opendata/" + catalog.PagePath(id),
		}
		// The same reference as the portal's and citation.json's: it names
		// the versioned CSV, which never changes.
		cite := catalog.Cite(m.Catalog(b.opt.BaseURL), catalog.Dataset{Def: t.Dataset,
			Files: []catalog.File{{Format: writer.CSV, Path: d.Files[0].Path}}})
		notes.Citation = dataset.Text{Zh: cite.APA.Zh.String(), En: cite.APA.En.String()}
		xf, err := b.write(DatasetPath(id, version, writer.XLSX.Ext), writer.XLSX, func(w io.Writer) error {
			return writer.WriteXLSX(w, t, notes)
		})
		if err != nil {
			return nil, fmt.Errorf("%s.xlsx: %w", id, err)
		}
		pf, err := b.write(DatasetPath(id, version, writer.Parquet.Ext), writer.Parquet, func(w io.Writer) error {
			return writer.WriteParquet(w, t, parquetMeta(t.Dataset, m))
		})
		if err != nil {
			return nil, fmt.Errorf("%s.parquet: %w", id, err)
		}
		// Offer the formats in the usual order: CSV, XLSX, JSON, Parquet.
		d.Files = []File{d.Files[0], xf, d.Files[1], pf}
		if t.Dataset.Places {
			path := DatasetPath(id, version, writer.JSONLD.Ext)
			lf, err := b.write(path, writer.JSONLD, func(w io.Writer) error {
				return writer.WritePlaces(w, t, b.opt.BaseURL+"/opendata/"+path)
			})
			if err != nil {
				return nil, fmt.Errorf("%s.jsonld: %w", id, err)
			}
			d.Files = append(d.Files, lf)
		}
		m.Datasets = append(m.Datasets, d)
	}
	// The change summaries read the files just written and the previous
	// release's, never the tables in memory: only published values.
	changes, err := diffReleases(b.opt.Dir, prev, b.tmp, m)
	if err != nil {
		return nil, err
	}
	m.Changes = changes

	cat := m.Catalog(b.opt.BaseURL)
	for _, doc := range []struct {
		name, ext, mediaType string
		gen                  func(catalog.Release) ([]byte, error)
	}{
		{"datapackage.json", "json", "application/json", catalog.DataPackage},
		{"catalog.jsonld", "jsonld", "application/ld+json", catalog.DCAT},
	} {
		body, err := doc.gen(cat)
		if err != nil {
			return nil, err
		}
		f, err := b.write(doc.name, writer.Format{Ext: doc.ext, MediaType: doc.mediaType}, func(w io.Writer) error {
			_, err := w.Write(body)
			return err
		})
		if err != nil {
			return nil, err
		}
		m.Documents = append(m.Documents, f)
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	body = append(body, '\n')
	if _, err := b.write(ManifestFile, writer.Format{Ext: "json", MediaType: "application/json"}, func(w io.Writer) error {
		_, err := w.Write(body)
		return err
	}); err != nil {
		return nil, err
	}
	// The signatures cover exactly the bytes just written; the bundle holds
	// everything, signatures included.
	if err := b.writeSignatures(body); err != nil {
		return nil, err
	}
	if err := b.writeBundle(version, m.BuiltAt); err != nil {
		return nil, fmt.Errorf("release: zip bundle: %w", err)
	}
	if err := syncTree(b.tmp); err != nil {
		return nil, err
	}
	return m, nil
}

// unversion undoes finish's naming after a lost race for a version, so
// finish can run again with the next one.
func (b *build) unversion(version string) error {
	for _, t := range b.res.Tables {
		id := t.Dataset.ID
		for _, f := range []writer.Format{writer.CSV, writer.JSON} {
			if err := os.Rename(filepath.Join(b.tmp, filepath.FromSlash(DatasetPath(id, version, f.Ext))),
				filepath.Join(b.tmp, filepath.FromSlash(unversioned(id, f.Ext)))); err != nil {
				return err
			}
		}
		for _, f := range []writer.Format{writer.XLSX, writer.Parquet} {
			_ = os.Remove(filepath.Join(b.tmp, filepath.FromSlash(DatasetPath(id, version, f.Ext))))
		}
	}
	for _, f := range []string{SignatureFile, SSHSignatureFile, BundleName(version)} {
		_ = os.Remove(filepath.Join(b.tmp, f))
	}
	return os.Remove(filepath.Join(b.tmp, ManifestFile))
}

func parquetMeta(d *dataset.Dataset, m *Manifest) map[string]string {
	var protected []string
	for _, f := range d.Fields {
		if f.Protected {
			protected = append(protected, f.Name)
		}
	}
	return map[string]string{
		"tongxing.dataset":          d.ID,
		"tongxing.version":          m.Version,
		"tongxing.reference_date":   m.ReferenceDate,
		"tongxing.license":          dataset.LicenseURL,
		"tongxing.protected_fields": strings.Join(protected, ","),
		"tongxing.null": "null = withheld by disclosure control (protected fields) or no value; " +
			"the CSV and JSON files tell the two apart (x or empty)",
	}
}

// syncTree fsyncs every directory of the build, so the rename that
// publishes it never exposes entries that are not on disk.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return syncDir(path)
		}
		return nil
	})
}

func syncDir(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
