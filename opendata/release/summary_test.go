package release_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/release/diff"
)

// TestChangeSummaries builds two releases of a small district: between
// them one organisation is added, one removed and one renamed, and one
// adult's case is opened in a cell where every published value stays x.
// The register's summary lists the three rows; case-statistics, whose
// true values changed, says "no change" because its published cells did
// not; the first release says it is the first.
func TestChangeSummaries(t *testing.T) {
	for _, be := range dbtest.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := fixture.Context()
			d := seedCaseDistrict(t, be.Open(t))
			c := d.c
			org := func(name string) int {
				return c.Organization.Create().SetName(name).SetKind(organization.KindSOCIAL_ORGANIZATION).
					SetRegion(d.town2).SaveX(ctx).ID
			}
			removedID, renamedID := org("乙互助会"), org("丙协会")
			removed, renamed := gid.Encode(removedID), gid.Encode(renamedID)
			dir := t.TempDir()
			first := buildFrom(t, c, dir)

			t.Run("the first release says so", func(t *testing.T) {
				s, ok := release.Summary(first.Manifest, dataset.Organizations)
				if !ok || !s.First || !s.New || s.Previous != "" || s.Added != 3 || s.Rows != nil {
					t.Fatalf("summary %+v", s)
				}
				txt := s.Text()
				if !strings.Contains(txt.Zh, "首个版本，3 行") || !strings.Contains(txt.En, "first release, 3 rows") {
					t.Errorf("text %+v", txt)
				}
				if _, ok := release.Summary(first.Manifest, "no-such-dataset"); ok {
					t.Error("a summary of a dataset the release does not hold")
				}
			})

			added := gid.Encode(org("丁睦邻会"))
			c.Organization.DeleteOneID(removedID).ExecX(ctx)
			c.Organization.UpdateOneID(renamedID).SetName("丙社会工作协会").ExecX(ctx)
			casesBefore := c.CaseFile.Query().CountX(ctx)
			d.addCase(t, d.town1, casefile.KindELDERLY, time.Date(2026, 2, 9, 0, 0, 0, 0, time.UTC))
			if c.CaseFile.Query().CountX(ctx) != casesBefore+1 {
				t.Fatal("the case was not added")
			}
			second := buildFrom(t, c, dir)
			if !second.Created || second.Manifest.Previous != first.Manifest.Version {
				t.Fatalf("second release: created %v, previous %q", second.Created, second.Manifest.Previous)
			}

			t.Run("register rows added, removed and changed", func(t *testing.T) {
				s, ok := release.Summary(second.Manifest, dataset.Organizations)
				if !ok || s.First || s.New || s.Version != second.Manifest.Version || s.Previous != first.Manifest.Version {
					t.Fatalf("summary %+v", s)
				}
				if s.RowsBefore != 3 || s.RowsAfter != 3 || s.Added != 1 || s.Removed != 1 || s.Changed != 1 {
					t.Errorf("counts %+v", s.Change)
				}
				want := &diff.Rows{Key: []string{"organization_id"}, Label: []string{"name"}, Limit: diff.DefaultLimit,
					Added:   []diff.Row{{Key: []string{added}, Label: "丁睦邻会"}},
					Removed: []diff.Row{{Key: []string{removed}, Label: "乙互助会"}},
					Changed: []diff.RowChange{{Row: diff.Row{Key: []string{renamed}, Label: "丙社会工作协会"},
						Cells: []diff.Cell{{Field: "name", Old: "丙协会", New: "丙社会工作协会"}}}},
					ChangedPublic: 1}
				if !reflect.DeepEqual(s.Rows, want) {
					t.Errorf("rows\n got %+v\nwant %+v", s.Rows, want)
				}
				txt := s.Text()
				for _, w := range []string{"新增：丁睦邻会 [" + added + "]", "删除：乙互助会 [" + removed + "]", "修改：丙社会工作协会 [" + renamed + "]：name “丙协会” → “丙社会工作协会”"} {
					if !strings.Contains(txt.Zh, w) {
						t.Errorf("Chinese text lacks %q:\n%s", w, txt.Zh)
					}
				}
				for _, w := range []string{"1 rows added, 1 removed, 1 changed", "Added: 丁睦邻会", "Removed: 乙互助会", `name "丙协会" → "丙社会工作协会"`} {
					if !strings.Contains(txt.En, w) {
						t.Errorf("English text lacks %q:\n%s", w, txt.En)
					}
				}
				t.Logf("feed text:\n%s", s)
			})

			t.Run("a disclosure-controlled table changes only when its published cells do", func(t *testing.T) {
				for _, s := range release.Summaries(second.Manifest) {
					if s.Dataset == dataset.Organizations {
						continue
					}
					if !s.None() || s.Rows != nil || s.Summary().En != "no change" || !strings.Contains(s.Text().En, "no change") {
						t.Errorf("%s: %+v", s.Dataset, s.Change)
					}
				}
			})

			t.Run("the summary is stored in the release's manifest", func(t *testing.T) {
				loaded, err := release.Load(dir, second.Manifest.Version)
				if err != nil {
					t.Fatal(err)
				}
				a, _ := release.Summary(second.Manifest, dataset.Organizations)
				b, _ := release.Summary(loaded, dataset.Organizations)
				if !reflect.DeepEqual(a, b) {
					t.Errorf("after loading: %+v, built: %+v", b, a)
				}
				ja, _ := json.Marshal(a)
				if !strings.Contains(string(ja), `"rowsAdded":1`) || !strings.Contains(string(ja), `"title":{"zh":"组织名录"`) {
					t.Errorf("JSON %s", ja)
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

func TestSummaryText(t *testing.T) {
	rows := &diff.Rows{Key: []string{"link_id"}, Limit: 50}
	for i := range 7 {
		rows.Added = append(rows.Added, diff.Row{Key: []string{string(rune('A' + i))}, Label: "党委 – 单位"})
	}
	d := release.DatasetChanges{Version: "2026-11-02", Previous: "2026-11-01", Title: dataset.Text{Zh: "党建联建关系", En: "Party-building links"},
		Change: release.Change{Dataset: dataset.PartyBuildingLinks, RowsBefore: 3, RowsAfter: 12, Added: 9, Rows: rows}}
	txt := d.Text()
	if want := "党建联建关系 2026-11-02（对比 2026-11-01）：新增 9 行，删除 0 行，修改 0 行。\n新增：党委 – 单位 [A]；"; !strings.HasPrefix(txt.Zh, want) {
		t.Errorf("Chinese %q", txt.Zh)
	}
	if !strings.HasSuffix(txt.Zh, "党委 – 单位 [E]；另 4 行") || !strings.HasSuffix(txt.En, "党委 – 单位 [E]; 4 more") {
		t.Errorf("not capped at five: %q / %q", txt.Zh, txt.En)
	}
	if strings.Contains(txt.Zh, "删除：") || strings.Contains(txt.Zh, "修改：") {
		t.Errorf("empty lists named: %q", txt.Zh)
	}
	if d.String() != txt.Zh+"\n\n"+txt.En {
		t.Errorf("String %q", d.String())
	}
}
