package attack

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/opendata/dataset"
)

// intervalFinding runs the gate on one release and returns the interval
// audit's finding for the named cell, if any.
func intervalFinding(t *testing.T, r *Release, name string) *Finding {
	t.Helper()
	rep := run(r)
	for i, f := range rep.Findings {
		if f.Attack == Intervals && strings.HasSuffix(f.Cells[0], ":"+name) {
			return &rep.Findings[i]
		}
	}
	return nil
}

// TestIntervalBounds pins each bound the audit sets: exact values, the
// ±4 of a published count and its floor at k, the x of 0 … k − 1, and the
// direction of a ≥ relation.
func TestIntervalBounds(t *testing.T) {
	exact := func(town string, n int64, k disclosure.Key) Cell {
		c := needCount("2023-07", town, dataset.Total, n, k, false)
		c.Suppressed, c.Published, c.Keyed = false, n, false
		return c
	}
	x := func(town string, n int64, k disclosure.Key) Cell {
		return needCount("2023-07", town, dataset.Total, n, k, false)
	}
	t.Run("an exact total minus exact parts pins the x", func(t *testing.T) {
		r := rel("v", exact(district, 23, 9), exact("330411001", 11, 1), exact("330411002", 9, 2), x("330411003", 3, 3))
		f := intervalFinding(t, r, "needs-monthly[2023-07 330411003 ALL].needs_opened")
		if f == nil || f.Truth != 3 || f.Estimate != 3 || f.RMSE != 0 {
			t.Errorf("finding %+v", f)
		}
	})
	t.Run("a perturbed total leaves the x open", func(t *testing.T) {
		total := needCount("2023-07", district, dataset.Total, 23, 9, false) // published 20 or 25: 16 … 29
		r := rel("v", total, exact("330411001", 11, 1), exact("330411002", 9, 2), x("330411003", 3, 3))
		if f := intervalFinding(t, r, "needs-monthly[2023-07 330411003 ALL].needs_opened"); f != nil {
			t.Errorf("finding %+v", f)
		}
	})
	t.Run("a range that holds 0 proves nobody", func(t *testing.T) {
		r := rel("v", exact(district, 20, 9), exact("330411001", 11, 1), exact("330411002", 9, 2), x("330411003", 0, 0))
		if f := intervalFinding(t, r, "needs-monthly[2023-07 330411003 ALL].needs_opened"); f != nil {
			t.Errorf("finding %+v", f)
		}
	})
	t.Run("a total above its parts bounds them only from above", func(t *testing.T) {
		// The district counts 5 district-level needs besides its towns:
		// total ≥ Σ parts, so the x is 0 … 3, not 3.
		r := rel("v", exact(district, 28, 9), exact("330411001", 11, 1), exact("330411002", 9, 2), x("330411003", 3, 3))
		if f := intervalFinding(t, r, "needs-monthly[2023-07 330411003 ALL].needs_opened"); f != nil {
			t.Errorf("finding %+v", f)
		}
	})
	t.Run("a published count at the floor stands for k … k + 4", func(t *testing.T) {
		// Parts published 10 (10 … 14 each) under an exact total of 24:
		// the x is 24 − (20 … 28) = at most 4, with 0 possible.
		p1 := needCount("2023-07", "330411001", dataset.Total, 10, 1, false)
		p2 := needCount("2023-07", "330411002", dataset.Total, 10, 2, false)
		if p1.Published != 10 || p2.Published != 10 {
			t.Fatalf("published %d, %d", p1.Published, p2.Published)
		}
		r := rel("v", exact(district, 24, 9), p1, p2, x("330411003", 4, 3))
		if f := intervalFinding(t, r, "needs-monthly[2023-07 330411003 ALL].needs_opened"); f != nil {
			t.Errorf("finding %+v", f)
		}
	})
}

// TestProtectedCounts: a difference of k − 1 is a target, one of k is not.
func TestProtectedCounts(t *testing.T) {
	for _, tc := range []struct {
		diff int64
		want int
	}{{9, 1}, {10, 0}, {1, 1}} {
		old := people(dataset.VolunteersByTown, vbt, "active_volunteers", 23, 1, true)
		cur := people(dataset.VolunteersByTown, vbt, "active_volunteers", 23+tc.diff, 2, true)
		r := run(rel("b", cur), rel("a", old))
		if got := recovered(r, Differencing); got != tc.want {
			t.Errorf("difference of %d: %d recovered, want %d", tc.diff, got, tc.want)
		}
	}
}

// TestReportFigures: what a report says of a recovery and of the closest
// approach, and what its published aggregate leaves out.
func TestReportFigures(t *testing.T) {
	old := people(dataset.VolunteersByTown, vbt, "active_volunteers", 23, 1, true)
	cur := people(dataset.VolunteersByTown, vbt, "active_volunteers", 24, 2, true)
	r := run(rel("b", cur), rel("a", old))
	if r.Passed || r.Releases != 2 || r.Cells != 1 || len(r.Findings) != 1 {
		t.Fatalf("report %+v", r)
	}
	f := r.Findings[0]
	if f.Truth != 1 || f.Estimate != 1 || f.RMSE != 0 || f.Tolerance != 1 || f.Unit != "people" ||
		strings.Join(f.Cells, " ") != "+b:"+cur.Name()+" −a:"+old.Name() {
		t.Errorf("finding %+v", f)
	}
	if r.Closest[0].Unit != "people" || r.Closest[0].Error != 0 || r.Closest[0].Targets != 1 {
		t.Errorf("closest %+v", r.Closest)
	}
	a := r.Aggregate()
	if a.Findings != nil || a.Closest[0].Targets != 0 || a.Attacks[0].Targets != 0 || a.Attacks[0].Estimates != 0 || r.Attacks[0].Targets != 1 || r.Attacks[0].Estimates != 1 {
		t.Errorf("aggregate %+v (report %+v)", a, r)
	}
	if !strings.Contains(r.Summary(), "REFUSED: 1 protected values recovered over 2 releases") {
		t.Errorf("summary %q", r.Summary())
	}
	msg := (&RefusedError{Report: r}).Error()
	if !strings.Contains(msg, "release-differencing: a count of 1, below k = 10: +b:") || !strings.Contains(msg, "expected error 0 ≤ 1") {
		t.Errorf("refusal %q", msg)
	}
	// Hours: the closest approach is a share of the true value.
	h := hours(dataset.VolunteerHoursMonthly, []string{"2026-06", district, "ALL"}, "verified_hours", disclosure.Sum{People: 30, Minutes: 30 * 120, Top: 120}, false, false)
	h2 := hours(dataset.VolunteerHoursMonthly, []string{"2026-06", district, "ALL"}, "verified_hours", disclosure.Sum{People: 31, Minutes: 30*120 + 600, Top: 600, Key: 9}, false, false)
	rh := run(rel("b", h2), rel("a", h))
	if c := rh.Closest[1]; c.Unit != "hours-share" || c.Error < 0.12 || c.Error > 1 || c.Threshold != 0.1 {
		t.Errorf("hours closest %+v", c)
	}
}

// TestSnapshotRoundTrip: a snapshot keeps what the gate needs, marks values
// published otherwise than the rules give, and comes back from disk; a
// missing one is reported, not an error.
func TestSnapshotRoundTrip(t *testing.T) {
	c := disclosure.CountCell(disclosure.MeasurePeople, disclosure.Count{N: 23, Key: 5}, false)
	want := testRules.Protect(c)
	d := dataset.ByID(dataset.VolunteersByTown)
	row := func(v dataset.Value) dataset.Row {
		return dataset.Row{dataset.Str(district), dataset.Str("秀洲区"), dataset.Str("ALL"), dataset.Str("ALL"), v, v}
	}
	good := dataset.Int(want.Value)
	good.Truth = &c
	bad := dataset.Int(23)
	bad.Truth = &c
	tb := &dataset.Table{Dataset: d, Rows: []dataset.Row{row(good)}}
	s := Snapshot("2026-10-31", district, testRules, []*dataset.Table{tb})
	if len(s.Cells) != 2 || !s.Cells[0].Keyed || s.Cells[0].Published != want.Value || s.Cells[0].Name() != "volunteers-by-town[330411 ALL ALL].registered_volunteers" {
		t.Fatalf("snapshot %+v", s.Cells)
	}
	if s2 := Snapshot("v", district, testRules, []*dataset.Table{{Dataset: d, Rows: []dataset.Row{row(bad)}}}); s2.Cells[0].Keyed {
		t.Error("a value published without its noise is marked keyed")
	}
	dir := t.TempDir()
	if err := s.Save(dir); err != nil {
		t.Fatal(err)
	}
	prev, missing, err := Stream(dir, []string{"2026-10-30", "2026-10-31"})
	if err != nil || len(missing) != 1 || missing[0] != "2026-10-30" {
		t.Fatalf("stream: %v, missing %v", err, missing)
	}
	var got []*Release
	if err := prev(func(r *Release) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Version != "2026-10-31" || got[0].K != 10 || len(got[0].Cells) != 2 || got[0].Cells[0].Truth != c {
		t.Errorf("loaded %+v", got)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, Dir, "*")); len(matches) != 1 {
		t.Errorf("private folder holds %v", matches)
	}
	if math.IsNaN(got[0].Cells[0].Truth.Value()) {
		t.Error("NaN truth")
	}
}

// TestComplements: where the published values pin a withheld count, the
// builder withholds the smallest published count beside it, and the audit
// then confines nothing.
func TestComplements(t *testing.T) {
	exact := func(town string, n int64, k disclosure.Key) Cell {
		c := needCount("2023-07", town, dataset.Total, n, k, false)
		c.Suppressed, c.Published, c.Keyed = false, n, false
		return c
	}
	r := rel("v", exact(district, 23, 9), exact("330411001", 11, 1), exact("330411002", 9, 2),
		needCount("2023-07", "330411003", dataset.Total, 3, 3, false))
	if len(Pinned(testRules, DefaultTolerance, r)) != 1 {
		t.Fatal("the withheld count is not pinned to begin with")
	}
	if n := Complements(testRules, DefaultTolerance, r); n != 1 {
		t.Errorf("%d complements", n)
	}
	if !r.Cells[2].Suppressed || r.Cells[1].Suppressed || r.Cells[0].Suppressed {
		t.Errorf("withheld: %v %v %v, want the smallest part (9) only", r.Cells[0].Suppressed, r.Cells[1].Suppressed, r.Cells[2].Suppressed)
	}
	if p := Pinned(testRules, DefaultTolerance, r); len(p) != 0 {
		t.Errorf("still pinned: %v", p[0].Name())
	}
}

// TestPublicZeros: the second reader's attack. The district shows 25 (21 …
// 29), one town 10 (10 … 14); of the two withheld towns the activity
// register shows one had no activity, so the other holds 21 − 14 … 9: 7 … 9.
func TestPublicZeros(t *testing.T) {
	row := func(town string) []string { return []string{"2022-03", town, "childcare"} }
	cell := func(town string, n int64, k disclosure.Key, publicZero bool) Cell {
		c := people(dataset.VolunteerHoursMonthly, row(town), "volunteers", n, k, false)
		c.PublicZero = publicZero
		if n == 0 {
			c.Suppressed, c.Published = true, 0 // empty cells show x
		}
		return c
	}
	// keyFor finds a cell key whose noise publishes n as want.
	keyFor := func(n, want int64) disclosure.Key {
		for k := disclosure.Key(1); k < 10000; k++ {
			if cell(district, n, k, false).Published == want {
				return k
			}
		}
		t.Fatalf("no key publishes %d as %d", n, want)
		return 0
	}
	// The district is its towns: 14 + 8 + 0 = 22, published as 25.
	dk, ak := keyFor(22, 25), keyFor(14, 10)
	build := func(known bool) *Release {
		return rel("v", cell(district, 22, dk, false), cell("330411101", 14, ak, false),
			cell("330411102", 8, dk-ak, false), cell("330411103", 0, 0, known))
	}
	if p := Pinned(testRules, DefaultTolerance, build(false)); len(p) != 0 {
		t.Errorf("pinned without the register: %s", p[0].Name())
	}
	p := Pinned(testRules, DefaultTolerance, build(true))
	if len(p) != 1 || p[0].Key[1] != "330411102" {
		t.Fatalf("pinned with the register: %v", p)
	}
	r := build(true)
	n := Complements(testRules, DefaultTolerance, r)
	if left := Pinned(testRules, DefaultTolerance, r); n != 1 || len(left) != 0 || !r.Cells[1].Suppressed {
		t.Errorf("%d complements, %d cells still pinned, the town of 10 withheld: %v", n, len(left), r.Cells[1].Suppressed)
	}
}
