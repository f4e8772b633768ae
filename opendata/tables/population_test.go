package tables_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/partnership"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/tables"
)

// popFixture is a two-town district built for differencing attacks: in
// each town twelve adult volunteers serve 2 hours each in June 2026 (the
// largest single contribution to any adult cell is 2 h, so adult noise is
// at most ±1 h a cell), and twelve resident needs are opened. The
// protected groups are added on top, each below k but large: children who
// serve 20 hours each in town 1, volunteers of unknown age who serve 20
// hours each in town 2, and needs in a child-related domain in town 1.
// When a table's district row counted them and its town rows did not,
// district − Σ towns gave their hours to within a few hours (the old
// builder published 160 ± 10 h here).
type popFixture struct {
	c                  *ent.Client
	towns              [2]*ent.Region
	teams              [2]*ent.Organization
	acts               [2]*ent.Activity
	childDomain, other *ent.Term
	university         *ent.Organization
	seq                int
}

const (
	adultsPerTown  = 12
	adultMinutes   = 120
	protectedHours = 20 // per child or person of unknown age
)

func newPopFixture(t *testing.T, db *database.DB) *popFixture {
	t.Helper()
	ctx := fixture.Context()
	c := db.Client
	f := &popFixture{c: c}
	city := c.Region.Create().SetCode("330400").SetName("嘉兴市").SetLevel(region.LevelCITY).SaveX(ctx)
	district := c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).SetParent(city).SaveX(ctx)
	for i := range f.towns {
		f.towns[i] = c.Region.Create().SetCode(fmt.Sprintf("33041110%d", i+1)).SetName(fmt.Sprintf("测试镇%d", i+1)).
			SetLevel(region.LevelTOWN).SetParent(district).SaveX(ctx)
	}
	tax := c.Taxonomy.Create().SetCode("service-domain").SetName("服务领域").SetNameEn("Service domains").SaveX(ctx)
	f.other = c.Term.Create().SetTaxonomyID(tax.ID).SetCode("elderly-care").SetName("养老").SetNameEn("Elderly care").SaveX(ctx)
	f.childDomain = c.Term.Create().SetTaxonomyID(tax.ID).SetCode(tables.DefaultChildDomains[0]).SetName("托育").SetNameEn("Childcare").SaveX(ctx)
	proj := c.Project.Create().SetName("测试项目").SetStage(project.StageIMPLEMENTATION).
		SetStartOn(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).AddDomains(f.other).SaveX(ctx)
	f.university = c.Organization.Create().SetName("测试大学").SetKind(organization.KindUNIVERSITY).SetRegion(district).SaveX(ctx)
	cst := calendar.Zone
	for i := range f.teams {
		f.teams[i] = c.Organization.Create().SetName(fmt.Sprintf("测试志愿服务队%d", i+1)).SetKind(organization.KindVOLUNTEER_TEAM).
			SetRegion(f.towns[i]).SaveX(ctx)
		start := time.Date(2026, 6, 10+i, 8, 0, 0, 0, cst)
		f.acts[i] = c.Activity.Create().SetTitle(fmt.Sprintf("测试活动%d", i+1)).SetOrganization(f.teams[i]).SetRegion(f.towns[i]).
			SetProject(proj).SetStartsAt(start).SetEndsAt(start.Add(23 * time.Hour)).SaveX(ctx)
	}
	// Town 1's team is a practice base of the university.
	c.Partnership.Create().SetOrganization(f.university).SetPartner(f.teams[0]).SetKind(partnership.KindPRACTICE_BASE).
		SetStartedOn(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)).ExecX(ctx)
	for town := range f.towns {
		for i := 0; i < adultsPerTown; i++ {
			born := time.Date(1960+3*i, 3, 1, 0, 0, 0, 0, time.UTC)
			f.volunteer(t, town, &born, town == 0, adultMinutes)
		}
		f.needs(t, f.towns[town], f.other, 12)
		// Adults' social-work cases: 12 family cases a town opened in
		// July 2026, half closed in August, and 11 elderly cases in town 1.
		f.cases(t, f.towns[town], casefile.KindFAMILY, false, adultCases)
	}
	f.cases(t, f.towns[0], casefile.KindELDERLY, false, adultCases-1)
	return f
}

const adultCases = 12

// cases opens n social-work cases at a division in July 2026, half of them
// closed in August.
func (f *popFixture) cases(t *testing.T, at *ent.Region, kind casefile.Kind, minor bool, n int) {
	t.Helper()
	ctx := fixture.Context()
	for i := 0; i < n; i++ {
		cc := f.c.CaseFile.Create().SetRegionID(at.ID).SetKind(kind).SetMinor(minor).
			SetOpenedOn(time.Date(2026, 7, 1+i, 0, 0, 0, 0, time.UTC))
		if i%2 == 0 {
			cc.SetStatus(casefile.StatusCLOSED).SetClosedOn(time.Date(2026, 8, 1+i, 0, 0, 0, 0, time.UTC))
		}
		cc.ExecX(ctx)
	}
}

// addChildCases adds children's cases: n family cases of minors in town 1,
// n child-protection cases in town 2, and n child-protection cases without
// the minor flag in town 1 (children's by their kind).
func (f *popFixture) addChildCases(t *testing.T, n int) {
	t.Helper()
	f.cases(t, f.towns[0], casefile.KindFAMILY, true, n)
	f.cases(t, f.towns[1], casefile.KindCHILD_PROTECTION, true, n)
	f.cases(t, f.towns[0], casefile.KindCHILD_PROTECTION, false, n)
}

// volunteer adds a registered volunteer of team town with one verified
// record of minutes at the town's activity; birth nil is an unknown age.
func (f *popFixture) volunteer(t *testing.T, town int, birth *time.Time, student bool, minutes int) {
	t.Helper()
	ctx := fixture.Context()
	f.seq++
	pc := f.c.Person.Create().SetName(fmt.Sprintf("测试人员%03d", f.seq)).SetVolunteerNumber(fmt.Sprintf("ZJ330411POP%03d", f.seq)).
		SetGender([]person.Gender{person.GenderFEMALE, person.GenderMALE}[f.seq%2]).SetNillableBirthDate(birth)
	if student {
		pc.SetUniversity(f.university)
	}
	p := pc.SaveX(ctx)
	f.c.Membership.Create().SetPersonID(p.ID).SetOrganizationID(f.teams[town].ID).SetRole(membership.RoleVOLUNTEER).
		SetJoinedOn(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)).ExecX(ctx)
	a := f.acts[town]
	day := a.StartsAt.In(calendar.Zone)
	f.c.ServiceRecord.Create().SetPersonID(p.ID).SetActivityID(a.ID).
		SetServedOn(time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)).SetMinutes(minutes).
		SetRecordedBy("population-test").SetStatus(servicerecord.StatusVERIFIED).SetReviewedBy("population-test").
		SetReviewedAt(a.EndsAt.Add(24 * time.Hour)).ExecX(ctx)
}

// needs opens n resident needs in a division and domain in June 2026, half
// of them resolved in July.
func (f *popFixture) needs(t *testing.T, at *ent.Region, domain *ent.Term, n int) {
	t.Helper()
	ctx := fixture.Context()
	for i := 0; i < n; i++ {
		opened := time.Date(2026, 6, 1+i, 9, 0, 0, 0, calendar.Zone)
		nc := f.c.Need.Create().SetTitle(fmt.Sprintf("测试需求%d", i)).SetDomainID(domain.ID).SetRegionID(at.ID).SetOpenedAt(opened)
		if i%2 == 0 {
			nc.SetStatus(need.StatusRESOLVED).SetResolvedAt(opened.AddDate(0, 1, 0))
		}
		nc.ExecX(ctx)
	}
}

// addProtected adds the protected groups: children (born 2014) in town 1,
// two of them students, people of unknown age in town 2, and child-domain
// needs in town 1.
func (f *popFixture) addProtected(t *testing.T, children, unknown, childNeeds int) {
	t.Helper()
	born := time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < children; i++ {
		f.volunteer(t, 0, &born, i < 2, protectedHours*60)
	}
	for i := 0; i < unknown; i++ {
		f.volunteer(t, 1, nil, false, protectedHours*60)
	}
	f.needs(t, f.towns[0], f.childDomain, childNeeds)
}

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
		f := newPopFixture(t, db)
		a := build(t, f.c)
		if len(a.Towns) != 2 {
			t.Fatalf("%d towns", len(a.Towns))
		}

		const children, unknown, childNeeds, childCases = 6, 2, 4, 3
		if children+unknown >= fixture.K || childNeeds >= fixture.K || 3*childCases >= fixture.K {
			t.Fatal("the protected groups must be below k")
		}
		f.addProtected(t, children, unknown, childNeeds)
		f.addChildCases(t, childCases)
		b := build(t, f.c)
		trueHours := float64((children + unknown) * protectedHours)

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
			f.addProtected(t, fixture.K, 0, fixture.K)
			f.addChildCases(t, fixture.K)
			c := build(t, f.c)
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
			trueC := float64((children + unknown + fixture.K) * protectedHours)
			if h.Kind != dataset.KindInt || math.Abs(float64(h.Int)-trueC) > protectedHours/2+1 {
				t.Errorf("children-summary[2026].verified_hours = %q, want %v ± %v", h.Text(), trueC, protectedHours/2)
			}
		})
	})
}
