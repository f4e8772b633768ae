// Package results computes what projects achieve: progress against their
// indicators (IATI results framework) rolled up from sub-projects, the
// volunteer hours that stand next to them, indicator totals for a division,
// and the district dashboard's headline figures.
package results

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/auth"
	"github.com/tongxing/tongxing/input"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/hoursbyproject"
	"github.com/tongxing/tongxing/ent/indicator"
	"github.com/tongxing/tongxing/ent/outcome"
	"github.com/tongxing/tongxing/ent/privacy"
	"github.com/tongxing/tongxing/ent/project"
)

// allRows reads aggregates across every scope: the figures here are counts
// and sums, never a person's data.
func allRows(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// IndicatorProgress is how far one measurement is from baseline to target,
// 0–1, or false when it cannot say (qualitative, or no baseline/target/actual,
// or target equal to baseline). Direction comes from the numbers: a target
// below the baseline is a reduction.
func IndicatorProgress(measure indicator.Measure, baseline, target, actual *float64) (float64, bool) {
	if measure == indicator.MeasureQUALITATIVE || measure == indicator.MeasureNOMINAL || target == nil || actual == nil {
		return 0, false
	}
	base := 0.0
	if baseline != nil {
		base = *baseline
	}
	span := *target - base
	if span == 0 {
		return 0, false
	}
	return math.Max(0, math.Min(1, (*actual-base)/span)), true
}

// Progress of project id: the mean progress of its indicators (latest
// measured period of each), combined with its sub-projects' progress
// weighted by their weight (the project's own indicators weigh 1). Nil when
// nothing in the tree is measurable.
//
// Progress reveals an actual value once baseline and target are known, so
// for callers who do not get a project's outcome values exact it is
// computed from the values the open data publishes: a withheld value makes
// its indicator unmeasurable rather than letting its progress through.
func Progress(ctx context.Context, c *ent.Client, fig *Figures, v *auth.Viewer, id int) (*float64, error) {
	exact := map[int]bool{} // by project: sub-projects may be led by others
	values := func(o *ent.Outcome) (baseline, actual *float64, err error) {
		ok, seen := exact[o.ProjectID]
		if !seen {
			if ok, err = ExactOutcomes(ctx, c, v, o.ProjectID); err != nil {
				return nil, nil, err
			}
			exact[o.ProjectID] = ok
		}
		if ok {
			return o.Baseline, o.Actual, nil
		}
		if baseline, err = fig.OutcomeValue(ctx, c, nil, o.ID, "baseline", o.Baseline); err != nil {
			return nil, nil, err
		}
		actual, err = fig.OutcomeValue(ctx, c, nil, o.ID, "actual", o.Actual)
		if o.Baseline != nil && baseline == nil {
			actual = nil // a withheld baseline makes the indicator unmeasurable
		}
		return baseline, actual, err
	}
	p, err := progress(allRows(ctx), c, id, map[int]bool{}, values)
	if err != nil || math.IsNaN(p) {
		return nil, err
	}
	return &p, nil
}

func progress(ctx context.Context, c *ent.Client, id int, seen map[int]bool,
	values func(*ent.Outcome) (baseline, actual *float64, err error)) (float64, error) {
	if seen[id] {
		return math.NaN(), nil // a cycle in the hierarchy contributes nothing
	}
	seen[id] = true
	outs, err := c.Outcome.Query().Where(outcome.ProjectID(id)).WithIndicator().
		Order(ent.Asc(outcome.FieldIndicatorID), ent.Desc(outcome.FieldPeriodEnd), ent.Desc(outcome.FieldID)).All(ctx)
	if err != nil {
		return 0, err
	}
	var sum, weight float64
	latest := map[int]bool{}
	var own []float64
	for _, o := range outs {
		if latest[o.IndicatorID] || o.Actual == nil {
			continue
		}
		latest[o.IndicatorID] = true
		baseline, actual, err := values(o)
		if err != nil {
			return 0, err
		}
		if v, ok := IndicatorProgress(o.Edges.Indicator.Measure, baseline, o.Target, actual); ok {
			own = append(own, v)
		}
	}
	if len(own) > 0 {
		var s float64
		for _, v := range own {
			s += v
		}
		sum, weight = s/float64(len(own)), 1
	}
	children, err := c.Project.Query().Where(project.ParentID(id)).Select(project.FieldWeight).All(ctx)
	if err != nil {
		return 0, err
	}
	for _, ch := range children {
		v, err := progress(ctx, c, ch.ID, seen, values)
		if err != nil {
			return 0, err
		}
		if math.IsNaN(v) || ch.Weight <= 0 {
			continue
		}
		sum += v * ch.Weight
		weight += ch.Weight
	}
	if weight == 0 {
		return math.NaN(), nil
	}
	return sum / weight, nil
}

// ProjectHours are the verified hours and distinct volunteers of a
// project's activities.
func ProjectHours(ctx context.Context, c *ent.Client, id int) (hours float64, volunteers int, err error) {
	all, err := ProjectHoursOf(ctx, c, []int{id})
	return all[id].Hours, all[id].Volunteers, err
}

// ProjectSums are a project's verified hours and distinct volunteers.
type ProjectSums struct {
	Hours      float64
	Volunteers int
}

// ProjectHoursOf is ProjectHours of many projects in one statement, read
// from their roll-ups (package rollups); projects without verified time
// are absent (zero).
func ProjectHoursOf(ctx context.Context, c *ent.Client, ids []int) (map[int]ProjectSums, error) {
	rows, err := c.HoursByProject.Query().Where(hoursbyproject.ProjectIDIn(ids...)).All(allRows(ctx))
	if err != nil {
		return nil, err
	}
	out := make(map[int]ProjectSums, len(rows))
	for _, r := range rows {
		out[r.ProjectID] = ProjectSums{Hours: float64(r.Minutes) / 60, Volunteers: r.Volunteers}
	}
	return out, nil
}

// Total is an indicator summed over the projects serving a division.
type Total struct {
	IndicatorID int
	RegionID    int
	From, To    time.Time
	// Actual is nil for a caller who does not get exact division figures
	// when any value summed is withheld in the open data (a count of people
	// from 1 to k − 1): the published total of the others would give it away.
	Actual       *float64
	Target       float64
	ProjectCount int
}

// OutcomeTotals sums, over projects serving the division with code prefix
// regionCode (or a division below it), the latest measurement of indicator
// in periods overlapping from–to. Arguments are checked first: an unknown
// division or a reversed range is BAD_USER_INPUT, an unknown indicator
// NOT_FOUND.
//
// Callers ExactDivision does not admit get the sum of the values the open
// data publishes (OutcomeValue), or no actual total when one is withheld.
func OutcomeTotals(ctx context.Context, c *ent.Client, fig *Figures, v *auth.Viewer, indicatorID int, regionCode string, from, to time.Time) (*Total, error) {
	f := apierror.NewFields("")
	input.Order(f, "to", &from, &to)
	regionID, err := input.RegionID(ctx, c, f, "regionCode", regionCode)
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if _, err := c.Indicator.Get(ctx, indicatorID); err != nil {
		return nil, input.NotFound(err, "指标不存在 (no such indicator)")
	}
	exact := ExactDivision(v)
	ctx = allRows(ctx)
	outs, err := c.Outcome.Query().
		Where(outcome.IndicatorID(indicatorID), outcome.PeriodStartLTE(to), outcome.PeriodEndGTE(from),
			outcome.HasProjectWith(project.HasRegionsWith(regionUnder(regionCode)))).
		Order(ent.Asc(outcome.FieldProjectID), ent.Desc(outcome.FieldPeriodEnd), ent.Desc(outcome.FieldID)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	actual, withheld := 0.0, false
	t := &Total{IndicatorID: indicatorID, RegionID: regionID, From: from, To: to}
	seen := map[int]bool{}
	for _, o := range outs {
		if seen[o.ProjectID] {
			continue
		}
		seen[o.ProjectID] = true
		t.ProjectCount++
		a := o.Actual
		if !exact && a != nil {
			if a, err = fig.OutcomeValue(ctx, c, nil, o.ID, "actual", a); err != nil {
				return nil, err
			}
			withheld = withheld || a == nil
		}
		if a != nil {
			actual += *a
		}
		if o.Target != nil {
			t.Target += *o.Target
		}
	}
	if !withheld {
		t.Actual = &actual
	}
	return t, nil
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
