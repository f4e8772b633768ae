package attack

import (
	"slices"
	"testing"
	"time"

	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/opendata/dataset"
)

const district = "330411"

var testRules = func() *disclosure.Rules {
	r, err := disclosure.New(10, []byte("gate-test-secret-of-32-bytes-ok!"))
	if err != nil {
		panic(err)
	}
	return r
}()

// people is a published count of n adults keyed by key; exact publishes n
// itself instead of what disclosure control gives.
func people(id string, key []string, field string, n int64, k disclosure.Key, exact bool) Cell {
	truth := disclosure.CountCell(disclosure.MeasurePeople, disclosure.Count{N: n, Key: k}, false)
	return publish(Cell{Dataset: id, Key: key, Field: field, Truth: truth}, exact)
}

// hours is a published hours cell of adults (or children).
func hours(id string, key []string, field string, s disclosure.Sum, children, exact bool) Cell {
	return publish(Cell{Dataset: id, Key: key, Field: field, Truth: disclosure.HoursCell(s, children)}, exact)
}

func publish(c Cell, exact bool) Cell {
	r := testRules.Protect(c.Truth)
	switch {
	case exact:
		c.Published = int64(c.Truth.Value() + 0.5)
		c.Keyed = r.Status == disclosure.Published && r.Value == c.Published
	case r.Status == disclosure.Suppressed:
		c.Suppressed, c.Keyed = true, true
	default:
		c.Published, c.Keyed = r.Value, true
	}
	return c
}

func rel(version string, cells ...Cell) *Release {
	return &Release{Version: version, District: district, K: 10, Cells: cells}
}

func run(cur *Release, prev ...*Release) *Report {
	return Run(testRules, DefaultTolerance, cur, prev, nil, time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC))
}

func recovered(r *Report, attack string) int {
	for _, a := range r.Attacks {
		if a.Name == attack {
			return a.Recovered
		}
	}
	return -1
}

var vbt = []string{district, dataset.Total, dataset.Total} // volunteers-by-town's district total row

// TestDifferencing: one volunteer more between two releases is read off
// exactly when the count is published without noise, and not when it is
// perturbed and rounded — even when the rounding happens to give the true
// difference.
func TestDifferencing(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new Cell
		want     int
	}{
		{"exact counts", people(dataset.VolunteersByTown, vbt, "active_volunteers", 23, 1, true),
			people(dataset.VolunteersByTown, vbt, "active_volunteers", 24, 2, true), 1},
		{"perturbed counts", people(dataset.VolunteersByTown, vbt, "active_volunteers", 23, 1, false),
			people(dataset.VolunteersByTown, vbt, "active_volunteers", 24, 2, false), 0},
		{"perturbed multiples of 5 (published exactly, but nobody can tell)", people(dataset.VolunteersByTown, vbt, "active_volunteers", 20, 1, false),
			people(dataset.VolunteersByTown, vbt, "active_volunteers", 25, 2, false), 0},
		{"a change of k or more is no target", people(dataset.VolunteersByTown, vbt, "active_volunteers", 23, 1, true),
			people(dataset.VolunteersByTown, vbt, "active_volunteers", 43, 2, true), 0},
		{"one person's 10 h without noise", hours(dataset.VolunteerHoursMonthly, []string{"2026-06", district, "ALL"}, "verified_hours", disclosure.Sum{People: 30, Minutes: 30 * 120, Top: 120}, false, true),
			hours(dataset.VolunteerHoursMonthly, []string{"2026-06", district, "ALL"}, "verified_hours", disclosure.Sum{People: 31, Minutes: 30*120 + 600, Top: 600, Key: 9}, false, true), 1},
		{"one person's 10 h with noise", hours(dataset.VolunteerHoursMonthly, []string{"2026-06", district, "ALL"}, "verified_hours", disclosure.Sum{People: 30, Minutes: 30 * 120, Top: 120}, false, false),
			hours(dataset.VolunteerHoursMonthly, []string{"2026-06", district, "ALL"}, "verified_hours", disclosure.Sum{People: 31, Minutes: 30*120 + 600, Top: 600, Key: 9}, false, false), 0},
		{"many people's hours are no target", hours(dataset.VolunteerHoursMonthly, []string{"2026-06", district, "ALL"}, "verified_hours", disclosure.Sum{People: 30, Minutes: 30 * 120, Top: 120}, false, true),
			hours(dataset.VolunteerHoursMonthly, []string{"2026-06", district, "ALL"}, "verified_hours", disclosure.Sum{People: 60, Minutes: 60 * 120, Top: 120, Key: 9}, false, true), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(rel("2026-10-31.2", tc.new), rel("2026-10-31", tc.old))
			if got := recovered(r, Differencing); got != tc.want {
				t.Errorf("recovered %d, want %d: %+v", got, tc.want, r.Findings)
			}
			if r.Passed != (tc.want == 0) {
				t.Errorf("passed %v with %d recoveries", r.Passed, tc.want)
			}
		})
	}
}

// TestTotalsMinusParts: the total minus the published towns leaves the
// withheld town; exact values give it away, perturbed ones do not; the
// same records in total and part cancel, noise and all.
func TestTotalsMinusParts(t *testing.T) {
	row := func(town string) []string { return []string{town, dataset.Total, dataset.Total} }
	for _, tc := range []struct {
		name  string
		exact bool
		want  int
	}{{"exact", true, 1}, {"perturbed", false, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(rel("2026-10-31",
				people(dataset.VolunteersByTown, row(district), "active_volunteers", 27, 1+2+3, tc.exact),
				people(dataset.VolunteersByTown, row("330411101"), "active_volunteers", 23, 1, tc.exact),
				people(dataset.VolunteersByTown, row("330411102"), "active_volunteers", 4, 2, tc.exact)))
			if got := recovered(r, TotalsParts); got != tc.want {
				t.Errorf("recovered %d, want %d: %+v", got, tc.want, r.Findings)
			}
		})
	}
	t.Run("the same records cancel", func(t *testing.T) {
		g := &gate{rules: testRules}
		a := people(dataset.VolunteersByTown, row(district), "active_volunteers", 27, 7, false)
		b := people(dataset.VolunteersByTown, row("330411101"), "active_volunteers", 27, 7, false)
		if e := g.rmse([]term{{nil, &a, 1}, {nil, &b, -1}}); e != 0 {
			t.Errorf("rmse of a cell minus itself %v", e)
		}
		c := people(dataset.VolunteersByTown, row("330411101"), "active_volunteers", 26, 8, false)
		if e := g.rmse([]term{{nil, &a, 1}, {nil, &c, -1}}); e < 1 {
			t.Errorf("rmse of two perturbed counts %v", e)
		}
	})
}

// TestPopulation: children anywhere but the children's table, or in it
// below the district, are refused; two cells with the same adults and
// different children isolate the children.
func TestPopulation(t *testing.T) {
	kids := disclosure.Sum{People: 8, Minutes: 8 * 1200, Top: 1200, Key: 50}
	adults := disclosure.Sum{People: 24, Minutes: 24 * 120, Top: 120, Key: 60}
	mixed := hours(dataset.VolunteerHoursMonthly, []string{"2026-06", district, "ALL"}, "verified_hours", adults, false, false)
	mixed.Truth.Children = disclosure.HoursCell(kids, true).Children
	mixed = publish(mixed, false)
	pure := hours(dataset.VolunteerHoursMonthly, []string{"2026-06", "330411101", "ALL"}, "verified_hours", adults, false, false)
	r := run(rel("2026-10-31", mixed, pure))
	if recovered(r, Population) < 2 {
		t.Errorf("population findings %+v", r.Findings)
	}
	var why []string
	for _, f := range r.Findings {
		why = append(why, f.Why)
	}
	if !slices.Contains(why, "children counted in a table of adults") || !slices.Contains(why, "isolates children from a table that counts adults") {
		t.Errorf("reasons %q", why)
	}
	// The children's own table, district-wide, is where they belong.
	own := hours(dataset.ChildrenSummary, []string{"2026"}, "verified_hours", kids, true, false)
	if r := run(rel("2026-10-31", own)); !r.Passed {
		t.Errorf("children-summary refused: %+v", r.Findings)
	}
}

// TestAveraging: a cell whose records did not change must publish the
// same value in every release; averaging estimates of an unchanged
// quantity over releases with fresh noise narrows them.
func TestAveraging(t *testing.T) {
	c := people(dataset.VolunteersByTown, vbt, "active_volunteers", 23, 1, false)
	moved := c
	moved.Published += 5
	if r := run(rel("b", c), rel("a", c)); !r.Passed {
		t.Errorf("an unchanged cell published the same value refused: %+v", r.Findings)
	}
	if r := run(rel("b", moved), rel("a", c)); recovered(r, Averaging) != 1 {
		t.Errorf("an unchanged cell publishing two values: %+v", r.Findings)
	}
	// Town 2 (withheld, 4 people … 1 person's 10 h here) is the district
	// minus town 1; town 1's other volunteers change between releases, so
	// each release's noise is new, and the mean of many differences closes
	// in on town 2.
	row := func(town string) []string { return []string{"2026-06", town, dataset.Total} }
	var releases []*Release
	for i := range 40 {
		add := int64(i * 60)
		key := disclosure.Key(100 + i)
		releases = append(releases, rel(string(rune('a'+i)),
			hours(dataset.VolunteerHoursMonthly, row(district), "verified_hours", disclosure.Sum{People: 31, Minutes: 30*120 + add + 600, Top: 600, Key: key + 7}, false, false),
			hours(dataset.VolunteerHoursMonthly, row("330411101"), "verified_hours", disclosure.Sum{People: 30, Minutes: 30*120 + add, Top: 180, Key: key}, false, false),
			hours(dataset.VolunteerHoursMonthly, row("330411102"), "verified_hours", disclosure.Sum{People: 1, Minutes: 600, Top: 600, Key: 7}, false, false)))
	}
	one := run(releases[0])
	all := run(releases[len(releases)-1], releases[:len(releases)-1]...)
	if recovered(one, TotalsParts) != 0 {
		t.Errorf("one release: %+v", one.Findings)
	}
	if recovered(all, Averaging) == 0 {
		t.Errorf("forty releases averaged: nothing recovered (%s)", all.Summary())
	}
}

// needCount is a needs-monthly cell of n needs; zero publishes 0 when
// zeroShown (the old way), x otherwise.
func needCount(month, town, domain string, n int64, key disclosure.Key, zeroShown bool) Cell {
	c := Cell{Dataset: dataset.NeedsMonthly, Key: []string{month, town, domain}, Field: "needs_opened",
		Truth: disclosure.CountCell(disclosure.MeasureNeeds, disclosure.Count{N: n, Key: key}, false)}
	c = publish(c, false)
	if n == 0 && !zeroShown {
		c.Suppressed, c.Published = true, 0
	}
	return c
}

// TestIntervalAudit is the attack a reader found by hand on the demo
// release: where empty cells show 0, an x means at least 1, and a district
// x (at most 9) over nine x parts pins every part to exactly 1. Shown as
// x, empty cells leave each part anywhere in 0 … 9.
func TestIntervalAudit(t *testing.T) {
	towns := []string{"330411001", "330411002", "330411003", "330411004", "330411005", "330411006", "330411007", "330411008", "330411009"}
	build := func(zeroShown bool) *Release {
		var cells []Cell
		k := disclosure.Key(1)
		cells = append(cells, needCount("2023-07", district, dataset.Total, 9, 99, zeroShown),
			needCount("2023-07", district, "elderly-care", 9, 99, zeroShown))
		for _, town := range towns {
			k++
			cells = append(cells, needCount("2023-07", town, dataset.Total, 1, k, zeroShown),
				needCount("2023-07", town, "elderly-care", 1, k, zeroShown),
				needCount("2023-07", town, "youth", 0, 0, zeroShown))
		}
		// A month with a published need somewhere shows what 0 looks like.
		cells = append(cells, needCount("2023-08", district, dataset.Total, 0, 0, zeroShown))
		return rel("2026-10-31", cells...)
	}
	shown := run(build(true))
	if got := recovered(shown, Intervals); got < len(towns) {
		t.Errorf("zeros shown as 0: %d cells pinned, want at least %d: %s", got, len(towns), shown.Summary())
	}
	for _, f := range shown.Findings {
		if f.Attack == Intervals && (f.Truth != 1 && f.Truth != 9) {
			t.Errorf("finding %+v", f)
		}
	}
	if hidden := run(build(false)); recovered(hidden, Intervals) != 0 {
		t.Errorf("zeros shown as x: %+v", hidden.Findings)
	}
}
