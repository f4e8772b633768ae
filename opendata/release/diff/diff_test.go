package diff_test

import (
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/release/diff"
)

func compare(t *testing.T, id, old, cur string, opt diff.Options) diff.Change {
	t.Helper()
	def := dataset.ByID(id)
	var o io.Reader
	if old != "" {
		o = strings.NewReader(old)
	}
	c, err := diff.Compare(def, o, strings.NewReader(cur), opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const orgHeader = "organization_id,name,kind,kind_name,legal_form,registration_status,credit_code,categories,town_code,town_name,founded_year,assessment_grade\r\n"

// TestRegisterRows: one organisation added, one removed, one renamed.
func TestRegisterRows(t *testing.T) {
	old := orgHeader +
		"A,甲社工,SOCIAL_WORK_AGENCY,社工机构,NONE,FILED,,,330411101,新城街道,2020,\r\n" +
		"B,乙志愿队,VOLUNTEER_TEAM,志愿服务队,NONE,UNREGISTERED,,,,,2021,\r\n" +
		"C,丙协会,SOCIAL_ORGANIZATION,社会组织,SOCIAL_GROUP,REGISTERED,,,,,2019,3A\r\n"
	cur := orgHeader +
		"A,甲社工服务中心,SOCIAL_WORK_AGENCY,社工机构,NONE,FILED,,,330411101,新城街道,2020,\r\n" +
		"C,丙协会,SOCIAL_ORGANIZATION,社会组织,SOCIAL_GROUP,REGISTERED,,,,,2019,3A\r\n" +
		"D,丁互助会,SOCIAL_ORGANIZATION,社会组织,NONE,FILED,,,330411102,王店镇,2026,\r\n"
	c := compare(t, dataset.Organizations, old, cur, diff.Options{ListRows: true, Label: []string{"name"}})
	want := diff.Change{Dataset: dataset.Organizations, RowsBefore: 3, RowsAfter: 3, Added: 1, Removed: 1, Changed: 1,
		Fields: []diff.FieldChange{{Field: "name", Cells: 1}},
		Rows: &diff.Rows{Key: []string{"organization_id"}, Label: []string{"name"}, Limit: diff.DefaultLimit,
			Added:         []diff.Row{{Key: []string{"D"}, Label: "丁互助会"}},
			Removed:       []diff.Row{{Key: []string{"B"}, Label: "乙志愿队"}},
			Changed:       []diff.RowChange{{Row: diff.Row{Key: []string{"A"}, Label: "甲社工服务中心"}, Cells: []diff.Cell{{Field: "name", Old: "甲社工", New: "甲社工服务中心"}}}},
			ChangedPublic: 1}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("change\n got %+v\nwant %+v", c, want)
	}
	if s := c.Summary().En; s != "1 rows added, 1 removed, 1 changed (name ×1)" {
		t.Errorf("summary %q", s)
	}
	// Without ListRows (a table that is not a register) the same files
	// give the same counts and no rows.
	n := compare(t, dataset.Organizations, old, cur, diff.Options{})
	want.Rows = nil
	if !reflect.DeepEqual(n, want) {
		t.Errorf("counts only: %+v", n)
	}
}

// TestLimit caps each list but counts every row.
func TestLimit(t *testing.T) {
	var old, cur strings.Builder
	old.WriteString(orgHeader)
	cur.WriteString(orgHeader)
	for i := range 120 {
		id := strconv.Itoa(1000 + i)
		old.WriteString(id + ",旧" + id + ",OTHER,其他,NONE,UNREGISTERED,,,,,,\r\n")
		cur.WriteString(id + ",新" + id + ",OTHER,其他,NONE,UNREGISTERED,,,,,,\r\n")
		cur.WriteString("N" + id + ",新增" + id + ",OTHER,其他,NONE,UNREGISTERED,,,,,,\r\n")
	}
	c := compare(t, dataset.Organizations, old.String(), cur.String(), diff.Options{ListRows: true, Label: []string{"name"}, Limit: 7})
	if c.Added != 120 || c.Changed != 120 || c.Removed != 0 || c.Rows.ChangedPublic != 120 ||
		len(c.Rows.Added) != 7 || len(c.Rows.Changed) != 7 || len(c.Rows.Removed) != 0 || c.Rows.Limit != 7 {
		t.Errorf("counts %d/%d/%d, listed %d/%d/%d", c.Added, c.Removed, c.Changed, len(c.Rows.Added), len(c.Rows.Removed), len(c.Rows.Changed))
	}
	if c.Rows.Changed[0].Key[0] != "1000" || c.Rows.Added[0].Key[0] != "N1000" {
		t.Errorf("lists not in file order: %v, %v", c.Rows.Changed[0].Key, c.Rows.Added[0].Key)
	}
}

// TestProtectedFieldsOfARegister: the projects register lists its rows,
// but a change in a protected column (volunteers, verified_hours) is
// counted only: the row is not listed for it and its values never are.
func TestProtectedFieldsOfARegister(t *testing.T) {
	def := dataset.ByID(dataset.Projects)
	var names []string
	for _, f := range def.Fields {
		names = append(names, f.Name)
	}
	header := strings.Join(names, ",") + "\r\n"
	row := func(id, name, volunteers, hours string) string {
		vals := make([]string, len(names))
		for i, n := range names {
			switch n {
			case "project_id":
				vals[i] = id
			case "name":
				vals[i] = name
			case "stage":
				vals[i] = "IMPLEMENTATION"
			case "volunteers":
				vals[i] = volunteers
			case "verified_hours":
				vals[i] = hours
			}
		}
		return strings.Join(vals, ",") + "\r\n"
	}
	old := header + row("P1", "助老", "x", "120") + row("P2", "助残", "15", "300")
	cur := header + row("P1", "助老", "10", "131") + row("P2", "助残服务", "20", "300")
	c := compare(t, dataset.Projects, old, cur, diff.Options{ListRows: true, Label: []string{"name", "volunteers"}})
	if c.Changed != 2 || c.Rows.ChangedPublic != 1 || len(c.Rows.Changed) != 1 {
		t.Fatalf("change %+v, rows %+v", c, c.Rows)
	}
	if got := c.Rows.Changed[0]; got.Key[0] != "P2" || got.Label != "助残服务" ||
		!reflect.DeepEqual(got.Cells, []diff.Cell{{Field: "name", Old: "助残", New: "助残服务"}}) {
		t.Errorf("listed %+v", got)
	}
	if !reflect.DeepEqual(c.Rows.Label, []string{"name"}) {
		t.Errorf("a protected field labels rows: %v", c.Rows.Label)
	}
	if !reflect.DeepEqual(c.Fields, []diff.FieldChange{{Field: "name", Cells: 1}, {Field: "volunteers", Cells: 2}, {Field: "verified_hours", Cells: 1}}) {
		t.Errorf("fields %+v", c.Fields)
	}
}

// TestPublishedCellsOnly: a withheld cell that stays withheld, and a
// published value that stays the same, are no change — the comparison
// sees the published files, whatever the true values did.
func TestPublishedCellsOnly(t *testing.T) {
	header := "quarter,town_code,town_name,kind,kind_name,cases_opened,cases_closed\r\n"
	old := header + "2026Q1,330411101,测试镇,ELDERLY,老年,x,x\r\n2026Q1,330411,秀洲区,ALL,全部,15,x\r\n"
	c := compare(t, dataset.CaseStatistics, old, old, diff.Options{})
	if !c.None() || c.Summary().En != "no change" || c.Rows != nil || c.RowsBefore != 2 || c.RowsAfter != 2 {
		t.Errorf("identical published files: %+v", c)
	}
	cur := header + "2026Q1,330411101,测试镇,ELDERLY,老年,x,x\r\n2026Q1,330411,秀洲区,ALL,全部,20,x\r\n"
	c = compare(t, dataset.CaseStatistics, old, cur, diff.Options{})
	if c.Changed != 1 || c.Rows != nil || !reflect.DeepEqual(c.Fields, []diff.FieldChange{{Field: "cases_opened", Cells: 1}}) {
		t.Errorf("one published cell changed: %+v", c)
	}
}

func TestNewDataset(t *testing.T) {
	cur := orgHeader + "A,甲,OTHER,其他,NONE,UNREGISTERED,,,,,,\r\n"
	c := compare(t, dataset.Organizations, "", cur, diff.Options{ListRows: true})
	if !c.New || c.Added != 1 || c.RowsAfter != 1 || c.Rows != nil || c.Summary().En != "new dataset, 1 rows" {
		t.Errorf("new dataset: %+v", c)
	}
	c.First = true
	if c.Summary().En != "first release, 1 rows" || c.Summary().Zh != "首个版本，1 行" {
		t.Errorf("first release: %+v", c.Summary())
	}
	// A previous file without the primary key: every row is new.
	c = compare(t, dataset.Organizations, "id,name\r\nA,甲\r\n", cur, diff.Options{ListRows: true})
	if !c.New || c.Added != 1 {
		t.Errorf("key changed: %+v", c)
	}
	if _, err := diff.Compare(dataset.ByID(dataset.Organizations), nil, strings.NewReader("id,name\r\n"), diff.Options{}); err == nil {
		t.Error("a new file without the primary key was accepted")
	}
}

// TestImportsNoData keeps this package unable to read anything but the
// files it is given: it imports the standard library and, of the project,
// package dataset only, which imports nothing of the project but package
// disclosure (pure functions over accumulators, for the type of a value's
// truth, which values parsed from files never have), itself a leaf. A
// summary can then only ever hold published values.
func TestImportsNoData(t *testing.T) {
	allowed := map[string]bool{"github.com/tongxing/tongxing/opendata/dataset": true, "github.com/tongxing/tongxing/disclosure": true}
	for _, dir := range []string{".", "../../dataset", "../../../disclosure"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			pf, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range pf.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if strings.Contains(strings.SplitN(p, "/", 2)[0], ".") && !allowed[p] {
					t.Errorf("%s imports %s: package diff may read published files only", f, p)
				}
			}
		}
	}
}
