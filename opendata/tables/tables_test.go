package tables_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tongxing/tongxing/calendar"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/disclosure"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/gid"
	"github.com/tongxing/tongxing/opendata/attack"
	"github.com/tongxing/tongxing/opendata/dataset"
	"github.com/tongxing/tongxing/opendata/internal/fixture"
	"github.com/tongxing/tongxing/opendata/tables"
)

func build(t testing.TB, c *ent.Client, opts ...func(*tables.Options)) *tables.Result {
	t.Helper()
	rules, err := disclosure.New(fixture.K, fixture.Secret)
	if err != nil {
		t.Fatal(err)
	}
	o := tables.Options{Rules: rules, Now: fixture.Now}
	for _, f := range opts {
		f(&o)
	}
	start := time.Now()
	res, err := tables.Build(fixture.Context(), c, o)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	t.Logf("build took %v, streamed %+v", time.Since(start).Round(time.Millisecond), res.Stats)
	return res
}

// TestTables runs on the demo district on every backend. The subtests that
// add rows run last, each against a build made just before its change.
func TestTables(t *testing.T) {
	var first *tables.Result // of the first backend
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		if err := fixture.Seed(db); err != nil {
			t.Fatal(err)
		}
		c := db.Client
		base := build(t, c)
		raw := loadRaw(t, c, base)
		if first == nil {
			first = base
		} else {
			t.Run("same tables as on SQLite", func(t *testing.T) { checkSameAcrossBackends(t, first, base) })
		}

		t.Run("shape", func(t *testing.T) { checkShape(t, base) })
		t.Run("no cell counts fewer than k people", func(t *testing.T) { checkAgainstRaw(t, base, raw) })
		t.Run("mean ratings over k or more", func(t *testing.T) { checkMeanRatings(t, base, raw) })
		t.Run("no published person count below k", func(t *testing.T) { checkNoSmallCounts(t, base) })
		t.Run("no person in any table", func(t *testing.T) { checkNoPersons(t, c, base) })
		t.Run("deterministic", func(t *testing.T) {
			again := build(t, c)
			if diff := diffTables(base, again); len(diff) > 0 {
				t.Errorf("two builds from the same database differ: %v", diff[:min(5, len(diff))])
			}
		})
		t.Run("small page size streams the same", func(t *testing.T) {
			small := build(t, c, func(o *tables.Options) { o.PageSize = 97 })
			if diff := diffTables(base, small); len(diff) > 0 {
				t.Errorf("page size changes the result: %v", diff[:min(5, len(diff))])
			}
			if small.Stats.Queries <= base.Stats.Queries {
				t.Errorf("page size 97 made %d queries, default %d", small.Stats.Queries, base.Stats.Queries)
			}
		})
		t.Run("children stay at district level", func(t *testing.T) { checkChildren(t, c, base) })
		t.Run("no withheld count can be confined: complements withheld", func(t *testing.T) { checkComplements(t, c) })
		t.Run("one new record changes only its cells", func(t *testing.T) { checkIncremental(t, c) })
		t.Run("registers: coverage as the API counts it, points, announced awards only", func(t *testing.T) { checkRegisters(t, c, base) })
		if !dbtest.IsPostgres(db) {
			// Last: it deletes most records. The builder is the same on
			// both backends; one measurement is enough.
			t.Run("memory does not follow the record count", func(t *testing.T) { checkMemory(t, db) })
		}
	})
}

func checkShape(t *testing.T, res *tables.Result) {
	if res.District.Code != "330411" || res.District.Name != "嘉兴市秀洲区" || len(res.Towns) != 9 {
		t.Errorf("district %+v, %d towns", res.District, len(res.Towns))
	}
	if got := res.Reference.Format(time.DateOnly); got != "2026-10-31" {
		t.Errorf("reference date %s", got)
	}
	want := map[string]int{
		dataset.DistrictSummary: 7, dataset.Organizations: 100, dataset.PartyBuildingLinks: 30, dataset.Projects: 39,
		dataset.ProjectOutcomes: 100, dataset.VolunteerHoursMonthly: 1000, dataset.VolunteersByTown: 50,
		dataset.NeedsMonthly: 300, dataset.CaseStatistics: 150, dataset.PracticeBases: 10, dataset.ChildrenSummary: 7,
		dataset.PartyCoverage: 10, dataset.ServicePoints: 17, dataset.CompetitionAwards: 8,
	}
	for _, tb := range res.Tables {
		if n := len(tb.Rows); n < want[tb.Dataset.ID] {
			t.Errorf("%s: %d rows, want at least %d", tb.Dataset.ID, n, want[tb.Dataset.ID])
		}
	}
	// case-statistics: the fixed grid, 2020Q1–2026Q4 × (the district and
	// its 9 towns) × (6 kinds + ALL), whatever the cases.
	if got, want := rowKeys(res.Table(dataset.CaseStatistics)), caseGrid(res); !slices.Equal(got, want) || len(want) != 28*10*7 {
		t.Errorf("case-statistics has %d rows, want the grid's %d (28 quarters × 10 places × 7 kinds)", len(got), len(want))
	}
	// The headline table: 2020–2026, hours growing with the programme.
	ds := res.Table(dataset.DistrictSummary)
	first, last := ds.Rows[0], ds.Rows[len(ds.Rows)-1]
	if first[0].Int != 2020 || last[0].Int != 2026 {
		t.Errorf("district-summary years %d–%d", first[0].Int, last[0].Int)
	}
	hours := ds.Dataset.FieldIndex("verified_hours")
	if ds.Rows[5][hours].Int <= ds.Rows[0][hours].Int {
		t.Errorf("verified hours 2025 (%v) not above 2020 (%v)", ds.Rows[5][hours].Text(), ds.Rows[0][hours].Text())
	}
	// Rows are unique on the primary key.
	for _, tb := range res.Tables {
		seen := map[string]bool{}
		for _, r := range tb.Rows {
			k := key(tb, r)
			if seen[k] {
				t.Errorf("%s: duplicate key %s", tb.Dataset.ID, k)
			}
			seen[k] = true
		}
	}
}

func key(tb *dataset.Table, r dataset.Row) string {
	var parts []string
	for _, k := range tb.Dataset.PrimaryKey {
		parts = append(parts, r[tb.Dataset.FieldIndex(k)].Text())
	}
	return strings.Join(parts, "|")
}

// cellDiff names one differing cell: dataset, row key, field.
type cellDiff struct{ dataset, key, field, before, after string }

func (d cellDiff) String() string {
	return fmt.Sprintf("%s[%s].%s: %q → %q", d.dataset, d.key, d.field, d.before, d.after)
}

func diffTables(a, b *tables.Result) []cellDiff {
	var out []cellDiff
	for i, ta := range a.Tables {
		tb := b.Tables[i]
		rows := map[string]dataset.Row{}
		for _, r := range tb.Rows {
			rows[key(tb, r)] = r
		}
		for _, r := range ta.Rows {
			k := key(ta, r)
			o, ok := rows[k]
			if !ok {
				out = append(out, cellDiff{ta.Dataset.ID, k, "(row)", "present", "missing"})
				continue
			}
			delete(rows, k)
			for j, f := range ta.Dataset.Fields {
				if r[j].Text() != o[j].Text() {
					out = append(out, cellDiff{ta.Dataset.ID, k, f.Name, r[j].Text(), o[j].Text()})
				}
			}
		}
		for k := range rows {
			out = append(out, cellDiff{ta.Dataset.ID, k, "(row)", "missing", "present"})
		}
	}
	return out
}

// personCountFields are the protected fields that count people, needs or
// cases (hours are sums, not counts).
func personCountFields(d *dataset.Dataset) []int {
	var out []int
	for i, f := range d.Fields {
		if f.Protected && f.Type == dataset.Integer && (f.Unit.En == "people" || f.Unit.En == "needs" || f.Unit.En == "cases") {
			out = append(out, i)
		}
	}
	return out
}

func checkNoSmallCounts(t *testing.T, res *tables.Result) {
	checked := 0
	for _, tb := range res.Tables {
		if !tb.Dataset.PersonDerived {
			continue
		}
		for _, r := range tb.Rows {
			for _, i := range personCountFields(tb.Dataset) {
				v := r[i]
				if v.Kind == dataset.KindInt && v.Int != 0 && v.Int < fixture.K {
					t.Errorf("%s[%s].%s = %d, below k = %d", tb.Dataset.ID, key(tb, r), tb.Dataset.Fields[i].Name, v.Int, fixture.K)
				}
				if v.Kind == dataset.KindInt && v.Int%disclosure.RoundBase != 0 {
					t.Errorf("%s[%s].%s = %d, not rounded to base %d", tb.Dataset.ID, key(tb, r), tb.Dataset.Fields[i].Name, v.Int, disclosure.RoundBase)
				}
				checked++
			}
		}
		// Outcome values that count people are withheld below k too.
		if tb.Dataset.ID == dataset.ProjectOutcomes {
			unit, actual := tb.Dataset.FieldIndex("unit"), tb.Dataset.FieldIndex("actual")
			for _, r := range tb.Rows {
				if r[unit].Text() == "人" && r[actual].Kind == dataset.KindNumber && r[actual].Num > 0 && r[actual].Num < fixture.K {
					t.Errorf("project-outcomes[%s] counts %v people", key(tb, r), r[actual].Num)
				}
			}
		}
	}
	if checked < 5000 {
		t.Errorf("only %d person counts checked", checked)
	}
}

// checkNoPersons looks for every person's name, volunteer number and phone
// in every published string.
func checkNoPersons(t *testing.T, c *ent.Client, res *tables.Result) {
	people := c.Person.Query().Select(person.FieldName, person.FieldVolunteerNumber, person.FieldPhone).AllX(fixture.Context())
	names := map[string]bool{}
	for _, p := range people {
		names[p.Name] = true
	}
	for _, tb := range res.Tables {
		for _, r := range tb.Rows {
			for j, v := range r {
				if v.Kind != dataset.KindString {
					continue
				}
				if names[v.Str] {
					t.Errorf("%s[%s].%s is a person's name: %q", tb.Dataset.ID, key(tb, r), tb.Dataset.Fields[j].Name, v.Str)
				}
				if strings.Contains(v.Str, "ZJ330411") {
					t.Errorf("%s[%s].%s holds a volunteer number", tb.Dataset.ID, key(tb, r), tb.Dataset.Fields[j].Name)
				}
			}
		}
	}
	for _, p := range people[:200] {
		for _, tb := range res.Tables {
			for _, r := range tb.Rows {
				for _, v := range r {
					if v.Kind == dataset.KindString && p.Phone != "" && strings.Contains(v.Str, p.Phone) {
						t.Fatalf("%s holds a phone number", tb.Dataset.ID)
					}
				}
			}
		}
	}
}

// checkChildren adds a 12-year-old volunteer with a verified record in a
// town: only children-summary may change — not even the district-wide rows
// of the other tables, whose population is adults.
func checkChildren(t *testing.T, c *ent.Client, before *tables.Result) {
	ctx := fixture.Context()
	team := c.Organization.Query().Where(organization.KindEQ(organization.KindVOLUNTEER_TEAM)).FirstX(ctx)
	act := c.Activity.Query().Where(activity.RegionID(team.RegionID), activity.StartsAtGTE(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)),
		activity.StartsAtLT(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))).FirstX(ctx)
	if act == nil {
		t.Skip("no activity in the team's town")
	}
	child := c.Person.Create().SetVolunteerNumber("ZJ330411TEST01").SetName("测试儿童").SetGender(person.GenderFEMALE).
		SetBirthDate(time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC)).SaveX(ctx)
	c.Membership.Create().SetPersonID(child.ID).SetOrganizationID(team.ID).SetRole(membership.RoleVOLUNTEER).
		SetJoinedOn(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)).SaveX(ctx)
	addRecord(t, c, child.ID, act, 180)

	after := build(t, c)
	changed := 0
	for _, d := range diffTables(before, after) {
		if d.dataset != dataset.ChildrenSummary {
			t.Errorf("a child changed %s", d)
		}
		changed++
	}
	t.Logf("%d children-summary cells changed", changed)
	// No age band outside the adult population is published anywhere.
	vbt := after.Table(dataset.VolunteersByTown)
	for _, r := range vbt.Rows {
		if r[2].Str == dataset.AgeUnder18 || r[2].Str == dataset.AgeUnknown {
			t.Errorf("volunteers-by-town has a %s row: %s", r[2].Str, key(vbt, r))
		}
	}
}

func addRecord(t *testing.T, c *ent.Client, personID int, act *ent.Activity, minutes int) *ent.ServiceRecord {
	t.Helper()
	day := act.StartsAt.In(calendar.Zone)
	served := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	return c.ServiceRecord.Create().SetPersonID(personID).SetActivityID(act.ID).SetServedOn(served).SetMinutes(minutes).
		SetRecordedBy("opendata-test").SetStatus(servicerecord.StatusVERIFIED).SetReviewedBy("opendata-test").
		SetReviewedAt(act.EndsAt.Add(24 * time.Hour)).SaveX(fixture.Context())
}

// checkIncremental adds one verified record for an adult who is already
// active that year and month, in a month well under the hours cap: only the
// four month × town × domain cells it belongs to, the year's hours and its
// project's hours may change.
func checkIncremental(t *testing.T, c *ent.Client) {
	ctx := fixture.Context()
	before := build(t, c)
	// An adult, non-student volunteer with a record in 2026 at a project activity.
	recs := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED),
		servicerecord.ServedOnGTE(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)),
		servicerecord.ServedOnLT(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))).
		WithActivity().WithPerson().Order(servicerecord.ByID()).Limit(500).AllX(ctx)
	var pick *ent.ServiceRecord
	for _, r := range recs {
		p := r.Edges.Person
		if p.UniversityID == nil && p.BirthDate != nil && p.BirthDate.Year() < 2000 && r.Edges.Activity.ProjectID != nil {
			pick = r
			break
		}
	}
	if pick == nil {
		t.Fatal("no suitable record")
	}
	// Another activity of the same project, town and month the person did not serve at.
	act := pick.Edges.Activity
	others := c.Activity.Query().Where(activity.ProjectID(*act.ProjectID), activity.RegionID(act.RegionID),
		activity.StartsAtGTE(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC).Add(-8*time.Hour)),
		activity.StartsAtLT(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC).Add(-8*time.Hour)),
		activity.IDNEQ(act.ID)).AllX(ctx)
	var target *ent.Activity
	for _, a := range others {
		if n := c.ServiceRecord.Query().Where(servicerecord.PersonID(pick.PersonID), servicerecord.ActivityID(a.ID)).CountX(ctx); n == 0 {
			target = a
			break
		}
	}
	if target == nil {
		target = act // the same activity again: still the same cells
	}
	added := addRecord(t, c, pick.PersonID, target, 150)
	t.Logf("added record %d: person %d, activity %d on %s", added.ID, pick.PersonID, target.ID, added.ServedOn.Format(time.DateOnly))
	after := build(t, c)

	project := gid.Encode(*target.ProjectID)
	allowed := func(d cellDiff) bool {
		switch d.dataset {
		case dataset.VolunteerHoursMonthly:
			parts := strings.Split(d.key, "|")
			return parts[0] == "2026-06" && (d.field == "verified_hours" || d.field == "volunteers")
		case dataset.DistrictSummary:
			return d.key == "2026" && d.field == "verified_hours"
		case dataset.Projects:
			return d.key == project && (d.field == "verified_hours" || d.field == "volunteers")
		}
		return false
	}
	diffs := diffTables(before, after)
	cells := map[string]bool{}
	for _, d := range diffs {
		if !allowed(d) {
			t.Errorf("a new record changed an unrelated cell: %s", d)
		}
		if d.dataset == dataset.VolunteerHoursMonthly {
			cells[strings.Join(strings.Split(d.key, "|")[1:], "|")] = true
		}
	}
	if len(cells) > 4 {
		t.Errorf("one record changed %d month×town×domain cells, at most 4 contain it: %v", len(cells), cells)
	}
	t.Logf("%d cells changed: %v", len(diffs), diffs)
}

// checkSameAcrossBackends compares the tables keyed by time and place (not
// by database ids, which the two backends allocate differently): the same
// rows, the same public values, the same withheld cells, and protected
// values within their noise — the noise itself follows the record ids.
func checkSameAcrossBackends(t *testing.T, a, b *tables.Result) {
	for _, id := range []string{dataset.DistrictSummary, dataset.VolunteerHoursMonthly, dataset.VolunteersByTown, dataset.NeedsMonthly, dataset.CaseStatistics, dataset.ChildrenSummary} {
		ta, tb := a.Table(id), b.Table(id)
		if len(ta.Rows) != len(tb.Rows) {
			t.Errorf("%s: %d rows on one backend, %d on the other", id, len(ta.Rows), len(tb.Rows))
			continue
		}
		for i, ra := range ta.Rows {
			rb := tb.Rows[i]
			for j, f := range ta.Dataset.Fields {
				va, vb := ra[j], rb[j]
				switch {
				case !f.Protected || f.Type != dataset.Integer:
					if va.Text() != vb.Text() {
						t.Errorf("%s[%s].%s: %q vs %q", id, key(ta, ra), f.Name, va.Text(), vb.Text())
					}
				case va.Kind != vb.Kind:
					t.Errorf("%s[%s].%s: %q vs %q (withheld on one backend only)", id, key(ta, ra), f.Name, va.Text(), vb.Text())
				case f.Unit.En == "hours":
					if d := va.Int - vb.Int; d*d > max(9, va.Int*va.Int/25) {
						t.Errorf("%s[%s].%s: %d vs %d", id, key(ta, ra), f.Name, va.Int, vb.Int)
					}
				default:
					if d := va.Int - vb.Int; d < -5 || d > 5 {
						t.Errorf("%s[%s].%s: %d vs %d", id, key(ta, ra), f.Name, va.Int, vb.Int)
					}
				}
			}
		}
	}
}

// checkComplements applies the release build's secondary suppression to
// the demo district with two secrets (one whose noise lets the published
// values confine a withheld count on SQLite's ids, found by trying
// secrets): afterwards the interval audit confines nothing, and every cell
// of k or more that is withheld is a complement.
func checkComplements(t *testing.T, c *ent.Client) {
	for _, secret := range [][]byte{fixture.Secret, []byte("complement-search-secret-15")} {
		rules, err := disclosure.New(fixture.K, secret)
		if err != nil {
			t.Fatal(err)
		}
		res, err := tables.Build(fixture.Context(), c, tables.Options{Rules: rules, Now: fixture.Now})
		if err != nil {
			t.Fatal(err)
		}
		snap := attack.Snapshot("v", res.District.Code, rules, res.Tables)
		n := attack.Complements(rules, attack.DefaultTolerance, snap)
		if p := attack.Pinned(rules, attack.DefaultTolerance, snap); len(p) != 0 {
			t.Errorf("still confined: %s", p[0].Name())
		}
		withheld := 0
		for i := range snap.Cells {
			if c := &snap.Cells[i]; c.Suppressed && c.Truth.Total().N >= int64(fixture.K) {
				withheld++
			}
		}
		if withheld != n {
			t.Errorf("%d cells of k or more withheld, %d complements", withheld, n)
		}
		t.Logf("secret %q: %d complements", secret, n)
	}
}
