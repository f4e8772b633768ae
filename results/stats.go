package results

import (
	"context"

	"github.com/tongxing/tongxing/apierror"
	"github.com/tongxing/tongxing/input"

	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/tongxing/tongxing/ent"
	"github.com/tongxing/tongxing/ent/activity"
	"github.com/tongxing/tongxing/ent/membership"
	"github.com/tongxing/tongxing/ent/need"
	"github.com/tongxing/tongxing/ent/organization"
	"github.com/tongxing/tongxing/ent/person"
	"github.com/tongxing/tongxing/ent/predicate"
	"github.com/tongxing/tongxing/ent/project"
	"github.com/tongxing/tongxing/ent/region"
	"github.com/tongxing/tongxing/ent/servicerecord"
)

// regionUnder selects the division with code and every division below it:
// division codes nest by prefix (330411 → 330411104 → 330411104001).
func regionUnder(code string) predicate.Region {
	return region.CodeHasPrefix(strings.TrimSpace(code))
}

// StageCounts are projects by lifecycle stage.
type StageCounts struct {
	Design, Showcase, Implementation, Evaluation, Closed int
}

// Stats are a division's headline figures for a period.
type Stats struct {
	RegionID                int
	From, To                time.Time
	RegisteredOrganizations int
	FiledOrganizations      int
	VolunteerTeams          int
	RegisteredVolunteers    int
	ActiveVolunteers        int
	CertifiedSocialWorkers  int
	VerifiedHours           float64
	Activities              int
	Beneficiaries           int
	ProjectsByStage         StageCounts
	NeedsOpened             int
	NeedsResolved           int
	NeedsOverdue            int
}

// DistrictStats computes the headline figures of the division with code
// regionCode (and everything below it; nil means the district in the data)
// for from–to (dates, inclusive). overdue selects the needs past their
// deadline now.
func DistrictStats(ctx context.Context, c *ent.Client, regionCode *string, from, to time.Time, overdue predicate.Need) (*Stats, error) {
	f := apierror.NewFields("")
	input.Order(f, "to", &from, &to)
	var r *ent.Region
	if regionCode != nil {
		id, err := input.RegionID(ctx, c, f, "regionCode", *regionCode)
		if err != nil {
			return nil, err
		}
		if err := f.Err(); err != nil {
			return nil, err
		}
		if r, err = c.Region.Get(ctx, id); err != nil {
			return nil, err
		}
	} else {
		if err := f.Err(); err != nil {
			return nil, err
		}
		var err error
		r, err = c.Region.Query().Where(region.LevelEQ(region.LevelDISTRICT)).Order(ent.Asc(region.FieldCode)).First(ctx)
		if err != nil {
			return nil, input.NotFound(err, "没有区县级区划 (no district in the data)")
		}
	}
	regionCode = &r.Code
	ctx = allRows(ctx)
	s := &Stats{RegionID: r.ID, From: from, To: to}
	// The divisions below are few; naming them by id keeps every count an
	// index lookup rather than a LIKE inside nested subqueries.
	regionIDs, err := c.Region.Query().Where(regionUnder(*regionCode)).IDs(ctx)
	if err != nil {
		return nil, err
	}
	in := region.IDIn(regionIDs...)
	end := to.AddDate(0, 0, 1) // to is a date: include all of that day
	orgsIn := organization.RegionIDIn(regionIDs...)
	count := func(dst *int, q interface {
		Count(context.Context) (int, error)
	}) {
		if err == nil {
			*dst, err = q.Count(ctx)
		}
	}
	count(&s.RegisteredOrganizations, c.Organization.Query().Where(orgsIn,
		organization.RegistrationStatusEQ(organization.RegistrationStatusREGISTERED),
		organization.KindIn(organization.KindSOCIAL_ORGANIZATION, organization.KindSOCIAL_WORK_AGENCY)))
	count(&s.FiledOrganizations, c.Organization.Query().Where(orgsIn, organization.RegistrationStatusEQ(organization.RegistrationStatusFILED)))
	count(&s.VolunteerTeams, c.Organization.Query().Where(orgsIn, organization.KindEQ(organization.KindVOLUNTEER_TEAM)))
	count(&s.RegisteredVolunteers, c.Person.Query().Where(person.HasMembershipsWith(
		membership.HasOrganizationWith(orgsIn), membership.JoinedOnLT(end),
		membership.Or(membership.LeftOnIsNil(), membership.LeftOnGTE(from)))))
	count(&s.CertifiedSocialWorkers, c.Person.Query().Where(person.SocialWorkLevelNotNil(),
		person.HasMembershipsWith(membership.HasOrganizationWith(orgsIn), membership.LeftOnIsNil())))
	actsIn := activity.And(activity.RegionIDIn(regionIDs...), activity.StartsAtGTE(from), activity.StartsAtLT(end))
	count(&s.Activities, c.Activity.Query().Where(actsIn))
	count(&s.NeedsOpened, c.Need.Query().Where(need.RegionIDIn(regionIDs...), need.OpenedAtGTE(from), need.OpenedAtLT(end)))
	count(&s.NeedsResolved, c.Need.Query().Where(need.RegionIDIn(regionIDs...), need.ResolvedAtGTE(from), need.ResolvedAtLT(end)))
	count(&s.NeedsOverdue, c.Need.Query().Where(need.RegionIDIn(regionIDs...), overdue))
	if err != nil {
		return nil, err
	}
	// Sums and distinct counts in SQL: the period may hold every record.
	if s.Beneficiaries, err = sumInt(ctx, c.Activity.Query().Where(actsIn).Aggregate(ent.Sum(activity.FieldBeneficiaries))); err != nil {
		return nil, err
	}
	verified := c.ServiceRecord.Query().Where(servicerecord.StatusEQ(servicerecord.StatusVERIFIED),
		servicerecord.ServedOnGTE(from), servicerecord.ServedOnLTE(to), servicerecord.HasActivityWith(activity.RegionIDIn(regionIDs...)))
	// One pass over the period's records for both figures.
	var agg []struct {
		Minutes *float64 `json:"minutes"`
		Active  int      `json:"active"`
	}
	if err := verified.Aggregate(
		func(sel *sql.Selector) string {
			return sql.As(sql.Sum(sel.C(servicerecord.FieldMinutes)), "minutes")
		},
		func(sel *sql.Selector) string {
			return sql.As(sql.Count(sql.Distinct(sel.C(servicerecord.FieldPersonID))), "active")
		},
	).Scan(ctx, &agg); err != nil {
		return nil, err
	}
	if len(agg) == 1 {
		s.ActiveVolunteers = agg[0].Active
		if agg[0].Minutes != nil {
			s.VerifiedHours = *agg[0].Minutes / 60
		}
	}
	projects, err := c.Project.Query().Where(project.HasRegionsWith(in)).Select(project.FieldStage).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range projects {
		switch p.Stage {
		case project.StageDESIGN:
			s.ProjectsByStage.Design++
		case project.StageSHOWCASE:
			s.ProjectsByStage.Showcase++
		case project.StageIMPLEMENTATION:
			s.ProjectsByStage.Implementation++
		case project.StageEVALUATION:
			s.ProjectsByStage.Evaluation++
		case project.StageCLOSED:
			s.ProjectsByStage.Closed++
		}
	}
	return s, nil
}

// sumInt reads a SUM aggregate, which is NULL over no rows.
func sumInt(ctx context.Context, sel interface {
	Scan(context.Context, any) error
}) (int, error) {
	var rows []struct {
		Sum *float64 `json:"sum"`
	}
	if err := sel.Scan(ctx, &rows); err != nil {
		return 0, err
	}
	if len(rows) == 0 || rows[0].Sum == nil {
		return 0, nil
	}
	return int(*rows[0].Sum), nil
}
