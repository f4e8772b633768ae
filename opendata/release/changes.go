package release

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/writer"
)

// diffReleases compares each new table with the same dataset's CSV in the
// previous release, row by row on the primary key and cell by cell on the
// field name: rows added, removed and changed, and changed cells per field.
func diffReleases(root string, prev *Manifest, ts []*dataset.Table) ([]Change, error) {
	var out []Change
	for _, t := range ts {
		c := Change{Dataset: t.Dataset.ID, RowsAfter: len(t.Rows)}
		var pd *Dataset
		if prev != nil {
			pd, _ = prev.Dataset(t.Dataset.ID)
		}
		if pd == nil {
			c.New, c.Added = true, len(t.Rows)
			out = append(out, c)
			continue
		}
		f, ok := pd.File("csv")
		if !ok {
			c.New, c.Added = true, len(t.Rows)
			out = append(out, c)
			continue
		}
		old, header, err := readCSV(filepath.Join(root, prev.Version, filepath.FromSlash(f.Path)), t.Dataset.PrimaryKey)
		if err != nil {
			return nil, err
		}
		c.RowsBefore = len(old)
		oldCol := map[string]int{}
		for i, h := range header {
			oldCol[h] = i
		}
		keyCols := make([]int, len(t.Dataset.PrimaryKey))
		for i, k := range t.Dataset.PrimaryKey {
			keyCols[i] = t.Dataset.FieldIndex(k)
		}
		cells := make([]int, len(t.Dataset.Fields))
		seen := map[string]bool{}
		for _, r := range t.Rows {
			parts := make([]string, len(keyCols))
			for i, k := range keyCols {
				parts[i] = writer.CSVCell(r[k])
			}
			key := strings.Join(parts, "\x1f")
			seen[key] = true
			o, ok := old[key]
			if !ok {
				c.Added++
				continue
			}
			changed := false
			for i, fl := range t.Dataset.Fields {
				j, ok := oldCol[fl.Name]
				if !ok || o[j] != writer.CSVCell(r[i]) {
					cells[i]++
					changed = true
				}
			}
			if changed {
				c.Changed++
			}
		}
		for k := range old {
			if !seen[k] {
				c.Removed++
			}
		}
		for i, n := range cells {
			if n > 0 {
				c.Fields = append(c.Fields, FieldChange{Field: t.Dataset.Fields[i].Name, Cells: n})
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// readCSV reads a published CSV into rows keyed by the primary key.
func readCSV(path string, primaryKey []string) (rows map[string][]string, header []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err = r.Read()
	if err != nil {
		return nil, nil, err
	}
	keyCols := make([]int, 0, len(primaryKey))
	for _, k := range primaryKey {
		for i, h := range header {
			if h == k {
				keyCols = append(keyCols, i)
			}
		}
	}
	if len(keyCols) != len(primaryKey) {
		// The key changed since: every row counts as new.
		return map[string][]string{}, header, nil
	}
	rows = map[string][]string{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, header, nil
		}
		if err != nil {
			return nil, nil, err
		}
		parts := make([]string, len(keyCols))
		for i, k := range keyCols {
			parts[i] = rec[k]
		}
		rows[strings.Join(parts, "\x1f")] = rec
	}
}

// Summary is a change in one line, Chinese then English.
func (c Change) Summary() dataset.Text {
	if c.New {
		return dataset.Text{Zh: "新数据集，" + itoa(c.RowsAfter) + " 行", En: "new dataset, " + itoa(c.RowsAfter) + " rows"}
	}
	if c.Added == 0 && c.Removed == 0 && c.Changed == 0 {
		return dataset.Text{Zh: "无变化", En: "no change"}
	}
	zh := "新增 " + itoa(c.Added) + " 行，删除 " + itoa(c.Removed) + " 行，修改 " + itoa(c.Changed) + " 行"
	en := itoa(c.Added) + " rows added, " + itoa(c.Removed) + " removed, " + itoa(c.Changed) + " changed"
	if len(c.Fields) > 0 {
		var parts []string
		for _, f := range c.Fields {
			parts = append(parts, f.Field+" ×"+itoa(f.Cells))
		}
		zh += "（" + strings.Join(parts, "，") + "）"
		en += " (" + strings.Join(parts, ", ") + ")"
	}
	return dataset.Text{Zh: zh, En: en}
}

func itoa(n int) string { return strconv.Itoa(n) }
