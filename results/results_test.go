package results_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/database"
	"github.com/tongxing/tongxing/database/dbtest"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/indicator"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
	"github.com/tongxing/tongxing/policy"
	"github.com/tongxing/tongxing/results"
)

func f(v float64) *float64 { return &v }

func TestIndicatorProgress(t *testing.T) {
	cases := []struct {
		name                     string
		measure                  indicator.Measure
		baseline, target, actual *float64
		want                     float64
		ok                       bool
	}{
		{name: "half way", measure: indicator.MeasureUNIT, baseline: f(0), target: f(80), actual: f(40), want: 0.5, ok: true},
		{name: "no baseline counts from 0", measure: indicator.MeasureUNIT, target: f(80), actual: f(20), want: 0.25, ok: true},
		{name: "from a baseline", measure: indicator.MeasurePERCENTAGE, baseline: f(50), target: f(70), actual: f(60), want: 0.5, ok: true},
		{name: "beyond the target is 1", measure: indicator.MeasureUNIT, baseline: f(0), target: f(80), actual: f(86), want: 1, ok: true},
		{name: "below the baseline is 0", measure: indicator.MeasureUNIT, baseline: f(10), target: f(80), actual: f(5), want: 0, ok: true},
		// A target below the baseline is a reduction: going down is progress.
		{name: "reduction", measure: indicator.MeasureUNIT, baseline: f(100), target: f(60), actual: f(90), want: 0.25, ok: true},
		{name: "target equals baseline", measure: indicator.MeasureUNIT, baseline: f(5), target: f(5), actual: f(5)},
		{name: "no target", measure: indicator.MeasureUNIT, baseline: f(0), actual: f(5)},
		{name: "no actual", measure: indicator.MeasureUNIT, baseline: f(0), target: f(5)},
		{name: "qualitative", measure: indicator.MeasureQUALITATIVE, baseline: f(0), target: f(5), actual: f(5)},
		{name: "nominal", measure: indicator.MeasureNOMINAL, baseline: f(0), target: f(5), actual: f(5)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := results.IndicatorProgress(tc.measure, tc.baseline, tc.target, tc.actual)
			if ok != tc.ok || math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("IndicatorProgress = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// world: a district, a town in it and a town outside; a lead
// organisation; indicators.
type world struct {
	c                  *ent.Client
	sys                context.Context
	town, otherTown    *ent.Region
	org                *ent.Organization
	households, visits *ent.Indicator
}

func newWorld(t *testing.T, db *database.DB) *world {
	t.Helper()
	w := &world{c: db.Client, sys: policy.SystemContext(context.Background(), "test")}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	district, err := w.c.Region.Create().SetCode("330411").SetName("秀洲区").SetLevel(region.LevelDISTRICT).Save(w.sys)
	must(err)
	w.town, err = w.c.Region.Create().SetCode("330411104").SetName("新塍镇").SetLevel(region.LevelTOWN).SetParent(district).Save(w.sys)
	must(err)
	w.otherTown, err = w.c.Region.Create().SetCode("330402001").SetName("外区街道").SetLevel(region.LevelTOWN).Save(w.sys)
	must(err)
	w.org, err = w.c.Organization.Create().SetName("孝慈社工").SetKind(organization.KindSOCIAL_WORK_AGENCY).SetRegion(w.town).Save(w.sys)
	must(err)
	w.households, err = w.c.Indicator.Create().SetCode("households-served").SetName("服务农户数").Save(w.sys)
	must(err)
	w.visits, err = w.c.Indicator.Create().SetCode("visits").SetName("探访次数").Save(w.sys)
	must(err)
	return w
}

func (w *world) project(t *testing.T, name string, parent *ent.Project, weight float64, regions ...*ent.Region) *ent.Project {
	t.Helper()
	q := w.c.Project.Create().SetName(name).SetWeight(weight).AddRegions(regions...)
	if parent != nil {
		q.SetParent(parent)
	}
	p, err := q.Save(w.sys)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) outcome(t *testing.T, p *ent.Project, ind *ent.Indicator, start, end string, baseline, target, actual *float64) {
	t.Helper()
	s, _ := time.Parse(time.DateOnly, start)
	e, _ := time.Parse(time.DateOnly, end)
	if err := w.c.Outcome.Create().SetProject(p).SetIndicator(ind).SetPeriodStart(s).SetPeriodEnd(e).
		SetNillableBaseline(baseline).SetNillableTarget(target).SetNillableActual(actual).Exec(w.sys); err != nil {
		t.Fatal(err)
	}
}

var adminViewer = &auth.Viewer{KeyID: 1, Name: "admin", Role: auth.RoleAdmin}

func adminCtx() context.Context { return auth.NewContext(context.Background(), adminViewer) }

// TestProgress: the latest measured period of each indicator, averaged,
// combined with sub-projects by weight (the project's own indicators
// weigh 1).
func TestProgress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		parent := w.project(t, "一口暖心饭", nil, 1, w.town)
		// Own indicators: households 2023 at 0.25 then 2024 at 0.5 (the
		// latest counts); visits 1.0 → own mean 0.75.
		w.outcome(t, parent, w.households, "2023-01-01", "2023-12-31", f(0), f(100), f(25))
		w.outcome(t, parent, w.households, "2024-01-01", "2024-12-31", f(0), f(100), f(50))
		w.outcome(t, parent, w.visits, "2024-01-01", "2024-12-31", nil, f(10), f(12))
		// A later period not yet measured does not hide the measured one.
		w.outcome(t, parent, w.households, "2025-01-01", "2025-12-31", f(0), f(100), nil)
		// Sub-project of weight 3 at 0.0 → (0.75·1 + 0·3) / 4.
		child := w.project(t, "助餐点", parent, 3, w.town)
		w.outcome(t, child, w.households, "2024-01-01", "2024-12-31", f(0), f(10), f(0))
		// A sub-project with weight 0, or with nothing measurable, counts
		// for nothing.
		idle := w.project(t, "暂停", parent, 0, w.town)
		w.outcome(t, idle, w.households, "2024-01-01", "2024-12-31", f(0), f(10), f(10))
		w.project(t, "未测量", parent, 5, w.town)

		got, err := results.Progress(adminCtx(), w.c, nil, adminViewer, parent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || math.Abs(*got-0.1875) > 1e-9 {
			t.Errorf("Progress = %v, want 0.1875", got)
		}
		empty := w.project(t, "空", nil, 1)
		if got, err := results.Progress(adminCtx(), w.c, nil, adminViewer, empty.ID); err != nil || got != nil {
			t.Errorf("Progress of a project with nothing measured = %v, %v; want nil", got, err)
		}
	})
}

// TestProjectHours: verified records only, distinct volunteers.
func TestProjectHours(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		p := w.project(t, "一口暖心饭", nil, 1, w.town)
		other := w.project(t, "别的项目", nil, 1, w.town)
		start := time.Date(2025, 3, 1, 1, 0, 0, 0, time.UTC)
		act := func(p *ent.Project) *ent.Activity {
			a, err := w.c.Activity.Create().SetTitle("助餐").SetOrganization(w.org).SetProject(p).SetRegion(w.town).
				SetStartsAt(start).SetEndsAt(start.Add(5 * time.Hour)).Save(w.sys)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
		a1, a2, elsewhere := act(p), act(p), act(other)
		var vols []*ent.Person
		for i := 0; i < 3; i++ {
			v, err := w.c.Person.Create().SetVolunteerNumber("ZJ" + string(rune('0'+i))).SetName("志愿者").SetGender(person.GenderFEMALE).Save(w.sys)
			if err != nil {
				t.Fatal(err)
			}
			vols = append(vols, v)
		}
		rec := func(v *ent.Person, a *ent.Activity, minutes int, s servicerecord.Status) {
			if err := w.c.ServiceRecord.Create().SetPerson(v).SetActivity(a).SetServedOn(start).SetMinutes(minutes).
				SetRecordedBy("test").SetStatus(s).Exec(w.sys); err != nil {
				t.Fatal(err)
			}
		}
		rec(vols[0], a1, 90, servicerecord.StatusVERIFIED)
		rec(vols[0], a2, 60, servicerecord.StatusVERIFIED) // same volunteer, counted once
		rec(vols[1], a1, 30, servicerecord.StatusVERIFIED)
		rec(vols[2], a1, 600, servicerecord.StatusPENDING)
		rec(vols[2], a2, 600, servicerecord.StatusREJECTED)
		rec(vols[2], elsewhere, 600, servicerecord.StatusVERIFIED)
		hours, volunteers, err := results.ProjectHours(w.sys, w.c, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if hours != 3 || volunteers != 2 {
			t.Errorf("ProjectHours = %v h, %d volunteers; want 3 h, 2", hours, volunteers)
		}
	})
}

// TestOutcomeTotals: arguments first, then the latest measurement of each
// project serving the division, over periods overlapping the range.
func TestOutcomeTotals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
		a := w.project(t, "甲", nil, 1, w.town)
		b := w.project(t, "乙", nil, 1, w.town)
		out := w.project(t, "区外", nil, 1, w.otherTown)
		w.outcome(t, a, w.households, "2024-01-01", "2024-06-30", nil, f(50), f(20))
		w.outcome(t, a, w.households, "2024-07-01", "2024-12-31", nil, f(60), f(40)) // latest of a
		w.outcome(t, b, w.households, "2024-01-01", "2024-12-31", nil, nil, f(5))
		w.outcome(t, b, w.households, "2023-01-01", "2023-12-31", nil, f(999), f(999)) // outside the range
		w.outcome(t, out, w.households, "2024-01-01", "2024-12-31", nil, f(1000), f(1000))
		w.outcome(t, a, w.visits, "2024-01-01", "2024-12-31", nil, f(1000), f(1000)) // another indicator

		ctx := adminCtx()
		total, err := results.OutcomeTotals(ctx, w.c, nil, adminViewer, w.households.ID, "330411", d("2024-01-01"), d("2024-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		if total.Actual == nil || *total.Actual != 45 || total.Target != 60 || total.ProjectCount != 2 {
			t.Errorf("total = actual %v, target %v, %d projects; want 45, 60, 2", total.Actual, total.Target, total.ProjectCount)
		}

		args := []struct {
			name      string
			indicator int
			region    string
			from, to  string
			code      apierror.Code
			field     string
		}{
			{name: "reversed range", indicator: w.households.ID, region: "330411", from: "2024-12-31", to: "2024-01-01", code: apierror.BadUserInput, field: "to"},
			{name: "unknown division", indicator: w.households.ID, region: "330499", from: "2024-01-01", to: "2024-12-31", code: apierror.BadUserInput, field: "regionCode"},
			{name: "unknown indicator", indicator: w.households.ID + 1000, region: "330411", from: "2024-01-01", to: "2024-12-31", code: apierror.NotFound},
		}
		for _, tc := range args {
			t.Run(tc.name, func(t *testing.T) {
				_, err := results.OutcomeTotals(ctx, w.c, nil, adminViewer, tc.indicator, tc.region, d(tc.from), d(tc.to))
				l, _ := apierror.As(err)
				if len(l) == 0 || l[0].Code != tc.code || l[0].Field != tc.field {
					t.Errorf("OutcomeTotals = %v, want %s on %q", err, tc.code, tc.field)
				}
			})
		}
	})
}

// TestDistrictStatsArguments: the period and the division are checked
// before anything is counted.
func TestDistrictStatsArguments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		w := newWorld(t, db)
		d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
		unknown, town := "330499", "330411104"
		cases := []struct {
			name     string
			region   *string
			from, to string
			code     apierror.Code
			field    string
		}{
			{name: "reversed range, whole district", from: "2024-12-31", to: "2024-01-01", code: apierror.BadUserInput, field: "to"},
			{name: "reversed range, a town", region: &town, from: "2024-12-31", to: "2024-01-01", code: apierror.BadUserInput, field: "to"},
			{name: "unknown division", region: &unknown, from: "2024-01-01", to: "2024-12-31", code: apierror.BadUserInput, field: "regionCode"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := results.DistrictStats(adminCtx(), w.c, nil, adminViewer, true, tc.region, d(tc.from), d(tc.to), need.StatusEQ(need.StatusOPEN))
				l, _ := apierror.As(err)
				if len(l) == 0 || l[0].Code != tc.code || l[0].Field != tc.field {
					t.Errorf("DistrictStats = %v, want %s on %q", err, tc.code, tc.field)
				}
			})
		}
		// Without a code: the district in the data.
		s, err := results.DistrictStats(adminCtx(), w.c, nil, adminViewer, false, nil, d("2024-01-01"), d("2024-12-31"), need.StatusEQ(need.StatusOPEN))
		if err != nil {
			t.Fatal(err)
		}
		district, _ := w.c.Region.Query().Where(region.Code("330411")).Only(w.sys)
		if s.RegionID != district.ID {
			t.Errorf("default division = %d, want the district %d", s.RegionID, district.ID)
		}
	})
}
