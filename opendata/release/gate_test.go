package release_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/opendata/attack"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/release"
	"github.com/tongxing/tongxing/opendata/tables"
)

// gateNow is the reference time of the gate's builds: the population
// fixture's records are in June and July 2026.
var gateNow = time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)

// cellOf finds the value of field in the row of table id whose primary key
// is key.
func cellOf(t *testing.T, res *tables.Result, id string, key []string, field string) *dataset.Value {
	t.Helper()
	tb := res.Table(id)
	d := tb.Dataset
	for _, r := range tb.Rows {
		match := true
		for i, k := range d.PrimaryKey {
			match = match && r[d.FieldIndex(k)].Text() == key[i]
		}
		if match {
			return &r[d.FieldIndex(field)]
		}
	}
	t.Fatalf("no row %v in %s", key, id)
	return nil
}

// republish sets a value's truth and publishes it as disclosure control
// would: what a builder that put these records in this cell would write.
func republish(rules *disclosure.Rules, v *dataset.Value, truth disclosure.Cell) {
	v.Truth = &truth
	switch r := rules.Protect(truth); r.Status {
	case disclosure.Suppressed:
		v.Kind = dataset.KindSuppressed
	default:
		v.Kind, v.Int = dataset.KindInt, r.Value
	}
}

// withChildren adds the children of children-summary's 2026 row (all of
// them served in June) to the June all-domain cells of
// volunteer-hours-monthly at the given divisions.
func withChildren(t *testing.T, rules *disclosure.Rules, divisions ...string) func(*tables.Result) {
	return func(res *tables.Result) {
		for _, f := range [][2]string{{"active_volunteers", "volunteers"}, {"verified_hours", "verified_hours"}} {
			child := cellOf(t, res, dataset.ChildrenSummary, []string{"2026"}, f[0]).Truth.Children
			for _, div := range divisions {
				v := cellOf(t, res, dataset.VolunteerHoursMonthly, []string{"2026-06", div, dataset.Total}, f[1])
				truth := *v.Truth
				truth.Children = child
				republish(rules, v, truth)
			}
		}
	}
}

// gateFixture is the population fixture with its protected groups:
// six children and two volunteers of unknown age serving 20 h each, four
// child-related needs and three children's cases of each kind.
func gateFixture(t *testing.T, db *database.DB) *fixture.Population {
	f := fixture.NewPopulation(t, db)
	f.AddProtected(t, 6, 2, 4)
	f.AddChildCases(t, 3)
	return f
}

func refused(t *testing.T, err error) *attack.Report {
	t.Helper()
	var r *attack.RefusedError
	if !errors.As(err, &r) {
		t.Fatalf("build not refused by the gate: %v", err)
	}
	return r.Report
}

// attacksFound lists the attacks of a report's findings.
func attacksFound(r *attack.Report) []string {
	var out []string
	for _, f := range r.Findings {
		if !slices.Contains(out, f.Attack) {
			out = append(out, f.Attack)
		}
	}
	return out
}

// TestGate plants each kind of leak in a build and shows the gate refuses
// it — no release written, the previous one still the latest, the report
// naming the cells — while the clean builds of the same data pass.
func TestGate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := gateFixture(t, db)
		rules, err := disclosure.New(fixture.K, fixture.Secret)
		if err != nil {
			t.Fatal(err)
		}
		district, town1 := "330411", f.Towns[0].Code
		dir := t.TempDir()
		opt := release.Options{Dir: dir, Rules: rules, Schedule: 24 * time.Hour, SigningKey: fixture.SigningKey}
		buildAt := func(at time.Time) (*release.Release, error) {
			return release.Build(context.Background(), f.C, opt, at)
		}
		defer release.Plant(nil)

		first, err := buildAt(gateNow)
		if err != nil {
			t.Fatalf("clean build refused: %v", err)
		}
		g := first.Manifest.Gate
		if g == nil || !g.Passed || g.Releases != 1 || g.Cells == 0 || len(g.Findings) != 0 || len(g.Attacks) != len(attack.Attacks) {
			t.Fatalf("first release's gate report %+v", g)
		}
		t.Logf("first release: %s", g.Summary())

		// Each planted build is refused and leaves the first release current.
		stillCurrent := func(t *testing.T) {
			t.Helper()
			if m, err := release.Latest(dir); err != nil || m.Version != first.Manifest.Version {
				t.Errorf("latest release after a refusal: %v, %v", m, err)
			}
			last, err := attack.LastReport(dir)
			if err != nil || last == nil || last.Passed || len(last.Findings) == 0 {
				t.Errorf("last report after a refusal: %+v, %v", last, err)
			}
		}
		// A second build needs a change: an adult of town 2 who served in
		// June, which leaves town 1's cells as they were.
		addRecord := func(t *testing.T, minutes int) {
			f.Volunteer(t, 1, ptr(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)), false, minutes)
		}

		t.Run("a table built without the population rule", func(t *testing.T) {
			release.Plant(withChildren(t, rules, district, town1))
			_, err := buildAt(gateNow)
			rep := refused(t, err)
			found := attacksFound(rep)
			// The children are isolated by an attack, not only seen where
			// they should not be: the year's adults minus the months.
			if !slices.Contains(found, attack.CrossTable) || !slices.Contains(found, attack.Population) {
				t.Errorf("findings %v: want the cross-table isolation and the placement", found)
			}
			stillCurrent(t)
			for _, fd := range rep.Findings {
				if fd.Attack == attack.CrossTable && fd.Unit == "hours" && math.Abs(math.Abs(fd.Truth)-8*20) > 0.5 {
					t.Errorf("cross-table finding measures %v h, want the protected groups' 160 h: %+v", fd.Truth, fd)
				}
			}
		})

		t.Run("a child row published below the district", func(t *testing.T) {
			release.Plant(withChildren(t, rules, town1))
			rep := refused(t, func() error { _, err := buildAt(gateNow); return err }())
			found := attacksFound(rep)
			if !slices.Contains(found, attack.TotalsParts) {
				t.Errorf("findings %v: want district − towns to isolate the children", found)
			}
			named := false
			for _, fd := range rep.Findings {
				named = named || strings.Contains(strings.Join(fd.Cells, " "), "volunteer-hours-monthly[2026-06 "+town1+" ALL].verified_hours")
			}
			if !named {
				t.Errorf("no finding names the planted cell: %+v", rep.Findings)
			}
			stillCurrent(t)
		})

		t.Run("a total published unperturbed", func(t *testing.T) {
			exact := func(res *tables.Result) {
				for _, field := range []string{"volunteers", "verified_hours"} {
					v := cellOf(t, res, dataset.VolunteerHoursMonthly, []string{"2026-06", district, dataset.Total}, field)
					v.Kind, v.Int = dataset.KindInt, int64(math.Round(v.Truth.Value()))
				}
			}
			addRecord(t, 90)
			release.Plant(exact)
			// Published once, the exact total gives nothing away on its own …
			second, err := buildAt(gateNow.Add(time.Hour))
			if err != nil {
				t.Fatalf("the first exact total was refused: %v", err)
			}
			// … but the next change to it — one person's 10 h — is read off
			// to within the rounding to whole hours.
			addRecord(t, 600)
			rep := refused(t, func() error { _, err := buildAt(gateNow.Add(2 * time.Hour)); return err }())
			if found := attacksFound(rep); !slices.Contains(found, attack.Differencing) {
				t.Errorf("findings %v: want release differencing", found)
			}
			if m, _ := release.Latest(dir); m.Version != second.Manifest.Version {
				t.Errorf("latest is %s, want %s", m.Version, second.Manifest.Version)
			}
			first = second
		})

		t.Run("noise drawn afresh in every release", func(t *testing.T) {
			draw := int64(0)
			fresh := func(res *tables.Result) {
				draw++
				v := cellOf(t, res, dataset.VolunteerHoursMonthly, []string{"2026-06", town1, dataset.Total}, "verified_hours")
				v.Int += draw%3 - 1 // what a random, unkeyed noise does
			}
			release.Plant(fresh)
			addRecord(t, 90)
			second, err := buildAt(gateNow.Add(3 * time.Hour))
			if err != nil {
				t.Fatalf("the first unkeyed build was refused: %v", err)
			}
			addRecord(t, 90)
			rep := refused(t, func() error { _, err := buildAt(gateNow.Add(4 * time.Hour)); return err }())
			if found := attacksFound(rep); !slices.Contains(found, attack.Averaging) {
				t.Errorf("findings %v: want repeated-release averaging", found)
			}
			if m, _ := release.Latest(dir); m.Version != second.Manifest.Version {
				t.Errorf("latest is %s, want %s", m.Version, second.Manifest.Version)
			}
			first = second
		})

		t.Run("clean builds after changes pass, attacked against every release", func(t *testing.T) {
			release.Plant(nil)
			addRecord(t, 90)
			r, err := buildAt(gateNow.Add(5 * time.Hour))
			if err != nil {
				t.Fatalf("clean build refused: %v", err)
			}
			g := r.Manifest.Gate
			if !g.Passed || g.Releases < 4 {
				t.Errorf("gate report %+v", g)
			}
			// The counts of combinations stay in the private report.
			full, err := attack.LastReport(dir)
			if err != nil || full.Version != r.Manifest.Version {
				t.Fatalf("last report %+v, %v", full, err)
			}
			for i, a := range full.Attacks {
				if a.Estimates == 0 {
					t.Errorf("attack %s formed no estimate", a.Name)
				}
				if g.Attacks[i].Estimates != 0 || g.Attacks[i].Targets != 0 {
					t.Errorf("the manifest publishes %s's truth-dependent counts: %+v", a.Name, g.Attacks[i])
				}
			}
			t.Logf("%s", full.Summary())
		})
	})
}

func ptr[T any](v T) *T { return &v }

// BenchmarkGate measures the release gate on the demo district: the new
// release attacked alone, and together with 30 and 365 earlier releases
// read from their snapshots on disk (copies of the new one's, so every
// cell is compared and every estimate formed again: the worst case).
//
//	go test ./opendata/release/ -run '^$' -bench BenchmarkGate -benchmem -benchtime 1x
func BenchmarkGate(b *testing.B) {
	rules, err := disclosure.New(fixture.K, fixture.Secret)
	if err != nil {
		b.Fatal(err)
	}
	res, err := tables.Build(context.Background(), db.Client, tables.Options{Rules: rules, Now: fixture.Now})
	if err != nil {
		b.Fatal(err)
	}
	cur := attack.Snapshot("new", res.District.Code, rules, res.Tables)
	for _, n := range []int{0, 30, 365} {
		dir := b.TempDir()
		versions := make([]string, n)
		for i := range versions {
			c := *cur
			c.Version = fmt.Sprintf("2025-%04d", i+1)
			if err := c.Save(dir); err != nil {
				b.Fatal(err)
			}
			versions[i] = c.Version
		}
		b.Run(fmt.Sprintf("previous=%d", n), func(b *testing.B) {
			for b.Loop() {
				prev, missing, err := attack.Stream(dir, versions)
				if err != nil || len(missing) != 0 {
					b.Fatal(err, missing)
				}
				r, err := attack.RunStream(rules, attack.DefaultTolerance, cur, prev, nil, fixture.Now)
				if err != nil || !r.Passed {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(cur.Cells)), "cells")
		})
	}
}
