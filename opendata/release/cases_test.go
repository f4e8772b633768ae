package release_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
)

// caseDistrict is a small district seeded identically into several
// databases: two towns, one organisation with one activity in 2025 (so
// every table, case-statistics included, starts in 2025) and a few adults'
// cases — 9 family cases in town 2 in 2026Q3, one short of k, and 12
// hardship cases in town 1 in 2026Q2.
type caseDistrict struct {
	c                      *ent.Client
	district, town1, town2 *ent.Region
	seq                    int // cases opened so far
}

func seedCaseDistrict(t *testing.T, db *database.DB) *caseDistrict {
	t.Helper()
	ctx := fixture.Context()
	c := db.Client
	d := &caseDistrict{c: c}
	city := c.Region.Create().SetCode("330400").SetName("嘉兴市").SetLevel(region.LevelCITY).SaveX(ctx)
	d.district = c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).SetParent(city).SaveX(ctx)
	d.town1 = c.Region.Create().SetCode("330411101").SetName("测试镇").SetLevel(region.LevelTOWN).SetParent(d.district).SaveX(ctx)
	d.town2 = c.Region.Create().SetCode("330411102").SetName("测试街道").SetLevel(region.LevelTOWN).SetParent(d.district).SaveX(ctx)
	org := c.Organization.Create().SetName("测试社工服务中心").SetKind(organization.KindSOCIAL_WORK_AGENCY).SetRegion(d.town1).SaveX(ctx)
	start := time.Date(2025, 4, 1, 9, 0, 0, 0, calendar.Zone)
	c.Activity.Create().SetTitle("测试活动").SetOrganization(org).SetRegion(d.town1).
		SetStartsAt(start).SetEndsAt(start.Add(2 * time.Hour)).ExecX(ctx)
	for i := 0; i < fixture.K-1; i++ {
		d.addCase(t, d.town2, casefile.KindFAMILY, time.Date(2026, 7, 1+i, 0, 0, 0, 0, time.UTC))
	}
	for i := 0; i < 12; i++ {
		d.addCase(t, d.town1, casefile.KindHARDSHIP, time.Date(2026, 4, 1+i, 0, 0, 0, 0, time.UTC))
	}
	return d
}

// addCase opens one adult's case and returns its id.
func (d *caseDistrict) addCase(t *testing.T, at *ent.Region, kind casefile.Kind, opened time.Time) int {
	t.Helper()
	// Ids in sequence, the same in both databases: production draws them
	// at random (randomids.Register), which would give the two databases
	// different cell-key noise.
	d.seq++
	return d.c.CaseFile.Create().SetID(fixture.CaseID(d.seq)).SetRegionID(at.ID).SetKind(kind).SetMinor(false).SetOpenedOn(opened).
		SaveX(fixture.Context()).ID
}

func buildFrom(t *testing.T, c *ent.Client, dir string) *release.Release {
	t.Helper()
	r, err := release.Build(context.Background(), c, options(t, dir), fixture.Now)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return r
}

// readRelease returns every dataset's CSV rows of a release, keyed by the
// primary key.
func readRelease(t *testing.T, r *release.Release) map[string]map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]map[string]string{}
	for _, d := range r.Manifest.Datasets {
		f, ok := d.File("csv")
		if !ok {
			t.Fatalf("%s: no CSV", d.ID)
		}
		fh, err := os.Open(filepath.Join(r.Dir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(fh).ReadAll()
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		def := dataset.ByID(d.ID)
		rows := map[string]map[string]string{}
		for _, rec := range recs[1:] {
			row := map[string]string{}
			for i, h := range recs[0] {
				row[h] = rec[i]
			}
			var key []string
			for _, k := range def.PrimaryKey {
				key = append(key, row[k])
			}
			rows[strings.Join(key, "|")] = row
		}
		out[d.ID] = rows
	}
	return out
}

// metadata is what a release says about its datasets apart from their
// values: datapackage.json and catalog.jsonld with the files' sizes and
// hashes left out (they follow the values), and per dataset the row count,
// time coverage, chart axis and series, and preview.
func metadata(t *testing.T, r *release.Release) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, name := range []string{"datapackage.json", "catalog.jsonld"} {
		b, err := os.ReadFile(filepath.Join(r.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		out[name] = withoutFileDigests(v)
	}
	for _, d := range r.Manifest.Datasets {
		type chart struct {
			Categories []string
			Series     []dataset.Text
		}
		var ch *chart
		if d.Chart != nil {
			ch = &chart{Categories: d.Chart.Categories}
			for _, s := range d.Chart.Series {
				ch.Series = append(ch.Series, s.Name)
			}
		}
		out["manifest:"+d.ID] = []any{d.Rows, d.TemporalStart, d.TemporalEnd, ch, d.Preview}
	}
	return out
}

// withoutFileDigests drops the size and hash of every file from a
// datapackage.json or catalog.jsonld document.
func withoutFileDigests(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := map[string]any{}
		for k, e := range x {
			switch k {
			case "bytes", "hash", "dcat:byteSize", "spdx:checksum":
				continue
			}
			m[k] = withoutFileDigests(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = withoutFileDigests(e)
		}
		return s
	}
	return v
}

// TestCaseRowsDoNotDependOnCases is the row-presence attack on
// case-statistics, on whole releases: two databases that differ by one
// adult's case give releases with the same rows in every dataset, the same
// metadata (Data Package, DCAT, row counts, time coverage, chart, preview)
// and the same changelog shape, and differ at most in the published values
// of the cells that case counts in. A case in an empty cell changes
// nothing at all: no new release is written.
func TestCaseRowsDoNotDependOnCases(t *testing.T) {
	for _, be := range dbtest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			a, b := seedCaseDistrict(t, be.Open(t)), seedCaseDistrict(t, be.Open(t))
			dirA := t.TempDir()
			relA := buildFrom(t, a.c, dirA)

			// One elderly case in town 1 in 2026Q1, where no case is: in B
			// only.
			idB := b.addCase(t, b.town1, casefile.KindELDERLY, time.Date(2026, 2, 9, 0, 0, 0, 0, time.UTC))
			t.Run("a case in an empty cell publishes nothing new", func(t *testing.T) {
				relB := buildFrom(t, b.c, t.TempDir())
				if relA.Manifest.ContentDigest != relB.Manifest.ContentDigest {
					t.Error("a case in an empty cell changed the data")
				}
				for _, name := range []string{"datapackage.json", "catalog.jsonld"} {
					x, _ := os.ReadFile(filepath.Join(relA.Dir, name))
					y, _ := os.ReadFile(filepath.Join(relB.Dir, name))
					if len(x) == 0 || string(x) != string(y) {
						t.Errorf("%s differs", name)
					}
				}
				// The daily-release diff: B's build after A's release.
				if again := buildFrom(t, b.c, dirA); again.Created {
					t.Errorf("a case in an empty cell made release %s: %+v", again.Manifest.Version, again.Manifest.Changes)
				}
			})

			// A catches up with B; then B gets one more family case in
			// town 2, 2026Q3: 9 → 10, the threshold.
			if id := a.addCase(t, a.town1, casefile.KindELDERLY, time.Date(2026, 2, 9, 0, 0, 0, 0, time.UTC)); id != idB {
				t.Fatalf("case ids %d and %d: the databases must differ by one case only", id, idB)
			}
			b.addCase(t, b.town2, casefile.KindFAMILY, time.Date(2026, 8, 20, 0, 0, 0, 0, time.UTC))
			relA2, relB2 := buildFrom(t, a.c, t.TempDir()), buildFrom(t, b.c, t.TempDir())

			t.Run("same rows and metadata, values only in the case's cells", func(t *testing.T) {
				dataA, dataB := readRelease(t, relA2), readRelease(t, relB2)
				for id, rowsA := range dataA {
					rowsB := dataB[id]
					ka, kb := keysOf(rowsA), keysOf(rowsB)
					if !slices.Equal(ka, kb) {
						t.Errorf("%s: %d rows without the case, %d with it, or different keys", id, len(ka), len(kb))
					}
				}
				if n := len(dataA[dataset.CaseStatistics]); n != 8*3*7 {
					t.Errorf("case-statistics has %d rows, want 2025Q1–2026Q4 × 3 places × 7 kinds = %d", n, 8*3*7)
				}
				if ma, mb := metadata(t, relA2), metadata(t, relB2); !reflect.DeepEqual(ma, mb) {
					for k := range ma {
						if !reflect.DeepEqual(ma[k], mb[k]) {
							t.Errorf("metadata differs: %s", k)
						}
					}
				}
				// The case counts in four cells: town 2 and the district,
				// FAMILY and ALL, of 2026Q3, and only as opened.
				allowed := map[string]bool{}
				for _, place := range []string{b.town2.Code, b.district.Code} {
					for _, kind := range []string{"FAMILY", dataset.Total} {
						allowed["2026Q3|"+place+"|"+kind] = true
					}
				}
				for id, rowsA := range dataA {
					for k, ra := range rowsA {
						for f, va := range ra {
							if vb := dataB[id][k][f]; vb != va && (id != dataset.CaseStatistics || !allowed[k] || f != "cases_opened") {
								t.Errorf("%s[%s].%s: %q without the case, %q with it", id, k, f, va, vb)
							}
						}
					}
				}
				cell := "2026Q3|" + b.town2.Code + "|FAMILY"
				if va, vb := dataA[dataset.CaseStatistics][cell]["cases_opened"], dataB[dataset.CaseStatistics][cell]["cases_opened"]; va != "x" || vb != "10" {
					t.Errorf("%s.cases_opened: %q with 9 cases, %q with 10; want x and 10", cell, va, vb)
				}
			})

			t.Run("the changelog shows changed values, never rows", func(t *testing.T) {
				rel := buildFrom(t, b.c, dirA)
				if !rel.Created {
					t.Fatal("the 10th case made no release")
				}
				for _, c := range rel.Manifest.Changes {
					if c.New || c.Added != 0 || c.Removed != 0 || c.RowsBefore != c.RowsAfter {
						t.Errorf("%s: %+v", c.Dataset, c)
					}
					if c.Dataset != dataset.CaseStatistics && c.Changed != 0 {
						t.Errorf("%s changed: %+v", c.Dataset, c)
					}
					if c.Dataset == dataset.CaseStatistics && (c.Changed == 0 || c.Changed > 4) {
						t.Errorf("case-statistics: %d rows changed, want 1 to 4", c.Changed)
					}
				}
			})
		})
	}
	if os.Getenv(dbtest.EnvPostgres) == "" {
		t.Run("postgres", func(t *testing.T) {
			t.Skip("PostgreSQL tests skipped: set " + dbtest.EnvPostgres + " to run them")
		})
	}
}

func keysOf[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
