package projects

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/dimension"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/indicator"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// CreateOutcomeInput is the GraphQL CreateOutcomeInput.
type CreateOutcomeInput struct {
	ProjectID   int
	IndicatorID int
	PeriodStart time.Time
	PeriodEnd   time.Time
	Baseline    *float64
	Target      *float64
	Actual      *float64
	Dimensions  []*dimension.Dimension
	Evidence    *string
	VerifiedBy  *string
	Comment     *string
}

// UpdateOutcomeInput is the GraphQL UpdateOutcomeInput.
type UpdateOutcomeInput struct {
	PeriodStart *time.Time
	PeriodEnd   *time.Time
	Baseline    graphql.Omittable[*float64]
	Target      graphql.Omittable[*float64]
	Actual      graphql.Omittable[*float64]
	Dimensions  []*dimension.Dimension
	Evidence    *string
	VerifiedBy  *string
	Comment     *string
}

const maxVerifier = 100

// CreateOutcome validates in and records the measurement.
func CreateOutcome(ctx context.Context, c *ent.Client, in CreateOutcomeInput) (*ent.Outcome, error) {
	if err := policy.MayCreateOutcome(ctx, c, in.ProjectID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	if err := input.ProjectExists(ctx, c, f, "projectId", in.ProjectID); err != nil {
		return nil, err
	}
	ok, err := c.Indicator.Query().Where(indicator.ID(in.IndicatorID)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	f.Check(ok, "indicatorId", "指标不存在 (no such indicator)")
	input.Reasonable(f, "periodStart", &in.PeriodStart)
	input.Reasonable(f, "periodEnd", &in.PeriodEnd)
	input.Order(f, "periodEnd", &in.PeriodStart, &in.PeriodEnd)
	for field, v := range map[string]*float64{"baseline": in.Baseline, "target": in.Target, "actual": in.Actual} {
		checkValue(f, field, v)
	}
	evidence := input.OptionalText(f, "evidence", in.Evidence, maxText)
	verifier := input.OptionalText(f, "verifiedBy", in.VerifiedBy, maxVerifier)
	comment := input.OptionalText(f, "comment", in.Comment, maxText)
	dims := checkDimensions(f, in.Dimensions)
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := c.Outcome.Create().
		SetDimensions(dims).
		SetProjectID(in.ProjectID).
		SetIndicatorID(in.IndicatorID).
		SetPeriodStart(in.PeriodStart).
		SetPeriodEnd(in.PeriodEnd).
		SetNillableBaseline(in.Baseline).
		SetNillableTarget(in.Target).
		SetNillableActual(in.Actual).
		SetNillableEvidence(evidence).
		SetNillableVerifiedBy(verifier).
		SetNillableComment(comment).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// UpdateOutcome validates in and applies it to outcome id.
func UpdateOutcome(ctx context.Context, c *ent.Client, id int, in UpdateOutcomeInput) (*ent.Outcome, error) {
	if err := policy.MayUpdateOutcome(ctx, c, id); err != nil {
		return nil, err
	}
	o, err := c.Outcome.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "成效记录不存在 (no such outcome)")
	}
	f := apierror.NewFields("input")
	upd := o.Update()
	start, end := o.PeriodStart, o.PeriodEnd
	if in.PeriodStart != nil {
		input.Reasonable(f, "periodStart", in.PeriodStart)
		start = *in.PeriodStart
		upd.SetPeriodStart(start)
	}
	if in.PeriodEnd != nil {
		input.Reasonable(f, "periodEnd", in.PeriodEnd)
		end = *in.PeriodEnd
		upd.SetPeriodEnd(end)
	}
	input.Order(f, "periodEnd", &start, &end)
	setValue(f, "baseline", in.Baseline, upd.SetBaseline, upd.ClearBaseline)
	setValue(f, "target", in.Target, upd.SetTarget, upd.ClearTarget)
	setValue(f, "actual", in.Actual, upd.SetActual, upd.ClearActual)
	if in.Dimensions != nil {
		upd.SetDimensions(checkDimensions(f, in.Dimensions))
	}
	if v := input.OptionalText(f, "evidence", in.Evidence, maxText); v != nil {
		upd.SetEvidence(*v)
	}
	if v := input.OptionalText(f, "verifiedBy", in.VerifiedBy, maxVerifier); v != nil {
		upd.SetVerifiedBy(*v)
	}
	if v := input.OptionalText(f, "comment", in.Comment, maxText); v != nil {
		upd.SetComment(*v)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := upd.Save(ctx)
	return audit.Acted(ctx, saved, err)
}

func checkValue(f *apierror.Fields, field string, v *float64) {
	if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0) || math.Abs(*v) > 1e15) {
		f.Add(field, "数值超出范围 (value out of range)")
	}
}

func setValue(f *apierror.Fields, field string, v graphql.Omittable[*float64], set func(float64) *ent.OutcomeUpdateOne, clear func() *ent.OutcomeUpdateOne) {
	p, ok := v.ValueOK()
	if !ok {
		return
	}
	if p == nil {
		clear()
		return
	}
	checkValue(f, field, p)
	set(*p)
}

const maxDimensions = 10

// checkDimensions trims and checks dimension pairs; a name may appear once.
func checkDimensions(f *apierror.Fields, dims []*dimension.Dimension) []dimension.Dimension {
	if len(dims) > maxDimensions {
		f.Add("dimensions", fmt.Sprintf("最多 %d 个维度 (at most %d dimensions)", maxDimensions, maxDimensions))
		return nil
	}
	out := make([]dimension.Dimension, 0, len(dims))
	seen := map[string]bool{}
	for i, d := range dims {
		name := input.Text(f, fmt.Sprintf("dimensions.%d.name", i), d.Name, 50, true)
		value := input.Text(f, fmt.Sprintf("dimensions.%d.value", i), d.Value, 100, true)
		if seen[name] {
			f.Add(fmt.Sprintf("dimensions.%d.name", i), "维度重复 (dimension listed twice)")
		}
		seen[name] = true
		out = append(out, dimension.Dimension{Name: name, Value: value})
	}
	return out
}
