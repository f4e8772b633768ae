// Package attack is the release gate: an automated adversary that tries to
// recover protected values from a new open-data release together with every
// release still published, before the new one is published
// (docs/opendata.md, "The release gate").
//
// Disclosure control (package disclosure) protects each cell on its own.
// Leaks come from combinations: one release minus the previous one, a total
// minus its published parts, the same quantity at two granularities, a row
// of one population minus a row of another, the same cell averaged over
// many releases. The gate knows, for every published protected value, the
// confidential cell it was computed from (disclosure.Cell, carried beside
// the value by package tables and kept in a private snapshot per release),
// so for each combination an attacker can form it knows what the
// combination truly measures and how far from it the attacker's estimate
// can be expected to fall. A combination that measures a protected
// quantity — a count below k, children isolated from a table that should
// not hold them, or hours that could be one person's — and whose expected
// error is within the tolerance is a recovery, and a release with any
// recovery is not published.
//
// The expected error is the root-mean-square error over the cell-key draw
// (disclosure.Rules.ErrorMoments), not the error the current secret happens
// to give: a gate that passed a release because the noise was lucky this
// time would pass the next one that is not. Values published without the
// declared noise (a planted or accidental leak) count as exact.
package attack

import (
	"compress/gzip"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// Dir is the private folder of the releases root that holds the gate's
// snapshots and its last report. The open-data handler serves only the
// files a release's manifest lists, so nothing here is ever served.
const Dir = ".gate"

// Cell is one protected value of a release and the truth behind it.
type Cell struct {
	Dataset string
	// Key holds the row's primary-key values, in the dataset's PrimaryKey
	// order.
	Key   []string
	Field string
	// Suppressed cells were published as x; Published holds the others.
	Suppressed bool
	Published  int64
	// Keyed is whether the published value is what disclosure control
	// gives the truth (decided when the release was built, with its
	// secret): a value published otherwise is treated as exact.
	Keyed bool
	// PublicZero is set when public registers show the cell holds nobody
	// (dataset.Dataset.ZeroWithout), whatever it publishes.
	PublicZero bool
	Truth      disclosure.Cell

	name string // Name, once made (not stored)
	// value is the table value the cell was taken from, while the tables
	// are being built (not stored).
	value *dataset.Value
}

// Withhold publishes the cell as x in the table it was taken from: how
// the builder withholds a complement. It does nothing to a stored
// snapshot's cells.
func (c *Cell) Withhold() {
	c.Suppressed, c.Published = true, 0
	if c.value != nil {
		c.value.Kind, c.value.Int = dataset.KindSuppressed, 0
	}
}

// Name identifies the cell across releases: dataset[key].field.
func (c *Cell) Name() string {
	if c.name == "" {
		c.name = c.Dataset + "[" + strings.Join(c.Key, " ") + "]." + c.Field
	}
	return c.name
}

// Release is what the gate knows of one release.
type Release struct {
	Version string
	// District is the division code of the district published: rows
	// holding it in a town column are district-wide.
	District string
	K        int
	Cells    []Cell
}

// Snapshot collects every protected value of the tables with its truth.
// rules decide whether each value is the one disclosure control gives.
func Snapshot(version, district string, rules *disclosure.Rules, tables []*dataset.Table) *Release {
	r := &Release{Version: version, District: district, K: rules.K()}
	for _, t := range tables {
		d := t.Dataset
		if !d.PersonDerived {
			continue
		}
		keys := make([]int, len(d.PrimaryKey))
		for i, k := range d.PrimaryKey {
			keys[i] = d.FieldIndex(k)
		}
		zeroWithout := -1
		if d.ZeroWithout != "" {
			zeroWithout = d.FieldIndex(d.ZeroWithout)
		}
		for _, row := range t.Rows {
			publicZero := zeroWithout >= 0 && row[zeroWithout].Kind == dataset.KindInt && row[zeroWithout].Int == 0
			key := make([]string, len(keys))
			for i, k := range keys {
				key[i] = row[k].Text()
			}
			for i, f := range d.Fields {
				v := row[i]
				if !f.Protected || v.Truth == nil {
					continue
				}
				c := Cell{Dataset: d.ID, Key: key, Field: f.Name, Truth: *v.Truth, PublicZero: publicZero, value: &row[i]}
				want := rules.Protect(c.Truth)
				switch v.Kind {
				case dataset.KindSuppressed:
					c.Suppressed = true
					c.Keyed = true
				case dataset.KindInt:
					c.Published = v.Int
					c.Keyed = want.Status == disclosure.Published && want.Value == v.Int
				default:
					continue
				}
				r.Cells = append(r.Cells, c)
			}
		}
	}
	return r
}

func snapshotPath(root, version string) string {
	return filepath.Join(root, Dir, version+".cells.gob.gz")
}

// Save writes the snapshot into the releases root's private folder,
// readable by the server's user only.
func (r *Release) Save(root string) (err error) {
	if err := os.MkdirAll(filepath.Join(root, Dir), 0o700); err != nil {
		return err
	}
	path := snapshotPath(root, r.Version)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".snapshot-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	z := gzip.NewWriter(tmp)
	if err = gob.NewEncoder(z).Encode(r); err == nil {
		err = z.Close()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Stream is Load one snapshot at a time: the versions without a snapshot
// are known at once, and each snapshot is read when the gate reaches it.
func Stream(root string, versions []string) (Releases, []string, error) {
	var have, missing []string
	for _, v := range versions {
		_, err := os.Stat(snapshotPath(root, v))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, v)
		case err != nil:
			return nil, nil, fmt.Errorf("release gate: snapshot of %s: %w", v, err)
		default:
			have = append(have, v)
		}
	}
	return func(yield func(*Release) error) error {
		for _, v := range have {
			r, err := load(snapshotPath(root, v))
			if err != nil {
				return fmt.Errorf("release gate: snapshot of %s: %w", v, err)
			}
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	}, missing, nil
}

func load(path string) (*Release, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	var r Release
	if err := gob.NewDecoder(z).Decode(&r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ReportFile is the last report's name in the private folder. It holds
// the findings (cell names) for operators; pages show its aggregate.
const ReportFile = "report.json"

// SaveReport keeps r as the last report of the releases root.
func SaveReport(root string, r *Report) error {
	if err := os.MkdirAll(filepath.Join(root, Dir), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(root, Dir, "."+ReportFile)
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(root, Dir, ReportFile))
}

// LastReport reads the last report of the releases root, or nil when the
// gate has not run there.
func LastReport(root string) (*Report, error) {
	b, err := os.ReadFile(filepath.Join(root, Dir, ReportFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// RefusedError is the error of a build the gate refused: no release was
// written and the previous release stays current.
type RefusedError struct{ Report *Report }

func (e *RefusedError) Error() string {
	var b strings.Builder
	b.WriteString(e.Report.Summary())
	for i, f := range e.Report.Findings {
		if i == 20 {
			fmt.Fprintf(&b, "; … %d more in %s/%s", len(e.Report.Findings)-i, Dir, ReportFile)
			break
		}
		fmt.Fprintf(&b, "; %s: %s: %s (truth %.4g %s, estimate %.4g, expected error %.3g ≤ %.3g)",
			f.Attack, f.Why, strings.Join(f.Cells, " "), f.Truth, f.Unit, f.Estimate, f.RMSE, f.Tolerance)
	}
	return b.String()
}
