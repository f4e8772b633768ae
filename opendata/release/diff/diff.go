// Package diff compares two published versions of one dataset: the CSV
// files of two releases, and nothing else. It counts the rows added,
// removed and changed (matched on the primary key) and the changed cells
// per field, and for the public registers lists the changed rows
// themselves — rows added and removed, and for changed rows the fields
// that changed with their old and new published values.
//
// What a change summary may say is bounded by what this package can read.
// It takes readers of published files and a dataset definition; it imports
// nothing of the project but package dataset (a test keeps it so), so it
// cannot reach the database, the aggregation or the disclosure-control
// internals. For a disclosure-controlled table a summary is therefore a
// difference of published cells — never of the true values behind them —
// and it lists no rows, only counts (docs/opendata.md, "What changed
// between releases").
package diff

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/tongxing/tongxing/opendata/dataset"
)

// DefaultLimit is how many rows of each kind (added, removed, changed) a
// register's summary lists when Options.Limit is 0.
const DefaultLimit = 50

// Change summarises how a dataset changed since the previous release.
type Change struct {
	Dataset string `json:"dataset"`
	// First is set in the first release, which has nothing to compare with.
	First bool `json:"first,omitempty"`
	// New is set when the previous release did not hold the dataset (and
	// in the first release).
	New        bool `json:"new,omitempty"`
	RowsBefore int  `json:"rowsBefore"`
	RowsAfter  int  `json:"rowsAfter"`
	Added      int  `json:"rowsAdded"`
	Removed    int  `json:"rowsRemoved"`
	Changed    int  `json:"rowsChanged"`
	// Fields counts changed cells per field, in field order.
	Fields []FieldChange `json:"fields,omitempty"`
	// Rows lists the changed rows of a public register; nil when nothing
	// changed and for every other dataset (disclosure-controlled tables
	// list no rows).
	Rows *Rows `json:"rows,omitempty"`
}

// FieldChange counts the changed cells of one field.
type FieldChange struct {
	Field string `json:"field"`
	Cells int    `json:"cells"`
}

// Rows lists the rows of a register that changed, each list in primary-key
// order and capped at Limit; Change.Added and Change.Removed are the
// totals of the first two lists, ChangedPublic of the third.
type Rows struct {
	// Key names the primary-key fields, in the order of each row's Key.
	Key []string `json:"key"`
	// Label names the fields whose values, joined by " – ", label a row.
	Label []string `json:"label,omitempty"`
	// Limit is the most rows each list holds.
	Limit   int         `json:"limit"`
	Added   []Row       `json:"added"`
	Removed []Row       `json:"removed"`
	Changed []RowChange `json:"changed"`
	// ChangedPublic counts the changed rows with a change in a public
	// field. A row whose only changes are in protected (disclosure-
	// controlled) fields counts in Change.Changed and in Change.Fields but
	// is not listed, and protected fields' values are never listed.
	ChangedPublic int `json:"rowsChangedPublic"`
}

// Row names one row: its primary key and its label, as published (the new
// release's values, or the previous release's for a removed row).
type Row struct {
	Key   []string `json:"key"`
	Label string   `json:"label,omitempty"`
}

// RowChange is a changed row and its changed public fields.
type RowChange struct {
	Row
	Cells []Cell `json:"cells"`
}

// Cell is one changed value, as published in the two releases' CSV files
// ("" is no value).
type Cell struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Options say what Compare lists.
type Options struct {
	// ListRows lists the changed rows (public registers only).
	ListRows bool
	// Label names the fields that label a listed row, e.g. "name";
	// protected fields are left out.
	Label []string
	// Limit caps each list; 0 is DefaultLimit.
	Limit int
}

// table is a published CSV read into memory, rows in file order.
type table struct {
	header []string
	col    map[string]int
	keys   []string // joined primary keys, in file order
	rows   map[string][]string
}

// Compare compares the previous release's CSV of a dataset (old; nil when
// the previous release did not hold it) with the new release's (cur). Both
// are files as published: a header of field names, then one record per
// row. Cells are compared as published, so a withheld value ("x") that
// stays withheld is no change, whatever the value behind it did.
func Compare(def *dataset.Dataset, old, cur io.Reader, opt Options) (Change, error) {
	c := Change{Dataset: def.ID}
	now, err := readTable(cur, def.PrimaryKey)
	if err != nil {
		return c, fmt.Errorf("diff %s: new release: %w", def.ID, err)
	}
	if now == nil {
		return c, fmt.Errorf("diff %s: new release: the CSV lacks a primary-key column", def.ID)
	}
	c.RowsAfter = len(now.keys)
	if old == nil {
		c.New, c.Added = true, c.RowsAfter
		return c, nil
	}
	before, err := readTable(old, def.PrimaryKey)
	if err != nil {
		return c, fmt.Errorf("diff %s: previous release: %w", def.ID, err)
	}
	if before == nil {
		// The key changed since: every row counts as new.
		c.New, c.Added = true, c.RowsAfter
		return c, nil
	}
	c.RowsBefore = len(before.keys)

	limit := opt.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	var rows *Rows
	if opt.ListRows {
		rows = &Rows{Key: slices.Clone(def.PrimaryKey), Limit: limit, Added: []Row{}, Removed: []Row{}, Changed: []RowChange{}}
		for _, l := range opt.Label {
			if i := def.FieldIndex(l); i >= 0 && !def.Fields[i].Protected {
				rows.Label = append(rows.Label, l)
			}
		}
	}
	cells := make([]int, len(def.Fields))
	for _, k := range now.keys {
		r := now.rows[k]
		o, ok := before.rows[k]
		if !ok {
			c.Added++
			if rows != nil && len(rows.Added) < limit {
				rows.Added = append(rows.Added, now.row(def, r, rows.Label))
			}
			continue
		}
		var public []Cell
		changed := false
		for i, f := range def.Fields {
			nv, nok := now.cell(r, f.Name)
			ov, ook := before.cell(o, f.Name)
			if nok && ook && nv == ov {
				continue
			}
			cells[i]++
			changed = true
			if !f.Protected {
				public = append(public, Cell{Field: f.Name, Old: ov, New: nv})
			}
		}
		if !changed {
			continue
		}
		c.Changed++
		if rows != nil && len(public) > 0 {
			rows.ChangedPublic++
			if len(rows.Changed) < limit {
				rows.Changed = append(rows.Changed, RowChange{Row: now.row(def, r, rows.Label), Cells: public})
			}
		}
	}
	for _, k := range before.keys {
		if _, ok := now.rows[k]; ok {
			continue
		}
		c.Removed++
		if rows != nil && len(rows.Removed) < limit {
			rows.Removed = append(rows.Removed, before.row(def, before.rows[k], rows.Label))
		}
	}
	for i, n := range cells {
		if n > 0 {
			c.Fields = append(c.Fields, FieldChange{Field: def.Fields[i].Name, Cells: n})
		}
	}
	if !c.None() {
		c.Rows = rows
	}
	return c, nil
}

// readTable reads a published CSV; it returns nil (and no error) when the
// header lacks a primary-key field.
func readTable(r io.Reader, primaryKey []string) (*table, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, err
	}
	t := &table{header: header, col: map[string]int{}, rows: map[string][]string{}}
	for i, h := range header {
		t.col[h] = i
	}
	keyCols := make([]int, len(primaryKey))
	for i, k := range primaryKey {
		j, ok := t.col[k]
		if !ok {
			return nil, nil
		}
		keyCols[i] = j
	}
	parts := make([]string, len(keyCols))
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil {
			return nil, err
		}
		for i, k := range keyCols {
			parts[i] = rec[k]
		}
		key := strings.Join(parts, "\x1f")
		if _, dup := t.rows[key]; dup {
			return nil, fmt.Errorf("duplicate primary key %q", strings.Join(parts, ", "))
		}
		t.keys = append(t.keys, key)
		t.rows[key] = rec
	}
}

// cell is a row's value of a field; false when the file has no such column.
func (t *table) cell(rec []string, field string) (string, bool) {
	i, ok := t.col[field]
	if !ok || i >= len(rec) {
		return "", false
	}
	return rec[i], true
}

// row names a record by its key and label fields.
func (t *table) row(def *dataset.Dataset, rec []string, label []string) Row {
	r := Row{Key: make([]string, len(def.PrimaryKey))}
	for i, k := range def.PrimaryKey {
		r.Key[i], _ = t.cell(rec, k)
	}
	var parts []string
	for _, l := range label {
		if v, _ := t.cell(rec, l); v != "" {
			parts = append(parts, v)
		}
	}
	r.Label = strings.Join(parts, " – ")
	return r
}

// Summary is a change in one line, Chinese then English.
func (c Change) Summary() dataset.Text {
	if c.First {
		return dataset.Text{Zh: "首个版本，" + itoa(c.RowsAfter) + " 行", En: "first release, " + itoa(c.RowsAfter) + " rows"}
	}
	if c.New {
		return dataset.Text{Zh: "新数据集，" + itoa(c.RowsAfter) + " 行", En: "new dataset, " + itoa(c.RowsAfter) + " rows"}
	}
	if c.None() {
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

// None reports whether nothing changed: no row added, removed or changed.
func (c Change) None() bool {
	return !c.New && c.Added == 0 && c.Removed == 0 && c.Changed == 0
}

func itoa(n int) string { return strconv.Itoa(n) }
