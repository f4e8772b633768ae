package tables_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/casefile"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/migrate"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/tables"
)

// caseFixture is a small district for the case statistics: two towns, the
// first with a village, a town of another district, a social-work agency
// with one social worker, one activity in 2024 (so the tables start in
// 2024), and residents, each case created the way package casework creates
// it (agency, worker, resident, pseudonym) under policy.SystemContext. The
// reference date is fixture.Now's, 2026-10-31.
type caseFixture struct {
	c                                        *ent.Client
	district, town1, village, town2, outside *ent.Region
	agency                                   *ent.Organization
	worker                                   *ent.Person
	// cases are every case created, with what the plain recount needs.
	cases []caseRec
	// secrets are strings about cases that no published cell may hold:
	// the worker's and residents' names, numbers, phones and pseudonyms.
	// (The agency is in the public register of organisations; the case
	// tables must not name it.)
	secrets []string
	seq     int
}

type caseRec struct {
	id             int
	at             *ent.Region
	kind           casefile.Kind
	minor          bool
	opened, closed time.Time // closed zero while open
}

func newCaseFixture(t *testing.T, db *database.DB) *caseFixture {
	t.Helper()
	ctx := fixture.Context()
	c := db.Client
	f := &caseFixture{c: c}
	city := c.Region.Create().SetCode("330400").SetName("嘉兴市").SetLevel(region.LevelCITY).SaveX(ctx)
	f.district = c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).SetParent(city).SaveX(ctx)
	f.town1 = c.Region.Create().SetCode("330411101").SetName("测试镇").SetLevel(region.LevelTOWN).SetParent(f.district).SaveX(ctx)
	f.village = c.Region.Create().SetCode("330411101201").SetName("测试村").SetLevel(region.LevelCOMMUNITY).SetParent(f.town1).SaveX(ctx)
	f.town2 = c.Region.Create().SetCode("330411102").SetName("测试街道").SetLevel(region.LevelTOWN).SetParent(f.district).SaveX(ctx)
	// Another district of the city (a DISTRICT-level division would make two
	// districts; a town under the city stands for "outside").
	f.outside = c.Region.Create().SetCode("330402001").SetName("区外镇").SetLevel(region.LevelTOWN).SetParent(city).SaveX(ctx)
	f.agency = c.Organization.Create().SetName("测试社工服务中心").SetKind(organization.KindSOCIAL_WORK_AGENCY).SetRegion(f.town1).SaveX(ctx)
	// The programme's first activity, in 2024: public data that sets the
	// first year of every table, case-statistics' coverage included
	// (2024Q1–2026Q4). Cases never move it.
	start := time.Date(2024, 3, 1, 9, 0, 0, 0, calendar.Zone)
	c.Activity.Create().SetTitle("测试活动").SetOrganization(f.agency).SetRegion(f.town1).
		SetStartsAt(start).SetEndsAt(start.Add(2 * time.Hour)).ExecX(ctx)
	f.worker = c.Person.Create().SetName("测试社工甲").SetVolunteerNumber("ZJ330411CASE01").SetPhone("13900001111").SaveX(ctx)
	c.Membership.Create().SetPersonID(f.worker.ID).SetOrganizationID(f.agency.ID).SetRole(membership.RoleSOCIAL_WORKER).
		SetJoinedOn(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)).ExecX(ctx)
	f.secrets = append(f.secrets, f.worker.Name, f.worker.VolunteerNumber, f.worker.Phone)
	return f
}

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// add opens n cases of one resident each at a division, the first
// `closing` of them closed on closed.
func (f *caseFixture) add(t *testing.T, n int, at *ent.Region, kind casefile.Kind, minor bool, opened string, closing int, closed string) {
	t.Helper()
	ctx := fixture.Context()
	for i := 0; i < n; i++ {
		f.seq++
		res := f.c.CaseResident.Create().SetName(fmt.Sprintf("测试居民%03d", f.seq)).
			SetPhone(fmt.Sprintf("1380000%04d", f.seq)).SaveX(ctx)
		pseudonym := fmt.Sprintf("小%03d（化名）", f.seq)
		f.secrets = append(f.secrets, res.Name, res.Phone, pseudonym)
		rec := caseRec{at: at, kind: kind, minor: minor, opened: date(opened).AddDate(0, 0, i%5)}
		cc := f.c.CaseFile.Create().SetAgencyID(f.agency.ID).SetResponsibleWorkerID(f.worker.ID).SetResidentID(res.ID).
			SetRegionID(at.ID).SetDisplayName(pseudonym).SetKind(kind).SetMinor(minor).SetOpenedOn(rec.opened)
		if i < closing {
			rec.closed = date(closed)
			cc.SetStatus(casefile.StatusCLOSED).SetClosedOn(rec.closed)
		}
		rec.id = cc.SaveX(ctx).ID
		f.cases = append(f.cases, rec)
	}
}

// addPurged adds n cases as package casework leaves them once purged: no
// agency, worker, resident or pseudonym, dates on the first day of their
// quarter.
func (f *caseFixture) addPurged(t *testing.T, n int, at *ent.Region, kind casefile.Kind, minor bool, opened, closed string) {
	t.Helper()
	for i := 0; i < n; i++ {
		rec := caseRec{at: at, kind: kind, minor: minor, opened: date(opened), closed: date(closed)}
		rec.id = f.c.CaseFile.Create().SetRegionID(at.ID).SetKind(kind).SetMinor(minor).
			SetOpenedOn(rec.opened).SetClosedOn(rec.closed).SetStatus(casefile.StatusPURGED).
			SetPurgedAt(rec.closed.AddDate(3, 1, 0)).SaveX(fixture.Context()).ID
		f.cases = append(f.cases, rec)
	}
}

// purge does to closed cases what casework's purge does: it clears
// everything but the division, kind, minor flag and dates, truncates the
// dates to their quarter, and deletes the resident with their last case.
func (f *caseFixture) purge(t *testing.T, ids []int) {
	t.Helper()
	ctx := fixture.Context()
	for _, id := range ids {
		cf := f.c.CaseFile.GetX(ctx, id)
		if cf.ClosedOn == nil {
			t.Fatalf("case %d is open", id)
		}
		f.c.CaseFile.UpdateOne(cf).
			ClearAgencyID().ClearResponsibleWorkerID().ClearResidentID().ClearNeedID().ClearDisplayName().
			ClearAssessmentCiphertext().ClearAssessedAt().ClearPlanCiphertext().ClearPlannedAt().
			ClearClosureOutcome().ClearClosureCiphertext().
			SetOpenedOn(fixture.QuarterStart(cf.OpenedOn)).SetClosedOn(fixture.QuarterStart(*cf.ClosedOn)).
			SetStatus(casefile.StatusPURGED).SetPurgedAt(time.Now()).ExecX(ctx)
		if cf.ResidentID != nil {
			f.c.CaseResident.DeleteOneID(*cf.ResidentID).ExecX(ctx)
		}
	}
}

// seed is the caseload every subtest starts from.
func (f *caseFixture) seed(t *testing.T) {
	F, E, H, D, O, CP := casefile.KindFAMILY, casefile.KindELDERLY, casefile.KindHARDSHIP, casefile.KindDISABILITY,
		casefile.KindOTHER, casefile.KindCHILD_PROTECTION
	// Adults.
	f.add(t, 7, f.town1, F, false, "2026-07-06", 4, "2026-09-10")
	f.add(t, 5, f.village, F, false, "2026-08-03", 0, "")         // roll up to town 1
	f.add(t, 3, f.town1, E, false, "2026-09-01", 1, "2026-10-20") // closed in Q4
	f.add(t, 11, f.town2, H, false, "2026-04-10", 11, "2026-08-20")
	f.add(t, 1, f.district, O, false, "2026-07-15", 0, "")        // district level: district rows only
	f.add(t, 2, f.outside, F, false, "2026-07-15", 0, "")         // outside the district: nowhere
	f.add(t, 1, f.town1, F, false, "2026-11-02", 0, "")           // after the reference date: nowhere
	f.add(t, 1, f.town2, E, false, "2026-10-01", 1, "2026-11-15") // closed after the reference date: opened only
	f.addPurged(t, 10, f.town2, D, false, "2024-01-01", "2024-04-01")
	// Children: minors, and child protection whatever the flag says.
	f.add(t, 9, f.town1, F, true, "2026-07-20", 3, "2026-09-25")
	f.add(t, 5, f.town2, CP, true, "2025-11-03", 5, "2026-02-14")
	f.add(t, 1, f.town1, CP, false, "2026-08-08", 0, "")
}

// plainCells recounts case-statistics the plain way: case ids per cell
// "quarter|town code|kind" and field.
func (f *caseFixture) plainCells(ref time.Time) map[string]map[string][]int {
	quarter := func(d time.Time) string { return fmt.Sprintf("%dQ%d", d.Year(), (int(d.Month())-1)/3+1) }
	town := func(r *ent.Region) string {
		switch r.ID {
		case f.town1.ID, f.village.ID:
			return f.town1.Code
		case f.town2.ID:
			return f.town2.Code
		case f.district.ID:
			return ""
		}
		return "-"
	}
	out := map[string]map[string][]int{}
	add := func(q, tw string, kind casefile.Kind, field string, id int) {
		keys := []string{q + "|" + f.district.Code + "|" + string(kind), q + "|" + f.district.Code + "|" + dataset.Total}
		if tw != "" {
			keys = append(keys, q+"|"+tw+"|"+string(kind), q+"|"+tw+"|"+dataset.Total)
		}
		for _, k := range keys {
			if out[k] == nil {
				out[k] = map[string][]int{}
			}
			out[k][field] = append(out[k][field], id)
		}
	}
	for _, c := range f.cases {
		tw := town(c.at)
		if c.minor || c.kind == casefile.KindCHILD_PROTECTION || tw == "-" || c.opened.After(ref) {
			continue
		}
		add(quarter(c.opened), tw, c.kind, "cases_opened", c.id)
		if !c.closed.IsZero() && !c.closed.After(ref) {
			add(quarter(c.closed), tw, c.kind, "cases_closed", c.id)
		}
	}
	return out
}

// caseCount is the accumulator of a set of case ids.
func caseCount(rules *disclosure.Rules, ids []int) disclosure.Count {
	var c disclosure.Count
	for _, id := range ids {
		c.Add(rules.RecordKey(disclosure.NSCase, id))
	}
	return c
}

// cellText is how the rules publish a cell, as written in CSV.
func cellText(r disclosure.Result) string {
	if r.Status == disclosure.Suppressed {
		return dataset.SymbolSuppressed
	}
	return fmt.Sprint(r.Value)
}

func testRules(t *testing.T) *disclosure.Rules {
	t.Helper()
	r, err := disclosure.New(fixture.K, fixture.Secret)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func rowsByKey(tb *dataset.Table) map[string]dataset.Row {
	out := map[string]dataset.Row{}
	for _, r := range tb.Rows {
		out[key(tb, r)] = r
	}
	return out
}

// TestCaseStatistics checks case-statistics and the children's case
// columns of children-summary on a small district, on every backend.
func TestCaseStatistics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		f := newCaseFixture(t, db)
		f.seed(t)
		res := build(t, f.c)
		rules := testRules(t)
		cs := res.Table(dataset.CaseStatistics)
		rows := rowsByKey(cs)
		d := res.District.Code
		t1, t2 := f.town1.Code, f.town2.Code

		t.Run("counts", func(t *testing.T) {
			plain := f.plainCells(res.Reference)
			// The true counts, by hand: the village's cases in town 1, the
			// district-level case in the district rows only, nothing from
			// outside the district or after the reference date, no child.
			for _, tc := range []struct {
				quarter, town, kind string
				opened, closed      int
			}{
				{"2024Q1", t2, "DISABILITY", 10, 0}, // purged cases still count
				{"2024Q1", t2, "ALL", 10, 0},
				{"2024Q1", d, "DISABILITY", 10, 0},
				{"2024Q1", d, "ALL", 10, 0},
				{"2024Q2", t2, "DISABILITY", 0, 10},
				{"2024Q2", t2, "ALL", 0, 10},
				{"2024Q2", d, "DISABILITY", 0, 10},
				{"2024Q2", d, "ALL", 0, 10},
				{"2026Q2", t2, "HARDSHIP", 11, 0},
				{"2026Q2", t2, "ALL", 11, 0},
				{"2026Q2", d, "HARDSHIP", 11, 0},
				{"2026Q2", d, "ALL", 11, 0},
				{"2026Q3", t1, "FAMILY", 12, 4}, // 7 in the town + 5 in its village; the 9 minors are not here
				{"2026Q3", t1, "ELDERLY", 3, 0},
				{"2026Q3", t1, "ALL", 15, 4},
				{"2026Q3", t2, "HARDSHIP", 0, 11},
				{"2026Q3", t2, "ALL", 0, 11},
				{"2026Q3", d, "FAMILY", 12, 4}, // the district counts the same population as its towns
				{"2026Q3", d, "ELDERLY", 3, 0},
				{"2026Q3", d, "HARDSHIP", 0, 11},
				{"2026Q3", d, "OTHER", 1, 0}, // the district-level case
				{"2026Q3", d, "ALL", 16, 15},
				{"2026Q4", t1, "ELDERLY", 0, 1},
				{"2026Q4", t1, "ALL", 0, 1},
				{"2026Q4", t2, "ELDERLY", 1, 0}, // closed after the reference date: not yet closed
				{"2026Q4", t2, "ALL", 1, 0},
				{"2026Q4", d, "ELDERLY", 1, 1},
				{"2026Q4", d, "ALL", 1, 1},
			} {
				k := tc.quarter + "|" + tc.town + "|" + tc.kind
				t.Run(k, func(t *testing.T) {
					row, ok := rows[k]
					if !ok {
						t.Fatalf("no row %s", k)
					}
					for _, fc := range []struct {
						field string
						n     int
					}{{"cases_opened", tc.opened}, {"cases_closed", tc.closed}} {
						ids := plain[k][fc.field]
						if len(ids) != fc.n {
							t.Fatalf("%s: the plain recount has %d cases, the table above %d", fc.field, len(ids), fc.n)
						}
						c := caseCount(rules, ids)
						// Protected exactly like the other person-derived
						// counts — the same threshold, noise and rounding —
						// and, like children-summary, x for an empty cell too.
						want := strictCases(rules, c)
						if got := row[cs.Dataset.FieldIndex(fc.field)].Text(); got != cellText(want) {
							t.Errorf("%s = %q, want %q (%d cases)", fc.field, got, cellText(want), fc.n)
						}
						if fc.n > 0 && (want.Status != rules.Count(c).Status || want.Status != rules.Needs(c).Status) {
							t.Errorf("%s: %d cases withheld differently from %d people or needs", fc.field, fc.n, fc.n)
						}
						switch {
						case fc.n < fixture.K && want.Status != disclosure.Suppressed:
							t.Errorf("%s: %d cases published as %d", fc.field, fc.n, want.Value)
						case fc.n >= fixture.K && (want.Value < fixture.K || want.Value%disclosure.RoundBase != 0):
							t.Errorf("%s: %d cases published as %d", fc.field, fc.n, want.Value)
						}
					}
				})
			}
			if len(plain) != 28 {
				t.Errorf("%d plain cells, want the 28 above", len(plain))
			}
			// Every other row of the grid has no case: x, not 0.
			for k, r := range rows {
				if plain[k] != nil {
					continue
				}
				for _, fl := range []string{"cases_opened", "cases_closed"} {
					if v := r[cs.Dataset.FieldIndex(fl)]; v.Kind != dataset.KindSuppressed {
						t.Errorf("%s.%s: no case, published %q", k, fl, v.Text())
					}
				}
			}
		})

		t.Run("a fixed grid of rows", func(t *testing.T) {
			// 2024Q1–2026Q4 × (district, town 1, town 2) × (6 kinds + ALL),
			// whatever the cases: the first year is the activity's.
			if res.FirstYear != 2024 {
				t.Fatalf("first year %d, want the activity's 2024", res.FirstYear)
			}
			want := caseGrid(res)
			if len(cs.Rows) != len(want) || len(want) != 12*3*7 {
				t.Errorf("%d rows, want the %d of the grid (12 quarters × 3 places × 7 kinds)", len(cs.Rows), len(want))
			}
			for i, r := range cs.Rows {
				if i < len(want) && key(cs, r) != want[i] {
					t.Fatalf("row %d is %s, want %s", i, key(cs, r), want[i])
				}
			}
		})

		t.Run("children-summary counts children's cases district-wide by year", func(t *testing.T) {
			ch := res.Table(dataset.ChildrenSummary)
			byYear := rowsByKey(ch)
			if len(ch.Rows) != 3 || byYear["2024"] == nil || byYear["2026"] == nil {
				t.Fatalf("children-summary years: %d rows", len(ch.Rows))
			}
			var minors2026 []int
			for _, c := range f.cases {
				if (c.minor || c.kind == casefile.KindCHILD_PROTECTION) && c.opened.Year() == 2026 && !c.opened.After(res.Reference) && c.at.ID != f.outside.ID {
					minors2026 = append(minors2026, c.id)
				}
			}
			for _, tc := range []struct {
				year, field, want string
			}{
				{"2024", "cases_opened", "x"}, // zero is x in the children's table
				{"2025", "cases_opened", "x"}, // 5 child-protection cases
				{"2025", "cases_closed", "x"},
				{"2026", "cases_opened", cellText(rules.Cases(caseCount(rules, minors2026)))}, // 9 minors + 1 child protection = k
				{"2026", "cases_closed", "x"}, // 3 + 5
			} {
				if got := byYear[tc.year][ch.Dataset.FieldIndex(tc.field)].Text(); got != tc.want {
					t.Errorf("children-summary[%s].%s = %q, want %q", tc.year, tc.field, got, tc.want)
				}
			}
			if len(minors2026) != fixture.K || byYear["2026"][ch.Dataset.FieldIndex("cases_opened")].Kind != dataset.KindInt {
				t.Errorf("%d children's cases in 2026 published as %q", len(minors2026), byYear["2026"][ch.Dataset.FieldIndex("cases_opened")].Text())
			}
		})

		t.Run("no child protection row, no kind outside the categories", func(t *testing.T) {
			col := cs.Dataset.FieldIndex("kind")
			cats := cs.Dataset.Fields[col].Categories
			for _, r := range cs.Rows {
				if r[col].Str == dataset.ChildProtection || !slices.ContainsFunc(cats, func(c dataset.Category) bool { return c.Value == r[col].Str }) {
					t.Errorf("row %s has kind %s", key(cs, r), r[col].Str)
				}
			}
		})

		t.Run("no agency, worker, resident or text in any column", func(t *testing.T) {
			var names []string
			for _, fl := range cs.Dataset.Fields {
				names = append(names, fl.Name)
			}
			if want := []string{"quarter", "town_code", "town_name", "kind", "kind_name", "cases_opened", "cases_closed"}; !slices.Equal(names, want) {
				t.Errorf("case-statistics fields %v, want %v", names, want)
			}
			quarter := regexp.MustCompile(`^[0-9]{4}Q[1-4]$`)
			places := map[string]bool{d: true, f.district.Name: true}
			for _, tw := range res.Towns {
				places[tw.Code], places[tw.Name] = true, true
			}
			for _, r := range cs.Rows {
				if !quarter.MatchString(r[0].Str) || !places[r[1].Str] || !places[r[2].Str] ||
					r[4].Str != dataset.Label(dataset.CaseKinds, r[3].Str).String() {
					t.Errorf("row %v holds something else than a quarter, a place and a kind", r)
				}
			}
			for _, tb := range res.Tables {
				secrets := f.secrets
				if tb.Dataset.ID == dataset.CaseStatistics || tb.Dataset.ID == dataset.ChildrenSummary {
					secrets = append(slices.Clip(secrets), f.agency.Name, gid.Encode(f.agency.ID))
				}
				for _, r := range tb.Rows {
					for j, v := range r {
						for _, s := range secrets {
							if v.Kind == dataset.KindString && strings.Contains(v.Str, s) {
								t.Errorf("%s[%s].%s holds %q", tb.Dataset.ID, key(tb, r), tb.Dataset.Fields[j].Name, s)
							}
						}
					}
				}
			}
		})

		t.Run("children's cases change children-summary only", func(t *testing.T) {
			before := build(t, f.c)
			// Minors in a town and its village, and child protection in
			// both towns with and without the flag: none may reach a town
			// row, a district row or a total of case-statistics.
			f.add(t, 4, f.village, casefile.KindFAMILY, true, "2026-07-01", 2, "2026-08-01")
			f.add(t, 3, f.town1, casefile.KindMENTAL_HEALTH, true, "2026-08-01", 0, "")
			f.add(t, 2, f.town2, casefile.KindCHILD_PROTECTION, false, "2026-04-01", 2, "2026-07-01")
			f.add(t, 1, f.district, casefile.KindCHILD_PROTECTION, true, "2026-05-01", 0, "")
			after := build(t, f.c)
			changed := 0
			for _, d := range diffTables(before, after) {
				if d.dataset != dataset.ChildrenSummary {
					t.Errorf("a child's case changed %s", d)
				}
				changed++
			}
			if changed == 0 {
				t.Error("10 more children's cases in 2026 changed nothing in children-summary")
			}
		})

		t.Run("purging changes nothing", func(t *testing.T) {
			before := build(t, f.c)
			var closed []int
			for _, c := range f.cases {
				if !c.closed.IsZero() && !c.closed.After(res.Reference) {
					closed = append(closed, c.id)
				}
			}
			f.purge(t, closed)
			n := f.c.CaseFile.Query().Where(casefile.StatusEQ(casefile.StatusPURGED)).CountX(fixture.Context())
			if n < len(closed) {
				t.Fatalf("%d purged cases, %d purged", n, len(closed))
			}
			after := build(t, f.c)
			for _, d := range diffTables(before, after) {
				t.Errorf("purging %d cases changed %s", len(closed), d)
			}
			if left := f.c.CaseResident.Query().CountX(fixture.Context()); left == 0 {
				t.Error("no resident left: the open cases' residents were deleted too")
			}
		})

		t.Run("a case in an empty cell changes nothing", func(t *testing.T) {
			// The attack: a row that appears between two daily releases
			// dates a case to the day. One adult case in a quarter and
			// town without any, one at district level, and one opened
			// before the coverage (2023: it must not add a year to any
			// table) — every table, every row and every value as before.
			before := build(t, f.c)
			f.add(t, 1, f.town1, casefile.KindELDERLY, false, "2025-05-12", 0, "")
			f.add(t, 1, f.district, casefile.KindMENTAL_HEALTH, false, "2025-02-03", 1, "2025-03-03")
			f.add(t, 1, f.town2, casefile.KindFAMILY, false, "2023-06-01", 1, "2023-08-01")
			after := build(t, f.c)
			for _, d := range diffTables(before, after) {
				t.Errorf("a case in an empty cell changed %s", d)
			}
			if after.FirstYear != before.FirstYear {
				t.Errorf("a case moved the first year from %d to %d", before.FirstYear, after.FirstYear)
			}
		})

		t.Run("one more case changes only the values of its cells", func(t *testing.T) {
			// One adult elderly case in town 1, 2026Q3 (3 → 4 cases): the
			// same rows; only cases_opened of the four cells it counts in
			// (town 1 and the district, ELDERLY and ALL) may change.
			before := build(t, f.c)
			f.add(t, 1, f.town1, casefile.KindELDERLY, false, "2026-08-17", 0, "")
			after := build(t, f.c)
			if !slices.Equal(rowKeys(before.Table(dataset.CaseStatistics)), rowKeys(after.Table(dataset.CaseStatistics))) {
				t.Error("one case changed the rows of case-statistics")
			}
			allowed := map[string]bool{}
			for _, tw := range []string{t1, d} {
				for _, k := range []string{"ELDERLY", dataset.Total} {
					allowed["2026Q3|"+tw+"|"+k] = true
				}
			}
			for _, df := range diffTables(before, after) {
				if df.dataset != dataset.CaseStatistics || !allowed[df.key] || df.field != "cases_opened" {
					t.Errorf("one case changed %s", df)
				}
			}
		})
	})
}

// strictCases is how case-statistics publishes a count: the rules' value,
// and x below k, zero included.
func strictCases(rules *disclosure.Rules, c disclosure.Count) disclosure.Result {
	if c.N < int64(rules.K()) {
		return disclosure.Result{Status: disclosure.Suppressed}
	}
	return rules.Cases(c)
}

// caseGrid is the row keys case-statistics must have, in order, decided
// by the first year, the reference date and the towns alone: every
// quarter × (the district, then every town) × every kind of the
// dataset's categories (ALL included), sorted by the primary key.
func caseGrid(res *tables.Result) []string {
	places := []string{res.District.Code}
	for _, tw := range res.Towns {
		places = append(places, tw.Code)
	}
	var kinds []string
	for _, c := range dataset.CaseKinds {
		kinds = append(kinds, c.Value)
	}
	slices.Sort(kinds)
	last := fmt.Sprintf("%dQ%d", res.Reference.Year(), (int(res.Reference.Month())-1)/3+1)
	var out []string
	for y := res.FirstYear; y <= res.Reference.Year(); y++ {
		for q := 1; q <= 4; q++ {
			qt := fmt.Sprintf("%dQ%d", y, q)
			if qt > last {
				break
			}
			for _, p := range places {
				for _, k := range kinds {
					out = append(out, qt+"|"+p+"|"+k)
				}
			}
		}
	}
	return out
}

// rowKeys is a table's primary keys in row order.
func rowKeys(tb *dataset.Table) []string {
	out := make([]string, 0, len(tb.Rows))
	for _, r := range tb.Rows {
		out = append(out, key(tb, r))
	}
	return out
}

// TestCaseKindsArePlaced keeps the open data in step with the data model:
// every kind of case is either a category of case-statistics or child
// protection (children-summary only). A kind added to the schema without
// a place here is counted nowhere; this test says so.
func TestCaseKindsArePlaced(t *testing.T) {
	var kinds []string
	for _, col := range migrate.CaseFilesColumns {
		if col.Name == casefile.FieldKind {
			kinds = col.Enums
		}
	}
	if len(kinds) == 0 {
		t.Fatal("no kind column in case_files")
	}
	for _, k := range kinds {
		known := k == dataset.ChildProtection
		for _, c := range dataset.CaseKinds {
			known = known || (c.Value == k && k != dataset.Total)
		}
		if !known {
			t.Errorf("case kind %s has no place in the open data: add it to dataset.CaseKinds or count it as children's", k)
		}
	}
	if len(dataset.CaseKinds) != len(kinds) { // every kind but CHILD_PROTECTION, plus ALL
		t.Errorf("dataset.CaseKinds has %d categories for %d kinds", len(dataset.CaseKinds), len(kinds))
	}
}
