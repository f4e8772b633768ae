package projects

import (
	"context"
	"regexp"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/indicator"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// CreateIndicatorInput is the GraphQL CreateIndicatorInput.
type CreateIndicatorInput struct {
	Code        string
	Name        string
	NameEn      *string
	Unit        *string
	Measure     *indicator.Measure
	Ascending   *bool
	Description *string
}

// UpdateIndicatorInput is the GraphQL UpdateIndicatorInput.
type UpdateIndicatorInput struct {
	Name        *string
	NameEn      *string
	Unit        *string
	Measure     *indicator.Measure
	Ascending   *bool
	Description *string
}

var indicatorCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,63}$`)

// CreateIndicator validates in and defines the indicator.
func CreateIndicator(ctx context.Context, c *ent.Client, in CreateIndicatorInput) (*ent.Indicator, error) {
	if err := policy.MayDefineIndicators(ctx, c); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	code := input.Text(f, "code", in.Code, 64, true)
	if code != "" && !indicatorCode.MatchString(code) {
		f.Add("code", "代码只能含小写字母、数字和连字符 (code: lower-case letters, digits and hyphens)")
	}
	name := input.Text(f, "name", in.Name, maxName, true)
	nameEn := input.OptionalText(f, "nameEn", in.NameEn, maxName)
	unit := input.OptionalText(f, "unit", in.Unit, 32)
	desc := input.OptionalText(f, "description", in.Description, maxText)
	if err := f.Err(); err != nil {
		return nil, err
	}
	taken, err := c.Indicator.Query().Where(indicator.Code(code)).Exist(ctx)
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, &apierror.Error{Code: apierror.Conflict, Field: "input.code", Message: "指标代码已存在 (indicator code already exists)"}
	}
	saved, err := c.Indicator.Create().
		SetCode(code).
		SetName(name).
		SetNillableNameEn(nameEn).
		SetNillableUnit(unit).
		SetNillableMeasure(in.Measure).
		SetNillableAscending(in.Ascending).
		SetNillableDescription(desc).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// UpdateIndicator validates in and applies it to indicator id.
func UpdateIndicator(ctx context.Context, c *ent.Client, id int, in UpdateIndicatorInput) (*ent.Indicator, error) {
	if err := policy.MayDefineIndicators(ctx, c); err != nil {
		return nil, err
	}
	ind, err := c.Indicator.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "指标不存在 (no such indicator)")
	}
	f := apierror.NewFields("input")
	upd := ind.Update()
	if in.Name != nil {
		upd.SetName(input.Text(f, "name", *in.Name, maxName, true))
	}
	if v := input.OptionalText(f, "nameEn", in.NameEn, maxName); v != nil {
		upd.SetNameEn(*v)
	}
	if v := input.OptionalText(f, "unit", in.Unit, 32); v != nil {
		upd.SetUnit(*v)
	}
	if in.Measure != nil {
		upd.SetMeasure(*in.Measure)
	}
	if in.Ascending != nil {
		upd.SetAscending(*in.Ascending)
	}
	if v := input.OptionalText(f, "description", in.Description, maxText); v != nil {
		upd.SetDescription(*v)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := upd.Save(ctx)
	return audit.Acted(ctx, saved, err)
}
