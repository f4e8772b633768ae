package projects

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/audit"
	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/input"
	"github.com/tongxing/tongxing/policy"
)

// CreateActivityInput is the GraphQL CreateActivityInput.
type CreateActivityInput struct {
	Title          string
	Kind           *activity.Kind
	OrganizationID int
	ProjectID      *int
	RegionCode     string
	Place          *string
	StartsAt       time.Time
	EndsAt         time.Time
	Beneficiaries  *int
	Description    *string
}

// UpdateActivityInput is the GraphQL UpdateActivityInput.
type UpdateActivityInput struct {
	Title         *string
	Kind          *activity.Kind
	ProjectID     graphql.Omittable[*int]
	RegionCode    *string
	Place         *string
	StartsAt      *time.Time
	EndsAt        *time.Time
	Beneficiaries *int
	Description   *string
}

// MaxActivityLength bounds an activity's span; longer events are recorded
// as several activities so that hours stay attributable to dates.
const MaxActivityLength = 7 * 24 * time.Hour

const (
	maxPlace         = 200
	maxBeneficiaries = 1_000_000
)

// CreateActivity validates in and creates the activity.
func CreateActivity(ctx context.Context, c *ent.Client, in CreateActivityInput) (*ent.Activity, error) {
	if err := policy.MayCreateActivity(ctx, c, in.OrganizationID); err != nil {
		return nil, err
	}
	f := apierror.NewFields("input")
	title := input.Text(f, "title", in.Title, maxName, true)
	if err := input.OrganizationExists(ctx, c, f, "organizationId", in.OrganizationID); err != nil {
		return nil, err
	}
	if in.ProjectID != nil {
		if err := input.ProjectExists(ctx, c, f, "projectId", *in.ProjectID); err != nil {
			return nil, err
		}
	}
	regionID, err := input.RegionID(ctx, c, f, "regionCode", in.RegionCode)
	if err != nil {
		return nil, err
	}
	place := input.OptionalText(f, "place", in.Place, maxPlace)
	checkSpan(f, in.StartsAt, in.EndsAt)
	checkBeneficiaries(f, in.Beneficiaries)
	desc := input.OptionalText(f, "description", in.Description, maxText)
	if err := f.Err(); err != nil {
		return nil, err
	}
	saved, err := c.Activity.Create().
		SetTitle(title).
		SetNillableKind(in.Kind).
		SetOrganizationID(in.OrganizationID).
		SetNillableProjectID(in.ProjectID).
		SetRegionID(regionID).
		SetNillablePlace(place).
		SetStartsAt(in.StartsAt).
		SetEndsAt(in.EndsAt).
		SetNillableBeneficiaries(in.Beneficiaries).
		SetNillableDescription(desc).
		Save(ctx)
	return audit.Acted(ctx, saved, err)
}

// UpdateActivity validates in and applies it to activity id.
func UpdateActivity(ctx context.Context, c *ent.Client, id int, in UpdateActivityInput) (*ent.Activity, error) {
	if err := policy.MayUpdateActivity(ctx, c, id); err != nil {
		return nil, err
	}
	a, err := c.Activity.Get(ctx, id)
	if err != nil {
		return nil, input.NotFound(err, "活动不存在 (no such activity)")
	}
	f := apierror.NewFields("input")
	upd := a.Update()
	if in.Title != nil {
		upd.SetTitle(input.Text(f, "title", *in.Title, maxName, true))
	}
	if in.Kind != nil {
		upd.SetKind(*in.Kind)
	}
	if v, set := in.ProjectID.ValueOK(); set {
		if v == nil {
			upd.ClearProject()
		} else {
			if err := input.ProjectExists(ctx, c, f, "projectId", *v); err != nil {
				return nil, err
			}
			upd.SetProjectID(*v)
		}
	}
	if in.RegionCode != nil {
		regionID, err := input.RegionID(ctx, c, f, "regionCode", *in.RegionCode)
		if err != nil {
			return nil, err
		}
		upd.SetRegionID(regionID)
	}
	if v := input.OptionalText(f, "place", in.Place, maxPlace); v != nil {
		upd.SetPlace(*v)
	}
	start, end := a.StartsAt, a.EndsAt
	if in.StartsAt != nil {
		start = *in.StartsAt
		upd.SetStartsAt(start)
	}
	if in.EndsAt != nil {
		end = *in.EndsAt
		upd.SetEndsAt(end)
	}
	checkSpan(f, start, end)
	if in.Beneficiaries != nil {
		checkBeneficiaries(f, in.Beneficiaries)
		upd.SetBeneficiaries(*in.Beneficiaries)
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

func checkSpan(f *apierror.Fields, start, end time.Time) {
	input.Reasonable(f, "startsAt", &start)
	switch {
	case !end.After(start):
		f.Add("endsAt", "结束时间应晚于开始时间 (endsAt must be after startsAt)")
	case end.Sub(start) > MaxActivityLength:
		f.Add("endsAt", "活动不能超过 7 天，请分成多个活动 (an activity may last at most 7 days)")
	}
}

func checkBeneficiaries(f *apierror.Fields, n *int) {
	if n != nil && (*n < 0 || *n > maxBeneficiaries) {
		f.Add("beneficiaries", "受益人次应为 0–1000000 (beneficiaries must be 0–1000000)")
	}
}
