package release

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/release/diff"
)

// registers are the public registers whose summaries list the changed rows
// themselves, with the fields that label a row. Every other dataset —
// everything derived from people, needs or cases — gets counts only. A
// register's protected columns (the projects' volunteers and hours) are
// counted but never listed (package diff).
var registers = map[string][]string{
	dataset.Organizations:      {"name"},
	dataset.Projects:           {"name"},
	dataset.PartyBuildingLinks: {"party_organization", "partner"},
	dataset.PartyCoverage:      {"town_name"},
	dataset.ServicePoints:      {"name"},
	dataset.CompetitionAwards:  {"title", "round_name"},
}

// ListsRows reports whether the change summaries of a dataset list the
// changed rows (the public registers) rather than counts only.
func ListsRows(id string) bool {
	_, ok := registers[id]
	return ok
}

// diffReleases compares every dataset's CSV in the new release, written to
// dir and described by m, with the same dataset's CSV in the previous
// release. It reads the two releases' published files and nothing else
// (package diff): a summary never sees an unprotected value.
func diffReleases(root string, prev *Manifest, dir string, m *Manifest) ([]Change, error) {
	out := make([]Change, 0, len(m.Datasets))
	for _, d := range m.Datasets {
		def := dataset.ByID(d.ID)
		f, ok := d.File("csv")
		if def == nil || !ok {
			continue
		}
		var oldPath string
		if prev != nil {
			if pd, ok := prev.Dataset(d.ID); ok {
				if pf, ok := pd.File("csv"); ok {
					oldPath = filepath.Join(root, prev.Version, filepath.FromSlash(pf.Path))
				}
			}
		}
		label, list := registers[d.ID]
		c, err := compareFiles(def, oldPath, filepath.Join(dir, filepath.FromSlash(f.Path)), diff.Options{ListRows: list, Label: label})
		if err != nil {
			return nil, err
		}
		c.First = prev == nil
		out = append(out, c)
	}
	return out, nil
}

// compareFiles opens the two published CSV files (no previous one when
// oldPath is empty) and compares them.
func compareFiles(def *dataset.Dataset, oldPath, newPath string, opt diff.Options) (Change, error) {
	cur, err := os.Open(newPath)
	if err != nil {
		return Change{}, err
	}
	defer cur.Close()
	var old io.Reader
	if oldPath != "" {
		f, err := os.Open(oldPath)
		if err != nil {
			return Change{}, err
		}
		defer f.Close()
		old = f
	}
	return diff.Compare(def, old, cur, opt)
}

// DatasetChanges is what changed in one dataset in one release, against the
// release before it: counts for every dataset, and for the public
// registers the rows themselves (Change.Rows). Text gives it as short
// bilingual plain text, e.g. for a feed entry.
type DatasetChanges struct {
	Change
	// Title is the dataset's title (its id when it is no longer defined).
	Title dataset.Text `json:"title"`
	// Version is the release; Previous the release compared with, empty in
	// the first release.
	Version       string `json:"version"`
	ReferenceDate string `json:"referenceDate"`
	Previous      string `json:"previous,omitempty"`
}

// Summary returns what changed in one dataset in release m. It reads the
// manifest only: the summary was computed once, when the release was
// built. False when the release does not hold the dataset.
func Summary(m *Manifest, datasetID string) (DatasetChanges, bool) {
	if m == nil {
		return DatasetChanges{}, false
	}
	if _, ok := m.Dataset(datasetID); !ok {
		return DatasetChanges{}, false
	}
	d := DatasetChanges{Version: m.Version, ReferenceDate: m.ReferenceDate, Previous: m.Previous,
		Title: dataset.Text{Zh: datasetID, En: datasetID}}
	if def := dataset.ByID(datasetID); def != nil {
		d.Title = def.Title
	}
	found := false
	for _, c := range m.Changes {
		if c.Dataset == datasetID {
			d.Change, found = c, true
			break
		}
	}
	if !found {
		// A release without a changelog entry for the dataset: say only
		// how many rows it has.
		info, _ := m.Dataset(datasetID)
		d.Change = Change{Dataset: datasetID, New: true, RowsAfter: info.Rows}
	}
	if m.Previous == "" {
		d.First, d.New, d.Added = true, true, d.RowsAfter
	}
	return d, true
}

// Summaries returns the summary of every dataset of release m, in the
// manifest's order.
func Summaries(m *Manifest) []DatasetChanges {
	var out []DatasetChanges
	for _, ds := range m.Datasets {
		if d, ok := Summary(m, ds.ID); ok {
			out = append(out, d)
		}
	}
	return out
}

// textRows is how many rows of each kind Text names.
const textRows = 5

// Text is the summary as short plain text, Chinese and English: a line of
// counts, then for a register up to five rows added, removed and changed
// (with old → new values). Values are the published ones; a register's
// protected fields and every row of other datasets are left out.
func (d DatasetChanges) Text() dataset.Text {
	s := d.Summary()
	zh := d.Title.Zh + " " + d.Version
	en := d.Title.En + " " + d.Version
	if d.Previous != "" {
		zh += "（对比 " + d.Previous + "）"
		en += " (against " + d.Previous + ")"
	}
	zh += "：" + s.Zh + "。"
	en += ": " + s.En + "."
	if r := d.Rows; r != nil && !d.New {
		lines := func(total int, rows []diff.Row, cells [][]diff.Cell, zhHead, enHead string) {
			if total == 0 {
				return
			}
			var zp, ep []string
			for i, row := range rows[:min(textRows, len(rows))] {
				name := rowName(row)
				var cz, ce []string
				if cells != nil {
					for _, c := range cells[i] {
						cz = append(cz, c.Field+" "+shown(c.Old, true)+" → "+shown(c.New, true))
						ce = append(ce, c.Field+" "+shown(c.Old, false)+" → "+shown(c.New, false))
					}
				}
				if len(cz) > 0 {
					zp = append(zp, name+"："+strings.Join(cz, "，"))
					ep = append(ep, name+": "+strings.Join(ce, ", "))
				} else {
					zp, ep = append(zp, name), append(ep, name)
				}
			}
			zl, el := "\n"+zhHead+"："+strings.Join(zp, "；"), "\n"+enHead+": "+strings.Join(ep, "; ")
			if more := total - len(zp); more > 0 {
				zl += "；另 " + strconv.Itoa(more) + " 行"
				el += "; " + strconv.Itoa(more) + " more"
			}
			zh, en = zh+zl, en+el
		}
		lines(d.Added, r.Added, nil, "新增", "Added")
		lines(d.Removed, r.Removed, nil, "删除", "Removed")
		changed := make([]diff.Row, len(r.Changed))
		cells := make([][]diff.Cell, len(r.Changed))
		for i, c := range r.Changed {
			changed[i], cells[i] = c.Row, c.Cells
		}
		lines(r.ChangedPublic, changed, cells, "修改", "Changed")
	}
	return dataset.Text{Zh: zh, En: en}
}

// String is Text, Chinese then English, separated by a blank line.
func (d DatasetChanges) String() string {
	t := d.Text()
	return t.Zh + "\n\n" + t.En
}

// rowName is a listed row's label with its key in brackets.
func rowName(r diff.Row) string {
	key := strings.Join(r.Key, ", ")
	if r.Label == "" {
		return key
	}
	return r.Label + " [" + key + "]"
}

// shown quotes a published value for Text; "" is no value.
func shown(v string, zh bool) string {
	switch {
	case v == "" && zh:
		return "（空）"
	case v == "":
		return "(empty)"
	case zh:
		return "“" + v + "”"
	}
	return strconv.Quote(v)
}
