package release_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/writer"
)

var db *database.DB

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "opendata-release-test-")
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

func options(t testing.TB, dir string) release.Options {
	rules, err := disclosure.New(fixture.K, fixture.Secret)
	if err != nil {
		t.Fatal(err)
	}
	return release.Options{Dir: dir, Rules: rules, Schedule: 24 * time.Hour, SigningKey: fixture.SigningKey}
}

func build(t testing.TB, dir string, now time.Time) *release.Release {
	t.Helper()
	start := time.Now()
	r, err := release.Build(context.Background(), db.Client, options(t, dir), now)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	t.Logf("build took %v: version %s, created %v", time.Since(start).Round(time.Millisecond), r.Manifest.Version, r.Created)
	return r
}

func sha(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestRelease builds releases in order: the first, an identical rebuild in
// another directory, a no-op rebuild, then — after a new service record —
// the second release of the day.
func TestRelease(t *testing.T) {
	dirA, dirB := t.TempDir(), t.TempDir()
	first := build(t, dirA, fixture.Now)
	m := first.Manifest
	if !first.Created || m.Version != "2026-10-31" || first.Dir != filepath.Join(dirA, "2026-10-31") {
		t.Fatalf("first release %+v", first)
	}

	t.Run("files match the manifest", func(t *testing.T) { checkFiles(t, first) })
	t.Run("datapackage.json", func(t *testing.T) { checkDataPackage(t, first) })
	t.Run("catalog.jsonld", func(t *testing.T) { checkCatalog(t, first) })

	t.Run("two builds give byte-identical CSV and JSON", func(t *testing.T) {
		second := build(t, dirB, fixture.Now)
		for _, d := range m.Datasets {
			for _, ext := range []string{"csv", "json", "xlsx", "parquet"} {
				f, _ := d.File(ext)
				a, b := sha(t, filepath.Join(first.Dir, f.Path)), sha(t, filepath.Join(second.Dir, f.Path))
				switch {
				case a != b && (ext == "csv" || ext == "json"):
					t.Errorf("%s differs between two builds", f.Path)
				case a != b:
					t.Logf("%s differs between two builds (allowed for %s)", f.Path, ext)
				}
			}
		}
		for _, doc := range []string{"datapackage.json", "catalog.jsonld"} {
			if sha(t, filepath.Join(first.Dir, doc)) != sha(t, filepath.Join(second.Dir, doc)) {
				t.Errorf("%s differs between two builds", doc)
			}
		}
	})

	t.Run("unchanged data makes no release", func(t *testing.T) {
		again := build(t, dirA, fixture.Now.Add(3*time.Hour))
		if again.Created || again.Manifest.Version != m.Version {
			t.Errorf("rebuild of unchanged data: created %v, version %s", again.Created, again.Manifest.Version)
		}
		vs, _ := release.List(dirA)
		if len(vs) != 1 {
			t.Errorf("releases %v", vs)
		}
	})

	t.Run("a change makes the day's second release; the first stays as it was", func(t *testing.T) {
		before := map[string]string{}
		_ = filepath.WalkDir(first.Dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				before[p] = sha(t, p)
			}
			return err
		})
		addRecord(t)
		next := build(t, dirA, fixture.Now.Add(4*time.Hour))
		if !next.Created || next.Manifest.Version != "2026-10-31.2" || next.Manifest.Previous != "2026-10-31" {
			t.Fatalf("second release: created %v, version %s, previous %s", next.Created, next.Manifest.Version, next.Manifest.Previous)
		}
		for p, h := range before {
			if sha(t, p) != h {
				t.Errorf("%s changed after the next release", p)
			}
		}
		changed := map[string]release.Change{}
		for _, c := range next.Manifest.Changes {
			changed[c.Dataset] = c
		}
		vhm := changed[dataset.VolunteerHoursMonthly]
		if vhm.Changed == 0 || vhm.Changed > 4 || vhm.Added != 0 || vhm.Removed != 0 {
			t.Errorf("volunteer-hours-monthly change %+v", vhm)
		}
		if c := changed[dataset.Organizations]; c.Changed != 0 || c.Added != 0 || c.Summary().En != "no change" {
			t.Errorf("organizations change %+v", c)
		}
		t.Logf("changes: %s", vhm.Summary().Zh)
		vs, _ := release.List(dirA)
		if !slices.Equal(vs, []string{"2026-10-31", "2026-10-31.2"}) {
			t.Errorf("releases %v", vs)
		}
		latest, err := release.Latest(dirA)
		if err != nil || latest.Version != "2026-10-31.2" {
			t.Errorf("latest %v %v", latest, err)
		}
	})

	t.Run("an organisation named like a formula is published as text", func(t *testing.T) {
		ctx := fixture.Context()
		const hyperlink = `=HYPERLINK("http://x","y")`
		org := db.Client.Organization.Query().Order(organization.ByID()).FirstX(ctx)
		db.Client.Organization.UpdateOne(org).SetName(hyperlink).ExecX(ctx)
		next := build(t, dirA, fixture.Now.Add(5*time.Hour))
		if !next.Created {
			t.Fatal("renaming an organisation made no release")
		}
		ds, _ := next.Manifest.Dataset(dataset.Organizations)
		f, _ := ds.File("csv")
		body, err := os.ReadFile(filepath.Join(next.Dir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range recs[1:] {
			if r[0] == gid.Encode(org.ID) {
				found = true
				if r[1] != "'"+hyperlink {
					t.Errorf("organisation name published as %q", r[1])
				}
			}
		}
		if !found {
			t.Fatal("the organisation is not in the register")
		}
		// The changelog reads the neutralised CSV back: one changed cell,
		// and none in the next release, where nothing about it changed.
		changed := map[string]release.Change{}
		for _, c := range next.Manifest.Changes {
			changed[c.Dataset] = c
		}
		if c := changed[dataset.Organizations]; c.Changed != 1 || len(c.Fields) != 1 || c.Fields[0].Field != "name" {
			t.Errorf("organizations change %+v", c)
		}
		addRecord(t)
		after := build(t, dirA, fixture.Now.Add(6*time.Hour))
		for _, c := range after.Manifest.Changes {
			if c.Dataset == dataset.Organizations && c.Summary().En != "no change" {
				t.Errorf("organizations changed again: %+v", c)
			}
		}
	})
}

// addRecord adds one verified 2-hour record for the person of the first
// verified record of June 2026, at the same activity.
func addRecord(t *testing.T) {
	ctx := fixture.Context()
	r := db.Client.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED),
		servicerecord.ServedOnGTE(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))).Order(servicerecord.ByID()).FirstX(ctx)
	db.Client.ServiceRecord.Create().SetPersonID(r.PersonID).SetActivityID(r.ActivityID).SetServedOn(r.ServedOn).
		SetMinutes(120).SetRecordedBy("opendata-test").SetStatus(servicerecord.StatusVERIFIED).
		SetReviewedBy("opendata-test").SetReviewedAt(r.ServedOn.Add(48 * time.Hour)).SaveX(ctx)
}

func checkFiles(t *testing.T, r *release.Release) {
	m := r.Manifest
	if len(m.Datasets) != len(dataset.All()) {
		t.Errorf("%d datasets, want %d", len(m.Datasets), len(dataset.All()))
	}
	var files []release.File
	files = append(files, m.Documents...)
	for _, d := range m.Datasets {
		if want := len(writer.FormatsOf(dataset.ByID(d.ID))); len(d.Files) != want {
			t.Errorf("%s has %d files, want %d", d.ID, len(d.Files), want)
		}
		files = append(files, d.Files...)
		if f, ok := d.File("csv"); !ok || f.Path != "datasets/"+d.ID+"/"+m.Version+".csv" {
			t.Errorf("%s CSV path %q", d.ID, f.Path)
		}
		if len(d.Preview) < 2 || len(d.Preview[0]) != len(dataset.ByID(d.ID).Fields) {
			t.Errorf("%s preview %v", d.ID, d.Preview)
		}
	}
	// Temporal coverage: months for the monthly tables, the months its
	// quarters span (to the reference month) for case-statistics — from
	// the tables' first year, 2020 (their rows are a fixed grid), not from
	// the first need (2022) or case (2024).
	for id, want := range map[string][2]string{
		dataset.NeedsMonthly:    {"2020-01", "2026-10"},
		dataset.CaseStatistics:  {"2020-01", "2026-10"},
		dataset.DistrictSummary: {"2020", "2026"},
	} {
		var got [2]string
		if d, _ := m.Dataset(id); d != nil {
			got = [2]string{d.TemporalStart, d.TemporalEnd}
		}
		if got != want {
			t.Errorf("%s temporal coverage %v, want %v", id, got, want)
		}
	}
	for _, f := range files {
		info, err := os.Stat(filepath.Join(r.Dir, f.Path))
		if err != nil {
			t.Errorf("%s: %v", f.Path, err)
			continue
		}
		if info.Size() != f.Bytes || sha(t, filepath.Join(r.Dir, f.Path)) != f.SHA256 {
			t.Errorf("%s: size or hash differs from the manifest", f.Path)
		}
	}
	// Nothing else in the directory but the manifest, its signatures and
	// the zip bundle.
	n := 0
	_ = filepath.WalkDir(r.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if n != len(files)+4 {
		t.Errorf("%d files on disk, manifest lists %d (+ itself, two signatures and the bundle)", n, len(files))
	}
}

var (
	yearmonthRE = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)
	yearRE      = regexp.MustCompile(`^\d{4}$`)
)

// checkDataPackage validates datapackage.json against the CSV files: the
// resources, their hashes, and every cell against its Table Schema field.
func checkDataPackage(t *testing.T, r *release.Release) {
	body, err := os.ReadFile(filepath.Join(r.Dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Schema    string `json:"$schema"`
		Name      string
		Version   string
		Licenses  []struct{ Name, Path string }
		Resources []struct {
			Name, Type, Path, Format, Mediatype, Encoding, Hash string
			Bytes                                               int64
			Schema                                              struct {
				Fields []struct {
					Name, Type  string
					Constraints struct{ Required bool }
					Categories  []struct{ Value string }
				}
				PrimaryKey    []string
				MissingValues []string
			}
		}
	}
	if err := json.Unmarshal(body, &pkg); err != nil {
		t.Fatal(err)
	}
	if pkg.Schema != "https://datapackage.org/profiles/2.0/datapackage.json" || pkg.Version != r.Manifest.Version ||
		len(pkg.Licenses) != 1 || pkg.Licenses[0].Name != "CC-BY-4.0" {
		t.Errorf("package header: %+v", pkg)
	}
	if len(pkg.Resources) != len(dataset.All()) {
		t.Fatalf("%d resources", len(pkg.Resources))
	}
	cells := 0
	for _, res := range pkg.Resources {
		if res.Type != "table" || res.Format != "csv" || res.Encoding != "utf-8" {
			t.Errorf("%s: type %s format %s encoding %s", res.Name, res.Type, res.Format, res.Encoding)
		}
		p := filepath.Join(r.Dir, filepath.FromSlash(res.Path))
		if "sha256:"+sha(t, p) != res.Hash {
			t.Errorf("%s: hash mismatch", res.Name)
		}
		missing := map[string]bool{}
		for _, mv := range res.Schema.MissingValues {
			missing[mv] = true
		}
		if !missing[""] || !missing["x"] || len(missing) != 2 {
			t.Errorf("%s: missingValues %v", res.Name, res.Schema.MissingValues)
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", res.Name, err)
		}
		header := recs[0]
		if len(header) != len(res.Schema.Fields) {
			t.Fatalf("%s: header %v", res.Name, header)
		}
		keys := map[string]bool{}
		for _, row := range recs[1:] {
			var key []string
			for i, fl := range res.Schema.Fields {
				v := row[i]
				if header[i] != fl.Name {
					t.Fatalf("%s: column %d is %s, schema says %s", res.Name, i, header[i], fl.Name)
				}
				if slices.Contains(res.Schema.PrimaryKey, fl.Name) {
					key = append(key, v)
				}
				cells++
				if missing[v] {
					if fl.Constraints.Required {
						t.Errorf("%s.%s: required field missing", res.Name, fl.Name)
					}
					continue
				}
				if !valid(fl.Type, v) {
					t.Errorf("%s.%s: %q is not a %s", res.Name, fl.Name, v, fl.Type)
				}
				if len(fl.Categories) > 0 && !slices.ContainsFunc(fl.Categories, func(c struct{ Value string }) bool { return c.Value == v }) {
					t.Errorf("%s.%s: %q is not one of its categories", res.Name, fl.Name, v)
				}
			}
			k := strings.Join(key, "|")
			if keys[k] {
				t.Errorf("%s: duplicate primary key %s", res.Name, k)
			}
			keys[k] = true
		}
	}
	t.Logf("%d CSV cells checked against their Table Schemas", cells)
}

func valid(typ, v string) bool {
	switch typ {
	case "integer":
		_, err := strconv.ParseInt(v, 10, 64)
		return err == nil
	case "number":
		_, err := strconv.ParseFloat(v, 64)
		return err == nil
	case "date":
		_, err := time.Parse(time.DateOnly, v)
		return err == nil
	case "year":
		return yearRE.MatchString(v)
	case "yearmonth":
		return yearmonthRE.MatchString(v)
	case "string":
		return true
	}
	return false
}

func checkCatalog(t *testing.T, r *release.Release) {
	body, err := os.ReadFile(filepath.Join(r.Dir, "catalog.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	var cat struct {
		Type     string `json:"@type"`
		Datasets []struct {
			ID           string `json:"@id"`
			Identifier   string `json:"dct:identifier"`
			Distribution []struct {
				Download struct {
					ID string `json:"@id"`
				} `json:"dcat:downloadURL"`
				MediaType struct {
					ID string `json:"@id"`
				} `json:"dcat:mediaType"`
			} `json:"dcat:distribution"`
		} `json:"dcat:dataset"`
	}
	if err := json.Unmarshal(body, &cat); err != nil {
		t.Fatal(err)
	}
	if cat.Type != "dcat:Catalog" || len(cat.Datasets) != len(dataset.All()) {
		t.Fatalf("catalogue %s with %d datasets", cat.Type, len(cat.Datasets))
	}
	for _, d := range cat.Datasets {
		if want := len(writer.FormatsOf(dataset.ByID(d.Identifier))); len(d.Distribution) != want {
			t.Errorf("%s: %d distributions, want %d", d.Identifier, len(d.Distribution), want)
		}
		for _, dist := range d.Distribution {
			if _, err := os.Stat(filepath.Join(r.Dir, filepath.FromSlash(dist.Download.ID))); err != nil {
				t.Errorf("%s: distribution %s: %v", d.Identifier, dist.Download.ID, err)
			}
			if !strings.HasPrefix(dist.MediaType.ID, "https://www.iana.org/assignments/media-types/") {
				t.Errorf("%s: media type %s", d.Identifier, dist.MediaType.ID)
			}
		}
	}
}

func TestConcurrentBuildsShareOneRelease(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	results := make([]*release.Release, 3)
	errs := make([]error, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = release.Build(context.Background(), db.Client, options(t, dir), fixture.Now)
		}()
	}
	wg.Wait()
	created := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if r.Created {
			created++
		}
	}
	vs, _ := release.List(dir)
	if created != 1 || len(vs) != 1 {
		t.Errorf("three concurrent builds of the same data: %d created, releases %v", created, vs)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".build-") {
			t.Errorf("temporary directory %s left behind", e.Name())
		}
	}
}

func TestVersions(t *testing.T) {
	for v, ok := range map[string]bool{
		"2026-10-31": true, "2026-10-31.2": true, "2026-10-31.17": true,
		"2026-10-31.1": false, "2026-10-31.0": false, "2026-13-01": false, "latest": false, "../x": false, "2026-10-31.2.3": false,
	} {
		if release.ValidVersion(v) != ok {
			t.Errorf("ValidVersion(%q) = %v", v, !ok)
		}
	}
	vs := []string{"2026-10-31.10", "2026-11-01", "2026-10-31", "2026-10-31.2"}
	slices.SortFunc(vs, release.CompareVersions)
	if !slices.Equal(vs, []string{"2026-10-31", "2026-10-31.2", "2026-10-31.10", "2026-11-01"}) {
		t.Errorf("order %v", vs)
	}
	// Only complete releases are listed.
	dir := t.TempDir()
	for _, d := range []string{"2026-01-01", "2026-01-02", ".build-123", "notes"} {
		_ = os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	_ = os.WriteFile(filepath.Join(dir, "2026-01-02", release.ManifestFile), []byte("{}"), 0o644)
	if got, _ := release.List(dir); !slices.Equal(got, []string{"2026-01-02"}) {
		t.Errorf("List = %v", got)
	}
	if got, err := release.List(filepath.Join(dir, "missing")); err != nil || len(got) != 0 {
		t.Errorf("List(missing) = %v, %v", got, err)
	}
}

func TestChangeSummary(t *testing.T) {
	c := release.Change{Dataset: "x", RowsBefore: 10, RowsAfter: 11, Added: 1, Changed: 2,
		Fields: []release.FieldChange{{Field: "verified_hours", Cells: 2}}}
	if got := c.Summary(); got.En != "1 rows added, 0 removed, 2 changed (verified_hours ×2)" || !strings.HasPrefix(got.Zh, "新增 1 行") {
		t.Errorf("summary %+v", got)
	}
	if got := (release.Change{New: true, RowsAfter: 3}).Summary(); got.En != "new dataset, 3 rows" {
		t.Errorf("summary %+v", got)
	}
}
