package portal

import (
	"html"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/release/diff"
)

// TestWhatChangedBlock renders a register's block with capped lists and a
// removed row, and a disclosure-controlled table's block without rows.
func TestWhatChangedBlock(t *testing.T) {
	rows := &diff.Rows{Key: []string{"organization_id"}, Label: []string{"name"}, Limit: 2,
		Added:   []diff.Row{{Key: []string{"A1"}, Label: "新增甲"}, {Key: []string{"A2"}, Label: "新增乙"}},
		Removed: []diff.Row{{Key: []string{"R1"}, Label: "已注销丙"}},
		Changed: []diff.RowChange{{Row: diff.Row{Key: []string{"C1"}, Label: "丁"},
			Cells: []diff.Cell{{Field: "name", Old: "戊", New: "丁"}, {Field: "assessment_grade", Old: "", New: "3A"}}}},
		ChangedPublic: 1}
	m := &release.Manifest{Version: "2026-11-02", ReferenceDate: "2026-11-02", Previous: "2026-11-01",
		Datasets: []release.Dataset{{ID: dataset.Organizations, Rows: 10}, {ID: dataset.NeedsMonthly, Rows: 5}},
		Changes: []release.Change{
			{Dataset: dataset.Organizations, RowsBefore: 8, RowsAfter: 10, Added: 3, Removed: 1, Changed: 1, Rows: rows,
				Fields: []release.FieldChange{{Field: "name", Cells: 1}, {Field: "assessment_grade", Cells: 1}}},
			{Dataset: dataset.NeedsMonthly, RowsBefore: 5, RowsAfter: 5, Changed: 2, Fields: []release.FieldChange{{Field: "needs_opened", Cells: 2}}},
		}}
	b, ok, err := Site{}.Dataset(m, dataset.Organizations, []*release.Manifest{m})
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	page := html.UnescapeString(string(b))
	block := page[strings.Index(page, `id="changes"`):]
	block = block[:strings.Index(block, "</section>")]
	for _, want := range []string{"相对上一版本 2026-11-01", "新增 2 行（共 3 行）", "Rows added: 2 of 3", "新增乙", "删除 1 行", "已注销丙", "<code>R1</code>",
		"修改 1 行", `rowspan="2"`, "<td>戊</td><td>丁</td>", "（空）", "<td>3A</td>"} {
		if !strings.Contains(block, want) {
			t.Errorf("register block lacks %q", want)
		}
	}
	b, _, err = Site{}.Dataset(m, dataset.NeedsMonthly, []*release.Manifest{m})
	if err != nil {
		t.Fatal(err)
	}
	page = html.UnescapeString(string(b))
	if !strings.Contains(page, "修改 2 行（needs_opened ×2）") || !strings.Contains(page, "不列出具体的行") || strings.Contains(page, "<details>") {
		t.Error("disclosure-controlled block")
	}
}
