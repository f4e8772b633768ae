package tables_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/tables"
)

// relation is a published difference an attacker can take: a total row
// minus one part, or minus the sum of all its parts.
type relation struct {
	name  string
	value float64
}

// totalsOf names, per table, the dimension columns whose total rows can be
// differenced against their parts, and each one's total code.
func totalsOf(res *tables.Result, d *dataset.Dataset) map[string]string {
	out := map[string]string{}
	for _, k := range d.PrimaryKey {
		switch k {
		case "town_code":
			out[k] = res.District.Code
		case "domain_code", "age_band", "gender", "university_id", "host_id", "kind":
			out[k] = dataset.Total
		}
	}
	return out
}

// relations lists every total − part and total − Σ parts difference of
// every protected integer field of a table, over rows that are published
// (a withheld cell gives the attacker nothing to subtract).
func relations(res *tables.Result, tb *dataset.Table) []relation {
	var out []relation
	d := tb.Dataset
	for dim, total := range totalsOf(res, d) {
		col := d.FieldIndex(dim)
		// Group rows by the other key columns.
		groups := map[string][]dataset.Row{}
		for _, r := range tb.Rows {
			var parts []string
			for _, k := range d.PrimaryKey {
				if k != dim {
					parts = append(parts, r[d.FieldIndex(k)].Text())
				}
			}
			g := strings.Join(parts, "|")
			groups[g] = append(groups[g], r)
		}
		for g, rows := range groups {
			var tot dataset.Row
			var parts []dataset.Row
			for _, r := range rows {
				if r[col].Text() == total {
					tot = r
				} else {
					parts = append(parts, r)
				}
			}
			if tot == nil || len(parts) == 0 {
				continue
			}
			for i, f := range d.Fields {
				if !f.Protected || f.Type != dataset.Integer || tot[i].Kind != dataset.KindInt {
					continue
				}
				sum, complete := 0.0, true
				for _, p := range parts {
					if p[i].Kind != dataset.KindInt {
						complete = false
						continue
					}
					out = append(out, relation{fmt.Sprintf("%s[%s %s=%s − %s].%s", d.ID, g, dim, total, p[col].Text(), f.Name), float64(tot[i].Int - p[i].Int)})
					sum += float64(p[i].Int)
				}
				if complete {
					out = append(out, relation{fmt.Sprintf("%s[%s %s=%s − Σ].%s", d.ID, g, dim, total, f.Name), float64(tot[i].Int) - sum})
				}
			}
		}
	}
	return out
}

// crossRelations differences tables that cover the same population at two
// granularities: the year's headline hours against the sum of the
// district's monthly all-domain rows of that year.
func crossRelations(res *tables.Result) []relation {
	ds, vhm := res.Table(dataset.DistrictSummary), res.Table(dataset.VolunteerHoursMonthly)
	hoursY, hoursM := ds.Dataset.FieldIndex("verified_hours"), vhm.Dataset.FieldIndex("verified_hours")
	var out []relation
	for _, y := range ds.Rows {
		if y[hoursY].Kind != dataset.KindInt {
			continue
		}
		sum, complete := 0.0, true
		for _, m := range vhm.Rows {
			if m[1].Text() != res.District.Code || m[3].Text() != dataset.Total || !strings.HasPrefix(m[0].Text(), y[0].Text()+"-") {
				continue
			}
			if m[hoursM].Kind != dataset.KindInt {
				complete = false
				break
			}
			sum += float64(m[hoursM].Int)
		}
		if complete {
			out = append(out, relation{"district-summary[" + y[0].Text() + "].verified_hours − Σ volunteer-hours-monthly[district, ALL]", float64(y[hoursY].Int) - sum})
		}
	}
	return out
}

func allRelations(res *tables.Result) map[string]float64 {
	out := map[string]float64{}
	for _, tb := range res.Tables {
		if !tb.Dataset.PersonDerived || tb.Dataset.ID == dataset.ChildrenSummary {
			continue
		}
		for _, r := range relations(res, tb) {
			out[r.name] = r.value
		}
	}
	for _, r := range crossRelations(res) {
		out[r.name] = r.value
	}
	return out
}

// TestOnePopulationPerTable is the differencing attack on the population
// rule. It builds the tables without the protected groups (A), adds
// children, people of unknown age and child-domain needs, each group below
// k (B), and then enough children to pass k (C). Every table but
// children-summary must publish exactly the same cells in A, B and C — so
// no difference of their rows, whatever it is, depends on the protected
// groups — and no published difference may come near the protected
// groups' true hours. children-summary has the same rows in every build;
// below k every cell shows x, zero included.
func TestOnePopulationPerTable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := fixture.NewPopulation(t, db)
		a := build(t, f.C)
		if len(a.Towns) != 2 {
			t.Fatalf("%d towns", len(a.Towns))
		}

		const children, unknown, childNeeds, childCases = 6, 2, 4, 3
		if children+unknown >= fixture.K || childNeeds >= fixture.K || 3*childCases >= fixture.K {
			t.Fatal("the protected groups must be below k")
		}
		f.AddProtected(t, children, unknown, childNeeds)
		f.AddChildCases(t, childCases)
		b := build(t, f.C)
		trueHours := float64((children + unknown) * fixture.ProtectedHours)

		t.Run("the adult tables do not change when protected groups join", func(t *testing.T) {
			for _, d := range diffTables(a, b) {
				t.Errorf("protected people changed a published cell: %s", d)
			}
		})

		t.Run("no published difference isolates the protected groups", func(t *testing.T) {
			ra, rb := allRelations(a), allRelations(b)
			if len(rb) < 50 {
				t.Fatalf("only %d relations to attack", len(rb))
			}
			for name, vb := range rb {
				va, ok := ra[name]
				if !ok || va != vb {
					t.Errorf("%s = %v with the protected groups, %v without: it measures them", name, vb, va)
				}
				// Hours: the protected groups' true total is 160 h, adult
				// cells move by at most a few hours.
				if strings.HasSuffix(name, "hours") && math.Abs(vb-trueHours) <= trueHours/2 {
					t.Errorf("%s = %v h, within %v h of the protected groups' %v h", name, vb, trueHours/2, trueHours)
				}
			}
			t.Logf("%d relations attacked, none depends on the protected groups", len(rb))
		})

		t.Run("children-summary has the same rows, withheld below k", func(t *testing.T) {
			for _, res := range []*tables.Result{a, b} {
				cs := res.Table(dataset.ChildrenSummary)
				if len(cs.Rows) != b.Reference.Year()-b.FirstYear+1 || len(cs.Rows) == 0 {
					t.Fatalf("children-summary has %d rows for %d–%d", len(cs.Rows), b.FirstYear, b.Reference.Year())
				}
				for _, r := range cs.Rows {
					for i, fl := range cs.Dataset.Fields {
						if fl.Protected && r[i].Kind != dataset.KindSuppressed {
							t.Errorf("children-summary[%s].%s = %q: fewer than k, zero included, must show x", r[0].Text(), fl.Name, r[i].Text())
						}
					}
				}
			}
		})

		t.Run("at k and above the children's own cells publish protected values", func(t *testing.T) {
			f.AddProtected(t, fixture.K, 0, fixture.K)
			f.AddChildCases(t, fixture.K)
			c := build(t, f.C)
			for _, d := range diffTables(a, c) {
				if d.dataset != dataset.ChildrenSummary {
					t.Errorf("children changed a cell outside children-summary: %s", d)
				}
			}
			cs := c.Table(dataset.ChildrenSummary)
			row := cs.Rows[len(cs.Rows)-1]
			if row[0].Int != 2026 {
				t.Fatalf("last row is %v", row[0].Text())
			}
			want := map[string][2]int64{ // field → true value range after noise and rounding
				"registered_volunteers": {15, 25}, // 18 registered under 18 or of unknown age (+ the 2 of unknown age)
				"active_volunteers":     {15, 25},
				"needs_opened":          {10, 15}, // 14 child-domain needs
				"cases_opened":          {35, 40}, // 3 × (3 + 10) children's cases
				"cases_closed":          {15, 25}, // 3 × (2 + 5) of them closed
			}
			for name, rng := range want {
				v := row[cs.Dataset.FieldIndex(name)]
				if v.Kind != dataset.KindInt || v.Int < rng[0] || v.Int > rng[1] || v.Int%5 != 0 {
					t.Errorf("children-summary[2026].%s = %q, want a multiple of 5 in %v", name, v.Text(), rng)
				}
			}
			h := row[cs.Dataset.FieldIndex("verified_hours")]
			trueC := float64((children + unknown + fixture.K) * fixture.ProtectedHours)
			if h.Kind != dataset.KindInt || math.Abs(float64(h.Int)-trueC) > fixture.ProtectedHours/2+1 {
				t.Errorf("children-summary[2026].verified_hours = %q, want %v ± %v", h.Text(), trueC, fixture.ProtectedHours/2)
			}
		})
	})
}
